"""Measurements of speech used by the tests and `empathica bench`: word error rate, pitch, loudness."""

from __future__ import annotations

import re

import numpy as np

from perception.audio import rms


NUMBERS = {"0": "zero", "1": "one", "2": "two", "3": "three", "4": "four", "5": "five"}


def normalise_words(text: str) -> list[str]:
    """Lower case, no punctuation (apostrophes kept), a few digits spelled out."""
    words = re.sub(r"[^a-z0-9' ]+", " ", text.lower().replace("-", " ")).split()
    return [NUMBERS.get(w, w) for w in words]


def word_error_rate(reference: str, hypothesis: str) -> float:
    """(substitutions + deletions + insertions) / reference words, by edit distance over words."""
    ref, hyp = normalise_words(reference), normalise_words(hypothesis)
    if not ref:
        return float(bool(hyp))
    previous = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        current = [i] + [0] * len(hyp)
        for j, h in enumerate(hyp, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (r != h))
        previous = current
    return previous[-1] / len(ref)


def median_f0(samples: np.ndarray, sample_rate: int, fmin: float = 60.0, fmax: float = 400.0) -> float:
    """Median fundamental frequency (Hz) over voiced 40 ms frames, by normalised autocorrelation
    (a frame counts as voiced when its best normalised peak is above 0.5); nan if none is voiced."""
    frame, hop = int(0.04 * sample_rate), int(0.01 * sample_rate)
    lo, hi = int(sample_rate / fmax), int(sample_rate / fmin)
    loud = rms(samples) * 0.5
    estimates = []
    for start in range(0, len(samples) - frame - hi, hop):
        x = samples[start:start + frame + hi].astype(np.float64)
        if np.sqrt(np.mean(x[:frame] ** 2)) < loud:
            continue
        x = x - x.mean()
        head = x[:frame]
        corr = np.array([head @ x[lag:lag + frame] for lag in range(lo, hi)])
        energy = np.sqrt((head @ head) * np.array([x[lag:lag + frame] @ x[lag:lag + frame] for lag in range(lo, hi)]))
        norm = corr / np.maximum(energy, 1e-12)
        best = int(np.argmax(norm))
        if norm[best] > 0.5:
            estimates.append(sample_rate / (lo + best))
    return float(np.median(estimates)) if estimates else float("nan")

