"""Train the emotion-cause model: LoRA adapters + a `cause` head (is this utterance a cause?) and a
`span` head (which words?) on the packaged all-MiniLM-L6-v2, on RECCON-DD train; the epoch with the
best Pos-F1 on RECCON-DD valid is kept.

    python -m training.train_emotion_cause --data ../shared/data --out perception/models/emotion_cause
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import torch
import typer
from rich.console import Console

from agent.evaluation.datasets import DEFAULT_DATA, CausePair, read_reccon, reccon_pairs
from agent.evaluation.model_eval import cause_report, span_scores
from perception.adapted_encoder import AdaptedEncoder, pad_batch
from perception.cause import best_span, encode_pairs, pair_text
from perception.defaults import PACKAGED_MINILM
from training.common import bucketed_batches, optimiser, progress, start, step

console = Console()
IGNORE = -100


def span_tokens(offsets: list[tuple[int, int]], text: str, spans: list[str]) -> tuple[int, int]:
    """Token indices of the first gold span found in `text`, or (IGNORE, IGNORE)."""
    for span in spans:
        at = text.find(span.strip())
        if at < 0:
            continue
        end = at + len(span.strip())
        inside = [i for i, (s, e) in enumerate(offsets) if e > s and s < end and e > at]
        if inside:
            return inside[0], inside[-1]
    return IGNORE, IGNORE


def encode(tokenizer, pairs: list[CausePair], max_length: int) -> list[dict]:
    texts = [pair_text(p.utterances, p.target, p.candidate, p.emotion, p.speakers) for p in pairs]
    encodings = encode_pairs(tokenizer, texts, max_length)
    for enc, p in zip(encodings, pairs):
        enc["label"] = float(p.is_cause)
        enc["span"] = span_tokens(enc["offsets"], p.utterances[p.candidate], p.spans) if p.is_cause \
            else (IGNORE, IGNORE)
    return encodings


def losses(model: AdaptedEncoder, encodings: list[dict], span_weight: float) -> torch.Tensor:
    batch = pad_batch(encodings)
    hidden = model.hidden_states(batch)
    logit = model.heads["cause"](model.pooled(hidden, batch["attention_mask"]))[:, 0]
    loss = torch.nn.functional.binary_cross_entropy_with_logits(
        logit, torch.tensor([e["label"] for e in encodings]))
    span = model.heads["span"](hidden)  # (batch, tokens, 2)
    width = span.shape[1]
    candidate = torch.tensor([[o[1] > o[0] for o in e["offsets"]] + [False] * (width - len(e["offsets"]))
                              for e in encodings])
    span = span.masked_fill(~candidate.unsqueeze(-1), -1e4)
    gold = torch.tensor([e["span"] for e in encodings])
    if (gold[:, 0] != IGNORE).any():
        loss = loss + span_weight * 0.5 * (
            torch.nn.functional.cross_entropy(span[:, :, 0], gold[:, 0], ignore_index=IGNORE)
            + torch.nn.functional.cross_entropy(span[:, :, 1], gold[:, 1], ignore_index=IGNORE))
    return loss


@torch.inference_mode()
def evaluate(model: AdaptedEncoder, pairs: list[CausePair], encodings: list[dict], threshold: float = 0.5,
             batch_size: int = 64):
    model.eval()
    probs = np.zeros(len(pairs))
    hits = []
    order = sorted(range(len(pairs)), key=lambda k: len(encodings[k]["input_ids"]))
    started = time.perf_counter()
    for i in range(0, len(order), batch_size):
        idx = order[i:i + batch_size]
        batch = pad_batch([encodings[k] for k in idx])
        hidden = model.hidden_states(batch)
        probs[idx] = torch.sigmoid(model.heads["cause"](model.pooled(hidden, batch["attention_mask"]))[:, 0]).numpy()
        span = model.heads["span"](hidden).numpy()
        for row, k in enumerate(idx):
            p = pairs[k]
            if p.is_cause and p.spans:
                s, e, _ = best_span(span[row, :, 0], span[row, :, 1], encodings[k]["offsets"])
                hits.append(span_scores(p.utterances[p.candidate][s:e], p.spans))
    truth = [p.is_cause for p in pairs]
    return cause_report("reccon-dd valid", truth, list(probs >= threshold), hits,
                        time.perf_counter() - started), probs


def main(data: Path = typer.Option(DEFAULT_DATA), out: Path = typer.Option(Path("perception/models/emotion_cause")),
         epochs: int = 3, negatives: float = typer.Option(0.6, help="share of non-causal pairs used per epoch"),
         max_length: int = 128, batch_size: int = 32, lr: float = 1e-3, head_lr: float = 3e-3, rank: int = 16,
         span_weight: float = 1.0, seed: int = 13, limit: int = typer.Option(0, help="use only N dialogues (tests)"),
         threads: int = 2) -> None:
    rng, base, tokenizer = start(threads, seed)
    train_d, valid_d = read_reccon(data, "train"), read_reccon(data, "valid")
    if limit:
        train_d, valid_d = train_d[:limit], valid_d[:max(1, limit // 4)]
    train, valid = reccon_pairs(train_d), reccon_pairs(valid_d)
    enc_train, enc_valid = encode(tokenizer, train, max_length), encode(tokenizer, valid, max_length)
    positives = [i for i, p in enumerate(train) if p.is_cause]
    negatives_all = [i for i, p in enumerate(train) if not p.is_cause]
    config = {"kind": "emotion-cause", "base": PACKAGED_MINILM, "max_length": max_length, "threshold": 0.5}
    model = AdaptedEncoder.new(base, {"cause": 1, "span": 2}, config, rank=rank, alpha=2 * rank)
    per_epoch = len(positives) + int(negatives * len(negatives_all))
    opt, schedule = optimiser(model, (per_epoch + batch_size - 1) // batch_size * epochs, lr, head_lr)
    best, best_state, best_report, started = -1.0, None, None, time.perf_counter()
    with progress() as bar:
        for epoch in range(epochs):
            model.train()
            pool = positives + rng.sample(negatives_all, int(negatives * len(negatives_all)))
            batches = bucketed_batches([len(enc_train[k]["input_ids"]) for k in pool], batch_size, rng)
            task = bar.add_task(f"epoch {epoch + 1}/{epochs}", total=len(batches), info="")
            for n, idx in enumerate(batches):
                loss = losses(model, [enc_train[pool[k]] for k in idx], span_weight)
                step(model, loss, opt, schedule)
                bar.update(task, advance=1, **({"info": f"loss {loss.item():.3f}"} if n % 10 == 0 else {}))
            report, _ = evaluate(model, valid, enc_valid)
            console.print(f"epoch {epoch + 1}: Pos-F1 {report.pos_f1:.4f} span EM {report.span_em:.4f} "
                          f"F1 {report.span_f1:.4f} ({time.perf_counter() - started:.0f} s so far)")
            if report.pos_f1 > best:
                best, best_report = report.pos_f1, report
                best_state = {k: v.clone() for k, v in model.state_dict().items()}
    model.load_state_dict(best_state)
    metrics = {"reccon_valid_pos_f1": round(best_report.pos_f1, 4), "reccon_valid_neg_f1": round(best_report.neg_f1, 4),
               "reccon_valid_span_em_pos": round(best_report.span_em, 4),
               "reccon_valid_span_f1_pos": round(best_report.span_f1, 4),
               "train_minutes": round((time.perf_counter() - started) / 60, 1)}
    model.save(out, metrics=metrics, training={"epochs": epochs, "negatives": negatives, "lr": lr, "head_lr": head_lr,
                                               "rank": rank, "batch_size": batch_size, "span_weight": span_weight,
                                               "seed": seed, "threads": threads})
    console.print(f"saved to {out}: {metrics}")


if __name__ == "__main__":
    typer.run(main)
