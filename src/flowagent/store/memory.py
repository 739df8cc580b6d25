"""In-process store: for tests and single-process agents that need no durability."""

from __future__ import annotations

import copy
import threading
from typing import Any


class MemoryStore:
    """Snapshots in a dict (deep-copied, so callers can't change what was saved)."""

    def __init__(self) -> None:
        self._data: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()

    def save(self, conversation_id: str, snapshot: dict[str, Any]) -> None:
        copied = copy.deepcopy(snapshot)
        with self._lock:
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
