"""Slot extraction benchmark: accuracy per extractor and form, and latency, side by side with
plain `dateparser.search_dates` and `phonenumbers.PhoneNumberMatcher` on the same corpus.

    python benchmarks/extraction.py [--out benchmarks/results/extraction.md]

Corpus: benchmarks/data/slots_corpus.jsonl (built by benchmarks/data/build_corpus.py: hand-written
values inside carrier phrases, one reference time) plus benchmarks/data/callers.yaml (hand-written
caller sentences at four reference times, including over-informative answers nobody asked for,
which run through every extractor the way the engine does).
Targets (issue #3): ≥ 97% typed and ≥ 90% spoken/STT for dates, times, phones and emails;
whole-utterance extraction for all slot types: median < 1 ms, p99 < 5 ms.

Independent data (issue #10, benchmarks/independent.py): SGD train and Duckling's corpus,
right / wrong / none per type, per-call median and p99, with dateparser, Duckling and
Microsoft Recognizers side by side when installed (`pip install -e '.[bench]'`). Targets:
SGD ≥ 98% right for dates and times; Duckling ≥ 95% for date, time, datetime; wrong ≤ 0.5%
of all cases; median < 50 µs, p99 < 1 ms per call.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))

from _common import RESULTS, git_rev, machine, median, pct, table, write_report  # noqa: E402

from flowagent.slots import ExtractContext, get_extractor, opening_hours  # noqa: E402

CORPUS = HERE / "data" / "slots_corpus.jsonl"
CALLERS = HERE / "data" / "callers.yaml"
TZ = ZoneInfo("America/New_York")
HOURS = opening_hours(["mon", "tue", "wed", "thu", "fri", "sat"], "09:00", "17:00")
CHOICES = {
    "consultation": ["consult", "new patient", "first visit", "first appointment", "initial visit"],
    "follow_up": ["follow-up", "follow up", "follow-up visit", "followup", "come back"],
    "check_up": ["checkup", "check-up", "annual checkup", "cleaning", "routine visit", "exam"],
}
TYPES = ["email", "phone", "datetime", "date", "time", "choice", "yesno", "number", "name"]


def load_callers(path: Path = CALLERS) -> list[dict[str, Any]]:
    """The hand-written caller sentences, flattened to corpus rows (`source: callers`)."""
    import yaml

    rows = []
    for group in yaml.safe_load(path.read_text(encoding="utf-8")):
        for kind, form, text, expected, *flags in group["rows"]:
            rows.append(
                {
                    "type": kind,
                    "form": form,
                    "text": text,
                    "expected": expected,
                    "now": group["now"],
                    "asked": "unasked" not in flags,
                    "source": "callers",
                }
            )
    return rows


def load_corpus(path: Path = CORPUS, callers: Path | None = CALLERS) -> list[dict[str, Any]]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return rows + (load_callers(callers) if callers is not None else [])


def context(row: dict[str, Any], expected: bool = True) -> ExtractContext:
    now = datetime.fromisoformat(row["now"]).replace(tzinfo=TZ)
    return ExtractContext(
        now=now, region="US", hours=HOURS, expected=expected, options={"choices": CHOICES}
    )


def correct(found: Any, expected: Any) -> bool:
    """`found` is an Extraction or None; `expected` a value, None, "problem:<code>", or
    "ask:<a>|<b>" (two readings: right is no value and exactly those candidates, a question)."""
    if isinstance(expected, str) and expected.startswith("problem:"):
        return found is not None and found.problem == expected.split(":", 1)[1]
    if isinstance(expected, str) and expected.startswith("ask:"):
        wanted = set(expected[4:].split("|"))
        return found is not None and found.value is None and set(found.candidates) == wanted
    if expected is None:
        return found is None or found.value is None
    return found is not None and found.value == expected


def unasked(row: dict[str, Any]) -> Any:
    """What the row's type gets from an utterance that answered another question: every type
    runs, highest priority first, masking the words each used, none of them expected — as the
    engine fills slots. A flow has either a datetime slot or date and time slots, not both."""
    masked = row["text"]
    ctx = context(row, expected=False)
    skip = {"date", "time"} if row["type"] == "datetime" else {"datetime"}
    kinds = sorted((k for k in TYPES if k not in skip), key=lambda k: -get_extractor(k).priority)
    for kind in kinds:
        found = get_extractor(kind).extract(masked, ctx)
        if kind == row["type"]:
            return found
        if found is not None:
            masked = masked[: found.start] + " " * (found.end - found.start) + masked[found.end :]
    return None


def evaluate(rows: list[dict[str, Any]]) -> dict[tuple[str, str], list[bool]]:
    """Correctness per (type, form) for flowagent's extractors."""
    results: dict[tuple[str, str], list[bool]] = defaultdict(list)
    for row in rows:
        if row.get("asked", True):
            found = get_extractor(row["type"]).extract(row["text"], context(row))
        else:
            found = unasked(row)
        results[(row["type"], row["form"])].append(correct(found, row["expected"]))
    return results


