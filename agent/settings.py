"""One settings object, a section per component, from profile defaults < TOML file < EMPATHICA_* env.

    EMPATHICA_PROFILE=gpu  EMPATHICA_LLM__BACKEND=openai  EMPATHICA_LLM__BASE_URL=http://...:8000/v1
    EMPATHICA_CONFIG=~/my-empathica.toml   (default: <user config dir>/empathica/config.toml if present)

Explicit keyword arguments to `Settings.load(...)` win over everything.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

import platformdirs
from pydantic import BaseModel, Field, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from perception.defaults import (DEFAULT_RELIABILITY, PACKAGED_CAUSE, PACKAGED_CRISIS, PACKAGED_DANGER,
                                 PACKAGED_FACE, PACKAGED_SPEECH_EMOTION, PACKAGED_TEXT_EMOTION, PACKAGED_WHISPER)
from agent.llm.options import GenerationOptions, OpenAIOptions, TransformersOptions
from speech.defaults import PACKAGED_PIPER_VOICE

#: The response-emotion transition network shipped in agent/models/emotion_transition/.
PACKAGED_TRANSITION = "packaged:emotion-transition"


class ProfileError(ValueError):
    """An unknown profile name."""


class TextEmotionSection(BaseModel):
    model: str = PACKAGED_TEXT_EMOTION


class CauseSection(BaseModel):
    model: str = PACKAGED_CAUSE
    max_causes: int = 2
    context_turns: int = 6


class TransitionSection(BaseModel):
    """The response emotion: the transition model (agent/transition.py; packaged, or a trained
    folder) and the empathic policy over it (agent/response_policy.py)."""

    model: str = PACKAGED_TRANSITION
    #: how far the response point moves toward the empathic answer to the user's feeling (0: the
    #: network's point and the temperament; the label is still the empathic answer)
    follow: float = Field(0.7, ge=0, le=1)
    #: how strongly the persona's Mehrabian temperament colours it; at 0.4 the calm and the lively
    #: presets answer differently in 71 % of (user feeling x previous emotion) cells (tests/test_response_policy.py)
    temperament: float = Field(0.4, ge=0, le=1)


class LLMSection(BaseModel):
    """The LLM: which backend, what it loads, how replies are sampled and chosen. Each backend's
    options and the sampling options are defined, with their defaults and why, in
    `agent/llm/options.py`; this section names them for the settings file."""

    #: a backend registered in `agent.llm.LLM_BACKENDS`: "transformers" (in process) or "openai" (a server)
    backend: str = "transformers"
    #: transformers: hub id, local folder, a .gguf file, or the packaged Gemma; openai: the model name.
    model: str = TransformersOptions.model
    prompt_style: Literal["auto", "transcript", "chat"] = "auto"
    base_url: str = OpenAIOptions.base_url
    api_key: str | None = None
    timeout_s: float = OpenAIOptions.timeout_s
    #: openai: the client's own retries of a failed request (connection errors, 429, 5xx)
    request_retries: int = OpenAIOptions.max_retries
    max_new_tokens: int = GenerationOptions.max_new_tokens
    temperature: float = GenerationOptions.temperature
    top_p: float = GenerationOptions.top_p
    repetition_penalty: float = GenerationOptions.repetition_penalty
    candidates: int = 6  # replies sampled per turn; the reply writer keeps the best (`agent/respond.py`)
    retries: int = 2  # new samples when no candidate can be used
    #: transcript prompts: a reply gets a given start that the model continues (`agent/reflection.py`):
    #: the cause said back in an opening that fits the response emotion ("I'm so sorry your dog died
    #: this morning.") where it reads well, else a short acknowledgement ("Oh no, I'm sorry."). Off:
    #: the model writes the whole reply.
    reflect: bool = True
    #: of the candidates that continue a given start, this many must go on with an open question
    #: ("What ...", "How ...": `agent.respond.OPEN_QUESTION_WORDS`); a local model only
    open_questions: int = Field(3, ge=0)
    #: ... and this many ask how the user feels ("How do you feel ...": `agent.respond.FEELING_QUESTION`),
    #: where the reply's words name a feeling and the last two replies did not ask it; a local model only
    feeling_questions: int = Field(1, ge=0)
    #: where the reply judge doubts the best candidate (under `agent.respond.JUDGE_FLOOR`), the given
    #: start is followed by a common question that fits instead ("How are you feeling now?", "What
    #: happens next?": `agent/common_questions.py`); a local model with a judge only
    common_questions: bool = True
    int8_output_layer: bool = TransformersOptions.int8_output_layer
    output_vocabulary: str = TransformersOptions.output_vocabulary
    adapter: str = "auto"  # the listener adapter for the packaged Gemma (TransformersOptions.adapter)
    #: the reply judge that helps rank the candidates (`agent/reply_judge.py`): "auto" the packaged
    #: one (none for a chat model: it was fitted on the packaged Gemma's replies), "none" off (the
    #: checks alone rank), or a folder written by training.train_reply_judge
    judge: str = "auto"

    @field_validator("judge")
    @classmethod
    def _judge_is_known(cls, value: str) -> str:
        if value in ("auto", "none") or Path(value).expanduser().is_dir():
            return value
        raise ValueError(f"[llm] judge is 'auto', 'none' or a folder written by training.train_reply_judge; "
                         f"{value!r} is none of these")


class MemorySection(BaseModel):
    #: Any SQLAlchemy URL; default: an SQLite file in the user data directory.
    url: str | None = None
    history_turns: int = 6
    #: Keep the raw recording (FLAC) and webcam frames (PNG) of each turn. Off: only text and
    #: emotion estimates are stored, and raw audio and frames never leave the process.
    store_media: bool = False


class SafetySection(BaseModel):
    """The crisis protocol (agent/safety.py): the detector, and how long a session stays careful."""

    model: str = PACKAGED_CRISIS  # the packaged detector, or a folder written by training.train_crisis_detector
    #: the model the detector's Gemma verifier adapts (it re-reads what the detector flags or nearly
    #: flags): "auto" the packaged Gemma 3 270M (the offline extra), "none" the detector alone, or a
    #: local Gemma 3 270M folder
    verifier: str = "auto"
    #: the danger detector (harm from others or an emergency; perception/danger.py): the packaged one, a folder
    #: written by training.train_danger_detector, or "none"
    danger: str = PACKAGED_DANGER
    #: careful mode ends after this many user turns in a row with no risk signal and no sad or
    #: afraid feeling (the conversation has clearly moved on)
    calm_turns: int = Field(3, gt=0)
    #: in careful mode, a message whose risk score reaches this share of the detector's threshold
    #: counts as a risk signal again: the crisis lines are offered again and the calm count restarts
    concern: float = Field(0.5, gt=0, le=1)
    #: a first risk signal gets the fixed crisis reply when a pattern matched it or the classifier's
    #: score reaches this; below it (an uncertain reading: the threshold is set for recall) the agent
    #: answers carefully in its own words and asks whether the person is safe, with the crisis lines.
    #: None: the detector's own (its model.json's, 0.95 where it names none)
    protocol_score: float | None = Field(None, ge=0, le=1)


class LimitsSection(BaseModel):
    max_text_chars: int = Field(2000, gt=0)
    #: longer audio input is refused with a clear message (a turn is a few sentences)
    max_audio_seconds: float = Field(120.0, gt=0)
    max_image_pixels: int = Field(25_000_000, gt=0)  # per frame
    max_frames: int = Field(16, gt=0)  # webcam frames per turn


class FaceSection(BaseModel):
    model: str = PACKAGED_FACE  # the converted mini-Xception, or a folder written by training.convert_fer_weights
    min_face_px: int = Field(40, gt=0)  # smaller faces are ignored


class FusionSection(BaseModel):
    """How much each modality is trusted before its own confidence (perception/fusion.py)."""

    reliability: dict[str, float] = Field(default_factory=lambda: dict(DEFAULT_RELIABILITY))


class SpeechSection(BaseModel):
    """Speech in and out (speech/): the transcriber, the speech emotion model, the voice, and the
    end-of-turn detector of live sessions."""

    asr_model: str = PACKAGED_WHISPER  # packaged tiny.en, a faster-whisper size name, or a CT2 folder
    emotion_model: str = PACKAGED_SPEECH_EMOTION
    voice: str = PACKAGED_PIPER_VOICE  # a Piper .onnx, or coqui:<model name or folder>
    silence_ms: int = Field(500, gt=0)  # this much silence after speech ends the user's turn
    # transcription starts after this much silence, while the rest is confirmed (0: at the turn's end)
    early_transcribe_ms: int = Field(160, ge=0)
    min_speech_ms: int = Field(250, gt=0)  # shorter sounds are ignored
    max_turn_s: float = Field(30.0, gt=0)  # a turn is cut here even if the user keeps talking


PROFILES: dict[str, dict[str, Any]] = {
    "offline": {},
    "gpu": {
        "text": {"model": "j-hartmann/emotion-english-distilroberta-base"},
        "llm": {"model": "Qwen/Qwen2.5-1.5B-Instruct", "candidates": 2},
    },
}


class _ProfileDefaults(PydanticBaseSettingsSource):
    """Lowest-priority source: the named profile's values. The name comes from the other sources."""

    def __init__(self, settings_cls, sources):
        super().__init__(settings_cls)
        self._sources = sources

    def get_field_value(self, field, field_name):  # pragma: no cover - unused, __call__ does the work
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        name = next((s().get("profile") for s in self._sources if s().get("profile")), "offline")
        if name not in PROFILES:
            raise ProfileError(f"unknown profile {name!r}; choose one of: {', '.join(PROFILES)}")
        return PROFILES[name]


