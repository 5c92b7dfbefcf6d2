"""SQLAlchemy ORM models: the tables Empathica's memory is stored in.

One row per user (keyed by the user id the app passes), one per conversation session (named by the
session id the app passes, unique per user), one per turn, and under each turn its per-modality and
fused emotion estimates, its emotion causes and, only when the app's setting turns it on, its raw
media. Deleting a user deletes everything below it, both through the ORM and through
``ON DELETE CASCADE`` in the database.

Any change here needs a new Alembic migration in ``memory/migrations/versions``; the test suite checks
that the models and the migrations agree.
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import (JSON, Boolean, DateTime, Float, ForeignKey, Integer, LargeBinary, MetaData, String,
                        Text, UniqueConstraint, false)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

#: Deterministic constraint names, so migrations (and SQLite batch mode) can refer to them.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(timezone.utc)


class Base(DeclarativeBase):
    """Declarative base of all memory tables."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class User(Base):
    """A person talking to Empathica; `id` is the user id the application passes in."""

    __tablename__ = "users"

    id: Mapped[str] = mapped_column(String(255), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    sessions: Mapped[list[ConversationSession]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True,
        order_by="ConversationSession.id")


class ConversationSession(Base):
    """One conversation of one user; `name` is the session id the app passes (unique per user)."""

    __tablename__ = "sessions"
    __table_args__ = (UniqueConstraint("user_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    user: Mapped[User] = relationship(back_populates="sessions")
    turns: Mapped[list[Turn]] = relationship(
        back_populates="session", cascade="all, delete-orphan", passive_deletes=True,
        order_by="Turn.index")


class Turn(Base):
    """One exchange: what the user said, how they felt, and the agent's emotion and reply."""

    __tablename__ = "turns"
    __table_args__ = (UniqueConstraint("session_id", "index"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"))
    #: Position of the turn in its session, 0 for the first.
    index: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    user_text: Mapped[str] = mapped_column(Text)
    reply_text: Mapped[str] = mapped_column(Text)
    #: The emotion the agent chose to respond with, its VAD point and intensity.
    response_emotion: Mapped[str] = mapped_column(String(32))
    response_valence: Mapped[float] = mapped_column(Float)
    response_arousal: Mapped[float] = mapped_column(Float)
    response_dominance: Mapped[float] = mapped_column(Float)
    response_intensity: Mapped[float] = mapped_column(Float)
    #: Label of the user's fused emotion (duplicated from the fused estimate for cheap counting).
    fused_label: Mapped[str] = mapped_column(String(32))
    #: Seconds spent per pipeline stage, e.g. {"perceive": 0.12, "reply": 0.8}.
    timings: Mapped[dict[str, float]] = mapped_column(JSON)
    persona: Mapped[str | None] = mapped_column(String(255), nullable=True)
    #: The crisis protocol (agent/safety.py): the message's risk score, what flagged it (None when
    #: nothing did), and whether the session was careful on this turn (a crisis turn or one after it).
    risk: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    crisis: Mapped[str | None] = mapped_column(Text, nullable=True)
    careful: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    session: Mapped[ConversationSession] = relationship(back_populates="turns")
    estimates: Mapped[list[TurnEstimate]] = relationship(
        back_populates="turn", cascade="all, delete-orphan", passive_deletes=True,
        order_by="TurnEstimate.id")
    causes: Mapped[list[TurnCause]] = relationship(
        back_populates="turn", cascade="all, delete-orphan", passive_deletes=True,
        order_by="TurnCause.id")
    media: Mapped[list[TurnMedia]] = relationship(
        back_populates="turn", cascade="all, delete-orphan", passive_deletes=True,
        order_by="TurnMedia.id")


class TurnEstimate(Base):
    """One emotion estimate of the user in a turn: the fused one or one modality's.

    For the fused estimate `is_fused` is true and `modality` is the estimate's own modality field;
    otherwise `modality` is its key in ``UserAffect.modalities`` ("text", "speech", "face", ...).
    """

    __tablename__ = "turn_estimates"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    turn_id: Mapped[int] = mapped_column(ForeignKey("turns.id", ondelete="CASCADE"), index=True)
    is_fused: Mapped[bool] = mapped_column()
    modality: Mapped[str] = mapped_column(String(32))
    label: Mapped[str] = mapped_column(String(32))
    #: Probability per label of `perception.emotions.EMOTIONS`.
    scores: Mapped[dict[str, float]] = mapped_column(JSON)
    valence: Mapped[float] = mapped_column(Float)
    arousal: Mapped[float] = mapped_column(Float)
    dominance: Mapped[float] = mapped_column(Float)
    confidence: Mapped[float] = mapped_column(Float)

    turn: Mapped[Turn] = relationship(back_populates="estimates")


class TurnCause(Base):
    """A text span judged to have caused the user's emotion in a turn."""

    __tablename__ = "turn_causes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    turn_id: Mapped[int] = mapped_column(ForeignKey("turns.id", ondelete="CASCADE"), index=True)
    #: Index of the utterance the span is in, and the span's character offsets inside it.
    utterance: Mapped[int] = mapped_column(Integer)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    score: Mapped[float] = mapped_column(Float)

    turn: Mapped[Turn] = relationship(back_populates="causes")


class TurnMedia(Base):
    """A raw recording or webcam frame of a turn; only written when ``memory.store_media`` is on."""

    __tablename__ = "turn_media"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    turn_id: Mapped[int] = mapped_column(ForeignKey("turns.id", ondelete="CASCADE"), index=True)
    #: "audio" (the user's speech) or "image" (a webcam frame or photo).
    kind: Mapped[str] = mapped_column(String(16))
    #: The encoding of `data`, e.g. "audio/flac" or "image/png".
    mime_type: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)

    turn: Mapped[Turn] = relationship(back_populates="media")
