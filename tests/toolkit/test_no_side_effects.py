"""Running the shipped conversation tests and simulations writes nothing outside pytest's
temporary directory: the examples' actions (which write to a SQLite file in the system temp
directory) are never called, and no other file appears in a temp or home directory."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from tests.conftest import ROOT

from flowagent.cli import main

FLOWS = [ROOT / "flows" / "appointment.yaml", *sorted(ROOT.glob("examples/*/*.yaml"))]


@pytest.fixture
def watched(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """An empty temp directory and home directory that every write would land in."""
    temp, home = tmp_path / "tmp", tmp_path / "home"
    temp.mkdir()
    home.mkdir()
    monkeypatch.delenv("FLOWAGENT_EXAMPLES_DB", raising=False)
    monkeypatch.setenv("TMPDIR", str(temp))
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    monkeypatch.chdir(ROOT)
    return temp, home


def test_the_shipped_flow_tests_under_pytest_write_nothing(
    watched: tuple[Path, Path], tmp_path: Path
) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    result = subprocess.run(
        [
            *(sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"),
            *("flows", "examples", "--basetemp", str(tmp_path / "basetemp")),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout
    assert [list(d.iterdir()) for d in watched] == [[], []]


def test_flowagent_test_and_simulate_write_nothing(watched: tuple[Path, Path]) -> None:
    assert main(["test", "flows", "examples"]) == 0
    for flow in FLOWS:
        assert main(["simulate", str(flow), "-n", "50"]) == 0
    assert [list(d.iterdir()) for d in watched] == [[], []]
