r"""Train the crisis verifier (`perception/crisis_verifier.py`): LoRA adapters on the attention of the
packaged Gemma 3 270M (its body; no output layer, so no 262k-word softmax) and a one-logit risk head on
its last hidden states, mean-pooled over the message's tokens, each message read after the user's
recent messages.

    python -m training.train_crisis_verifier --data ../shared/data --out DIR --epochs 3 --bury-share 0.3 \
        --llm-adapter none
    python -m training.train_crisis_verifier --out DIR/epoch3 --calibrate-detector perception/models/crisis \
        --recall 0.99 --verifier-share 0.3333 --verifier-reads message \
        --keep-recall-of ../shared/data/text/crisis/suicidal_tweets_dev.csv

(the shipped verifier's commands: `perception/models/crisis/MODEL_CARD.md`)

Training data, each epoch: the project's written crisis sets whole, once (`training/data/crisis/`:
`written_train.csv`, `context_train.csv` and the fifth batch's `written_train_batch5.csv` and
`context_train_batch5.csv`), a sample of ESConv seeker messages (our train part of its dev split,
with their earlier messages; conversations with a word of self-harm or death left out), a sample of
EmpatheticDialogues situations (everyday self-disclosures), and the turns of the project's everyday
conversation sets that the detector trains on (`CONVERSATION_SETS`), with their earlier turns. A share
of the written single messages (`--bury-share`, 0.3) is put inside a longer everyday one, label kept,
so that a verifier reading whole messages still hears risk said in one of their sentences. The
held-out crisis files, the tune files and the conversation sets `fresh4`, `fresh5`, `fresh7` and
`fresh8` are never read. A run checkpoints every `--save-every` steps and at each epoch's end under
OUT and resumes from there (about 12 minutes an epoch on two CPU cores); each epoch's verifier is
written to OUT/epochN, for `--calibrate-detector` to read the one chosen.

`--calibrate-detector FOLDER` copies the trained verifier into FOLDER/verifier and sets the
detector's `verifier` section in FOLDER/model.json: the threshold and topic floor of the combined
score (a weighted geometric mean of the detector's and the verifier's) at which the tune files keep
`--recall` of their risk messages, as `training.train_crisis_detector` sets the detector's own.
"""

from __future__ import annotations

import json
import random
import shutil
import time
from pathlib import Path

import numpy as np
import torch
import typer
from rich.console import Console

from agent.evaluation.datasets import DEFAULT_DATA, CrisisMessage, read_crisis_csv, read_ed_situations
from agent.evaluation.esconv import RISK_WORDS
from perception.crisis import VERIFIER_READINGS, CrisisDetector, pattern_words
from perception.crisis_verifier import (VERIFIER_CONFIG, VERIFIER_WEIGHTS, adapter_digest, encode_message,
                                        left_padded, pooled_logits)
from training.common import progress, seed_everything
from training.train_crisis_detector import (WRITTEN, buried, calibrate, conversation_turns, report,
                                            support_conversations, threshold_allowing, tune_messages)

console = Console()
WRITTEN_SETS = ("written_train.csv", "written_train_batch5.csv", "context_train.csv", "context_train_batch5.csv")
TARGETS = ("q_proj", "k_proj", "v_proj", "o_proj")
VERIFIER_FOLDER = "verifier"  # inside the detector's folder


class VerifierPool:
    """Every source, read once; `epoch(n)` draws epoch n's messages, shuffled."""

    def __init__(self, data: Path, support_sample: int, ed_sample: int, bury_share: float = 0.0, limit: int = 0):
        self.written = [m for name in WRITTEN_SETS for m in read_crisis_csv(WRITTEN / name)]
        self.support = support_conversations(data)
        self.ed = [text for text, _ in read_ed_situations(data, "train")
                   if not RISK_WORDS.search(text) and pattern_words(text) is None]
        self.conversations = conversation_turns()
        self.support_sample, self.ed_sample = min(support_sample, len(self.support)), min(ed_sample, len(self.ed))
        self.short_ed = [text for text in self.ed if len(text.split()) <= 40]
        self.bury_share, self.limit = bury_share, limit

    def epoch(self, n: int) -> list[CrisisMessage]:
        rng = random.Random(n)
        written = [buried(m, self.short_ed, self.bury_share, rng) for m in self.written]
        messages = (written + rng.sample(self.support, self.support_sample)
                    + [CrisisMessage(t, 0, "ed_situation") for t in rng.sample(self.ed, self.ed_sample)]
                    + self.conversations)
        rng.shuffle(messages)
        return messages[:self.limit] if self.limit else messages


