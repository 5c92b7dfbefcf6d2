"""Train the embedded listener: LoRA adapters on the packaged Gemma 3 270M, taught to write the
listener's replies of the project's own written conversations (`training/data/replies/written/`)
and of ESConv's supporters (emotional-support conversations; research use only; `--esconv-share`
of them each epoch) from the agent's own prompt (`training/reply_data.py`: the transcript without
few-shot examples, each line tagged with the user's feeling, the cause and the response emotion as
the agent's turn computes them).

    python -m training.train_reply_model --data ../shared/data --epochs 2 --esconv-share 0.25

`--device cuda` trains on a GPU (bf16 autocast there too), `--base` names the base model's file
when the packaged one is not installed (a machine lent for training).

The loss runs only at the replies' tokens and only over the packaged output vocabulary
(`agent/llm/vocabularies/`, the 66k tokens English conversation uses, which is what the agent may
write at run time): the hidden states of the reply positions times those rows of the output layer,
not the full 262k-word layer at every position. A run saves a checkpoint (adapter, optimiser, step)
every `--save-every` steps and resumes from it; the finished adapter is written to `--out`, by
default `agent/llm/adapters/listener/` where the agent loads it (`llm.adapter = "auto"`).
"""

from __future__ import annotations

import json
import math
import random
import time
from pathlib import Path
from typing import Optional

import torch
import typer
from rich.console import Console

from agent.evaluation.model_eval import DEFAULT_DATA
from agent.llm.adapter import ADAPTER_INFO, PACKAGED_ADAPTER_DIR
from agent.llm.options import PACKAGED_GEMMA
from agent.llm.output_layer import shortlist_for
from agent.persona import Persona
from training.common import progress, seed_everything
from training.reply_data import (Exchange, labelled_conversations, labelled_self_training, labelled_written,
                                 prompt_text, reply_spans, self_training_conversations, self_training_digest,
                                 windows)

console = Console(highlight=False)
WRITTEN = Path(__file__).parent / "data" / "replies" / "written"
UNLEARNED_STRATEGIES = {"Self-disclosure"}
TARGET_MODULES = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]


def load_base(base: str = PACKAGED_GEMMA):
    """The packaged Gemma (or `base`: a folder or a .gguf file of it) in fp32 and its tokenizer, as
    the agent loads them."""
    from transformers import AutoModelForCausalLM

    from agent.llm.model_files import (PACKAGED_PROBE_PIECES, check_gguf_tokenizer, packaged_gemma_tokenizer,
                                       resolve_model_source)

    folder = resolve_model_source(base)
    tokenizer = packaged_gemma_tokenizer(folder)
    # a copy converted by another transformers may cut words into letters (5.17, on a GPU machine)
    check_gguf_tokenizer(tokenizer, Path(folder), PACKAGED_PROBE_PIECES)
    model = AutoModelForCausalLM.from_pretrained(folder, dtype=torch.float32, local_files_only=True)
    return model, tokenizer


def learned(window: list[Exchange]) -> list[bool]:
    """Which replies of a window the model learns to write: not the supporter's self-disclosures
    ("I went through the same last year"), the very thing a listener must not invent; they stay in
    the conversation as what was said."""
    return [x.strategy not in UNLEARNED_STRATEGIES for x in window]


def encode(texts: list[str], tokenizer, persona: Persona, max_tokens: int,
           learn: list[list[bool]] | None = None) -> list[tuple[list[int], list[bool]]]:
    """Token ids of each text and which of them are reply tokens to be predicted (of the replies
    `learn` marks; default all); texts longer than `max_tokens` lose their oldest tokens after the first."""
    out = []
    for n, text in enumerate(texts):
        enc = tokenizer(text, return_offsets_mapping=True)
        spans = reply_spans(text, persona)
        if learn is not None:
            spans = [span for span, keep in zip(spans, learn[n]) if keep]
        target = [any(a < e and b > s for s, e in spans) for a, b in enc["offset_mapping"]]
        ids = list(enc["input_ids"])
        if len(ids) > max_tokens:
            cut = len(ids) - max_tokens + 1
            ids, target = ids[:1] + ids[1 + cut:], target[:1] + target[1 + cut:]
        out.append((ids, target))
    return out


