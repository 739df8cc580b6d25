"""The store contract and `open_store(url)`."""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable
from urllib.parse import urlparse

from flowagent.errors import FlowagentError


@runtime_checkable
class ConversationStore(Protocol):
    """Keeps the latest snapshot of each conversation, by conversation id.

    `save` must be atomic: after a crash, `load` returns either the previous snapshot or the
    new one, never a mix. Implementations must be safe to share between threads.
    """

    def save(self, conversation_id: str, snapshot: dict[str, Any]) -> None: ...

    def load(self, conversation_id: str) -> dict[str, Any] | None: ...

    def delete(self, conversation_id: str) -> None: ...

    def close(self) -> None: ...


class StoreError(FlowagentError):
    """Raised when a store URL is malformed or its backend is unavailable."""


def open_store(url: str) -> ConversationStore:
    """A store from a URL: `memory://`, `sqlite:///path/to.db` (`sqlite:///:memory:` too),
    or `redis://host:port/db` (needs `pip install 'flowagent[redis]'`)."""
    parsed = urlparse(url)
    if parsed.scheme == "memory":
        from flowagent.store.memory import MemoryStore

        return MemoryStore()
    if parsed.scheme == "sqlite":
        from flowagent.store.sqlite import SqliteStore

        path = url[len("sqlite:///") :] if url.startswith("sqlite:///") else parsed.path
        if not path:
            raise StoreError(f"sqlite store URL needs a path: {url!r} (e.g. sqlite:///calls.db)")
        return SqliteStore(path)
    if parsed.scheme in ("redis", "rediss"):
        from flowagent.store.redis import RedisStore

        return RedisStore.from_url(url)
    raise StoreError(
        f"unknown store URL {url!r}: use memory://, sqlite:///path.db or redis://host:port/0"
    )
