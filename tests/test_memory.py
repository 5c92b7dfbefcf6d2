"""Tests of the memory package: round trips, isolation, transactions, migrations and failures.

The tests taking `url` or `store` run on SQLite and on PostgreSQL (a real server: .ci/start-postgres
starts one and $EMPATHICA_TEST_POSTGRES_URL names it; see `postgres_url` in conftest.py).
"""

from __future__ import annotations

import base64
import json
import os
import random
import socket
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from memory import AffectProfile, MediaItem, MemoryStore, StoredTurn, StoreError, TurnRecord
from memory import database
from memory.models import Base, Turn
from perception.emotions import VAD, Cause, EmotionEstimate, UserAffect


def estimate(label: str, modality: str, confidence: float = 0.7) -> EmotionEstimate:
    """A made-up estimate peaked on `label`."""
    rest = (1.0 - confidence) / 6
    scores = {e: (confidence if e == label else rest)
              for e in ("neutral", "joy", "sadness", "anger", "fear", "disgust", "surprise")}
    return EmotionEstimate(label, scores, VAD.of(label), confidence, modality)


def record(user: str = "alice", session: str = "s1", text: str = "I lost my keys", *,
           feels: str = "sadness", responds: str = "sadness", causes: list[Cause] | None = None,
           persona: str | None = "warm", media: list[MediaItem] | None = None, **crisis) -> TurnRecord:
    """A full turn record with fused, text and speech estimates and one cause."""
    return TurnRecord(
        user_id=user, session_id=session, user_text=text,
        affect=UserAffect(estimate(feels, "fused", 0.6),
                          {"text": estimate(feels, "text", 0.8),
                           "speech": estimate("neutral", "speech", 0.5)}),
        causes=[Cause(0, 2, 14, text[2:14], 0.91)] if causes is None else causes,
        response_emotion=responds, response_vad=VAD.of(responds), response_intensity=0.42,
        reply_text=f"reply to {text}", timings={"perceive": 0.12, "reply": 0.75}, persona=persona,
        media=media or [], **crisis)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "empathica.db"


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, db_path: Path) -> str:
    """A database that does not exist yet (SQLite) or is empty (PostgreSQL)."""
    if request.param == "postgresql":
        return request.getfixturevalue("postgres_url")
    return f"sqlite:///{db_path}"


@pytest.fixture
def store(url: str):
    with MemoryStore(url) as s:
        yield s


def raw_engine(url: str):
    """A plain engine on `url` (no store), creating an SQLite file's folder first."""
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    return create_engine(url)


def count_rows(url: str, table: str) -> int:
    engine = raw_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
    finally:
        engine.dispose()


# ------------------------------------------------------------------------------------ round trips
def test_round_trip_of_a_full_turn(store: MemoryStore, db_path: Path, url: str):
    assert db_path.exists() == url.startswith("sqlite")  # the parent directory was created
    saved = record(causes=[Cause(0, 2, 6, "lost", 0.9), Cause(1, 0, 3, "my ", 0.25)])
    assert store.save_turn(saved) == 0
    [turn] = store.history("alice", "s1")
    assert isinstance(turn, StoredTurn)
    assert turn.to_record() == saved
    assert turn.index == 0
    assert abs(turn.created_at - datetime.now(timezone.utc)) < timedelta(minutes=1)
    assert isinstance(turn.affect, UserAffect)
    assert isinstance(turn.affect.fused, EmotionEstimate)
    assert list(turn.affect.modalities) == ["text", "speech"]
    assert all(isinstance(c, Cause) for c in turn.causes)


def test_round_trip_without_persona_causes_or_timings(store: MemoryStore):
    saved = TurnRecord("bob", "x", "hm", UserAffect(estimate("neutral", "text")), [], "neutral",
                       VAD(), 0.0, "ok")
    store.save_turn(saved)
    assert store.history("bob", "x")[0].to_record() == saved


def test_in_memory_sqlite_works():
    with MemoryStore("sqlite://") as s:
        assert s.save_turn(record()) == 0
        assert len(s.history("alice", "s1")) == 1


def test_history_is_oldest_first_and_limited(store: MemoryStore):
    for i in range(5):
        assert store.save_turn(record(text=f"turn number {i}")) == i
    assert [t.user_text for t in store.history("alice", "s1")] == [f"turn number {i}"
                                                                   for i in range(5)]
    last3 = store.history("alice", "s1", limit=3)
    assert [t.index for t in last3] == [2, 3, 4]
    assert store.history("alice", "s1", limit=0) == []
    assert store.history("alice", "nope") == []


