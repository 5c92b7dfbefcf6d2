"""Calibrate the trained text-emotion model on MELD dev without touching its weights: a softmax
temperature (minimum NLL) over its final logits (after the dialogue head, when it has one), with the expected calibration error before and after, and the figures on
MELD dev, GoEmotions-Ekman dev, EmpatheticDialogues valid (mapped) and the project's everyday messages. Works on a single model and on an ensemble folder alike.

    python -m training.calibrate_text_emotion --model perception/models/text_emotion --data ../shared/data

`--biases` also fits per-class logit biases for weighted F1 and prints a cross-fitted estimate
(biases fitted on half of the dev dialogues, scored on the other half, and the other way round), so
one can see whether they would generalise; they are written into `model.json` only with that flag.

`--own-reading-gate P` (default 0.6) is written into `model.json`: in a conversation, a message that
the model reads alone with probability >= P keeps that reading instead of the in-context one (MELD's
Friends taught the context to carry the last turn's feeling over onto messages that say their own);
MELD dev and the everyday conversations are then also scored as the agent reads them ("as_read").
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import typer
from rich.console import Console
from sklearn.metrics import f1_score

from agent.evaluation.datasets import (DEFAULT_DATA, read_ed_mapped, read_everyday, read_everyday_conversation,
                            read_goemotions, read_meld)
from agent.evaluation.model_eval import classification_report
from perception.emotions import EMOTIONS, softmax
from perception.text import TrainedTextEmotion
from training.common import expected_calibration_error, fit_temperature

console = Console()
GRID = np.round(np.arange(-2.0, 2.01, 0.1), 2)


def weighted_f1(labels: np.ndarray, logits: np.ndarray) -> float:
    return float(f1_score(labels, logits.argmax(1), average="weighted"))


def fit_biases(logits: np.ndarray, labels: np.ndarray, passes: int = 3) -> np.ndarray:
    """Coordinate ascent over per-class logit offsets (neutral fixed at 0) for weighted F1."""
    bias = np.zeros(logits.shape[1])
    for _ in range(passes):
        for k in range(1, logits.shape[1]):
            scores = []
            for value in GRID:
                trial = bias.copy()
                trial[k] = value
                scores.append(weighted_f1(labels, logits + trial))
            bias[k] = GRID[int(np.argmax(scores))]
    return bias


def write_ensemble(model: Path, members: list[str]) -> None:
    """`model/model.json` for an ensemble of the models in the subfolders `members`."""
    first = json.loads((model / members[0] / "model.json").read_text())
    shared = ("kind", "base", "labels", "context_turns", "max_length", "pool")
    for member in members[1:]:
        other = json.loads((model / member / "model.json").read_text())
        if any(other.get(k) != first.get(k) for k in shared):
            raise SystemExit(f"{member} was trained with other inputs than {members[0]}")
    config = {k: first[k] for k in shared if k in first}
    config.update(members=members, temperature=1.0,
                  member_metrics={m: json.loads((model / m / "model.json").read_text()).get("metrics", {})
                                  for m in members})
    (model / "model.json").write_text(json.dumps(config, indent=2) + "\n")


def self_disclosure_figures(recognizer: TrainedTextEmotion, data: Path, bias: np.ndarray) -> dict[str, float]:
    """Accuracy, macro F1 and the share read as neutral on ED's mapped valid situations (when the data
    folder has them) and on the project's own everyday messages."""
    figures = {}
    sets = {"everyday_dev": read_everyday(data, "dev")}
    if (data / "text" / "empathetic_dialogues_situations" / "valid.csv").is_file():
        sets["ed_valid"] = read_ed_mapped(data, "valid")
    for name, items in sets.items():
        top = (recognizer.dialogue_logits([u.text for u in items]) + bias).argmax(1)
        report = classification_report(name, [u.labels for u in items], [EMOTIONS[i] for i in top], 0.0)
        figures.update({f"{name}_accuracy": round(report.accuracy, 4), f"{name}_macro_f1": round(report.macro_f1, 4),
                        f"{name}_read_as_neutral": round(report.read_as_neutral, 4)})
    return figures


