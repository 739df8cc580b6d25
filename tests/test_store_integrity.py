"""A store says when it cannot keep what it is given: a SQLite file deleted or replaced under
a running call, a table that cannot take compare-and-set writes, a Redis record too large to
handle — each is a failed save or a refused store, never `saved=True` with nothing on record."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import NOW
from tests.stores import redis_url  # noqa: F401 - fixture

import flowagent
from flowagent.errors import StoreConflict, StoreError
from flowagent.observe import FlowEvent
from flowagent.store import open_store
from flowagent.store.base import MAX_RECORD_BYTES

LINES = ["hi this is Maria", "Friday at 2pm", "a checkup"]


class Events:
    def __init__(self) -> None:
        self.events: list[FlowEvent] = []

    def emit(self, event: FlowEvent) -> None:
        self.events.append(event)

    def store_errors(self) -> list[dict[str, Any]]:
        return [e.to_dict() for e in self.events if e.event == "store_error"]


def remove(db: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)


def replace(db: Path) -> None:
    other = db.with_name("other.db")
    open_store(f"sqlite:///{other}").close()
    for suffix in ("-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    os.replace(other, db)


@pytest.mark.parametrize(("change", "said"), [(remove, "deleted"), (replace, "replaced")])
def test_a_sqlite_file_changed_under_a_call_fails_the_save_and_says_so(
    appointment: flowagent.Flow, tmp_path: Path, change: Any, said: str
) -> None:
    db = tmp_path / "calls.db"
    store = open_store(f"sqlite:///{db}")
    events = Events()
    conv = appointment.new_conversation(
        now=NOW, conversation_id="call-7", store=store, sinks=[events]
    )
    conv.start()
    assert conv.handle(LINES[0]).saved is True
    change(db)
    assert conv.handle(LINES[1]).saved is False
    [error] = events.store_errors()
    assert error["reason"] == "error" and f"database file was {said}" in error["error"]
    store.close()


@pytest.mark.parametrize("change", [remove, replace], ids=["deleted", "replaced"])
def test_after_the_file_changed_the_next_save_catches_up_in_the_file_at_the_path(
    appointment: flowagent.Flow, tmp_path: Path, change: Any
) -> None:
    db = tmp_path / "calls.db"
    store = open_store(f"sqlite:///{db}")
    conv = appointment.new_conversation(now=NOW, conversation_id="call-7", store=store)
    conv.start()
    conv.handle(LINES[0])
    change(db)
    conv.handle(LINES[1])
    assert conv.handle(LINES[2]).saved is True
    store.close()
    fresh = open_store(f"sqlite:///{db}")  # what a restarted worker opens
    resumed = appointment.resume("call-7", fresh)
    assert resumed is not None and resumed.context.turns == 3
    fresh.close()


def test_a_stale_connection_never_reads_a_deleted_file(tmp_path: Path) -> None:
    db = tmp_path / "calls.db"
    store = open_store(f"sqlite:///{db}")
    store.save("a", {"revision": 1, "context": {}})
    remove(db)
    with pytest.raises(StoreError, match="deleted"):
        store.load("a")
    assert store.load("a") is None  # the database at the path now: a new, empty one
    store.close()


SCHEMAS = {
    "a view": "CREATE TABLE t (id TEXT PRIMARY KEY, snapshot TEXT NOT NULL,"
    " updated_at TEXT, revision INTEGER, writer TEXT);"
    " CREATE VIEW flowagent_conversations AS SELECT * FROM t",
    "no unique id": "CREATE TABLE flowagent_conversations (id TEXT, snapshot TEXT NOT NULL,"
    " updated_at TEXT, revision INTEGER, writer TEXT)",
    "a partial unique index": "CREATE TABLE flowagent_conversations (id TEXT, snapshot TEXT,"
    " updated_at TEXT, revision INTEGER, writer TEXT);"
    " CREATE UNIQUE INDEX i ON flowagent_conversations(id) WHERE revision > 0",
    "no snapshot column": "CREATE TABLE flowagent_conversations (id TEXT PRIMARY KEY,"
    " updated_at TEXT)",
}


@pytest.mark.parametrize("schema", list(SCHEMAS), ids=list(SCHEMAS))
def test_a_sqlite_table_that_cannot_take_compare_and_set_writes_is_refused_at_open(
    tmp_path: Path, schema: str
) -> None:
    db = tmp_path / "calls.db"
    with sqlite3.connect(db) as conn:
        conn.executescript(SCHEMAS[schema])
    with pytest.raises(StoreError, match="cannot be used"):
        open_store(f"sqlite:///{db}")


def test_a_unique_index_on_id_is_as_good_as_a_primary_key(tmp_path: Path) -> None:
    db = tmp_path / "calls.db"
    with sqlite3.connect(db) as conn:
        conn.executescript(
            "CREATE TABLE flowagent_conversations (id TEXT NOT NULL, snapshot TEXT NOT NULL,"
            " updated_at TEXT, revision INTEGER NOT NULL DEFAULT 0, writer TEXT NOT NULL"
            " DEFAULT ''); CREATE UNIQUE INDEX by_id ON flowagent_conversations(id)"
        )
    store = open_store(f"sqlite:///{db}")
    store.save("a", {"revision": 1, "context": {}})
    assert (store.load("a") or {})["revision"] == 1
    store.close()


# --- Redis: records read and compared without decoding them in Redis -------------------------


@pytest.fixture
def redis_store(request: pytest.FixtureRequest) -> Any:
    store = open_store(request.getfixturevalue("redis_url"))
    yield store
    store.close()


def raw_client(store: Any) -> Any:
    """The store's own redis-py client, to plant and inspect what is at a key."""
    return store._client


