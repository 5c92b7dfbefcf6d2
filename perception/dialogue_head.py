"""The dialogue head of the trained text-emotion model: what the model read from an utterance, taken
together with what it read from the utterances before it.

In a conversation emotion carries over: a speaker stays in a mood for a while, and answers the mood
of the other. The LoRA model reads the words of the earlier turns (its context) but does not see
what it made of them. The head is a linear layer, a multinomial logistic regression trained on MELD
train by `python -m training.train_dialogue_head`, over
  * the utterance's own 7 logits,
  * the mean probabilities the model gave the last `per_side` utterances of the same speaker, and
    the last `per_side` of anyone else, among the last `window` turns of the context,
  * whether there were any of each.

A context given as plain strings alternates speakers, the most recent being the other speaker (as
`perception.text.context_string` reads it).
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

#: A context item: `(speaker, text)`, or a bare string (then the speakers alternate, the most recent
#: turn being the other speaker's, as in a two-person conversation).
ContextItem = tuple[str, str] | str
#: the labels given to speakers of a plain-string context: the target's own speaker and the other
SAME, OTHER = "A", "B"


@dataclass(frozen=True)
class EarlierTurn:
    """One utterance before the target, as the model reads it: its words, own context and speaker."""

    same_speaker: bool
    text: str
    context: list[tuple[str, str]]
    speaker: str


def as_pairs(context: Sequence[ContextItem], speaker: str | None) -> tuple[list[tuple[str, str]], str | None]:
    """(speaker, text) pairs and the target's speaker; plain strings get alternating labels."""
    if all(not isinstance(item, str) for item in context):
        return [tuple(item) for item in context], speaker  # type: ignore[misc]
    pairs = []
    for back, item in enumerate(reversed(context)):
        label = SAME if back % 2 == 1 else OTHER
        pairs.append((label, item) if isinstance(item, str) else (label, item[1]))
    return pairs[::-1], SAME


def earlier_turns(context: Sequence[ContextItem], speaker: str | None, window: int) -> list[EarlierTurn]:
    """The last `window` utterances of `context`, most recent first, each with its own context."""
    pairs, target = as_pairs(context, speaker)
    out = []
    for j in range(len(pairs) - 1, max(-1, len(pairs) - 1 - window), -1):
        who, text = pairs[j]
        out.append(EarlierTurn(target is not None and who == target, text, pairs[:j], who))
    return out


def dialogue_features(own_logits: np.ndarray, earlier: list[list[tuple[bool, np.ndarray]]],
                      per_side: int) -> np.ndarray:
    """(n, 3 * classes + 2) features: own logits, mean earlier probabilities of the same speaker and
    of others (up to `per_side` each, most recent first), and whether there were any of each."""
    n, classes = own_logits.shape
    out = np.zeros((n, 3 * classes + 2), dtype=np.float32)
    out[:, :classes] = own_logits
    for i, turns in enumerate(earlier):
        for side, same in ((1, True), (2, False)):
            picked = [p for s, p in turns if s == same][:per_side]
            if picked:
                out[i, side * classes:(side + 1) * classes] = np.mean(picked, axis=0)
                out[i, 3 * classes + side - 1] = 1.0
    return out


class DialogueHead:
    """logits = features @ weight.T + bias, with the window it was trained for. A head fitted
    `conversation_only` reads only messages with earlier turns; a message with none keeps the model's
    own logits (the head would add nothing but its training data's label prior: Friends' neutral)."""

    file_name = "dialogue_head.safetensors"

    def __init__(self, weight: np.ndarray, bias: np.ndarray, window: int, per_side: int,
                 conversation_only: bool = False):
        self.weight, self.bias = weight.astype(np.float32), bias.astype(np.float32)
        self.window, self.per_side, self.conversation_only = window, per_side, conversation_only

    @classmethod
    def load(cls, folder: Path, settings: dict) -> "DialogueHead":
        from safetensors.numpy import load_file

        path = Path(folder) / settings.get("file", cls.file_name)
        try:
            tensors = load_file(str(path))
        except OSError:
            raise
        except Exception as exc:  # noqa: BLE001 - safetensors raises its own error type
            raise ValueError(f"{path} is not a safetensors file: {exc}") from exc
        weight, bias = tensors.get("weight"), tensors.get("bias")
        if weight is None or bias is None or weight.ndim != 2 or bias.shape != (weight.shape[0],) \
                or weight.shape[1] != 3 * weight.shape[0] + 2:
            raise ValueError(f"{path} does not hold a dialogue head (a weight of classes x (3 x classes "
                             "+ 2) and a bias of classes)")
        return cls(weight, bias, int(settings["window"]), int(settings["per_side"]),
                   bool(settings.get("conversation_only", False)))

    def save(self, folder: Path) -> dict:
        """Writes the weights into `folder`; returns the settings for model.json."""
        from safetensors.numpy import save_file

        save_file({"weight": self.weight, "bias": self.bias}, str(Path(folder) / self.file_name))
        return {"file": self.file_name, "window": self.window, "per_side": self.per_side,
                "conversation_only": self.conversation_only}

    def __call__(self, features: np.ndarray) -> np.ndarray:
        out = features @ self.weight.T + self.bias
        if self.conversation_only:
            alone = ~in_conversation(features)
            out[alone] = features[alone, :self.weight.shape[0]]
        return out


def in_conversation(features: np.ndarray) -> np.ndarray:
    """Per row of `dialogue_features`: whether the message had any earlier turn."""
    classes = (features.shape[1] - 2) // 3
    return features[:, 3 * classes:].sum(axis=1) > 0


class LogitCache:
    """The model's logits by input digest (not text: no words are kept), least recently used dropped.
    In a live conversation each utterance is then read once, not again as the next turns' context."""

    def __init__(self, size: int = 4096):
        self.size = size
        self._items: OrderedDict[bytes, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def key(model_input: str) -> bytes:
        return hashlib.blake2b(model_input.encode("utf-8", "surrogatepass"), digest_size=16).digest()

    def lookup(self, keys: list[bytes], compute: Callable[[list[int]], np.ndarray]) -> list[np.ndarray]:
        """The logits for `keys`; `compute(indices)` gives the rows of those not kept."""
        with self._lock:
            found = [self._items.get(k) for k in keys]
            for k, row in zip(keys, found):
                if row is not None:
                    self._items.move_to_end(k)
        missing = [i for i, row in enumerate(found) if row is None]
        if missing:
            rows = compute(missing)
            with self._lock:
                for i, row in zip(missing, rows):
                    found[i] = row
                    self._items[keys[i]] = row
                while len(self._items) > self.size:
                    self._items.popitem(last=False)
        return found  # type: ignore[return-value]

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
