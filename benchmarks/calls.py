"""Realistic calls, right / wrong / none: how flowagent does on the way callers really talk
(pieces across turns, spelling, questions, non-speech markers, fillers, names, phones, turn
wording), on the reference flow and on a plumbing flow written from the docs alone.

    python benchmarks/calls.py [benchmarks/data/calls/batch_a.yaml ...] [--verbose]

Each call starts at the greeting at Monday 2026-11-23 10:00. After its last turn:
- `slots`: each value right, wrong (another value stored) or none (nothing stored);
- `absent`: a value stored there is wrong (a question or a marker taken as an answer);
- `reply`: the last reply contains this text (else none);
- `reply_lacks`: the last reply does not contain this text (else wrong: e.g. an answer to
  a question that was not asked);
- `max_sorry`: the last reply apologises at most this often (else wrong);
- `outcome`: the call ended this way (another ending is wrong, not ended is none).
A call is wrong if anything in it is wrong, none if something is missing, else right.
Batches are written before the code they measure is changed for them: a batch's first run is
the figure to quote (benchmarks/results/calls.md).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter, defaultdict
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

import flowagent

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "benchmarks" / "data" / "calls"
FLOWS = {
    "appointment": ROOT / "flows" / "appointment.yaml",
    "plumbing": DATA / "plumbing.yaml",
    "car_service": ROOT / "examples" / "car_service" / "car_service.yaml",
    "restaurant": ROOT / "examples" / "restaurant" / "restaurant.yaml",
}
NOW = datetime(2026, 11, 23, 10, 0)


def judge(call: dict[str, Any], flow: flowagent.Flow) -> tuple[str, list[str]]:
    """('right' | 'wrong' | 'none', notes) for one call."""
    conv = flow.new_conversation(now=NOW)
    turn = conv.start()
    for line in call["say"]:
        if turn.ended:
            break
        turn = conv.handle(line)
    expect = call.get("expect", {})
    verdicts: list[str] = []
    notes: list[str] = []
    for slot, want in (expect.get("slots") or {}).items():
        got = conv.slots.get(slot)
        if got is None:
            verdicts.append("none")
            notes.append(f"{slot}: none (want {want!r})")
        elif str(got) != str(want):
            verdicts.append("wrong")
            notes.append(f"{slot}: {got!r} (want {want!r})")
    for slot in expect.get("absent") or []:
        if slot in conv.slots:
            verdicts.append("wrong")
            notes.append(f"{slot}: {conv.slots[slot]!r} stored (want nothing)")
    if "reply" in expect and str(expect["reply"]).lower() not in turn.text.lower():
        verdicts.append("none")
        notes.append(f"reply lacks {expect['reply']!r}")
    if "reply_lacks" in expect and str(expect["reply_lacks"]).lower() in turn.text.lower():
        verdicts.append("wrong")
        notes.append(f"reply has {expect['reply_lacks']!r}")
    if "max_sorry" in expect and turn.text.lower().count("sorry") > int(expect["max_sorry"]):
        verdicts.append("wrong")
        notes.append("apologises twice")
    if "outcome" in expect:
        if not conv.ended:
            verdicts.append("none")
            notes.append(f"not ended (want {expect['outcome']})")
        elif conv.outcome != expect["outcome"]:
            verdicts.append("wrong")
            notes.append(f"outcome {conv.outcome} (want {expect['outcome']})")
    if notes:
        notes.append(f"last reply: {turn.text!r}")
    verdict = "wrong" if "wrong" in verdicts else "none" if "none" in verdicts else "right"
    return verdict, notes


def load_flow(name: str) -> flowagent.Flow:
    return flowagent.load_flow(FLOWS[name])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--verbose", "-v", action="store_true")
    args = parser.parse_args()
    files = args.files or sorted(DATA.glob("batch_*.yaml"))
    flows: dict[str, flowagent.Flow] = {}
    for path in files:
        calls = yaml.safe_load(path.read_text(encoding="utf-8"))
        totals: Counter[str] = Counter()
        by_kind: dict[str, Counter[str]] = defaultdict(Counter)
        for call in calls:
            flow = flows.get(call["flow"]) or flows.setdefault(
                call["flow"], load_flow(call["flow"])
            )
            verdict, notes = judge(call, flow)
            totals[verdict] += 1
            by_kind[call["kind"]][verdict] += 1
            if args.verbose and verdict != "right":
                print(f"{call['id']} {verdict}: " + "; ".join(notes))
        print(f"\n{path.name}: {len(calls)} calls")
        print("| kind | right | wrong | none |\n|---|---|---|---|")
        for kind, c in by_kind.items():
            print(f"| {kind} | {c['right']} | {c['wrong']} | {c['none']} |")
        print(f"| **all** | **{totals['right']}** | **{totals['wrong']}** | **{totals['none']}** |")


if __name__ == "__main__":
    main()
