"""Train the offline text-emotion model: LoRA adapters + a 7-way head on the packaged all-MiniLM-L6-v2,
on MELD train (each utterance with its dialogue context) plus a sample of GoEmotions-Ekman train,
a sample of EmpatheticDialogues situations (people telling what happened to them; the labels that map
clearly into EMOTIONS, `agent.evaluation.datasets.ED_TO_EMOTION`), with --everyday-repeats the project's
written everyday messages (`training/data/everyday/train.csv`), with --dialogue-repeats the messages of the
project's written listener conversations labelled by readers (train part, in context:
`agent.evaluation.dialogue_emotions`) and, with --reccon-per-epoch, of RECCON-DD's emotion-labelled
dialogue turns, in context.

    python -m training.train_text_emotion --data ../shared/data --out perception/models/text_emotion \
        --ed-per-epoch 6000 --everyday-repeats 4 --seed 14

Picks the epoch with the best mean of MELD dev weighted F1, GoEmotions dev macro F1 and ED valid
accuracy (with ED; else MELD alone), fits a softmax temperature on MELD dev (reported
with the expected calibration error before and after), and writes `model.json` + `adapter.safetensors`.
After each epoch it saves everything the next one needs under `--checkpoints` (a folder named by the
recipe's digest), so the same command run again resumes after the last finished epoch (a run spans
sessions: an epoch takes 20-50 minutes on a 2-core CPU); the checkpoint goes once the model is written.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import time
from pathlib import Path

import numpy as np
import torch
import typer
from rich.console import Console
from sklearn.metrics import f1_score

from agent.evaluation.dialogue_emotions import read_written_dialogue
from agent.evaluation.datasets import (DEFAULT_DATA, LabelledUtterance, read_ed_mapped, read_everyday,
                                       read_everyday_conversation, read_goemotions, read_meld, read_reccon,
                                       reccon_utterances)
from agent.evaluation.model_eval import classification_report
from perception.adapted_encoder import AdaptedEncoder, pad_batch
from perception.emotions import EMOTIONS
from perception.defaults import PACKAGED_MINILM
from perception.text import encode_with_context
from training.common import (bucketed_batches, expected_calibration_error, fit_temperature,
                             optimiser, progress, start, step)

console = Console()


def encode(tokenizer, items: list[LabelledUtterance], context_turns: int, max_length: int) -> list[dict]:
    return encode_with_context(tokenizer, [u.text for u in items], [u.context for u in items],
                               [u.speaker for u in items], context_turns, max_length)


SENTIMENTS = ("negative", "neutral", "positive")


def sentiment_targets(items: list[LabelledUtterance]) -> torch.Tensor:
    """MELD's sentiment per utterance as a class index, -100 (ignored) where there is none."""
    return torch.tensor([SENTIMENTS.index(u.sentiment) if u.sentiment in SENTIMENTS else -100
                         for u in items])


def targets(items: list[LabelledUtterance]) -> torch.Tensor:
    y = torch.zeros(len(items), len(EMOTIONS))
    for i, u in enumerate(items):
        for label in u.labels:
            y[i, EMOTIONS.index(label)] = 1.0 / len(u.labels)
    return y


@torch.inference_mode()
def predict_logits(model: AdaptedEncoder, encodings: list[dict], batch_size: int = 64) -> np.ndarray:
    model.eval()
    device = next(model.parameters()).device
    order = sorted(range(len(encodings)), key=lambda k: len(encodings[k]["input_ids"]))
    out = np.zeros((len(encodings), len(EMOTIONS)), dtype=np.float32)
    for i in range(0, len(order), batch_size):
        idx = order[i:i + batch_size]
        batch = {k: v.to(device) for k, v in pad_batch([encodings[k] for k in idx]).items()}
        out[idx] = model.classify(batch, "emotion").float().cpu().numpy()
    return out


