"""Plain value types that go into and come out of the memory store (no SQLAlchemy in here)."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field, fields
from datetime import datetime

from perception.emotions import VAD, Cause, UserAffect


@dataclass(frozen=True)
class MediaItem:
    """One raw input of a turn, encoded: the user's recording or a webcam frame.

    `kind` is "audio" or "image"; `mime_type` says how `data` is encoded ("audio/flac", "image/png").
    Stored only when the application's setting allows it (off by default).
    """

    kind: str
    mime_type: str
    data: bytes

    def to_dict(self) -> dict:
        """JSON-serialisable: the bytes as base64."""
        return {"kind": self.kind, "mime_type": self.mime_type, "bytes": len(self.data),
                "data_base64": base64.b64encode(self.data).decode("ascii")}


@dataclass(frozen=True)
class TurnRecord:
    """Everything about one turn that the agent hands to `MemoryStore.save_turn`.

    `user_id` and `session_id` are the application's own identifiers; a session id only has meaning
    together with its user. `response_*` describe the emotion the agent chose to answer with, and
    `timings` holds seconds per pipeline stage. `media` holds raw recordings and frames to keep, and
    is empty unless the application's setting turns storing them on.
    """

    user_id: str
    session_id: str
    user_text: str
    affect: UserAffect
    causes: list[Cause]
    response_emotion: str
    response_vad: VAD
    response_intensity: float
    reply_text: str
    timings: dict[str, float] = field(default_factory=dict)
    persona: str | None = None
    media: list[MediaItem] = field(default_factory=list)
    risk: float = 0.0  # the crisis detector's score for the message
    crisis: str | None = None  # what flagged the message as a self-harm or suicide risk, if anything
    careful: bool = False  # the session was in careful mode (agent/safety.py) on this turn


@dataclass(frozen=True, kw_only=True)
class StoredTurn(TurnRecord):
    """A turn read back from the store: the saved `TurnRecord` plus its position and timestamp.

    `index` counts from 0 within the session; `created_at` is timezone-aware UTC. `media` is only
    read back by `MemoryStore.export_user` (the history a turn recalls leaves it out).
    """

    index: int
    created_at: datetime

    def to_record(self) -> TurnRecord:
        """The `TurnRecord` this turn was saved from (drops `index` and `created_at`)."""
        return TurnRecord(**{f.name: getattr(self, f.name) for f in fields(TurnRecord)})

    def to_dict(self) -> dict:
        """A JSON-serialisable dict of the turn (used by `MemoryStore.export_user`)."""
        return {
            "index": self.index,
            "created_at": self.created_at.isoformat(),
            "user_text": self.user_text,
            "affect": self.affect.to_dict(),
            "causes": [c.to_dict() for c in self.causes],
            "response_emotion": self.response_emotion,
            "response_vad": [self.response_vad.valence, self.response_vad.arousal,
                             self.response_vad.dominance],
            "response_intensity": self.response_intensity,
            "reply_text": self.reply_text,
            "timings": dict(self.timings),
            "persona": self.persona,
            "risk": self.risk,
            "crisis": self.crisis,
            "careful": self.careful,
            "media": [m.to_dict() for m in self.media],
        }


@dataclass(frozen=True)
class AffectProfile:
    """A summary of how one user has felt across all their sessions.

    `turns` is the number of stored turns, `label_counts` counts the user's fused emotion labels,
    and `mean_vad` is the mean of the fused VAD points (the origin when there are no turns).
    """

    user_id: str
    turns: int
    label_counts: dict[str, int]
    mean_vad: VAD

    @property
    def dominant(self) -> str | None:
        """The most frequent fused label, or None when the user has no turns."""
        if not self.label_counts:
            return None
        return max(self.label_counts.items(), key=lambda kv: (kv[1], kv[0]))[0]
