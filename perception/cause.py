"""Emotion causes (RECCON's causal emotion entailment + cause-span extraction), one trained model.

For the target utterance and each utterance up to `context_turns` before it (itself included), the
model reads the pair

    "<emotion> | <relation> | <target utterance>"  [SEP]  "<candidate utterance>"

(`relation` says how far back the candidate is and whether the same person said it), and answers
two things at once: is the candidate a cause of the target's emotion (`cause` head, sigmoid on the
pooled sequence), and which words of the candidate are the cause (`span` head: start/end logits over
the candidate's tokens). The model is LoRA adapters + heads on the packaged all-MiniLM-L6-v2, trained
on RECCON-DD by `python -m training.train_emotion_cause` (model card: perception/models/emotion_cause/).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from perception.emotions import EMOTIONS, Cause
from perception.loading import ModelLoadError, resolve_device, shared_model
from perception.defaults import PACKAGED_CAUSE

PACKAGED_CAUSE_DIR = Path(__file__).parent / "models" / "emotion_cause"
MAX_SPAN_TOKENS = 30


def relation(target: int, candidate: int, speakers: list[str] | None) -> str:
    if candidate == target:
        return "same utterance"
    back = target - candidate
    who = ("same speaker" if speakers[candidate] == speakers[target] else "other speaker") \
        if speakers else "unknown speaker"
    return f"{back} turn{'s' if back > 1 else ''} before, {who}"


def pair_text(utterances: list[str], target: int, candidate: int, emotion: str,
              speakers: list[str] | None) -> tuple[str, str]:
    first = f"{emotion} | {relation(target, candidate, speakers)} | {' '.join(utterances[target].split())}"
    return first, utterances[candidate]


def encode_pairs(tokenizer, pairs: list[tuple[str, str]], max_length: int) -> list[dict]:
    """Token ids, masks, segment ids and the candidate's character offsets (0,0 outside it)."""
    out = []
    for first, second in pairs:
        enc = tokenizer(first, second, truncation="longest_first", max_length=max_length,
                        return_offsets_mapping=True)
        segment = enc["token_type_ids"]
        offsets = [tuple(o) if s == 1 and o[1] > o[0] else (0, 0)
                   for o, s in zip(enc["offset_mapping"], segment)]
        out.append({"input_ids": list(enc["input_ids"]), "attention_mask": list(enc["attention_mask"]),
                    "token_type_ids": list(segment), "offsets": offsets})
    return out


def best_span(start: np.ndarray, end: np.ndarray, offsets: list[tuple[int, int]]) -> tuple[int, int, float]:
    """Character (start, end) of the best-scoring token span inside the candidate, and its score."""
    valid = [i for i, o in enumerate(offsets) if o[1] > o[0]]
    if not valid:
        return 0, 0, float("-inf")
    best = (valid[0], valid[0], float("-inf"))
    for i in valid:
        for j in valid:
            if i <= j < i + MAX_SPAN_TOKENS and start[i] + end[j] > best[2]:
                best = (i, j, float(start[i] + end[j]))
    return offsets[best[0]][0], offsets[best[1]][1], best[2]


@dataclass
class PairScore:
    candidate: int
    probability: float
    start: int
    end: int


