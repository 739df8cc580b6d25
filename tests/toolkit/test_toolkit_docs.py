"""Every block in docs/testing.md and docs/toolkit.md runs: `# file:` YAML blocks are
written, `$ flowagent …` blocks print what they show, shell lines exit 0 — in a scratch copy
of the repository's flows, so nothing is written into the repository."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from tests.conftest import ROOT

PAGES = [ROOT / "docs" / "testing.md", ROOT / "docs" / "toolkit.md"]
FENCE = re.compile(r"```(\w+)\n(.*?)```", re.S)
ELIDED = "…"


def _blocks(language: str) -> list[tuple[str, str]]:
    found = []
    for page in PAGES:
        for i, m in enumerate(FENCE.finditer(page.read_text(encoding="utf-8"))):
            if m.group(1) == language:
                found.append((f"{page.name}#{i}", m.group(2)))
    return found


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A scratch copy of what the docs' commands read, with their `# file:` blocks written."""
    ws = tmp_path_factory.mktemp("docs")
    for part in ("flows", "examples", "docs", "tests/toolkit/flows"):
        shutil.copytree(ROOT / part, ws / part, ignore=shutil.ignore_patterns("__pycache__"))
    for _, code in _blocks("yaml"):
        first, _, rest = code.partition("\n")
        if first.startswith("# file: "):
            target = ws / first.removeprefix("# file: ").strip()
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(rest, encoding="utf-8")
    return ws


def _run(line: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    args = shlex.split(line)
    if args[0] == "flowagent":
        args = [sys.executable, "-m", "flowagent.cli", *args[1:]]
    elif args[0] == "pytest":
        args = [sys.executable, "-m", "pytest", *args[1:]]
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT / "src"),
        "FLOWAGENT_EXAMPLES_DB": str(cwd / "bookings.db"),
    }
    return subprocess.run(
        args, cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False
    )


def _shows(expected: list[str], actual: list[str]) -> bool:
    """Whether `actual` is `expected` with each `…` line standing for any lines."""
    pattern = "".join(
        "(?:.*\n)*?" if line == ELIDED else re.escape(line) + "\n" for line in expected
    )
    return re.fullmatch(pattern, "".join(f"{line}\n" for line in actual)) is not None


TRANSCRIPTS = [(w, c) for w, c in _blocks("text") if c.startswith("$ flowagent ")]
SHELL = [(w, c) for w, c in _blocks("bash")]


@pytest.mark.parametrize(("where", "block"), TRANSCRIPTS, ids=[w for w, _ in TRANSCRIPTS])
def test_each_transcript_prints_what_it_shows(where: str, block: str, workspace: Path) -> None:
    command, *expected = block.rstrip("\n").splitlines()
    result = _run(command.removeprefix("$ "), workspace)
    actual = result.stdout.rstrip("\n").splitlines()
    assert _shows(expected, actual), f"{where}: `{command}` printed:\n{result.stdout}"


@pytest.mark.parametrize(("where", "block"), SHELL, ids=[w for w, _ in SHELL])
def test_each_shell_line_succeeds(where: str, block: str, workspace: Path) -> None:
    for line in block.splitlines():
        if line.strip() and not line.startswith("#"):
            result = _run(line, workspace)
            assert result.returncode == 0, f"{where}: `{line}`\n{result.stdout}{result.stderr}"


def test_the_schema_header_shown_is_the_reference_flows_first_line() -> None:
    headers = [c for _, c in _blocks("yaml") if c.startswith("# yaml-language-server")]
    first_line = (ROOT / "flows" / "appointment.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert headers == [first_line + "\n"]
