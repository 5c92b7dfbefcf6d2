"""Train the danger detector (`perception/danger.py`): harm from others or an emergency, told in everyday words.

    python -m training.train_danger_detector --out perception/models/danger

The packaged MiniLM with LoRA adapters (rank 8, every linear layer) and a head over "none" and the kinds of
`perception.danger.KINDS`, mean-pooled over the message (the recipe of the project's other MiniLM models;
`perception/adapted_encoder.py`). Trained on the written messages of `training/data/danger/` (`WRITTEN`: danger in
each kind, and hard negatives: banter, everyday health and home talk, danger that is over, other people's stories,
ordinary rows), `--written-repeats` times an epoch, and, as "none", `--everyday-sample` user messages an epoch of the
project's everyday conversation sets, all but the `HELD_EVERYDAY` ones. Cross-entropy with classes weighted
to balance. After each epoch the threshold is chosen on `tune.csv` and the held everyday sets: the lowest whose
false alarms stay within `--max-alarms` on the tune hard negatives and `--max-everyday-alarms` on the held everyday
messages, so recall is as high as those allow; the epoch with the highest tune recall there is kept. That level is
the fixed reply's (`protocol_score`); a lower one, within `--max-check-in-alarms` and `--max-everyday-check-ins`, is
the `threshold` from which the agent adds a check-in to its own reply (`--calibrate-only` sets both again). `holdout.csv`
(another writer) is read only to report. The shipped model reads the message alone; with `--context-turns N` it
reads the user's last N messages too, as the second segment (attention reads them; only the message is pooled):
an everyday message with its own conversation's, `--context-share` of the written rows with the start of a random
everyday conversation (so earlier messages are no sign of "none"). Measured in `docs/RESULTS.md`: no better, and
twice the time. About 2 minutes an epoch on a 2-core CPU (5 with context); checkpoints each epoch.
"""

from __future__ import annotations

import json
import random
import time
from pathlib import Path

import numpy as np
import torch
import typer
from rich.console import Console
from rich.table import Table

from agent.evaluation.conversations import read_conversations
from agent.evaluation.datasets import read_crisis_csv
from perception.adapted_encoder import AdaptedEncoder, pad_batch
from perception.danger import HEAD, KINDS, NONE, PACKAGED_DANGER_DIR, DangerDetector
from perception.defaults import PACKAGED_MINILM
from perception.text import encode_with_context
from training.common import bucketed_batches, optimiser, progress, resume, start, step

console = Console()
DATA = Path("training/data")
#: The written training files (`text,label,category`; a danger row's category is its kind).
WRITTEN = ("train.csv", "train_batch2.csv", "train_batch3.csv")
#: Batches written 2026-12-08 (forms, plain emergencies, short messages on both sides): models trained with them read
#: short plain danger (held-out short files 0.13 -> 0.96) but also flagged short everyday talk ("someone's at the
#: door", "my boyfriend is coming over"); not shipped (docs/RESULTS.md). `--new-batches` trains with them too.
NEW_BATCHES = ("train_batch4_forms.csv", "train_batch4_plain.csv", "train_batch5_short_a.csv", "train_batch5_short_b.csv",
               "train_batch6_short_negatives.csv", "train_batch7_tiny_everyday.csv")
#: With `--crisis-negatives`: the crisis sets' hard negatives (figures of speech, dark humour, ordinary sadness, other
#: people's trouble, "my phone is dead"), once an epoch as "none": words of harm that tell no danger. (Their risk
#: messages are not: an overdose is a medical emergency too.) Measured, not shipped (docs/RESULTS.md).
CRISIS_NEGATIVES = ("written_train.csv", "written_train_batch5.csv", "written_train_batch6.csv")
#: The everyday conversation sets read only to choose the threshold (the newest, never trained on).
HELD_EVERYDAY = ("fresh30.json", "fresh31.json", "fresh32.json")
CLASSES = (NONE, *KINDS)


def labelled(path: Path) -> tuple[list[str], list[int]]:
    """Texts and class indices of a written CSV."""
    texts, classes = [], []
    for m in read_crisis_csv(path):
        if m.label and m.category not in KINDS:
            raise typer.BadParameter(f"{path}: a danger row's category must be one of {KINDS}, got {m.category!r}")
        texts.append(m.text)
        classes.append(CLASSES.index(m.category) if m.label else 0)
    return texts, classes


def everyday(folder: Path, held: bool) -> list[tuple[str, list[str]]]:
    """User messages of the everyday conversation sets (the held ones, or all the others), each with the
    messages before it."""
    files = sorted(p for p in folder.glob("*.json") if (p.name in HELD_EVERYDAY) == held)
    return [(t, turns[:n]) for p in files for _, turns in read_conversations(p) for n, t in enumerate(turns)]


def with_everyday_context(texts: list[str], day: list[tuple[str, list[str]]], share: float,
                          rng: random.Random) -> list[list[str]]:
    """Earlier messages for written rows: for `share` of them, the start of a random everyday conversation (so
    context is no sign of "none"), else none."""
    return [list(rng.choice(day)[1][-3:]) if rng.random() < share else [] for _ in texts]


