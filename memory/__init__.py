"""Empathica's long-term memory: turns, the user's affect and the agent's emotion, in SQL.

    store = MemoryStore("sqlite:////home/me/.local/share/empathica/empathica.db")
    index = store.save_turn(TurnRecord(...))
    recent = store.history("alice", "s1", limit=6)

The schema is managed by Alembic (``memory/migrations``) and upgraded when a store opens.
"""

from memory.errors import StoreError
from memory.records import AffectProfile, MediaItem, StoredTurn, TurnRecord
from memory.store import MemoryStore

__all__ = ["MemoryStore", "TurnRecord", "StoredTurn", "MediaItem", "AffectProfile", "StoreError"]
