"""The common emotion label space, VAD anchors and the value types every recognizer returns."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

#: The common label space (MELD's: Ekman's six plus neutral). Every recognizer maps into it.
EMOTIONS: tuple[str, ...] = ("neutral", "joy", "sadness", "anger", "fear", "disgust", "surprise")

#: Valence, arousal, dominance in [-1, 1] for each label. Source: Russell & Mehrabian (1977),
#: "Evidence for a three-factor theory of emotions", J. Research in Personality 11(3): 273-294,
#: Table of PAD scores for emotion terms ("happy", "sad", "angry", "afraid"/"fearful", "disgusted",
#: "surprised"); neutral is the origin. These are the anchors the PELD paper (Wen et al. 2021) uses.
VAD_ANCHORS: dict[str, tuple[float, float, float]] = {
    "neutral": (0.00, 0.00, 0.00),
    "joy": (0.81, 0.51, 0.46),
    "sadness": (-0.63, -0.27, -0.33),
    "anger": (-0.51, 0.59, 0.25),
    "fear": (-0.64, 0.60, -0.43),
    "disgust": (-0.60, 0.35, 0.11),
    "surprise": (0.40, 0.67, -0.13),
}

ANCHOR_MATRIX = np.array([VAD_ANCHORS[e] for e in EMOTIONS], dtype=np.float32)


@dataclass(frozen=True)
class VAD:
    """A point in valence-arousal-dominance space, each axis in [-1, 1]."""

    valence: float = 0.0
    arousal: float = 0.0
    dominance: float = 0.0

    def as_array(self) -> np.ndarray:
        return np.array([self.valence, self.arousal, self.dominance], dtype=np.float32)

    @classmethod
    def from_array(cls, values) -> "VAD":
        v = np.clip(np.asarray(values, dtype=np.float64), -1.0, 1.0)
        return cls(float(v[0]), float(v[1]), float(v[2]))

    @classmethod
    def of(cls, label: str) -> "VAD":
        return cls(*VAD_ANCHORS[label])


def vad_from_scores(scores: dict[str, float]) -> VAD:
    """Expected VAD under a distribution over `EMOTIONS`."""
    probs = np.array([scores.get(e, 0.0) for e in EMOTIONS], dtype=np.float32)
    return VAD.from_array(probs @ ANCHOR_MATRIX)


def nearest_emotion(vad: VAD) -> str:
    """The label whose anchor is closest to `vad`."""
    distances = np.linalg.norm(ANCHOR_MATRIX - vad.as_array(), axis=1)
    return EMOTIONS[int(np.argmin(distances))]


@dataclass(frozen=True)
class EmotionEstimate:
    """One modality's (or the fused) reading: label, scores over `EMOTIONS` (sum 1), VAD, confidence."""

    label: str
    scores: dict[str, float]
    vad: VAD
    confidence: float
    modality: str = "text"

    @classmethod
    def from_probabilities(cls, probs, modality: str = "text") -> "EmotionEstimate":
        p = np.asarray(probs, dtype=np.float64)
        p = p / p.sum()
        scores = {e: float(x) for e, x in zip(EMOTIONS, p)}
        label = EMOTIONS[int(np.argmax(p))]
        return cls(label, scores, vad_from_scores(scores), float(p.max()), modality)

    def to_dict(self) -> dict:
        return {
            "label": self.label,
            "scores": self.scores,
            "vad": [self.vad.valence, self.vad.arousal, self.vad.dominance],
            "confidence": self.confidence,
            "modality": self.modality,
        }

    @classmethod
    def from_dict(cls, data: dict) -> "EmotionEstimate":
        return cls(data["label"], dict(data["scores"]), VAD(*data["vad"]),
                   float(data["confidence"]), data.get("modality", "text"))


@dataclass(frozen=True)
class Cause:
    """A span in an earlier (or the same) utterance that likely caused the target's emotion."""

    utterance: int  # index into the conversation's utterances
    start: int  # character offsets of the span inside that utterance
    end: int
    text: str
    score: float

    def to_dict(self) -> dict:
        return {"utterance": self.utterance, "start": self.start, "end": self.end,
                "text": self.text, "score": self.score}

    @classmethod
    def from_dict(cls, data: dict) -> "Cause":
        return cls(int(data["utterance"]), int(data["start"]), int(data["end"]),
                   data["text"], float(data["score"]))


@dataclass(frozen=True)
class UserAffect:
    """The fused reading of the user for one turn, with the per-modality estimates it came from."""

    fused: EmotionEstimate
    modalities: dict[str, EmotionEstimate] = field(default_factory=dict)

    @property
    def conflicts(self) -> list[tuple[str, str, str, str]]:
        """Modalities that disagree about the user: (modality, label, other modality, other label)
        for each pair whose confident (>= 0.4), non-neutral readings lie on opposite sides of
        valence, at least 0.6 apart, like a smile (joy) with sad words. A neutral face with sad
        words is no conflict: faces are often still while people talk about feelings."""
        out = []
        items = [(m, e) for m, e in self.modalities.items() if e.label != "neutral" and e.confidence >= 0.4]
        for i, (m1, e1) in enumerate(items):
            for m2, e2 in items[i + 1:]:
                v1, v2 = VAD.of(e1.label).valence, VAD.of(e2.label).valence
                if v1 * v2 < 0 and abs(v1 - v2) >= 0.6:
                    out.append((m1, e1.label, m2, e2.label))
        return out

    @property
    def agreement(self) -> bool:
        return not self.conflicts

    def describe_conflict(self) -> str | None:
        """'joy in the face but sadness in the words' for the first conflict, None when they agree."""
        if not self.conflicts:
            return None
        names = {"text": "the words", "speech": "the voice", "face": "the face"}
        m1, l1, m2, l2 = self.conflicts[0]
        return f"{l1} in {names.get(m1, m1)} but {l2} in {names.get(m2, m2)}"

    def to_dict(self) -> dict:
        return {"fused": self.fused.to_dict(),
                "modalities": {k: v.to_dict() for k, v in self.modalities.items()},
                "conflicts": [list(c) for c in self.conflicts]}


def softmax(logits: np.ndarray) -> np.ndarray:
    """Probabilities over the last axis (numerically stable)."""
    z = np.exp(logits - logits.max(axis=-1, keepdims=True))
    return z / z.sum(axis=-1, keepdims=True)