def baseline(row: dict[str, Any]) -> bool | None:
    """Plain dateparser / phonenumbers on the same utterance; None where they do not apply."""
    kind, text, expected = row["type"], row["text"], row["expected"]
    if kind in ("date", "time", "datetime"):
        from dateparser.search import search_dates

        base = datetime.fromisoformat(row["now"])
        found = search_dates(
            text, languages=["en"], settings={"RELATIVE_BASE": base, "PREFER_DATES_FROM": "future"}
        )
        if not found:
            return expected is None
        if expected is None:
            return False
        when = found[0][1]
        # dateparser cannot ask: either reading of a two-reading phrase counts for it
        wanted = expected[4:].split("|") if expected.startswith("ask:") else [expected]
        value = {
            "date": when.date().isoformat(),
            "time": when.strftime("%H:%M"),
            "datetime": when.strftime("%Y-%m-%dT%H:%M"),
        }[kind]
        return value in wanted
    if kind == "phone":
        import phonenumbers

        matches = list(phonenumbers.PhoneNumberMatcher(text, "US"))
        if expected is None or (isinstance(expected, str) and expected.startswith("problem:")):
            return not matches  # it cannot say what is wrong; not accepting is the best it does
        return (
            bool(matches)
            and phonenumbers.format_number(matches[0].number, phonenumbers.PhoneNumberFormat.E164)
            == expected
        )
    return None


def whole_utterance(text: str, row: dict[str, Any]) -> None:
    """All slot types over one utterance, as the engine does for an over-informative answer."""
    masked = text
    for kind in sorted(TYPES, key=lambda k: -get_extractor(k).priority):
        found = get_extractor(kind).extract(masked, context(row, expected=kind == row["type"]))
        if found is not None:
            masked = masked[: found.start] + " " * (found.end - found.start) + masked[found.end :]


_MEASURED = "## Measured"


