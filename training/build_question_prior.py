"""Fit the question prior (`agent.question_prior`) on blinded readers' judgements of the agent's
replies (`training/data/replies/judged.jsonl`: the project's own conversations, readers given only
`../shared/REPLY_RUBRIC.md`), print how well it ranks when each reading session is left out, and
write `agent/models/question_prior/question_starts.json`.

    python -m training.build_question_prior            # --smoothing 5
"""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console
from sklearn.metrics import roc_auc_score

from agent.question_prior import PRIOR_FILE, prior_from, question_start, start_counts
from agent.openings import OPENINGS
from agent.reply_start import ACKNOWLEDGEMENTS

JUDGED = Path(__file__).resolve().parent / "data" / "replies" / "judged.jsonl"
console = Console()


def read_judged(path: Path) -> list[dict]:
    if not path.is_file():
        raise typer.BadParameter(f"no judged replies at {path}")
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    if not rows:
        raise typer.BadParameter(f"{path} holds no judged replies")
    return rows


def opening_emotion(reply: str) -> str | None:
    """The emotion of the reply's given start (`agent.reflection`'s openings and acknowledgements)."""
    for emotion, starts in ACKNOWLEDGEMENTS.items():
        if reply.startswith(starts):
            return emotion
    for emotion, openings in OPENINGS.items():
        if reply.startswith(tuple(o.split("{span}")[0] for o in openings if not o.startswith("{"))):
            return emotion
    return None


def fitted(rows: list[dict], smoothing: float) -> dict:
    triples = [(r["reply"], r["acceptable"], opening_emotion(r["reply"])) for r in rows]
    return {"overall": sum(t[1] for t in triples) / len(triples), "smoothing": smoothing,
            "counts": start_counts(triples)}


def held_out_auc(rows: list[dict], smoothing: float) -> tuple[float, float]:
    """AUC of the prior for acceptance, each reading session (a folder of items read by one or two
    readers) scored by a prior fitted on the others: over all replies, and over those that ask."""
    def session(row: dict) -> str:
        return row["reading"].split("/")[0]

    truth, score, asking = [], [], []
    for held in sorted({session(r) for r in rows}):
        table = fitted([r for r in rows if session(r) != held], smoothing)
        for r in (r for r in rows if session(r) == held):
            truth.append(r["acceptable"])
            score.append(prior_from(table["counts"], table["overall"], smoothing, r["reply"],
                                    opening_emotion(r["reply"])))
            asking.append(question_start(r["reply"], 1) is not None)
    ask_truth = [t for t, a in zip(truth, asking) if a]
    ask_score = [s for s, a in zip(score, asking) if a]
    return roc_auc_score(truth, score), roc_auc_score(ask_truth, ask_score)


def main(judged: Path = typer.Option(JUDGED), smoothing: float = 5.0, out: Path = PRIOR_FILE) -> None:
    rows = read_judged(judged)
    auc_all, auc_asking = held_out_auc(rows, smoothing)
    table = fitted(rows, smoothing)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({**table, "judgements": len(rows),
                               "held_out_auc": {"all": round(auc_all, 4), "asking": round(auc_asking, 4)}},
                              indent=0, sort_keys=True) + "\n")
    console.print(f"{len(rows)} judgements; AUC with each reading session left out: all {auc_all:.3f}, "
                  f"replies that ask {auc_asking:.3f}; wrote {out}")


if __name__ == "__main__":
    typer.run(main)