class ReplyLoss:
    """Cross-entropy of the reply tokens over the listed vocabulary only."""

    def __init__(self, model, ids: list[int]):
        self.rows = model.get_output_embeddings().weight.detach()[torch.tensor(ids)]
        self.position = torch.full((model.get_output_embeddings().weight.shape[0],), -100, dtype=torch.long)
        self.position[torch.tensor(ids)] = torch.arange(len(ids))

    def to(self, device: str) -> "ReplyLoss":
        self.rows, self.position = self.rows.to(device), self.position.to(device)
        return self

    def __call__(self, inner, input_ids, attention_mask, target) -> tuple[torch.Tensor, int]:
        hidden = inner(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        chosen = target[:, 1:]
        states = hidden[:, :-1][chosen]
        labels = self.position[input_ids[:, 1:][chosen]]
        logits = states @ self.rows.T
        return torch.nn.functional.cross_entropy(logits, labels, ignore_index=-100), int((labels >= 0).sum())


def batch_of(items: list[tuple[list[int], list[bool]]], pad: int, device: str = "cpu"):
    width = max(len(ids) for ids, _ in items)
    ids = torch.tensor([i + [pad] * (width - len(i)) for i, _ in items], device=device)
    mask = torch.tensor([[1] * len(i) + [0] * (width - len(i)) for i, _ in items], device=device)
    target = torch.tensor([t + [False] * (width - len(t)) for _, t in items], device=device)
    return ids, mask, target


def with_lora(model, rank: int):
    from peft import LoraConfig, get_peft_model

    config = LoraConfig(r=rank, lora_alpha=2 * rank, lora_dropout=0.05, target_modules=TARGET_MODULES,
                        task_type="CAUSAL_LM")
    return get_peft_model(model, config)


def evaluate(model, loss_fn, items, pad: int, batch_size: int, device: str = "cpu") -> float:
    """Mean per-token loss of the reply tokens of `items`."""
    model.eval()
    total, count = 0.0, 0
    with torch.no_grad():
        for i in range(0, len(items), batch_size):
            loss, n = loss_fn(inner_model(model), *batch_of(items[i:i + batch_size], pad, device))
            total, count = total + float(loss) * n, count + n
    model.train()
    return total / max(count, 1)


def inner_model(model):
    """The decoder stack (hidden states, no output layer) under the peft wrapper."""
    return model.get_base_model().model


def save_checkpoint(path: Path, model, opt, schedule, state: dict) -> None:
    path.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(path / "adapter")
    torch.save({"optimiser": opt.state_dict(), "schedule": schedule.state_dict(), **state}, path / "state.pt")


def training_conversations(data: Path, split: str, labels: Path, written: Path, esconv_share: float,
                           limit: int, self_training: Path | None = None) -> tuple[list, list, list]:
    """ESConv's train conversations, the project's written ones (with the kept self-training
    exchanges), and the validation ones of both."""
    esconv = labelled_conversations(data, split, "train", labels / f"{split}-train.json") if esconv_share else []
    valid = labelled_conversations(data, split, "validation", labels / f"{split}-validation.json")
    written_train = labelled_written(written, "train", labels) if written.is_dir() else []
    if self_training is not None:
        try:
            written_train += labelled_self_training(self_training, labels)
        except ValueError as error:
            raise typer.BadParameter(str(error)) from error
    valid += labelled_written(written, "validation", labels) if written.is_dir() else []
    if limit:
        esconv, written_train, valid = esconv[:limit], written_train[:limit], valid[:max(1, limit // 4)]
    return esconv, written_train, valid


def resume(checkpoint: Path, model, opt, schedule, state: dict, total: int, device: str) -> None:
    """Adapter, optimiser, schedule and step from the last checkpoint, if there is one; a checkpoint
    of another recipe (data, epochs, share, ...) is refused rather than continued."""
    if not (checkpoint / "state.pt").is_file():
        return
    from peft import set_peft_model_state_dict
    from safetensors.torch import load_file

    saved = torch.load(checkpoint / "state.pt", weights_only=False, map_location=device)
    if saved.get("recipe") != state["recipe"]:
        raise typer.BadParameter(f"the checkpoint in {checkpoint} is of another recipe ({saved.get('recipe')}); "
                                 "give another --checkpoint folder or delete it")
    set_peft_model_state_dict(model, load_file(str(checkpoint / "adapter" / "adapter_model.safetensors"),
                                               device=device))
    opt.load_state_dict(saved.pop("optimiser"))
    schedule.load_state_dict(saved.pop("schedule"))
    state.update(saved)
    console.print(f"resumed at step {state['step']} of {total}")


def epoch_windows(run: dict, epoch: int) -> tuple[list[list[Exchange]], random.Random]:
    """The epoch's windows: every written conversation and the epoch's draw of ESConv's, cut (the
    first cut at a random place), and the generator that goes on to order them."""
    rng = random.Random(run["seed"] * 1000 + epoch)
    conversations = run["written"] + rng.sample(run["esconv"], run["drawn"])
    return windows(conversations, run["window"], rng), rng


def epoch_steps(run: dict, epochs: int) -> list[int]:
    """How many batches each epoch has (every window of it, once)."""
    return [math.ceil(len(epoch_windows(run, e)[0]) / run["batch_size"]) for e in range(epochs)]


def epoch_batches(run: dict, epoch: int) -> tuple[list, list[list[int]]]:
    """One epoch's encoded windows and their batches (similar lengths together, in random order)."""
    cut, rng = epoch_windows(run, epoch)
    items = encode([prompt_text(w, run["persona"]) for w in cut], run["tokenizer"], run["persona"],
                   run["max_tokens"], [learned(w) for w in cut])
    order = sorted(range(len(items)), key=lambda i: len(items[i][0]) + rng.random() * 40)
    batches = [order[i:i + run["batch_size"]] for i in range(0, len(order), run["batch_size"])]
    rng.shuffle(batches)
    return items, batches


def train_step(model, loss_fn, opt, schedule, batch, bf16: bool) -> str:
    """One optimiser step on one batch; what the progress bar shows."""
    started = time.perf_counter()
    ids, mask, target = batch
    with torch.autocast(ids.device.type, dtype=torch.bfloat16, enabled=bf16):
        loss, _ = loss_fn(inner_model(model), ids, mask, target)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    opt.step(), schedule.step(), opt.zero_grad()
    tokens_per_s = int(mask.sum()) / (time.perf_counter() - started)
    return f"loss {float(loss.detach()):.3f} · {tokens_per_s:.0f} tok/s"


def train_epochs(model, loss_fn, opt, schedule, run: dict, state: dict, steps: list[int], valid_items) -> None:
    """Train from `state["step"]` to the end, each epoch over all its batches, checkpointing as it goes."""
    starts = [sum(steps[:e]) for e in range(len(steps))]
    total, device, pad = sum(steps), run["device"], run["pad"]
    with progress() as bar:
        task = bar.add_task("training", total=total, completed=state["step"], info="")
        while state["step"] < total:
            epoch = max(e for e in range(len(steps)) if starts[e] <= state["step"])
            items, batches = epoch_batches(run, epoch)
            for batch in batches[state["step"] - starts[epoch]:]:
                info = train_step(model, loss_fn, opt, schedule, batch_of([items[i] for i in batch], pad, device),
                                  run["bf16"])
                state["step"] += 1
                bar.update(task, advance=1, info=info)
                if not console.is_terminal and state["step"] % 10 == 0:  # a log file gets a line
                    console.print(f"step {state['step']}/{total}: {info}")
                if state["step"] % run["save_every"] == 0:
                    save_checkpoint(run["checkpoint"], model, opt, schedule, state)
            state["history"].append({"step": state["step"], "epoch": epoch + 1, "valid_loss": evaluate(
                model, loss_fn, valid_items, pad, run["batch_size"], device)})
            console.print(f"epoch {epoch + 1}: validation reply loss {state['history'][-1]['valid_loss']:.3f}")
            save_checkpoint(run["checkpoint"], model, opt, schedule, state)


def main(data: Path = typer.Option(DEFAULT_DATA, help="the shared data folder"),
         split: str = typer.Option("dev", help="ESConv file: DIR/text/esconv/SPLIT_with_strategy.tsv"),
         out: Path = typer.Option(PACKAGED_ADAPTER_DIR, help="where the finished adapter goes"),
         checkpoint: Path = typer.Option(Path("~/.cache/empathica/reply-model").expanduser()),
         labels: Path = typer.Option(Path("~/.cache/empathica/reply-labels").expanduser(),
                                     help="where the labelled conversations are kept"),
         epochs: int = 2, rank: int = 16, lr: float = 2e-4, batch_size: int = 4,
         window: int = 4, max_tokens: int = 640, save_every: int = 50, threads: int = 2,
         seed: int = 0, bf16: bool = typer.Option(True, help="bf16 autocast (about twice as fast on a CPU "
                                                                 "with avx512_bf16; the adapter stays fp32)"),
         written: Path = typer.Option(WRITTEN, help="the project's written conversations (*.jsonl)"),
         esconv_share: float = typer.Option(0.25, min=0.0, max=1.0, help="the share of ESConv's train "
                                            "conversations drawn each epoch (0: written conversations only)"),
         self_training: Optional[Path] = typer.Option(None, exists=True, dir_okay=False, help="the agent's own "
                                                      "kept answers (`training.sample_self_training`), "
                                                      "trained on with the written conversations"),
         device: str = typer.Option("cpu", help="cpu, or cuda where there is a GPU"),
         base: str = typer.Option(PACKAGED_GEMMA, help="the base model: the packaged Gemma, or a copy "
                                                       "of it (folder or .gguf file) on another machine"),
         limit: int = typer.Option(0, help="only the first N conversations (smoke tests)")) -> None:
    torch.set_num_threads(threads)
    seed_everything(seed)
    esconv, written_train, valid = training_conversations(data, split, labels, written, esconv_share, limit,
                                                          self_training)
    model, tokenizer = load_base(base)
    listed = shortlist_for(tokenizer, "auto")
    if listed is None:
        raise typer.BadParameter("no packaged vocabulary list fits this tokenizer")
    loss_fn = ReplyLoss(model, listed[0]).to(device)
    model = with_lora(model.to(device), rank)
    recipe = dict(rank=rank, lr=lr, epochs=epochs, window=window, split=split, batch_size=batch_size,
                  max_tokens=max_tokens, seed=seed, esconv_share=esconv_share, bf16=bf16,
                  written_train_conversations=len(written_train), esconv_train_conversations=len(esconv),
                  **({"self_training": {"file": self_training.name, "sha256": self_training_digest(self_training),
                                        "kept": len(self_training_conversations(self_training))}}
                     if self_training else {}))
    run = dict(persona=Persona(), tokenizer=tokenizer, window=window, max_tokens=max_tokens, batch_size=batch_size,
               seed=seed, written=written_train, esconv=esconv, drawn=round(esconv_share * len(esconv)),
               device=device, pad=tokenizer.pad_token_id or 0, bf16=bf16, save_every=save_every,
               checkpoint=checkpoint)
    valid_windows = windows(valid, window, None)
    valid_items = encode([prompt_text(w, run["persona"]) for w in valid_windows], tokenizer, run["persona"],
                         max_tokens, [learned(w) for w in valid_windows])
    steps = epoch_steps(run, epochs)
    opt = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=lr, weight_decay=0.0)
    from transformers import get_linear_schedule_with_warmup

    schedule = get_linear_schedule_with_warmup(opt, max(1, sum(steps) // 20), sum(steps))
    state = {"step": 0, "history": [], "recipe": recipe}
    resume(checkpoint, model, opt, schedule, state, sum(steps), device)
    if not state["history"]:
        state["history"].append({"step": 0, "valid_loss": evaluate(model, loss_fn, valid_items, run["pad"],
                                                                   batch_size, device)})
        console.print(f"base model: validation reply loss {state['history'][-1]['valid_loss']:.3f}")
    model.train()
    train_epochs(model, loss_fn, opt, schedule, run, state, steps, valid_items)
    write_adapter(model, out, state, {**recipe, "device": device, "base": base})


def write_adapter(model, out: Path, state: dict, recipe: dict) -> None:
    """The adapter in fp16 with what the agent needs to know to use it (`ADAPTER_INFO`)."""
    from peft import get_peft_model_state_dict
    from safetensors.torch import save_file

    out.mkdir(parents=True, exist_ok=True)
    weights = {k: v.to(torch.float16).contiguous() for k, v in get_peft_model_state_dict(model).items()}
    save_file(weights, str(out / "adapter_model.safetensors"))
    model.peft_config["default"].save_pretrained(str(out))
    config = json.loads((out / "adapter_config.json").read_text(encoding="utf-8"))
    config.update(base_model_name_or_path=None, inference_mode=True)  # no path of this machine in it
    (out / "adapter_config.json").write_text(json.dumps(config, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    info = {"base": "packaged:gemma-3-270m", "prompt": "transcript", "examples": False,
            "recipe": recipe, "validation_reply_loss": state["history"]}
    (out / ADAPTER_INFO).write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    console.print(f"adapter written to {out}")


if __name__ == "__main__":
    typer.run(main)
