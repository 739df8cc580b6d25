"""A store that is locked, frozen, down or shared can slow a turn by at most its timeout and
never drops a call: the failure is logged and counted, the next good save catches up, and a
second writer on the same conversation is reported instead of silently losing turns."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import NOW, ROOT
from tests.stores import free_port, redis_url, start_redis  # noqa: F401 - fixture

import flowagent
from flowagent.metrics import Metrics
from flowagent.observe import FlowEvent
from flowagent.store import ConversationStore, MemoryStore, open_store

TIMEOUT = 0.25
LINES = ["hi this is Maria", "Friday at 2pm", "a checkup", "555 123 4567", "yes"]


class Events:
    """A sink that keeps every event."""

    def __init__(self) -> None:
        self.events: list[FlowEvent] = []

    def emit(self, event: FlowEvent) -> None:
        self.events.append(event)

    def store_errors(self) -> list[dict[str, Any]]:
        return [e.to_dict() for e in self.events if e.event == "store_error"]


class HangingStore(MemoryStore):
    """Saves block until released (or `hang` seconds pass): a frozen backend."""

    def __init__(self, hang: float = 5.0) -> None:
        super().__init__()
        self.hang = hang
        self.release = threading.Event()
        self.timeout = TIMEOUT

    def save(self, conversation_id: str, snapshot: dict[str, Any]) -> None:
        self.release.wait(self.hang)
        super().save(conversation_id, snapshot)


class DownStore(MemoryStore):
    """Every call fails the way a lost connection does."""

    def save(self, conversation_id: str, snapshot: dict[str, Any]) -> None:
        raise ConnectionError("Connection refused")

    def load(self, conversation_id: str) -> dict[str, Any] | None:
        raise ConnectionError("Connection refused")


def stored_turns(store: ConversationStore, cid: str) -> int:
    data = store.load(cid)
    return int(data["context"]["turns"]) if data else -1


def timed(conv: flowagent.Conversation, line: str) -> tuple[flowagent.Turn, float]:
    started = time.perf_counter()
    turn = conv.handle(line)
    return turn, time.perf_counter() - started


# --- call start (item 1) ------------------------------------------------------------------


def test_resume_during_a_store_outage_returns_none_and_logs(
    appointment: flowagent.Flow, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="flowagent"):
        assert appointment.resume("call-1", DownStore()) is None
    assert any("call-1" in str(getattr(r, "conversation_id", "")) for r in caplog.records)


def test_a_call_starts_fresh_when_the_store_is_down_at_call_start(
    appointment: flowagent.Flow,
) -> None:
    events = Events()
    conv = appointment.resume_or_new("call-1", DownStore(), now=NOW, sinks=[events])
    assert not conv.resumed
    assert conv.start().text.startswith("Thanks for calling")
    assert conv.handle("this is Maria").expecting == "date"
    assert {e["operation"] for e in events.store_errors()} == {"load", "save"}


def test_resume_from_an_unreachable_redis_is_bounded_by_the_timeout(
    appointment: flowagent.Flow,
) -> None:
    pytest.importorskip("redis")
    store = open_store(f"redis://127.0.0.1:{free_port()}/0?timeout=0.2")
    started = time.perf_counter()
    conv = appointment.resume_or_new("call-1", store, now=NOW)
    assert time.perf_counter() - started < 0.2 + 0.3
    assert conv.start().text.startswith("Thanks for calling")


def test_a_voice_agent_starts_its_call_when_redis_is_down(appointment: flowagent.Flow) -> None:
    """The reported case: `FlowAgent(..., store=<Redis down>)` raised at call start."""
    pytest.importorskip("livekit.agents")
    from flowagent.livekit import FlowAgent

    store = open_store(f"redis://127.0.0.1:{free_port()}/0")
    agent = FlowAgent(appointment, now=NOW, store=store, conversation_id="room-1")
    assert agent.conversation.conversation_id == "room-1"
    assert not agent.conversation.resumed


# --- slow, locked, frozen and down stores (item 2) -----------------------------------------


@pytest.fixture
def locked_sqlite(tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """A SQLite file whose write lock another process holds until told to let go."""
    path = tmp_path / "calls.db"
    open_store(f"sqlite:///{path}").close()  # create the table
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sqlite3, sys\n"
            f"c = sqlite3.connect({str(path)!r}, isolation_level=None)\n"
            "c.execute('BEGIN EXCLUSIVE')\n"
            "print('locked', flush=True)\n"
            "sys.stdin.readline()\n"
            "c.execute('COMMIT')\n",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
    yield f"sqlite:///{path}", holder
    if holder.poll() is None:
        holder.communicate("go\n", timeout=10)


def test_a_locked_sqlite_store_delays_a_turn_by_at_most_its_timeout(
    appointment: flowagent.Flow, locked_sqlite: tuple[str, subprocess.Popen[str]]
) -> None:
    url, holder = locked_sqlite
    store = open_store(url)  # default timeout: 0.25 s
    conv = appointment.new_conversation(now=NOW, conversation_id="c", store=store)
    conv.start()
    turn, elapsed = timed(conv, LINES[0])
    assert elapsed < TIMEOUT + 0.25, f"{elapsed:.3f} s"
    assert turn.saved is False and turn.expecting == "date"
    holder.communicate("go\n", timeout=10)  # the lock is released
    turn = conv.handle(LINES[1])
    assert turn.saved is True
    assert stored_turns(store, "c") == 2  # the good save caught up with the missed turn
    store.close()


def test_the_store_timeout_is_configurable(
    appointment: flowagent.Flow, locked_sqlite: tuple[str, subprocess.Popen[str]]
) -> None:
    url, _ = locked_sqlite
    store = open_store(url + "?timeout=0.05")
    conv = appointment.new_conversation(now=NOW, conversation_id="c", store=store)
    conv.start()
    _, elapsed = timed(conv, LINES[0])
    assert elapsed < 0.05 + 0.2
    store.close()


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    pytest.importorskip("redis")
    proc, url = start_redis(tmp_path)
    yield url, proc
    proc.send_signal(signal.SIGCONT)
    proc.terminate()
    proc.wait(timeout=10)


def test_a_frozen_redis_delays_a_turn_by_at_most_its_timeout(
    appointment: flowagent.Flow, private_redis: tuple[str, subprocess.Popen[bytes]]
) -> None:
    url, proc = private_redis
    store = open_store(url)
    conv = appointment.new_conversation(now=NOW, conversation_id="c", store=store)
    conv.start()
    proc.send_signal(signal.SIGSTOP)  # the server stops answering, connections stay open
    try:
        for line in LINES[:2]:
            turn, elapsed = timed(conv, line)
            assert elapsed < TIMEOUT + 0.25, f"{elapsed:.3f} s"
            assert turn.saved is False
    finally:
        proc.send_signal(signal.SIGCONT)
    deadline = time.monotonic() + 5
    while conv.handle(LINES[2]).saved is not True and time.monotonic() < deadline:
        pass
    assert stored_turns(store, "c") == conv.context.turns
    store.close()


def test_a_down_redis_answers_every_turn_and_counts_the_failures(
    appointment: flowagent.Flow,
) -> None:
    pytest.importorskip("redis")
    store = open_store(f"redis://127.0.0.1:{free_port()}/0")
    metrics = Metrics()
    conv = appointment.new_conversation(now=NOW, store=store, sinks=[metrics])
    conv.start()
    for line in LINES:
        turn, elapsed = timed(conv, line)
        assert elapsed < TIMEOUT + 0.25
    assert turn.outcome == "complete"
    errors = metrics.summary()["store_errors"]
    assert sum(errors.values()) == len(LINES) + 1  # the greeting and every turn


def test_a_hanging_save_never_blocks_the_event_loop(appointment: flowagent.Flow) -> None:
    """A 10 ms timer on the same loop stays < 20 ms late while a save hangs; the turn
    answers within the store's timeout."""
    store = HangingStore(hang=2.0)
    conv = appointment.new_conversation(now=NOW, conversation_id="c", store=store)

    async def scenario() -> tuple[float, float, flowagent.Turn]:
        loop = asyncio.get_running_loop()
        lateness = 0.0
        stop = False

        async def ticker() -> None:
            nonlocal lateness
            while not stop:
                due = loop.time() + 0.010
                await asyncio.sleep(0.010)
                lateness = max(lateness, loop.time() - due)

        tick = asyncio.create_task(ticker())
        await asyncio.sleep(0.05)
        await conv.start_async()
        started = loop.time()
        turn = await conv.handle_async(LINES[0])
        elapsed = loop.time() - started
        await asyncio.sleep(0.05)
        stop = True
        await tick
        return lateness, elapsed, turn

    try:
        lateness, elapsed, turn = asyncio.run(scenario())
    finally:
        store.release.set()
    assert lateness < 0.020, f"the loop was blocked {lateness * 1000:.1f} ms"
    assert elapsed < TIMEOUT + 0.1
    assert turn.saved is False and turn.expecting == "date"