def test_a_huge_value_at_a_redis_key_is_neither_read_nor_overwritten(
    redis_store: Any,
) -> None:
    client = raw_client(redis_store)
    key = redis_store.prefix + "call-big"
    client.set(key, b'{"revision": 3, "pad": "' + b"x" * (MAX_RECORD_BYTES + 10) + b'"}')
    with pytest.raises(StoreError, match="more than"):
        redis_store.load("call-big")
    with pytest.raises(StoreError, match="more than"):
        redis_store.save("call-big", {"revision": 4, "context": {}})
    assert client.strlen(key) > MAX_RECORD_BYTES  # left as it was
    client.delete(key)


def test_a_redis_save_compares_revisions_without_decoding_the_record(
    redis_store: Any,
) -> None:
    """The stored revision lives beside the snapshot: however large the stored JSON, the
    compare-and-set reads two small fields (the script's time does not grow with it)."""
    client = raw_client(redis_store)
    big = {"revision": 1, "writer": "w", "pad": "x" * 4_000_000}
    redis_store.save("call-h", big)
    key = redis_store.prefix + "call-h"
    assert client.type(key) == b"hash"
    assert client.hmget(key, "revision", "writer") == [b"1", b"w"]
    with pytest.raises(StoreConflict):
        redis_store.save("call-h", {"revision": 5, "writer": "v"})
    redis_store.save("call-h", {"revision": 2, "writer": "w"})
    assert (redis_store.load("call-h") or {})["revision"] == 2
    client.delete(key)


def test_a_redis_record_written_as_a_string_is_still_read_and_compared(
    redis_store: Any,
) -> None:
    client = raw_client(redis_store)
    key = redis_store.prefix + "call-old"
    client.set(key, '{"revision": 4, "writer": "old", "context": {"turns": 4}}')
    assert (redis_store.load("call-old") or {})["context"] == {"turns": 4}
    with pytest.raises(StoreConflict):
        redis_store.save("call-old", {"revision": 2})
    redis_store.save("call-old", {"revision": 5, "writer": "new"})
    assert client.type(key) == b"hash"
    client.delete(key)


def test_a_snapshot_larger_than_a_store_keeps_is_a_store_error(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'calls.db'}")
    with pytest.raises(StoreError, match="more than a store keeps"):
        store.save("a", {"revision": 1, "pad": "x" * (MAX_RECORD_BYTES + 1)})
    assert store.load("a") is None
    store.close()
