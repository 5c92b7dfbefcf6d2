"""Response emotion: a personality-affected transition in VAD space, trained on PELD (Wen et al. 2021).

`EmotionTransition.load().predict(history, personality)` takes the dialogue so far as (speaker,
emotion) pairs and the responder's Big Five, and returns the emotion to answer with: a VAD point, a
label in `EMOTIONS` and an intensity. The responder is whoever did not speak last; their previous
state is their latest emotion in `history` (neutral if none), or exactly `agent_vad` when the agent
carries its own state over from the previous turn. The network is in `agent/transition_network.py`;
the shipped weights (five seeds' networks answering together, 24 KB, with a model card) in `agent/models/emotion_transition/`, written by
`python -m training.train_emotion_transition`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch

from agent.persona import Big5
from agent.transition_network import MEHRABIAN, TransitionEnsemble, TransitionNetwork
from perception.emotions import EMOTIONS, VAD
from perception.loading import ModelLoadError, shared_model
from agent.settings import PACKAGED_TRANSITION

PACKAGED_TRANSITION_DIR = Path(__file__).parent / "models" / "emotion_transition"
ABLATION_FOLDER = "no_personality"  # the same network trained without personality, for `eval transition`
CONFIG_FILE, WEIGHTS_FILE = "model.json", "transition.safetensors"


def personality_vad(personality: Big5) -> VAD:
    """Mehrabian's temperament point for `personality` (unweighted; the average person is 0)."""
    traits = 2.0 * torch.tensor(personality.as_list()) - 1.0
    return VAD.from_array((MEHRABIAN @ traits).numpy())


@dataclass(frozen=True)
class ResponseEmotion:
    label: str
    vad: VAD
    intensity: float
    scores: dict[str, float] = field(default_factory=dict)  # the classifier's distribution over EMOTIONS

    def to_dict(self) -> dict:
        return {"label": self.label, "vad": [self.vad.valence, self.vad.arousal, self.vad.dominance],
                "intensity": self.intensity}


def intensity_of(vad: VAD, label: str) -> float:
    """How far `vad` lies from neutral toward `label`'s anchor: its projection onto the anchor, in
    [0, 1] (0 for neutral)."""
    if label == "neutral":
        return 0.0
    anchor = VAD.of(label).as_array()
    return float(np.clip(vad.as_array() @ anchor / (anchor @ anchor), 0.0, 1.0))


def one_hot(label: str) -> torch.Tensor:
    out = torch.zeros(len(EMOTIONS))
    out[EMOTIONS.index(label)] = 1.0
    return out


FIXED_BUFFERS = ("mehrabian", "anchors")  # constants of the code, not saved


def save_network(network: TransitionEnsemble, folder: Path, **config: Any) -> None:
    from safetensors.torch import save_file

    folder.mkdir(parents=True, exist_ok=True)
    state = {k: v.contiguous() for k, v in network.state_dict().items() if k.split(".")[-1] not in FIXED_BUFFERS}
    save_file(state, str(folder / WEIGHTS_FILE))
    config = {"kind": "emotion-transition", "hidden": network.members[0].change.in_features,
              "members": len(network.members), "personality": network.personality,
              "labels": list(EMOTIONS), **config}
    (folder / CONFIG_FILE).write_text(json.dumps(config, indent=2) + "\n")


def load_network(folder: Path) -> tuple[TransitionEnsemble, dict]:
    from safetensors.torch import load_file

    try:
        config = json.loads((folder / CONFIG_FILE).read_text())
        if config.get("labels") != list(EMOTIONS):
            raise ValueError(f"its labels {config.get('labels')} are not EMOTIONS {list(EMOTIONS)}")
        network = TransitionEnsemble([TransitionNetwork(config["hidden"], config["personality"])
                                      for _ in range(config["members"])])
        missing, unexpected = network.load_state_dict(load_file(str(folder / WEIGHTS_FILE)), strict=False)
        if unexpected or [k for k in missing if k.split(".")[-1] not in FIXED_BUFFERS]:
            raise ValueError(f"{WEIGHTS_FILE} does not fit the network described in {CONFIG_FILE}")
    except (OSError, ValueError, KeyError, RuntimeError) as exc:
        raise ModelLoadError(f"cannot load the emotion-transition model in {folder}: {exc}") from exc
    return network.eval(), {**config, "folder": str(folder)}


class EmotionTransition:
    """`predict(history, personality)`: history = [(speaker, emotion), ...], oldest first."""

    kind = "transition"

    def __init__(self, network: TransitionEnsemble, config: dict | None = None):
        self.network = network
        self.config = config or {}

    @classmethod
    def load(cls, source: str | None = None) -> "EmotionTransition":
        """The packaged model (default) or a folder written by training.train_emotion_transition."""
        source = source or PACKAGED_TRANSITION
        folder = PACKAGED_TRANSITION_DIR if source == PACKAGED_TRANSITION else Path(source)
        if not (folder / CONFIG_FILE).is_file():
            raise ModelLoadError(f"no emotion-transition model at {folder} (expected {CONFIG_FILE} and "
                                 f"{WEIGHTS_FILE}, as written by training.train_emotion_transition)")
        return cls(*shared_model(cls.kind, str(folder.resolve()), "cpu", lambda: load_network(folder)))

    @staticmethod
    def inputs(history: list[tuple[str, str]], agent_vad: VAD | None = None
               ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """(own emotion, other's emotion, own VAD) of the responder, from the history."""
        if not history:
            raise ValueError("history must hold at least the other speaker's latest (speaker, emotion)")
        for _, emotion in history:
            if emotion not in EMOTIONS:
                raise ValueError(f"unknown emotion {emotion!r}; expected one of {EMOTIONS}")
        last_speaker, other = history[-1]
        own_turns = [e for s, e in history if s != last_speaker]
        own = own_turns[-1] if own_turns else "neutral"
        own_vad = agent_vad if agent_vad is not None else VAD.of(own)
        return one_hot(own), one_hot(other), torch.tensor(own_vad.as_array())

    @torch.inference_mode()
    def predict(self, history: list[tuple[str, str]], personality: Big5,
                agent_vad: VAD | None = None) -> ResponseEmotion:
        own, other, own_vad = self.inputs(history, agent_vad)
        traits = torch.tensor([personality.as_list()], dtype=torch.float32)
        logits, response = self.network(own[None], other[None], own_vad[None], traits)
        probs = torch.softmax(logits[0], -1).numpy()
        label = EMOTIONS[int(probs.argmax())]
        vad = VAD.from_array(response[0].numpy())
        return ResponseEmotion(label, vad, intensity_of(vad, label),
                               {e: float(p) for e, p in zip(EMOTIONS, probs)})
