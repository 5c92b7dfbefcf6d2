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

from agent.evaluation.datasets import DEFAULT_DATA, LabelledUtterance, read_goemotions, read_meld
from agent.evaluation.dialogue_emotions import read_written_dialogue
from agent.evaluation.model_eval import classification_report
from perception.dialogue_head import DialogueHead, in_conversation
from perception.emotions import EMOTIONS
from perception.text import TrainedTextEmotion

console = Console()


def scores(head_logits: np.ndarray, items: list[LabelledUtterance]):
    """The eval command's report (`agent.evaluation.model_eval.classification_report`) of the top labels."""
    return classification_report("", [u.labels for u in items], [EMOTIONS[i] for i in head_logits.argmax(1)], 0.0)


def main(model: Path = typer.Option(Path("perception/models/text_emotion")),
         data: Path = typer.Option(DEFAULT_DATA), window: int = 6, per_side: int = 2,
         c: float = typer.Option(1.0, "--c", help="inverse L2 strength of the logistic regression"),
         conversation_only: bool = False,  # fit and use the head only for messages with earlier turns
         # also fit on the written listener conversations' messages (train part, labelled by readers:
         # training/data/conversation_emotions/written.jsonl), each weighing this many MELD lines (0: MELD only)
         written_weight: float = 0.0,
         limit: int = typer.Option(0, help="use only N examples per split (tests)")) -> None:
    started = time.perf_counter()
    recognizer = TrainedTextEmotion(model, "cpu")
    train, dev, go_dev = read_meld(data, "train"), read_meld(data, "dev"), read_goemotions(data, "dev")
    if limit:
        train, dev, go_dev = train[:limit], dev[:limit], go_dev[:limit]
    x_train, x_dev, x_go = (recognizer.head_inputs([u.text for u in items], [u.context for u in items],
                                                   [u.speaker for u in items], window, per_side)
                            for items in (train, dev, go_dev))
    y_train = np.array([EMOTIONS.index(u.labels[0]) for u in train])
    weights = np.ones(len(train))
    if written_weight > 0:
        written = read_written_dialogue("train")[:limit or None]
        x_train = np.vstack([x_train, recognizer.head_inputs([u.text for u in written], [u.context for u in written],
                                                             [u.speaker for u in written], window, per_side)])
        y_train = np.concatenate([y_train, [EMOTIONS.index(u.labels[0]) for u in written]])
        weights = np.concatenate([weights, np.full(len(written), written_weight)])
    if conversation_only:
        keep = in_conversation(x_train)
        x_train, y_train, weights = x_train[keep], y_train[keep], weights[keep]
    fitted = LogisticRegression(C=c, max_iter=5000).fit(x_train, y_train, sample_weight=weights)
    weight = np.zeros((len(EMOTIONS), x_train.shape[1]), dtype=np.float32)
    bias = np.zeros(len(EMOTIONS), dtype=np.float32)
    weight[fitted.classes_] = fitted.coef_  # classes missing from a tiny slice keep zero weights
    bias[fitted.classes_] = fitted.intercept_
    bias[np.setdiff1d(np.arange(len(EMOTIONS)), fitted.classes_)] = -30.0
    head = DialogueHead(weight, bias, window, per_side, conversation_only)
    n = len(EMOTIONS)
    metrics = {
        "meld_dev_weighted_f1_without_head": round(scores(x_dev[:, :n], dev).weighted_f1, 4),
        "meld_dev_weighted_f1_with_head": round(scores(head(x_dev), dev).weighted_f1, 4),
        "goemotions_dev_macro_f1_without_head": round(scores(x_go[:, :n], go_dev).macro_f1, 4),
        "goemotions_dev_macro_f1_with_head": round(scores(head(x_go), go_dev).macro_f1, 4),
        "train_seconds": round(time.perf_counter() - started, 1),
    }
    path = model / "model.json"
    config = json.loads(path.read_text())
    trained_on = "MELD train" + (f" and the written conversations (train part, weight {written_weight})"
                                 if written_weight > 0 else "")
    config["dialogue_head"] = {**head.save(model), "c": c, "trained_on": trained_on, "metrics": metrics}
    path.write_text(json.dumps(config, indent=2) + "\n")
    console.print(metrics)


if __name__ == "__main__":
    typer.run(main)
