"""What a conversation saves, it can resume: the engine writes within the same limits
(`flowagent.context`) that `Flow.restore` checks; the history is a ring of recent turns, so a
snapshot stays small; nothing in a context makes a turn raise while it is saved; a hang-up
during an action leaves the conversation where the caller was last asked something; and
what a resumed call says again from a snapshot is plain text."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.conftest import APPOINTMENT, NOW
from tests.test_properties import FLOW as REFERENCE
from tests.test_properties import REALISTIC

import flowagent
from flowagent.context import (
    MAX_HISTORY_CHARS,
    MAX_HISTORY_ENTRIES,
    MAX_ID_CHARS,
    MAX_TEXT_CHARS,
    Context,
    HistoryEntry,
)
from flowagent.errors import ConversationIdError
from flowagent.observe import FlowEvent
from flowagent.store import MemoryStore

TO_CONFIRM = ["hi this is Maria", "Friday at 2pm", "a checkup", "555 123 4567"]

NOTES = """
flow: notes
start: ASK
limits: {max_utterance_chars: 100000}
slots:
  notes: {type: text, prompt: "What should we tell the technician?"}
states:
  ASK: {kind: collect, slots: [notes], next: CONFIRM}
  CONFIRM:
    kind: confirm
    prompt: "You said: {{ notes }}. Is that right?"
    on_yes: DONE
  DONE: {kind: end, say: "Thanks."}
  FALLBACK: {kind: end, outcome: fallback}
