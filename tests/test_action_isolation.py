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

class Custom(BaseException):
    pass

async def async_interrupts(slots):
    raise KeyboardInterrupt

async def async_generator_exit(slots):
    raise GeneratorExit

async def async_custom(slots):
    raise Custom("custom")

async def exits_after_waiting(slots):
    import asyncio
    await asyncio.sleep(0.01)
    raise SystemExit(5)

CANCELLED = threading.Event()

async def ignores_cancel(slots):
    import asyncio
    while not RELEASE.is_set():
        try:
            await asyncio.sleep(0.01)
        except asyncio.CancelledError:
            CANCELLED.set()  # and carries on regardless

def blocks(slots):
    RELEASE.wait(5)  # blocking I/O, written as a plain def: it gets a thread of its own
    return {"value": "late"}

LOOPS = []

async def on_callers_loop(slots):
    import asyncio
    LOOPS.append(asyncio.get_running_loop())
    await asyncio.sleep(0.05)
    return {"value": "ok"}

async def waits(slots):
    import asyncio
    try:
        await asyncio.sleep(5)
    except asyncio.CancelledError:
        CANCELLED.set()
        raise

class Unprintable:
    def __init__(self, error):
        self.error = error
    def __str__(self):
        raise self.error
    __repr__ = __str__

class BrokenDict(dict):
    def items(self):
        raise RuntimeError("items broken")

def str_exits(slots):
    return {"value": Unprintable(SystemExit("str exits"))}

def str_interrupts(slots):
    return {"value": Unprintable(KeyboardInterrupt())}

def str_raises(slots):
    return {"value": Unprintable(ValueError("no text"))}

def broken_dict(slots):
    return BrokenDict(value="x")

def deep(slots):
    value = 1
    for _ in range(100_000):
        value = [value]
    return {"value": value}

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
    from flowagent.actions import MAX_OVERDUE_PER_ACTION

    hung = flow_in(tmp_path, "hung", "hang", timeout=0.01)
    before = threading.active_count()
    try:
        for _ in range(MAX_OVERDUE_PER_ACTION * 3):
            assert call(hung).outcome == "fallback"
        assert threading.active_count() - before <= MAX_OVERDUE_PER_ACTION
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


def call_async(flow: flowagent.Flow) -> flowagent.Turn:
    async def go() -> flowagent.Turn:
        conv = flow.new_conversation()
        await conv.start_async()
        return await asyncio.wait_for(conv.handle_async("hi"), 10)

    return asyncio.run(go())


@pytest.mark.parametrize(
    "function",
    ["async_interrupts", "async_generator_exit", "async_custom", "exits_after_waiting"],
)
def test_an_async_action_raising_any_base_exception_is_a_failed_action(
    tmp_path: Path, function: str
) -> None:
    """KeyboardInterrupt, GeneratorExit or a custom BaseException from an `async def` action
    never leaves `handle_async()` (it used to)."""
    turn = call_async(flow_in(tmp_path, "raises", function, timeout=1.0))
    assert (turn.outcome, turn.event) == ("fallback", "action_error")


def test_a_keyboard_interrupt_in_one_calls_action_leaves_the_other_calls_on_the_loop(
    tmp_path: Path,
) -> None:
    """asyncio re-raises a KeyboardInterrupt out of the whole loop; an action's never gets
    there, so another call on the same loop finishes normally."""
    victim = flow_in(tmp_path / "a", "victim", "async_interrupts", timeout=1.0)
    other = flow_in(tmp_path / "b", "other", "instant", timeout=1.0)

    async def both() -> list[flowagent.Turn]:
        calls = [victim.new_conversation(), other.new_conversation()]
        for conv in calls:
            await conv.start_async()
        return list(await asyncio.gather(*(c.handle_async("hi") for c in calls)))

    hit, bystander = asyncio.run(both())
    assert hit.outcome == "fallback"
    assert (bystander.outcome, bystander.text) == ("complete", "Result ok.")


