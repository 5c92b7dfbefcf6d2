"""Synthesised audio as a value: float32 mono samples with their rate, and the signal steps every TTS
backend shares (gain with headroom, pitch shift by resampling)."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

#: Backends normalise to full scale; the voice is placed 6 dB below it so +6 dB of emotion gain fits.
BASE_LEVEL = 0.5


@dataclass(frozen=True)
class Audio:
    samples: np.ndarray  # float32, mono, in [-1, 1]
    sample_rate: int

    @property
    def duration(self) -> float:
        return len(self.samples) / self.sample_rate


    def save(self, path) -> None:
        import soundfile as sf

        sf.write(str(path), self.samples, self.sample_rate)

    @classmethod
    def concat(cls, parts: list["Audio"], pause_s: float = 0.0) -> "Audio":
        if not parts:
            raise ValueError("no audio to join")
        rate = parts[0].sample_rate
        gap = np.zeros(int(pause_s * rate), dtype=np.float32)
        pieces = []
        for i, p in enumerate(parts):
            if p.sample_rate != rate:
                raise ValueError(f"cannot join audio at {p.sample_rate} Hz to audio at {rate} Hz")
            pieces += [gap, p.samples] if i else [p.samples]
        return cls(np.concatenate(pieces).astype(np.float32), rate)


def resample_by(samples: np.ndarray, factor: float) -> np.ndarray:
    """`samples` resampled to `factor` times as many (factor < 1 plays back faster and higher)."""
    if abs(factor - 1.0) < 1e-3:
        return samples
    from scipy.signal import resample_poly

    ratio = Fraction(factor).limit_denominator(200)
    return resample_poly(samples, ratio.numerator, ratio.denominator).astype(np.float32)


def apply_gain(samples: np.ndarray, gain: float) -> np.ndarray:
    """Scale a full-scale signal to BASE_LEVEL x gain (peak), clipped to [-1, 1]."""
    peak = float(np.max(np.abs(samples))) if len(samples) else 0.0
    if peak <= 0:
        return samples.astype(np.float32)
    return np.clip(samples / peak * BASE_LEVEL * gain, -1.0, 1.0).astype(np.float32)
