"""Speech emotion recognition: `SpeechEmotionRecognizer.load().predict(samples, sample_rate)`.

The model reads how something is said, not what: a small head trained here (by
`python -m training.train_speech_emotion`, model card: perception/models/speech_emotion/) over the
hidden states of the shared Whisper encoder (perception/whisper.py), so the transcriber and this
recognizer can share one encoder pass (`predict_states`). The head pools the (frames x 384) states
(mean + standard deviation over frames; attentive pooling is an option) and classifies them with a
small MLP into RAVDESS's 8 classes (`SPEECH_LABELS`); the 8 are summed into the project's 7
`EMOTIONS` (calm counts as neutral).

Silence: audio quieter than `SILENCE_DBFS` carries no vocal emotion, and a model trained on acted
speech says nothing sensible about it, so `predict` does not run the model on it and returns
`SILENCE_ESTIMATE`: neutral-leaning, confidence 0.3 (low, so fusion trusts the other modalities).
Empty or undecodable audio raises `perception.audio.AudioError`.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from perception.audio import AudioError, rms_dbfs, to_mono_16k
from perception.emotions import EMOTIONS, EmotionEstimate
from perception.loading import ModelLoadError, active_source, resolve_device, shared_model
from perception.defaults import PACKAGED_SPEECH_EMOTION

PACKAGED_SPEECH_EMOTION_DIR = Path(__file__).parent / "models" / "speech_emotion"
CONFIG_FILE = "model.json"
WEIGHTS_FILE = "head.safetensors"

#: RAVDESS's emotion classes, in the order of its file-name codes 01..08 (the model's outputs).
SPEECH_LABELS: tuple[str, ...] = ("neutral", "calm", "happy", "sad", "angry", "fearful", "disgust",
                                  "surprised")
#: Each speech class's place in `EMOTIONS`; probabilities of classes sharing a place are summed.
SPEECH_TO_EMOTION: dict[str, str] = {
    "neutral": "neutral", "calm": "neutral", "happy": "joy", "sad": "sadness", "angry": "anger",
    "fearful": "fear", "disgust": "disgust", "surprised": "surprise",
}
#: (8 x 7) 0/1 matrix: probs8 @ MAP_MATRIX = probabilities over `EMOTIONS`.
MAP_MATRIX = np.array([[float(SPEECH_TO_EMOTION[s] == e) for e in EMOTIONS] for s in SPEECH_LABELS])

#: Below this loudness (RMS, dB full scale) the audio counts as silence.
SILENCE_DBFS = -60.0
_SILENCE_PROBS = np.array([0.3 if e == "neutral" else 0.7 / (len(EMOTIONS) - 1) for e in EMOTIONS])
SILENCE_ESTIMATE = EmotionEstimate.from_probabilities(_SILENCE_PROBS, modality="speech")


def to_emotions(probs8: np.ndarray) -> np.ndarray:
    """Probabilities over `SPEECH_LABELS` (last axis 8) as probabilities over `EMOTIONS` (last axis 7)."""
    return np.asarray(probs8, dtype=np.float64) @ MAP_MATRIX


def build_head(config: dict):
    """The torch head described by `config` (width, hidden, pooling, dropout), untrained."""
    import torch
    from torch import nn

    class SpeechHead(nn.Module):
        """(batch, frames, width) encoder states + (batch, frames) mask -> (batch, 8) logits.

        Input states are standardised with the training set's per-dimension mean/std (buffers),
        pooled by attention-weighted mean and standard deviation ("attentive statistics pooling",
        Okabe et al. 2018) or plain mean + std, then a one-hidden-layer MLP."""

        def __init__(self, width: int, hidden: int, labels: int, pooling: str, dropout: float):
            super().__init__()
            self.pooling = pooling
            self.register_buffer("mean", torch.zeros(width))
            self.register_buffer("std", torch.ones(width))
            self.attention = nn.Sequential(nn.Linear(width, 128), nn.Tanh(), nn.Linear(128, 1))
            self.mlp = nn.Sequential(nn.Dropout(dropout), nn.Linear(2 * width, hidden), nn.GELU(),
                                     nn.Dropout(dropout), nn.Linear(hidden, labels))

        def pool(self, states: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
            x = (states - self.mean) / self.std
            m = mask.unsqueeze(-1).to(x.dtype)
            if self.pooling == "attention":
                scores = self.attention(x).masked_fill(m == 0, float("-inf"))
                weights = torch.softmax(scores, dim=1)
            else:
                weights = m / m.sum(1, keepdim=True).clamp(min=1.0)
            mean = (weights * x).sum(1)
            var = (weights * (x - mean.unsqueeze(1)) ** 2).sum(1)
            return torch.cat([mean, var.clamp(min=1e-6).sqrt()], dim=-1)

        def forward(self, states: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
            return self.mlp(self.pool(states, mask))

    return SpeechHead(int(config["width"]), int(config["hidden"]), len(SPEECH_LABELS),
                      config.get("pooling", "attention"), float(config.get("dropout", 0.3)))


def save_head(head, folder: Path, config: dict) -> None:
    """Write `model.json` and the head's weights (fp32 safetensors) to `folder`."""
    from safetensors.torch import save_file

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    save_file({k: v.detach().contiguous().cpu() for k, v in head.state_dict().items()},
              str(folder / WEIGHTS_FILE))
    (folder / CONFIG_FILE).write_text(json.dumps(config, indent=2) + "\n")


