"""Train the dialogue head of a trained text-emotion model (see `perception/dialogue_head.py`): a
logistic regression over the model's own logits for an utterance and the probabilities it gave the
turns before it, fitted on MELD train. The LoRA model is not touched.

    python -m training.train_dialogue_head --model perception/models/text_emotion --data ../shared/data

Writes `dialogue_head.safetensors` into the model folder and its settings into `model.json`, and
prints MELD dev weighted F1 and GoEmotions-Ekman dev macro F1 without and with the head. Refit the
temperature afterwards with `python -m training.calibrate_text_emotion`.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
import typer
from rich.console import Console
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score

from agent.datasets import DEFAULT_DATA, LabelledUtterance, read_goemotions, read_meld
from perception.dialogue_head import DialogueHead, dialogue_features, earlier_turns, softmax
from perception.emotions import EMOTIONS
from perception.text import TrainedTextEmotion

console = Console()


def features(recognizer: TrainedTextEmotion, items: list[LabelledUtterance], window: int,
             per_side: int) -> np.ndarray:
    """The head's inputs for `items`, read the way `TrainedTextEmotion.dialogue_logits` reads them."""
    saved, recognizer.dialogue_head = recognizer.dialogue_head, None
    saved_size, recognizer.cache.size = recognizer.cache.size, max(recognizer.cache.size, 4 * len(items))
    try:
        own = recognizer.dialogue_logits([u.text for u in items], [u.context for u in items],
                                         [u.speaker for u in items])
        earlier = [earlier_turns(u.context, u.speaker, window) for u in items]
        flat = [t for turns in earlier for t in turns]
        logits = recognizer.dialogue_logits([t.text for t in flat], [t.context for t in flat],
                                            [t.speaker for t in flat]) if flat else np.zeros((0, len(EMOTIONS)))
    finally:
        recognizer.dialogue_head, recognizer.cache.size = saved, saved_size
    probs, k = [], 0
    for turns in earlier:
        probs.append([(t.same_speaker, softmax(logits[k + j])) for j, t in enumerate(turns)])
        k += len(turns)
    return dialogue_features(own, probs, per_side)


def meld_weighted_f1(head_logits: np.ndarray, items: list[LabelledUtterance]) -> float:
    labels = [EMOTIONS.index(u.labels[0]) for u in items]
    return round(float(f1_score(labels, head_logits.argmax(1), average="weighted")), 4)


def goemotions_macro_f1(head_logits: np.ndarray, items: list[LabelledUtterance]) -> float:
    gold = np.zeros((len(items), len(EMOTIONS)), dtype=int)
    for i, u in enumerate(items):
        gold[i, [EMOTIONS.index(x) for x in u.labels]] = 1
    pred = np.eye(len(EMOTIONS), dtype=int)[head_logits.argmax(1)]
    return round(float(f1_score(gold, pred, average="macro", zero_division=0)), 4)


def main(model: Path = typer.Option(Path("perception/models/text_emotion")),
         data: Path = typer.Option(DEFAULT_DATA), window: int = 6, per_side: int = 2,
         c: float = typer.Option(1.0, "--c", help="inverse L2 strength of the logistic regression"),
         limit: int = typer.Option(0, help="use only N examples per split (tests)")) -> None:
    started = time.perf_counter()
    recognizer = TrainedTextEmotion(model, "cpu")
    train, dev, go_dev = read_meld(data, "train"), read_meld(data, "dev"), read_goemotions(data, "dev")
    if limit:
        train, dev, go_dev = train[:limit], dev[:limit], go_dev[:limit]
    x_train, x_dev, x_go = (features(recognizer, items, window, per_side) for items in (train, dev, go_dev))
    y_train = np.array([EMOTIONS.index(u.labels[0]) for u in train])
    fitted = LogisticRegression(C=c, max_iter=5000).fit(x_train, y_train)
    weight = np.zeros((len(EMOTIONS), x_train.shape[1]), dtype=np.float32)
    bias = np.zeros(len(EMOTIONS), dtype=np.float32)
    weight[fitted.classes_] = fitted.coef_  # classes missing from a tiny slice keep zero weights
    bias[fitted.classes_] = fitted.intercept_
    bias[np.setdiff1d(np.arange(len(EMOTIONS)), fitted.classes_)] = -30.0
    head = DialogueHead(weight, bias, window, per_side)
    n = len(EMOTIONS)
    metrics = {
        "meld_dev_weighted_f1_without_head": meld_weighted_f1(x_dev[:, :n], dev),
        "meld_dev_weighted_f1_with_head": meld_weighted_f1(head(x_dev), dev),
        "goemotions_dev_macro_f1_without_head": goemotions_macro_f1(x_go[:, :n], go_dev),
        "goemotions_dev_macro_f1_with_head": goemotions_macro_f1(head(x_go), go_dev),
        "train_seconds": round(time.perf_counter() - started, 1),
    }
    path = model / "model.json"
    config = json.loads(path.read_text())
    config["dialogue_head"] = {**head.save(model), "c": c, "trained_on": "MELD train", "metrics": metrics}
    path.write_text(json.dumps(config, indent=2) + "\n")
    console.print(metrics)


if __name__ == "__main__":
    typer.run(main)