def rates(scores: np.ndarray, labels: np.ndarray, threshold: float) -> tuple[float, float]:
    """Recall on the danger rows and false alarms on the others."""
    flagged = scores >= threshold
    return float(flagged[labels > 0].mean()), float(flagged[labels == 0].mean())


def choose_threshold(tune_scores, tune_labels, day_scores, max_alarms: float, max_everyday: float) -> float | None:
    """The lowest threshold within both false-alarm limits (recall is highest there), or None."""
    for threshold in (*np.round(np.arange(0.05, 0.991, 0.01), 2), 0.995, 0.998, 0.999):
        if (rates(tune_scores, tune_labels, threshold)[1] <= max_alarms
                and float((day_scores >= threshold).mean()) <= max_everyday):
            return float(threshold)
    return None


def scores(detector: DangerDetector, texts: list[str], earlier: list[list[str]] | None = None) -> np.ndarray:
    return 1.0 - detector.probabilities(texts, earlier)[:, 0]


def train_epoch(model, encodings, labels, weight, batch_size, opt, schedule, rng, name) -> None:
    model.train()
    y = torch.tensor(labels)
    batches = bucketed_batches([len(e["input_ids"]) for e in encodings], batch_size, rng)
    with progress() as bar:
        task = bar.add_task(name, total=len(batches), info="")
        for n, idx in enumerate(batches):
            logits = model.classify(pad_batch([encodings[i] for i in idx]), HEAD)
            loss = torch.nn.functional.cross_entropy(logits, y[idx], weight=weight)
            step(model, loss, opt, schedule)
            bar.update(task, advance=1, **({"info": f"loss {loss.item():.3f}"} if n % 10 == 0 else {}))


def main(out: Path = typer.Option(PACKAGED_DANGER_DIR), data: Path = typer.Option(DATA),
         epochs: int = 3, written_repeats: int = 2, everyday_sample: int = 3000, batch_size: int = 32,
         context_turns: int = typer.Option(0, help="the user's earlier messages read with each (0: the message alone)"),
         context_share: float = typer.Option(0.5, help="share of written rows given an everyday conversation's "
                                                       "start as their earlier messages"),
         crisis_negatives: bool = typer.Option(False, help="the crisis sets' hard negatives as 'none' too"),
         new_batches: bool = typer.Option(False, help="the batches of 2026-12-08 too (NEW_BATCHES; not shipped)"),
         lr: float = 1e-3, head_lr: float = 3e-3, rank: int = 8,
         max_alarms: float = typer.Option(0.05, help="fixed replies allowed on the tune hard negatives"),
         max_everyday_alarms: float = typer.Option(0.005, help="... and on the held everyday messages"),
         max_check_in_alarms: float = typer.Option(0.10, help="flags (a check-in or more) allowed on the tune hard "
                                                              "negatives"),
         max_everyday_check_ins: float = typer.Option(0.015, help="... and on the held everyday messages"),
         calibrate_only: bool = typer.Option(False, help="only set the two levels of the detector in OUT again"),
         checkpoint: Path = typer.Option(Path.home() / ".cache" / "empathica" / "danger-train.pt"),
         seed: int = 0, threads: int = 2) -> None:
    limits = (max_alarms, max_everyday_alarms, max_check_in_alarms, max_everyday_check_ins)
    if calibrate_only:
        return calibrate(out, data, *limits)
    rng, base, tokenizer = start(threads, seed)
    files = WRITTEN + (NEW_BATCHES if new_batches else ())
    written = [labelled(data / "danger" / name) for name in files if (data / "danger" / name).is_file()]
    texts = [t for w in written for t in w[0]]
    classes = [c for w in written for c in w[1]]
    negatives = [m.text for name in CRISIS_NEGATIVES if crisis_negatives and (data / "crisis" / name).is_file()
                 for m in read_crisis_csv(data / "crisis" / name) if not m.label]
    texts, classes = texts * written_repeats + negatives, classes * written_repeats + [0] * len(negatives)
    day_train, day_held = everyday(data / "conversations", False), everyday(data / "conversations", True)
    tune_texts, tune_classes = labelled(data / "danger" / "tune.csv")
    tune_labels = np.array(tune_classes)
    per_epoch = len(texts) + min(everyday_sample, len(day_train))
    counts = np.bincount(classes + [0] * min(everyday_sample, len(day_train)), minlength=len(CLASSES))
    weight = torch.tensor(counts.sum() / np.maximum(counts, 1) / len(CLASSES), dtype=torch.float32)
    config = {"kind": "danger-detector", "base": PACKAGED_MINILM, "max_length": 128, "classes": list(CLASSES),
              "threshold": 0.5, "context_turns": context_turns, "pool": "first_segment"}
    model = AdaptedEncoder.new(base, {HEAD: len(CLASSES)}, config, rank=rank, alpha=2 * rank)
    opt, schedule = optimiser(model, epochs * ((per_epoch + batch_size - 1) // batch_size), lr, head_lr)
    first, best, rng = resume(checkpoint, model, opt, schedule, seed, rng, {"epoch": -1, "recall": -1.0})
    started = time.perf_counter()
    for epoch in range(first, epochs):
        sample = rng.sample(day_train, min(everyday_sample, len(day_train)))
        written_texts = texts
        earlier = ((with_everyday_context(written_texts, day_train, context_share, rng) if context_turns
                    else [[] for _ in written_texts]) + [e for _, e in sample])
        encodings = encode_with_context(tokenizer, written_texts + [t for t, _ in sample],
                                        [[("user", t) for t in e] for e in earlier],
                                        ["user"] * len(earlier), context_turns, 128)
        train_epoch(model, encodings, classes + [0] * len(sample),
                    weight, batch_size, opt, schedule, rng, f"epoch {epoch + 1}/{epochs}")
        model.save(out, **config)
        detector = DangerDetector(out, "cpu", onnx=False)
        tune_scores = scores(detector, tune_texts)
        day_scores = scores(detector, [t for t, _ in day_held], [e for _, e in day_held])
        threshold = choose_threshold(tune_scores, tune_labels, day_scores, max_alarms, max_everyday_alarms)
        recall, alarms = rates(tune_scores, tune_labels, threshold or 0.999)
        console.print(f"epoch {epoch + 1}: threshold {threshold or 0.999:.3f}{'' if threshold else ' (over a limit)'}, "
                      f"tune recall {recall:.3f}, false alarms {alarms:.3f}, held everyday flagged "
                      f"{(day_scores >= (threshold or 0.999)).mean():.4f} ({time.perf_counter() - started:.0f} s)")
        if threshold is not None and recall > best["recall"]:
            best = {"epoch": epoch, "recall": recall, "threshold": threshold,
                    "state": {k: v.clone() for k, v in model.state_dict().items()}}
        checkpoint.parent.mkdir(parents=True, exist_ok=True)
        torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "schedule": schedule.state_dict(),
                    "epoch": epoch, "best": best}, checkpoint)
    if "state" not in best:
        console.print(f"[red]no epoch kept the false alarms within the limits[/] ({checkpoint} holds the last one)")
        raise typer.Exit(1)
    model.load_state_dict(best["state"])
    model.save(out, **{**config, "threshold": best["threshold"]},
               training={"epochs": epochs, "best_epoch": best["epoch"] + 1, "written": list(files),
                         "written_repeats": written_repeats, "everyday_sample": everyday_sample,
                         "crisis_negatives": list(CRISIS_NEGATIVES) if crisis_negatives else [],
                         "context_share": context_share,
                         "held_everyday": list(HELD_EVERYDAY), "lr": lr, "head_lr": head_lr, "rank": rank,
                         "batch_size": batch_size, "seed": seed})
    console.print(f"saved epoch {best['epoch'] + 1} to {out}")
    calibrate(out, data, *limits)


