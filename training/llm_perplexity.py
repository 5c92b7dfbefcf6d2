"""How much int8 costs the embedded LLM: perplexity on conversations, fp32 vs quantised variants.

    python -m training.llm_perplexity --data ../shared/data --dialogues 40

Reads the first N dialogues of RECCON-DD valid (`DIR/text/reccon/dailydialog_valid.json`) as
"Person: ... / Sam: ..." transcripts (at most 256 tokens each) and prints the packaged Gemma's
perplexity with the output layer in fp32, in int8 per channel (the default on CPU,
`llm.int8_output_layer`), and with every linear layer in int8 (per tensor and per channel).
"""

from __future__ import annotations

import copy
import json
import math
import warnings
from pathlib import Path

import torch
import typer
from rich.console import Console

from agent.evaluation import DEFAULT_DATA
from agent.llm.transformers_backend import TransformersLLM, TransformersOptions, int8_output_layer
from agent.settings import Settings

console = Console(highlight=False)


def transcripts(data: Path, dialogues: int) -> list[str]:
    raw = json.loads((data / "text" / "reccon" / "dailydialog_valid.json").read_text(encoding="utf-8"))
    texts = []
    for value in list(raw.values())[:dialogues]:
        turns = value[0] if isinstance(value[0], list) else value
        texts.append("\n".join(f"{'Person' if i % 2 == 0 else 'Sam'}: {t['utterance']}"
                               for i, t in enumerate(turns)))
    return texts


def mean_nll(model, tokenizer, texts: list[str]) -> tuple[float, int]:
    total, count = 0.0, 0
    with torch.inference_mode():
        for text in texts:
            ids = tokenizer(text, return_tensors="pt")["input_ids"][:, :256]
            total += model(input_ids=ids, labels=ids).loss.item() * (ids.shape[1] - 1)
            count += ids.shape[1] - 1
    return total / count, count


def main(data: Path = typer.Option(DEFAULT_DATA), dialogues: int = 40) -> None:
    from torch.ao.quantization import per_channel_dynamic_qconfig, quantize_dynamic

    warnings.filterwarnings("ignore", category=DeprecationWarning)
    settings = Settings.load("offline")
    llm = TransformersLLM(TransformersOptions(settings.llm.model, "cpu", settings.cache_dir))
    texts = transcripts(data, dialogues)
    head = copy.deepcopy(llm.model)
    int8_output_layer(head)
    variants = {
        "fp32": llm.model,
        "int8 output layer, per channel (default on CPU)": head,
        "int8 every linear layer, per tensor": quantize_dynamic(copy.deepcopy(llm.model), {torch.nn.Linear}),
        "int8 every linear layer, per channel": quantize_dynamic(
            copy.deepcopy(llm.model), {torch.nn.Linear: per_channel_dynamic_qconfig}),
    }
    for name, model in variants.items():
        nll, tokens = mean_nll(model, llm.tokenizer, texts)
        console.print(f"{name}: perplexity {math.exp(nll):.2f} (mean NLL {nll:.4f} over {tokens} tokens)")


if __name__ == "__main__":
    typer.run(main)
