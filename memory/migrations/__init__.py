"""Alembic migration environment of the memory store (see `memory.store.alembic_config`)."""
