r"""Extractor growth benchmark: every slot type on long pathological input, at n and 4n chars;
and whole hostile turns against a normal turn of the same length, at 400 and 100,000 chars.

    python benchmarks/extractor_growth.py [--n 5000] [--turns] [--out benchmarks/results/extractor_growth.md]

An author may raise `limits.max_utterance_chars` (up to 100,000), so every extractor must stay
linear in the length of what it reads. Each extractor runs on texts built by repeating a
pathological unit — shapes that make regular expressions and word-run scans rescan (an address
with no end, `x@x@x@…`; runs of number words; a time cue over and over) — at `n` and `4n`
characters. Linear work grows ~4x; quadratic ~16x. The table gives the time at 4n and the
growth, best of 3 CPU-time runs each (`time.process_time`, so other processes on the machine
matter less). Exit status 1 if any growth is above 8x with more than 5 ms at 4n.

Shapes that are not a repeated unit (`SHAPES`) hold long runs of spaces: what the engine
leaves when it masks a value an extractor took ("(555) (555) …" as a phone, then the rest read
by every other extractor) — a pattern that starts with `\s*` rescans such a run from every
position, which is quadratic.

`--turns` adds whole turns of `flows/appointment.yaml` (every extractor, masking, commands):
each hostile shape at its slowest question, against a normal caller turn of the same length
(a long natural sentence) in the same process, at 400 characters (the default limit) and at
100,000 (the documented maximum of `limits.max_utterance_chars`).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

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
    # the outside review's slow units (issue #12, F6)
    "(555) ": "(555) ",
    "1 ": "1 ",
    "1,": "1,",
    "a@b.": "a@b.",
    "@": "@",
    "＠": "＠",  # full-width, NFKC-folded by the engine (not here)
    "14:00 ": "14:00 ",
    "12/": "12/",
    "2026-": "2026-",
    "A. ": "A. ",
}
#: Long runs of spaces, as masking leaves them (shared with tests/slots/test_linear.py).
SHAPES: dict[str, Callable[[int], str]] = {
    "x + spaces": lambda n: "x" + " " * (n - 1),
    "spaces + x": lambda n: " " * (n - 1) + "x",
    "Maria + spaces": lambda n: "Maria" + " " * (n - 5),
    "call me at + spaces": lambda n: "call me at" + " " * (n - 10),
    "x, + spaces + .": lambda n: "x," + " " * (n - 3) + ".",
}
#: A normal caller turn, repeated to the length compared.
NORMAL = (
    "Hi there, my name is Maria Lopez and I would like to book a cleaning for next Friday if you"
    " have anything around ten in the morning, or maybe two in the afternoon, you can reach me at"
    " 555 123 4567 or by email at maria dot lopez at gmail dot com, thanks so much, and sorry"
    " about the noise, I am driving right now so I might cut out a little bit, anyway the"
    " appointment is for my son Daniel who is eleven, he has a checkup due soon, ok bye. "
)
CTX = ExtractContext(
    now=datetime(2026, 11, 23, 10, tzinfo=UTC),
    expected=True,
    options={"choices": {"cleaning": ["cleaning", "clean"], "checkup": ["checkup", "exam"]}},
)


def text_of(unit: str, n: int) -> str:
    return (unit * (n // len(unit) + 1))[:n]


def all_shapes() -> dict[str, Callable[[int], str]]:
    """Every repeated unit and every shape, by name: n → text of n characters."""
    out: dict[str, Callable[[int], str]] = {
        repr(name): (lambda n, u=unit: text_of(u, n)) for name, unit in UNITS.items()
    }
    return {**out, **SHAPES}


_GOOD = {
    "name": "my name is Maria Lopez",
    "date": "November 27",
    "time": "10 am",
    "phone": "555 123 4567",
    "email": "maria at gmail dot com",
    "yesno": "yes",
}


def checkpoints(limit: int) -> tuple[Any, dict[str, Any], dict[str, dict[str, Any]]]:
    """flows/appointment.yaml with `max_utterance_chars: limit`, and a snapshot taken at each
    question of a happy path (fake actions): {"STATE/slot": snapshot}."""
    import flowagent

    root = Path(__file__).resolve().parent.parent
    work = Path(tempfile.mkdtemp(prefix="growth"))
    shutil.copy(root / "flows" / "appointment_actions.py", work)
    text = (root / "flows" / "appointment.yaml").read_text(encoding="utf-8")
    text = text.replace("limits:\n", f"limits:\n  max_utterance_chars: {limit}\n", 1)
    (work / "appointment.yaml").write_text(text, encoding="utf-8")
    flow = flowagent.load_flow(work / "appointment.yaml")
    actions = {
        ref: flowagent.FakeAction(returns={"reference": "A B C"})
        for ref in flow.compiled.action_refs
    }
    conv = flow.new_conversation(now=CTX.now, actions=actions)
    conv.start()
    snaps: dict[str, dict[str, Any]] = {}
    for _ in range(20):
        if conv.ended:
            break
        snaps.setdefault(f"{conv.state}/{conv.expecting}", conv.snapshot())
        slot = flow.compiled.slots.get(conv.expecting) if conv.expecting else None
        if slot is None:
            answer = "yes"
        elif slot.types[0] == "choice":
            answer = next(iter(slot.spec.choices)).replace("_", " ")
        else:
            answer = _GOOD.get(slot.types[0], "yes")
        conv.handle(answer)
    shutil.rmtree(work)
    return flow, actions, snaps


def turn_time(
    flow: Any, actions: dict[str, Any], snap: dict[str, Any], text: str, repeats: int
) -> float:
    """CPU seconds of one `handle(text)` from `snap`, best of `repeats`."""
    best = float("inf")
    for _ in range(repeats):
        conv = flow.restore(snap, actions=actions)
        started = time.process_time()
        conv.handle(text)
        best = min(best, time.process_time() - started)
    return best


def turns_report() -> tuple[list[str], list[str]]:
    """Whole hostile turns against a normal turn, at 400 and 100,000 characters."""
    shapes = all_shapes()
    failed: list[str] = []
    lines: list[str] = []
    flow, acts, snaps = checkpoints(400)
    big_flow, big_acts, big_snaps = checkpoints(100_000)
    normal = {
        n: max(turn_time(f, a, s, text_of(NORMAL, n), 3 if n == 400 else 1) for s in ss.values())
        for n, f, a, ss in ((400, flow, acts, snaps), (100_000, big_flow, big_acts, big_snaps))
    }
    rows = []
    for name, make in shapes.items():
        times = {key: turn_time(flow, acts, snap, make(400), 3) for key, snap in snaps.items()}
        worst = max(times, key=lambda k: times[k])
        big = turn_time(big_flow, big_acts, big_snaps[worst], make(100_000), 1)
        ratio = times[worst] / normal[400]
        rows.append(
            [
                name,
                worst,
                f"{times[worst] * 1000:.1f}",
                f"{ratio:.1f}x",
                f"{big * 1000:.0f}",
                f"{big / normal[100_000]:.1f}x",
            ]
        )
        if ratio > 5 or big > 1.0:
            failed.append(f"turn {name}: {ratio:.1f}x at 400, {big:.2f} s at 100,000")
    lines += [
        "## Whole turns",
        "",
        "`flows/appointment.yaml`, each shape at the question where it is slowest (at 400"
        " characters), against a normal caller turn of the same length (a long natural sentence,"
        f" repeated) at its slowest question: {normal[400] * 1000:.1f} ms at 400 characters,"
        f" {normal[100_000] * 1000:.0f} ms at 100,000 (a copy of the flow with"
        " `max_utterance_chars: 100000`). CPU time, best of 3 at 400, one run at 100,000."
        " Flagged: more than 5x a normal turn at 400, or more than 1 s at 100,000.",
        "",
        table(
            [
                "shape",
                "slowest question",
                "400 chars (ms)",
                "vs normal",
                "100,000 chars (ms)",
                "vs normal",
            ],
            rows,
        ),
        "",
    ]
    return lines, failed


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
    parser.add_argument("--turns", action="store_true", help="also time whole turns")
    parser.add_argument("--out", type=Path, default=RESULTS / "extractor_growth.md")
    args = parser.parse_args()
    rows = []
    failed = []
    shapes = all_shapes()
    for slot_type in sorted(known_types()):
        worst = (0.0, "", 0.0)
        for name, make in shapes.items():
            small = cpu_time(slot_type, make(args.n))
            big = cpu_time(slot_type, make(4 * args.n))
            growth = big / max(small, 1e-4)
            if big > 0.005 and growth > worst[0]:
                worst = (growth, name, big)
            if big > 0.005 and growth > 8:
                failed.append(f"{slot_type} on {name}: {growth:.1f}x")
        total = sum(cpu_time(slot_type, make(4 * args.n), 1) for make in shapes.values())
        rows.append(
            [
                slot_type,
                f"{total * 1000:.0f}",
                worst[1] or "—",
                f"{worst[0]:.1f}x" if worst[1] else "—",
                f"{worst[2] * 1000:.0f}" if worst[1] else "—",
            ]
        )
    report = "\n".join(
        [
            "# Extractor growth on pathological input",
            "",
            f"`python benchmarks/extractor_growth.py --n {args.n}{' --turns' if args.turns else ''}`"
            f" — {machine()}, commit {git_rev()}",
            "",
            f"Each slot type on {len(shapes)} shapes (repeated units and runs of spaces) at"
            f" {args.n:,} and {4 * args.n:,}"
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
    if args.turns:
        lines, turn_failed = turns_report()
        report += (
            "\n" + "\n".join(lines) + "\nflagged: " + (", ".join(turn_failed) or "none") + "\n"
        )
        failed += turn_failed
    write_report(report, args.out)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