def calibrate(out: Path, data: Path, max_alarms: float, max_everyday: float, max_check_in_alarms: float,
              max_everyday_check_ins: float) -> None:
    """The detector's two levels in OUT's model.json, from `tune.csv` and the held everyday turns: `protocol_score`
    (the fixed reply) within the first two limits, `threshold` (a check-in below it) within the other two."""
    detector = DangerDetector(out, "cpu", onnx=False)
    tune_texts, tune_classes = labelled(data / "danger" / "tune.csv")
    day_held = everyday(data / "conversations", True)
    tune_scores, labels = scores(detector, tune_texts), np.array(tune_classes)
    day_scores = scores(detector, [t for t, _ in day_held], [e for _, e in day_held])
    protocol = choose_threshold(tune_scores, labels, day_scores, max_alarms, max_everyday) or 0.999
    check_in = min(protocol, choose_threshold(tune_scores, labels, day_scores, max_check_in_alarms,
                                              max_everyday_check_ins) or protocol)
    config = json.loads((out / "model.json").read_text())
    config.update(threshold=check_in, protocol_score=protocol, calibration={
        "max_alarms": max_alarms, "max_everyday_alarms": max_everyday, "max_check_in_alarms": max_check_in_alarms,
        "max_everyday_check_ins": max_everyday_check_ins})
    (out / "model.json").write_text(json.dumps(config, indent=2) + "\n")
    table = Table("file", "flagged (recall / false alarms)", "fixed reply", title=f"check-in from {check_in:.3f}, "
                  f"fixed reply from {protocol:.3f}", title_justify="left")
    for name in ("tune.csv", "holdout.csv"):
        if (data / "danger" / name).is_file():
            texts, classes = labelled(data / "danger" / name)
            found = scores(detector, texts)
            table.add_row(name, *(" / ".join(f"{r:.3f}" for r in rates(found, np.array(classes), level))
                                  for level in (check_in, protocol)))
    table.add_row("held everyday", f"{(day_scores >= check_in).mean():.4f}", f"{(day_scores >= protocol).mean():.4f}")
    console.print(table)


if __name__ == "__main__":
    typer.run(main)
