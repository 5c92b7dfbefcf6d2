"""Property-based fuzzing of the input decoders (hypothesis): random bytes, truncated and bit-flipped
WAV/FLAC/MP3/PNG/JPEG files, arrays of any shape, dtype and rate, NaN and infinite samples. Every input
either decodes to the documented form or raises the module's own error (AudioError / ImageError)
with a message; nothing else escapes and nothing hangs (hypothesis' deadline). 2,000 examples per
decoder x 5 = 10,000 inputs per run."""

from __future__ import annotations

import io

import numpy as np
import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis.extra import numpy as hnp  # noqa: E402

from perception.audio import AudioError, load_audio  # noqa: E402
from perception.images import ImageError, load_image  # noqa: E402

EXAMPLES = settings(max_examples=2000, deadline=10_000,  # a hang would exceed 10 s per input
                     suppress_health_check=list(HealthCheck), derandomize=True)
MAX_SECONDS, MAX_PIXELS = 30, 4_000_000


def sound_file(kind: str) -> bytes:
    import soundfile as sf

    t = np.arange(8000) / 8000
    buffer = io.BytesIO()
    sf.write(buffer, (0.3 * np.sin(2 * np.pi * 220 * t)).astype(np.float32), 8000, format=kind)
    return buffer.getvalue()


def image_file(kind: str) -> bytes:
    import cv2

    rng = np.random.default_rng(0)
    ok, encoded = cv2.imencode(f".{kind}", rng.integers(0, 255, (40, 30, 3), dtype=np.uint8))
    return encoded.tobytes()


SOUNDS = [sound_file("WAV"), sound_file("FLAC"), sound_file("MP3")]
PICTURES = [image_file("png"), image_file("jpg")]


def damaged(files: list[bytes]):
    """A real file truncated, with a few bytes overwritten, or with junk appended."""
    return st.tuples(st.sampled_from(files), st.integers(0, 10_000), st.binary(max_size=16),
                     st.sampled_from(["truncate", "overwrite", "append"])).map(
        lambda t: t[0][:t[1]] if t[3] == "truncate" else
        (t[0][:t[1]] + t[2] + t[0][t[1] + len(t[2]):] if t[3] == "overwrite" else t[0] + t[2]))


def check_audio(source) -> None:
    try:
        audio = load_audio(source, max_seconds=MAX_SECONDS)
    except AudioError as exc:
        assert str(exc)
        return
    assert audio.dtype == np.float32 and audio.ndim == 1 and len(audio) > 0
    assert np.isfinite(audio).all() and np.abs(audio).max() <= 1.0 + 1e-6


def check_image(source) -> None:
    try:
        image = load_image(source, MAX_PIXELS)
    except ImageError as exc:
        assert str(exc)
        return
    assert image.dtype == np.uint8 and image.ndim == 3 and image.shape[2] == 3


@EXAMPLES
@given(st.one_of(st.binary(max_size=4096), damaged(SOUNDS)))
def test_audio_bytes_random_or_damaged(data):
    check_audio(data)


@EXAMPLES
@given(hnp.arrays(st.sampled_from([np.float32, np.float64, np.int16, np.int32, np.uint8]),
                  hnp.array_shapes(min_dims=1, max_dims=3, max_side=64)),
       st.one_of(st.integers(-10, 200_000), st.floats(allow_nan=True), st.none()))
def test_audio_arrays_of_any_shape_type_and_rate(samples, rate):
    check_audio((samples, rate))


@EXAMPLES
@given(hnp.arrays(np.float32, st.integers(1, 4000), elements=st.floats(width=32, allow_nan=True,
                                                                     allow_infinity=True)))
def test_audio_samples_with_nan_and_infinity(samples):
    check_audio((samples, 16000))


@EXAMPLES
@given(st.one_of(st.binary(max_size=4096), damaged(PICTURES)))
def test_image_bytes_random_or_damaged(data):
    check_image(data)


@EXAMPLES
@given(hnp.arrays(st.sampled_from([np.uint8, np.float32, np.float64, np.int64, np.bool_]),
                  hnp.array_shapes(min_dims=0, max_dims=4, max_side=48)))
def test_image_arrays_of_any_shape_and_type(pixels):
    check_image(pixels)
