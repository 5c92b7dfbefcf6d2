"""Audio in and out, in one place. In: decode any common file (or array) to 16 kHz mono float32,
with clear errors. Out: `Audio`, synthesised speech as a value, and the signal steps every TTS
backend shares (gain with headroom, pitch shift by resampling).

Every component that hears the user (transcriber, speech emotion, voice activity) calls
`load_audio` or `to_mono_16k`, so stereo, 8 kHz, int16 or a wrong extension behave the same
everywhere. Decoding uses soundfile (libsndfile: WAV, FLAC, OGG/Opus, MP3...), and falls back to
PyAV (FFmpeg: m4a, webm, mp4) for what libsndfile cannot read. Resampling is polyphase
(scipy.signal.resample_poly), exact for the usual rates.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Union

import numpy as np

SAMPLE_RATE = 16_000
AudioInput = Union[str, Path, bytes, tuple[np.ndarray, int]]


class AudioError(ValueError):
    """Audio that cannot be used: unreadable, empty, too long, or not a sound at all."""


def to_mono_16k(samples: np.ndarray, sample_rate: int) -> np.ndarray:
    """`samples` (frames, or frames x channels; float or int PCM) as 16 kHz mono float32 in [-1, 1]."""
    x = np.asarray(samples)
    if not isinstance(sample_rate, (int, np.integer)) or sample_rate <= 0:
        raise AudioError(f"sample rate must be a positive integer, got {sample_rate!r}")
    if x.size == 0:
        raise AudioError("the audio is empty (no samples)")
    if x.ndim == 2:
        # (frames, channels) as soundfile gives; (channels, frames) as torchaudio gives
        x = x.mean(axis=1) if x.shape[1] <= 8 or x.shape[0] > x.shape[1] else x.mean(axis=0)
    elif x.ndim != 1:
        raise AudioError(f"audio must be 1-D (mono) or 2-D (multi-channel), got shape {x.shape}")
    if np.issubdtype(x.dtype, np.integer):
        x = x.astype(np.float32) / float(np.iinfo(x.dtype).max)
    x = x.astype(np.float32, copy=False)
    if not np.isfinite(x).all():
        raise AudioError("the audio holds NaN or infinite samples")
    if sample_rate != SAMPLE_RATE:
        from scipy.signal import resample_poly

        ratio = Fraction(SAMPLE_RATE, int(sample_rate)).limit_denominator(1000)
        x = resample_poly(x, ratio.numerator, ratio.denominator).astype(np.float32)
    return np.clip(x, -1.0, 1.0)


def _decode_with_av(data: bytes) -> tuple[np.ndarray, int]:
    import av

    with av.open(io.BytesIO(data)) as container:
        stream = next((s for s in container.streams if s.type == "audio"), None)
        if stream is None:
            raise AudioError("the file has no audio stream")
        resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)
        chunks = [f.to_ndarray().reshape(-1) for frame in container.decode(stream)
                  for f in resampler.resample(frame)]
        chunks += [f.to_ndarray().reshape(-1) for f in resampler.resample(None)]
    if not chunks:
        raise AudioError("the file decodes to no audio")
    return np.concatenate(chunks), SAMPLE_RATE


def load_audio(source: AudioInput, max_seconds: float | None = None) -> np.ndarray:
    """Decode a file path, the bytes of a file, or a (samples, sample_rate) pair to 16 kHz mono.

    Raises `AudioError` naming the problem: missing, empty, corrupt or unsupported file, no samples,
    or longer than `max_seconds` (checked before resampling where the header tells the length)."""
    if isinstance(source, tuple):
        samples, rate = source
        audio = to_mono_16k(samples, rate)
    else:
        if isinstance(source, (str, Path)):
            path = Path(source).expanduser()
            if not path.is_file():
                raise AudioError(f"no audio file at {path}")
            data, name = path.read_bytes(), str(path)
        else:
            data, name = bytes(source), "the audio data"
        if not data:
            raise AudioError(f"{name} is empty (0 bytes)")
        audio = _decode(data, name, max_seconds)
    if max_seconds is not None and len(audio) > max_seconds * SAMPLE_RATE:
        raise AudioError(f"the audio is {len(audio) / SAMPLE_RATE:.0f} s long; the limit is "
                         f"{max_seconds:.0f} s (setting limits.max_audio_seconds)")
    return audio


def _decode(data: bytes, name: str, max_seconds: float | None) -> np.ndarray:
    import soundfile as sf

    try:
        with sf.SoundFile(io.BytesIO(data)) as f:
            if max_seconds is not None and f.frames > max_seconds * f.samplerate > 0:
                raise AudioError(f"{name} is {f.frames / f.samplerate:.0f} s long; the limit is "
                                 f"{max_seconds:.0f} s (setting limits.max_audio_seconds)")
            samples, rate = f.read(dtype="float32", always_2d=True), f.samplerate
    except AudioError:
        raise
    except Exception:  # libsndfile cannot read it: try FFmpeg's decoders
        try:
            samples, rate = _decode_with_av(data)
        except AudioError:
            raise
        except Exception as exc:
            raise AudioError(f"cannot decode {name}: not an audio file libsndfile or FFmpeg can read "
                             f"({type(exc).__name__})") from exc
    return to_mono_16k(samples, rate)


def rms(audio: np.ndarray) -> float:
    """Root-mean-square level of `audio` (0 for no samples)."""
    return float(np.sqrt(np.mean(np.square(audio, dtype=np.float64)))) if len(audio) else 0.0


def rms_dbfs(audio: np.ndarray) -> float:
    """Loudness of `audio` in dB relative to full scale (-inf for digital silence)."""
    level = rms(audio)
    return 20 * np.log10(level) if level > 0 else float("-inf")


# Audio out: what a TTS backend makes.
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