def load_head(folder: Path):
    """(head in eval mode, config) from a folder written by `save_head`."""
    from safetensors.torch import load_file

    try:
        config = json.loads((folder / CONFIG_FILE).read_text())
        if tuple(config.get("labels", ())) != SPEECH_LABELS:
            raise ValueError(f"labels {config.get('labels')} are not {list(SPEECH_LABELS)}")
        head = build_head(config)
        head.load_state_dict(load_file(str(folder / WEIGHTS_FILE)))
    except (OSError, ValueError, KeyError, RuntimeError) as exc:
        raise ModelLoadError(f"cannot load the speech-emotion model in {folder}: {exc}") from exc
    return head.eval(), config


class SpeechEmotionRecognizer:
    """Reads emotion from the sound of the voice. `predict` returns one `EmotionEstimate` per clip."""

    kind = "speech"

    def __init__(self, head, config: dict, whisper, device: str = "cpu"):
        self.head = head
        self.config = config
        self.whisper = whisper
        self.device = device
        self.window = config.get("window", "padded")  # the encoder window the head was trained on

    @classmethod
    def load(cls, source: str | None = None, device: str = "auto") -> "SpeechEmotionRecognizer":
        """The recognizer in `source` (default: the packaged model) over the shared Whisper it was
        trained on (model.json's `whisper`)."""
        from perception.whisper import PACKAGED_WHISPER, load_whisper

        source = source or active_source(cls.kind, PACKAGED_SPEECH_EMOTION)
        folder = PACKAGED_SPEECH_EMOTION_DIR if source == PACKAGED_SPEECH_EMOTION else Path(source)
        if not (folder / CONFIG_FILE).is_file():
            raise ModelLoadError(f"no speech-emotion model at {folder} (expected {CONFIG_FILE} and "
                                 f"{WEIGHTS_FILE}, as written by training.train_speech_emotion)")
        device = resolve_device(device)
        head, config = shared_model(cls.kind, str(folder), device, lambda: load_head(folder))
        whisper = load_whisper(config.get("whisper", PACKAGED_WHISPER), device)
        return cls(head, config, whisper, device)

    def states(self, samples: np.ndarray, sample_rate: int) -> np.ndarray:
        """The Whisper encoder states (frames x width) of the audio (first 30 s)."""
        from perception.whisper import encoder_states

        return encoder_states(self.whisper, to_mono_16k(samples, sample_rate), self.window)

    def probabilities8(self, states: np.ndarray | list[np.ndarray]) -> np.ndarray:
        """(clips, 8) probabilities over `SPEECH_LABELS` for one (frames x width) array of encoder
        states or a list of them."""
        import torch

        batch = [states] if isinstance(states, np.ndarray) else list(states)
        if not batch or any(s.ndim != 2 or len(s) == 0 for s in batch):
            raise AudioError("no encoder states to read (the audio is empty)")
        frames = max(len(s) for s in batch)
        x = np.zeros((len(batch), frames, batch[0].shape[1]), dtype=np.float32)
        mask = np.zeros((len(batch), frames), dtype=np.float32)
        for i, s in enumerate(batch):
            x[i, :len(s)], mask[i, :len(s)] = s, 1.0
        with torch.inference_mode():
            logits = self.head(torch.from_numpy(x), torch.from_numpy(mask))
            return torch.softmax(logits.float(), dim=-1).numpy().astype(np.float64)

    def predict_states(self, states: np.ndarray) -> EmotionEstimate:
        """The estimate from precomputed encoder states (`perception.whisper.encoder_states`), so a
        caller that already ran the encoder (the transcriber) does not run it twice."""
        return EmotionEstimate.from_probabilities(to_emotions(self.probabilities8(states)[0]), "speech")

    def predict(self, samples: np.ndarray, sample_rate: int) -> EmotionEstimate:
        """The estimate for a clip (any rate, mono or multi-channel, float or int PCM).

        Silence (RMS below `SILENCE_DBFS`) gives `SILENCE_ESTIMATE`; empty audio raises `AudioError`."""
        audio = to_mono_16k(samples, sample_rate)
        if rms_dbfs(audio) < SILENCE_DBFS:
            return SILENCE_ESTIMATE
        from perception.whisper import encoder_states

        return self.predict_states(encoder_states(self.whisper, audio, self.window))
