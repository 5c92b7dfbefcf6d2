"""A second reader of risk for the messages the crisis classifier flags or nearly flags: the packaged
Gemma 3 270M (the body only, no output layer) with LoRA adapters merged into its weights and a
one-logit head on its last hidden states, mean-pooled over the message's tokens
(`training/train_crisis_verifier.py`; model card in `perception/models/crisis/verifier/`).

It reads the message after the user's recent messages, as a prompt:

    Earlier messages: <oldest> | ... | <most recent>
    Message: <the message>

MiniLM learned words ("both feet on the board", "off to bed", "I don't know what I'll do on Monday")
that also fill everyday messages; a model fifteen times its size flagged far fewer of the project's
everyday conversation turns (`docs/RESULTS.md`, "A Gemma verifier"; not shipped yet). Its time (a
forward pass of 270M parameters) is spent only where the classifier scores high enough for the
combined score to reach a decision (`perception.crisis.CrisisDetector.verified`), about a quarter of
everyday messages.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from perception.adapted_encoder import merge_lora
from perception.dialogue_head import LogitCache
from perception.loading import ModelLoadError

VERIFIER_CONFIG = "model.json"
VERIFIER_WEIGHTS = "adapter.safetensors"
#: A message longer than this many tokens is cut; earlier messages keep their last this many.
MAX_MESSAGE_TOKENS = 96
MAX_EARLIER_TOKENS = 160


def verifier_prompt(earlier: list[str], context_turns: int) -> str:
    """The text before the message: the user's last `context_turns` earlier messages, oldest first."""
    kept = [t.strip() for t in earlier if t.strip()]
    recent = " | ".join(kept[-context_turns:]) if context_turns else ""
    return (f"Earlier messages: {recent}\n" if recent else "") + "Message: "


def encode_message(tokenizer, text: str, earlier: list[str], context_turns: int) -> tuple[list[int], int]:
    """Token ids of the prompt and the message (training and reading alike), and how many of them are
    the message's."""
    head = tokenizer(verifier_prompt(earlier, context_turns))["input_ids"][-MAX_EARLIER_TOKENS:]
    message = tokenizer(text, add_special_tokens=False)["input_ids"][:MAX_MESSAGE_TOKENS]
    return head + (message or tokenizer(" ", add_special_tokens=False)["input_ids"]), max(len(message), 1)


def left_padded(encodings: list[tuple[list[int], int]]):
    """Input ids, attention mask and the message's pooling mask of a batch, padded on the left (the
    message ends every row)."""
    import torch

    longest = max(len(ids) for ids, _ in encodings)
    ids = torch.zeros((len(encodings), longest), dtype=torch.long)
    attention = torch.zeros_like(ids)
    pooled = torch.zeros((len(encodings), longest))
    for row, (seq, message) in enumerate(encodings):
        ids[row, longest - len(seq):] = torch.tensor(seq)
        attention[row, longest - len(seq):] = 1
        pooled[row, longest - message:] = 1
    return ids, attention, pooled


def pooled_logits(body, head, ids, attention, pooled):
    """The head's risk logit on the body's last hidden states, averaged over the message's tokens."""
    hidden = body(input_ids=ids, attention_mask=attention).last_hidden_state
    weights = pooled[..., None]
    return head((hidden * weights).sum(1) / weights.sum(1)).squeeze(-1)


class CrisisVerifier:
    """The Gemma reader; `scores(texts, earlier)` gives risk probabilities. Loaded once per process
    by `CrisisDetector` (which holds it)."""

    def __init__(self, folder: Path, base: str, device: str = "cpu"):
        import torch
        from safetensors.torch import load_file
        from transformers import AutoModel, AutoTokenizer

        try:
            settings = json.loads((folder / VERIFIER_CONFIG).read_text())
            weights = load_file(str(folder / VERIFIER_WEIGHTS))
            lora = {"r": int(settings["rank"]), "lora_alpha": float(settings["lora_alpha"])}
            self.context_turns = int(settings["context_turns"])
        except (OSError, ValueError, KeyError) as exc:
            raise ModelLoadError(f"{folder} is not a crisis verifier folder (as training.train_crisis_verifier "
                                 f"writes it): {exc}") from exc
        try:
            self.tokenizer = AutoTokenizer.from_pretrained(base, local_files_only=True)
            self.model = AutoModel.from_pretrained(base, dtype=torch.float32, local_files_only=True)
        except (OSError, ValueError) as exc:
            raise ModelLoadError(f"the crisis verifier's base model {base} cannot be loaded: {exc}") from exc
        kind = settings.get("model_type")
        if kind and kind != self.model.config.model_type:
            raise ModelLoadError(f"{folder} adapts a {kind} model, and {base} is a {self.model.config.model_type}")
        try:
            merge_lora(self.model, {k: v for k, v in weights.items() if ".lora_" in k}, lora)
            self.head = torch.nn.Linear(weights["head.weight"].shape[1], 1)
            self.head.load_state_dict({"weight": weights["head.weight"], "bias": weights["head.bias"]})
        except (KeyError, ValueError, RuntimeError) as exc:
            raise ModelLoadError(f"{folder / VERIFIER_WEIGHTS} does not fit the base model {base}: {exc}") from exc
        self.model.to(device).eval()
        self.head.to(device).eval()
        self.device = device
        self._scores = LogitCache(size=1024)  # by digest: no words are kept

    def _probabilities(self, encodings: list[tuple[list[int], int]]) -> list[float]:
        import torch

        batch = [t.to(self.device) for t in left_padded(encodings)]
        with torch.inference_mode():
            logits = pooled_logits(self.model, self.head, *batch)
        return torch.sigmoid(logits.float()).cpu().tolist()

    def scores(self, texts: list[str], earlier: list[list[str]]) -> np.ndarray:
        """Risk probabilities of messages, each read after its earlier messages (oldest first)."""
        encodings = [encode_message(self.tokenizer, t, e, self.context_turns) for t, e in zip(texts, earlier)]
        keys = [LogitCache.key(repr(ids)) for ids, _ in encodings]
        found = self._scores.lookup(keys, lambda idx: self._probabilities([encodings[i] for i in idx]))
        return np.array(found, dtype=np.float32)
