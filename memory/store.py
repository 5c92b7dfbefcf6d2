"""`MemoryStore`: Empathica's long-term memory of turns, users' affect and the agent's own emotion."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from perception.emotions import VAD
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, selectinload

from memory import database
from memory.convert import as_utc, stored_turn, turn_row
from memory.errors import StoreError, explain
from memory.models import ConversationSession, Turn, TurnEstimate, User
from memory.records import AffectProfile, StoredTurn, TurnRecord

log = logging.getLogger(__name__)

_LOAD_TURN = (selectinload(Turn.estimates), selectinload(Turn.causes))


class MemoryStore:
    """Turns of every user's sessions, in any SQLAlchemy database (an SQLite file by default).

    Opening the store creates the SQLite file's directory if needed and migrates the schema to the
    newest revision. Every method raises `StoreError` (with a message saying which database and
    what to do) when the database cannot be used. A session id is only meaningful with its user:
    two users' sessions named alike are separate. If the SQLite file is deleted or replaced while
    the store is open, the store notices on its next call and reopens the file at that path.
    """

    def __init__(self, url: str, *, busy_timeout: float = 5.0) -> None:
        """Open (creating and migrating as needed) the database at `url`.

        `busy_timeout` is how many seconds an SQLite call waits for another writer to finish
        before failing with a "locked" `StoreError`.
        """
        self.url = url
        self.busy_timeout = busy_timeout
        self._url = database.parse_url(url)
        self._path = database.sqlite_file(self._url)
        self.where = str(self._path) if self._path else database.describe(self._url)
        self._engine = None
        self._writer = None
        self._file_id: tuple[int, int] | None = None
        self._closed = False
        self._lock = threading.Lock()  # guards reopening (see _check_file)
        self._open()

    # ----------------------------------------------------------------------------------- writing
    def save_turn(self, record: TurnRecord) -> int:
        """Store one whole turn in one transaction and return its index in its session (from 0).

        The user and session rows are created on first use. If anything fails, nothing of this
        turn is written and earlier turns are unaffected.
        """
        action = (f"could not save the turn of user {record.user_id!r}, session "
                  f"{record.session_id!r} (nothing of it was written)")
        with self._transaction(action, write=True) as s:
            session = self._find_session(s, record.user_id, record.session_id)
            if session is None:
                if s.get(User, record.user_id) is None:
                    s.add(User(id=record.user_id))
                session = ConversationSession(user_id=record.user_id, name=record.session_id)
                s.add(session)
                s.flush()
            last = s.scalar(select(func.max(Turn.index)).where(Turn.session_id == session.id))
            index = 0 if last is None else last + 1
            s.add(turn_row(record, session.id, index))
        return index

    def delete_user(self, user_id: str) -> bool:
        """Delete the user and all their sessions, turns, estimates, causes and media; False if unknown."""
        with self._transaction(f"could not delete user {user_id!r}", write=True) as s:
            user = s.get(User, user_id)
            if user is None:
                return False
            s.delete(user)
        return True

    # ----------------------------------------------------------------------------------- reading
    def history(self, user_id: str, session_id: str, limit: int | None = None) -> list[StoredTurn]:
        """The last `limit` turns (all when None) of the user's session, oldest first."""
        if limit is not None and limit <= 0:
            return []
        query = (select(Turn).join(Turn.session)
                 .where(ConversationSession.user_id == user_id,
                        ConversationSession.name == session_id)
                 .order_by(Turn.index.desc()).options(*_LOAD_TURN))
        if limit is not None:
            query = query.limit(limit)
        action = f"could not read the history of user {user_id!r}, session {session_id!r}"
        with self._transaction(action) as s:
            rows = s.scalars(query).all()
            return [stored_turn(row, user_id, session_id) for row in reversed(rows)]

    def agent_state(self, user_id: str, session_id: str) -> tuple[str, VAD] | None:
        """The agent's last response emotion and VAD in the session, None before its first turn."""
        query = (select(Turn.response_emotion, Turn.response_valence, Turn.response_arousal,
                        Turn.response_dominance)
                 .join(Turn.session)
                 .where(ConversationSession.user_id == user_id,
                        ConversationSession.name == session_id)
                 .order_by(Turn.index.desc()).limit(1))
        action = f"could not read the agent state of user {user_id!r}, session {session_id!r}"
        with self._transaction(action) as s:
            row = s.execute(query).first()
        if row is None:
            return None
        return row[0], VAD(row[1], row[2], row[3])

    def affect_profile(self, user_id: str) -> AffectProfile:
        """How the user has felt over all their sessions: turn count, fused labels, mean fused VAD."""
        mine = ConversationSession.user_id == user_id
        counts_query = (select(Turn.fused_label, func.count()).join(Turn.session).where(mine)
                        .group_by(Turn.fused_label))
        means_query = (select(func.avg(TurnEstimate.valence), func.avg(TurnEstimate.arousal),
                              func.avg(TurnEstimate.dominance))
                       .join(TurnEstimate.turn).join(Turn.session)
                       .where(mine, TurnEstimate.is_fused.is_(True)))
        with self._transaction(f"could not read the affect profile of user {user_id!r}") as s:
            counts = {label: int(n) for label, n in s.execute(counts_query).all()}
            means = s.execute(means_query).one()
        counts = dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
        turns = sum(counts.values())
        mean_vad = VAD(*(float(m) for m in means)) if turns else VAD()
        return AffectProfile(user_id=user_id, turns=turns, label_counts=counts, mean_vad=mean_vad)

    def export_user(self, user_id: str) -> dict:
        """Everything stored about the user as a JSON-serialisable dict.

        Shape: ``{"user_id", "created_at", "sessions": [{"session_id", "created_at",
        "turns": [StoredTurn.to_dict(), ...]}, ...]}``; an unknown user gives no sessions and
        ``created_at`` None.
        """
        load = selectinload(User.sessions).selectinload(ConversationSession.turns)
        with self._transaction(f"could not export user {user_id!r}") as s:
            user = s.get(User, user_id, options=[load.selectinload(Turn.estimates),
                                                 load.selectinload(Turn.causes),
                                                 load.selectinload(Turn.media)])
            if user is None:
                return {"user_id": user_id, "created_at": None, "sessions": []}
            return {
                "user_id": user.id,
                "created_at": as_utc(user.created_at).isoformat(),
                "sessions": [{
                    "session_id": session.name,
                    "created_at": as_utc(session.created_at).isoformat(),
                    "turns": [stored_turn(t, user.id, session.name, with_media=True).to_dict()
                              for t in session.turns],
                } for session in user.sessions],
            }

    # ------------------------------------------------------------------------------- lifecycle
    def close(self) -> None:
        """Close all connections. Calling it again does nothing; other calls then fail."""
        with self._lock:
            self._closed = True
            self._dispose()

    def _dispose(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
        self._engine = self._writer = None

    def __enter__(self) -> MemoryStore:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"MemoryStore({self.where!r})"

    # -------------------------------------------------------------------------------- internals
    def _open(self) -> None:
        """Create the directory, connect and migrate; leaves nothing open when it fails."""
        if self._path is not None:
            database.prepare_directory(self._path)
        engine = database.make_engine(self._url, self.busy_timeout)
        try:
            with self._errors("could not open the memory database"):
                database.migrate(engine, self.where)
        except BaseException:
            engine.dispose()
            raise
        self._engine, self._writer = engine, database.writer(engine)
        self._file_id = self._identify_file()

    def _identify_file(self) -> tuple[int, int] | None:
        """(device, inode) of the SQLite file, None when it is gone or this is no SQLite file."""
        if self._path is None:
            return None
        try:
            info = os.stat(self._path)
        except OSError:
            return None
        return info.st_dev, info.st_ino

    def _check_file(self) -> tuple[Engine, Engine]:
        """The (reader, writer) engines; reopens first if the SQLite file was deleted or replaced.

        Open connections keep using a deleted file, so without this, new turns would silently go
        to a file nobody can see any more.
        """
        with self._lock:
            if self._closed:
                raise StoreError(f"the memory store for {self.where} is closed; "
                                 f"open a new MemoryStore.")
            if self._engine is not None:
                if self._path is None or self._identify_file() == self._file_id:
                    return self._engine, self._writer
                log.warning("The memory database %s was deleted or replaced while Empathica was "
                            "running; reopening whatever is at that path now (a new, empty "
                            "database if nothing is).", self._path)
                self._dispose()
            self._open()  # also retries after an earlier failed reopen
            return self._engine, self._writer

    @contextmanager
    def _errors(self, action: str) -> Iterator[None]:
        """Turn SQLAlchemy errors raised inside into `StoreError`s that start with `action`."""
        try:
            yield
        except SQLAlchemyError as exc:
            raise explain(exc, action=action, where=self.where,
                          busy_timeout=self.busy_timeout) from exc

    @contextmanager
    def _transaction(self, action: str, write: bool = False) -> Iterator[Session]:
        """A Session in one transaction: committed on success, rolled back on any error."""
        reader, writer = self._check_file()
        bind = writer if write else reader
        with self._errors(action), Session(bind, expire_on_commit=False) as session, \
                session.begin():
            yield session

    @staticmethod
    def _find_session(s: Session, user_id: str, session_id: str) -> ConversationSession | None:
        return s.scalar(select(ConversationSession).where(
            ConversationSession.user_id == user_id, ConversationSession.name == session_id))

