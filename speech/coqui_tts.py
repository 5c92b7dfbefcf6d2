"""Coqui TTS (the maintained `coqui-tts` fork: VITS, XTTS-v2, ...) for the `gpu` profile.

Source: `coqui:<folder>` holding a trained model's `config.json` and `model.pth` (any file ending
in .pth), or `coqui:<model name>` such as `tts_models/en/ljspeech/vits` when that model is already
in Coqui's local model folder (nothing is downloaded here). Needs `pip install 'empathica[coqui]'`
and the torch-matching torchaudio (CUDA wheels on PyPI; a GPU machine has them).

Prosody: VITS models take tempo and variation natively (`length_scale`, `inference_noise_scale`,
`inference_noise_scale_dp`); other models get tempo through Coqui's `speed` argument.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterator

import numpy as np

from perception.loading import ModelLoadError
from perception.sentences import split_sentences
from speech.synthesizer import TTSBackend, register_backend


def coqui_files(source: str) -> dict[str, str]:
    """`TTS(...)` arguments for a model folder, or for a model name already in Coqui's local model
    folder (never a name to download: that would fetch from the network)."""
    path = Path(source).expanduser()
    if not path.is_dir():
        if source.startswith(("/", ".", "~")) or source.count("/") != 3:
            raise ModelLoadError(f"Coqui model folder {path} does not exist")
        from trainer.io import get_user_data_dir

        path = Path(get_user_data_dir("tts")) / source.replace("/", "--")
        if not path.is_dir():
            raise ModelLoadError(f"the Coqui model {source!r} is not in the local model folder ({path}); "
                                 "nothing is downloaded at run time: fetch it once with "
                                 f"`tts --model_name {source} --list_language_idxs`, or give a model folder")
    checkpoints = sorted(path.glob("*.pth"))
    if not (path / "config.json").is_file() or not checkpoints:
        raise ModelLoadError(f"{path} is not a Coqui model folder (needs config.json and a .pth checkpoint)")
    multi_file = json.loads((path / "config.json").read_text()).get("model") in ("xtts", "tortoise", "bark")
    return {"model_path": str(path if multi_file else checkpoints[0]), "config_path": str(path / "config.json")}


@register_backend("coqui")
class CoquiBackend(TTSBackend):
    def __init__(self, source: str, device: str = "cpu"):
        try:
            from TTS.api import TTS
        except ImportError as exc:
            raise ModelLoadError(f"Coqui TTS is not usable here ({' '.join(str(exc).split())}); install it with "
                                 "pip install 'empathica[coqui]' (and torchaudio matching torch)") from exc
        files = coqui_files(source)
        try:
            self.tts = TTS(progress_bar=False, **files).to("cuda" if device.startswith("cuda") else "cpu")
        except Exception as exc:  # Coqui raises many kinds for missing/bad models
            raise ModelLoadError(f"cannot load the Coqui model {source!r}: {exc}") from exc
        self.model = self.tts.synthesizer.tts_model
        self.sample_rate = int(self.tts.synthesizer.output_sample_rate)
        self.vits = hasattr(self.model, "length_scale") and hasattr(self.model, "inference_noise_scale")
        if self.vits:
            self.defaults = (self.model.length_scale, self.model.inference_noise_scale,
                             self.model.inference_noise_scale_dp)

    def sentences(self, text: str, tempo: float, variation: float) -> Iterator[np.ndarray]:
        kwargs = {}
        if self.vits:
            length, noise, noise_dp = self.defaults
            self.model.length_scale = length / tempo
            self.model.inference_noise_scale = noise * variation
            self.model.inference_noise_scale_dp = noise_dp * variation
        else:
            kwargs["speed"] = tempo
        for sentence in split_sentences(text):
            wav = np.asarray(self.tts.tts(sentence, split_sentences=False, **kwargs), dtype=np.float32)
            peak = float(np.max(np.abs(wav))) if len(wav) else 0.0
            yield wav / peak if peak > 0 else wav
