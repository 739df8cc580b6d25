"""Durable conversations: where snapshots live between turns.

    store = open_store("sqlite:///calls.db")          # or "memory://", "redis://localhost:6379/0"
    conv = flow.new_conversation(store=store)          # saved after every turn
    conv = flow.resume(conversation_id, store)         # after a crash, on another worker

The engine saves the snapshot after every turn *before* the reply is returned, so a reply a
caller heard is always on record, and a turn that was not recorded was never answered.
"""

from __future__ import annotations

import math
from urllib.parse import parse_qsl, urlencode, urlparse, urlunparse

from flowagent.errors import StoreError
from flowagent.store.base import DEFAULT_TIMEOUT, ConversationStore
from flowagent.store.memory import MemoryStore
from flowagent.store.sqlite import SqliteStore

__all__ = ["ConversationStore", "MemoryStore", "SqliteStore", "open_store"]


def _timeout(query: dict[str, str], url: str, default: float | None) -> float:
    raw = query.pop("timeout", None)
    if raw is None:
        return DEFAULT_TIMEOUT if default is None else default
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and 0 < value <= 60):
        raise StoreError(f"store URL {url!r}: timeout must be seconds between 0 and 60")
    return value


def open_store(url: str, *, timeout: float | None = None) -> ConversationStore:
    """A store from a URL: `memory://`, `sqlite:///path/to.db` (`sqlite:///:memory:` too),
    or `redis://host:port/db` (needs `pip install 'flowagent[redis]'`).

    `timeout` (seconds; or `?timeout=0.5` in the URL; default `DEFAULT_TIMEOUT`) bounds how
    long a turn waits for a save and a call start for a load. Raises StoreError for a bad URL
    or a store that cannot be opened (a corrupt or unreadable SQLite file, a SQLite table that
    cannot take compare-and-set writes)."""
    parsed = urlparse(url)
    query = dict(parse_qsl(parsed.query))
    wait = _timeout(query, url, timeout)
    if parsed.scheme == "memory":
        return MemoryStore(timeout=wait)
    if parsed.scheme == "sqlite":
        bare = url.split("?", 1)[0]
        path = bare[len("sqlite:///") :] if bare.startswith("sqlite:///") else parsed.path
        if not path:
            raise StoreError(f"sqlite store URL needs a path: {url!r} (e.g. sqlite:///calls.db)")
        return SqliteStore(path, timeout=wait)
    if parsed.scheme in ("redis", "rediss"):
        from flowagent.store.redis import RedisStore

        rest = urlunparse(parsed._replace(query=urlencode(query)))
        try:
            return RedisStore.from_url(rest, timeout=wait)
        except (ValueError, TypeError) as err:  # redis-py's reading of the URL: a bad port, db
            raise StoreError(f"bad redis store URL {url!r}: {err}") from None
    raise StoreError(
        f"unknown store URL {url!r}: use memory://, sqlite:///path.db or redis://host:port/0"
    )
