"""Text emotion recognition in conversation: `TextEmotionRecognizer.load(source).predict(texts, contexts)`.

Two backends behind one class, picked by what `source` is:

* a model trained here (the offline default, `packaged:text-emotion`, or any folder written by
  `training.train_text_emotion`): LoRA adapters + a 7-way head on all-MiniLM-L6-v2, reading the
  utterance together with the turns before it (speaker-tagged), its softmax temperature-calibrated;
* a sequence-classification model (any hub id or folder, e.g. a DistilRoBERTa emotion model in the
  `gpu` profile): its own labels mapped into `EMOTIONS` by `LABEL_ALIASES`. These read the utterance
  alone, as they were trained.
"""

from __future__ import annotations

import numpy as np

import json
from pathlib import Path

from perception.dialogue_head import ContextItem, DialogueHead, LogitCache, dialogue_features, earlier_turns
from perception.emotions import EMOTIONS, EmotionEstimate, softmax
from perception.encoder import resolve_encoder_path
from perception.loading import BackendRegistry, ModelLoadError, active_source, resolve_device, shared_model
from perception.defaults import PACKAGED_TEXT_EMOTION

PACKAGED_TEXT_EMOTION_DIR = Path(__file__).parent / "models" / "text_emotion"

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

def model_config(path: str) -> dict:
    """The model's config.json as a dict: a local folder's, or a hub id's from the local cache."""
    from transformers import AutoConfig

    try:
        return AutoConfig.from_pretrained(path).to_dict()
    except (OSError, ValueError) as exc:
        raise ModelLoadError(
            f"cannot load the text model {path!r}: it is not a local model folder and not in the "
            f"local Hugging Face cache (download it first, or give a local path): {exc}") from exc


def context_string(context: list[ContextItem], speaker: str | None, turns: int) -> str:
    """The last `turns` utterances before the target, most recent first, tagged by speaker:
    `A:` the target's own speaker, `B:` anyone else. Most recent first, so truncation drops the oldest."""
    tagged = []
    for back, item in enumerate(reversed(context[-turns:] if turns > 0 else [])):
        if isinstance(item, str):
            same, text = back % 2 == 1, item
        else:
            same, text = speaker is not None and item[0] == speaker, item[1]
        tagged.append(f"{'A' if same else 'B'}: {' '.join(text.split())}")
    return " | ".join(tagged)


def encode_with_context(tokenizer, texts: list[str], contexts: list[list[ContextItem]],
                        speakers: list[str | None], context_turns: int, max_length: int) -> list[dict]:
    """Tokenizer inputs for the trained model: the utterance, then its context as the second segment."""
    out = []
    for text, context, speaker in zip(texts, contexts, speakers):
        second = context_string(context, speaker, context_turns)
        enc = tokenizer(text, second, truncation="longest_first", max_length=max_length) if second \
            else tokenizer(text, truncation=True, max_length=max_length)
        out.append({k: list(enc[k]) for k in ("input_ids", "attention_mask", "token_type_ids")})
    return out


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
        """`source`: a folder trained here (with model.json; default the packaged model), a
        sequence-classification model (folder or cached hub id), or what another backend registered
        in `TEXT_EMOTION_BACKENDS` reads: the first whose `reads(source)` names a model loads it."""
        source = source or active_source(cls.kind, PACKAGED_TEXT_EMOTION)
        device = resolve_device(device)
        problem = ModelLoadError(f"{source!r} is neither a text-emotion model trained here (a folder with "
                                 "model.json) nor a sequence-classification model")
        for name in TEXT_EMOTION_BACKENDS:
            backend = TEXT_EMOTION_BACKENDS.factory(name)
            try:
                path = backend.reads(source)
            except ModelLoadError as exc:  # (said if no backend reads it)
                problem, path = exc, None
            if path is not None:
                return shared_model(cls.kind, path, device, lambda: backend(path, device))
        raise problem

    @staticmethod
    def reads(source: str) -> str | None:
        """The model `source` names, as this backend loads it (a folder, a hub id), or None when it
        is not one this backend reads."""
        raise NotImplementedError

    def probabilities(self, texts: list[str], contexts: list[list[ContextItem]] | None = None,
                      speakers: list[str | None] | None = None) -> np.ndarray:
        """(len(texts), len(EMOTIONS)) probabilities, rows summing to 1.

        `contexts[i]`: the utterances before `texts[i]`, oldest first, as `(speaker, text)` pairs
        (or bare strings in a two-person conversation); `speakers[i]`: who said `texts[i]`.
        """
        raise NotImplementedError

    def predict(self, texts: list[str], contexts: list[list[ContextItem]] | None = None,
                speakers: list[str | None] | None = None) -> list[EmotionEstimate]:
        texts = list(texts)
        if contexts is not None and len(contexts) != len(texts):
            raise ValueError(f"{len(contexts)} contexts for {len(texts)} texts")
        if speakers is not None and len(speakers) != len(texts):
            raise ValueError(f"{len(speakers)} speakers for {len(texts)} texts")
        if not texts:
            return []
        return [EmotionEstimate.from_probabilities(p, "text")
                for p in self.probabilities(texts, contexts, speakers)]


