"""Conversation stores: every turn is saved before its reply is returned, and a conversation
resumes by id — in another process, on another worker — exactly where it stopped."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.conftest import NOW
from tests.stores import redis_url  # noqa: F401 - fixture

import flowagent
from flowagent.store import ConversationStore, MemoryStore, open_store
from flowagent.store.base import StoreError

LINES = ["hi this is Maria", "Friday at 2pm", "a checkup", "555 123 4567", "yes"]


def stores(tmp_path: Path, request: pytest.FixtureRequest) -> ConversationStore:
    kind = request.param
    if kind == "memory":
        return open_store("memory://")
    if kind == "sqlite":
        return open_store(f"sqlite:///{tmp_path / 'calls.db'}")
    return open_store(request.getfixturevalue("redis_url"))


@pytest.fixture(params=["memory", "sqlite", "redis"])
def store(tmp_path: Path, request: pytest.FixtureRequest) -> ConversationStore:
    s = stores(tmp_path, request)
    yield s
    s.close()


def test_every_turn_is_saved_before_the_reply_returns(
    appointment: flowagent.Flow, store: ConversationStore
) -> None:
    conv = appointment.new_conversation(now=NOW, conversation_id="c-1", store=store)
    conv.start()
    for i, line in enumerate(LINES, start=1):
        turn = conv.handle(line)
        saved = store.load("c-1")
        assert saved is not None
        assert saved["context"]["turns"] == i
        assert saved["context"]["last_reply"] == turn.text


def test_resume_by_id_continues_where_it_stopped(
    appointment: flowagent.Flow, store: ConversationStore
) -> None:
    first = appointment.new_conversation(now=NOW, conversation_id="c-2", store=store)
    first.start()
    before = [first.handle(line) for line in LINES[:2]][-1]
    again = appointment.resume("c-2", store)
    assert again is not None and again.resumed
    assert again.current_turn().text == before.text
    assert again.slots == first.slots
    last = [again.handle(line) for line in LINES[2:]][-1]
    assert last.outcome == "complete"
    assert store.load("c-2")["context"]["outcome"] == "complete"  # type: ignore[index]


def test_unknown_id_resumes_nothing(appointment: flowagent.Flow, store: ConversationStore) -> None:
    assert appointment.resume("nope", store) is None


def test_delete_forgets_a_conversation(store: ConversationStore) -> None:
    store.save("x", {"a": 1})
    store.delete("x")
    assert store.load("x") is None


def test_memory_store_keeps_a_copy_not_a_reference() -> None:
    store = MemoryStore()
    data = {"context": {"slots": {"name": "Ann"}}}
    store.save("x", data)
    data["context"]["slots"]["name"] = "Bob"
    assert store.load("x") == {"context": {"slots": {"name": "Ann"}}}


def test_bad_store_url_says_what_is_accepted() -> None:
    with pytest.raises(StoreError, match="sqlite:///"):
        open_store("postgres://db")


def test_a_failing_store_does_not_drop_the_call(appointment: flowagent.Flow) -> None:
    class Broken(MemoryStore):
        def save(self, conversation_id: str, snapshot: dict[str, object]) -> None:
            raise OSError("disk full")

    conv = appointment.new_conversation(now=NOW, store=Broken())
    conv.start()
    assert conv.handle("this is Maria").expecting == "date"
