"""Cheaper output layers for decoding on a CPU, where the output layer is the largest read of every
generated token (the packaged Gemma 3: 262,144 words x 640, 23 ms of each ~50 ms token).

* A vocabulary shortlist (`ShortlistOutputLayer`): logits only for the tokens of a list and of the
  prompt (so names and rare words the person used can be said back), every other token -inf, so it
  is never chosen. The packaged list for Gemma 3 (`vocabularies/`, built by
  `python -m training.build_llm_vocabulary`) holds the 66k tokens English conversation uses (the
  training corpora, the 30,000 most common English words, the prompts, special and byte tokens):
  the layer then reads a quarter of the rows.
  Chosen by `llm.output_vocabulary`: "auto" uses a packaged list made for the model's tokenizer
  (matched by a fingerprint of its vocabulary), "full" none, or a path to a list.
* `int8_output_layer`: the (full or shortlisted) layer in int8, one scale per row.

Both leave the input embedding (tied to the output layer in Gemma) as it is.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from perception.loading import ModelLoadError

VOCABULARIES = Path(__file__).parent / "vocabularies"


def tokenizer_fingerprint(tokenizer) -> str:
    """A short hash of the tokenizer's size and every 97th token: which ids a list's numbers mean."""
    size = len(tokenizer)
    sample = tokenizer.convert_ids_to_tokens(list(range(0, size, 97)))
    return hashlib.sha256("\n".join([str(size), *map(str, sample)]).encode()).hexdigest()[:16]


def save_shortlist(path: Path, ids: list[int], tokenizer, **metadata: str) -> None:
    import torch
    from safetensors.torch import save_file

    path.parent.mkdir(parents=True, exist_ok=True)
    save_file({"ids": torch.tensor(sorted(set(ids)), dtype=torch.int32)}, str(path),
              metadata={**metadata, "tokenizer": tokenizer_fingerprint(tokenizer), "size": str(len(set(ids)))})


def read_shortlist(path: Path) -> tuple[list[int], dict[str, str]]:
    from safetensors import safe_open

    try:
        with safe_open(str(path), framework="pt") as f:
            return f.get_tensor("ids").tolist(), dict(f.metadata() or {})
    except Exception as exc:  # noqa: BLE001 - safetensors raises several kinds
        raise ModelLoadError(f"cannot read the vocabulary list {path}: {exc}") from exc


def shortlist_for(tokenizer, choice: str) -> tuple[list[int], Path] | None:
    """The token ids `choice` names for this tokenizer ("auto", "full" or a path), or None: all."""
    if choice == "full":
        return None
    fingerprint = tokenizer_fingerprint(tokenizer)
    if choice == "auto":
        for path in sorted(VOCABULARIES.glob("*.safetensors")):
            ids, meta = read_shortlist(path)
            if meta.get("tokenizer") == fingerprint:
                return ids, path
        return None
    path = Path(choice).expanduser()
    if not path.is_file():
        raise ModelLoadError(f"llm.output_vocabulary: no list at {path} (use auto, full or a file "
                             "written by training.build_llm_vocabulary)")
    ids, meta = read_shortlist(path)
    if meta.get("tokenizer") != fingerprint:
        raise ModelLoadError(f"the vocabulary list {path} was made for another tokenizer "
                             f"({meta.get('tokenizer')}, this model's is {fingerprint})")
    return ids, path


def _shortlist_class():
    import torch

    class ShortlistOutputLayer(torch.nn.Module):
        """Logits for `ids` only (a Linear over their rows), plus those of the tokens `allow` adds
        for one generation (the prompt's own: names and rare words the person used); every other
        token gets -inf."""

        def __init__(self, head: torch.nn.Linear, ids: list[int]):
            super().__init__()
            self.vocab_size = head.out_features
            self.full_weight = head.weight.detach()  # a view (in Gemma, of the input embedding)
            self.register_buffer("ids", torch.tensor(ids, dtype=torch.long, device=head.weight.device))
            self.listed = torch.zeros(self.vocab_size, dtype=torch.bool, device=head.weight.device)
            self.listed[self.ids] = True
            # (made on "meta": no random init of rows that the listed ones replace)
            self.rows = torch.nn.Linear(head.in_features, len(ids), bias=head.bias is not None, device="meta")
            self.rows.weight = torch.nn.Parameter(self.full_weight.index_select(0, self.ids), requires_grad=False)
            if head.bias is not None:
                self.rows.bias = torch.nn.Parameter(head.bias.detach().index_select(0, self.ids), requires_grad=False)
            self.full_bias = head.bias.detach() if head.bias is not None else None
            self.allow(None)

        def allow(self, token_ids) -> None:
            """Also score these tokens (of any shape) until the next call; None: only the list's."""
            extra = torch.zeros(0, dtype=torch.long, device=self.ids.device)
            if token_ids is not None:
                seen = token_ids.reshape(-1).to(self.ids.device).unique()
                extra = seen[(seen >= 0) & (seen < self.vocab_size)]
                extra = extra[~self.listed[extra]]
            self.extra_ids = extra
            self.extra_weight = self.full_weight[extra]
            self.extra_bias = self.full_bias[extra] if self.full_bias is not None else None

        def forward(self, hidden):
            rows = self.rows(hidden)
            logits = rows.new_full((*rows.shape[:-1], self.vocab_size), float("-inf"))
            logits[..., self.ids] = rows
            if len(self.extra_ids):
                logits[..., self.extra_ids] = torch.nn.functional.linear(
                    hidden, self.extra_weight, self.extra_bias).to(logits.dtype)
            return logits

    return ShortlistOutputLayer


def use_shortlist(model, ids: list[int]) -> bool:
    """Put a shortlist output layer in `model` (False, unchanged, when its output layer is not a
    plain Linear or the ids do not fit it)."""
    import torch

    head = model.get_output_embeddings()
    if not isinstance(head, torch.nn.Linear) or not ids or max(ids) >= head.out_features or min(ids) < 0:
        return False
    model.set_output_embeddings(_shortlist_class()(head, ids))
    return True


def int8_output_layer(model) -> bool:
    """Replace the model's output layer (or its shortlist's rows) by an int8 copy (symmetric, one
    scale per output row) that multiplies with dynamically quantised activations; False, leaving
    the model as it was, when this torch cannot. Built row-scale by hand rather than with
    `quantize_dynamic`, whose observers copy the weight several times (+1.7 GB peak for Gemma's
    262k x 640 layer)."""
    import torch

    head = model.get_output_embeddings()
    shortlist = isinstance(getattr(head, "rows", None), torch.nn.Linear)
    linear = head.rows if shortlist else head
    if not isinstance(linear, torch.nn.Linear) or linear.bias is not None:
        return False
    try:
        from torch.ao.nn.quantized.dynamic import Linear as DynamicInt8Linear

        with torch.no_grad():
            weight = linear.weight.detach()
            largest = torch.maximum(weight.amax(dim=1), -weight.amin(dim=1))  # no |weight| copy
            scales = (largest.clamp(min=1e-12) / 127).double()
            qweight = torch.quantize_per_channel(weight, scales, torch.zeros(len(scales), dtype=torch.long),
                                                 0, torch.qint8)
            quantised = DynamicInt8Linear(linear.in_features, linear.out_features, dtype=torch.qint8)
            quantised.set_weight_bias(qweight, None)
    except (ImportError, AttributeError, RuntimeError):
        return False
    if shortlist:
        head.rows = quantised
    else:
        model.set_output_embeddings(quantised)
    return True