#: The kinds of text-emotion model `TextEmotionRecognizer.load` reads, in the order it asks them:
#: name -> class(path, device) with `reads(source)`. The two below, then any `perception/*_text_emotion.py`.
TEXT_EMOTION_BACKENDS: BackendRegistry[TextEmotionRecognizer] = BackendRegistry(
    "text-emotion", modules="perception.*_text_emotion")


@TEXT_EMOTION_BACKENDS.register("trained")
class TrainedTextEmotion(TextEmotionRecognizer):
    """The model trained by `training.train_text_emotion`: utterance + speaker-tagged context.

    A folder whose `model.json` lists `members` (subfolders, each a model trained with another seed)
    is an ensemble: the members' logits are averaged, then calibrated together.
    """

    @staticmethod
    def reads(source: str) -> str | None:
        folder = PACKAGED_TEXT_EMOTION_DIR if source == PACKAGED_TEXT_EMOTION else Path(source)
        return str(folder) if (folder / "model.json").is_file() else None

    def __init__(self, folder: Path | str, device: str, onnx: bool = True):
        """`onnx`: on the CPU, run each member on ONNX Runtime (`perception/onnx_runner.py`; same
        logits, about half the time); torch where that is unavailable, on a GPU, or when False."""
        from transformers import AutoTokenizer

        from perception.adapted_encoder import CONFIG_FILE, WEIGHTS_FILE, AdaptedEncoder
        from perception.onnx_runner import OnnxHead

        folder = Path(folder)
        try:
            self.config = json.loads((folder / "model.json").read_text())
            base = resolve_encoder_path(self.config["base"])
        except (OSError, ValueError, KeyError) as exc:
            raise ModelLoadError(f"{folder} is not a text-emotion model folder: {exc}") from exc
        if self.config.get("labels") != list(EMOTIONS):
            raise ModelLoadError(f"{folder}: labels {self.config.get('labels')} are not {EMOTIONS}")
        members = [folder / member for member in self.config.get("members") or ["."]]
        self.models = [AdaptedEncoder.load(member, base, device) for member in members]
        self.runners = [OnnxHead.for_model(model, "emotion", [member / CONFIG_FILE, member / WEIGHTS_FILE])
                        for model, member in zip(self.models, members)] if onnx and device == "cpu" else []
        if None in self.runners:
            self.runners = []  # one member failed to export: all stay on torch
        self.tokenizer = AutoTokenizer.from_pretrained(base)
        self.temperature = float(self.config.get("temperature", 1.0))
        self.class_bias = np.array(self.config.get("class_bias", [0.0] * len(EMOTIONS)), dtype=np.float32)
        self.device = device
        self.dialogue_head = None
        if "dialogue_head" in self.config:
            try:
                self.dialogue_head = DialogueHead.load(folder, self.config["dialogue_head"])
            except (OSError, ValueError, KeyError) as exc:
                raise ModelLoadError(f"{folder}: cannot read the dialogue head: {exc}") from exc
        self.cache = LogitCache()

    def logits(self, texts, contexts=None, speakers=None, batch_size: int = 64) -> np.ndarray:
        """The head's raw logits (before the calibrated class biases and temperature)."""
        import torch

        from perception.adapted_encoder import pad_batch

        contexts = contexts or [[] for _ in texts]
        speakers = speakers or [None] * len(texts)
        encodings = encode_with_context(self.tokenizer, texts, contexts, speakers,
                                        self.config["context_turns"], self.config["max_length"])
        out = np.zeros((len(texts), len(EMOTIONS)), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda k: len(encodings[k]["input_ids"]))
        for i in range(0, len(order), batch_size):
            idx = order[i:i + batch_size]
            batch = {k: v.to(self.device) for k, v in pad_batch([encodings[k] for k in idx]).items()}
            if self.runners:
                out[idx] = np.mean([runner.run(batch) for runner in self.runners], axis=0)
                continue
            with torch.inference_mode():
                logits = torch.stack([m.classify(batch, "emotion").float() for m in self.models]).mean(0)
            out[idx] = logits.cpu().numpy()
        return out

    def _key(self, text: str, context, speaker) -> bytes:
        """The cache key of one model input: the utterance and its context exactly as encoded."""
        return LogitCache.key(text + "\x1f" + context_string(context, speaker, self.config["context_turns"]))

    def head_inputs(self, texts, contexts=None, speakers=None, window: int = 0,
                    per_side: int = 0) -> np.ndarray:
        """What a dialogue head reads (`perception.dialogue_head.dialogue_features`): each utterance's
        raw logits and the probabilities of up to `per_side` utterances a side among the `window`
        before it. Each utterance, the earlier ones included, is read once and kept (by digest) in
        `self.cache`."""
        texts = list(texts)
        contexts = contexts or [[] for _ in texts]
        speakers = speakers or [None] * len(texts)
        inputs: dict[bytes, tuple] = {}  # every input to read, targets and earlier turns, once

        def key(*model_input) -> bytes:
            k = self._key(*model_input)
            inputs.setdefault(k, model_input)
            return k

        own_keys = [key(*x) for x in zip(texts, contexts, speakers)]
        earlier_keys = [[(t.same_speaker, key(t.text, t.context, t.speaker)) for t in earlier_turns(c, s, window)]
                        for c, s in zip(contexts, speakers)]
        keys = list(inputs)
        rows = dict(zip(keys, self.cache.lookup(keys, lambda missing: self.logits(
            *(list(x) for x in zip(*(inputs[keys[i]] for i in missing)))))))
        own = np.stack([rows[k] for k in own_keys]) if texts else np.zeros((0, len(EMOTIONS)), np.float32)
        probs = [[(same, softmax(rows[k])) for same, k in turns] for turns in earlier_keys]
        return dialogue_features(own, probs, per_side)

    def dialogue_logits(self, texts, contexts=None, speakers=None) -> np.ndarray:
        """The logits after the dialogue head (the raw logits for a model without one)."""
        head = self.dialogue_head
        if head is None:
            return self.head_inputs(texts, contexts, speakers)[:, :len(EMOTIONS)]
        return head(self.head_inputs(texts, contexts, speakers, head.window, head.per_side))

    def calibrated(self, texts, contexts=None, speakers=None) -> np.ndarray:
        return softmax((self.dialogue_logits(list(texts), contexts, speakers) + self.class_bias) / self.temperature)

    def probabilities(self, texts, contexts=None, speakers=None):
        """In context; but a message whose own words are read as an emotion (not neutral) with at
        least `own_reading_gate` (model.json) keeps that reading: a clear new feeling is not overruled
        by the earlier turns, while a flat message ("Are you serious?") is still read in context."""
        texts = list(texts)
        p = self.calibrated(texts, contexts, speakers)
        gate = float(self.config.get("own_reading_gate", 0.0))
        with_context = [i for i, c in enumerate(contexts or []) if c]
        if gate > 0 and with_context:
            alone = self.calibrated([texts[i] for i in with_context])
            sure = (alone.max(axis=1) >= gate) & (alone.argmax(axis=1) != EMOTIONS.index("neutral"))
            p[np.array(with_context)[sure]] = alone[sure]
        return p


@TEXT_EMOTION_BACKENDS.register("classifier")
class ClassifierTextEmotion(TextEmotionRecognizer):
    """Any sequence-classification model whose labels map into `EMOTIONS` (reads the utterance alone)."""

    @staticmethod
    def reads(source: str) -> str | None:
        path = resolve_encoder_path(source)
        architectures = model_config(path).get("architectures") or []
        return path if any(a.endswith("ForSequenceClassification") for a in architectures) else None

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

    def probabilities(self, texts, contexts=None, speakers=None):
        import torch

        batch = self.tokenizer(texts, padding=True, truncation=True, max_length=256,
                               return_tensors="pt").to(self.device)
        with torch.inference_mode():
            probs = torch.softmax(self.model(**batch).logits.float(), dim=-1).cpu().numpy()
        return probs @ self.projection
