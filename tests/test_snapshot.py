"""Snapshots are plain JSON and a restored conversation continues exactly as the original."""

from __future__ import annotations

import json

import pytest
from tests.conftest import NOW

import flowagent
from flowagent import SnapshotError

SCRIPT = [
    "hi this is Maria",
    "Friday at 2pm",
    "blorp",
    "a checkup",
    "",
    "555 123 4567",
    "no, 4pm",
    "yes",
]


@pytest.mark.parametrize("cut", range(len(SCRIPT)))
def test_restore_at_any_turn_continues_identically(appointment: flowagent.Flow, cut: int) -> None:
    original = appointment.new_conversation(now=NOW, conversation_id="c1")
    original.start()
    for line in SCRIPT[:cut]:
        original.handle(line)
    data = json.loads(json.dumps(original.snapshot()))  # must survive a JSON round trip
    restored = appointment.restore(data)
    for line in SCRIPT[cut:]:
        a, b = original.handle(line), restored.handle(line)
        assert (a.text, a.state, a.expecting, a.slots, a.ended, a.outcome) == (
            b.text,
            b.state,
            b.expecting,
            b.slots,
            b.ended,
            b.outcome,
        )
    assert restored.outcome == "complete"
    assert restored.conversation_id == "c1"


def test_snapshot_of_a_finished_call_is_small(appointment: flowagent.Flow) -> None:
    conv = appointment.new_conversation(now=NOW)
    conv.start()
    for line in SCRIPT:
        conv.handle(line)
    assert len(json.dumps(conv.snapshot())) < 4096


def test_snapshot_from_another_flow_version_is_refused(appointment: flowagent.Flow) -> None:
    conv = appointment.new_conversation(now=NOW)
    conv.start()
    data = conv.snapshot()
    data["flow_hash"] = "0000000000000000"
    with pytest.raises(SnapshotError, match="hash"):
        appointment.restore(data)


def test_garbage_is_not_a_snapshot(appointment: flowagent.Flow) -> None:
    with pytest.raises(SnapshotError):
        appointment.restore({"hello": "world"})