def dev_figures(model: AdaptedEncoder, enc: dict, meld_dev, go_dev, ed_dev) -> dict[str, float]:
    """The epoch's dev figures (the LoRA model alone, before the dialogue head), scored as `empathica
    eval text` scores them: MELD weighted F1, and with ED also GoEmotions macro F1 and ED accuracy."""
    def report(name: str, items: list[LabelledUtterance]):
        top = predict_logits(model, enc[name]).argmax(1)
        return classification_report(name, [u.labels for u in items], [EMOTIONS[i] for i in top], 0.0)

    figures = {"meld_weighted_f1": report("meld_dev", meld_dev).weighted_f1}
    if ed_dev:
        figures["goemotions_macro_f1"] = report("go_dev", go_dev).macro_f1
        figures["ed_accuracy"] = report("ed_dev", ed_dev).accuracy
    return figures


CHECKPOINTS = Path("~/.cache/empathica/checkpoints").expanduser()


def checkpoint_folder(root: Path, recipe: dict) -> Path:
    """Where a run of `recipe` (every option that changes the model) keeps its epoch checkpoint."""
    digest = hashlib.sha256(json.dumps(recipe, sort_keys=True, default=str).encode()).hexdigest()[:12]
    return root / f"text-emotion-{digest}"


def save_epoch(folder: Path, epoch: int, model, opt, schedule, rng, best: float, best_state,
               sizes: dict, minutes: float) -> None:
    """Everything the next epoch needs, after `epoch` epochs (written whole, then renamed); `sizes`
    (the training sources' sizes) tell a resumed run whether its data is still the same."""
    folder.mkdir(parents=True, exist_ok=True)
    torch.save({"epoch": epoch, "model": model.state_dict(), "opt": opt.state_dict(),
                "schedule": schedule.state_dict(), "rng": rng.getstate(), "torch_rng": torch.get_rng_state(),
                "best": best, "best_state": best_state, "sizes": sizes, "minutes": minutes},
               folder / "epoch.pt.partial")
    (folder / "epoch.pt.partial").replace(folder / "epoch.pt")


def resume_epoch(folder: Path, model, opt, schedule, rng, sizes: dict) -> tuple[int, float, dict | None, float]:
    """(epochs done, best score, best state, minutes trained) from `folder`'s checkpoint, the model,
    optimiser, schedule and random generators restored; (0, -1, None, 0) where there is none. A
    checkpoint of other data (the written sets changed since) is an error, not a silent mix."""
    if not (folder / "epoch.pt").is_file():
        return 0, -1.0, None, 0.0
    saved = torch.load(folder / "epoch.pt", weights_only=False, map_location="cpu")  # (a GPU run's too)
    if saved.get("sizes") != sizes:
        raise typer.BadParameter(f"the checkpoint in {folder} was trained on other data ({saved.get('sizes')}, "
                                 f"now {sizes}); delete it to start again")
    model.load_state_dict(saved["model"])
    opt.load_state_dict(saved["opt"])
    schedule.load_state_dict(saved["schedule"])
    rng.setstate(saved["rng"])
    torch.set_rng_state(saved["torch_rng"])
    console.print(f"resumed from {folder} after epoch {saved['epoch']}")
    return saved["epoch"], saved["best"], saved["best_state"], saved["minutes"]


def written_everyday(data: Path, repeats: int) -> list[LabelledUtterance]:
    """The project's written everyday train set (`training/data/everyday/train.csv`) `repeats` times:
    alternately alone and as the next turn after a message of another feeling (as people talk)."""
    if not repeats:
        return []
    alone, in_conversation = read_everyday(data, "train"), read_everyday_conversation(data, "train")
    return [u for n in range(repeats) for u in (alone if n % 2 == 0 else in_conversation)]


