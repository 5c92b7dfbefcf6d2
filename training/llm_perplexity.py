"""What the cheaper output layers cost the embedded LLM: perplexity on held-out conversations.

    python -m training.llm_perplexity --data ../shared/data --dialogues 40

Reads the first N dialogues of RECCON-DD valid (`DIR/text/reccon/dailydialog_valid.json`) as
"Person: ... / Sam: ..." transcripts (at most 256 tokens each) and prints the packaged Gemma's
perplexity with the full output layer in fp32, with the English shortlist (`llm.output_vocabulary`,
the default), each also in int8 per row (`llm.int8_output_layer`), and with every linear layer in
int8. A shortlisted model gives no probability to tokens outside its list: the share of such tokens
in the text is printed, and perplexities are compared on the tokens inside the list.
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

from agent.evaluation.model_eval import DEFAULT_DATA
from agent.prompt import USER_TAG
from agent.llm.output_layer import int8_output_layer, shortlist_for, use_shortlist
from agent.llm.transformers_backend import TransformersLLM, TransformersOptions
from agent.settings import Settings

console = Console(highlight=False)


def transcripts(data: Path, dialogues: int) -> list[str]:
    raw = json.loads((data / "text" / "reccon" / "dailydialog_valid.json").read_text(encoding="utf-8"))
    texts = []
    for value in list(raw.values())[:dialogues]:
        turns = value[0] if isinstance(value[0], list) else value
        texts.append("\n".join(f"{USER_TAG if i % 2 == 0 else 'Sam'}: {t['utterance']}"
                               for i, t in enumerate(turns)))
    return texts


def token_log_probs(model, tokenizer, texts: list[str]) -> tuple[torch.Tensor, torch.Tensor]:
    """Each next token's log-probability under `model`, and the tokens themselves."""
    scores, targets = [], []
    with torch.inference_mode():
        for text in texts:
            ids = tokenizer(text, return_tensors="pt")["input_ids"][:, :256]
            logits = model(input_ids=ids).logits[0, :-1].float()
            scores.append(torch.log_softmax(logits, dim=-1).gather(1, ids[0, 1:, None])[:, 0])
            targets.append(ids[0, 1:])
    return torch.cat(scores), torch.cat(targets)


def main(data: Path = typer.Option(DEFAULT_DATA), dialogues: int = 40) -> None:
    from torch.ao.quantization import per_channel_dynamic_qconfig, quantize_dynamic

    warnings.filterwarnings("ignore", category=DeprecationWarning)
    settings = Settings.load("offline")
    llm = TransformersLLM(TransformersOptions(settings.llm.model, "cpu", settings.cache_dir,
                                              output_vocabulary="full"))
    texts = transcripts(data, dialogues)
    listed, path = shortlist_for(llm.tokenizer, "auto")

    def variant(shortlist: bool, int8: bool):
        model = copy.deepcopy(llm.model)
        if shortlist:
            use_shortlist(model, listed)
        if int8:
            int8_output_layer(model)
        return model

    variants = {
        "fp32": llm.model,
        "int8 output layer, per row": variant(False, True),
        f"English shortlist ({len(listed):,} tokens, {path.name}; the default)": variant(True, False),
        "English shortlist, int8 per row": variant(True, True),
        "int8 every linear layer, per channel": quantize_dynamic(
            copy.deepcopy(llm.model), {torch.nn.Linear: per_channel_dynamic_qconfig}),
    }
    inside = None
    for name, model in variants.items():
        scores, targets = token_log_probs(model, llm.tokenizer, texts)
        if inside is None:
            inside = torch.isin(targets, torch.tensor(listed))
            console.print(f"{len(targets):,} tokens of {dialogues} RECCON-DD valid dialogues; "
                          f"{(~inside).sum().item()} ({100 * (~inside).float().mean().item():.2f} %) "
                          "are not in the shortlist")
        whole = f"perplexity {math.exp(-scores.mean().item()):.2f}, " if torch.isfinite(scores).all() else ""
        console.print(f"{name}: {whole}on the listed tokens {math.exp(-scores[inside].mean().item()):.2f}")


if __name__ == "__main__":
    typer.run(main)
