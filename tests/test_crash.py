"""Crash test: a worker running conversations against a store is killed with SIGKILL at
random moments, hundreds of times; fresh workers resume. Every conversation must end exactly
as an uninterrupted run does: no slot, turn, counter or history line lost or duplicated."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import NOW, ROOT
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


def crash_run(store_url: str, tmp_path: Path, kills: int) -> tuple[dict[str, list[str]], int]:
    """Run workers until every conversation is done, killing each of the first `kills`
    workers after a random 1–4 turns (plus a random sliver of the next one)."""
    rng = random.Random(1234)
    conversations = {f"call-{i}": SCRIPTS[i % len(SCRIPTS)] for i in range(kills + 40)}
    scripts_file = tmp_path / "scripts.json"
    scripts_file.write_text(json.dumps(conversations))
    done_kills = 0
    while True:
        proc = subprocess.Popen(
            [sys.executable, str(WORKER), store_url, str(scripts_file)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert proc.stdout is not None
        first = proc.stdout.readline().strip()
        assert first == "ready", proc.communicate()[1]
        if done_kills < kills:
            line = ""
            for _ in range(rng.randint(1, 4)):
                line = proc.stdout.readline().strip()
                if line != "turn":
                    break
            if line == "turn":
                time.sleep(rng.uniform(0, 0.002))
                proc.send_signal(signal.SIGKILL)
                proc.wait()
                proc.stdout.close()
                if proc.stderr is not None:
                    proc.stderr.close()
                done_kills += 1
                continue
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        if done_kills >= kills:
            return conversations, done_kills
        raise AssertionError(f"work ran out after {done_kills} kills; add conversations")


def check(store_url: str, tmp_path: Path) -> None:
    conversations, kills = crash_run(store_url, tmp_path, KILLS)
    assert kills >= KILLS
    store = open_store(store_url)
    expected = reference(conversations)
    for cid in conversations:
        saved = store.load(cid)
        assert saved is not None, cid
        assert comparable(saved) == expected[cid], cid
    store.close()


@pytest.mark.slow
def test_sqlite_survives_hundreds_of_kills_without_loss(tmp_path: Path) -> None:
    check(f"sqlite:///{tmp_path / 'calls.db'}", tmp_path)


@pytest.mark.slow
def test_redis_survives_hundreds_of_kills_without_loss(tmp_path: Path, redis_url: str) -> None:  # noqa: F811
    check(redis_url, tmp_path)
