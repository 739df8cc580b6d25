"""Snapshot limits benchmark: how fast a huge hostile snapshot is refused, and what a turn and
its save cost when a conversation holds everything the limits allow.

    python benchmarks/snapshots.py [--turns 40] [--out benchmarks/results/snapshots.md]

- Refusal: `Flow.restore` of a snapshot whose history has 100,000 and 1,000,000 entries (the
  attack of issue #12 F18; the schema used to allow 4,000,000), and of one whose action results
  are nested 600 deep (F3), against the peer `restore` of an ordinary snapshot.
- A full conversation: the history at its limits (`MAX_HISTORY_ENTRIES` lines holding
  `MAX_HISTORY_CHARS` characters) — every turn builds and saves a snapshot of it. Per-turn wall
  time (median, max) with a SQLite store, and the snapshot's JSON size, against the peer of a
  fresh conversation in the same process. The store timeout is the default (250 ms): a turn
  whose save takes longer reports `saved=False`.
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from _common import RESULTS, ROOT, git_rev, machine, median, table, write_report

import flowagent
from flowagent.context import MAX_HISTORY_CHARS, MAX_HISTORY_ENTRIES
from flowagent.store import open_store

NOW = datetime(2026, 11, 23, 10, 0)
TO_TIME = ["hi this is Maria", "next Friday"]
TURNS = ["help", "repeat"]


def checkpoint(flow: flowagent.Flow) -> dict[str, Any]:
    conv = flow.new_conversation(now=NOW, conversation_id="bench")
    conv.start()
    for line in TO_TIME:
        conv.handle(line)
    return dict(json.loads(json.dumps(conv.snapshot())))


def refusal_ms(flow: flowagent.Flow, data: dict[str, Any]) -> tuple[float, str]:
    started = time.perf_counter()
    try:
        flow.restore(data)
        outcome = "accepted"
    except flowagent.SnapshotError as err:
        outcome = f"SnapshotError: {str(err).split(':')[0][len('snapshot field ') :]}"
    return (time.perf_counter() - started) * 1000, outcome


def nested(depth: int) -> Any:
    value: Any = []
    for _ in range(depth):
        value = [value]
    return value


def run_turns(flow: flowagent.Flow, data: dict[str, Any], turns: int) -> tuple[list[float], int]:
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(f"sqlite:///{tmp}/calls.db")
        conv = flow.restore(copy.deepcopy(data), store=store)
        times, saved = [], 0
        for i in range(turns):
            started = time.perf_counter()
            turn = conv.handle(TURNS[i % len(TURNS)])
            times.append((time.perf_counter() - started) * 1000)
            saved += turn.saved
        store.close()
    return times, saved


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--turns", type=int, default=40)
    parser.add_argument("--out", type=Path, default=RESULTS / "snapshots.md")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp())
    text = (ROOT / "flows" / "appointment.yaml").read_text(encoding="utf-8")
    (tmp / "long.yaml").write_text(text.replace("max_turns: 40", "max_turns: 100000"), "utf-8")
    actions = ROOT / "flows" / "appointment_actions.py"
    (tmp / actions.name).write_text(actions.read_text(encoding="utf-8"), encoding="utf-8")
    flow = flowagent.load_flow(tmp / "long.yaml", import_actions=False)
    base = checkpoint(flow)

    refusals = []
    ms, outcome = refusal_ms(flow, copy.deepcopy(base))
    refusals.append(["an ordinary snapshot (peer)", f"{ms:.2f}", outcome])
    for n in (100_000, 1_000_000):
        data = copy.deepcopy(base)
        data["context"]["history"] = [
            {"role": "user", "text": "x" * 50, "state": "A", "at": "t"}
        ] * n
        ms, outcome = refusal_ms(flow, data)
        refusals.append([f"history of {n:,} entries", f"{ms:.2f}", outcome])
    data = copy.deepcopy(base)
    data["context"]["results"] = {"BOOK": nested(600)}
    ms, outcome = refusal_ms(flow, data)
    refusals.append(["results nested 600 deep", f"{ms:.2f}", outcome])

    line = "x" * (MAX_HISTORY_CHARS // MAX_HISTORY_ENTRIES)
    full = copy.deepcopy(base)
    full["context"]["history"] = [
        {"role": "user", "text": line, "state": "COLLECT_INFO", "at": "t"}
    ] * (MAX_HISTORY_ENTRIES - 1)
    rows = []
    for label, data in (("fresh conversation (peer)", base), ("history at its limits", full)):
        times, saved = run_turns(flow, data, args.turns)
        conv = flow.restore(copy.deepcopy(data))
        for i in range(4):
            conv.handle(TURNS[i % 2])
        size = len(json.dumps(conv.snapshot()).encode())
        rows.append(
            [
                label,
                f"{len(conv.context.history)}",
                f"{size / 1024:,.0f} KiB",
                f"{median(times):.2f}",
                f"{max(times):.2f}",
                f"{saved}/{args.turns}",
            ]
        )

    report = "\n".join(
        [
            "# Snapshots: refusing hostile ones, and a full conversation's turns",
            "",
            f"`python benchmarks/snapshots.py --turns {args.turns}` — {machine()}, commit {git_rev()}",
            "",
            f"Limits: {MAX_HISTORY_ENTRIES} history lines, {MAX_HISTORY_CHARS:,} characters"
            " of history text (`flowagent.context`).",
            "",
            table(["snapshot given to restore", "time (ms)", "outcome"], refusals),
            "",
            f"{args.turns} turns with a SQLite store (timeout 250 ms), each saved before its reply:",
            "",
            table(
                [
                    "conversation",
                    "history lines",
                    "snapshot",
                    "median turn (ms)",
                    "max turn (ms)",
                    "on record before reply",
                ],
                rows,
            ),
            "",
        ]
    )
    write_report(report, args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
