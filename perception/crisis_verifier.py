"""A second reader of risk for the messages the crisis classifier flags or nearly flags: the packaged
Gemma 3 270M (the body only, no output layer) with LoRA adapters on its attention and a one-logit
head on its last hidden states, mean-pooled over the message's tokens
(`training/train_crisis_verifier.py`; shipped in `perception/models/crisis/verifier/`, model card
`perception/models/crisis/MODEL_CARD.md`). It reads through the agent's own LLM where that is the
packaged Gemma (`VerifierBody`: its adapters added beside the LLM's layers, the LLM's reply adapter
taken off, on the reading thread only: no second Gemma in memory), else on a Gemma of its own with
the adapters merged into its weights.

It reads the message after the user's recent messages, as a prompt:

    Earlier messages: <oldest> | ... | <most recent>
    Message: <the message>

MiniLM learned words ("both feet on the board", "off to bed", "I don't know what I'll do on Monday")
that also fill everyday messages; a model fifteen times its size flagged far fewer of the project's
everyday conversation turns (`docs/RESULTS.md`, "A Gemma verifier"). Its time (a forward pass of
270M parameters) is spent only where the classifier scores high enough for the combined score to
reach a decision (`perception.crisis.CrisisDetector.verified`), about a quarter of everyday messages.
"""

from __future__ import annotations

import json
import threading
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from perception.adapted_encoder import lora_pairs, merge_lora
from perception.dialogue_head import LogitCache
from perception.loading import ModelLoadError

VERIFIER_CONFIG = "model.json"
VERIFIER_WEIGHTS = "adapter.safetensors"
#: A message longer than this many tokens is cut; earlier messages keep their last this many.
MAX_MESSAGE_TOKENS = 96
MAX_EARLIER_TOKENS = 160


@dataclass(frozen=True)
class VerifierBody:
    """The Gemma the verifier reads with: `model`, a loaded causal LM to share (the agent's LLM, whose
    weights hold `adapter` already and stay as they are; `tokenizer`, its tokenizer, where it gives the
    ids of the one in `base`), or else the model folder `base` loaded for the verifier alone, with the
    reply-model LoRA folder `adapter` merged in first where the verifier was trained on it (model.json's
    `llm_adapter`)."""

    base: str | None = None
    adapter: Path | None = None
    model: object | None = None
    tokenizer: object | None = None

    @classmethod
    def of(cls, body: "VerifierBody | str") -> "VerifierBody":
        return body if isinstance(body, VerifierBody) else cls(base=str(body))

    def key(self) -> str:
        """Which body this is, for the process's shared models."""
        return f"shared:{id(self.model)}" if self.model is not None else f"{self.base}+{self.adapter}"


def adapter_digest(folder: Path) -> str:
    """A short digest of a LoRA adapter's weights (`adapter_model.safetensors`): which reply-model
    adapter a verifier's body had merged in when it was trained."""
    import hashlib

    return hashlib.sha256((Path(folder) / "adapter_model.safetensors").read_bytes()).hexdigest()[:16]


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


class LoraBeside:
    """LoRA updates added beside shared Linear layers (forward hooks), only on a thread inside
    `reading()`: the verifier reads through the agent's LLM with its adapters (and, where it was
    trained on the plain Gemma, the LLM's own reply adapter taken off again) while the LLM, generating
    on another thread, sees its own weights as they are."""

    def __init__(self):
        self._on = threading.local()
        self._hooks = []

    def add(self, model, lora: dict, settings: dict, sign: float = 1.0) -> None:
        """Each adapter of `lora` (peft's saved layout, names under `model`) times `sign` beside its layer."""
        scale = sign * settings["lora_alpha"] / settings["r"]
        for layer, down, up in lora_pairs(model, lora):
            down, up = (t.to(layer.weight.device, layer.weight.dtype) for t in (down, up))
            self._hooks.append(layer.register_forward_hook(self._hook(down, up * scale)))

    def _hook(self, down, up):
        def add_update(layer, inputs, output):
            if getattr(self._on, "reading", False):
                return output + (inputs[0] @ down.T) @ up.T
            return None
        return add_update

    @contextmanager
    def reading(self):
        self._on.reading = True
        try:
            yield
        finally:
            self._on.reading = False


def _lora_settings(config: dict) -> dict:
    return {"r": int(config["r"] if "r" in config else config["rank"]), "lora_alpha": float(config["lora_alpha"])}


