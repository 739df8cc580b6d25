"""A snapshot is checked against a schema and against the flow before a conversation is
restored from it: every malformed one is a `SnapshotError` naming the field — never an
AttributeError now, a TypeError at the next turn, or a call that never ends."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest
from tests.conftest import NOW

import flowagent
from flowagent import SnapshotError


@pytest.fixture(scope="module")
def good(appointment: flowagent.Flow) -> dict[str, Any]:
    conv = appointment.new_conversation(now=NOW, conversation_id="c1")
    conv.start()
    conv.handle("hi this is Maria")
    conv.handle("Friday at 2pm")
    return json.loads(json.dumps(conv.snapshot()))


def ctx_set(key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        data["context"][key] = value

    return change


def counters_set(key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        data["context"]["counters"][key] = value

    return change


def history_set(key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        data["context"]["history"][0][key] = value

    return change


BAD: dict[str, tuple[Callable[[dict[str, Any]], None], str]] = {
    "counters_a_list": (ctx_set("counters", []), "context.counters"),
    "turns_infinity": (ctx_set("turns", float("inf")), "context.turns"),
    "turns_a_float": (ctx_set("turns", 2.5), "context.turns"),
    "turns_negative": (ctx_set("turns", -(10**12)), "context.turns"),
    "turns_past_the_limit": (ctx_set("turns", 10**9), "context.turns"),
    "turns_a_bool": (ctx_set("turns", True), "context.turns"),
    "expecting_a_list": (ctx_set("expecting", ["x"]), "context.expecting"),
    "expecting_unknown": (ctx_set("expecting", "shoe_size"), "context.expecting"),
    "state_a_number": (ctx_set("state", 3), "context.state"),
    "state_unknown": (ctx_set("state", "NOWHERE"), "context.state"),
    "now_not_a_time": (ctx_set("now", "yesterday"), "context.now"),
    "now_without_timezone": (ctx_set("now", "2026-11-23T10:00:00"), "context.now"),
    "slot_unknown": (ctx_set("slots", {"shoe_size": 9}), "context.slots"),
    "slot_value_a_dict": (ctx_set("slots", {"name": {"first": "Maria"}}), "context.slots.name"),
    "slots_a_list": (ctx_set("slots", ["Maria"]), "context.slots"),
    "retry_from_unknown": (ctx_set("retry_from", "NOWHERE"), "context.retry_from"),
    "clarify_a_string": (ctx_set("clarify", "time"), "context.clarify"),
    "clarify_unknown_slot": (
        ctx_set("clarify", {"slot": "shoe", "candidates": ["14:00"]}),
        "context.clarify",
    ),
    "results_a_list": (ctx_set("results", [1]), "context.results"),
    "started_a_string": (ctx_set("started", "yes"), "context.started"),
    "misspelled_key": (ctx_set("turnz", 3), "context.turnz"),
    "no_input_negative": (counters_set("no_input", -1), "context.counters.no_input"),
    "no_match_a_string": (counters_set("no_match", {"name": "two"}), "context.counters.no_match"),
    "history_role_unknown": (history_set("role", "robot"), "context.history[0].role"),
    "history_text_a_number": (history_set("text", 7), "context.history[0].text"),
    "revision_negative": (lambda d: d.__setitem__("revision", -1), "revision"),
    "conversation_id_empty": (ctx_set("conversation_id", ""), "context.conversation_id"),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_a_malformed_snapshot_is_refused_naming_the_field(
    appointment: flowagent.Flow, good: dict[str, Any], name: str
) -> None:
    change, field = BAD[name]
    data = copy.deepcopy(good)
    change(data)
    with pytest.raises(SnapshotError) as info:
        appointment.restore(data)
    assert field in str(info.value)


def test_a_snapshot_that_is_not_a_mapping_is_refused(appointment: flowagent.Flow) -> None:
    for data in ([], "snapshot", None, 3):
        with pytest.raises(SnapshotError):
            appointment.restore(data)  # type: ignore[arg-type]


def test_a_valid_snapshot_still_restores(appointment: flowagent.Flow, good: dict[str, Any]) -> None:
    conv = appointment.restore(copy.deepcopy(good))
    assert conv.slots["name"] == "Maria"
    assert conv.handle("a checkup").expecting == "contact"


def test_a_restored_call_still_ends_within_the_turn_limit(
    appointment: flowagent.Flow, good: dict[str, Any]
) -> None:
    """Whatever a (valid) snapshot says, the turn limit still ends the call."""
    conv = appointment.restore(copy.deepcopy(good))
    for _ in range(appointment.max_turns + 1):
        if conv.ended:
            break
        conv.handle("blorp")
    assert conv.ended
