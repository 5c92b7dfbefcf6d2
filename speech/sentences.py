"""`SentenceBuffer` cuts streamed text into sentences as they complete, so each can be spoken while
the LLM writes on (where a sentence ends: `perception/sentences.py`).

The reply's first piece may be a clause: "I don't know what to do, you need..." is spoken from the
comma on ("I don't know what to do,") once it has `FIRST_CLAUSE_WORDS` words, so the first audio
does not wait for the whole first sentence; later pieces are whole sentences.
"""

from __future__ import annotations

import re

from perception.sentences import BOUNDARY

MIN_CHARS = 12  # "Oh. I see." is spoken as one piece, not two tiny ones
#: A clause ends at , ; : or a dash followed by whitespace.
CLAUSE = re.compile(r"(?:[,;:]|\s[—–-])\s+")
FIRST_CLAUSE_WORDS = 4


class SentenceBuffer:
    def __init__(self) -> None:
        self.pending = ""
        self.started = False  # a piece has been handed out

    def feed(self, delta: str) -> list[str]:
        """Add streamed text; return the sentences (the first may be a clause) it completed."""
        self.pending += delta
        if not self.started:
            for match in CLAUSE.finditer(self.pending):
                clause = self.pending[:match.end()].strip()
                if len(clause.split()) >= FIRST_CLAUSE_WORDS and not BOUNDARY.search(clause + " "):
                    self.pending, self.started = self.pending[match.end():], True
                    return [clause, *self.feed("")]
        out, start = [], 0
        for match in BOUNDARY.finditer(self.pending):
            candidate = self.pending[start:match.end()].strip()
            if len(candidate) >= MIN_CHARS:
                out.append(candidate)
                start = match.end()
        self.pending = self.pending[start:]
        self.started = self.started or bool(out)
        return out

    def flush(self) -> str:
        """Whatever is left (the last sentence, often without a final space)."""
        rest, self.pending = self.pending.strip(), ""
        return rest