def test_sessions_of_different_users_are_isolated(store: MemoryStore):
    store.save_turn(record("alice", "s1", "alice speaking", responds="joy"))
    assert store.save_turn(record("bob", "s1", "bob speaking", feels="anger")) == 0
    assert [t.user_text for t in store.history("alice", "s1")] == ["alice speaking"]
    assert [t.user_text for t in store.history("bob", "s1")] == ["bob speaking"]
    assert store.agent_state("alice", "s1")[0] == "joy"
    assert store.agent_state("bob", "s1")[0] == "sadness"
    assert store.affect_profile("bob").label_counts == {"anger": 1}


def test_agent_state_survives_a_restart(url: str):
    with MemoryStore(url) as first:
        assert first.agent_state("alice", "s1") is None
        first.save_turn(record(responds="joy"))
        first.save_turn(record(responds="surprise"))
    with MemoryStore(url) as second:
        assert second.agent_state("alice", "s1") == ("surprise", VAD.of("surprise"))
        assert second.agent_state("alice", "s2") is None
        assert second.save_turn(record()) == 2


def test_affect_profile_counts_only_this_users_turns(store: MemoryStore):
    store.save_turn(record(feels="joy"))
    store.save_turn(record(session="s2", feels="sadness"))
    store.save_turn(record(session="s2", feels="sadness"))
    store.save_turn(record("bob", feels="anger"))
    profile = store.affect_profile("alice")
    assert isinstance(profile, AffectProfile)
    assert profile.turns == 3 and profile.dominant == "sadness"
    assert profile.label_counts == {"sadness": 2, "joy": 1}
    expected = [(j + 2 * s) / 3 for j, s in zip(VAD.of("joy").as_array(),
                                                 VAD.of("sadness").as_array())]
    got = [profile.mean_vad.valence, profile.mean_vad.arousal, profile.mean_vad.dominance]
    assert got == pytest.approx(expected, abs=1e-6)
    assert store.affect_profile("nobody") == AffectProfile("nobody", 0, {}, VAD())


# ----------------------------------------------------------------------------------- transactions
def test_a_failed_save_writes_nothing_of_that_turn(store: MemoryStore, url: str):
    store.save_turn(record(text="first turn"))
    bad_cause = Cause(0, 0, 4, None, 0.5)  # type: ignore[arg-type]  # text is NOT NULL
    with pytest.raises(StoreError, match="nothing of it was written"):
        store.save_turn(record(text="broken turn", causes=[bad_cause]))
    with pytest.raises(StoreError):  # a new user and session: those rows are rolled back too
        store.save_turn(record("carol", "new", causes=[bad_cause]))
    assert [t.user_text for t in store.history("alice", "s1")] == ["first turn"]
    assert store.export_user("carol")["sessions"] == []
    assert count_rows(url, "turns") == 1
    assert count_rows(url, "turn_estimates") == 3
    assert count_rows(url, "turn_causes") == 1
    assert count_rows(url, "users") == 1
    assert store.save_turn(record(text="second turn")) == 1


def test_a_crash_after_the_turn_was_flushed_rolls_it_back(store: MemoryStore, monkeypatch):
    store.save_turn(record(text="kept"))
    original_flush = Session.flush

    def flush_then_fail(self, *args, **kwargs):
        original_flush(self, *args, **kwargs)
        if any(isinstance(obj, Turn) for obj in self):
            raise RuntimeError("power cut mid-save")

    monkeypatch.setattr(Session, "flush", flush_then_fail)
    with pytest.raises(RuntimeError, match="power cut"):
        store.save_turn(record(text="lost", session="s1"))
    monkeypatch.undo()
    assert [t.user_text for t in store.history("alice", "s1")] == ["kept"]
    assert store.save_turn(record(text="after")) == 1


# ------------------------------------------------------------------------------------- migrations
def test_fresh_database_is_at_head_and_matches_the_models(store: MemoryStore, url: str):
    engine = raw_engine(url)
    try:
        with engine.connect() as conn:
            version = conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
            if url.startswith("sqlite"):
                assert conn.execute(text("PRAGMA journal_mode")).scalar_one() == "wal"
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
    finally:
        engine.dispose()
    assert version == database.head_revision() == "0003"


def test_migrations_downgrade_and_upgrade_again(url: str):
    engine = raw_engine(url)
    try:
        with engine.begin() as conn:
            command.upgrade(database.alembic_config(conn), "head")
            command.downgrade(database.alembic_config(conn), "base")
            command.upgrade(database.alembic_config(conn), "head")
        assert database.current_revision(engine) == database.head_revision()
    finally:
        engine.dispose()


def test_reopening_a_current_database_runs_no_migration(url: str, monkeypatch):
    MemoryStore(url).close()
    monkeypatch.setattr(database.command, "upgrade", lambda *a, **k: pytest.fail("migrated"))
    MemoryStore(url).close()


