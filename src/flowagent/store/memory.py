"""In-process store: for tests and single-process agents that need no durability."""

from __future__ import annotations

import copy
import threading
from typing import Any

from flowagent.errors import StoreConflict
from flowagent.store.base import DEFAULT_TIMEOUT, revision_of


class MemoryStore:
    """Snapshots in a dict (deep-copied, so callers can't change what was saved), with the
    same compare-and-set on `revision` as the durable stores."""

    def __init__(self, timeout: float = DEFAULT_TIMEOUT) -> None:
        self._data: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()
        self.timeout = timeout

    def save(self, conversation_id: str, snapshot: dict[str, Any]) -> None:
        copied = copy.deepcopy(snapshot)
        new = revision_of(copied)
        with self._lock:
            stored = self._data.get(conversation_id)
            found = revision_of(stored)
            if stored is not None and new and (found < 1 or found != new - 1):
                raise StoreConflict(conversation_id, new - 1, found, str(stored.get("writer", "")))
            self._data[conversation_id] = copied

    def load(self, conversation_id: str) -> dict[str, Any] | None:
        with self._lock:
            found = self._data.get(conversation_id)
        return copy.deepcopy(found) if found is not None else None

    def delete(self, conversation_id: str) -> None:
        with self._lock:
            self._data.pop(conversation_id, None)

    def close(self) -> None:
        pass
