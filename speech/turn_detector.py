"""Voice activity and end of turn on a live stream, with Silero VAD (ONNX, from the PyPI package
`silero-vad`).

Feed 16 kHz mono audio in pieces of any size; `TurnDetector.feed` returns the events it finds:
`"speech_start"` once speech has lasted `min_speech_ms` (used for barge-in), `"pause"` with the audio
so far once `pause_ms` of silence follows speech (the turn may be ending: a voice session starts
transcribing it then, while the rest of the silence is confirmed), then `"turn_end"` with the turn's
audio once `silence_ms` of silence follows it, or when the turn reaches `max_turn_s`.
Speech shorter than `min_speech_ms` (a cough, a click) is dropped. Silero scores 32 ms windows.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from perception.audio import SAMPLE_RATE
from perception.loading import shared_model

WINDOW = 512  # samples per Silero window at 16 kHz (32 ms)


def load_vad_model():
    def build():
        from silero_vad import load_silero_vad

        return load_silero_vad(onnx=True)

    return shared_model("vad", "silero-vad", "cpu", build)


#: the user started speaking; paused (maybe the end: transcribe now); finished the turn
TurnEventKind = Literal["speech_start", "pause", "turn_end"]


@dataclass(frozen=True)
class TurnEvent:
    """What the detector heard in the audio fed to it."""

    kind: TurnEventKind
    audio: np.ndarray | None = None  # the turn so far (pause) or whole (turn_end), 16 kHz mono
    reason: str = ""  # for turn_end: "silence" or "max_length"
    # for turn_end: the length of the last pause's audio when nobody spoke after it (that audio plus
    # silence is the whole turn), else 0
    paused_samples: int = 0
    transcript: object = None  # for turn_end: made during the pause (set by agent.voice.TurnTaker)


@dataclass
class TurnDetector:
    silence_ms: int = 500
    pause_ms: int = 160  # a "pause" event after this much silence (no event when >= silence_ms)
    min_speech_ms: int = 250
    max_turn_s: float = 30.0
    threshold: float = 0.5
    pad_ms: int = 200  # audio kept before the detected start, so the first word is not clipped
    _model: object = field(default=None, repr=False)

    def __post_init__(self) -> None:
        # a shallow copy: the ONNX session (the weights) is shared, the recurrent state is this detector's
        # own, so several detectors (browser sessions) can listen at once
        self._model = copy.copy(load_vad_model())
        self.reset()

    def reset(self) -> None:
        self._pending = np.zeros(0, dtype=np.float32)
        self._before: list[np.ndarray] = []
        self._turn: list[np.ndarray] = []
        self._speech_windows = 0
        self._silent_windows = 0
        self._started = False
        self._paused = 0  # samples of the turn at its last pause, while no speech followed it
        self._model.reset_states()

    def speech_probability(self, window: np.ndarray) -> float:
        import torch

        return float(self._model(torch.from_numpy(window), SAMPLE_RATE).item())

    def feed(self, audio: np.ndarray) -> list[TurnEvent]:
        events: list[TurnEvent] = []
        self._pending = np.concatenate([self._pending, np.asarray(audio, dtype=np.float32).reshape(-1)])
        ms_per_window = WINDOW * 1000 / SAMPLE_RATE
        while len(self._pending) >= WINDOW:
            window, self._pending = self._pending[:WINDOW], self._pending[WINDOW:]
            speech = self.speech_probability(window) >= self.threshold
            if not self._turn and not speech:
                self._before = (self._before + [window])[-max(1, int(self.pad_ms / ms_per_window)):]
                continue
            if not self._turn:
                self._turn = list(self._before)
            self._turn.append(window)
            if speech:
                self._speech_windows += 1
                self._silent_windows = 0
                self._paused = 0
                if not self._started and self._speech_windows * ms_per_window >= self.min_speech_ms:
                    self._started = True
                    events.append(TurnEvent("speech_start"))
            else:
                self._silent_windows += 1
                if (self._started and 0 < self.pause_ms < self.silence_ms
                        and self._silent_windows == math.ceil(self.pause_ms / ms_per_window)):
                    self._paused = len(self._turn) * WINDOW
                    events.append(TurnEvent("pause", np.concatenate(self._turn)))
            length_s = len(self._turn) * WINDOW / SAMPLE_RATE
            if self._silent_windows * ms_per_window >= self.silence_ms or length_s >= self.max_turn_s:
                reason = "max_length" if length_s >= self.max_turn_s else "silence"
                if self._started:
                    events.append(TurnEvent("turn_end", np.concatenate(self._turn), reason, self._paused))
                self._turn, self._before = [], []
                self._speech_windows = self._silent_windows = self._paused = 0
                self._started = False
        return events

