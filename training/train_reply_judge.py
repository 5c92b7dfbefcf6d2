"""Fit the reply judge: a logistic regression over sentence embeddings of the user's message and a
candidate reply, giving the chance that a blinded strict reader accepts the reply
(`agent/reply_judge.py`; model card in `agent/models/reply_judge/`).

Data: every blinded reader's judgement in `training/data/replies/judged.jsonl` (the agent's replies
to the project's own everyday conversations, good and bad, readers given only
`../shared/REPLY_RUBRIC.md`). Lines marked `candidate` are all the candidates of one turn, each
judged: they also measure a judge the way the agent uses one, picking one reply of several.

    python -m training.train_reply_judge              # fit on every judgement, write the judge
    python -m training.train_reply_judge --folds 3    # first, conversations held out in turn: how often
                                                      # the judge's pick among a turn's candidates is accepted
"""

from __future__ import annotations

import json
import random
from collections import defaultdict
from pathlib import Path

import numpy as np
import typer
from rich.console import Console

from agent.reply_judge import FEATURES, JUDGE_DIR, JUDGE_FILE, judge_features, last_sentence
from perception.defaults import PACKAGED_MINILM
from training.build_question_prior import JUDGED, read_judged

console = Console()
CONVERSATIONS = Path(__file__).resolve().parent / "data" / "conversations" / "everyday.json"


def conversation_ids(path: Path = CONVERSATIONS) -> dict[tuple, str]:
    """(earlier user messages, message) -> the id of the conversation it belongs to."""
    out = {}
    for conversation in json.loads(path.read_text()):
        turns = [t if isinstance(t, str) else t.get("user") or t.get("text") for t in conversation["turns"]]
        for n, text in enumerate(turns):
            out[(tuple(turns[:n]), text)] = conversation["id"]
    return out


def judged_rows(path: Path) -> list[dict]:
    """The judgements, each with the conversation it belongs to ("" when it is of no known one)."""
    ids = conversation_ids()
    rows = read_judged(path)
    for row in rows:
        row["conversation"] = ids.get((tuple(row["earlier_user_messages"]), row["message"]), "")
    return rows


def candidate_turns(rows: list[dict]) -> list[list[tuple[int, float]]]:
    """The judged candidates of each turn: [(row index of one judgement of it, mean acceptance)]."""
    votes: dict[tuple, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    first: dict[tuple, dict[str, int]] = defaultdict(dict)
    for n, row in enumerate(rows):
        if row.get("candidate"):
            turn = (tuple(row["earlier_user_messages"]), row["message"])
            votes[turn][row["reply"]].append(int(row["acceptable"]))
            first[turn].setdefault(row["reply"], n)
    return [[(first[t][reply], float(np.mean(v))) for reply, v in replies.items()]
            for t, replies in votes.items() if len(replies) > 1]


def features(rows: list[dict]) -> np.ndarray:
    """`agent.reply_judge.judge_features` of every row, each distinct text encoded once."""
    from agent.evaluation.sentence_encoder import SentenceEncoder

    encoder = SentenceEncoder.load(device="cpu")
    texts = sorted({t for r in rows for t in (r["message"], *r["earlier_user_messages"][-1:], r["reply"],
                                              last_sentence(r["reply"]))})
    vectors = dict(zip(texts, encoder.encode(texts)))

    def encode(batch: list[str]) -> np.ndarray:
        return np.stack([vectors[t] for t in batch])

    return np.vstack([judge_features(encode, r["earlier_user_messages"], r["message"], [r["reply"]]) for r in rows])


def fit(x: np.ndarray, rows: list[dict], strength: float):
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=strength, max_iter=3000).fit(x, [int(r["acceptable"]) for r in rows])


def cross_validate(rows: list[dict], x: np.ndarray, folds: int, strength: float, seed: int,
                   fold_models: Path | None = None) -> dict:
    """Conversations held out in turn: the judge trained on the others picks one of each held-out
    turn's judged candidates; the pick's acceptance against the oracle's and a random pick's. With
    `fold_models`, each fold's judge is kept there with the conversations it never saw (to run the
    agent on those with it)."""
    turns = candidate_turns(rows)
    held = sorted({rows[i]["conversation"] for turn in turns for i, _ in turn})
    random.Random(seed).shuffle(held)
    picks, scores = [], {}
    for k in range(folds):
        test = set(held[k::folds])
        train = np.array([r["conversation"] not in test for r in rows])
        model = fit(x[train], [r for r, keep in zip(rows, train) if keep], strength)
        if fold_models:
            save(model, fold_models / f"fold{k + 1}", {"held_out_conversations": sorted(test)})
        for turn in turns:
            if rows[turn[0][0]]["conversation"] in test:
                p = model.predict_proba(x[[i for i, _ in turn]])[:, 1]
                picks.append(turn[int(np.argmax(p))][1])
                scores.update({rows[i]["reply"] + "\x00" + rows[i]["message"]: float(q) for (i, _), q in zip(turn, p)})
        console.print(f"fold {k + 1}/{folds}: judge's pick accepted {np.mean(picks):.3f} so far ({len(picks)} turns)")
    return {"turns": len(turns), "judge_pick": float(np.mean(picks)),
            "oracle": float(np.mean([max(v for _, v in t) for t in turns])),
            "random_pick": float(np.mean([np.mean([v for _, v in t]) for t in turns])), "scores": scores}


def save(model, folder: Path, training: dict) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / JUDGE_FILE).write_text(json.dumps({
        "kind": "reply-judge", "base": PACKAGED_MINILM, "features": FEATURES,
        "coef": [round(float(w), 6) for w in model.coef_[0]], "intercept": float(model.intercept_[0]),
        "training": training}) + "\n")


def main(judged: Path = typer.Option(JUDGED), strength: float = typer.Option(0.1, help="inverse L2 strength (C)"),
         seed: int = 0,
         folds: int = typer.Option(0, help="first measure with conversations held out in this many folds"),
         cv_out: Path | None = typer.Option(None, help="write the held-out scores here"),
         fold_models: Path | None = typer.Option(None, help="keep each fold's judge in this folder"),
         out: Path = typer.Option(JUDGE_DIR)) -> None:
    if folds == 1 or folds < 0:
        raise typer.BadParameter("--folds is 0 (no cross-validation) or at least 2")
    if strength <= 0:
        raise typer.BadParameter("--strength must be above 0")
    rows = judged_rows(judged)
    console.print(f"{len(rows)} judgements, {len(candidate_turns(rows))} turns with judged candidates")
    x = features(rows)
    extra = {}
    if folds:
        cv = cross_validate(rows, x, folds, strength, seed, fold_models)
        if cv_out:
            cv_out.write_text(json.dumps(cv, indent=1))
        extra = {k: round(v, 4) if isinstance(v, float) else v for k, v in cv.items() if k != "scores"}
        console.print(extra)
    save(fit(x, rows, strength), out, {"judgements": len(rows), "strength": strength, "folds": folds, **extra})
    console.print(f"reply judge written to {out}")


if __name__ == "__main__":
    typer.run(main)
