"""The emotion the agent answers with: the learned transition, turned toward the user and coloured by
the persona's temperament.

PELD (Friends characters answering each other) teaches how a speaker's state moves from their previous
emotion given the other's, but not how an *empathetic listener* answers, and it barely teaches
personality (the network's argmax is neutral almost everywhere). So the response is the network's
point plus two documented, set terms:

    point = (1 - follow) * network VAD
            + follow * confidence * strength * anchor(answer)          (empathy: toward the user)
            + temperament * Mehrabian(persona)                          (the persona's temperament)
    label = answer when the user feels something; else joy or sadness, whichever the point leans
            toward more, or neutral when it hardly leans either way (intensity < MIN_INTENSITY)
    intensity = how far the point lies toward the label's anchor (0..1); for a user who feels
                something, at least MIN_INTENSITY, and never a cheerful voice for pain (kept_toward)

- **Learned** (`agent/transition.py`, PELD): the network's VAD point from the agent's previous state
  and the user's feeling. The network is asked for the
  average person: on PELD's six characters its personality terms add +0.001 macro F1 (noise), and its
  learned per-axis gate can move a persona against Mehrabian's direction, so personality enters only
  through the temperament term below.
- **Set** (here, `[transition]` settings): `EMPATHIC_ANSWERS` (which feeling answers which, and how
  strongly), `follow` and `temperament`. Mehrabian's (1996) coefficients fix the temperament's
  direction: an extraverted, agreeable, stable persona answers more pleasantly and dominantly, a
  neurotic one more aroused.

What the agent never does toward the user: answer with **disgust** (it reads as disgust at them);
answer with **anger** unless the user is angry or disgusted, and then only as indignation on their
behalf; answer a user who is sad, afraid, angry or disgusted with **joy** (cheer at pain reads as
dismissal).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from agent.persona import Big5
from agent.transition import EmotionTransition, ResponseEmotion, intensity_of, personality_vad
from perception.emotions import EMOTIONS, VAD

#: user feeling -> (the emotion the agent answers with, how far toward its anchor). Kept below the
#: full anchor so the voice stays steady: fear is answered with concern, not alarm.
EMPATHIC_ANSWERS: dict[str, tuple[str, float]] = {
    "joy": ("joy", 0.8),  # share the gladness
    "sadness": ("sadness", 0.75),  # sympathy: softer and slower
    "fear": ("fear", 0.4),  # concern
    "anger": ("anger", 0.5),  # indignation on the user's behalf
    "disgust": ("anger", 0.35),  # indignation at what put them off; never disgust back
    "surprise": ("surprise", 0.7),
}
NEVER_ANSWERED = ("disgust",)
ANGER_ON_BEHALF_OF = ("anger", "disgust")  # the only user feelings the agent may answer with anger
NO_JOY_FOR = ("sadness", "fear", "anger", "disgust")
AVERAGE_PERSON = Big5()  # what the network is asked for (see above)
CALM_USER_ANSWERS = ("joy", "sadness")  # a neutral user meets warmth or lingering sympathy, no alarm
MIN_INTENSITY = 0.2  # the least lean toward the answer (a neutral user: else neutral)


def allowed_answers(user_feeling: str) -> list[str]:
    """The labels the agent may answer `user_feeling` with."""
    return [e for e in EMOTIONS if e not in NEVER_ANSWERED
            and (e != "anger" or user_feeling in ANGER_ON_BEHALF_OF)
            and (e != "joy" or user_feeling not in NO_JOY_FOR)]


def kept_toward(point: np.ndarray, label: str, cheerless: bool) -> np.ndarray:
    """`point` leaning at least `MIN_INTENSITY` toward `label`'s anchor, and with no positive valence
    when `cheerless` (a sad, afraid, angry or disgusted user): a cheerful temperament colours the
    answer but cannot turn the voice cheerful or flat."""
    anchor = VAD.of(label).as_array()
    if cheerless:
        point = np.array([min(point[0], 0.0), point[1], point[2]])
    lean = float(point @ anchor / (anchor @ anchor))
    return point + max(0.0, MIN_INTENSITY - lean) * anchor


@dataclass(frozen=True)
class ResponsePolicy:
    """`follow`: how far the response point moves toward the empathic answer (0: the point is the
    network's plus the temperament; the label is still the empathic answer); `temperament`: how
    strongly the persona's Mehrabian temperament colours it (0 = not at all)."""

    follow: float = 0.7
    temperament: float = 0.4

    def __post_init__(self) -> None:
        for name in ("follow", "temperament"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"response policy {name} must be in [0, 1], got {value}")

    def choose(self, transition: EmotionTransition, history: list[tuple[str, str]], user_feeling: str,
               personality: Big5, confidence: float = 1.0, agent_vad: VAD | None = None) -> ResponseEmotion:
        """The response emotion after `history` ((speaker, emotion) pairs, oldest first, without the
        user's latest turn), for a user who now feels `user_feeling`."""
        network = transition.predict([*history, ("user", user_feeling)], AVERAGE_PERSON, agent_vad=agent_vad)
        return self.answer(user_feeling, network, personality, confidence)

    def answer(self, user_feeling: str, network: ResponseEmotion, personality: Big5,
               confidence: float = 1.0) -> ResponseEmotion:
        """The response emotion for a user who feels `user_feeling` (read with `confidence`), given the
        network's prediction and the persona's Big Five."""
        if user_feeling not in EMOTIONS:
            raise ValueError(f"unknown emotion {user_feeling!r}; expected one of {EMOTIONS}")
        point = ((1.0 - self.follow) * network.vad.as_array()
                 + self.temperament * personality_vad(personality).as_array())
        if user_feeling in EMPATHIC_ANSWERS:
            label, strength = EMPATHIC_ANSWERS[user_feeling]
            point += self.follow * float(np.clip(confidence, 0, 1)) * strength * VAD.of(label).as_array()
            vad = VAD.from_array(kept_toward(point, label, cheerless=user_feeling in NO_JOY_FOR))
        else:
            vad = VAD.from_array(point)
            label = max(CALM_USER_ANSWERS, key=lambda e: intensity_of(vad, e))
            label = label if intensity_of(vad, label) >= MIN_INTENSITY else "neutral"
        return ResponseEmotion(label, vad, intensity_of(vad, label), network.scores)
