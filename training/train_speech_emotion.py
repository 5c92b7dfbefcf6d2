"""Train the speech emotion recognizer: a small head (mean + std pooling, one-hidden-layer MLP) over
the Whisper tiny.en encoder states of RAVDESS speech, train actors 01-16, dev actors 17-20 (speaker-
independent: no dev voice is heard in training).

    python -m training.train_speech_emotion --data ../shared/data --out perception/models/speech_emotion

The encoder is frozen, so each clip (and each augmented copy, if asked for: speed 0.9 and 1.1,
added noise) is encoded once and its states cached under `--cache` (float16 .npy per clip); reruns
reuse them. Attention pooling and speed augmentation were tried and did not beat the defaults on
dev (model card).
"""

from __future__ import annotations

import time
import zlib
from pathlib import Path

import numpy as np
import torch
import typer
from rich.console import Console

from agent.evaluation.datasets import DEFAULT_DATA, RAVDESS_EMOTIONS, RavdessClip, parse_actors, read_ravdess
from agent.evaluation.model_eval import speech_report
from perception.audio import load_audio
from perception.speech_emotion import SPEECH_LABELS, build_head, save_head
from perception.whisper import PACKAGED_WHISPER, encoder_states, load_whisper
from training.common import progress, seed_everything

console = Console()
AUGMENTATIONS = ("sp09", "sp11", "noise")


def augment(audio: np.ndarray, tag: str, name: str) -> np.ndarray:
    """`audio` as augmentation `tag` makes it: "base" (as is), "sp09"/"sp11" (speed 0.9/1.1, pitch
    and tempo together, as Kaldi's speed perturbation), "noise" (white noise at 10-25 dB SNR). The
    noise is seeded by the clip's name, so a cache filled by any run holds the same copies."""
    from scipy.signal import resample_poly

    if tag == "base":
        return audio
    if tag == "sp09":
        return resample_poly(audio, 10, 9).astype(np.float32)
    if tag == "sp11":
        return resample_poly(audio, 10, 11).astype(np.float32)
    if tag == "noise":
        rng = np.random.default_rng(zlib.crc32(name.encode()))
        power = float(np.mean(np.square(audio))) or 1e-10
        snr = rng.uniform(10, 25)
        return (audio + rng.normal(0, np.sqrt(power / 10 ** (snr / 10)), len(audio))).astype(np.float32)
    raise typer.BadParameter(f"unknown augmentation {tag!r}; choose from {', '.join(AUGMENTATIONS)}")


def encode(clips: list[RavdessClip], tags: list[str], whisper_source: str, cache: Path,
           threads: int, window: str) -> list[tuple[np.ndarray, int]]:
    """(encoder states, label index) of every clip under every tag, from `cache` where present."""
    todo = [(clip, tag) for tag in tags for clip in clips]
    model = None
    out = []
    with progress() as bar:
        task = bar.add_task("Whisper encoder", total=len(todo), info="")
        for clip, tag in todo:
            path = cache / window / tag / f"{clip.path.stem}.npy"
            if path.is_file():
                states = np.load(path)
            else:
                model = model or load_whisper(whisper_source, "cpu", threads)
                audio = augment(load_audio(clip.path), tag, clip.path.stem)
                states = encoder_states(model, audio, window).astype(np.float16)
                path.parent.mkdir(parents=True, exist_ok=True)
                np.save(path, states)
            out.append((states.astype(np.float32), RAVDESS_EMOTIONS.index(clip.emotion)))
            bar.update(task, advance=1, info=tag)
    return out


def pad(items: list[tuple[np.ndarray, int]]) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    frames = max(len(s) for s, _ in items)
    x = torch.zeros(len(items), frames, items[0][0].shape[1])
    mask = torch.zeros(len(items), frames)
    for i, (s, _) in enumerate(items):
        x[i, :len(s)], mask[i, :len(s)] = torch.from_numpy(s), 1.0
    return x, mask, torch.tensor([y for _, y in items])


def predict(head, items: list[tuple[np.ndarray, int]], batch: int = 64) -> np.ndarray:
    head.eval()
    out = []
    with torch.inference_mode():
        for i in range(0, len(items), batch):
            x, mask, _ = pad(items[i:i + batch])
            out.append(head(x, mask).argmax(-1).numpy())
    return np.concatenate(out)


def train_head(config: dict, train: list[tuple[np.ndarray, int]], epochs: int, lr: float,
               batch: int, seed: int, label_smoothing: float = 0.1):
    """The head trained on `train` with AdamW, cosine decay, label smoothing; input standardised
    with the training frames' mean and std."""
    seed_everything(seed)
    head = build_head(config)
    frames = np.concatenate([s for s, _ in train])
    head.mean.copy_(torch.from_numpy(frames.mean(0)))
    head.std.copy_(torch.from_numpy(frames.std(0) + 1e-5))
    opt = torch.optim.AdamW(head.parameters(), lr=lr, weight_decay=0.05)
    steps = epochs * -(-len(train) // batch)
    schedule = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=lr, total_steps=max(steps, 1), pct_start=0.1)
    rng = np.random.default_rng(seed)
    loss_fn = torch.nn.CrossEntropyLoss(label_smoothing=label_smoothing)
    for _ in range(epochs):
        head.train()
        order = rng.permutation(len(train))
        for i in range(0, len(order), batch):
            x, mask, y = pad([train[k] for k in order[i:i + batch]])
            loss = loss_fn(head(x, mask), y)
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(head.parameters(), 1.0)
            opt.step()
            schedule.step()
    return head.eval()