class VerifierNet(torch.nn.Module):
    """The Gemma body (with the reply model's adapter merged in, where `llm_adapter` names one: the
    agent's LLM then serves as the verifier's body) with peft's LoRA on `TARGETS` and the risk head."""

    def __init__(self, base: str, rank: int, alpha: int, llm_adapter: Path | None = None):
        super().__init__()
        from peft import LoraConfig, get_peft_model
        from transformers import AutoModelForCausalLM

        from agent.llm.adapter import merge_adapter

        language_model = AutoModelForCausalLM.from_pretrained(base, dtype=torch.float32, local_files_only=True)
        if llm_adapter is not None:
            merge_adapter(language_model, llm_adapter)
        body = language_model.model
        self.body = get_peft_model(body, LoraConfig(r=rank, lora_alpha=alpha, lora_dropout=0.05,
                                                    target_modules=list(TARGETS)))
        self.head = torch.nn.Linear(body.config.hidden_size, 1)

    def forward(self, ids, attention, pooled):
        return pooled_logits(self.body, self.head, ids, attention, pooled)

    def trained_state(self) -> dict[str, torch.Tensor]:
        return {k: v for k, v in self.state_dict().items() if "lora_" in k or k.startswith("head.")}

    def shipped_weights(self) -> dict[str, torch.Tensor]:
        """The adapters in peft's saved layout ("base_model.model.layers.0.self_attn.q_proj.lora_A.weight",
        what `perception.adapted_encoder.merge_lora` reads) and the head."""
        from peft import get_peft_model_state_dict

        out = {f"head.{k}": v.detach().clone() for k, v in self.head.state_dict().items()}
        return {**out, **{k: v.detach().clone().contiguous() for k, v in get_peft_model_state_dict(self.body).items()}}


