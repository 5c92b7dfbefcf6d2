"""Train the response-emotion transition network on PELD (`agent/transition_network.py`).

    python -m training.train_emotion_transition --data ../shared/data --out agent/models/emotion_transition

Holds out every 7th block of 50 consecutive triples as the dev split (neighbouring triples share
utterances), trains the network with and without personality over several seeds, reports both and
the baselines on dev, then leaves each character out in turn (PELD has only six personalities, so
this asks whether the personality terms generalise to an unseen one). Writes the ensemble of all
seeds' networks trained on the non-dev triples, and the same without personality in `no_personality/`.
Full-batch Adam on a few thousand triples: seconds per model on a CPU.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import torch
import typer
from rich.console import Console
from rich.table import Table

from agent.evaluation.datasets import DEFAULT_DATA, PeldTriple, peld_holdout, read_peld
from agent.evaluation.model_eval import peld_inputs, predict_labels, scores, transition_report
from agent.transition import ABLATION_FOLDER, save_network
from agent.transition_network import TransitionEnsemble, TransitionNetwork
from perception.emotions import EMOTIONS
from training.common import progress, seed_everything

console = Console()


def fit(triples: list[PeldTriple], personality: bool, seed: int, epochs: int, lr: float,
        class_weight_power: float, vad_weight: float, hidden: int) -> TransitionNetwork:
    """Cross-entropy with classes weighted by (1 / frequency) ** power, plus the paper's regression
    of the response VAD onto the gold emotion's anchor."""
    seed_everything(seed)
    x = peld_inputs(triples)
    network = TransitionNetwork(hidden, personality)
    counts = torch.bincount(x["labels"], minlength=len(EMOTIONS)).float().clamp(min=1)
    weight = (counts.sum() / counts / len(EMOTIONS)) ** class_weight_power
    target_vad = network.anchors[x["labels"]]
    opt = torch.optim.Adam(network.parameters(), lr=lr, weight_decay=1e-4)
    network.train()
    for _ in range(epochs):
        logits, vad = network(x["own"], x["other"], x["own_vad"], x["traits"])
        loss = (torch.nn.functional.cross_entropy(logits, x["labels"], weight=weight)
                + vad_weight * ((vad - target_vad) ** 2).sum(1).mean())
        opt.zero_grad()
        loss.backward()
        opt.step()
    return network.eval()


def mean_sd(rows: list[dict[str, float]]) -> dict[str, str]:
    return {k: f"{np.mean([r[k] for r in rows]):.4f} ± {np.std([r[k] for r in rows]):.4f}" for k in rows[0]}


def table(title: str, rows: dict[str, dict[str, str]]) -> Table:
    t = Table(title=title, title_justify="left")
    for col in ("", "accuracy", "macro F1", "weighted F1"):
        t.add_column(col, justify="left" if not col else "right")
    for name, r in rows.items():
        t.add_row(name, *(r[k] if isinstance(r[k], str) else f"{r[k]:.4f}"
                          for k in ("accuracy", "macro_f1", "weighted_f1")))
    return t


def main(data: Path = typer.Option(DEFAULT_DATA), out: Path = typer.Option(Path("agent/models/emotion_transition")),
         seeds: int = 5, epochs: int = 300, lr: float = 0.01, class_weight_power: float = 0.5,
         vad_weight: float = 0.5, hidden: int = 32, leave_one_out: bool = True,
         block: int = typer.Option(50, help="dev = every 7th block of this many triples"), threads: int = 1) -> None:
    torch.set_num_threads(threads)
    started = time.perf_counter()
    triples = read_peld(data, "train")
    train = [t for i, t in enumerate(triples) if not peld_holdout(i, block)]
    dev = [t for i, t in enumerate(triples) if peld_holdout(i, block)]
    if not train or not dev:
        raise typer.BadParameter(f"{len(triples)} triples leave no train or no dev split with blocks of {block}")
    settings = dict(epochs=epochs, lr=lr, class_weight_power=class_weight_power, vad_weight=vad_weight,
                    hidden=hidden)
    dev_inputs = peld_inputs(dev)
    truth = dev_inputs["labels"].numpy()
    results: dict[bool, list[dict[str, float]]] = {True: [], False: []}
    members: dict[bool, list[TransitionNetwork]] = {True: [], False: []}
    with progress() as bar:
        task = bar.add_task("dev split, both variants", total=2 * seeds, info="")
        for seed in range(seeds):
            for personality in (True, False):
                network = fit(train, personality, seed, **settings)
                results[personality].append(scores(truth, predict_labels(network, dev_inputs)))
                members[personality].append(network)
                bar.update(task, advance=1)
    majority = EMOTIONS[int(np.bincount(peld_inputs(train)["labels"].numpy()).argmax())]
    shipped = {p: TransitionEnsemble(members[p]).eval() for p in (True, False)}
    report = transition_report(f"peld dev (held-out blocks), ensemble of {seeds} seeds", dev, shipped[True],
                               shipped[False], majority)
    console.print(report)
    console.print(table(f"dev, mean ± sd over {seeds} seeds",
                        {"with personality": mean_sd(results[True]), "without": mean_sd(results[False])}))
    gain = {k: float(np.mean([a[k] - b[k] for a, b in zip(results[True], results[False])]))
            for k in results[True][0]}
    console.print("personality adds (mean over seeds): " + ", ".join(f"{k} {v:+.4f}" for k, v in gain.items()))

    loco: dict[str, dict[str, float]] = {}
    if leave_one_out:
        characters = sorted({t.speakers[0] for t in triples})
        with progress() as bar:
            task = bar.add_task("leave one character out", total=len(characters) * 2 * seeds, info="")
            for character in characters:
                rest = [t for t in triples if t.speakers[0] != character]
                held = peld_inputs([t for t in triples if t.speakers[0] == character])
                per = {}
                for personality in (True, False):
                    runs = []
                    for seed in range(seeds):
                        runs.append(scores(held["labels"].numpy(),
                                           predict_labels(fit(rest, personality, seed, **settings), held)))
                        bar.update(task, advance=1)
                    per[personality] = {k: float(np.mean([r[k] for r in runs])) for k in runs[0]}
                loco[character] = {f"{k}_with": per[True][k] for k in per[True]} | {
                    f"{k}_without": per[False][k] for k in per[False]}
        t = Table(title=f"leave one character out (mean of {seeds} seeds): with / without personality",
                  title_justify="left")
        for col in ("held out", "accuracy", "macro F1", "weighted F1"):
            t.add_column(col, justify="left" if col == "held out" else "right")
        for character, r in loco.items():
            t.add_row(character, *(f"{r[k + '_with']:.4f} / {r[k + '_without']:.4f}"
                                   for k in ("accuracy", "macro_f1", "weighted_f1")))
        console.print(t)

    metrics = {"dev_ensemble": report.rows, "dev_mean_over_seeds": {
        "with_personality": {k: float(np.mean([r[k] for r in results[True]])) for k in results[True][0]},
        "without_personality": {k: float(np.mean([r[k] for r in results[False]])) for k in results[False][0]}},
        "personality_gain_mean": gain, "leave_one_character_out": loco,
        "train_seconds": round(time.perf_counter() - started, 1)}
    training = {**settings, "seeds": seeds, "holdout_block": block, "train_triples": len(train), "dev_triples": len(dev)}
    save_network(shipped[True], out, majority=majority, metrics=metrics, training=training)
    save_network(shipped[False], out / ABLATION_FOLDER, majority=majority, training=training)
    console.print(f"saved to {out} ({metrics['train_seconds']} s in all)")


if __name__ == "__main__":
    typer.run(main)
