"""`StoreError` and the translation of low-level database errors into messages a user can act on."""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError, IntegrityError, SQLAlchemyError

#: How to point Empathica at another database (see agent.settings); quoted in error messages.
ELSEWHERE = "or point Empathica at another database (EMPATHICA_MEMORY__URL or [memory] url in config.toml)"


class StoreError(RuntimeError):
    """The memory store cannot do what was asked; the message says which database, why and what to do.

    Data saved before the failure is kept: a failed save rolls back that one turn only, and the
    store never overwrites or deletes a database file it cannot read.
    """


def explain(exc: SQLAlchemyError, *, action: str, where: str, busy_timeout: float) -> StoreError:
    """A `StoreError` describing `exc`, which happened while `action` on the database `where`."""
    orig = exc.orig if isinstance(exc, DBAPIError) else exc
    detail = str(orig).strip() or type(orig).__name__
    text = detail.lower()
    if "locked" in text or "lock timeout" in text:
        return StoreError(
            f"{action}: the database {where} is locked by another process or connection "
            f"(waited {busy_timeout:g} s). Close other programs using it (another Empathica?) and try "
            f"again, or raise the busy timeout.")
    if "not a database" in text or "malformed" in text or "file is encrypted" in text:
        return StoreError(
            f"{action}: {where} is not a readable SQLite database (it is corrupt or some other kind "
            f"of file). It has been left untouched. Move it aside (e.g. rename it to *.corrupt) to "
            f"start a fresh memory, restore it from a backup, {ELSEWHERE}.")
    if "readonly" in text or "read-only" in text or "unable to open" in text or "permission" in text:
        return StoreError(
            f"{action}: cannot open or write the database {where} ({detail}). Make sure the file "
            f"and its directory exist and are writable by this user, {ELSEWHERE}.")
    if "disk i/o" in text or "disk is full" in text or "no space" in text:
        return StoreError(
            f"{action}: input/output error on the database {where} ({detail}). Check the disk "
            f"(free space, removed drive, network share) and try again.")
    if "connection failed" in text or "could not connect" in text or "connection refused" in text:
        return StoreError(
            f"{action}: cannot connect to the database server of {where} ({detail}). Start the "
            f"server or check the host, port, database name and credentials in the URL, {ELSEWHERE}.")
    if isinstance(exc, IntegrityError):
        return StoreError(f"{action}: the database {where} rejected the data ({detail}).")
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return StoreError(f"{action}: lost the connection to the database {where} ({detail}).")
    return StoreError(f"{action}: database error on {where}: {detail}")
