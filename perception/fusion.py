"""Late fusion of per-modality emotion estimates into one reading of the user."""

from __future__ import annotations

import numpy as np

from perception.emotions import EMOTIONS, EmotionEstimate, UserAffect
from perception.defaults import DEFAULT_RELIABILITY


def fuse(estimates: dict[str, EmotionEstimate],
         reliability: dict[str, float] | None = None) -> UserAffect:
    """Confidence x reliability weighted mean of the modalities' score vectors.

    Only the modalities given come back in `modalities`; an empty input is an error.
    """
    if not estimates:
        raise ValueError("nothing to fuse: no modality produced an estimate")
    reliability = {**DEFAULT_RELIABILITY, **(reliability or {})}
    weights = np.array([reliability.get(m, 0.5) * max(e.confidence, 1e-3)
                        for m, e in estimates.items()])
    scores = np.array([[e.scores[k] for k in EMOTIONS] for e in estimates.values()])
    fused = EmotionEstimate.from_probabilities(weights @ scores / weights.sum(), "fused")
    return UserAffect(fused=fused, modalities=dict(estimates))
