"""Alembic environment for Empathica's memory schema.

Normally run by `memory.store.MemoryStore`, which hands over an open connection in
``config.attributes["connection"]``. Run from the command line (``alembic -c memory/alembic.ini ...``,
e.g. to autogenerate a new revision) it connects to ``sqlalchemy.url`` from the config instead;
``-x url=...`` overrides that URL.
"""

from __future__ import annotations

from logging.config import fileConfig

from alembic import context
from sqlalchemy import create_engine
from sqlalchemy.engine import Connection
from sqlalchemy.pool import NullPool

from memory.models import Base

config = context.config
target_metadata = Base.metadata


def _url() -> str:
    return context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option(
        "sqlalchemy.url")


def _configure(**kwargs) -> None:
    # render_as_batch: SQLite cannot ALTER most things, so later migrations copy-and-move tables.
    context.configure(target_metadata=target_metadata, render_as_batch=True, compare_type=True,
                      **kwargs)


def run_offline() -> None:
    """Emit SQL to stdout instead of running it (``alembic upgrade head --sql``)."""
    _configure(url=_url(), literal_binds=True, dialect_opts={"paramstyle": "named"})
    with context.begin_transaction():
        context.run_migrations()


def _run_on(connection: Connection) -> None:
    _configure(connection=connection)
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    """Run the migrations on the caller's connection, or on a fresh one to ``sqlalchemy.url``."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _run_on(connection)
        return
    if config.config_file_name is not None:  # command-line use: log as alembic.ini says
        fileConfig(config.config_file_name, disable_existing_loggers=False)
    engine = create_engine(_url(), poolclass=NullPool)
    try:
        with engine.begin() as connection:
            _run_on(connection)
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
