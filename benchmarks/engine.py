"""Engine benchmark: flowagent vs a naive design, on the reference flow, in one run.

    python benchmarks/engine.py [--quick] [--out benchmarks/results/engine.md]

Measures (issue #6):
  1. turn latency (median, p99) of `handle()` over a realistic mix of caller turns;
  2. conversation start: time and memory per new conversation (tracemalloc);
  3. 10,000 live conversations interleaved as asyncio tasks: memory, turns/s, p99 turn;
  4. snapshot + restore: time and JSON size of a finished conversation;
  5. flow load/compile: the reference flow and a generated 200-state flow.
The naive baseline, written here, builds a `transitions.Machine` per conversation and runs
`dateparser.parse` on the whole utterance, as a first implementation typically would.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import sys
import time
import tracemalloc
from datetime import datetime
from pathlib import Path
from typing import ClassVar

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

import dateparser
from _common import RESULTS, ROOT, git_rev, machine, median, pct, table, write_report
from transitions import Machine

import flowagent

NOW = datetime(2026, 11, 23, 10, 0)
FLOW_PATH = ROOT / "flows" / "appointment.yaml"

# A realistic mix: over-informative, one slot at a time, corrections, garbage, silence.
SCRIPTS: list[list[str]] = [
    ["Hi, this is Maria, I need a checkup on Friday at 2pm", "555 123 4567", "yes"],
    [
        "I'd like to book an appointment",
        "John Smith",
        "next Tuesday",
        "10:30 in the morning",
        "I'm a new patient",
        "john dot smith at gmail dot com",
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
        "five five five one two three four five six seven",
        "no, 4pm",
        "yes",
    ],
    [
        "This is Maria, a checkup on Friday at 2pm",
        "actually make that Thursday",
        "555 123 4567",
        "no",
        "the date",
        "Saturday",
        "yes",
    ],
    ["hi", "", "", ""],
    ["hello", "blorp", "zzz", "qwerty"],
    [
        "my name is Tom Lee",
        "Sunday",
        "Monday",
        "7 in the evening",
        "11am",
        "cleaning",
        "can you repeat that",
        "tom.lee@example.com",
        "yes",
    ],
]


# --- the naive baseline ---------------------------------------------------------------------


class NaiveConversation:
    """A machine per conversation and dateparser on every utterance."""

    STATES: ClassVar[list[str]] = [
        "GREETING",
        "COLLECT_INFO",
        "RETRY",
        "CONFIRM",
        "BOOK",
        "COMPLETE",
        "FALLBACK",
        "NO_INPUT",
    ]

    def __init__(self) -> None:
        self.state = "GREETING"
        self.slots: dict[str, object] = {}
        self.machine = Machine(
            model=self,
            states=self.STATES,
            initial="GREETING",
            transitions=[
                ["next", "GREETING", "COLLECT_INFO"],
                ["complete", "COLLECT_INFO", "CONFIRM"],
                ["no_match", "COLLECT_INFO", "RETRY"],
                ["resolved", "RETRY", "COLLECT_INFO"],
                ["no_match", "RETRY", "RETRY"],
                ["limit", ["COLLECT_INFO", "RETRY", "CONFIRM"], "FALLBACK"],
                ["yes", "CONFIRM", "BOOK"],
                ["change", "CONFIRM", "COLLECT_INFO"],
                ["success", "BOOK", "COMPLETE"],
                ["silence", "*", "NO_INPUT"],
            ],
            auto_transitions=False,
            ignore_invalid_triggers=True,
        )

    def handle(self, text: str) -> str:
        found = (
            dateparser.parse(text, settings={"RELATIVE_BASE": NOW, "PREFER_DATES_FROM": "future"})
            if text
            else None
        )
        if found is not None:
            self.slots["date"] = found.date().isoformat()
        if self.state == "GREETING":
            self.trigger("next")  # type: ignore[attr-defined]
        return self.state


# --- measurements ------------------------------------------------------------------------------


def turn_latency(flow: flowagent.Flow, rounds: int) -> list[float]:
    samples: list[float] = []
    clock = time.perf_counter_ns
    for _ in range(rounds):
        for script in SCRIPTS:
            conv = flow.new_conversation(now=NOW)
            conv.start()
            for line in script:
                t0 = clock()
                conv.handle(line)
                samples.append((clock() - t0) / 1e6)
    return samples


def naive_turn_latency(rounds: int) -> list[float]:
    samples: list[float] = []
    for _ in range(rounds):
        for script in SCRIPTS:
            conv = NaiveConversation()
            for line in script:
                t0 = time.perf_counter_ns()
                conv.handle(line)
                samples.append((time.perf_counter_ns() - t0) / 1e6)
    return samples


def start_cost(make: object, n: int) -> tuple[float, float]:
    """(µs per conversation, bytes per conversation) for `make()`."""
    factory = make  # type: ignore[assignment]
    gc.collect()
    t0 = time.perf_counter()
    keep = [factory() for _ in range(n)]  # type: ignore[operator]
    elapsed = (time.perf_counter() - t0) / n * 1e6
    del keep
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.take_snapshot()
    keep = [factory() for _ in range(n)]  # type: ignore[operator]
    after = tracemalloc.take_snapshot()
    tracemalloc.stop()
    size = sum(s.size_diff for s in after.compare_to(base, "filename")) / n
    del keep
    return elapsed, size


async def concurrency(flow: flowagent.Flow, n: int, measure_memory: bool) -> dict[str, float]:
    latencies: list[float] = []
    turns = 0
    clock = time.perf_counter_ns
    started = asyncio.Event()

    async def caller(i: int) -> None:
        nonlocal turns
        script = SCRIPTS[i % len(SCRIPTS)]
        conv = flow.new_conversation(now=NOW)
        conv.start()
        await started.wait()
        for line in script:
            t0 = clock()
            await conv.handle_async(line)
            latencies.append((clock() - t0) / 1e6)
            turns += 1
            await asyncio.sleep(0)  # interleave: every live call takes a turn in turn

    gc.collect()
    if measure_memory:
        tracemalloc.start()
    tasks = [asyncio.create_task(caller(i)) for i in range(n)]
    await asyncio.sleep(0)
    live_bytes = tracemalloc.get_traced_memory()[0] if measure_memory else 0.0
    t0 = time.perf_counter()
    started.set()
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - t0
    peak = tracemalloc.get_traced_memory()[1] if measure_memory else 0.0
    if measure_memory:
        tracemalloc.stop()
    return {
        "live_mib": live_bytes / 2**20,
        "peak_mib": peak / 2**20,
        "turns_per_s": turns / elapsed,
        "p99_ms": pct(latencies, 99),
        "median_ms": median(latencies),
        "turns": float(turns),
    }


def snapshot_cost(flow: flowagent.Flow, n: int) -> tuple[float, float, int]:
    conv = flow.new_conversation(now=NOW)
    conv.start()
    for line in SCRIPTS[3]:
        conv.handle(line)
    assert conv.outcome == "complete", conv.outcome
    t0 = time.perf_counter()
    for _ in range(n):
        text = json.dumps(conv.snapshot())
    snap_us = (time.perf_counter() - t0) / n * 1e6
    t0 = time.perf_counter()
    for _ in range(n):
        flow.restore(json.loads(text))
    restore_us = (time.perf_counter() - t0) / n * 1e6
    return snap_us, restore_us, len(text.encode())


def generated_flow(states: int) -> str:
    """A flow of `states` collect states in a chain, each with one slot."""
    lines = ["flow: generated", "start: S0", "slots:"]
    for i in range(states):
        lines += [f"  s{i}:", "    type: number", f"    prompt: Number {i}?"]
    lines.append("states:")
    for i in range(states):
        nxt = f"S{i + 1}" if i + 1 < states else "DONE"
        lines += [f"  S{i}:", "    kind: collect", f"    slots: [s{i}]", f"    next: {nxt}"]
    lines += ["  DONE:", "    kind: end", "  FALLBACK:", "    kind: end"]
    return "\n".join(lines) + "\n"


def load_cost(path: Path, text: str | None, repeat: int) -> float:
    t0 = time.perf_counter()
    for _ in range(repeat):
        if text is None:
            flowagent.load_flow(path)
        else:
            flowagent.load_flow_text(text)
    return (time.perf_counter() - t0) / repeat * 1e3


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds, 2,000 concurrent calls")
    parser.add_argument("--out", type=Path, default=RESULTS / "engine.md")
    args = parser.parse_args()
    rounds = 20 if args.quick else 200
    n_conc = 2_000 if args.quick else 10_000

    flow = flowagent.load_flow(FLOW_PATH)
    turn_latency(flow, 2)  # warm caches (regexes, dateparser fallbacks)
    naive_turn_latency(1)

    fa = turn_latency(flow, rounds)
    nv = naive_turn_latency(max(1, rounds // 20))
    fa_new, fa_mem = start_cost(lambda: flow.new_conversation(now=NOW), 10_000)
    nv_new, nv_mem = start_cost(NaiveConversation, 500)
    conc = asyncio.run(concurrency(flow, n_conc, measure_memory=False))
    conc_mem = asyncio.run(concurrency(flow, n_conc, measure_memory=True))
    snap_us, restore_us, snap_size = snapshot_cost(flow, 2_000)
    load_ref = load_cost(FLOW_PATH, None, 20)
    load_200 = load_cost(FLOW_PATH, generated_flow(200), 3)

    rows = [
        ["turn latency median", f"{median(fa):.3f} ms", f"{median(nv):.3f} ms", "< 0.5 ms"],
        ["turn latency p99", f"{pct(fa, 99):.3f} ms", f"{pct(nv, 99):.3f} ms", "< 3 ms"],
        ["new conversation: time", f"{fa_new:.1f} µs", f"{nv_new:.1f} µs", "< 50 µs"],
        [
            "new conversation: memory",
            f"{fa_mem / 1024:.2f} KiB",
            f"{nv_mem / 1024:.2f} KiB",
            "< 8 KiB",
        ],
        [
            f"{n_conc:,} concurrent: memory (all live)",
            f"{conc_mem['live_mib']:.1f} MiB (peak {conc_mem['peak_mib']:.1f})",
            "—",
            "< 200 MiB",
        ],
        [
            f"{n_conc:,} concurrent: throughput",
            f"{conc['turns_per_s']:,.0f} turns/s",
            "—",
            "≥ 2,000 turns/s",
        ],
        [f"{n_conc:,} concurrent: p99 turn", f"{conc['p99_ms']:.3f} ms", "—", "< 10 ms"],
        [
            "snapshot + restore",
            f"{snap_us + restore_us:.1f} µs ({snap_us:.1f} + {restore_us:.1f})",
            "—",
            "< 100 µs",
        ],
        ["snapshot size (finished call)", f"{snap_size:,} B", "—", "< 4 KiB"],
        ["load + compile: reference flow", f"{load_ref:.1f} ms", "—", ""],
        ["load + compile: 200-state flow", f"{load_200:.1f} ms", "—", ""],
    ]
    report = table(["measure", "flowagent", "naive baseline", "target"], rows)
    header = (
        f"# Engine benchmark\n\nCommand: `python benchmarks/engine.py{' --quick' if args.quick else ''}`  \n"
        f"Machine: {machine()}  \nCommit: {git_rev()}; {len(fa):,} flowagent turns, {len(nv):,} naive turns.\n\n"
    )
    write_report(header + report + "\n", args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
