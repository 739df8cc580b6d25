"""Durable conversations: where snapshots live between turns.

    store = open_store("sqlite:///calls.db")          # or "memory://", "redis://localhost:6379/0"
    conv = flow.new_conversation(store=store)          # saved after every turn
    conv = flow.resume(conversation_id, store)         # after a crash, on another worker

The engine saves the snapshot after every turn *before* the reply is returned, so a reply a
caller heard is always on record, and a turn that was not recorded was never answered.
"""

from __future__ import annotations

from flowagent.store.base import ConversationStore, open_store
from flowagent.store.memory import MemoryStore
from flowagent.store.sqlite import SqliteStore

__all__ = ["ConversationStore", "MemoryStore", "SqliteStore", "open_store"]
