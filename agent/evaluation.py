"""Evaluation on a data folder laid out like ../shared/data (never read at run time)."""

from __future__ import annotations

import csv
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from rich.table import Table
from sklearn.metrics import confusion_matrix, f1_score

from perception.emotions import EMOTIONS
from perception.text import TextEmotionRecognizer

DEFAULT_DATA = Path("../shared/data")


def read_meld(data: Path, split: str) -> tuple[list[str], list[str]]:
    path = Path(data) / "text" / "meld" / f"{split}.csv"
    if not path.is_file():
        raise FileNotFoundError(f"no MELD split at {path}")
    with open(path, encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return [r["Utterance"] for r in rows], [r["Emotion"] for r in rows]


@dataclass
class ClassificationReport:
    name: str
    n: int
    accuracy: float
    weighted_f1: float
    macro_f1: float
    per_class_f1: dict[str, float]
    confusion: np.ndarray
    seconds_per_item: float

    def __rich__(self) -> Table:
        table = Table(title=f"{self.name}: n={self.n}  accuracy {self.accuracy:.4f}  weighted F1 "
                            f"{self.weighted_f1:.4f}  macro F1 {self.macro_f1:.4f}  "
                            f"{self.seconds_per_item * 1000:.1f} ms/utterance",
                      title_justify="left")
        table.add_column("true \\ predicted")
        for e in EMOTIONS:
            table.add_column(e[:7], justify="right")
        table.add_column("F1", justify="right")
        for i, e in enumerate(EMOTIONS):
            table.add_row(e, *[str(v) for v in self.confusion[i]], f"{self.per_class_f1[e]:.3f}")
        return table


def classification_report(name: str, truth: list[str], predicted: list[str],
                          seconds: float) -> ClassificationReport:
    y = [EMOTIONS.index(t) for t in truth]
    p = [EMOTIONS.index(t) for t in predicted]
    labels = list(range(len(EMOTIONS)))
    per_class = f1_score(y, p, labels=labels, average=None, zero_division=0)
    return ClassificationReport(
        name=name, n=len(y), accuracy=float(np.mean(np.array(y) == np.array(p))),
        weighted_f1=float(f1_score(y, p, labels=labels, average="weighted", zero_division=0)),
        macro_f1=float(f1_score(y, p, labels=labels, average="macro", zero_division=0)),
        per_class_f1={e: float(v) for e, v in zip(EMOTIONS, per_class)},
        confusion=confusion_matrix(y, p, labels=labels), seconds_per_item=seconds / max(len(y), 1))


def evaluate_text(data: Path, dataset: str, split: str, model: str,
                  limit: int | None = None) -> ClassificationReport:
    if dataset != "meld":
        raise ValueError(f"dataset {dataset!r} is not supported yet; use meld")
    texts, labels = read_meld(data, split)
    texts, labels = texts[:limit], labels[:limit]
    recognizer = TextEmotionRecognizer.load(model)
    start = time.perf_counter()
    predicted = [e.label for e in recognizer.predict(texts)]
    return classification_report(f"{dataset} {split}", labels, predicted, time.perf_counter() - start)
