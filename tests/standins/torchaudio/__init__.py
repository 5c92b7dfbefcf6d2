"""Test stand-in for torchaudio (see tests/standins/README.md): only what Coqui's VITS import needs."""

import soundfile as _sf
import torch as _torch

from . import functional, transforms  # noqa: F401

__version__ = "0.0.0+standin"


def load(path, normalize=True):
    data, rate = _sf.read(str(path), dtype="float32", always_2d=True)
    return _torch.from_numpy(data.T.copy()), rate
