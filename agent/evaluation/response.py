"""`empathica eval response`: the emotions the agent answers with, message by message.

Each message of the project's everyday set (`training/data/everyday/NAME.csv`, one clear feeling each)
is read by the profile's text recognizer, as in a first turn, and answered by every persona preset
through the response policy (`agent/response_policy.py`). The report gives, per preset, the share of
emotional messages answered with a non-neutral emotion and the mean intensity; the answers by the
feeling the recognizer read; and in how many (user feeling x agent's previous emotion) cells the
calmest and the liveliest presets answer differently (label, or intensity by >= 0.1).
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from rich.console import Group
from rich.table import Table

from agent.evaluation.datasets import read_everyday
from agent.persona import CALMEST, LIVELIEST, PRESETS
from agent.response_policy import ResponsePolicy
from perception.emotions import EMOTIONS, VAD

PREVIOUS = [e for e in EMOTIONS if e != "disgust"]  # what the agent can have answered with before
INTENSITY_STEP = 0.1  # an intensity difference counted as a difference between presets


@dataclass
class ResponseReport:
    name: str
    n: int
    emotional: int  # messages whose gold feeling is not neutral
    non_neutral: dict[str, float]  # preset -> share of emotional messages answered non-neutral
    mean_intensity: dict[str, float]  # preset -> over the emotional messages
    answers: dict[str, dict[str, int]]  # feeling read -> the default preset's answers
    presets_differ: float  # share of (user feeling x previous emotion) cells, calmest vs liveliest
    seconds: float

    def __rich__(self) -> Group:
        presets = Table(title=f"{self.name}: response emotions for {self.n} messages "
                              f"({self.emotional} emotional)", title_justify="left")
        for col in ("persona preset", "non-neutral answers", "mean intensity"):
            presets.add_column(col, justify="left" if col == "persona preset" else "right")
        for name in self.non_neutral:
            presets.add_row(name, f"{self.non_neutral[name]:.3f}", f"{self.mean_intensity[name]:.3f}")
        presets.caption = (f"{CALMEST} and {LIVELIEST} answer differently in {self.presets_differ:.0%} of "
                           f"(user feeling x previous emotion) cells; {self.seconds:.0f} s")
        presets.caption_justify = "left"
        answers = Table(title=f"answers of {next(iter(PRESETS))} by the feeling read", title_justify="left")
        answers.add_column("feeling read")
        for e in EMOTIONS:
            answers.add_column(e, justify="right")
        for feeling, counts in self.answers.items():
            answers.add_row(feeling, *(str(counts.get(e, 0)) for e in EMOTIONS))
        return Group(presets, answers)


def presets_differ(transition, policy: ResponsePolicy) -> float:
    """The share of (user feeling x previous emotion) cells in which the calmest and the liveliest
    presets answer with another label or an intensity at least `INTENSITY_STEP` apart."""
    cells = [(user, previous) for user in EMOTIONS for previous in PREVIOUS]
    differ = 0
    for user, previous in cells:
        calm, lively = (policy.choose(transition, [("agent", previous)], user, PRESETS[p].big5,
                                      agent_vad=VAD.of(previous)) for p in (CALMEST, LIVELIEST))
        differ += calm.label != lively.label or abs(calm.intensity - lively.intensity) >= INTENSITY_STEP
    return differ / len(cells)


def evaluate_response(split: str, text_model: str, transition_model: str,
                      policy: ResponsePolicy) -> ResponseReport:
    from agent.transition import EmotionTransition
    from perception.text import TextEmotionRecognizer

    start = time.perf_counter()
    messages = read_everyday(Path("."), split)
    recognizer = TextEmotionRecognizer.load(text_model)
    transition = EmotionTransition.load(transition_model)
    readings = recognizer.predict([m.text for m in messages])
    emotional = [i for i, m in enumerate(messages) if m.labels[0] != "neutral"]
    non_neutral, intensity, answers = {}, {}, {}
    for name, persona in PRESETS.items():
        chosen = [policy.choose(transition, [], r.label, persona.big5, r.confidence) for r in readings]
        non_neutral[name] = sum(chosen[i].label != "neutral" for i in emotional) / max(len(emotional), 1)
        intensity[name] = sum(chosen[i].intensity for i in emotional) / max(len(emotional), 1)
        if not answers:
            for r, c in zip(readings, chosen):
                answers.setdefault(r.label, Counter())[c.label] += 1
    return ResponseReport(f"everyday {split}", len(messages), len(emotional), non_neutral, intensity,
                          {f: dict(answers[f]) for f in EMOTIONS if f in answers},
                          presets_differ(transition, policy), time.perf_counter() - start)
