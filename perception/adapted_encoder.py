"""The packaged MiniLM encoder with LoRA adapters and small task heads: the project's trained models.

One file format for every model trained here (text emotion, emotion causes): a folder with
`model.json` (what the model is: base encoder, LoRA settings, heads, labels, calibration) and
`adapter.safetensors` (only the LoRA matrices and the heads, a few MB). Loading rebuilds the base
encoder, puts the adapters in, and merges them into the weights, so inference costs exactly what the
plain encoder costs. Training (`training/`) builds the same module with `AdaptedEncoder.new`.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

import torch
from torch import nn

from perception.loading import ModelLoadError

# peft 0.21 still calls a transformers API that transformers 5 renamed; harmless, and not ours to fix
warnings.filterwarnings("ignore", message="`is_gradient_checkpointing` is deprecated", category=FutureWarning)

CONFIG_FILE = "model.json"
WEIGHTS_FILE = "adapter.safetensors"
#: Every linear layer of a BERT block: attention q/k/v/out and the feed-forward in/out.
BERT_LINEAR_LAYERS = ["query", "key", "value", "dense"]


def mean_pool(hidden: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    m = mask.unsqueeze(-1).to(hidden.dtype)
    return (hidden * m).sum(1) / m.sum(1).clamp(min=1e-9)


def pad_batch(encodings: list[dict[str, list[int]]], pad_id: int = 0) -> dict[str, torch.Tensor]:
    """Pad tokenizer outputs (lists of ids) into a batch of tensors."""
    width = max(len(e["input_ids"]) for e in encodings)
    out = {}
    for key in ("input_ids", "attention_mask", "token_type_ids"):
        fill = pad_id if key == "input_ids" else 0
        out[key] = torch.tensor([e[key] + [fill] * (width - len(e[key])) for e in encodings])
    return out


def head_logits(encodings: list[dict[str, list[int]]], head: str, model: "AdaptedEncoder | None", runner=None,
                device: str = "cpu", batch_size: int = 64) -> "np.ndarray":
    """`head`'s logits (n, outputs) for tokenizer inputs, batched by length (little padding): on `runner` (an
    `perception.onnx_runner.OnnxHead`) where given, else on the torch `model`."""
    import numpy as np

    out: np.ndarray | None = None
    order = np.argsort([len(e["input_ids"]) for e in encodings])
    for i in range(0, len(order), batch_size):
        idx = order[i:i + batch_size]
        batch = {k: v.to(device) for k, v in pad_batch([encodings[k] for k in idx]).items()}
        if runner is not None:
            logits = runner.run(batch)
        else:
            with torch.inference_mode():
                logits = model.classify(batch, head).float().cpu().numpy()
        if out is None:
            out = np.zeros((len(encodings), logits.shape[1]), dtype=np.float32)
        out[idx] = logits
    return out if out is not None else np.zeros((0, 0), dtype=np.float32)


class AdaptedEncoder(nn.Module):
    """`encoder` (a transformers BERT model, LoRA-wrapped while training) + `heads` (name -> Linear)."""

    def __init__(self, encoder: nn.Module, heads: dict[str, int], config: dict[str, Any],
                 dropout: float = 0.1):
        super().__init__()
        self.encoder = encoder
        self.config = config
        hidden = encoder.config.hidden_size
        self.heads = nn.ModuleDict({name: nn.Linear(hidden, size) for name, size in heads.items()})
        self.dropout = nn.Dropout(dropout)

    @classmethod
    def new(cls, base_path: str, heads: dict[str, int], config: dict[str, Any],
            rank: int = 16, alpha: int = 32, lora_dropout: float = 0.05) -> "AdaptedEncoder":
        """A fresh model for training: LoRA adapters on every linear layer of `base_path`."""
        from peft import LoraConfig, get_peft_model
        from transformers import AutoModel

        lora = {"r": rank, "lora_alpha": alpha, "lora_dropout": lora_dropout,
                "target_modules": BERT_LINEAR_LAYERS}
        encoder = get_peft_model(AutoModel.from_pretrained(base_path), LoraConfig(**lora))
        return cls(encoder, heads, {**config, "lora": lora, "heads": heads})

    def hidden_states(self, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        keys = ("input_ids", "attention_mask", "token_type_ids")
        return self.encoder(**{k: batch[k] for k in keys if k in batch}).last_hidden_state

    def pooled(self, hidden: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """The mean-pooled sequence (dropout only while training)."""
        return self.dropout(mean_pool(hidden, mask))

    def features(self, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        """The mean-pooled sequence, or its first segment only when the model's config says
        `"pool": "first_segment"` (the second segment is context: attention reads it, but it does
        not dilute the pooled vector)."""
        mask = batch["attention_mask"]
        if self.config.get("pool") == "first_segment":
            mask = mask * (batch["token_type_ids"] == 0)
        return self.pooled(self.hidden_states(batch), mask)

    def classify(self, batch: dict[str, torch.Tensor], head: str) -> torch.Tensor:
        """Logits of `head` over `features(batch)`."""
        return self.heads[head](self.features(batch))

    def trainable_state(self) -> dict[str, torch.Tensor]:
        """What the weights file holds: the LoRA matrices and the heads."""
        from peft import get_peft_model_state_dict

        state = {f"lora.{k}": v for k, v in get_peft_model_state_dict(self.encoder).items()}
        state.update({f"heads.{k}": v for k, v in self.heads.state_dict().items()})
        return {k: v.detach().contiguous().cpu() for k, v in state.items()}

    def save(self, folder: str | Path, **extra: Any) -> None:
        from safetensors.torch import save_file

        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        self.config.update(extra)
        save_file(self.trainable_state(), str(folder / WEIGHTS_FILE))
        (folder / CONFIG_FILE).write_text(json.dumps(self.config, indent=2) + "\n")

    @classmethod
    def load(cls, folder: str | Path, base_path: str, device: str = "cpu") -> "AdaptedEncoder":
        """The trained model in `folder` on the encoder at `base_path`, adapters merged, for inference."""
        from safetensors import SafetensorError
        from safetensors.torch import load_file
        from transformers import AutoModel

        folder = Path(folder)
        try:
            config = json.loads((folder / CONFIG_FILE).read_text())
            state = load_file(str(folder / WEIGHTS_FILE))
            encoder = AutoModel.from_pretrained(base_path)
            merge_lora(encoder, {k[len("lora."):]: v for k, v in state.items() if k.startswith("lora.")},
                       config["lora"])
        except (OSError, ValueError, KeyError, SafetensorError) as exc:
            raise ModelLoadError(f"cannot load the trained model in {folder}: {exc}") from exc
        model = cls(encoder, config["heads"], config)
        model.heads.load_state_dict({k[len("heads."):]: v for k, v in state.items()
                                     if k.startswith("heads.")})
        if device.startswith("cuda"):
            model = model.half()
        return model.to(device).eval()


def lora_pairs(model: nn.Module, lora: dict[str, torch.Tensor]) -> list[tuple[nn.Linear, torch.Tensor, torch.Tensor]]:
    """Each adapted Linear layer of `model` with its `lora_A` (down) and `lora_B` (up) weights, in name
    order. `lora`: peft's saved state (`base_model.model.<layer>.lora_A.weight` / `lora_B.weight`);
    ValueError where they are not plain pairs or do not fit `model`'s layers."""
    layers = dict(model.named_modules())
    pairs = {k[: -len(".lora_A.weight")] for k in lora if k.endswith(".lora_A.weight")}
    if not pairs or len(lora) != 2 * len(pairs):
        raise ValueError(f"the adapter weights are not plain LoRA pairs ({len(lora)} tensors)")
    found = []
    for name in sorted(pairs):
        layer = layers.get(name.removeprefix("base_model.model."))
        down, up = lora[f"{name}.lora_A.weight"], lora[f"{name}.lora_B.weight"]
        if not isinstance(layer, nn.Linear) or (up.shape[0], down.shape[1]) != tuple(layer.weight.shape):
            raise ValueError(f"the adapter {name} does not fit the model")
        found.append((layer, down, up))
    return found


def merge_lora(encoder: nn.Module, lora: dict[str, torch.Tensor], settings: dict[str, Any]) -> None:
    """Add each adapter's update, `lora_B @ lora_A * alpha / r`, to its linear layer's weight: what
    peft's `merge_and_unload` does for plain LoRA, without importing peft (~1.8 s) at start-up.
    `lora`: peft's saved state (`lora_pairs`)."""
    scale = settings["lora_alpha"] / settings["r"]
    with torch.no_grad():
        for layer, down, up in lora_pairs(encoder, lora):
            layer.weight += (up @ down).to(layer.weight.dtype) * scale