@pytest.mark.parametrize(
    "function", ["str_exits", "str_interrupts", "str_raises", "broken_dict", "deep"]
)
def test_a_result_that_cannot_be_read_is_a_failed_action(tmp_path: Path, function: str) -> None:
    """A value whose `str()` raises (SystemExit too), a dict whose `items()` raises, or a
    result nested 100,000 deep fails the action in sync and async turns alike."""
    flow = flow_in(tmp_path, "odd", function, timeout=2.0)
    for turn in (call(flow), call_async(flow)):
        assert (turn.outcome, turn.event) == ("fallback", "action_error")


def test_an_async_action_that_swallows_cancellation_fails_at_its_timeout(tmp_path: Path) -> None:
    """Its cancellation is asked for at the timeout; it carries on, but the turn does not wait
    for it (handle_async used to never return)."""
    flow = flow_in(tmp_path, "stubborn", "ignores_cancel", timeout=0.1)
    module = sys.modules[flow.compiled.actions["RUN"].__module__]

    async def go() -> tuple[flowagent.Turn, float]:
        conv = flow.new_conversation()
        await conv.start_async()
        started = time.perf_counter()
        turn = await asyncio.wait_for(conv.handle_async("hi"), 10)
        took = time.perf_counter() - started
        module.RELEASE.set()  # let the stubborn task end, so that the loop can close
        return turn, took

    try:
        turn, took = asyncio.run(go())
    finally:
        release(flow)
    assert took < 1.0
    assert (turn.outcome, turn.event) == ("fallback", "action_error")
    assert module.CANCELLED.wait(1)


def test_a_blocking_action_neither_outlives_its_timeout_nor_blocks_the_loop(
    tmp_path: Path,
) -> None:
    """A plain-function action that blocks (time.sleep, sync I/O) runs in a thread of its
    own: the turn fails at the timeout, and a 10 ms timer on the caller's loop keeps time."""
    flow = flow_in(tmp_path, "blocking", "blocks", timeout=0.2)

    async def go() -> tuple[flowagent.Turn, float, float]:
        conv = flow.new_conversation()
        await conv.start_async()
        late = 0.0
        stop = asyncio.Event()

        async def ticker() -> None:
            nonlocal late
            while not stop.is_set():
                due = time.perf_counter() + 0.01
                await asyncio.sleep(0.01)
                late = max(late, time.perf_counter() - due)

        tick = asyncio.create_task(ticker())
        started = time.perf_counter()
        turn = await conv.handle_async("hi")
        took = time.perf_counter() - started
        stop.set()
        await tick
        return turn, took, late

    try:
        turn, took, late = asyncio.run(go())
    finally:
        release(flow)
    assert (turn.outcome, turn.event) == ("fallback", "action_error")
    assert took < 1.0  # the timeout (0.2 s) holds; the action blocks for 5 s
    assert late < 0.1  # the loop was never held (it was for the whole action before)


def test_a_hang_up_during_an_async_action_cancels_the_action(tmp_path: Path) -> None:
    """Cancelling `handle_async` (the call ended) cancels the action running for it, and the
    cancellation reaches the caller."""
    flow = flow_in(tmp_path, "waits", "waits", timeout=5.0)
    module = sys.modules[flow.compiled.actions["RUN"].__module__]

    async def go() -> None:
        conv = flow.new_conversation()
        await conv.start_async()
        task = asyncio.create_task(conv.handle_async("hi"))
        await asyncio.sleep(0.05)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(go())
    assert module.CANCELLED.wait(1)


def test_async_actions_run_on_the_callers_loop_and_many_run_at_once(tmp_path: Path) -> None:
    """An `async def` action is a task on the loop that awaits the turn — its HTTP session and
    clients belong to that loop — and a hundred calls booking at the same moment all succeed
    (no cap on calls in progress, only on calls hung past their timeout)."""
    flow = flow_in(tmp_path, "loop", "on_callers_loop", timeout=2.0)
    module = sys.modules[flow.compiled.actions["RUN"].__module__]

    async def go() -> tuple[asyncio.AbstractEventLoop, list[flowagent.Turn]]:
        calls = [flow.new_conversation() for _ in range(100)]
        for conv in calls:
            await conv.start_async()
        turns = await asyncio.gather(*(c.handle_async("hi") for c in calls))
        return asyncio.get_running_loop(), list(turns)

    loop, turns = asyncio.run(go())
    assert all((t.outcome, t.text) == ("complete", "Result ok.") for t in turns)
    assert set(module.LOOPS) == {loop}
