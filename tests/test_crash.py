"""Crash test: a worker running conversations against a store is killed with SIGKILL at
random moments, hundreds of times; fresh workers resume. Every conversation must end exactly
as an uninterrupted run does: no slot, turn, counter or history line lost or duplicated.
With two workers on the same conversations at once, every turn either is on record as the
uninterrupted run has it or was reported (a conflict): none is silently lost."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import NOW, ROOT
from tests.crash_worker import digest
from tests.stores import redis_url  # noqa: F401 - fixture

import flowagent
from flowagent.store import MemoryStore, open_store

WORKER = ROOT / "tests" / "crash_worker.py"
KILLS = int(os.environ.get("FLOWAGENT_CRASH_KILLS", "200"))

SCRIPTS = [
    ["Hi, this is Maria, I need a checkup on Friday at 2pm", "555 123 4567", "yes"],
    [
        "I'd like an appointment",
        "John Smith",
        "next Tuesday",
        "10:30 in the morning",
        "I'm a new patient",
        "john dot smith at gmail dot com",
        "no, 11am",
        "yes",
    ],
    [
        "hello",
        "blorp",
        "it's Ana",
        "",
        "Thursday",
        "at 3",
        "a follow up",
        "555 987 6543",
        "no",
        "the date",
        "Saturday",
        "yes",
    ],
    ["hi", "", "", ""],
    ["hello", "blorp", "zzz", "qwerty"],
    [
        "This is Tom",
        "Sunday",
        "Monday",
        "7 in the evening",
        "11am",
        "cleaning",
        "repeat that",
        "tom@example.com",
        "yes",
    ],
]


def comparable(snapshot: dict[str, Any]) -> dict[str, Any]:
    """The snapshot without wall-clock timestamps."""
    ctx = dict(snapshot["context"])
    ctx["history"] = [{k: v for k, v in h.items() if k != "at"} for h in ctx["history"]]
    return ctx


def reference(conversations: dict[str, list[str]]) -> dict[str, dict[str, Any]]:
    flow = flowagent.load_flow(ROOT / "flows" / "appointment.yaml")
    store = MemoryStore()
    for cid, lines in conversations.items():
        conv = flow.new_conversation(now=NOW, conversation_id=cid, store=store)
        conv.start()
        for line in lines:
            if conv.ended:
                break
            conv.handle(line)
    return {cid: comparable(store.load(cid) or {}) for cid in conversations}


def replies(ctx: dict[str, Any]) -> list[str]:
    """Digests of the agent's replies; the n-th is the reply to caller turn n."""
    return [digest(h["text"]) for h in ctx["history"] if h["role"] == "agent"]


@dataclass
class Run:
    kills: int = 0
    answered: list[tuple[str, int, bool, str, str]] = field(default_factory=list)


def crash_run(
    store_url: str, tmp_path: Path, kills: int, writers: int
) -> tuple[dict[str, list[str]], Run]:
    """Fork workers until every conversation is done: rounds of `writers` concurrent workers
    on the same conversations, each killed with SIGKILL after a random 1–4 of its own turns
    (plus a random sliver of the next) until `kills` kills; then a round left to finish."""
    rng = random.Random(1234 + writers)
    conversations = {f"call-{i}": SCRIPTS[i % len(SCRIPTS)] for i in range(kills + 40)}
    scripts_file = tmp_path / "scripts.json"
    scripts_file.write_text(json.dumps(conversations))
    zygote = subprocess.Popen(
        [sys.executable, str(WORKER), "--zygote", str(scripts_file)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert zygote.stdin is not None and zygote.stdout is not None
    assert zygote.stdout.readline().strip() == "zygote", zygote.communicate()[1]
    run = Run()
    try:
        while True:
            killing = run.kills < kills
            budget: dict[int, int] = {}
            for _ in range(writers):
                zygote.stdin.write(f"run {store_url}\n")
                zygote.stdin.flush()
            live: set[int] = set()
            started = 0
            while started < writers or live:
                words = zygote.stdout.readline().split()
                assert words, "the fork server died: " + zygote.communicate()[1]
                kind, pid = words[0], int(words[1])
                if kind == "ready":
                    started += 1
                    live.add(pid)
                    budget[pid] = rng.randint(1, 4)
                elif kind == "error":
                    raise AssertionError(" ".join(words[2:]))
                elif kind == "done":
                    live.discard(pid)
                elif kind == "turn" and pid in live:
                    cid, index, saved, reasons, reply = words[2:]
                    run.answered.append((cid, int(index), saved == "1", reasons, reply))
                    budget[pid] -= 1
                    if killing and budget[pid] == 0:
                        time.sleep(rng.uniform(0, 0.002))
                        os.kill(pid, signal.SIGKILL)
                        live.discard(pid)
                        run.kills += 1
            if not killing:
                return conversations, run
    finally:
        zygote.stdin.close()
        zygote.wait(timeout=60)
        zygote.stdout.close()
        if zygote.stderr is not None:
            zygote.stderr.close()


def check(store_url: str, tmp_path: Path, writers: int = 1) -> Run:
    conversations, run = crash_run(store_url, tmp_path, KILLS, writers)
    assert run.kills >= KILLS
    store = open_store(store_url)
    expected = reference(conversations)
    for cid in conversations:  # nothing lost, nothing duplicated
        saved = store.load(cid)
        assert saved is not None, cid
        assert comparable(saved) == expected[cid], cid
    store.close()
    for cid, index, saved, reasons, reply in run.answered:
        if saved:  # a turn on record is the one the uninterrupted run has there
            assert replies(expected[cid])[index] == reply, (cid, index)
        else:  # a turn not on record when it was answered was reported, never silent
            assert reasons != "-", (cid, index)
    return run


@pytest.mark.slow
def test_sqlite_survives_hundreds_of_kills_without_loss(tmp_path: Path) -> None:
    check(f"sqlite:///{tmp_path / 'calls.db'}", tmp_path)


@pytest.mark.slow
def test_redis_survives_hundreds_of_kills_without_loss(tmp_path: Path, redis_url: str) -> None:  # noqa: F811
    check(redis_url, tmp_path)


@pytest.mark.slow
def test_two_writers_on_sqlite_report_conflicts_and_lose_nothing(tmp_path: Path) -> None:
    run = check(f"sqlite:///{tmp_path / 'calls.db'}", tmp_path, writers=2)
    assert any("conflict" in reasons for *_, reasons, _ in run.answered)


@pytest.mark.slow
def test_two_writers_on_redis_report_conflicts_and_lose_nothing(
    tmp_path: Path,
    redis_url: str,  # noqa: F811
) -> None:
    flush_redis(redis_url)
    run = check(redis_url, tmp_path, writers=2)
    assert any("conflict" in reasons for *_, reasons, _ in run.answered)


def flush_redis(url: str) -> None:
    """The session's Redis is shared: start from no stored conversations."""
    import redis

    client = redis.Redis.from_url(url)
    client.flushdb()
    client.close()