def default_config_file() -> Path:
    return Path(platformdirs.user_config_dir("empathica")) / "config.toml"


def default_data_dir() -> Path:
    return Path(os.environ.get("EMPATHICA_DATA_DIR") or platformdirs.user_data_dir("empathica"))


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="EMPATHICA_", env_nested_delimiter="__",
                                      extra="ignore")

    profile: str = "offline"
    device: str = "auto"
    data_dir: Path = Field(default_factory=default_data_dir)
    persona: Path | None = None
    #: converted models (the dequantised GGUF); default: the user cache dir
    cache_dir: Path | None = None
    text: TextEmotionSection = TextEmotionSection()
    cause: CauseSection = CauseSection()
    transition: TransitionSection = TransitionSection()
    llm: LLMSection = LLMSection()
    memory: MemorySection = MemorySection()
    safety: SafetySection = SafetySection()
    limits: LimitsSection = LimitsSection()
    speech: SpeechSection = SpeechSection()
    face: FaceSection = FaceSection()
    fusion: FusionSection = FusionSection()

    @classmethod
    def settings_customise_sources(cls, settings_cls, init_settings, env_settings,
                                   dotenv_settings, file_secret_settings):
        config = Path(os.environ.get("EMPATHICA_CONFIG") or default_config_file()).expanduser()
        toml = TomlConfigSettingsSource(settings_cls, toml_file=config)
        sources = (init_settings, env_settings, toml)
        return (*sources, _ProfileDefaults(settings_cls, sources))

    @classmethod
    def load(cls, profile: str | None = None, **overrides: Any) -> "Settings":
        if profile is not None:
            overrides["profile"] = profile
        return cls(**overrides)

    @property
    def database_url(self) -> str:
        return self.memory.url or f"sqlite:///{self.data_dir / 'empathica.db'}"
