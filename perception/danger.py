"""The danger detector: a person telling that someone else is harming or threatening them, or of an
emergency that needs help now (not self-harm: that is `perception/crisis.py`).

People rarely say "abuse" or "emergency": "my boyfriend pushed me into the wall again. is that normal?", "i can
smell gas and my head is spinning, ok to just open a window and go to bed?", "my tutor says im mature for my age and
wants to meet without my parents knowing". A word list cannot read these (the crisis detector scores them like
everyday talk), so this is a classifier: the packaged MiniLM with LoRA adapters and a head over "none" and the
kinds of danger in `KINDS` (the recipe of the project's other MiniLM models), trained on the project's written
messages and its everyday conversations (`python -m training.train_danger_detector`; model card:
`perception/models/danger/MODEL_CARD.md`). The score is
one minus the probability of "none"; a message is flagged from `threshold` in model.json (the agent adds a check-in
to its own reply) and is clear from `protocol_score` (the fixed reply); the kind is the likeliest danger class. The shipped model reads the message alone; one trained with `context_turns` reads the
user's last messages too, as the crisis detector does (measured no better, at twice the time: docs/RESULTS.md).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from perception.crisis import RiskReading
from perception.defaults import PACKAGED_DANGER, PACKAGED_MINILM
from perception.loading import ModelLoadError, resolve_device, shared_model

PACKAGED_DANGER_DIR = Path(__file__).parent / "models" / "danger"
#: The kinds of danger the detector names (its classes after "none"), and what the agent's reply to each offers.
KINDS = ("partner_abuse", "child_abuse", "grooming", "sexual_assault", "medical_emergency", "home_emergency",
         "threat_or_stalking")
NONE = "none"
#: The head's name in the adapted encoder.
HEAD = "danger"


@dataclass(frozen=True)
class DangerReading(RiskReading):
    """A `RiskReading` (score, flagged, no pattern words) with the likeliest kind of danger, and whether it is
    clear enough for the fixed reply."""

    kind: str | None = None
    clear: bool = False


class DangerDetector:
    """The packaged MiniLM with LoRA adapters (merged) and a head over "none" and `KINDS`
    (`perception.adapted_encoder`). Shared per process: use `.load()`."""

    def __init__(self, folder: Path, device: str = "cpu", onnx: bool = True):
        """`onnx`: on the CPU, run the model on ONNX Runtime (`perception/onnx_runner.py`, fp32: the same
        scores as torch, in about half the time)."""
        from transformers import AutoTokenizer

        from perception.adapted_encoder import CONFIG_FILE, WEIGHTS_FILE, AdaptedEncoder
        from perception.encoder import resolve_encoder_path
        from perception.onnx_runner import OnnxHead

        try:
            config = json.loads((folder / "model.json").read_text(encoding="utf-8"))
            self.classes, self.threshold = list(config["classes"]), float(config["threshold"])
            self.protocol_score = float(config.get("protocol_score", self.threshold))
            self.max_length = int(config.get("max_length", 128))
            self.context_turns = int(config.get("context_turns", 0))
            base = resolve_encoder_path(config.get("base", PACKAGED_MINILM))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ModelLoadError(f"{folder} is not a danger detector (model.json with classes, threshold and "
                                 f"the base encoder): {exc}") from exc
        if self.classes[0] != NONE or config.get("heads", {}).get(HEAD) != len(self.classes):
            raise ModelLoadError(f"{folder / 'model.json'}: the classes must start with {NONE!r} and match the "
                                 f"{HEAD!r} head's outputs")
        self.model = AdaptedEncoder.load(folder, base, device)
        self.runner = (OnnxHead.for_model(self.model, HEAD, [folder / CONFIG_FILE, folder / WEIGHTS_FILE])
                       if onnx and device == "cpu" else None)
        if self.runner is not None:
            self.model = None  # (the runner holds its own copy of the weights: one is enough in memory)
        self.tokenizer = AutoTokenizer.from_pretrained(base)
        self.device = device

    @classmethod
    def load(cls, source: str = PACKAGED_DANGER, device: str = "cpu") -> "DangerDetector":
        folder = PACKAGED_DANGER_DIR if source == PACKAGED_DANGER else Path(source).expanduser()
        if not (folder / "model.json").is_file():
            raise ModelLoadError(f"no danger detector in {folder} (no model.json): give a folder written by "
                                 "training.train_danger_detector, or 'none'")
        device = resolve_device(device)
        return shared_model("danger", str(folder), device, lambda: cls(folder, device))

    def encode(self, texts: list[str], earlier: list[list[str]] | None = None) -> list[dict]:
        """Tokenizer inputs: each message, then (a model trained with `context_turns`) the user's recent
        messages, most recent first, as the second segment (the crisis detector's layout)."""
        from perception.text import encode_with_context

        earlier = earlier if earlier is not None and self.context_turns else [[] for _ in texts]
        return encode_with_context(self.tokenizer, list(texts), [[("user", t) for t in e] for e in earlier],
                                   ["user"] * len(texts), self.context_turns, self.max_length)

    def probabilities(self, texts: list[str], earlier: list[list[str]] | None = None,
                      batch_size: int = 32) -> np.ndarray:
        """(len(texts), len(classes)) class probabilities; `earlier[i]`: the user's messages before `texts[i]`."""
        from perception.adapted_encoder import head_logits

        if not texts:
            return np.zeros((0, len(self.classes)), dtype=np.float32)
        logits = head_logits(self.encode(texts, earlier), HEAD, self.model, self.runner, self.device, batch_size)
        exp = np.exp(logits - logits.max(axis=1, keepdims=True))
        return exp / exp.sum(axis=1, keepdims=True)

    def read_many(self, texts: list[str], earlier: list[list[str]] | None = None) -> list[DangerReading]:
        readings = []
        for p in self.probabilities(list(texts), earlier):
            score = float(1.0 - p[0])
            kind = self.classes[1 + int(np.argmax(p[1:]))]
            readings.append(DangerReading(score, score >= self.threshold, None, kind, score >= self.protocol_score))
        return readings

    def read(self, text: str, earlier: list[str] | None = None) -> DangerReading:
        """The reading of one message, with the user's earlier messages (oldest first) where the model reads them."""
        return self.read_many([text], [list(earlier or [])])[0]
