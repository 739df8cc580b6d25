"""Extractor growth benchmark: every slot type on long pathological input, at n and 4n chars.

    python benchmarks/extractor_growth.py [--n 5000] [--out benchmarks/results/extractor_growth.md]

An author may raise `limits.max_utterance_chars` (up to 100,000), so every extractor must stay
linear in the length of what it reads. Each extractor runs on texts built by repeating a
pathological unit — shapes that make regular expressions and word-run scans rescan (an address
with no end, `x@x@x@…`; runs of number words; a time cue over and over) — at `n` and `4n`
characters. Linear work grows ~4x; quadratic ~16x. The table gives the time at 4n and the
growth, best of 3 CPU-time runs each (`time.process_time`, so other processes on the machine
matter less). Exit status 1 if any growth is above 8x with more than 5 ms at 4n.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from _common import RESULTS, git_rev, machine, table, write_report

from flowagent.slots.base import ExtractContext
from flowagent.slots.registry import get_extractor, known_types

#: Repeated units that stress the extractors' scans (shared with tests/slots/test_linear.py).
UNITS = {
    "x@": "x@",
    "a-": "a-",
    "x at ": "x at ",
    "x.": "x.",
    "xat": "xat",
    "a ": "a ",
    "5 ": "5 ",
    "5-": "5-",
    "twenty ": "twenty ",
    "at 3 ": "at 3 ",
    "friday ": "friday ",
    "my name is ": "my name is ",
    "no ": "no ",
    "dot ": "dot ",
}
CTX = ExtractContext(
    now=datetime(2026, 11, 23, 10, tzinfo=UTC),
    expected=True,
    options={"choices": {"cleaning": ["cleaning", "clean"], "checkup": ["checkup", "exam"]}},
)


def text_of(unit: str, n: int) -> str:
    return (unit * (n // len(unit) + 1))[:n]


def cpu_time(slot_type: str, text: str, repeats: int = 3) -> float:
    extractor = get_extractor(slot_type)
    best = float("inf")
    for _ in range(repeats):
        started = time.process_time()
        extractor.extract_all(text, CTX)
        best = min(best, time.process_time() - started)
    return best


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=5000)
    parser.add_argument("--out", type=Path, default=RESULTS / "extractor_growth.md")
    args = parser.parse_args()
    rows = []
    failed = []
    for slot_type in sorted(known_types()):
        worst = (0.0, "", 0.0)
        for name, unit in UNITS.items():
            small = cpu_time(slot_type, text_of(unit, args.n))
            big = cpu_time(slot_type, text_of(unit, 4 * args.n))
            growth = big / max(small, 1e-4)
            if big > 0.005 and growth > worst[0]:
                worst = (growth, name, big)
            if big > 0.005 and growth > 8:
                failed.append(f"{slot_type} on {name!r}: {growth:.1f}x")
        total = sum(cpu_time(slot_type, text_of(u, 4 * args.n), 1) for u in UNITS.values())
        rows.append(
            [
                slot_type,
                f"{total * 1000:.0f}",
                repr(worst[1]) if worst[1] else "—",
                f"{worst[0]:.1f}x" if worst[1] else "—",
                f"{worst[2] * 1000:.0f}" if worst[1] else "—",
            ]
        )
    report = "\n".join(
        [
            "# Extractor growth on pathological input",
            "",
            f"`python benchmarks/extractor_growth.py --n {args.n}` — {machine()}, commit {git_rev()}",
            "",
            f"Each slot type on {len(UNITS)} repeated units at {args.n:,} and {4 * args.n:,}"
            " characters; linear work grows ~4x, quadratic ~16x. Units that take under 5 ms at"
            " 4n are too fast to judge and are not counted as the worst.",
            "",
            table(
                [
                    "slot type",
                    f"all units at {4 * args.n:,} chars (ms)",
                    "worst unit",
                    "growth n→4n",
                    "its time at 4n (ms)",
                ],
                rows,
            ),
            "",
            "super-linear: " + (", ".join(failed) if failed else "none"),
            "",
        ]
    )
    write_report(report, args.out)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
