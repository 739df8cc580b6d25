"""User actions: results flow into prompts; failures and timeouts route to the fallback with a
caller-safe message instead of crashing the call."""

from __future__ import annotations

import asyncio
from pathlib import Path

import flowagent

FLOW = """\
flow: actions
start: ASK
slots:
  size:
    type: number
    prompt: How many people?
states:
  ASK:
    kind: collect
    slots: [size]
    next: RUN
  RUN:
    kind: action
    action: my_actions:{function}
    timeout: 0.3
    next: DONE
  DONE:
    kind: end
    say: Table {{{{ result.table }}}} is yours.
  FALLBACK:
    kind: end
    outcome: fallback
    say: Let me get a colleague.
"""

ACTIONS = """\
import asyncio, time

def ok(slots):
    return {"table": slots["size"] * 10}

async def async_ok(slots):
    await asyncio.sleep(0)
    return {"table": 7}

def boom(slots):
    raise RuntimeError("database password is hunter2")

def slow(slots):
    time.sleep(2)
"""


def flow_with(tmp_path: Path, function: str) -> flowagent.Flow:
    (tmp_path / "my_actions.py").write_text(ACTIONS)
    path = tmp_path / "flow.yaml"
    path.write_text(FLOW.format(function=function))
    return flowagent.load_flow(path)


def run(flow: flowagent.Flow) -> flowagent.Turn:
    conv = flow.new_conversation()
    conv.start()
    return conv.handle("4")


def test_action_result_is_used_in_the_next_prompt(tmp_path: Path) -> None:
    turn = run(flow_with(tmp_path, "ok"))
    assert turn.outcome == "done"
    assert "Table 40 is yours." in turn.text


def test_async_actions_are_awaited(tmp_path: Path) -> None:
    assert "Table 7" in run(flow_with(tmp_path, "async_ok")).text


def test_a_raising_action_routes_to_fallback_without_leaking_internals(tmp_path: Path) -> None:
    turn = run(flow_with(tmp_path, "boom"))
    assert turn.outcome == "fallback"
    assert "something went wrong" in turn.text
    assert "hunter2" not in turn.text and "RuntimeError" not in turn.text


def test_a_slow_action_times_out_to_fallback(tmp_path: Path) -> None:
    turn = run(flow_with(tmp_path, "slow"))
    assert turn.outcome == "fallback"


def test_handle_async_runs_actions_off_the_event_loop(tmp_path: Path) -> None:
    conv = flow_with(tmp_path, "ok").new_conversation()
    conv.start()
    turn = asyncio.run(conv.handle_async("4"))
    assert "Table 40" in turn.text


def test_async_turns_await_async_actions_on_the_loop(tmp_path: Path) -> None:
    conv = flow_with(tmp_path, "async_ok").new_conversation()
    conv.start()
    assert "Table 7" in asyncio.run(conv.handle_async("4")).text


def test_async_turns_route_failures_and_timeouts_to_fallback(tmp_path: Path) -> None:
    for function in ("boom", "slow"):
        conv = flow_with(tmp_path, function).new_conversation()
        conv.start()
        turn = asyncio.run(conv.handle_async("4"))
        assert turn.outcome == "fallback", function
        assert "something went wrong" in turn.text
