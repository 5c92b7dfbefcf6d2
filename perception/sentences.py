"""Where sentences end, in one place: `split_sentences` for a whole text and `ends_sentence`. The
crisis detector reads each sentence of a long message (`perception/crisis.py`); speech cuts a
streamed reply into sentences to say each at once (`speech/sentences.py`); reply checks read sentence
by sentence (`agent/reply_checks.py`)."""

from __future__ import annotations

import re

#: A sentence ends at . ! ? or … followed by whitespace (closing quotes/brackets stay with it).
BOUNDARY = re.compile(r"[.!?…]+[\"')\]]*\s+")
_ENDS = re.compile(r"[.!?…][\"')\]]*\s*$")
#: A title whose full stop ends no sentence ("Have you talked to Dr. Okafor?" was cut to "Have you
#: talked to Dr."): capitalised titles only, so "diagnosed with MS." and "on Oak St." still end theirs
#: (the crisis detector reads a message sentence by sentence).
_ABBREVIATED = re.compile(r"(?:^|[\s(])(?:Mr|Mrs|Dr|Prof)\.\s*$")


def split_sentences(text: str) -> list[str]:
    """`text` cut after each sentence end (closing quotes and brackets stay with their sentence; not
    after "Dr." or "Mrs.")."""
    pieces, start = [], 0
    for match in BOUNDARY.finditer(text):
        if match.group().strip() == "." and _ABBREVIATED.search(text[start:match.end()]):
            continue
        pieces.append(text[start:match.end()].strip())
        start = match.end()
    return [p for p in (*pieces, text[start:].strip()) if p]


def ends_sentence(text: str) -> bool:
    """Whether `text` ends with a finished sentence (trailing spaces aside; "... to Dr." does not)."""
    return bool(_ENDS.search(text)) and not _ABBREVIATED.search(text)