class CauseModel:
    """The trained pair model (shared per process): scores candidate utterances for a target."""

    def __init__(self, folder: Path, device: str = "cpu"):
        from transformers import AutoTokenizer

        from perception.adapted_encoder import AdaptedEncoder
        from perception.encoder import resolve_encoder_path

        try:
            config = json.loads((folder / "model.json").read_text())
            base = resolve_encoder_path(config["base"])
        except (OSError, ValueError, KeyError) as exc:
            raise ModelLoadError(f"{folder} is not an emotion-cause model folder: {exc}") from exc
        self.encoder = AdaptedEncoder.load(folder, base, device)
        self.tokenizer = AutoTokenizer.from_pretrained(base)
        self.threshold = float(config.get("threshold", 0.5))
        self.max_length = int(config.get("max_length", 128))
        self.device = device

    def score_pairs(self, utterances: list[str], target: int, emotion: str,
                    candidates: list[int], speakers: list[str] | None = None) -> list[PairScore]:
        """Cause probability and best span of each candidate utterance for the target."""
        import torch

        from perception.adapted_encoder import pad_batch

        pairs = [pair_text(utterances, target, c, emotion, speakers) for c in candidates]
        encodings = encode_pairs(self.tokenizer, pairs, self.max_length)
        batch = {k: v.to(self.device) for k, v in pad_batch(encodings).items()}
        with torch.inference_mode():
            hidden = self.encoder.hidden_states(batch)
            pooled = self.encoder.pooled(hidden, batch["attention_mask"])
            probs = torch.sigmoid(self.encoder.heads["cause"](pooled).float()[:, 0]).cpu().numpy()
            span = self.encoder.heads["span"](hidden).float().cpu().numpy()
        scores = []
        for k, c in enumerate(candidates):
            s, e, _ = best_span(span[k, :, 0], span[k, :, 1], encodings[k]["offsets"])
            scores.append(PairScore(c, float(probs[k]), s, e))
        return scores



class CauseExtractor:
    """`extract(utterances, target)` -> the causes of the target's emotion, best first."""

    kind = "cause"

    def __init__(self, model: CauseModel, context_turns: int = 6, recognizer=None):
        self.model = model
        self.context_turns = context_turns
        self.recognizer = recognizer  # reads the target's emotion when the caller does not give it

    @classmethod
    def load(cls, source: str | None = None, device: str = "auto", context_turns: int = 6,
             recognizer=None) -> "CauseExtractor":
        """The extractor over the shared model in `source` (default: the packaged one)."""
        source = source or PACKAGED_CAUSE
        folder = PACKAGED_CAUSE_DIR if source == PACKAGED_CAUSE else Path(source)
        if not (folder / "model.json").is_file():
            raise ModelLoadError(f"no emotion-cause model at {folder} (expected model.json and "
                                 "adapter.safetensors, as written by training.train_emotion_cause)")
        device = resolve_device(device)
        model = shared_model(cls.kind, str(folder), device, lambda: CauseModel(folder, device))
        return cls(model, context_turns, recognizer)

    @property
    def threshold(self) -> float:
        return self.model.threshold

    def score_pairs(self, *args, **kwargs) -> list[PairScore]:
        """`CauseModel.score_pairs`: probability and best span of each candidate."""
        return self.model.score_pairs(*args, **kwargs)

    def extract(self, utterances: list[str], target: int, emotion: str | None = None,
                max_causes: int = 2, speakers: list[str] | None = None) -> list[Cause]:
        """Causes of the emotion of `utterances[target]`, most probable first; neutral has none.

        `emotion` is the target's emotion if known (else the text recognizer reads it); `speakers`,
        one per utterance, tells the model who said what.
        """
        if speakers is not None and len(speakers) != len(utterances):
            raise ValueError(f"{len(speakers)} speakers for {len(utterances)} utterances")
        if not 0 <= target < len(utterances):
            raise IndexError(f"target {target} is outside the {len(utterances)} utterances")
        if emotion is not None and emotion not in EMOTIONS:
            raise ValueError(f"unknown emotion {emotion!r}; expected one of {EMOTIONS}")
        if emotion is None:
            if self.recognizer is None:
                raise ValueError("give the target's emotion, or load the extractor with a recognizer")
            emotion = self.recognizer.predict([utterances[target]], contexts=[utterances[:target]])[0].label
        if emotion == "neutral":
            return []
        candidates = [c for c in range(max(0, target - self.context_turns), target + 1)
                      if utterances[c].strip()]
        if not candidates:
            return []
        scored = sorted(self.model.score_pairs(utterances, target, emotion, candidates, speakers),
                        key=lambda p: -p.probability)
        return [Cause(p.candidate, p.start, p.end, utterances[p.candidate][p.start:p.end], p.probability)
                for p in scored[:max_causes] if p.probability >= self.threshold and p.end > p.start]