def test_store_failures_are_logged_with_the_conversation(
    appointment: flowagent.Flow, caplog: pytest.LogCaptureFixture
) -> None:
    conv = appointment.new_conversation(now=NOW, conversation_id="c-77", store=DownStore())
    with caplog.at_level(logging.WARNING, logger="flowagent"):
        conv.start()
    record = next(r for r in caplog.records if "not saved" in r.getMessage())
    assert getattr(record, "conversation_id", None) == "c-77"
    assert "Maria" not in caplog.text


# --- two writers on one conversation (item 3) -----------------------------------------------


@pytest.fixture(params=["memory", "sqlite", "redis"])
def store(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[ConversationStore]:
    if request.param == "memory":
        s = open_store("memory://")
    elif request.param == "sqlite":
        s = open_store(f"sqlite:///{tmp_path / 'calls.db'}")
    else:
        s = open_store(request.getfixturevalue("redis_url"))
    yield s
    s.close()


def test_a_second_writer_is_reported_and_loses_no_stored_turn(
    appointment: flowagent.Flow, store: ConversationStore
) -> None:
    cid = f"two-writers-{os.getpid()}-{time.monotonic_ns()}"
    first = appointment.new_conversation(now=NOW, conversation_id=cid, store=store)
    first.start()
    first.handle(LINES[0])
    events = Events()
    a = appointment.resume(cid, store)
    b = appointment.resume(cid, store, sinks=[events])
    assert a is not None and b is not None
    assert a.handle(LINES[1]).saved is True
    turn_b = b.handle(LINES[1])
    assert turn_b.saved is False
    assert [e["reason"] for e in events.store_errors()] == ["conflict"]
    assert a.handle(LINES[2]).saved is True  # the first writer goes on undisturbed
    assert stored_turns(store, cid) == 3


def test_a_new_conversation_never_overwrites_a_stored_one(
    appointment: flowagent.Flow, store: ConversationStore
) -> None:
    cid = f"taken-{os.getpid()}-{time.monotonic_ns()}"
    old = appointment.new_conversation(now=NOW, conversation_id=cid, store=store)
    old.start()
    old.handle(LINES[0])
    again = appointment.new_conversation(now=NOW, conversation_id=cid, store=store)
    assert again.start().saved is False
    assert (store.load(cid) or {})["context"]["slots"] == {"name": "Maria"}


# --- caller text that cannot be encoded (item 4) --------------------------------------------


def test_a_lone_surrogate_from_the_caller_never_breaks_saving(
    appointment: flowagent.Flow, store: ConversationStore
) -> None:
    cid = f"surrogate-{os.getpid()}-{time.monotonic_ns()}"
    conv = appointment.new_conversation(now=NOW, conversation_id=cid, store=store)
    conv.start()
    assert conv.handle("\ud83d").saved is True
    assert conv.handle("this is Maria \udcff").saved is True
    assert stored_turns(store, cid) == 2


# --- the command line (items 4 and 5) --------------------------------------------------------


def cli(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    return subprocess.run(
        [sys.executable, "-m", "flowagent.cli", *args],
        input=stdin,
        capture_output=True,
        env=env,
        timeout=120,
        check=False,
    )


APPOINTMENT = str(ROOT / "flows" / "appointment.yaml")


def test_run_reads_caller_lines_that_are_not_utf8(tmp_path: Path) -> None:
    script = tmp_path / "in.txt"
    script.write_bytes(b"hi this is Maria \xff\xfe\n")
    for result in (
        cli("run", APPOINTMENT, "--input", str(script)),
        cli("run", APPOINTMENT, stdin=script.read_bytes()),
    ):
        assert result.returncode == 4, result.stderr.decode()  # the input ends mid-call
        assert b"Traceback" not in result.stderr
        assert b"What day" in result.stdout


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda p: p.write_bytes(b"this is not a database" * 100), id="corrupt"),
        pytest.param(lambda p: p.mkdir(), id="a directory"),
    ],
)
def test_run_names_a_broken_sqlite_store_without_a_traceback(tmp_path: Path, make: Any) -> None:
    db = tmp_path / "calls.db"
    make(db)
    result = cli("run", APPOINTMENT, "--store", f"sqlite:///{db}", "--id", "x", stdin=b"hi\n")
    assert result.returncode == 1
    assert b"Traceback" not in result.stderr
    assert b"calls.db" in result.stderr


def test_run_says_when_redis_is_down_without_a_traceback() -> None:
    pytest.importorskip("redis")
    url = f"redis://127.0.0.1:{free_port()}/0"
    result = cli("run", APPOINTMENT, "--store", url, "--id", "x", stdin=b"hi\n")
    assert result.returncode == 1
    assert b"Traceback" not in result.stderr
    assert b"unavailable" in result.stderr
