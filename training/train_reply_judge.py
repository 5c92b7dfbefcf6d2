"""Fit the reply judge: a logistic regression over sentence embeddings of the user's message and a
candidate reply, giving the chance that a blinded strict reader accepts the reply
(`agent/reply_judge.py`; model card in `agent/models/reply_judge/`).

Data: blinded readers' judgements (readers given only `../shared/REPLY_RUBRIC.md`) of the agent's
replies to the project's written conversations (`training/data/conversations/`), good and bad: by
default every reading of the agent's replies in `training/data/replies/` (`FITTED`; the sets read
later, `judged_fresh17.jsonl`, measure it and are not fitted on). Lines marked
`candidate` are all the candidates of one turn, each judged: they also measure a judge the way the
agent uses one, picking one reply of several.

    python -m training.train_reply_judge              # fit on those judgements, write the judge
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

from agent.evaluation.conversations import read_conversations
from agent.reply_judge import FEATURES, JUDGE_DIR, JUDGE_FILE, judge_features, last_sentence
from perception.defaults import PACKAGED_MINILM
from training.build_question_prior import JUDGED, read_judged

console = Console()
#: the project's written conversations (ids unique across files): judgements of replies to them are
#: held out by conversation in cross-validation
CONVERSATIONS = Path(__file__).resolve().parent / "data" / "conversations"
#: the weights of the judge beside the agent's own score that cross-validation compares
JUDGE_WEIGHTS = (2, 4, 8, 12, 16, 24, 50, 100)
#: the judgement files the shipped judge is fitted on: every reading of the agent's own replies until
#: the twenty-eighth session (not the controlled readings of one change, `judged_direct_questions.jsonl`,
#: `judged_worst_part.jsonl`, `judged_judge_refit.jsonl`; not `judged_fresh17.jsonl`, which measures it)
FITTED = (JUDGED, *(JUDGED.parent / f"judged_{name}.jsonl" for name in (
    "fresh", "fresh2", "fresh4", "fresh5", "fresh7", "fresh7_common", "fresh8", "fresh9", "fresh10",
    "fresh11_12_follow_ups", "fresh12", "fresh13", "fresh15")))


def conversation_ids(folder: Path = CONVERSATIONS) -> dict[tuple, str]:
    """(earlier user messages, message) -> the id of the conversation it belongs to, over every
    conversation file in `folder`; "" where two conversations share it (the first message "are you a
    bot?" opens one in two sets): such a judgement is always fitted on, never held out."""
    ids: dict[tuple, str] = {}
    for path in sorted(folder.glob("*.json")):
        for cid, turns in read_conversations(path):
            for n, text in enumerate(turns):
                key = (tuple(turns[:n]), text)
                ids[key] = cid if ids.get(key, cid) == cid else ""
    return ids


def judged_rows(paths: list[Path]) -> list[dict]:
    """The judgements of every file, each with the conversation it belongs to ("" when it is of no
    known one)."""
    ids = conversation_ids()
    rows = [row for path in paths for row in read_judged(path)]
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


def picked(turns: list[list[tuple[int, float]]], score) -> float:
    """How often the candidate with the highest `score(row index)` is accepted, over `turns`."""
    return float(np.mean([max(turn, key=lambda c: score(c[0]))[1] for turn in turns]))


def features(rows: list[dict]) -> np.ndarray:
    """`agent.reply_judge.judge_features` of every row, each distinct text encoded once."""
    from perception.sentence_encoder import SentenceEncoder

    encoder = SentenceEncoder.load(device="cpu")
    texts = sorted({t for r in rows for t in (r["message"], *r["earlier_user_messages"][-1:], r["reply"],
                                              last_sentence(r["reply"]))})
    vectors = dict(zip(texts, encoder.encode(texts)))

    def encode(batch: list[str]) -> np.ndarray:
        return np.stack([vectors[t] for t in batch])

    return np.vstack([judge_features(encode, r["earlier_user_messages"], r["message"], [r["reply"]]) for r in rows])


def fit(x: np.ndarray, rows: list[dict], inverse_l2: float):
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=inverse_l2, max_iter=3000).fit(x, [int(r["acceptable"]) for r in rows])


