"""Emotion causes: which utterance, and which words in it, most likely caused the target's emotion.

First version (the RECCON-trained model replaces it): the target and the few utterances before it
are split into clauses; each clause is scored by how strongly the text recognizer reads the
target's emotion in it, with a prior for recency (in RECCON most causes are in the target utterance
itself or the turn just before). The best clauses come back as `Cause` spans with character offsets.
"""

from __future__ import annotations

import re

import numpy as np

from perception.emotions import EMOTIONS, Cause
from perception.text import TextEmotionRecognizer

# Clause boundaries: sentence punctuation, and the connectives that usually introduce a reason.
_BOUNDARY = re.compile(r"[.!?;:,]+|\s+(?:because|since|but|so|and then|when)\s+", re.IGNORECASE)
_FILLER = re.compile(r"^(?:oh|well|um+|uh+|yeah|so|and|but|just|like)\b[\s,]*", re.IGNORECASE)

RECENCY = 0.6  # weight of an utterance k turns before the target: RECENCY ** k
OTHER_SPEAKER = 0.5  # factor for the other speaker's utterances (the user's own words come first)
EMOTION_WEIGHT = 0.7


def clauses(text: str) -> list[tuple[int, int]]:
    """Character spans of the clauses of `text` that hold at least two words."""
    spans, start = [], 0
    for match in list(_BOUNDARY.finditer(text)) + [None]:
        end = match.start() if match else len(text)
        piece = text[start:end]
        lead = len(piece) - len(piece.lstrip())
        filler = _FILLER.match(piece[lead:])
        lead += filler.end() if filler else 0
        s, e = start + lead, start + len(piece.rstrip())
        if len(text[s:e].split()) >= 2:
            spans.append((s, e))
        start = match.end() if match else len(text)
    if not spans and text.strip():
        s = len(text) - len(text.lstrip())
        spans.append((s, len(text.rstrip())))
    return spans


class CauseExtractor:
    def __init__(self, recognizer: TextEmotionRecognizer, context_turns: int = 6):
        self.recognizer = recognizer
        self.context_turns = context_turns

    @classmethod
    def load(cls, source: str | None = None, device: str = "auto",
             context_turns: int = 6) -> "CauseExtractor":
        return cls(TextEmotionRecognizer.load(source, device), context_turns)

    def extract(self, utterances: list[str], target: int, emotion: str | None = None,
                max_causes: int = 2, speakers: list[str] | None = None) -> list[Cause]:
        """Causes of the emotion of `utterances[target]`, best first. Neutral has no cause.

        `emotion` is the target's emotion if already known (else the recognizer reads it);
        `speakers`, one per utterance, lets the target speaker's own words weigh more.
        """
        if speakers is not None and len(speakers) != len(utterances):
            raise ValueError(f"{len(speakers)} speakers for {len(utterances)} utterances")
        if not 0 <= target < len(utterances):
            raise IndexError(f"target {target} is outside the {len(utterances)} utterances")
        if emotion is not None and emotion not in EMOTIONS:
            raise ValueError(f"unknown emotion {emotion!r}; expected one of {EMOTIONS}")
        if emotion is None:
            emotion = self.recognizer.predict([utterances[target]])[0].label
        if emotion == "neutral":
            return []
        candidates = [(i, s, e) for i in range(max(0, target - self.context_turns), target + 1)
                      for s, e in clauses(utterances[i])]
        if not candidates:
            return []
        probs = self.recognizer.probabilities([utterances[i][s:e] for i, s, e in candidates])
        column = probs[:, EMOTIONS.index(emotion)]
        recency = np.array([RECENCY ** (target - i) for i, _, _ in candidates])
        scores = EMOTION_WEIGHT * column + (1 - EMOTION_WEIGHT) * recency
        if speakers is not None:
            scores *= np.array([1.0 if speakers[i] == speakers[target] else OTHER_SPEAKER
                                for i, _, _ in candidates])
        order = np.argsort(-scores)[:max_causes]
        return [Cause(candidates[k][0], candidates[k][1], candidates[k][2],
                      utterances[candidates[k][0]][candidates[k][1]:candidates[k][2]],
                      float(scores[k])) for k in order]