def main(data: Path = typer.Option(DEFAULT_DATA, help="folder holding speech/ravdess/Actor_XX"),
         out: Path = typer.Option(Path("perception/models/speech_emotion")),
         train_actors: str = typer.Option("1-16", help="e.g. '1-16' or '1,3,5-7'"),
         dev_actors: str = typer.Option("17-20"),
         augmentations: str = typer.Option(
             "none", help=f"comma-separated from {','.join(AUGMENTATIONS)}, or 'none' (no gain: model card)"),
         pooling: str = typer.Option("mean", help="mean (mean + std) or attention (attentive statistics)"),
         hidden: int = typer.Option(256), dropout: float = typer.Option(0.3),
         epochs: int = typer.Option(40), lr: float = typer.Option(1e-3), batch: int = typer.Option(32),
         seed: int = typer.Option(13), limit: int = typer.Option(0, help="at most this many clips per split (tests)"),
         whisper: str = typer.Option(PACKAGED_WHISPER, help="the Whisper model whose encoder is read"),
         cache: Path = typer.Option(Path("/tmp/empathica-speech-emotion-cache"),
                                    help="encoder states per clip; one folder per Whisper model"),
         window: str = typer.Option("content", help="encoder window: content (the clip's own frames, "
                                    "fast) or padded (a whole 30 s window, as Whisper was trained)"),
         threads: int = typer.Option(2)) -> None:
    started = time.perf_counter()
    torch.set_num_threads(threads)
    if pooling not in ("attention", "mean"):
        raise typer.BadParameter("pooling must be 'attention' or 'mean'")
    tags = [t for t in augmentations.replace(" ", "").split(",") if t and t != "none"]
    for tag in tags:
        if tag not in AUGMENTATIONS:
            raise typer.BadParameter(f"unknown augmentation {tag!r}; choose from {', '.join(AUGMENTATIONS)}")
    train_ids, dev_ids = parse_actors(train_actors), parse_actors(dev_actors)
    if set(train_ids) & set(dev_ids):
        raise typer.BadParameter(f"actors {sorted(set(train_ids) & set(dev_ids))} are in both splits")
    train_clips, dev_clips = read_ravdess(data, train_ids), read_ravdess(data, dev_ids)
    if limit:
        train_clips, dev_clips = train_clips[:limit], dev_clips[:limit]
    if not train_clips or not dev_clips:
        raise typer.BadParameter(f"no clips: {len(train_clips)} train, {len(dev_clips)} dev")
    console.print(f"RAVDESS: {len(train_clips)} train clips (actors {train_actors}) x "
                  f"{1 + len(tags)} versions, {len(dev_clips)} dev clips (actors {dev_actors})")
    train = encode(train_clips, ["base", *tags], whisper, cache, threads, window)
    dev = encode(dev_clips, ["base"], whisper, cache, threads, window)
    config = {"labels": list(SPEECH_LABELS), "whisper": whisper, "window": window, "width": int(train[0][0].shape[1]),
              "hidden": hidden, "pooling": pooling, "dropout": dropout}
    fit_started = time.perf_counter()
    head = train_head(config, train, epochs, lr, batch, seed)
    fit_seconds = time.perf_counter() - fit_started
    start = time.perf_counter()
    predicted = predict(head, dev)
    report = speech_report(f"ravdess dev actors {dev_actors}", [c.emotion for c in dev_clips],
                           [RAVDESS_EMOTIONS[i] for i in predicted], time.perf_counter() - start)
    console.print(report)
    total = time.perf_counter() - started
    config["training"] = {"data": "RAVDESS speech (audio only), 16 kHz", "train_actors": train_actors,
                          "dev_actors": dev_actors, "augmentations": tags, "epochs": epochs, "lr": lr,
                          "batch": batch, "seed": seed, "train_clips": len(train_clips),
                          "head_seconds": round(fit_seconds, 1), "total_seconds": round(total, 1)}
    config["dev"] = report.to_dict()
    config["dev"]["head_ms_per_clip"] = config["dev"].pop("ms_per_clip")  # from cached states: head only
    truth = np.array([RAVDESS_EMOTIONS.index(c.emotion) for c in dev_clips])
    config["dev"]["accuracy_per_actor"] = {
        str(a): round(float(np.mean(predicted[mask] == truth[mask])), 4)
        for a in sorted({c.actor for c in dev_clips}) for mask in [np.array([c.actor == a for c in dev_clips])]}
    save_head(head, out, config)
    console.print(f"dev accuracy {report.accuracy:.4f}  macro F1 {report.macro_f1:.4f}; "
                  f"head trained in {fit_seconds:.0f} s, {total:.0f} s in all; saved to {out}")


if __name__ == "__main__":
    typer.run(main)