def cross_validate(rows: list[dict], x: np.ndarray, folds: int, inverse_l2: float, seed: int,
                   fold_models: Path | None = None) -> dict:
    """Conversations held out in turn: the judge fitted on the others picks one of each held-out
    turn's judged candidates; the pick's acceptance against the oracle's, a random pick's and, where
    the rows keep it, the agent's own score's alone and with the judge added at several weights
    (`agent.respond.JUDGE_WEIGHT`). With `fold_models`, each fold's judge is kept there with the
    conversations it never saw (to run the agent on those with it)."""
    turns = candidate_turns(rows)
    held = sorted({rows[i]["conversation"] for turn in turns for i, _ in turn} - {""})
    if len(held) < folds:
        raise typer.BadParameter(f"--folds {folds} needs judged candidates of at least {folds} known "
                                 f"conversations; the judgements have them for {len(held)}")
    random.Random(seed).shuffle(held)
    judged = np.zeros(len(rows))
    for k in range(folds):
        test = set(held[k::folds])
        train = np.array([r["conversation"] not in test for r in rows])
        model = fit(x[train], [r for r, keep in zip(rows, train) if keep], inverse_l2)
        if fold_models:
            save(model, fold_models / f"fold{k + 1}", {"held_out_conversations": sorted(test)})
        tested = [i for turn in turns if rows[turn[0][0]]["conversation"] in test for i, _ in turn]
        judged[tested] = model.predict_proba(x[tested])[:, 1]
        console.print(f"fold {k + 1}/{folds}: {len(test)} conversations held out")
    turns = [t for t in turns if rows[t[0][0]]["conversation"]]
    out = {"turns": len(turns), "judge_pick": picked(turns, lambda i: judged[i]),
           "oracle": float(np.mean([max(v for _, v in t) for t in turns])),
           "random_pick": float(np.mean([np.mean([v for _, v in t]) for t in turns]))}
    if all("agent_score" in rows[i] for t in turns for i, _ in t):
        out["agent_score_pick"] = picked(turns, lambda i: rows[i]["agent_score"])
        out.update({f"agent_score+{w}xjudge_pick": picked(turns, lambda i: rows[i]["agent_score"] + w * judged[i])
                    for w in JUDGE_WEIGHTS})
    out["scores"] = {rows[i]["reply"] + "\x00" + rows[i]["message"]: float(judged[i]) for t in turns for i, _ in t}
    return out


def save(model, folder: Path, training: dict) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / JUDGE_FILE).write_text(json.dumps({
        "kind": "reply-judge", "base": PACKAGED_MINILM, "features": FEATURES,
        "coef": [round(float(w), 6) for w in model.coef_[0]], "intercept": float(model.intercept_[0]),
        "training": training}) + "\n")


def main(judged: list[Path] = typer.Option(list(FITTED), help="judgement files (JSON lines), repeat for several"),
         inverse_l2: float = typer.Option(0.1, help="the logistic regression's C: larger fits the data more closely"),
         seed: int = 0,
         folds: int = typer.Option(0, help="first measure with conversations held out in this many folds"),
         cv_out: Path | None = typer.Option(None, help="write the held-out scores here"),
         fold_models: Path | None = typer.Option(None, help="keep each fold's judge in this folder"),
         out: Path = typer.Option(JUDGE_DIR)) -> None:
    if folds == 1 or folds < 0:
        raise typer.BadParameter("--folds is 0 (no cross-validation) or at least 2")
    if inverse_l2 <= 0:
        raise typer.BadParameter("--inverse-l2 must be above 0")
    rows = judged_rows(judged)
    unknown = sum(not r["conversation"] for r in rows)
    console.print(f"{len(rows)} judgements ({unknown} of no known conversation: always fitted on), "
                  f"{len(candidate_turns(rows))} turns with judged candidates")
    x = features(rows)
    extra = {}
    if folds:
        cv = cross_validate(rows, x, folds, inverse_l2, seed, fold_models)
        if cv_out:
            cv_out.write_text(json.dumps(cv, indent=1))
        extra = {k: round(v, 4) if isinstance(v, float) else v for k, v in cv.items() if k != "scores"}
        console.print(extra)
    save(fit(x, rows, inverse_l2), out, {"judgements": len(rows), "inverse_l2": inverse_l2, "folds": folds, **extra})
    console.print(f"reply judge written to {out}")


if __name__ == "__main__":
    typer.run(main)
