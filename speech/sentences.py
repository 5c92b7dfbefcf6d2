"""Cut streamed text into sentences as they complete, so each can be spoken while the LLM writes on."""

from __future__ import annotations

import re

#: A sentence ends at . ! ? or … followed by whitespace (closing quotes/brackets stay with it).
BOUNDARY = re.compile(r"[.!?…]+[\"')\]]*\s+")
MIN_CHARS = 12  # "Oh. I see." is spoken as one piece, not two tiny ones


class SentenceBuffer:
    def __init__(self) -> None:
        self.pending = ""

    def feed(self, delta: str) -> list[str]:
        """Add streamed text; return the sentences it completed."""
        self.pending += delta
        out, start = [], 0
        for match in BOUNDARY.finditer(self.pending):
            candidate = self.pending[start:match.end()].strip()
            if len(candidate) >= MIN_CHARS:
                out.append(candidate)
                start = match.end()
        self.pending = self.pending[start:]
        return out

    def flush(self) -> str:
        """Whatever is left (the last sentence, often without a final space)."""
        rest, self.pending = self.pending.strip(), ""
        return rest
