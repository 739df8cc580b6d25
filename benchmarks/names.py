"""Name answers benchmark: what the name extractor makes of answers to "May I have your
name, please?" — callers' names from many naming traditions, and answers that are no name.

    python benchmarks/names.py [--ref main] [--out benchmarks/results/names.md]

Data: benchmarks/data/name_answers.jsonl (built by benchmarks/data/build_name_answers.py from
Faker's person providers and hand-written names and non-names; Faker is not the source the
word list is built from). Each answer is extracted with the name asked
(`flowagent.slots.extract_span("name", text)`), and counted as
- right: the value is the name (compared without case: a lower-case STT transcript cannot
  tell "de la Cruz" from "De La Cruz");
- ask: no value, one candidate to confirm ("Sorry, was that your name: Hope?") — the right
  name for a name, a question the caller answers "no" for a non-name;
- wrong: a value that is not the name said (for a non-name: any value);
- none: nothing (the caller is asked again).
`--ref REV` measures the same answers with the code of another revision (`git archive`, run in
a subprocess) in a column beside this one. Targets (issue #11c): ≥ 97% right on names, ≤ 1%
wrong on non-names.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tarfile
import tempfile
from collections import Counter, defaultdict
from io import BytesIO
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _common import RESULTS, ROOT, git_rev, machine, table, write_report  # noqa: E402

DATA = HERE / "data" / "name_answers.jsonl"
OUTCOMES = ("right", "ask", "wrong", "none")


def load(path: Path = DATA) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def judge(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each row's outcome and value, by the flowagent importable here."""
    from flowagent.slots import extract_span

    out = []
    for row in rows:
        found = extract_span("name", row["text"])
        value = found.value if found is not None else None
        asked = found is not None and value is None and len(found.candidates) == 1
        expected = row["expected"]
        if value is not None:
            right = expected is not None and str(value).casefold() == expected.casefold()
            outcome = "right" if right else "wrong"
        elif asked:
            outcome = "ask"
            value = f"? {found.candidates[0]}" if found is not None else None
        else:
            outcome = "none"
        out.append({"outcome": outcome, "value": value})
    return out


def judge_at(ref: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`judge` with the source tree of git revision `ref`, in a subprocess."""
    archive = subprocess.run(
        ["git", "archive", ref, "src"], cwd=ROOT, capture_output=True, check=True
    ).stdout
    with tempfile.TemporaryDirectory() as tmp:
        with tarfile.open(fileobj=BytesIO(archive)) as tar:
            tar.extractall(tmp, filter="data")
        code = (
            f"import sys, json; sys.path[:0] = [{tmp + '/src'!r}, {str(HERE)!r}]; "
            "from names import judge; "
            "print(json.dumps(judge(json.load(sys.stdin))))"
        )
        done = subprocess.run(
            [sys.executable, "-c", code],
            input=json.dumps(rows),
            capture_output=True,
            text=True,
            check=True,
        )
    result: list[dict[str, Any]] = json.loads(done.stdout)
    return result


def counts(rows: list[dict[str, Any]], judged: list[dict[str, Any]], kind: str) -> Counter[str]:
    return Counter(j["outcome"] for r, j in zip(rows, judged, strict=True) if r["kind"] == kind)


def share(c: Counter[str]) -> list[str]:
    n = sum(c.values())
    return [f"{c[o]} ({100 * c[o] / n:.1f}%)" for o in OUTCOMES]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--ref", help="also measure this git revision (e.g. main)")
    parser.add_argument("--out", type=Path, default=RESULTS / "names.md")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    rows = load()
    runs: dict[str, list[dict[str, Any]]] = {}
    if args.ref:
        runs[args.ref] = judge_at(args.ref, rows)
    runs[f"this ({git_rev()})"] = judge(rows)

    summary = []
    for label, judged in runs.items():
        for kind in ("name", "other"):
            c = counts(rows, judged, kind)
            summary.append(
                [label, "names" if kind == "name" else "non-names", sum(c.values()), *share(c)]
            )
    latest = list(runs.values())[-1]
    by_tradition: dict[str, Counter[str]] = defaultdict(Counter)
    for row, j in zip(rows, latest, strict=True):
        if row["kind"] == "name":
            by_tradition[row["tradition"]][j["outcome"]] += 1
    trad_rows = [[t, sum(c.values()), *(c[o] for o in OUTCOMES)] for t, c in by_tradition.items()]
    misses = [
        [r["text"], r["expected"] or "—", *(str(j[i]["value"]) for j in runs.values())]
        for i, r in enumerate(rows)
        for j in [list(runs.values())]
        if j[-1][i]["outcome"] != ("right" if r["kind"] == "name" else "none")
    ]
    names = sum(1 for r in rows if r["kind"] == "name")
    report = (
        "# Name answers benchmark\n\n"
        f"Command: `python benchmarks/names.py{' --ref ' + args.ref if args.ref else ''}`  \n"
        f"Machine: {machine()}  \n"
        f"Data: {DATA.relative_to(ROOT)} — {names} names in {len(by_tradition)} groups "
        f"(naming traditions and forms), {len(rows) - names} answers that are no name; "
        "each extracted with the name asked.\n\n"
        "## Outcomes\n\n"
        + table(["code", "answers", "n", *OUTCOMES], summary)
        + "\n\nTargets: ≥ 97% right on names, ≤ 1% wrong on non-names. *ask*: no value yet, "
        "the caller is asked to confirm the one candidate.\n\n"
        "## Names by tradition (this code)\n\n"
        + table(["tradition", "n", *OUTCOMES], trad_rows)
        + "\n\n## Not right (this code)\n\n"
        + table(["said", "expected", *runs.keys()], misses)
        + "\n"
    )
    write_report(report, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
