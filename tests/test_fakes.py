"""Fake actions at the engine level: a conversation created with `actions=` runs the fakes
instead of the flow's functions — their results reach the replies, their failures and
timeouts take the error path, and nothing of the author's code needs to run."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest
from tests.conftest import APPOINTMENT, NOW

import flowagent
from flowagent import ExtensionError, FakeAction
from flowagent.testing import fake_actions

BOOKING = ["This is Maria, a checkup on Friday at 2pm", "555 123 4567", "yes"]


def talk(conv: flowagent.Conversation, lines: list[str] = BOOKING) -> flowagent.Turn:
    conv.start()
    turn = conv.current_turn()
    for line in lines:
        turn = conv.handle(line)
    return turn


def test_a_fake_result_is_spoken_and_its_call_recorded(appointment: flowagent.Flow) -> None:
    book = FakeAction(returns={"reference": "K 7 P 2"})
    turn = talk(appointment.new_conversation(now=NOW, actions={"BOOK": book}))
    assert turn.outcome == "complete" and "Your reference is K 7 P 2." in turn.text
    assert book.calls == [
        {
            "name": "Maria",
            "date": "2026-11-27",
            "time": "14:00",
            "type": "check_up",
            "contact": "+15551234567",
        }
    ]


def test_a_raising_fake_takes_the_error_path(appointment: flowagent.Flow) -> None:
    fake = FakeAction(raises="calendar down")
    turn = talk(appointment.new_conversation(now=NOW, actions={"BOOK": fake}))
    assert turn.outcome == "fallback" and turn.event == "action_error"
    assert turn.text.startswith("Sorry, something went wrong on my side.")


def test_a_fake_slower_than_the_timeout_times_out_without_waiting(
    appointment: flowagent.Flow, caplog: pytest.LogCaptureFixture
) -> None:
    started = time.perf_counter()
    turn = talk(appointment.new_conversation(now=NOW, actions={"BOOK": FakeAction(takes=30)}))
    assert time.perf_counter() - started < 2  # the state's timeout is 5 s
    assert turn.outcome == "fallback"
    assert any(getattr(r, "reason", "") == "timed out after 5s" for r in caplog.records)


def test_a_fake_faster_than_the_timeout_returns(appointment: flowagent.Flow) -> None:
    fake = FakeAction(returns={"reference": "A"}, takes=4.9)
    assert talk(appointment.new_conversation(now=NOW, actions={"BOOK": fake})).outcome == (
        "complete"
    )


def test_an_override_by_reference_replaces_the_action_in_its_state(
    appointment: flowagent.Flow,
) -> None:
    fake = FakeAction(raises="down")
    conv = appointment.new_conversation(now=NOW, actions={"appointment_actions:book": fake})
    assert talk(conv).outcome == "fallback" and len(fake.calls) == 1


def test_an_unknown_action_key_names_the_flows_actions(appointment: flowagent.Flow) -> None:
    with pytest.raises(ExtensionError, match=r"'BOKK' is not an action .* BOOK \(appointment"):
        appointment.new_conversation(actions={"BOKK": FakeAction()})


def test_async_turns_use_the_fakes_too(appointment: flowagent.Flow) -> None:
    book = FakeAction(returns={"reference": "Z"})
    conv = appointment.new_conversation(now=NOW, actions={"BOOK": book})

    async def call() -> flowagent.Turn:
        conv.start()
        turn = conv.current_turn()
        for line in BOOKING:
            turn = await conv.handle_async(line)
        return turn

    assert "reference is Z" in asyncio.run(call()).text and len(book.calls) == 1


def test_a_restored_conversation_keeps_its_fakes(appointment: flowagent.Flow) -> None:
    conv = appointment.new_conversation(now=NOW)
    talk(conv, BOOKING[:2])
    book = FakeAction(returns={"reference": "R"})
    again = appointment.restore(conv.snapshot(), actions={"BOOK": book})
    assert "reference is R" in again.handle("yes").text


def test_a_flow_loaded_without_importing_actions_runs_no_author_code(tmp_path: Path) -> None:
    marker = tmp_path / "imported"
    (tmp_path / "appointment_actions.py").write_text(
        f"open({str(marker)!r}, 'w').close()\n\ndef book(slots):\n    return dict(slots)\n"
    )
    flow_file = tmp_path / "appointment.yaml"
    flow_file.write_text(APPOINTMENT.read_text())
    flow = flowagent.load_flow(flow_file, import_actions=False)
    assert talk(flow.new_conversation(now=NOW)).outcome == "fallback"  # nothing to run
    assert not marker.exists()
    faked = flow.new_conversation(
        now=NOW, actions={"BOOK": FakeAction(returns={"reference": "K 7"})}
    )
    assert talk(faked).outcome == "complete" and not marker.exists()


def test_stand_ins_return_a_placeholder_for_each_result_the_flow_reads(
    appointment: flowagent.Flow,
) -> None:
    turn = talk(appointment.new_conversation(now=NOW, actions=fake_actions(appointment)))
    assert "Your reference is [reference]." in turn.text
