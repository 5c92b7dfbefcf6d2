"""How readers take a reply's question: a prior over how a question starts, learned from blinded
readers' judgements of the agent's own replies (`training/build_question_prior.py`).

Readers accepted 0.82 of replies ending in "What happened?" and 0.93 of "How do you feel ...?", but
0.29-0.39 of "How long have/has ...?" (it presumes something is ongoing) and none of "Did you have
...?"; a reply that asks nothing, 0.37 (raw shares; the smoothed table gives 0.79 and 0.34).
`question_prior(reply)` is that acceptance for the start of the reply's last question (its first
three words, backing off to two and one, each smoothed toward the shorter start's figure, then by the
emotion of the reply's opening), or the figure for asking nothing. `agent.respond.ReplyWriter` ranks
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


#: The most words of a question's start the table keys it by.
START_WORDS = 3


def _question_words(reply: str) -> list[str] | None:
    """The words (lower case) of the reply's last question, or None when it asks nothing."""
    found = _QUESTION.findall(reply)
    return _WORD.findall(found[-1].lower()) if found else None


def question_start(reply: str, words: int) -> str | None:
    """The first `words` words (lower case) of the reply's last question, or None when it asks nothing."""
    question = _question_words(reply)
    return None if question is None else " ".join(question[:words])


def _keys(reply: str, emotion: str | None) -> list[str]:
    """The table keys `reply` counts under: its question start of 1..`START_WORDS` words (or
    `NO_QUESTION`), and the longest of them after its opening's emotion ("joy|how can i")."""
    question = _question_words(reply)
    if question is None:
        keys = [NO_QUESTION]
    else:
        keys = [" ".join(question[:k]) for k in range(1, START_WORDS + 1)]
    return [*dict.fromkeys(keys), *([f"{emotion}|{keys[-1]}"] if emotion else [])]


def start_counts(replies: list[tuple[str, int, str | None]]) -> dict[str, list[int]]:
    """[accepted, judged] per question start of 1..`START_WORDS` words (and `NO_QUESTION`), alone and
    after the emotion of the reply's opening, over judged (reply, acceptable, emotion) triples."""
    counts: dict[str, list[int]] = {}
    for reply, acceptable, emotion in replies:
        for key in _keys(reply, emotion):
            entry = counts.setdefault(key, [0, 0])
            entry[0] += int(acceptable)
            entry[1] += 1
    return counts


def prior_from(counts: dict[str, list[int]], overall: float, smoothing: float, reply: str,
               emotion: str | None = None) -> float:
    """The smoothed acceptance of `reply`'s question start under `counts`: each longer start (and
    last, the start after an opening in `emotion`) smoothed toward the shorter one's figure."""
    p = overall
    for key in _keys(reply, emotion):
        accepted, judged = counts.get(key, (0, 0))
        p = (accepted + smoothing * p) / (judged + smoothing)
    return p


@lru_cache(maxsize=1)
def _table(path: Path = PRIOR_FILE) -> dict:
    return json.loads(path.read_text())


def question_prior(reply: str, emotion: str | None = None) -> float:
    """How often readers accepted a reply whose question starts as `reply`'s does, after an opening
    in `emotion` (the words' emotion: "How can I help?" reads well after bad news, not after good)."""
    table = _table()
    return prior_from(table["counts"], table["overall"], table["smoothing"], reply, emotion)