def main(data: Path = typer.Option(DEFAULT_DATA), out: Path = typer.Option(Path("perception/models/text_emotion")),
         epochs: int = 3, goemotions_per_epoch: int = 8000,
         reccon_per_epoch: int = 0,  # RECCON-DD train turns (in context) per epoch
         ed_per_epoch: int = 0,  # mapped EmpatheticDialogues situations per epoch
         everyday_repeats: int = 0,  # the project's written everyday train set, this many times an epoch
         dialogue_repeats: int = 0,  # the labelled written conversations (train part, in context), this many times
         context_turns: int = 3,
         max_length: int = 96, batch_size: int = 32, lr: float = 1e-3, head_lr: float = 3e-3,
         rank: int = 16, seed: int = 13,
         sentiment_weight: float = 0.0,  # weight of an auxiliary MELD-sentiment head (tried: no gain)
         limit: int = typer.Option(0, help="use only N examples per split (tests)"),
         threads: int = 2,
         device: str = "cpu",  # or cuda: train on a GPU (the model is saved for the CPU)
         checkpoints: Path = CHECKPOINTS) -> None:  # where a run keeps its epoch checkpoint
    recipe = {"data": data, "out": out, "epochs": epochs, "goemotions_per_epoch": goemotions_per_epoch,
              "reccon_per_epoch": reccon_per_epoch, "ed_per_epoch": ed_per_epoch, "everyday_repeats": everyday_repeats,
              "dialogue_repeats": dialogue_repeats, "context_turns": context_turns, "max_length": max_length,
              "batch_size": batch_size, "lr": lr, "head_lr": head_lr, "rank": rank, "seed": seed,
              "sentiment_weight": sentiment_weight, "limit": limit}
    rng, base, tokenizer = start(threads, seed)
    meld_train, meld_dev = read_meld(data, "train"), read_meld(data, "dev")
    go_train, go_dev = read_goemotions(data, "train"), read_goemotions(data, "dev")
    dd_train = reccon_utterances(read_reccon(data, "train")) if reccon_per_epoch else []
    ed_train, ed_dev = (read_ed_mapped(data, "train"), read_ed_mapped(data, "valid")) if ed_per_epoch else ([], [])
    written = written_everyday(data, everyday_repeats) + (read_written_dialogue("train") * dialogue_repeats
                                                          if dialogue_repeats else [])
    if limit:
        meld_train, meld_dev, go_train, go_dev, dd_train, ed_train, ed_dev = (
            x[:limit] for x in (meld_train, meld_dev, go_train, go_dev, dd_train, ed_train, ed_dev))
        goemotions_per_epoch, written = min(goemotions_per_epoch, limit), written[:limit]
    reccon_per_epoch, ed_per_epoch = min(reccon_per_epoch, len(dd_train)), min(ed_per_epoch, len(ed_train))
    enc = {name: encode(tokenizer, items, context_turns, max_length) for name, items in
           [("meld_train", meld_train), ("meld_dev", meld_dev), ("go_train", go_train), ("go_dev", go_dev),
            ("dd_train", dd_train), ("ed_train", ed_train), ("ed_dev", ed_dev), ("written", written)]}
    # the training sources: MELD train whole each epoch, samples of GoEmotions, ED and RECCON-DD
    sources = {"m": meld_train, "g": go_train, "r": dd_train, "e": ed_train, "w": written}
    train_enc = {"m": enc["meld_train"], "g": enc["go_train"], "r": enc["dd_train"], "e": enc["ed_train"],
                 "w": enc["written"]}
    y = {k: targets(items) for k, items in sources.items()}
    sentiments = {k: sentiment_targets(items) for k, items in sources.items()}
    dev_labels = np.array([EMOTIONS.index(u.labels[0]) for u in meld_dev])

    config = {"kind": "text-emotion", "base": PACKAGED_MINILM, "labels": list(EMOTIONS),
              "context_turns": context_turns, "max_length": max_length, "temperature": 1.0,
              "pool": "first_segment"}
    heads = {"emotion": len(EMOTIONS)} | ({"sentiment": len(SENTIMENTS)} if sentiment_weight else {})
    model = AdaptedEncoder.new(base, heads, config, rank=rank, alpha=2 * rank).to(device)
    steps_per_epoch = (len(meld_train) + goemotions_per_epoch + reccon_per_epoch + ed_per_epoch + len(written)
                       + batch_size - 1) // batch_size
    opt, schedule = optimiser(model, steps_per_epoch * epochs, lr, head_lr)
    folder, sizes = checkpoint_folder(checkpoints, recipe), {k: len(v) for k, v in sources.items()}
    done, best, best_state, minutes_before = resume_epoch(folder, model, opt, schedule, rng, sizes)
    started = time.perf_counter() - 60 * minutes_before
    with progress() as bar:
        for epoch in range(done, epochs):
            model.train()
            go_pick = rng.sample(range(len(go_train)), goemotions_per_epoch)
            dd_pick = rng.sample(range(len(dd_train)), reccon_per_epoch)
            ed_pick = rng.sample(range(len(ed_train)), ed_per_epoch)
            pool = ([("m", i) for i in range(len(meld_train))] + [("g", i) for i in go_pick]
                    + [("r", i) for i in dd_pick] + [("e", i) for i in ed_pick]
                    + [("w", i) for i in range(len(written))])
            lengths = [len(train_enc[s][i]["input_ids"]) for s, i in pool]
            batches = bucketed_batches(lengths, batch_size, rng)
            task = bar.add_task(f"epoch {epoch + 1}/{epochs}", total=len(batches), info="")
            for n, batch_idx in enumerate(batches):
                picked = [pool[k] for k in batch_idx]
                batch = {k: v.to(device) for k, v in pad_batch([train_enc[s][i] for s, i in picked]).items()}
                target = torch.stack([y[s][i] for s, i in picked]).to(device)
                features = model.features(batch)
                loss = torch.nn.functional.cross_entropy(model.heads["emotion"](features), target)
                sentiment = torch.stack([sentiments[s][i] for s, i in picked]).to(device)
                if sentiment_weight and (sentiment >= 0).any():
                    loss = loss + sentiment_weight * torch.nn.functional.cross_entropy(
                        model.heads["sentiment"](features), sentiment, ignore_index=-100)
                step(model, loss, opt, schedule)
                bar.update(task, advance=1, **({"info": f"loss {loss.item():.3f}"} if n % 10 == 0 else {}))
            figures = dev_figures(model, enc, meld_dev, go_dev, ed_dev)
            score = float(np.mean(list(figures.values()))) if ed_dev else figures["meld_weighted_f1"]
            console.print(f"epoch {epoch + 1}: " + ", ".join(f"{k} {v:.4f}" for k, v in figures.items())
                          + f" ({time.perf_counter() - started:.0f} s so far)")
            if score > best:
                best, best_state = score, {k: v.clone() for k, v in model.state_dict().items()}
            save_epoch(folder, epoch + 1, model, opt, schedule, rng, best, best_state, sizes,
                       (time.perf_counter() - started) / 60)
    model.load_state_dict(best_state)
    minutes = (time.perf_counter() - started) / 60
    logits = predict_logits(model, enc["meld_dev"])
    temperature = fit_temperature(logits, dev_labels)
    probs_raw = torch.softmax(torch.tensor(logits), -1).numpy()
    probs_cal = torch.softmax(torch.tensor(logits) / temperature, -1).numpy()
    metrics = {
        "meld_dev_weighted_f1": round(float(f1_score(dev_labels, logits.argmax(1), average="weighted")), 4),
        "meld_dev_ece_before": round(expected_calibration_error(probs_raw, dev_labels), 4),
        "meld_dev_ece_after": round(expected_calibration_error(probs_cal, dev_labels), 4),
        "train_minutes": round(minutes, 1),
    }
    model.save(out, temperature=round(temperature, 4), metrics=metrics,
               training={"epochs": epochs, "goemotions_per_epoch": goemotions_per_epoch,
                         "reccon_per_epoch": reccon_per_epoch, "ed_per_epoch": ed_per_epoch,
                         "everyday_repeats": everyday_repeats, "dialogue_repeats": dialogue_repeats, "lr": lr,
                         "head_lr": head_lr, "rank": rank, "batch_size": batch_size, "seed": seed,
                         "sentiment_weight": sentiment_weight,
                         "threads": threads, "device": device})
    shutil.rmtree(folder, ignore_errors=True)
    console.print(f"saved to {out}: {metrics}")


if __name__ == "__main__":
    typer.run(main)
