"""A stored record the flow cannot read — from another flow version, written without a
revision, not JSON, not a snapshot — is never overwritten: `resume_or_new` starts the call
fresh and every save of it reports a conflict, on SQLite, on a real redis-server and in
memory. The record stays as it was for someone to look at."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import NOW
from tests.stores import redis_url  # noqa: F401 - fixture

import flowagent
from flowagent.errors import StoreError
from flowagent.observe import FlowEvent
from flowagent.store import ConversationStore, MemoryStore, open_store


class Events:
    def __init__(self) -> None:
        self.events: list[FlowEvent] = []

    def emit(self, event: FlowEvent) -> None:
        self.events.append(event)

    def store_errors(self) -> list[tuple[str, str]]:
        return [
            (e.to_dict()["operation"], e.to_dict()["reason"])
            for e in self.events
            if e.event == "store_error"
        ]


# A planted record: (store, id, raw text) → None. Writes as anyone with access to the store
# could, bypassing the store's own save.
Plant = Callable[[ConversationStore, str, str], None]


def plant_sqlite(path: Path) -> Plant:
    def plant(store: ConversationStore, cid: str, raw: str) -> None:
        with sqlite3.connect(path) as db:  # a row written without a revision (column default)
            db.execute(
                "INSERT INTO flowagent_conversations (id, snapshot) VALUES (?, ?)", (cid, raw)
            )

    return plant


def plant_redis(url: str) -> Plant:
    import redis

    def plant(store: ConversationStore, cid: str, raw: str) -> None:
        redis.Redis.from_url(url).set(f"flowagent:conv:{cid}", raw)

    return plant


def plant_memory(store: ConversationStore, cid: str, raw: str) -> None:
    assert isinstance(store, MemoryStore)
    store._data[cid] = json.loads(raw)  # a record made outside the API


def open_backend(
    kind: str, request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[tuple[ConversationStore, Plant]]:
    if kind == "sqlite":
        store = open_store(f"sqlite:///{tmp_path / 'calls.db'}")
        yield store, plant_sqlite(tmp_path / "calls.db")
    elif kind == "redis":
        url = request.getfixturevalue("redis_url")
        store = open_store(url)
        yield store, plant_redis(url)
    else:
        store = MemoryStore()
        yield store, plant_memory
    store.close()


@pytest.fixture(params=["sqlite", "redis", "memory"])
def backend(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[tuple[ConversationStore, Plant]]:
    yield from open_backend(request.param, request, tmp_path)


@pytest.fixture(params=["sqlite", "redis"])
def durable(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[tuple[ConversationStore, Plant]]:
    """The stores whose records someone else can write: SQLite and a real redis-server."""
    yield from open_backend(request.param, request, tmp_path)


def other_version(appointment: flowagent.Flow) -> str:
    """A readable snapshot from another version of the flow, saved without a revision (as
    a record written before revisions looks)."""
    old = appointment.new_conversation(now=NOW, conversation_id="old")
    old.start()
    old.handle("my name is Ada Byron")
    data = old.snapshot()
    data["flow_hash"] = "an-older-version"
    data.pop("revision", None)
    return json.dumps(data)


def raw_of(store: ConversationStore, cid: str) -> Any:
    try:
        return store.load(cid)
    except StoreError as err:
        return str(err)


def test_a_record_from_another_flow_version_is_never_overwritten(
    appointment: flowagent.Flow, backend: tuple[ConversationStore, Plant]
) -> None:
    store, plant = backend
    plant(store, "old", other_version(appointment))
    before = raw_of(store, "old")
    events = Events()
    conv = appointment.resume_or_new("old", store, now=NOW, sinks=[events])
    assert not conv.resumed
    turns = [conv.start(), conv.handle("my name is Maria Lopez")]
    assert [t.saved for t in turns] == [False, False]
    assert events.store_errors() == [
        ("load", "unreadable"),
        ("save", "conflict"),
        ("save", "conflict"),
    ]
    assert raw_of(store, "old") == before
    assert raw_of(store, "old")["context"]["slots"]["name"] == "Ada Byron"


@pytest.mark.parametrize("raw", ["not json at all", "5", "[1, 2]"])
def test_a_record_that_is_not_a_snapshot_is_never_overwritten(
    appointment: flowagent.Flow, durable: tuple[ConversationStore, Plant], raw: str
) -> None:
    store, plant = durable
    plant(store, "garbled", raw)
    events = Events()
    conv = appointment.resume_or_new("garbled", store, now=NOW, sinks=[events])
    assert conv.start().saved is False
    assert ("save", "conflict") in events.store_errors()
    assert "not" in raw_of(store, "garbled")  # still the StoreError naming the bad record


def test_a_new_conversation_after_its_record_is_deleted_saves_again(
    appointment: flowagent.Flow, backend: tuple[ConversationStore, Plant]
) -> None:
    """The way out: once someone deletes the unreadable record, the id can be used."""
    store, plant = backend
    plant(store, "old", other_version(appointment))
    store.delete("old")
    conv = appointment.resume_or_new("old", store, now=NOW)
    assert conv.start().saved is True
    assert conv.handle("my name is Maria Lopez").saved is True
    assert appointment.resume("old", store) is not None