def write_docs(
    ours: dict[tuple[str, str], list[bool]],
    theirs: dict[tuple[str, str], list[bool]],
    callers: dict[tuple[str, str], list[bool]],
    per_call: dict[str, list[float]],
) -> None:
    """Replace the Measured section at the end of each docs/slots/<type>.md with this run's."""
    for kind in TYPES:
        page = HERE.parent / "docs" / "slots" / f"{kind}.md"
        text = page.read_text(encoding="utf-8")
        at = text.find(f"\n{_MEASURED}\n")  # the heading itself, not "## Measured on ..."
        head = text[: at + 1] if at >= 0 else text.rstrip() + "\n\n"
        forms = sorted(form for k, form in ours if k == kind)
        rows = []
        for form in forms:
            mine, other = ours[(kind, form)], theirs.get((kind, form))
            rows.append(
                [
                    form,
                    len(mine),
                    f"{100 * sum(mine) / len(mine):.1f}%",
                    f"{100 * sum(other) / len(other):.1f}%" if other else "—",
                ]
            )
        hand = [ok for (k, _), oks in callers.items() if k == kind for ok in oks]
        latency = per_call[kind]
        page.write_text(
            head
            + f"{_MEASURED}\n\n"
            + f"By `python benchmarks/extraction.py` (commit {git_rev()}), on the labelled corpus; "
            + "the last column is plain `dateparser.search_dates` / `phonenumbers` on the same "
            + "utterances.\n\n"
            + table(["form", "n", "flowagent", "dateparser / phonenumbers"], rows)
            + f"\n\nHand-written caller sentences alone (callers.yaml): {sum(hand)} of "
            + f"{len(hand)} right. Latency per call: {median(latency):.3f} ms median, "
            + f"{pct(latency, 99):.3f} ms p99.\n",
            encoding="utf-8",
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=RESULTS / "extraction.md")
    parser.add_argument(
        "--no-baseline", action="store_true", help="skip the slow dateparser baseline"
    )
    parser.add_argument(
        "--no-independent", action="store_true", help="skip the independent-data section"
    )
    parser.add_argument(
        "--peer-every", type=int, default=5, help="peers read every n-th SGD case (default 5)"
    )
    parser.add_argument(
        "--docs", action="store_true", help="also rewrite the Measured section of docs/slots/*.md"
    )
    args = parser.parse_args()
    rows = load_corpus()
    for row in rows[:50]:  # warm up regexes and caches
        whole_utterance(row["text"], row)

    ours = evaluate(rows)
    callers = evaluate([r for r in rows if r.get("source") == "callers"])
    theirs: dict[tuple[str, str], list[bool]] = defaultdict(list)
    base_ms: list[float] = []
    if not args.no_baseline:
        for row in rows:
            t0 = time.perf_counter()
            ok = baseline(row)
            if ok is not None:
                base_ms.append((time.perf_counter() - t0) * 1e3)
                theirs[(row["type"], row["form"])].append(ok)

    per_call: dict[str, list[float]] = defaultdict(list)
    whole: list[float] = []
    for _ in range(3):
        for row in rows:
            ctx = context(row)
            extractor = get_extractor(row["type"])
            t0 = time.perf_counter_ns()
            extractor.extract(row["text"], ctx)
            per_call[row["type"]].append((time.perf_counter_ns() - t0) / 1e6)
            t0 = time.perf_counter_ns()
            whole_utterance(row["text"], row)
            whole.append((time.perf_counter_ns() - t0) / 1e6)

    acc_rows = []
    for kind, form in sorted(ours):
        mine = ours[(kind, form)]
        other = theirs.get((kind, form))
        acc_rows.append(
            [
                kind,
                form,
                len(mine),
                f"{100 * sum(mine) / len(mine):.1f}%",
                f"{100 * sum(other) / len(other):.1f}%" if other else "—",
            ]
        )
    lat_rows = [
        [kind, f"{median(v):.3f} ms", f"{pct(v, 99):.3f} ms"]
        for kind, v in sorted(per_call.items())
    ]
    lat_rows.append(
        ["whole utterance, all 9 types", f"{median(whole):.3f} ms", f"{pct(whole, 99):.3f} ms"]
    )
    if base_ms:
        lat_rows.append(
            [
                "baseline: dateparser / phonenumbers",
                f"{median(base_ms):.3f} ms",
                f"{pct(base_ms, 99):.3f} ms",
            ]
        )
    per_type: dict[str, list[bool]] = defaultdict(list)
    for (kind, _), outcomes in callers.items():
        per_type[kind].extend(outcomes)
    caller_rows = [
        [kind, len(v), f"{100 * sum(v) / len(v):.1f}%"] for kind, v in sorted(per_type.items())
    ]
    n_callers = sum(len(v) for v in per_type.values())
    header = (
        "# Slot extraction benchmark\n\n"
        f"Command: `python benchmarks/extraction.py`  \nMachine: {machine()}  \n"
        f"Commit: {git_rev()}; corpus: {len(rows)} utterances — "
        f"{len(rows) - n_callers} in {CORPUS.relative_to(HERE.parent)} (reference time Mon "
        f"2026-11-23 10:00) and {n_callers} in {CALLERS.relative_to(HERE.parent)} (four reference "
        "times); opening hours Mon–Sat 09:00–17:00.\n\n"
    )
    report = (
        header
        + "## Accuracy\n\n"
        + table(["type", "form", "n", "flowagent", "dateparser / phonenumbers"], acc_rows)
        + "\n\n## Hand-written caller sentences alone (callers.yaml)\n\n"
        + "Including over-informative answers that run through every extractor unasked.\n\n"
        + table(["type", "n", "flowagent"], caller_rows)
        + "\n\n## Latency per call\n\n"
        + table(["extractor", "median", "p99"], lat_rows)
        + "\n"
    )
    if not args.no_independent:
        from independent import report as independent_report

        report += "\n" + independent_report(peers=not args.no_baseline, every=args.peer_every)
    write_report(report, args.out)
    if args.docs:
        write_docs(ours, theirs, callers, per_call)
    return 0


if __name__ == "__main__":
    sys.exit(main())
