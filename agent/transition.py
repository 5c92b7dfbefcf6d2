"""Response emotion: a personality-affected transition in VAD space (after Wen et al. 2021, PELD).

First version, rule-based with the paper's structure (the trained model replaces the weights):

1. personality -> VAD disposition with Mehrabian's (1996) temperament equations. Mehrabian writes
   them with emotional *stability* S; PELD vectors carry *neuroticism* N = the opposite pole, so S's
   terms flip sign:  P = .21E + .59A - .19N,  A = .15O + .30A + .57N,  D = .25O + .17C + .60E - .32A
   (traits centred to [-1, 1] first, so an average person has disposition ~0).
2. context -> VAD change: the pull of the user's latest emotion (emotional contagion, stronger for
   agreeable people) and the pull back toward the disposition.
3. response VAD = the agent's previous VAD + the change; label = nearest anchor in `EMOTIONS`;
   intensity = how far the point lies from neutral toward that anchor, in [0, 1].
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from agent.persona import Big5
from perception.emotions import EMOTIONS, VAD, nearest_emotion

MEHRABIAN = np.array([
    # O     C     E     A     N
    [0.00, 0.00, 0.21, 0.59, -0.19],  # pleasure / valence
    [0.15, 0.00, 0.00, 0.30, 0.57],  # arousal
    [0.25, 0.17, 0.60, -0.32, 0.00],  # dominance
], dtype=np.float32)


def personality_vad(personality: Big5) -> VAD:
    traits = 2.0 * np.asarray(personality.as_list(), dtype=np.float32) - 1.0
    return VAD.from_array(MEHRABIAN @ traits)


@dataclass(frozen=True)
class ResponseEmotion:
    label: str
    vad: VAD
    intensity: float

    def to_dict(self) -> dict:
        return {"label": self.label, "vad": [self.vad.valence, self.vad.arousal, self.vad.dominance],
                "intensity": self.intensity}


class EmotionTransition:
    """`predict(history, personality)`: history = [(speaker, emotion), ...], oldest first.

    The responder is whoever did not speak last; their previous emotion is their latest entry in
    `history` (neutral if none). `agent_vad` may give the responder's previous VAD point exactly.
    """

    def __init__(self, empathy: float = 0.45, disposition: float = 0.35):
        self.empathy = empathy
        self.disposition = disposition

    @classmethod
    def load(cls, source: str | None = None, **weights: float) -> "EmotionTransition":
        return cls(**weights)

    def predict(self, history: list[tuple[str, str]], personality: Big5,
                agent_vad: VAD | None = None) -> ResponseEmotion:
        if not history:
            raise ValueError("history must hold at least the other speaker's latest (speaker, emotion)")
        for _, emotion in history:
            if emotion not in EMOTIONS:
                raise ValueError(f"unknown emotion {emotion!r}; expected one of {EMOTIONS}")
        last_speaker, user_emotion = history[-1]
        own = [e for s, e in history if s != last_speaker]
        previous = agent_vad or VAD.of(own[-1] if own else "neutral")
        prev = previous.as_array()
        user = VAD.of(user_emotion).as_array()
        disposition = personality_vad(personality).as_array()
        contagion = self.empathy * (0.5 + personality.agreeableness)
        change = contagion * (user - prev) + self.disposition * (disposition - prev)
        response = VAD.from_array(prev + change)
        return ResponseEmotion(nearest_emotion(response), response, intensity_of(response))


def intensity_of(vad: VAD) -> float:
    """Projection of the point onto its label's anchor direction, 0 at neutral, 1 at the anchor."""
    label = nearest_emotion(vad)
    if label == "neutral":
        return 0.0
    anchor = VAD.of(label).as_array()
    return float(np.clip(vad.as_array() @ anchor / (anchor @ anchor), 0.0, 1.0))
