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


def slot_set(key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        data["context"]["slots"][key] = value

    return change


def nested(depth: int) -> Any:
    value: Any = []
    for _ in range(depth):
        value = [value]
    return value


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
    "conversation_id_too_long": (ctx_set("conversation_id", "x" * 201), "context.conversation_id"),
    # a state the conversation can never wait in (F14)
    "state_an_action_state": (ctx_set("state", "BOOK"), "context.state"),
    "state_an_end_state_not_ended": (ctx_set("state", "COMPLETE"), "context.state"),
    "state_not_the_start_before_starting": (
        lambda d: d["context"].update(started=False, state="CONFIRM"),
        "context.state",
    ),
    "retry_from_a_state_that_never_retries_there": (
        lambda d: d["context"].update(state="RETRY", retry_from="GREETING"),
        "context.retry_from",
    ),
    "retry_without_where_it_came_from": (
        lambda d: d["context"].update(state="RETRY", retry_from=None),
        "context.retry_from",
    ),
    # slot values that no extractor of the slot's type produces (F15)
    "date_a_number": (slot_set("date", 20261127), "context.slots.date"),
    "date_not_on_the_calendar": (slot_set("date", "2026-02-30"), "context.slots.date"),
    "date_empty": (slot_set("date", ""), "context.slots.date"),
    "time_out_of_range": (slot_set("time", "25:99"), "context.slots.time"),
    "time_a_number": (slot_set("time", 1430), "context.slots.time"),
    "contact_markup": (slot_set("contact", "<speak>x</speak>"), "context.slots.contact"),
    "contact_no_digits": (slot_set("contact", "+1"), "context.slots.contact"),
    "contact_upper_case_email": (slot_set("contact", "Maria@Example.com"), "context.slots.contact"),
    "name_markup": (slot_set("name", '<break time="10s"/>Maria'), "context.slots.name"),
    "name_too_long": (slot_set("name", "x" * 100_001), "context.slots.name"),
    "name_control_characters": (slot_set("name", "Ma\x00ria"), "context.slots.name"),
    "choice_not_a_choice": (slot_set("type", "nope"), "context.slots.type"),
    "choice_a_boolean": (slot_set("type", True), "context.slots.type"),
    "clarify_candidate_not_a_time": (
        ctx_set("clarify", {"slot": "time", "candidates": ["25:99", "14:00"]}),
        "context.clarify.candidates[0]",
    ),
    # results that are not plain JSON data of bounded depth and size (F3, F16)
    "results_nested_600_deep": (ctx_set("results", {"BOOK": nested(600)}), "context.results"),
    "results_not_a_number": (ctx_set("results", {"x": float("nan")}), "context.results"),
    "results_a_set": (ctx_set("results", {"x": {1, 2}}), "context.results"),
    "results_a_huge_integer": (ctx_set("results", {"x": 10**5000}), "context.results"),
    "results_too_big": (ctx_set("results", {"x": "y" * 500_000}), "context.results"),
    "results_an_empty_name": (ctx_set("results", {"": 1}), "context.results"),
    # more history than the engine ever keeps (F18)
    "history_too_many_entries": (
        ctx_set("history", [{"role": "user", "text": "x", "state": "A", "at": "t"}] * 100_000),
        "context.history",
    ),
    "history_too_much_text": (
        ctx_set("history", [{"role": "user", "text": "x" * 90_000, "state": "A", "at": "t"}] * 5),
        "context.history",
    ),
    "history_time_not_a_time": (history_set("at", "t" * 100), "context.history[0].at"),
    # strict types (F23)
    "format_true": (lambda d: d.__setitem__("format", True), "format"),
    "format_a_float": (lambda d: d.__setitem__("format", 1.0), "format"),
    "now_a_unix_time": (ctx_set("now", 1.5e9), "context.now"),
    "now_zero": (ctx_set("now", 0), "context.now"),
    "now_unix_time_text": (ctx_set("now", "1764000000"), "context.now"),
    "now_at_the_end_of_time": (ctx_set("now", "9999-12-31T23:59:59+00:00"), "context.now"),
    "writer_huge": (lambda d: d.__setitem__("writer", "w" * 10_000), "writer"),
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
