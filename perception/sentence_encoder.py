"""Sentence embeddings from the packaged MiniLM (mean pooling + L2 norm, the all-MiniLM-L6-v2 recipe):
the conversation checks' off-topic test (`agent.evaluation.conversations`) and the reply judge (`agent.reply_judge`)."""

from __future__ import annotations

import numpy as np

from perception.defaults import PACKAGED_MINILM
from perception.encoder import resolve_encoder_path
from perception.loading import ModelLoadError, resolve_device, shared_model


class SentenceEncoder:
    """Encodes texts into unit-length vectors. Shared per process: use `SentenceEncoder.load()`."""

    def __init__(self, path: str, device: str = "cpu", max_length: int = 128):
        import torch
        from transformers import AutoModel, AutoTokenizer

        try:
            self.tokenizer = AutoTokenizer.from_pretrained(path)
            dtype = torch.float16 if device.startswith("cuda") else torch.float32
            self.model = AutoModel.from_pretrained(path, dtype=dtype).to(device).eval()
        except (OSError, ValueError) as exc:
            raise ModelLoadError(f"cannot load the sentence encoder from {path}: {exc}") from exc
        self.device = device
        self.max_length = max_length
        self.dim = int(self.model.config.hidden_size)

    @classmethod
    def load(cls, source: str = PACKAGED_MINILM, device: str = "auto") -> "SentenceEncoder":
        device = resolve_device(device)
        path = resolve_encoder_path(source)
        return shared_model("encoder", path, device, lambda: cls(path, device))

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        import torch

        chunks = []
        for i in range(0, len(texts), batch_size):
            batch = self.tokenizer(texts[i:i + batch_size], padding=True, truncation=True,
                                   max_length=self.max_length, return_tensors="pt").to(self.device)
            with torch.inference_mode():
                hidden = self.model(**batch).last_hidden_state.float()
            mask = batch["attention_mask"].unsqueeze(-1).float()
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            chunks.append(torch.nn.functional.normalize(pooled, dim=-1).cpu().numpy())
        return np.concatenate(chunks) if chunks else np.zeros((0, self.dim), dtype=np.float32)
