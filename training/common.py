"""What the training scripts share: seeding, length-bucketed batches, a Rich progress bar, the
optimiser, temperature scaling and expected calibration error."""

from __future__ import annotations

import math
import random
from typing import Sequence

import numpy as np
import torch

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def start(threads: int, seed: int):
    """Threads and seeds set; returns (random generator, the packaged MiniLM's folder, its tokenizer)."""
    from transformers import AutoTokenizer

    from perception.defaults import PACKAGED_MINILM
    from perception.encoder import resolve_encoder_path

    torch.set_num_threads(threads)
    seed_everything(seed)
    base = resolve_encoder_path(PACKAGED_MINILM)
    return random.Random(seed), base, AutoTokenizer.from_pretrained(base)


def step(model: torch.nn.Module, loss: torch.Tensor, opt, schedule) -> None:
    """One optimiser step: backward, clip the gradient norm at 1, step, advance the schedule."""
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    opt.step()
    schedule.step()
    opt.zero_grad()


def progress() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), TimeRemainingColumn(), TextColumn("{task.fields[info]}"))


def bucketed_batches(lengths: Sequence[int], batch_size: int, rng: random.Random,
                     shuffle: bool = True) -> list[list[int]]:
    """Indices in batches of similar length (little padding), the batch order shuffled."""
    order = list(range(len(lengths)))
    if shuffle:
        rng.shuffle(order)
    chunk = batch_size * 50
    batches = []
    for i in range(0, len(order), chunk):
        part = sorted(order[i:i + chunk], key=lambda k: lengths[k])
        batches += [part[j:j + batch_size] for j in range(0, len(part), batch_size)]
    if shuffle:
        rng.shuffle(batches)
    return batches


def optimiser(model: torch.nn.Module, steps: int, lr: float, head_lr: float, warmup: float = 0.06):
    from transformers import get_linear_schedule_with_warmup

    heads = [p for n, p in model.named_parameters() if n.startswith("heads.") and p.requires_grad]
    rest = [p for n, p in model.named_parameters() if not n.startswith("heads.") and p.requires_grad]
    opt = torch.optim.AdamW([{"params": rest, "lr": lr}, {"params": heads, "lr": head_lr}],
                            weight_decay=0.01)
    return opt, get_linear_schedule_with_warmup(opt, math.ceil(steps * warmup), steps)


def fit_temperature(logits: np.ndarray, labels: np.ndarray) -> float:
    """The temperature T minimising the NLL of softmax(logits / T) on held-out data."""
    x = torch.tensor(logits, dtype=torch.float64)
    y = torch.tensor(labels)
    log_t = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.LBFGS([log_t], lr=0.1, max_iter=200)

    def closure():
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(x / log_t.exp(), y)
        loss.backward()
        return loss

    opt.step(closure)
    return float(log_t.detach().exp().item())


def expected_calibration_error(probs: np.ndarray, labels: np.ndarray, bins: int = 15) -> float:
    """ECE of the top-1 confidence, equal-width bins (Guo et al. 2017)."""
    confidence = probs.max(axis=1)
    correct = probs.argmax(axis=1) == labels
    edges = np.linspace(0, 1, bins + 1)
    ece = 0.0
    for lo, hi in zip(edges[:-1], edges[1:]):
        inside = (confidence > lo) & (confidence <= hi)
        if inside.any():
            ece += inside.mean() * abs(correct[inside].mean() - confidence[inside].mean())
    return float(ece)


def resume(checkpoint, model: torch.nn.Module, opt, schedule, seed: int, rng: random.Random, best: dict):
    """(first epoch, best so far, generator) from a training script's checkpoint, or as given when there is none."""
    if not checkpoint.is_file():
        return 0, best, rng
    state = torch.load(checkpoint, weights_only=False)
    model.load_state_dict(state["model"]), opt.load_state_dict(state["opt"])
    schedule.load_state_dict(state["schedule"])
    print(f"resuming after epoch {state['epoch'] + 1} from {checkpoint}")
    return state["epoch"] + 1, state["best"], random.Random(seed + state["epoch"] + 1)
