"""Hostile flow files: time and peak memory until each one is refused with a located error.

    python benchmarks/hostile_yaml.py [--out benchmarks/results/hostile_yaml.md]

The hostile files are the ones `tests/test_hostile_flows.py` checks (billion laughs, 1,000
levels of nesting, a 5,000-digit number, a key named `str`, a relative-module action, …) plus
an oversized file. The peer in the same run is loading the reference flow, which succeeds.
Time is wall time (median of 5); memory is the tracemalloc peak of one more run.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import contextlib

from _common import RESULTS, ROOT, git_rev, machine, table, write_report
from tests.test_hostile_flows import HOSTILE, MINIMAL

import flowagent


def measure(path: Path) -> tuple[float, float, str]:
    times = []
    outcome = "loaded"
    for _ in range(5):
        started = time.perf_counter()
        try:
            flowagent.load_flow(path)
        except flowagent.FlowDefinitionError as err:
            p = err.problems[0]
            outcome = f"{Path(p.file or '').name}:{p.line}: {p.message[:60]}"
        times.append(time.perf_counter() - started)
    tracemalloc.start()
    with contextlib.suppress(flowagent.FlowDefinitionError):
        flowagent.load_flow(path)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return statistics.median(times) * 1000, peak / 2**20, outcome


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=RESULTS / "hostile_yaml.md")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="flowagent-hostile-"))
    files = {"reference flow (peer)": ROOT / "flows" / "appointment.yaml"}
    for name, text in sorted(HOSTILE.items()):
        files[name] = work / f"{name}.yaml"
        files[name].write_text(text, encoding="utf-8")
    big = work / "oversized.yaml"
    big.write_text(MINIMAL + "# " + "x" * 3_000_000 + "\n", encoding="utf-8")
    files["oversized (3 MB)"] = big
    rows = []
    for name, path in files.items():
        ms, mb, outcome = measure(path)
        rows.append([name, f"{path.stat().st_size:,}", f"{ms:.1f}", f"{mb:.1f}", outcome])
    report = "\n".join(
        [
            "# Hostile flow files",
            "",
            f"`python benchmarks/hostile_yaml.py` — {machine()}, commit {git_rev()}",
            "",
            table(["file", "bytes", "time to error (ms)", "peak memory (MB)", "result"], rows),
            "",
        ]
    )
    write_report(report, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
