"""How readers take a reply's question: a prior over how a question starts, learned from blinded
readers' judgements of the agent's own replies (`training/build_question_prior.py`).

Readers accepted 0.82 of replies ending in "What happened?" and 0.93 of "How do you feel ...?", but
0.29-0.39 of "How long have/has ...?" (it presumes something is ongoing) and none of "Did you have
...?"; a reply that asks nothing, 0.37. `question_prior(reply)` is that acceptance for the start of
the reply's last question (its first three words, backing off to two and one, each smoothed toward
the shorter start's figure), or the figure for asking nothing. `agent.respond.ReplyWriter` ranks
candidates with it. Model card: `agent/models/question_prior/MODEL_CARD.md`.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

PRIOR_FILE = Path(__file__).resolve().parent / "models" / "question_prior" / "question_starts.json"
NO_QUESTION = "(none)"
_QUESTION = re.compile(r"([^.!?]*\?)")
_WORD = re.compile(r"[a-z']+")


def question_start(reply: str, words: int) -> str | None:
    """The first `words` words (lower case) of the reply's last question, or None when it asks nothing."""
    found = _QUESTION.findall(reply)
    if not found:
        return None
    return " ".join(_WORD.findall(found[-1].lower())[:words])


def start_counts(replies: list[tuple[str, int]], longest: int = 3) -> dict[str, list[int]]:
    """[accepted, judged] per question start of 1..`longest` words (and `NO_QUESTION`) over judged
    (reply, acceptable) pairs."""
    counts: dict[str, list[int]] = {}
    for reply, acceptable in replies:
        keys = [NO_QUESTION] if question_start(reply, 1) is None else \
            {question_start(reply, k) for k in range(1, longest + 1)}
        for key in keys:
            entry = counts.setdefault(key, [0, 0])
            entry[0] += int(acceptable)
            entry[1] += 1
    return counts


def prior_from(counts: dict[str, list[int]], overall: float, smoothing: float, reply: str) -> float:
    """The smoothed acceptance of `reply`'s question start under `counts`."""
    if question_start(reply, 1) is None:
        accepted, judged = counts.get(NO_QUESTION, (0, 0))
        return (accepted + smoothing * overall) / (judged + smoothing)
    p = overall
    for k in (1, 2, 3):
        accepted, judged = counts.get(question_start(reply, k), (0, 0))
        p = (accepted + smoothing * p) / (judged + smoothing)
    return p


@lru_cache(maxsize=1)
def _table(path: Path = PRIOR_FILE) -> dict:
    return json.loads(path.read_text())


def question_prior(reply: str) -> float:
    """How often readers accepted a reply whose question starts as `reply`'s does (see the module)."""
    table = _table()
    return prior_from(table["counts"], table["overall"], table["smoothing"], reply)
