"""The Coqui TTS backend with a tiny randomly initialised VITS built here from a config (a stand-in for
a trained voice: it speaks noise, but the loading, sentence splitting and prosody controls are real).

Coqui imports torchaudio (CUDA-only wheels on PyPI) and checks for torchcodec, which CPU machines
lack: this file runs the backend in a subprocess with tests/standins first on its path (see the
README there). Skipped when coqui-tts is not installed."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

STANDINS = Path(__file__).parent / "standins"
pytestmark = pytest.mark.skipif(importlib.util.find_spec("TTS") is None,
                                reason="coqui-tts not installed (pip install 'empathica[coqui]')")

SCRIPT = r'''
import json, sys
import numpy as np
import torch
from TTS.tts.configs.vits_config import VitsConfig
from TTS.tts.models.vits import Vits, VitsArgs

folder = sys.argv[1]
torch.manual_seed(0)
args = VitsArgs(hidden_channels=16, hidden_channels_ffn_text_encoder=32, num_heads_text_encoder=2,
                num_layers_text_encoder=1, num_layers_posterior_encoder=1, num_layers_flow=1,
                resblock_kernel_sizes_decoder=[3], resblock_dilation_sizes_decoder=[[1, 3, 5]],
                upsample_rates_decoder=[8, 8, 4], upsample_initial_channel_decoder=32,
                upsample_kernel_sizes_decoder=[16, 16, 8], init_discriminator=False)
config = VitsConfig(model_args=args, use_phonemes=False, text_cleaner="english_cleaners")
config.audio.sample_rate = 22050
config.save_json(f"{folder}/config.json")
torch.save({"model": Vits(config).state_dict()}, f"{folder}/model.pth")

from speech import Synthesizer
from perception.loading import ModelLoadError
synth = Synthesizer.load(f"coqui:{folder}", device="cpu")
chunks = list(synth.stream("Hello there. How are you today?", "neutral"))
sad = synth.synthesize("I am sorry to hear that.", "sadness")
joy = synth.synthesize("I am sorry to hear that.", "joy")
try:
    Synthesizer.load(f"coqui:{folder}/missing")
    error = ""
except ModelLoadError as exc:
    error = str(exc)
print(json.dumps({"rate": synth.sample_rate, "chunks": len(chunks),
                  "peak": float(max(np.abs(c.samples).max() for c in chunks)),
                  "sad_s": sad.duration, "joy_s": joy.duration, "error": error}))
'''


def test_coqui_vits_backend_speaks_sentences_with_prosody(tmp_path):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(STANDINS), str(Path(__file__).parents[1])])}
    result = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path)], capture_output=True, text=True,
                            env=env, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out["rate"] == 22050 and out["chunks"] == 2 and 0 < out["peak"] <= 1.0
    assert out["sad_s"] > out["joy_s"]  # length_scale: sadness is spoken slower
    assert "does not exist" in out["error"]
