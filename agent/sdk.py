"""The embedded SDK: `EmpatheticAgent.from_profile("offline").respond(text=..., user_id=..., session_id=...)`."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Union

from agent.graph import TurnComponents, build_turn_graph
from agent.llm import LLM, load_llm
from agent.persona import Persona
from agent.respond import ReplyWriter
from agent.settings import Settings
from agent.transition import EmotionTransition, ResponseEmotion
from memory import MemoryStore, StoredTurn
from perception.cause import CauseExtractor
from perception.emotions import VAD, Cause, UserAffect
from perception.graph import build_perception_graph
from perception.loading import set_active_source
from perception.text import TextEmotionRecognizer

MAX_ID_CHARS = 128


class InputError(ValueError):
    """The turn's input was rejected before anything ran or was saved."""


@dataclass(frozen=True)
class Reply:
    text: str
    emotion: str  # the agent's response emotion, a label in EMOTIONS
    vad: VAD
    intensity: float
    perception: UserAffect  # the user's fused affect and each modality's estimate
    causes: list[Cause]
    utterances: list[str]  # the conversation the cause indices point into (last = this turn)
    timings: dict[str, float]  # seconds per stage, plus "total"
    turn_index: int
    audio: Any = None  # spoken reply, once voice output is enabled


@dataclass(frozen=True)
class PerceptionEvent:
    """First event of `stream`: what the agent read, why, and the emotion it will answer with."""

    perception: UserAffect
    causes: list[Cause]
    utterances: list[str]
    response: ResponseEmotion


@dataclass(frozen=True)
class TextDelta:
    text: str


@dataclass(frozen=True)
class ReplyEvent:
    reply: Reply


StreamEvent = Union[PerceptionEvent, TextDelta, ReplyEvent]
ProgressCallback = Callable[[str], None]


@dataclass
class EmpatheticAgent:
    settings: Settings
    persona: Persona
    store: MemoryStore
    components: TurnComponents
    graph: Any = field(repr=False, default=None)

    def __post_init__(self) -> None:
        self.graph = build_turn_graph(self.components)

    @classmethod
    def from_settings(cls, settings: Settings, persona: Persona | None = None,
                      progress: ProgressCallback | None = None, llm: LLM | None = None
                      ) -> "EmpatheticAgent":
        """Load every component of `settings` (each model once per process) and open memory."""
        say = progress or (lambda _: None)
        if persona is None:
            persona = Persona.from_file(settings.persona) if settings.persona else Persona()
        say("opening memory")
        store = MemoryStore(settings.database_url)
        say("loading the text emotion model")
        set_active_source("text", settings.text.model)
        recognizer = TextEmotionRecognizer.load(settings.text.model, settings.device)
        if llm is None:
            say(f"loading the language model ({settings.llm.model})")
            llm = load_llm(settings.llm, settings.device, settings.cache_dir)
        say("loading the emotion-cause model")
        extractor = CauseExtractor.load(settings.cause.model, settings.device, settings.cause.context_turns)
        components = TurnComponents(
            store=store,
            perception_graph=build_perception_graph(recognizer),
            extractor=extractor,
            transition=EmotionTransition.load(settings.transition.model),
            writer=ReplyWriter(llm, recognizer, settings.llm),
            history_turns=settings.memory.history_turns, max_causes=settings.cause.max_causes)
        return cls(settings, persona, store, components)

    @classmethod
    def from_profile(cls, profile: str = "offline", persona: Persona | str | None = None,
                     progress: ProgressCallback | None = None, **overrides: Any) -> "EmpatheticAgent":
        if isinstance(persona, str):
            persona = Persona.from_file(persona)
        return cls.from_settings(Settings.load(profile, **overrides), persona, progress)

    # -- turns ---------------------------------------------------------------------------------

    def _inputs(self, text: str | None, user_id: str, session_id: str, audio: Any, image: Any,
                stream: bool) -> dict[str, Any]:
        if audio is not None or image is not None:
            raise InputError("audio and image input are not available yet in this version: send text")
        if text is None or not text.strip():
            raise InputError("the message is empty: type something to say to the agent")
        limit = self.settings.limits.max_text_chars
        if len(text) > limit:
            raise InputError(f"the message is {len(text)} characters long; the limit is {limit} "
                             "(setting limits.max_text_chars)")
        for name, value in (("user_id", user_id), ("session_id", session_id)):
            if not value or not value.strip() or len(value) > MAX_ID_CHARS:
                raise InputError(f"{name} must be 1 to {MAX_ID_CHARS} characters, got {value!r}")
        return {"text": text.strip(), "user_id": user_id, "session_id": session_id,
                "persona": self.persona, "stream": stream}

    @staticmethod
    def _reply(state: dict[str, Any], started: float) -> Reply:
        response: ResponseEmotion = state["response"]
        timings = {**state.get("timings", {}), "total": time.perf_counter() - started}
        return Reply(text=state["reply"], emotion=response.label, vad=response.vad,
                     intensity=response.intensity, perception=state["affect"],
                     causes=state.get("causes") or [], utterances=state.get("utterances") or [],
                     timings=timings, turn_index=state["turn_index"])

    def respond(self, text: str | None = None, user_id: str = "default",
                session_id: str = "default", audio: Any = None, image: Any = None) -> Reply:
        started = time.perf_counter()
        state = self.graph.invoke(self._inputs(text, user_id, session_id, audio, image, False))
        return self._reply(state, started)

    def stream(self, text: str | None = None, user_id: str = "default",
               session_id: str = "default", audio: Any = None, image: Any = None
               ) -> Iterator[StreamEvent]:
        """Yields a `PerceptionEvent`, then `TextDelta`s as the reply is written, then `ReplyEvent`."""
        started = time.perf_counter()
        state: dict[str, Any] = {}
        inputs = self._inputs(text, user_id, session_id, audio, image, True)
        for mode, chunk in self.graph.stream(inputs, stream_mode=["values", "custom"]):
            if mode == "custom":
                yield TextDelta(chunk["delta"])
            elif "response" in chunk and "response" not in state:
                yield PerceptionEvent(chunk["affect"], chunk.get("causes") or [],
                                      chunk.get("utterances") or [], chunk["response"])
            if mode == "values":
                state = chunk
        yield ReplyEvent(self._reply(state, started))

    def history(self, user_id: str, session_id: str, limit: int | None = None) -> list[StoredTurn]:
        return self.store.history(user_id, session_id, limit)

    def close(self) -> None:
        self.store.close()
