"""What a turn gives back: the `Reply`, and the typed events `EmpatheticAgent.stream` yields, in order
`PerceptionEvent`, then `TextDelta`s (with an `AudioChunk` per spoken sentence when voice is on), then
one `ReplyEvent`. Plain dataclasses: importing this module loads no model code."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Union

if TYPE_CHECKING:
    from agent.transition import ResponseEmotion
    from perception.emotions import VAD, Cause, UserAffect
    from perception.audio import Audio


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
    audio: Audio | None = None  # the spoken reply, when the turn asked for voice
    transcript: Any = None  # speech.transcriber.Transcript of spoken input (text, segments, word timings)
    #: what flagged the message as a self-harm or suicide risk (the pattern words, or "classifier: risk
    #: 0.93"), None when nothing did; the first such turn of a session is answered with the fixed protocol
    crisis: str | None = None
    careful: bool = False  # the session is in careful mode (agent/safety.py): the crisis lines stay in view
    risk: float = 0.0  # the crisis detector's score for the message
    danger: str | None = None  # the kind of danger a careful session is about: its lines (`careful_lines`) are shown


@dataclass(frozen=True)
class PerceptionEvent:
    """First event of `stream`: what the agent read, why, and the emotion it will answer with."""

    perception: UserAffect
    causes: list[Cause]
    utterances: list[str]
    response: ResponseEmotion
    transcript: Any = None  # what was heard, when the turn was spoken (before the reply is written)
    careful: bool = False  # the session is in careful mode (agent/safety.py): show the crisis lines
    danger: str | None = None  # ... or this kind of danger's lines (`agent.safety.careful_lines`)


@dataclass(frozen=True)
class TextDelta:
    text: str


@dataclass(frozen=True)
class AudioChunk:
    """One spoken sentence of the reply, ready to play while the rest is still being written."""

    audio: Audio
    sentence: str


@dataclass(frozen=True)
class ReplyEvent:
    reply: Reply


StreamEvent = Union[PerceptionEvent, TextDelta, AudioChunk, ReplyEvent]
