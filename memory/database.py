"""Opening the memory database: URL checks, SQLite directory and pragmas, and Alembic migrations.

Alembic is configured in code (`alembic_config`): the migration scripts live in the package folder
``memory/migrations``, so no ``alembic.ini`` is needed at run time.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError
from sqlalchemy.pool import StaticPool

from memory.errors import ELSEWHERE, StoreError

#: Folder holding env.py, script.py.mako and versions/.
MIGRATIONS_DIR = Path(__file__).parent / "migrations"

#: Execution option naming the statement that opens a transaction on SQLite.
SQLITE_BEGIN = "empathica_sqlite_begin"


def parse_url(url: str) -> URL:
    """`url` as an SQLAlchemy URL; StoreError when it is not one."""
    try:
        return make_url(url)
    except (ArgumentError, ValueError, TypeError) as exc:
        raise StoreError(
            f"bad database URL {url!r}: {exc}. Expected an SQLAlchemy URL such as "
            f"sqlite:////home/you/.local/share/empathica/empathica.db or "
            f"postgresql+psycopg://user@host/empathica.") from exc


def describe(url: URL) -> str:
    """`url` for messages, password hidden."""
    return url.render_as_string(hide_password=True)


def sqlite_file(url: URL) -> Path | None:
    """The database file of a file-based SQLite URL (absolute), None for anything else."""
    if url.get_backend_name() != "sqlite":
        return None
    database = url.database or ""
    if database in ("", ":memory:") or database.startswith("file:"):
        return None  # in-memory, or a URI whose path SQLite parses itself
    return Path(database).expanduser().absolute()


def is_sqlite_memory(url: URL) -> bool:
    """True for an in-memory SQLite URL (``sqlite://``)."""
    return url.get_backend_name() == "sqlite" and (url.database or ":memory:") == ":memory:"


def prepare_directory(path: Path) -> None:
    """Create the directory of the SQLite file `path`; StoreError if it cannot be made or written."""
    parent = path.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(
            f"cannot create the directory {parent} for the memory database {path}: "
            f"{exc.strerror or exc}. Create it (writable by this user), {ELSEWHERE}.") from exc
    if path.is_dir():
        raise StoreError(f"the memory database path {path} is a directory, not a file; "
                         f"remove or rename that directory, {ELSEWHERE}.")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise StoreError(
            f"the directory {parent} is not writable, so the memory database {path} cannot be "
            f"created or written (SQLite keeps journal files next to it). Fix its permissions, "
            f"{ELSEWHERE}.")
    if path.exists() and not os.access(path, os.R_OK | os.W_OK):
        raise StoreError(f"the memory database {path} is not readable and writable by this user; "
                         f"fix its permissions, {ELSEWHERE}.")


def make_engine(url: URL, busy_timeout: float) -> Engine:
    """An Engine for `url`; on SQLite with WAL, foreign keys, a busy timeout and real transactions.

    Python's sqlite3 module starts transactions lazily (not before SELECTs), so we switch that off
    and emit BEGIN ourselves: plain ``BEGIN`` normally, or whatever the ``SQLITE_BEGIN`` execution
    option says (``BEGIN IMMEDIATE`` for writes, so a turn's read-then-write is atomic and waits
    for other writers up to `busy_timeout` seconds instead of failing half-way).
    """
    kwargs: dict = {}
    if is_sqlite_memory(url):  # one shared connection, or every checkout would get a new database
        kwargs = {"poolclass": StaticPool, "connect_args": {"check_same_thread": False}}
    try:
        engine = create_engine(url, **kwargs)
    except (ArgumentError, NoSuchModuleError) as exc:
        raise StoreError(f"bad database URL {describe(url)!r}: {exc}. Check the dialect name "
                         f"(e.g. sqlite, postgresql+psycopg).") from exc
    except ImportError as exc:
        raise StoreError(f"cannot use the database URL {describe(url)!r}: its driver is not "
                         f"installed ({exc}). Install it with pip, {ELSEWHERE}.") from exc
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine, busy_timeout)
    return engine


def _configure_sqlite(engine: Engine, busy_timeout: float) -> None:
    timeout_ms = max(0, int(busy_timeout * 1000))

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None  # no implicit BEGINs; see _on_begin
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {timeout_ms}")
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.execute("PRAGMA journal_mode = WAL")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:
        connection.exec_driver_sql(connection.get_execution_options().get(SQLITE_BEGIN, "BEGIN"))


def writer(engine: Engine) -> Engine:
    """`engine`, but its transactions take the write lock at once (BEGIN IMMEDIATE) on SQLite."""
    return engine.execution_options(**{SQLITE_BEGIN: "BEGIN IMMEDIATE"})


def alembic_config(connection=None) -> Config:
    """An Alembic Config for the memory migrations, optionally bound to an open `connection`."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


@functools.cache
def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def head_revision() -> str:
    """The newest schema revision this code knows."""
    return _scripts().get_current_head()


def current_revision(engine: Engine) -> str | None:
    """The schema revision recorded in the database (None for a fresh one)."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def migrate(engine: Engine, where: str) -> None:
    """Bring the schema to the newest revision; a quick read and nothing else when it already is."""
    current = current_revision(engine)
    if current == head_revision():
        return
    if current is not None:
        try:
            _scripts().get_revision(current)
        except CommandError as exc:
            raise StoreError(
                f"the database {where} has schema revision {current!r}, which this version of "
                f"Empathica does not know (it was written by a newer one). Upgrade Empathica, "
                f"{ELSEWHERE}.") from exc
    with writer(engine).begin() as connection:  # one transaction: all migrations or none
        command.upgrade(alembic_config(connection), "head")
