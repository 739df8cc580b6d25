"""Store fault benchmark: what a turn costs when the store is healthy, locked, frozen or down,
and how late an event loop runs while a save hangs.

    python benchmarks/store_faults.py [--turns 40] [--out benchmarks/results/store_faults.md]

For each store state, a conversation of the reference flow takes `--turns` caller turns and
the wall time of each `handle()` is recorded (median, max) with how many turns were on record
before their reply (`Turn.saved`). Peers in the same run: the same turns with no store, and
with a healthy store. The store timeout is the default (250 ms).

- locked: another process holds SQLite's write lock (`BEGIN EXCLUSIVE`) for the whole run;
- frozen: the redis-server process is stopped (SIGSTOP): connections stay open, nothing answers;
- down: nothing listens on the Redis port.

Event loop: a 10 ms timer runs on the loop while `handle_async` turns save to a store whose
saves hang 2 s; its worst lateness is compared with a peer run that calls the store's `save`
synchronously on the loop (what an unbounded synchronous save does).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from _common import RESULTS, ROOT, git_rev, machine, median, table, write_report

import flowagent
from flowagent.store import MemoryStore, open_store
from flowagent.store.base import ConversationStore

NOW = datetime(2026, 11, 23, 10, 0)
LINES = ["hi this is Maria", "Friday at 2pm", "blorp", "a checkup", "555 123 4567", "no, 4pm"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_redis(workdir: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    proc = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--dir",
            str(workdir),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                break
        except OSError:
            time.sleep(0.05)
    return proc, f"redis://127.0.0.1:{port}/0"


def run_turns(flow: flowagent.Flow, store: ConversationStore | None, turns: int) -> list[Any]:
    """(seconds, saved) per caller turn; a new conversation whenever one ends."""
    out = []
    conv = flow.new_conversation(now=NOW, store=store)
    conv.start()
    i = 0
    while len(out) < turns:
        if conv.ended:
            conv = flow.new_conversation(now=NOW, store=store)
            conv.start()
        started = time.perf_counter()
        turn = conv.handle(LINES[i % len(LINES)])
        out.append((time.perf_counter() - started, turn.saved))
        i += 1
    return out


def row(name: str, results: list[Any]) -> list[str]:
    times = [t * 1000 for t, _ in results]
    saved = sum(1 for _, s in results if s)
    return [
        name,
        f"{median(times):.2f}",
        f"{max(times):.1f}",
        f"{saved}/{len(results)}" if results[0][1] is not None else "no store",
    ]


class HangingStore(MemoryStore):
    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()

    def save(self, conversation_id: str, snapshot: dict[str, Any]) -> None:
        self.release.wait(2.0)
        super().save(conversation_id, snapshot)


def loop_lateness(flow: flowagent.Flow, turn: Callable[[Any], Any], turns: int) -> float:
    """Worst lateness (ms) of a 10 ms timer while `turn(conversation)` runs `turns` times."""

    async def scenario() -> float:
        loop = asyncio.get_running_loop()
        worst = 0.0
        stop = False

        async def ticker() -> None:
            nonlocal worst
            while not stop:
                due = loop.time() + 0.010
                await asyncio.sleep(0.010)
                worst = max(worst, loop.time() - due)

        tick = asyncio.create_task(ticker())
        await asyncio.sleep(0.05)
        for _ in range(turns):
            await turn(conv)
        stop = True
        await tick
        return worst * 1000

    store = HangingStore()
    conv = flow.new_conversation(now=NOW, store=store)
    conv.context.started = True  # the greeting is not what is measured
    try:
        return asyncio.run(scenario())
    finally:
        store.release.set()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--turns", type=int, default=40)
    parser.add_argument("--out", type=Path, default=RESULTS / "store_faults.md")
    args = parser.parse_args()
    flow = flowagent.load_flow(ROOT / "flows" / "appointment.yaml")
    work = Path(tempfile.mkdtemp(prefix="flowagent-bench-"))
    rows = [row("no store (peer)", run_turns(flow, None, args.turns))]

    healthy = open_store(f"sqlite:///{work / 'ok.db'}")
    rows.append(row("SQLite, healthy", run_turns(flow, healthy, args.turns)))
    healthy.close()

    locked_path = work / "locked.db"
    open_store(f"sqlite:///{locked_path}").close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sqlite3, sys\n"
            f"c = sqlite3.connect({str(locked_path)!r}, isolation_level=None)\n"
            "c.execute('BEGIN EXCLUSIVE'); print('locked', flush=True); sys.stdin.readline()\n",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None
    holder.stdout.readline()
    locked = open_store(f"sqlite:///{locked_path}")
    rows.append(row("SQLite, write-locked by another process", run_turns(flow, locked, args.turns)))
    holder.communicate("\n")
    rows.append(row("SQLite, lock released (catching up)", run_turns(flow, locked, 5)))
    locked.close()

    if shutil.which("redis-server"):
        proc, url = start_redis(work)
        redis_store = open_store(url)
        rows.append(row("Redis, healthy", run_turns(flow, redis_store, args.turns)))
        proc.send_signal(signal.SIGSTOP)
        rows.append(row("Redis, frozen (SIGSTOP)", run_turns(flow, redis_store, args.turns)))
        proc.send_signal(signal.SIGCONT)
        rows.append(row("Redis, thawed (catching up)", run_turns(flow, redis_store, 5)))
        redis_store.close()
        proc.terminate()
        proc.wait()
        down = open_store(f"redis://127.0.0.1:{free_port()}/0")
        rows.append(row("Redis, down (connection refused)", run_turns(flow, down, args.turns)))
        down.close()

    async def bounded(conv: Any) -> None:
        await conv.handle_async(LINES[0])

    async def blocking(conv: Any) -> None:  # the peer: a synchronous save on the loop
        conv.context.turns += 1
        conv._writer.store.save(conv.conversation_id, conv.snapshot())

    late_bounded = loop_lateness(flow, bounded, 3)
    late_blocking = loop_lateness(flow, blocking, 1)
    shutil.rmtree(work, ignore_errors=True)

    report = "\n".join(
        [
            "# Store faults: turn time and event-loop lateness",
            "",
            f"`python benchmarks/store_faults.py --turns {args.turns}` — {machine()}, commit {git_rev()}",
            "",
            "Store timeout: 250 ms (the default). Time is the wall time of `handle()`.",
            "",
            table(["store", "median turn (ms)", "max turn (ms)", "on record before reply"], rows),
            "",
            "A 10 ms timer on the event loop while each save hangs 2 s:",
            "",
            table(
                ["turns on the loop", "timer's worst lateness (ms)"],
                [
                    ["3 × `handle_async` (bounded, off the loop)", f"{late_bounded:.1f}"],
                    ["1 × synchronous `store.save` on the loop (peer)", f"{late_blocking:.1f}"],
                ],
            ),
            "",
        ]
    )
    write_report(report, args.out)
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