def train(data: Path, out: Path, epochs: int, support_sample: int, ed_sample: int, bury_share: float, rank: int,
          lr: float, head_lr: float, batch_size: int, save_every: int, seed: int, limit: int = 0,
          llm_adapter: Path | None = None) -> None:
    from transformers import AutoTokenizer

    from agent.llm.model_files import resolve_model_source
    from agent.llm.options import PACKAGED_GEMMA

    seed_everything(seed)
    base = resolve_model_source(PACKAGED_GEMMA)
    tokenizer = AutoTokenizer.from_pretrained(base, local_files_only=True)
    pool, model = VerifierPool(data, support_sample, ed_sample, bury_share, limit), VerifierNet(base, rank, 2 * rank, llm_adapter)
    groups = [{"params": [p for n, p in model.named_parameters() if p.requires_grad and not n.startswith("head.")],
               "lr": lr}, {"params": list(model.head.parameters()), "lr": head_lr}]
    opt = torch.optim.AdamW(groups, weight_decay=0.01)
    steps_per_epoch = -(-len(pool.epoch(seed)) // batch_size)
    total, warmup = steps_per_epoch * epochs, 30
    state_path, first = out / "checkpoint.pt", (0, 0)
    out.mkdir(parents=True, exist_ok=True)
    if state_path.is_file():
        state = torch.load(state_path, weights_only=False)
        model.load_state_dict(state["model"], strict=False), opt.load_state_dict(state["opt"])
        first = (state["epoch"], state["step"])
        console.print(f"resuming at epoch {first[0] + 1}, step {first[1]} from {state_path}")

    def save(epoch: int, step: int) -> None:
        torch.save({"model": model.trained_state(), "opt": opt.state_dict(), "epoch": epoch, "step": step}, state_path)

    for epoch in range(first[0], epochs):
        messages = pool.epoch(seed + epoch)
        encodings = [encode_message(tokenizer, m.text, m.earlier, 3) for m in messages]
        labels = torch.tensor([float(m.label) for m in messages])
        batches = length_batches([len(e[0]) for e in encodings], batch_size, random.Random(seed + epoch))
        started = time.perf_counter()
        with progress() as bar:
            task = bar.add_task(f"epoch {epoch + 1}/{epochs}", total=len(batches), info="")
            for n, idx in enumerate(batches):
                if epoch == first[0] and n < first[1]:
                    bar.update(task, advance=1)
                    continue
                done = epoch * len(batches) + n
                scale = min(1.0, (done + 1) / warmup) * max(0.05, 1 - done / total)
                for group, peak in zip(opt.param_groups, (lr, head_lr)):
                    group["lr"] = peak * scale
                model.train()
                logits = model(*left_padded([encodings[i] for i in idx]))
                loss = torch.nn.functional.binary_cross_entropy_with_logits(logits, labels[idx])
                opt.zero_grad()
                loss.backward()
                torch.nn.utils.clip_grad_norm_([p for g in groups for p in g["params"]], 1.0)
                opt.step()
                bar.update(task, advance=1, **({"info": f"loss {loss.item():.3f}"} if n % 10 == 0 else {}))
                if (n + 1) % save_every == 0:
                    save(epoch, n + 1)
        save(epoch + 1, 0)
        console.print(f"epoch {epoch + 1} done in {time.perf_counter() - started:.0f} s")
        write_folder(model, out / f"epoch{epoch + 1}", rank, {
            "epochs": epoch + 1, "support_sample": support_sample, "ed_sample": ed_sample, "bury_share": bury_share,
            "lr": lr, "head_lr": head_lr, "batch_size": batch_size, "seed": seed},
            adapter_digest(llm_adapter) if llm_adapter is not None else None)


def length_batches(lengths: list[int], batch_size: int, rng: random.Random) -> list[list[int]]:
    """Batches of similar length within chunks of 64 batches (the messages are already shuffled), the
    batch order shuffled."""
    chunk, batches = batch_size * 64, []
    for start in range(0, len(lengths), chunk):
        part = sorted(range(start, min(start + chunk, len(lengths))), key=lambda k: lengths[k])
        batches += [part[i:i + batch_size] for i in range(0, len(part), batch_size)]
    rng.shuffle(batches)
    return batches


def write_folder(model: VerifierNet, out: Path, rank: int, training: dict, llm_adapter: str | None = None) -> None:
    """The verifier's weights and model.json; `llm_adapter`: the digest of the reply model's adapter
    merged into the body it was trained on (`perception.crisis_verifier.adapter_digest`), or None."""
    from safetensors.torch import save_file

    out.mkdir(parents=True, exist_ok=True)
    save_file(model.shipped_weights(), str(out / VERIFIER_WEIGHTS))
    config = {"kind": "crisis-verifier", "base": "packaged Gemma 3 270M",
              "model_type": model.body.base_model.model.config.model_type, "rank": rank, "lora_alpha": 2 * rank,
              "targets": list(TARGETS), "context_turns": 3, "llm_adapter": llm_adapter, "training": training}
    (out / VERIFIER_CONFIG).write_text(json.dumps(config, indent=2) + "\n")
    console.print(f"wrote {out / VERIFIER_WEIGHTS}")


def calibrate_detector(detector_folder: Path, verifier_folder: Path, recall: float, reads: str = "message",
                       share: float = 0.5, keep_recall_of: Path | None = None) -> None:
    """The verifier copied into `detector_folder`/verifier and the threshold and topic floor of the
    combined score set in the detector's model.json (`training.train_crisis_detector.calibrate`: the
    lower of int8's and fp32's, recall first on the tune files), the verifier reading `reads` (each
    sentence, or the whole message once) with weight `share` in the combined score; with
    `keep_recall_of` (a dev CSV), the threshold lowered until the combined reading flags as many of its
    risk messages as the detector alone (recall first on data of another kind). On any error
    model.json is left as it was."""
    from agent.crisis_model import verifier_body

    target = detector_folder / VERIFIER_FOLDER
    target.mkdir(exist_ok=True)
    if target.resolve() != verifier_folder.resolve():
        for name in (VERIFIER_CONFIG, VERIFIER_WEIGHTS):
            shutil.copyfile(verifier_folder / name, target / name)
    path = detector_folder / "model.json"
    before = path.read_text()
    config = json.loads(before)
    try:
        config["verifier"] = {"folder": VERIFIER_FOLDER, "threshold": 0.5, "topic_floor": config.get("topic_floor", 0.0),
                              "reads": reads, "share": share}
        path.write_text(json.dumps(config, indent=2) + "\n")
        base = verifier_body("auto", str(detector_folder))  # (the packaged Gemma, loaded for the verifier alone)
        both = CrisisDetector(detector_folder, "cpu", verifier_body=base)  # (int8, as the agent reads)
        found = {True: calibrate(both, recall),
                 False: calibrate(CrisisDetector(detector_folder, "cpu", onnx=False, verifier_body=base), recall)}
        alone = CrisisDetector(detector_folder, "cpu")
        protocol = protocol_score_for(alone, both)
        threshold, floor = min(t for t, _, _ in found.values()), min(f for _, f, _ in found.values())
        if keep_recall_of is not None:
            threshold = keeping_recall(alone, both, threshold, keep_recall_of)
    except BaseException:
        path.write_text(before)
        raise
    config["verifier"] = {"folder": VERIFIER_FOLDER, "threshold": threshold, "topic_floor": floor, "reads": reads,
                          "share": share, "protocol_score": protocol}
    path.write_text(json.dumps(config, indent=2) + "\n")
    for onnx, (t, f, alarms) in found.items():
        console.print(f"{'int8' if onnx else 'fp32'}: threshold {t}, topic floor {f}, {alarms} false alarms "
                      "on the tune sets")
    console.print(f"written: verified threshold {threshold}, topic floor {floor}, protocol score {protocol}")
    report(both, threshold, floor)


def keeping_recall(alone: CrisisDetector, both: CrisisDetector, threshold: float, path: Path) -> float:
    """The highest threshold, at most `threshold`, at which the combined reading (`both`; score or
    pattern) flags as many of the risk messages of the CSV `path` as the detector `alone` does."""
    messages = [m for m in read_crisis_csv(path) if m.label == 1]
    flagged_alone = np.array([alone.read(m.text, m.earlier).at_risk for m in messages], dtype=bool)
    need = int(flagged_alone.sum())
    both.reads_down_to(0.001)  # (exact combined scores, not upper bounds)
    scores = np.concatenate([both.message_scores([m.text for m in messages[i:i + 64]],
                                                 [m.earlier for m in messages[i:i + 64]])
                             for i in range(0, len(messages), 64)])
    by_pattern = np.array([both.pattern_flag(m.text, s) is not None for m, s in zip(messages, scores)])
    # (a message too long for the verifier is decided by the detector alone, at any threshold)
    cut = np.array([not both.verifier.reads_whole(m.text) for m in messages])
    missed_cut = int((cut & ~flagged_alone).sum())
    others = scores[~by_pattern & ~cut]
    misses = len(messages) - need - missed_cut  # (the risk messages it may still miss)
    lowered = threshold_allowing(others, misses) if misses < len(others) else threshold
    if lowered >= threshold:
        return threshold
    console.print(f"threshold lowered from {threshold} to {lowered}: {path.name} keeps the detector's recall "
                  f"({need} of {len(messages)} risk messages)")
    return lowered


def protocol_score_for(alone: CrisisDetector, both: CrisisDetector) -> float:
    """The combined score from which as many of the tune files' risk messages get the fixed crisis reply
    (`agent.safety`) as get it from the detector's own score and protocol score alone: the combined
    score has another scale (a calm goodbye the verifier is unsure of lands lower)."""
    messages = [m for ms in tune_messages().values() for m in ms if m.label == 1]
    texts, earlier = [m.text for m in messages], [m.earlier for m in messages]
    kept = int((alone.message_scores(texts, earlier) >= alone.protocol_score).sum())
    combined = np.sort(both.message_scores(texts, earlier))[::-1]
    return round(float(combined[kept - 1]), 4) if kept else 1.0


def main(data: Path = typer.Option(DEFAULT_DATA), out: Path = typer.Option(..., help="the verifier's folder"),
         epochs: int = 3, support_sample: int = 800, ed_sample: int = 600,
         bury_share: float = typer.Option(0.3, help="share of the written single messages put inside a longer "
                                                    "everyday one (label kept)"),
         rank: int = 8, lr: float = 5e-4,
         head_lr: float = 2e-3, batch_size: int = 16, save_every: int = 100, seed: int = 0, threads: int = 2,
         calibrate_detector_folder: Path = typer.Option(
             None, "--calibrate-detector", help="copy the verifier in OUT into this detector folder and set "
                                                "the combined score's threshold there (no training)"),
         recall: float = typer.Option(0.98, help="recall kept on the tune sets' risk messages"),
         verifier_reads: str = typer.Option("message", help="what the calibrated verifier reads: "
                                                             f"{' or '.join(VERIFIER_READINGS)}"),
         verifier_share: float = typer.Option(0.5, min=0.01, max=0.99, help="the verifier's weight in the "
                                              "combined score (a weighted geometric mean)"),
         keep_recall_of: Path = typer.Option(None, help="a dev CSV (text, label) on which the combined "
                                                        "reading must flag as many risk messages as the "
                                                        "detector alone (the threshold is lowered to that)"),
         limit: int = typer.Option(0, help="only the first N messages of each epoch (a smoke test)"),
         llm_adapter: str = typer.Option("auto", help="the reply model's adapter merged into the body first "
                                                      "(the agent's LLM then serves as the body): 'auto' the "
                                                      "packaged listener, 'none', or an adapter folder")) -> None:
    torch.set_num_threads(threads)
    if calibrate_detector_folder is not None:
        if not (out / VERIFIER_WEIGHTS).is_file():
            raise typer.BadParameter(f"{out} has no {VERIFIER_WEIGHTS}: train it first", param_hint="--out")
        if verifier_reads not in VERIFIER_READINGS:
            raise typer.BadParameter(f"{verifier_reads!r} is not one of {', '.join(VERIFIER_READINGS)}",
                                     param_hint="--verifier-reads")
        return calibrate_detector(calibrate_detector_folder, out, recall, verifier_reads, verifier_share,
                                  keep_recall_of)
    from agent.llm.adapter import adapter_folder
    from agent.llm.options import PACKAGED_GEMMA

    train(data, out, epochs, support_sample, ed_sample, bury_share, rank, lr, head_lr, batch_size, save_every, seed,
          limit, adapter_folder(llm_adapter, PACKAGED_GEMMA, PACKAGED_GEMMA))


if __name__ == "__main__":
    typer.run(main)