def as_read_figures(recognizer: TrainedTextEmotion, data: Path, temperature: float, bias: np.ndarray,
                    gate: float) -> dict[str, float]:
    """MELD dev and the everyday conversations as the agent reads them: calibrated, with the gate."""
    recognizer.temperature, recognizer.class_bias = temperature, bias.astype(np.float32)
    recognizer.config["own_reading_gate"] = gate
    figures = {}
    for name, items in (("meld_dev", read_meld(data, "dev")),
                        ("everyday_conversation_dev", read_everyday_conversation(data, "dev"))):
        read = recognizer.predict([u.text for u in items], [u.context for u in items], [u.speaker for u in items])
        report = classification_report(name, [u.labels for u in items], [e.label for e in read], 0.0)
        figures.update({f"{name}_as_read_weighted_f1": round(report.weighted_f1, 4),
                        f"{name}_as_read_accuracy": round(report.accuracy, 4)})
    return figures


def main(model: Path = typer.Option(Path("perception/models/text_emotion")),
         data: Path = typer.Option(DEFAULT_DATA), biases: bool = False,
         own_reading_gate: float = typer.Option(0.6, help="a message read alone with at least this probability "
                                                          "keeps that reading in context (0: always in context)"),
         members: list[str] = typer.Option([], help="make MODEL an ensemble of these subfolders")) -> None:
    if members:
        write_ensemble(model, members)
    recognizer = TrainedTextEmotion(model, "cpu")
    dev = read_meld(data, "dev")
    labels = np.array([EMOTIONS.index(u.labels[0]) for u in dev])
    logits = recognizer.dialogue_logits([u.text for u in dev], [u.context for u in dev],
                                        [u.speaker for u in dev])
    # cross-fitted estimate: split by dialogue
    bias = np.zeros(len(EMOTIONS))
    extra = {}
    if biases:
        fold = np.array([int(u.dialogue) % 2 if u.dialogue.isdigit() else i % 2 for i, u in enumerate(dev)])
        crossed = np.zeros_like(logits)
        for f in (0, 1):
            crossed[fold == f] = logits[fold == f] + fit_biases(logits[fold != f], labels[fold != f])
        bias = fit_biases(logits, labels)
        extra = {"meld_dev_weighted_f1_no_bias": round(weighted_f1(labels, logits), 4),
                 "meld_dev_weighted_f1_bias_cross_fitted": round(weighted_f1(labels, crossed), 4)}
    temperature = fit_temperature(logits + bias, labels)
    go = read_goemotions(data, "dev")
    go_top = (recognizer.dialogue_logits([u.text for u in go]) + bias).argmax(1)
    go_report = classification_report("", [u.labels for u in go], [EMOTIONS[i] for i in go_top], 0.0)

    metrics = {
        **extra,
        "meld_dev_weighted_f1": round(weighted_f1(labels, logits + bias), 4),
        "meld_dev_macro_f1": round(float(f1_score(labels, (logits + bias).argmax(1), average="macro")), 4),
        "meld_dev_ece_uncalibrated": round(expected_calibration_error(softmax(logits), labels), 4),
        "meld_dev_ece": round(expected_calibration_error(softmax((logits + bias) / temperature), labels), 4),
        "goemotions_dev_macro_f1": round(go_report.macro_f1, 4),
        **self_disclosure_figures(recognizer, data, bias),
    }
    metrics.update(as_read_figures(recognizer, data, temperature, bias, own_reading_gate))
    path = model / "model.json"
    config = json.loads(path.read_text())
    config.update(temperature=round(temperature, 4), own_reading_gate=own_reading_gate)
    if biases:
        config["class_bias"] = [round(float(b), 2) for b in bias]
    config["metrics"] = {**config.get("metrics", {}), **metrics}
    path.write_text(json.dumps(config, indent=2) + "\n")
    console.print({"temperature": config["temperature"], **metrics,
                   **({"class_bias": dict(zip(EMOTIONS, config["class_bias"]))} if biases else {})})


if __name__ == "__main__":
    typer.run(main)
