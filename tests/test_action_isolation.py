"""Actions cannot take a call down or starve another flow: a hung action keeps only its own
thread, an action raising `SystemExit` (or anything else) is a failed action routed to the
fallback, and whatever an action returns is stored as plain JSON data."""

from __future__ import annotations

import asyncio
import json
import sys
import threading
import time
from pathlib import Path

import pytest

import flowagent

FLOW = """\
flow: {name}
start: HELLO
limits:
  action_timeout: {timeout}
states:
  HELLO:
    kind: say
    say: Hello.
    wait: true
    next: RUN
  RUN:
    kind: action
    action: acts:{function}
    next: DONE
  DONE:
    kind: end
    outcome: complete
    say: Result {{{{ result.value }}}}.
  FALLBACK:
    kind: end
    outcome: fallback
    say: Sorry, something went wrong.
"""

ACTS = """\
import threading, sys
RELEASE = threading.Event()

def hang(slots):
    RELEASE.wait(30)
    return {"value": "late"}

def instant(slots):
    return {"value": "ok"}

def exits(slots):
    sys.exit(3)

def interrupts(slots):
    raise KeyboardInterrupt

async def async_exits(slots):
    raise SystemExit(4)

class Thing:
    def __str__(self):
        return "a thing"

def odd_values(slots):
    import datetime
    return {
        "value": "x\\ud83d",
        "when": datetime.date(2026, 11, 27),
        "ratio": float("inf"),
        "tags": {"b", "a"} and ["a"],
        "obj": Thing(),
        "\\udcff": 1,
    }
"""


def flow_in(directory: Path, name: str, function: str, timeout: float = 0.05) -> flowagent.Flow:
    directory.mkdir(exist_ok=True)
    (directory / "acts.py").write_text(ACTS)
    path = directory / "flow.yaml"
    path.write_text(FLOW.format(name=name, function=function, timeout=timeout))
    return flowagent.load_flow(path)


def call(flow: flowagent.Flow) -> flowagent.Turn:
    conv = flow.new_conversation()
    conv.start()
    return conv.handle("hi")


def release(flow: flowagent.Flow) -> None:
    module = sys.modules[flow.compiled.actions["RUN"].__module__]
    module.RELEASE.set()


def test_hung_actions_of_one_flow_do_not_starve_another_flow(tmp_path: Path) -> None:
    """Twelve calls whose action hangs past its timeout; another flow's instant action still
    answers at once (with a shared pool of 8 it failed)."""
    hung = flow_in(tmp_path / "a", "hung", "hang")
    other = flow_in(tmp_path / "b", "other", "instant", timeout=1.0)
    try:
        for _ in range(12):
            assert call(hung).outcome == "fallback"
        turn = call(other)
        assert turn.outcome == "complete" and turn.text == "Result ok."
    finally:
        release(hung)


def test_a_hung_action_cannot_pile_up_threads(tmp_path: Path) -> None:
    """Past the per-action cap, new calls fail at once instead of starting threads."""
    from flowagent.actions import MAX_RUNNING_PER_ACTION

    hung = flow_in(tmp_path, "hung", "hang", timeout=0.01)
    before = threading.active_count()
    try:
        for _ in range(MAX_RUNNING_PER_ACTION * 3):
            assert call(hung).outcome == "fallback"
        assert threading.active_count() - before <= MAX_RUNNING_PER_ACTION
        started = time.perf_counter()
        assert call(hung).outcome == "fallback"
        assert time.perf_counter() - started < 0.01 * 5  # refused, not waited for
    finally:
        release(hung)


@pytest.mark.parametrize("function", ["exits", "interrupts", "async_exits"])
def test_an_action_raising_systemexit_is_a_failed_action(tmp_path: Path, function: str) -> None:
    """`sys.exit()` (or KeyboardInterrupt) inside an action never leaves `handle()`."""
    flow = flow_in(tmp_path, "exits", function, timeout=1.0)
    turn = call(flow)
    assert turn.outcome == "fallback"
    # the fallback's own line, after the action error; one apology per reply (#11)
    assert turn.text.endswith("Something went wrong.")


@pytest.mark.parametrize("function", ["exits", "async_exits"])
def test_an_action_raising_systemexit_fails_in_async_turns_too(
    tmp_path: Path, function: str
) -> None:
    flow = flow_in(tmp_path, "exits", function, timeout=1.0)
    conv = flow.new_conversation()
    conv.start()
    turn = asyncio.run(conv.handle_async("hi"))
    assert turn.outcome == "fallback"


def test_action_results_are_stored_as_plain_json(tmp_path: Path) -> None:
    """Dates, sets, objects, infinities and lone surrogates from an action can't make a
    later save fail: they enter the context as JSON-safe text."""
    flow = flow_in(tmp_path, "odd", "odd_values", timeout=1.0)
    conv = flow.new_conversation()
    conv.start()
    conv.handle("hi")
    text = json.dumps(conv.snapshot(), ensure_ascii=False)
    text.encode("utf-8")  # no lone surrogate left
    results = conv.context.results
    assert results["when"] == "2026-11-27" and results["ratio"] == "inf"
    assert results["obj"] == "a thing"
