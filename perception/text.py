"""Text emotion recognition: `TextEmotionRecognizer.load(source).predict(texts, contexts=None)`.

Two backends behind one class, picked by what `source` is:

* a sentence encoder (the offline default, all-MiniLM-L6-v2): zero-shot, each label's score is the
  similarity of the utterance to hand-written exemplars of that label (`perception/exemplars.py`),
  turned into probabilities by a softmax with a temperature and per-label offsets fitted on MELD
  train (`training/calibrate_zero_shot.py`);
* a sequence-classification model (any hub id or folder, e.g. a DistilRoBERTa emotion model in the
  `gpu` profile): its own labels mapped into `EMOTIONS` by `LABEL_ALIASES`.
"""

from __future__ import annotations

import numpy as np

from perception.emotions import EMOTIONS, EmotionEstimate
from perception.encoder import PACKAGED_MINILM, SentenceEncoder, resolve_encoder_path
from perception.exemplars import EXEMPLARS
from perception.loading import ModelLoadError, active_source, resolve_device, shared_model

#: Other data sets' label names mapped into `EMOTIONS`.
LABEL_ALIASES: dict[str, str] = {
    "neutral": "neutral", "no emotion": "neutral", "calm": "neutral", "others": "neutral",
    "joy": "joy", "happy": "joy", "happiness": "joy", "happines": "joy", "excited": "joy", "love": "joy",
    "sadness": "sadness", "sad": "sadness",
    "anger": "anger", "angry": "anger",
    "fear": "fear", "fearful": "fear", "scared": "fear",
    "disgust": "disgust", "disgusted": "disgust",
    "surprise": "surprise", "surprised": "surprise",
}

#: Fitted on MELD train by `python -m training.calibrate_zero_shot` (see docs/RESULTS.md).
ZERO_SHOT_TEMPERATURE = 0.0735
ZERO_SHOT_OFFSETS = {"neutral": 0.000, "joy": -0.970, "sadness": -1.990, "anger": -1.611,
                     "fear": -3.012, "disgust": -2.898, "surprise": -1.799}
TOP_K = 3


def model_config(path: str) -> dict:
    """The model's config.json as a dict: a local folder's, or a hub id's from the local cache."""
    from transformers import AutoConfig

    try:
        return AutoConfig.from_pretrained(path).to_dict()
    except (OSError, ValueError) as exc:
        raise ModelLoadError(
            f"cannot load the text model {path!r}: it is not a local model folder and not in the "
            f"local Hugging Face cache (download it first, or give a local path): {exc}") from exc


def map_label(label: str) -> str:
    key = label.strip().lower()
    if key not in LABEL_ALIASES:
        raise ValueError(f"label {label!r} has no mapping into EMOTIONS {EMOTIONS}")
    return LABEL_ALIASES[key]


class TextEmotionRecognizer:
    """Reads emotion from utterances. `predict` returns one `EmotionEstimate` per text."""

    kind = "text"

    @classmethod
    def load(cls, source: str | None = None, device: str = "auto") -> "TextEmotionRecognizer":
        source = source or active_source(cls.kind, PACKAGED_MINILM)
        device = resolve_device(device)
        path = resolve_encoder_path(source)
        is_classifier = any(a.endswith("ForSequenceClassification")
                            for a in model_config(path).get("architectures") or [])
        factory = ClassifierTextEmotion if is_classifier else ZeroShotTextEmotion
        return shared_model(cls.kind, path, device, lambda: factory(path, device))

    def predict(self, texts: list[str], contexts: list[list[str]] | None = None) -> list[EmotionEstimate]:
        raise NotImplementedError

    def probabilities(self, texts: list[str]) -> np.ndarray:
        """(len(texts), len(EMOTIONS)) probabilities, rows summing to 1."""
        raise NotImplementedError


class ZeroShotTextEmotion(TextEmotionRecognizer):
    """Similarity to per-label exemplars on a sentence encoder. `contexts` are not used yet."""

    def __init__(self, path: str, device: str):
        self.encoder = SentenceEncoder.load(path, device)
        self._exemplars = {e: self.encoder.encode(EXEMPLARS[e]) for e in EMOTIONS}
        self.temperature = ZERO_SHOT_TEMPERATURE
        self.offsets = np.array([ZERO_SHOT_OFFSETS[e] for e in EMOTIONS], dtype=np.float32)

    def similarities(self, texts: list[str]) -> np.ndarray:
        """(n, 7): mean of the top-k cosine similarities to each label's exemplars."""
        emb = self.encoder.encode(texts)
        cols = []
        for e in EMOTIONS:
            sims = emb @ self._exemplars[e].T
            cols.append(np.sort(sims, axis=1)[:, -TOP_K:].mean(axis=1))
        return np.stack(cols, axis=1)

    def probabilities(self, texts: list[str]) -> np.ndarray:
        logits = self.similarities(texts) / self.temperature + self.offsets
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        return p / p.sum(axis=1, keepdims=True)

    def predict(self, texts, contexts=None):
        return [EmotionEstimate.from_probabilities(p, "text") for p in self.probabilities(list(texts))]


class ClassifierTextEmotion(TextEmotionRecognizer):
    """Any sequence-classification model whose labels map into `EMOTIONS`."""

    def __init__(self, path: str, device: str):
        import torch
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        try:
            self.tokenizer = AutoTokenizer.from_pretrained(path)
            dtype = torch.float16 if device.startswith("cuda") else torch.float32
            self.model = AutoModelForSequenceClassification.from_pretrained(path, dtype=dtype)
        except (OSError, ValueError) as exc:
            raise ModelLoadError(f"cannot load the text classifier from {path}: {exc}") from exc
        self.model.to(device).eval()
        self.device = device
        labels = self.model.config.id2label
        # projection (model labels -> EMOTIONS): several model labels may add into one of ours
        self.projection = np.zeros((len(labels), len(EMOTIONS)), dtype=np.float32)
        for i in range(len(labels)):
            self.projection[i, EMOTIONS.index(map_label(labels[i]))] = 1.0
        missing = [e for j, e in enumerate(EMOTIONS) if not self.projection[:, j].any()]
        self.missing_labels = missing  # labels the model cannot predict (score stays 0)

    def probabilities(self, texts: list[str]) -> np.ndarray:
        import torch

        batch = self.tokenizer(texts, padding=True, truncation=True, max_length=256,
                               return_tensors="pt").to(self.device)
        with torch.inference_mode():
            probs = torch.softmax(self.model(**batch).logits.float(), dim=-1).cpu().numpy()
        return probs @ self.projection

    def predict(self, texts, contexts=None):
        return [EmotionEstimate.from_probabilities(p, "text") for p in self.probabilities(list(texts))]
