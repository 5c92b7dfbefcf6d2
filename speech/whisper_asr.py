"""The faster-whisper ASR backend (the offline default: Whisper `tiny.en`, shared with the speech-emotion
model through `perception.whisper`)."""

from __future__ import annotations

import numpy as np

from perception.audio import SAMPLE_RATE
from perception.whisper import PACKAGED_WHISPER, load_whisper
from speech.transcriber import ASRBackend, Segment, Transcript, Word, register_asr


@register_asr("whisper")
class FasterWhisperASR(ASRBackend):
    def __init__(self, source: str, device: str, beam_size: int = 1):
        self.model = load_whisper(source or PACKAGED_WHISPER, device)
        self.beam_size = beam_size

    def transcribe(self, audio: np.ndarray) -> Transcript:
        segments, info = self.model.transcribe(
            audio, beam_size=self.beam_size, word_timestamps=True, vad_filter=True,
            condition_on_previous_text=False, language="en" if self.model.model.is_multilingual else None)
        out = [Segment(s.text.strip(), float(s.start), float(s.end),
                       [Word(w.word.strip(), float(w.start), float(w.end), float(w.probability))
                        for w in (s.words or [])]) for s in segments]
        return Transcript(" ".join(s.text for s in out if s.text).strip(), out,
                          len(audio) / SAMPLE_RATE, info.language or "en")
