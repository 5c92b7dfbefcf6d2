"""Alembic revisions of the memory schema, oldest first: 0001_initial, ..."""