"""

NOTES_FLOW = flowagent.load_flow_text(NOTES)


class Events:
    def __init__(self) -> None:
        self.events: list[FlowEvent] = []

    def emit(self, event: FlowEvent) -> None:
        self.events.append(event)

    def store_errors(self) -> list[dict[str, Any]]:
        return [e.to_dict() for e in self.events if e.event == "store_error"]


def round_trip(data: dict[str, Any]) -> dict[str, Any]:
    return dict(json.loads(json.dumps(data)))


# --- F13: the write side and the read side agree ------------------------------------------
def test_a_conversation_id_too_long_to_resume_is_refused_at_once(
    appointment: flowagent.Flow,
) -> None:
    with pytest.raises(ConversationIdError, match="at most 200 characters"):
        appointment.new_conversation(now=NOW, conversation_id="x" * (MAX_ID_CHARS + 1))


def test_the_longest_conversation_id_is_saved_and_resumed(appointment: flowagent.Flow) -> None:
    store = MemoryStore()
    cid = "x" * MAX_ID_CHARS
    conv = appointment.new_conversation(now=NOW, conversation_id=cid, store=store)
    conv.start()
    assert conv.handle("hi this is Maria").saved
    resumed = appointment.resume(cid, store)
    assert resumed is not None and resumed.slots["name"] == "Maria"


def test_a_longest_answer_read_back_is_saved_and_resumed() -> None:
    """A 99,990-character answer (under the largest `max_utterance_chars`) read back in the
    confirmation: the reply is longer than any one stored text may be, yet the conversation
    resumes where it was."""
    flow = flowagent.load_flow_text(NOTES)
    store = MemoryStore()
    conv = flow.new_conversation(now=NOW, conversation_id="notes", store=store)
    conv.start()
    answer = ("the left rear door rattles " * 4000)[:99_990].strip()
    turn = conv.handle(answer)
    assert turn.saved and conv.state == "CONFIRM"
    assert len(turn.text) > MAX_TEXT_CHARS  # the caller hears all of it
    resumed = flow.resume("notes", store)
    assert resumed is not None and resumed.state == "CONFIRM"
    assert resumed.handle("yes").outcome == "done"


# --- F18: the history is a ring of recent turns ---------------------------------------------
def test_the_history_keeps_the_most_recent_entries() -> None:
    ctx = Context("c", "A", NOW)
    for i in range(MAX_HISTORY_ENTRIES + 50):
        ctx.add_history(HistoryEntry("user", f"line {i}", "A", "t"))
    assert len(ctx.history) == MAX_HISTORY_ENTRIES
    assert ctx.history[-1].text == f"line {MAX_HISTORY_ENTRIES + 49}"
    assert ctx.history[0].text == "line 50"


def test_the_history_keeps_within_its_characters() -> None:
    ctx = Context("c", "A", NOW)
    for i in range(12):
        ctx.add_history(HistoryEntry("user", str(i) * (MAX_TEXT_CHARS + 10), "A", "t"))
    assert sum(len(h.text) for h in ctx.history) <= MAX_HISTORY_CHARS
    assert all(len(h.text) <= MAX_TEXT_CHARS for h in ctx.history)
    assert ctx.history[-1].text.startswith("11")


def test_a_long_call_stays_resumable(tmp_path: Path) -> None:
    """More turns than the history keeps: every snapshot still restores."""
    text = APPOINTMENT.read_text(encoding="utf-8").replace("max_turns: 40", "max_turns: 1000")
    (tmp_path / "long.yaml").write_text(text, encoding="utf-8")
    actions = APPOINTMENT.with_name("appointment_actions.py")
    (tmp_path / actions.name).write_text(actions.read_text(encoding="utf-8"), encoding="utf-8")
    flow = flowagent.load_flow(tmp_path / "long.yaml", import_actions=False)
    conv = flow.new_conversation(now=NOW)
    conv.start()
    for _ in range(MAX_HISTORY_ENTRIES // 2 + 20):
        conv.handle("help")
    assert not conv.ended
    assert len(conv.context.history) == MAX_HISTORY_ENTRIES
    restored = flow.restore(round_trip(conv.snapshot()))
    assert restored.handle("hi this is Maria").slots["name"] == "Maria"


# --- F3: nothing in a context raises out of a turn while it is saved ----------------------
def test_a_context_that_cannot_be_snapshotted_fails_its_save_not_its_turn(
    appointment: flowagent.Flow,
) -> None:
    events = Events()
    conv = appointment.new_conversation(now=NOW, store=MemoryStore(), sinks=[events])
    conv.start()
    deep: Any = []
    for _ in range(100_000):  # changed by hand past anything the engine writes
        deep = [deep]
    conv.context.results["x"] = deep
    turn = conv.handle("hi this is Maria")
    assert turn.saved is False
    assert turn.slots["name"] == "Maria"
    assert [e["reason"] for e in events.store_errors()] == ["error"]


def test_an_action_result_too_big_to_store_fails_the_action(appointment: flowagent.Flow) -> None:
    conv = appointment.new_conversation(
        now=NOW, actions={"BOOK": flowagent.FakeAction(returns={"reference": 10**30})}
    )
    conv.start()
    for line in TO_CONFIRM:
        conv.handle(line)
    turn = conv.handle("yes")
    assert turn.outcome == "fallback"
    assert "reference" not in conv.context.results
    appointment.restore(round_trip(conv.snapshot()))  # still resumable


# --- F14: a hang-up during an action -------------------------------------------------------
async def slow_book(slots: dict[str, Any]) -> dict[str, Any]:
    await asyncio.sleep(5)
    return {"reference": "A B C"}


def test_a_hang_up_during_an_action_leaves_the_conversation_as_before_the_turn(
    appointment: flowagent.Flow,
) -> None:
    conv = appointment.new_conversation(now=NOW, actions={"BOOK": slow_book})
    conv.start()
    for line in TO_CONFIRM:
        conv.handle(line)
    before = round_trip(conv.snapshot())

    async def hang_up() -> dict[str, Any]:
        task = asyncio.create_task(conv.handle_async("yes"))
        await asyncio.sleep(0.1)
        during = conv.snapshot()  # a save while the action runs
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        return during

    during = asyncio.run(hang_up())
    assert (conv.state, conv.ended) == ("CONFIRM", False)
    assert round_trip(conv.snapshot())["context"] == before["context"]
    assert round_trip(during)["context"] == before["context"]


def test_a_call_resumed_after_a_hang_up_during_an_action_books_on_yes(
    appointment: flowagent.Flow,
) -> None:
    conv = appointment.new_conversation(now=NOW, actions={"BOOK": slow_book})
    conv.start()
    for line in TO_CONFIRM:
        conv.handle(line)

    async def hang_up() -> None:
        task = asyncio.create_task(conv.handle_async("yes"))
        await asyncio.sleep(0.1)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(hang_up())
    book = flowagent.FakeAction(returns={"reference": "A B C"})
    resumed = appointment.restore(round_trip(conv.snapshot()), actions={"BOOK": book})
    assert resumed.handle("yes").outcome == "complete"
    assert len(book.calls) == 1


# --- F17: what a resumed call says again is plain text -----------------------------------
@pytest.fixture
def confirm_snapshot(appointment: flowagent.Flow) -> dict[str, Any]:
    conv = appointment.new_conversation(now=NOW)
    conv.start()
    for line in TO_CONFIRM[:2]:
        conv.handle(line)
    return round_trip(conv.snapshot())


def test_a_stored_last_reply_is_said_again_without_markup(
    appointment: flowagent.Flow, confirm_snapshot: dict[str, Any]
) -> None:
    confirm_snapshot["context"]["last_reply"] = (
        '<speak><audio src="https://evil.example/x.mp3"/><break time="10s"/>Please hold.</speak>'
    )
    conv = appointment.restore(confirm_snapshot)
    assert conv.current_turn().text == "Please hold."
    assert conv.handle("repeat").text == "Please hold."


def test_a_stored_last_question_is_asked_again_without_markup(
    appointment: flowagent.Flow, confirm_snapshot: dict[str, Any]
) -> None:
    confirm_snapshot["context"]["last_question"] = (
        '<speak><prosody volume="x-loud">Say your {{ card }} number</prosody></speak>'
    )
    conv = appointment.restore(confirm_snapshot)
    reply = conv.handle("").text
    assert reply.endswith("Say your card number")
    assert not any(c in reply for c in "<>{}")


# --- the invariant: every snapshot the engine writes, restore accepts ----------------------
LONG = [
    ("the left rear door rattles " * 4000)[:99_990],
    "<speak>" * 14_000,
    "{{ notes }} " * 8_000,
    "\ufdfa" * 20_000,  # NFKC makes each 18 characters
    "five " * 19_000,
]
SHORT = ["", "yes", "no", "that's it", "help", "repeat", "start over", "blorp", "\ud83d", "hi"]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.sampled_from(LONG + SHORT), st.text(max_size=40)), max_size=6))
def test_every_snapshot_of_a_long_answer_flow_restores(lines: list[str]) -> None:
    flow = NOTES_FLOW
    conv = flow.new_conversation(now=NOW, conversation_id="p")
    conv.start()
    for line in lines:
        conv.handle(line)
        flow.restore(round_trip(conv.snapshot()))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.sampled_from(REALISTIC), st.text(max_size=80)), max_size=10))
def test_every_snapshot_of_the_reference_flow_restores(lines: list[str]) -> None:
    conv = REFERENCE.new_conversation(now=NOW, conversation_id="p")
    conv.start()
    for line in lines:
        conv.handle(line)
        REFERENCE.restore(round_trip(conv.snapshot()))
