"""Structured events and metrics: every turn accounted for, personal data redacted unless
explicitly allowed, and the numbers a team tracks computed from the logs."""

from __future__ import annotations

import io
import json
import logging

import pytest
from tests.conftest import NOW

import flowagent
from flowagent.metrics import Metrics, format_summary
from flowagent.observe import JsonFormatter, JsonlSink, LoggingSink

CALL = [
    "Hi, this is Maria Lopez, I need a checkup on Sunday",
    "Friday at 2pm",
    "555 123 4567",
    "no, 4pm",
    "yes",
]


def run(appointment: flowagent.Flow, log_pii: bool = False, lines: list[str] = CALL) -> list[dict]:
    stream = io.StringIO()
    conv = appointment.new_conversation(
        now=NOW, conversation_id="obs-1", sinks=[JsonlSink(stream, log_pii=log_pii)]
    )
    conv.start()
    for line in lines:
        conv.handle(line)
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_each_kind_of_event_is_logged_with_its_fields(appointment: flowagent.Flow) -> None:
    events = run(appointment)
    kinds = {e["event"] for e in events}
    assert {
        "state_change",
        "slot_filled",
        "validation_failed",
        "turn",
        "action_call",
        "conversation_end",
    } <= kinds
    for e in events:
        assert {"ts", "level", "event", "conversation_id", "state", "flow", "turn"} <= set(e)
    refused = next(e for e in events if e["event"] == "validation_failed")
    assert refused["slot"] == "date" and refused["reason"] == "open_days"
    end = events[-1]
    assert end["event"] == "conversation_end" and end["outcome"] == "complete"


def test_personal_values_are_redacted_by_default(appointment: flowagent.Flow) -> None:
    text = json.dumps(run(appointment))
    assert "Maria" not in text and "5551234567" not in text and "555" not in text
    filled = {e["slot"]: e["value"] for e in run(appointment) if e["event"] == "slot_filled"}
    assert filled["name"] == "[redacted]" and filled["contact"] == "[redacted]"
    assert filled["date"] == "2026-11-27"  # not personal: kept


def test_personal_values_appear_only_when_opted_in(appointment: flowagent.Flow) -> None:
    filled = {
        e["slot"]: e["value"] for e in run(appointment, log_pii=True) if e["event"] == "slot_filled"
    }
    assert filled["name"] == "Maria Lopez" and filled["contact"] == "+15551234567"


def test_caller_words_never_reach_the_logs(appointment: flowagent.Flow) -> None:
    text = json.dumps(run(appointment, log_pii=True, lines=["my secret is swordfish", "bye now"]))
    assert "swordfish" not in text


def test_logging_sink_emits_json_lines_through_stdlib_logging(appointment: flowagent.Flow) -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("test.flowagent.events")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    try:
        conv = appointment.new_conversation(now=NOW, sinks=[LoggingSink(logger)])
        conv.start()
        conv.handle("this is Maria")
    finally:
        logger.removeHandler(handler)
    rows = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert any(r["event"] == "slot_filled" and r["value"] == "[redacted]" for r in rows)


def test_metrics_from_many_calls(appointment: flowagent.Flow) -> None:
    metrics = Metrics()
    scripts = [CALL, ["hi", "blorp", "zzz", "qwerty"], ["hi", "", "", ""], ["a real person"]]
    for i, lines in enumerate(scripts):
        conv = appointment.new_conversation(now=NOW, conversation_id=f"m{i}", sinks=[metrics])
        conv.start()
        for line in lines:
            conv.handle(line)
    s = metrics.summary()
    assert s["conversations"] == 4 and s["ended"] == 4
    assert s["completion_rate"] == 0.25
    assert s["fallback_rate"] == 0.25 and s["handoff_rate"] == 0.25
    assert s["outcomes"]["no_input"] == 1
    assert s["retries_by_slot"]["name"] == 3
    assert s["slots"]["date"]["failures"] == 1 and s["slots"]["date"]["filled"] == 1
    assert s["transitions"]["GREETING -> COLLECT_INFO"] == 3
    assert s["turn_latency_ms"]["p50"] is not None
    report = format_summary(s)
    assert "completion      25.0%" in report


def test_stats_reads_jsonl_logs(
    appointment: flowagent.Flow, tmp_path: pytest.TempPathFactory
) -> None:
    path = tmp_path / "events.jsonl"  # type: ignore[operator]
    sink = JsonlSink(path)
    conv = appointment.new_conversation(now=NOW, sinks=[sink])
    conv.start()
    for line in CALL:
        conv.handle(line)
    sink.close()
    s = Metrics().read([path]).summary()
    assert s["completion_rate"] == 1.0 and s["average_turns"] == len(CALL)


def test_stats_report_voice_response_times_and_endpointing_decisions() -> None:
    rows = [
        {"event": "voice_response", "conversation_id": "v1", "e2e_ms": ms, "endpointing": d}
        for ms, d in ((700.0, "complete"), (800.0, "complete"), (2600.0, "incomplete"))
    ]
    metrics = Metrics()
    for row in rows:
        metrics.add(row)
    s = metrics.summary()
    assert s["endpointing"] == {"complete": 2, "incomplete": 1}
    assert s["voice_response_ms"]["p50"] == 800.0
    assert "endpointing complete 2, incomplete 1" in format_summary(s)
