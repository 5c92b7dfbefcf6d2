"""The embedded SDK: `EmpatheticAgent.from_profile("offline").respond(text=..., user_id=..., session_id=...)`."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

from agent.errors import InputError
from agent.events import PerceptionEvent, Reply, ReplyEvent, StreamEvent
from agent.crisis_model import load_crisis_detector
from agent.graph import SafetyRules, TurnComponents, build_turn_graph
from agent.llm import LLM, load_llm
from agent.persona import Persona
from agent.respond import ReplyWriter, uses_chat
from agent.reply_judge import load_judge
from agent.settings import Settings
from agent.response_policy import ResponsePolicy
from agent.transition import EmotionTransition, ResponseEmotion
from memory import MemoryStore, StoredTurn
from perception.cause import CauseExtractor
from perception.danger import DangerDetector
from perception.graph import build_perception_graph
from perception.audio import AudioError, load_audio
from perception.face import FaceEmotionRecognizer
from perception.images import ImageError, load_image
from perception.loading import Lazy, set_active_source
from perception.speech_emotion import SpeechEmotionRecognizer
from speech.synthesizer import Synthesizer
from speech.transcriber import Transcriber, Transcript
from perception.text import TextEmotionRecognizer

MAX_ID_CHARS = 128


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
        say("loading the crisis detector")
        set_active_source("crisis", settings.safety.model)
        detector = load_crisis_detector(settings.safety.model, settings.safety.verifier, settings.device,
                                        settings.cache_dir, llm)
        detector.reads_down_to(settings.safety.concern * detector.threshold)  # (a careful session's level)
        danger = None if settings.safety.danger == "none" else DangerDetector.load(settings.safety.danger,
                                                                                    settings.device)
        say("loading the reply judge")
        judge = load_judge(settings.llm.judge, settings.device, uses_chat(llm, settings.llm))
        say("loading the emotion-cause model")
        extractor = CauseExtractor.load(settings.cause.model, settings.device, settings.cause.context_turns)
        voice = settings.speech
        speech_emotion = Lazy(lambda: SpeechEmotionRecognizer.load(voice.emotion_model, settings.device))
        components = TurnComponents(
            store=store,
            perception_graph=build_perception_graph(
                recognizer, settings.fusion.reliability, speech_recognizer=speech_emotion,
                face_recognizer=Lazy(lambda: FaceEmotionRecognizer.load(
                    settings.face.model, settings.device, settings.face.min_face_px, settings.limits.max_image_pixels)),
                crisis_detector=detector, danger_detector=danger),
            transcriber=Lazy(lambda: Transcriber.load(voice.asr_model, settings.device)),
            synthesizer=Lazy(lambda: Synthesizer.load(voice.voice, settings.device)),
            extractor=extractor,
            transition=EmotionTransition.load(settings.transition.model),
            writer=ReplyWriter(llm, recognizer, settings.llm, judge),
            history_turns=settings.memory.history_turns, max_causes=settings.cause.max_causes,
            store_media=settings.memory.store_media,
            safety=SafetyRules(detector.threshold, settings.safety.calm_turns, settings.safety.concern,
                               detector.protocol_score_or(settings.safety.protocol_score)),
            policy=ResponsePolicy(settings.transition.follow, settings.transition.temperament))
        say("warming up the language model")
        components.writer.warm_up(persona)
        return cls(settings, persona, store, components)

    @classmethod
    def from_profile(cls, profile: str = "offline", persona: Persona | str | None = None,
                     progress: ProgressCallback | None = None, **overrides: Any) -> "EmpatheticAgent":
        if isinstance(persona, str):
            persona = Persona.from_file(persona)
        return cls.from_settings(Settings.load(profile, **overrides), persona, progress)

    # -- turns ---------------------------------------------------------------------------------

    def _inputs(self, text: str | None, user_id: str, session_id: str, audio: Any, image: Any,
                stream: bool, voice: bool | None, persona: Persona | None,
                transcript: Transcript | None = None) -> dict[str, Any]:
        frames = self._frames(image)
        for name, value in (("user_id", user_id), ("session_id", session_id)):
            if not value or not value.strip() or len(value) > MAX_ID_CHARS:
                raise InputError(f"{name} must be 1 to {MAX_ID_CHARS} characters, got {value!r}")
        samples = None
        if audio is not None:
            samples = self._samples(audio)
        elif text is None or not text.strip():
            raise InputError("the message is empty: type something to say to the agent")
        if transcript is not None and (samples is None or not isinstance(transcript, Transcript)):
            raise InputError("`transcript` goes with `audio`, and must be the `Transcript` that "
                             "`agent.transcribe` made of it")
        limit = self.settings.limits.max_text_chars
        if text is not None and len(text) > limit:
            raise InputError(f"the message is {len(text)} characters long; the limit is {limit} "
                             "(setting limits.max_text_chars)")
        return {"text": (text or "").strip(), "audio": samples, "frames": frames, "user_id": user_id,
                "session_id": session_id, "persona": persona or self.persona, "stream": stream,
                "voice": samples is not None if voice is None else voice,
                **({"transcript": transcript} if transcript is not None else {})}

    def _samples(self, audio: Any):
        """`audio` (samples and rate, a path or bytes) as 16 kHz mono, within the length limit."""
        try:
            return load_audio(audio, max_seconds=self.settings.limits.max_audio_seconds)
        except AudioError as exc:
            raise InputError(f"cannot use the audio: {exc}") from exc

    def _frames(self, image: Any) -> list | None:
        """One frame or a short list of frames (arrays, paths or bytes) as RGB arrays."""
        if image is None:
            return None
        items = list(image) if isinstance(image, (list, tuple)) else [image]
        limits = self.settings.limits
        if not items:
            raise InputError("the list of frames is empty: send at least one image")
        if len(items) > limits.max_frames:
            raise InputError(f"{len(items)} frames in one turn; the limit is {limits.max_frames} "
                             "(setting limits.max_frames)")
        try:
            return [load_image(item, limits.max_image_pixels) for item in items]
        except ImageError as exc:
            raise InputError(f"cannot use the image: {exc}") from exc

    @staticmethod
    def _reply(state: dict[str, Any], started: float) -> Reply:
        response: ResponseEmotion = state["response"]
        safety = state.get("safety")
        timings = {**state.get("timings", {}), "total": time.perf_counter() - started}
        return Reply(text=state["reply"], emotion=response.label, vad=response.vad,
                     intensity=response.intensity, perception=state["affect"],
                     causes=state.get("causes") or [], utterances=state.get("utterances") or [],
                     timings=timings, turn_index=state["turn_index"], audio=state.get("reply_audio"),
                     transcript=state.get("transcript"), crisis=safety.signal if safety else None,
                     careful=bool(safety and safety.careful), risk=safety.risk if safety else 0.0,
                     danger=safety.about_danger if safety else None)

    def transcribe(self, audio: Any) -> Transcript:
        """What was said in `audio` (as `respond` takes it). Voice sessions call it while the user's
        pause is still being confirmed, then pass the result to `stream(audio=..., transcript=...)`."""
        return self.components.transcriber().transcribe(self._samples(audio))

    def respond(self, text: str | None = None, user_id: str = "default",
                session_id: str = "default", audio: Any = None, image: Any = None,
                voice: bool | None = None, persona: Persona | None = None,
                transcript: Transcript | None = None) -> Reply:
        """One turn. `audio`: (samples, sample_rate), a file path or a file's bytes; its transcript is
        the message unless `text` is given too (`transcript`: already made by `transcribe`). `voice`
        (default: when audio came in) also speaks the reply: `reply.audio`. `persona` replaces the
        agent's own for this turn (a page's sliders)."""
        started = time.perf_counter()
        state = self.graph.invoke(self._inputs(text, user_id, session_id, audio, image, False, voice, persona,
                                               transcript))
        return self._reply(state, started)

    def stream(self, text: str | None = None, user_id: str = "default",
               session_id: str = "default", audio: Any = None, image: Any = None,
               voice: bool | None = None, persona: Persona | None = None,
               transcript: Transcript | None = None) -> Iterator[StreamEvent]:
        """Yields a `PerceptionEvent`, then `TextDelta`s as the reply is written (with an `AudioChunk`
        after each finished sentence when speaking), then `ReplyEvent`."""
        started = time.perf_counter()
        state: dict[str, Any] = {}
        inputs = self._inputs(text, user_id, session_id, audio, image, True, voice, persona, transcript)
        for mode, chunk in self.graph.stream(inputs, stream_mode=["values", "custom"]):
            if mode == "custom":  # the graph's own typed events: TextDelta, AudioChunk
                yield chunk
            elif "response" in chunk and "response" not in state:
                safety = chunk.get("safety")
                yield PerceptionEvent(chunk["affect"], chunk.get("causes") or [],
                                      chunk.get("utterances") or [], chunk["response"], chunk.get("transcript"),
                                      careful=bool(safety and safety.careful),
                                      danger=safety.about_danger if safety else None)
            if mode == "values":
                state = chunk
        yield ReplyEvent(self._reply(state, started))

    def history(self, user_id: str, session_id: str, limit: int | None = None) -> list[StoredTurn]:
        return self.store.history(user_id, session_id, limit)

    def forget(self, user_id: str) -> bool:
        """Delete everything stored about `user_id` (all sessions, turns, estimates, causes);
        False when there was nothing."""
        return self.store.delete_user(user_id)

    def export(self, user_id: str) -> dict:
        """Everything stored about `user_id`, as JSON-ready data."""
        return self.store.export_user(user_id)

    def close(self) -> None:
        self.store.close()
