"""The one interface every LLM backend implements."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Iterator, Union

from agent.llm.options import GenerationOptions

#: A prompt is either plain text (a base model continues it) or chat messages
#: ({"role": "system"|"user"|"assistant", "content": str}) for instruction-tuned models.
Prompt = Union[str, list[dict]]


class LLMError(RuntimeError):
    """The LLM backend failed: server unreachable, timed out, bad response, model missing."""


class LLM(ABC):
    """A text generator. `chat` says whether it expects chat messages (an instruct model)."""

    chat: bool = False

    @abstractmethod
    def complete(self, prompt: Prompt, options: GenerationOptions) -> list[str]:
        """`options.num_candidates` continuations, each cut before the first stop string."""

    @abstractmethod
    def stream(self, prompt: Prompt, options: GenerationOptions) -> Iterator[str]:
        """Text deltas of one continuation as they are generated, ending before a stop string."""

    def prepare(self, prefix: str) -> bool:
        """Read `prefix` ahead of the turn whose prompt will start with it, if the model is idle
        now (a local backend keeps its attention cache); False when nothing was done."""
        return False


def cut_at_stop(text: str, stop: tuple[str, ...]) -> tuple[str, bool]:
    """Text before the earliest stop string, and whether one was found."""
    cut = min((i for i in (text.find(s) for s in stop if s) if i >= 0), default=-1)
    return (text[:cut], True) if cut >= 0 else (text, False)


class StopFilter:
    """Filters a stream of text deltas so that nothing from the first stop string on is emitted.

    `feed(delta)` returns the part that is safe to emit now; it holds back a tail that could be the
    beginning of a stop string. Once a stop string appears `stopped` turns True and everything after
    is dropped. When the stream ends without a stop, `finish()` returns the held-back tail.
    """

    def __init__(self, stop: tuple[str, ...] = ()):
        self.stop = tuple(s for s in stop if s)
        self.stopped = False
        self._held = ""

    def feed(self, delta: str) -> str:
        if self.stopped:
            return ""
        text, found = cut_at_stop(self._held + delta, self.stop)
        if found:
            self.stopped, self._held = True, ""
            return text
        keep = self._partial_stop_len(text)
        self._held = text[len(text) - keep:] if keep else ""
        return text[: len(text) - keep]

    def finish(self) -> str:
        """The held-back tail (empty after a stop): call once when the stream has ended."""
        rest, self._held = ("" if self.stopped else self._held), ""
        return rest

    def _partial_stop_len(self, text: str) -> int:
        """Length of the longest suffix of `text` that is a proper prefix of some stop string."""
        longest = max((len(s) for s in self.stop), default=0)
        for k in range(min(len(text), longest - 1), 0, -1):
            if any(s.startswith(text[-k:]) for s in self.stop):
                return k
        return 0
