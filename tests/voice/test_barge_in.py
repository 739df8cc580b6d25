"""Barge-in with real audio and real timers: the caller starts talking a second into the
greeting. An interruptible greeting is cut and marked so in the history; an uninterruptible
one (a legal notice) plays to the end."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest
from tests.conftest import APPOINTMENT, ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
from voice_loop import missing, run_loop

LINE = "Hi there, this is Maria, I need a checkup on Friday at 2pm."


def greeting_entry(history: list[object]) -> object:
    return next(h for h in history if getattr(h, "role", "") == "agent")


@pytest.mark.slow
@pytest.mark.voice
def test_the_caller_can_cut_an_interruptible_greeting() -> None:
    reason = missing()
    if reason:
        pytest.skip(reason)
    result = asyncio.run(run_loop([LINE], realtime=True, barge_in_after=1.0))
    assert result.interruptions >= 1
    assert getattr(greeting_entry(result.history), "interrupted", False) is True
    # the start of the caller's words overlaps the greeting; what follows reaches the flow
    assert any(getattr(h, "role", "") == "user" for h in result.history)
    assert result.slots.get("date") == "2026-11-27"


@pytest.mark.slow
@pytest.mark.voice
def test_an_uninterruptible_prompt_plays_to_the_end(tmp_path: Path) -> None:
    reason = missing()
    if reason:
        pytest.skip(reason)
    text = APPOINTMENT.read_text().replace(
        "    wait: true\n    next: COLLECT_INFO",
        "    wait: true\n    next: COLLECT_INFO\n    voice: {interruptible: false}",
    )
    flow = tmp_path / "appointment.yaml"
    flow.write_text(text)
    (tmp_path / "appointment_actions.py").write_text(
        (ROOT / "flows" / "appointment_actions.py").read_text()
    )
    result = asyncio.run(run_loop([LINE], realtime=True, barge_in_after=1.0, flow_path=flow))
    greeting = greeting_entry(result.history)
    assert getattr(greeting, "interrupted", True) is False
    assert getattr(greeting, "event", "") is None  # the greeting itself, played in full