class CrisisVerifier:
    """The Gemma reader; `scores(texts, earlier)` gives risk probabilities. Loaded once per process
    by `CrisisDetector` (which holds it)."""

    def __init__(self, folder: Path, body: VerifierBody | str, device: str = "cpu"):
        """`body`: the Gemma to read with (`VerifierBody`; a model folder alone is its `base`)."""
        import torch
        from safetensors.torch import load_file

        body = VerifierBody.of(body)
        try:
            settings = json.loads((folder / VERIFIER_CONFIG).read_text())
            weights = load_file(str(folder / VERIFIER_WEIGHTS))
            lora = _lora_settings(settings)
            self.context_turns = int(settings["context_turns"])
        except (OSError, ValueError, KeyError) as exc:
            raise ModelLoadError(f"{folder} is not a crisis verifier folder (as training.train_crisis_verifier "
                                 f"writes it): {exc}") from exc
        trained_on, given = settings.get("llm_adapter"), adapter_digest(body.adapter) if body.adapter else None
        undo = trained_on is None and given is not None and body.model is not None  # (taken off beside)
        if trained_on != given and not undo:
            raise ModelLoadError(f"{folder} was trained on a Gemma with the reply adapter {trained_on or 'none'} "
                                 f"merged in, and is given one with {given or 'none'}")
        language_model = body.model if body.model is not None else _load_language_model(body, device)
        self.tokenizer, self.model = _tokenizer_of(body, language_model), language_model.model
        kind = settings.get("model_type")
        if kind and kind != self.model.config.model_type:
            raise ModelLoadError(f"{folder} adapts a {kind} model, and the one given is a {self.model.config.model_type}")
        adapters = {k: v for k, v in weights.items() if ".lora_" in k}
        try:
            self.beside = LoraBeside() if body.model is not None else None
            if self.beside is None:
                merge_lora(self.model, adapters, lora)
            else:
                self.beside.add(self.model, adapters, lora)
                if undo:
                    self.beside.add(language_model, *_adapter_files(body.adapter), sign=-1.0)
            self.head = torch.nn.Linear(weights["head.weight"].shape[1], 1)
            self.head.load_state_dict({"weight": weights["head.weight"], "bias": weights["head.bias"]})
        except (KeyError, ValueError, RuntimeError) as exc:
            raise ModelLoadError(f"{folder / VERIFIER_WEIGHTS} does not fit the model it is given: {exc}") from exc
        self.device = str(next(self.model.parameters()).device)
        self.head.to(self.device, next(self.model.parameters()).dtype).eval()
        self._scores = LogitCache(size=1024)  # by digest: no words are kept

    def _probabilities(self, encodings: list[tuple[list[int], int]]) -> list[float]:
        import torch

        ids, attention, pooled = (t.to(self.device) for t in left_padded(encodings))
        pooled = pooled.to(self.head.weight.dtype)
        with torch.inference_mode(), (self.beside.reading() if self.beside else nullcontext()):
            logits = pooled_logits(self.model, self.head, ids, attention, pooled)
        return torch.sigmoid(logits.float()).cpu().tolist()

    def reads_whole(self, text: str) -> bool:
        """Whether `text` fits the verifier's reading (`MAX_MESSAGE_TOKENS`): a longer message is cut, and
        what the verifier did not read it cannot vouch for."""
        return len(self.tokenizer(text, add_special_tokens=False)["input_ids"]) <= MAX_MESSAGE_TOKENS

    def scores(self, texts: list[str], earlier: list[list[str]]) -> np.ndarray:
        """Risk probabilities of messages, each read after its earlier messages (oldest first)."""
        encodings = [encode_message(self.tokenizer, t, e, self.context_turns) for t, e in zip(texts, earlier)]
        keys = [LogitCache.key(repr(ids)) for ids, _ in encodings]
        found = self._scores.lookup(keys, lambda idx: self._probabilities([encodings[i] for i in idx]))
        return np.array(found, dtype=np.float32)


def _adapter_files(folder: Path) -> tuple[dict, dict]:
    """A reply-model LoRA folder's weights and settings (peft's `adapter_model.safetensors` and
    `adapter_config.json`)."""
    from safetensors.torch import load_file

    config = json.loads((Path(folder) / "adapter_config.json").read_text())
    return load_file(str(Path(folder) / "adapter_model.safetensors")), _lora_settings(config)


def _load_language_model(body: VerifierBody, device: str):
    """The causal LM in `body.base` (fp32), with the reply adapter `body.adapter` merged in, for the
    verifier alone."""
    import torch
    from transformers import AutoModelForCausalLM

    try:
        model = AutoModelForCausalLM.from_pretrained(body.base, dtype=torch.float32, local_files_only=True)
    except (OSError, ValueError, TypeError) as exc:
        raise ModelLoadError(f"the crisis verifier's base model {body.base} cannot be loaded: {exc}") from exc
    if body.adapter is not None:
        try:
            merge_lora(model, *_adapter_files(body.adapter))
        except (OSError, ValueError, KeyError) as exc:
            raise ModelLoadError(f"cannot merge the reply adapter {body.adapter} for the crisis verifier: {exc}") from exc
    return model.to(device).eval()


def _tokenizer_of(body: VerifierBody, model):
    from transformers import AutoTokenizer

    if body.tokenizer is not None:
        return body.tokenizer
    source = body.base or getattr(model, "name_or_path", None)
    try:
        return AutoTokenizer.from_pretrained(source, local_files_only=True)
    except (OSError, ValueError, TypeError) as exc:
        raise ModelLoadError(f"the crisis verifier's tokenizer ({source}) cannot be loaded: {exc}") from exc
