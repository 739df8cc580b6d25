"""`import flowagent` in a fresh process: this tree against a baseline commit, alternately.

    python benchmarks/import_time.py [--baseline main] [--runs 30] [--out benchmarks/results/import_time.md]

The baseline's `src/` is exported with `git archive` into a temporary directory; each run
starts a new interpreter with `PYTHONPATH` set to one tree or the other (so both use the same
installed dependencies), alternating which goes first, after one warm-up run each (bytecode
written). Two figures per tree:
  - import: `python -X importtime`'s cumulative time of the `flowagent` import (μs → ms),
    the library's own cost without the interpreter's start;
  - process: wall time of `python -c "import flowagent"`, start to exit, without -X importtime.
Medians and bests over `--runs` runs per tree; timings on a shared machine are noisy, which
is why the trees alternate and the comparison is a ratio of medians.
"""

from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import RESULTS, ROOT, git_rev, machine, median, table, write_report

CODE = "import flowagent, sys; print(flowagent.__file__); print(sum(m.startswith('flowagent') for m in sys.modules))"


def export(ref: str, into: Path) -> Path:
    """`src/` of `ref` under `into`; returns the directory to put on PYTHONPATH."""
    archive = subprocess.run(
        ["git", "archive", "--format=tar", ref, "src"], cwd=ROOT, capture_output=True, check=True
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into / "src"


def run_once(src: Path, importtime: bool) -> tuple[float, str, int]:
    """(ms, flowagent's file, flowagent modules loaded) for one fresh interpreter."""
    env = {**os.environ, "PYTHONPATH": str(src), "PYTHONDONTWRITEBYTECODE": "1"}
    args = [sys.executable, *(["-X", "importtime"] if importtime else []), "-c", CODE]
    started = time.perf_counter()
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=True)
    wall = (time.perf_counter() - started) * 1e3
    file, count = done.stdout.split()
    if not importtime:
        return wall, file, int(count)
    # the line of the top-level import: "import time: self | cumulative | flowagent"
    line = next(ln for ln in reversed(done.stderr.splitlines()) if ln.endswith("| flowagent"))
    return int(line.split("|")[1]) / 1e3, file, int(count)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--baseline", default="main", help="git ref to compare with")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--out", type=Path, default=RESULTS / "import_time.md")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        trees = {
            f"baseline ({args.baseline})": export(args.baseline, Path(tmp)),
            "this tree": ROOT / "src",
        }
        for src in trees.values():  # warm-up: bytecode of this tree, OS caches of both
            subprocess.run(
                [sys.executable, "-c", CODE],
                env={**os.environ, "PYTHONPATH": str(src)},
                capture_output=True,
                check=True,
            )
        imports: dict[str, list[float]] = {name: [] for name in trees}
        walls: dict[str, list[float]] = {name: [] for name in trees}
        modules: dict[str, int] = {}
        for i in range(args.runs):
            order = list(trees.items()) if i % 2 == 0 else list(reversed(trees.items()))
            for name, src in order:
                ms, file, count = run_once(src, importtime=True)
                if not file.startswith(str(src)):
                    raise SystemExit(f"{name}: imported {file}, not the tree under {src}")
                imports[name].append(ms)
                modules[name] = count
                walls[name].append(run_once(src, importtime=False)[0])
    rows = [
        [
            name,
            f"{median(imports[name]):.0f}",
            f"{min(imports[name]):.0f}",
            f"{median(walls[name]):.0f}",
            f"{min(walls[name]):.0f}",
            modules[name],
        ]
        for name in trees
    ]
    base, this = list(trees)
    ratio = median(imports[this]) / median(imports[base])
    report = "\n".join(
        [
            "# `import flowagent`",
            "",
            f"`python benchmarks/import_time.py --baseline {args.baseline} --runs {args.runs}` — "
            f"{machine()}, commit {git_rev()}",
            "",
            table(
                [
                    "tree",
                    "import, median (ms)",
                    "import, best (ms)",
                    "process, median (ms)",
                    "process, best (ms)",
                    "flowagent modules loaded",
                ],
                rows,
            ),
            "",
            f"This tree's import takes {ratio:.2f}× the baseline's (medians, {args.runs} "
            "alternating runs each).",
            "",
        ]
    )
    write_report(report, args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
