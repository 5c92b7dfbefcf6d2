"""Test stand-in (see tests/standins/README.md)."""

import torch

from .functional import resample


class Resample(torch.nn.Module):
    def __init__(self, orig_freq=16000, new_freq=16000, **_):
        super().__init__()
        self.orig_freq, self.new_freq = orig_freq, new_freq

    def forward(self, waveform):
        return resample(waveform, self.orig_freq, self.new_freq)