def test_database_from_a_newer_version_is_refused(url: str):
    MemoryStore(url).close()
    engine = raw_engine(url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()
    with pytest.raises(StoreError, match="newer"):
        MemoryStore(url)


def test_a_database_of_the_previous_schema_is_upgraded_with_its_turns(url: str):
    """A database written by the previous release (schema 0001, before raw media) opens, keeps its
    turns, and takes new turns with media."""
    engine = raw_engine(url)
    with engine.begin() as conn:
        command.upgrade(database.alembic_config(conn), "0001")
        conn.execute(text("INSERT INTO users (id, created_at) VALUES ('old', :t)"),
                     {"t": datetime(2026, 1, 2, tzinfo=timezone.utc)})
        conn.execute(text("INSERT INTO sessions (id, user_id, name, created_at) "
                          "VALUES (7, 'old', 's', :t)"), {"t": datetime(2026, 1, 2, tzinfo=timezone.utc)})
        conn.execute(text(
            "INSERT INTO turns (id, session_id, index, created_at, user_text, reply_text, "
            "response_emotion, response_valence, response_arousal, response_dominance, "
            "response_intensity, fused_label, timings, persona) VALUES (70, 7, 0, :t, "
            "'written by 0001', 'an old reply', 'joy', 0.5, 0.3, 0.2, 0.4, 'sadness', '{}', NULL)"
            .replace(" index,", ' "index",')), {"t": datetime(2026, 1, 2, tzinfo=timezone.utc)})
        conn.execute(text(
            "INSERT INTO turn_estimates (turn_id, is_fused, modality, label, scores, valence, "
            "arousal, dominance, confidence) VALUES (70, :yes, 'fused', 'sadness', "
            "'{\"sadness\": 0.9}', -0.6, -0.3, -0.3, 0.9)"), {"yes": True})
        conn.execute(text("INSERT INTO turn_causes (turn_id, utterance, start, \"end\", text, score) "
                          "VALUES (70, 0, 0, 7, 'written', 0.8)"))
    assert database.current_revision(engine) == "0001"
    engine.dispose()
    with MemoryStore(url) as store:
        [old] = store.history("old", "s")
        assert (old.user_text, old.reply_text, old.affect.fused.label) == (
            "written by 0001", "an old reply", "sadness")
        assert old.causes[0].text == "written" and old.media == []
        assert (old.risk, old.crisis, old.careful) == (0.0, None, False)  # 0003: nothing was flagged then
        clip = MediaItem("audio", "audio/flac", b"fLaC\x00\x01")
        assert store.save_turn(record("old", "s", "a new turn", media=[clip])) == 1
        exported = store.export_user("old")["sessions"][0]["turns"]
        assert [len(t["media"]) for t in exported] == [0, 1]
    assert count_rows(url, "turn_media") == 1
    engine = raw_engine(url)
    assert database.current_revision(engine) == database.head_revision()
    engine.dispose()


def test_a_crisis_turn_and_its_careful_followers_are_stored_exported_and_forgotten(store: MemoryStore):
    store.save_turn(record(text="I want to end it", risk=0.97, crisis="classifier: risk 0.97", careful=True))
    store.save_turn(record(text="idk", risk=0.2, careful=True))
    store.save_turn(record(text="hello", risk=0.01))
    recalled = store.history("alice", "s1")
    assert [(t.risk, t.crisis, t.careful) for t in recalled] == [
        (0.97, "classifier: risk 0.97", True), (0.2, None, True), (0.01, None, False)]
    exported = store.export_user("alice")["sessions"][0]["turns"]
    assert [(t["crisis"], t["careful"]) for t in exported] == [("classifier: risk 0.97", True), (None, True),
                                                               (None, False)]
    assert store.delete_user("alice") and store.history("alice", "s1") == []


def test_media_are_exported_but_not_recalled(store: MemoryStore):
    frame = MediaItem("image", "image/png", bytes(range(256)))
    store.save_turn(record(media=[MediaItem("audio", "audio/flac", b"fLaC" * 100), frame]))
    store.save_turn(record(text="no media"))
    assert [t.media for t in store.history("alice", "s1")] == [[], []]  # prompts never load bytes
    first, second = store.export_user("alice")["sessions"][0]["turns"]
    assert [(m["kind"], m["mime_type"], m["bytes"]) for m in first["media"]] == [
        ("audio", "audio/flac", 400), ("image", "image/png", 256)]
    assert base64.b64decode(first["media"][1]["data_base64"]) == frame.data
    assert second["media"] == []


# --------------------------------------------------------------------------------------- failures
def test_corrupt_file_is_reported_and_left_untouched(tmp_path: Path):
    path = tmp_path / "empathica.db"
    garbage = random.Random(0).randbytes(8192)
    path.write_bytes(garbage)
    with pytest.raises(StoreError, match="not a readable SQLite database") as info:
        MemoryStore(f"sqlite:///{path}")
    assert str(path) in str(info.value)
    assert path.read_bytes() == garbage
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empathica.db"]


def test_unwritable_directory_is_reported(tmp_path: Path):
    locked_dir = tmp_path / "readonly"
    locked_dir.mkdir()
    locked_dir.chmod(0o500)
    try:
        if os.access(locked_dir, os.W_OK):  # root ignores permissions: use a file as "directory"
            blocker = tmp_path / "a-file"
            blocker.write_text("not a directory")
            target = blocker / "empathica.db"
        else:
            target = locked_dir / "empathica.db"
        with pytest.raises(StoreError, match="directory") as info:
            MemoryStore(f"sqlite:///{target}")
        assert str(target.parent) in str(info.value)
    finally:
        locked_dir.chmod(0o700)


def test_locked_database_times_out_then_works_after_release(db_path: Path):
    with MemoryStore(f"sqlite:///{db_path}", busy_timeout=0.05) as store:
        store.save_turn(record(text="before the lock"))
        other = sqlite3.connect(db_path, isolation_level=None)
        try:
            other.execute("BEGIN EXCLUSIVE")
            with pytest.raises(StoreError, match="locked"):
                store.save_turn(record(text="during the lock"))
            assert len(store.history("alice", "s1")) == 1  # reading still works (WAL)
        finally:
            other.execute("ROLLBACK")
            other.close()
        assert store.save_turn(record(text="after the lock")) == 1
        assert [t.user_text for t in store.history("alice", "s1")] == ["before the lock",
                                                                       "after the lock"]


def test_database_file_deleted_while_running_is_reopened(db_path: Path):
    with MemoryStore(f"sqlite:///{db_path}") as store:
        store.save_turn(record())
        db_path.unlink()
        assert store.save_turn(record(text="after deletion")) == 0
        assert db_path.exists()
        assert [t.user_text for t in store.history("alice", "s1")] == ["after deletion"]


def test_a_postgresql_server_that_is_not_there_is_reported():
    with socket.socket() as probe:  # a loopback port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(StoreError) as info:
        MemoryStore(f"postgresql+psycopg://nobody@127.0.0.1:{port}/empathica")
    assert f"127.0.0.1:{port}" in str(info.value)
    assert "cannot connect to the database server" in str(info.value)


@pytest.mark.parametrize("url", ["not a url", "nosuchdialect://host/db"])
def test_bad_url_is_reported(url: str):
    with pytest.raises(StoreError, match="bad database URL"):
        MemoryStore(url)


def test_closed_store_refuses_calls(db_path: Path):
    store = MemoryStore(f"sqlite:///{db_path}")
    store.close()
    store.close()
    with pytest.raises(StoreError, match="closed"):
        store.history("alice", "s1")


# ------------------------------------------------------------------------------- delete / export
def test_delete_user_removes_everything_of_that_user_only(store: MemoryStore, url: str):
    store.save_turn(record("alice", "s1", media=[MediaItem("audio", "audio/flac", b"fLaC...")]))
    store.save_turn(record("alice", "s2"))
    store.save_turn(record("bob", "s1"))
    assert store.delete_user("alice") is True
    assert store.delete_user("alice") is False
    assert store.history("alice", "s1") == [] and store.history("alice", "s2") == []
    assert store.export_user("alice")["sessions"] == []
    assert len(store.history("bob", "s1")) == 1
    counts = {t: count_rows(url, t) for t in
              ("users", "sessions", "turns", "turn_estimates", "turn_causes", "turn_media")}
    assert counts == {"users": 1, "sessions": 1, "turns": 1, "turn_estimates": 3,
                      "turn_causes": 1, "turn_media": 0}


def test_export_user_is_json_serialisable(store: MemoryStore):
    store.save_turn(record("alice", "s1", "one"))
    store.save_turn(record("alice", "s1", "two"))
    store.save_turn(record("alice", "s2", "three"))
    store.save_turn(record("bob", "s1", "not alice"))
    exported = json.loads(json.dumps(store.export_user("alice")))
    assert exported["user_id"] == "alice"
    assert [s["session_id"] for s in exported["sessions"]] == ["s1", "s2"]
    turns = exported["sessions"][0]["turns"]
    assert [t["user_text"] for t in turns] == ["one", "two"]
    assert turns[0]["affect"]["fused"]["label"] == "sadness"
    assert set(turns[0]["affect"]["modalities"]) == {"text", "speech"}
    assert turns[0]["causes"][0]["score"] == 0.91
    assert EmotionEstimate.from_dict(turns[0]["affect"]["fused"]) == estimate("sadness", "fused", 0.6)
    assert "not alice" not in json.dumps(exported)
