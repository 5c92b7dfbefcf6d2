"""Fit the zero-shot text recognizer's temperature and per-label offsets on MELD train.

    python -m training.calibrate_zero_shot --data ../shared/data

Eight numbers, fitted by minimising the negative log-likelihood of MELD train labels given the
exemplar similarities (the encoder and exemplars stay fixed). Prints the values to paste into
`perception/text.py` (ZERO_SHOT_TEMPERATURE, ZERO_SHOT_OFFSETS) and the train figures.
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

import numpy as np
import torch

from perception.emotions import EMOTIONS
from perception.text import ZeroShotTextEmotion, TextEmotionRecognizer


def read_meld(data: Path, split: str) -> tuple[list[str], np.ndarray]:
    with open(data / "text" / "meld" / f"{split}.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return [r["Utterance"] for r in rows], np.array([EMOTIONS.index(r["Emotion"]) for r in rows])


def fit(similarities: np.ndarray, labels: np.ndarray, steps: int = 300) -> tuple[float, np.ndarray]:
    sims = torch.tensor(similarities, dtype=torch.float32)
    y = torch.tensor(labels)
    log_inv_t = torch.tensor(np.log(20.0), requires_grad=True)
    offsets = torch.zeros(len(EMOTIONS), requires_grad=True)
    opt = torch.optim.LBFGS([log_inv_t, offsets], max_iter=steps)

    def closure():
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(sims * log_inv_t.exp() + offsets, y)
        loss.backward()
        return loss

    opt.step(closure)
    off = offsets.detach().numpy()
    return float(1.0 / log_inv_t.exp()), off - off[0]  # offsets relative to neutral


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    args = parser.parse_args()
    model = TextEmotionRecognizer.load()
    assert isinstance(model, ZeroShotTextEmotion), "calibration applies to the zero-shot recognizer"
    texts, labels = read_meld(args.data, "train")
    sims = model.similarities(texts)
    temperature, offsets = fit(sims, labels)
    pred = (sims / temperature + offsets).argmax(1)
    print(f"train accuracy {np.mean(pred == labels):.4f} on {len(labels)} utterances")
    print(f"ZERO_SHOT_TEMPERATURE = {temperature:.4f}")
    print("ZERO_SHOT_OFFSETS = {" + ", ".join(f'"{e}": {o:.3f}' for e, o in zip(EMOTIONS, offsets)) + "}")


if __name__ == "__main__":
    main()
