"""Every Python block in README.md and docs/ runs, and every `flowagent` shell line in them
works: the docs are part of the feature."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from tests.conftest import ROOT

DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
FENCE = re.compile(r"```(\w+)\n(.*?)```", re.S)


def blocks(language: str) -> list[tuple[str, str]]:
    found = []
    for path in DOCS:
        for i, m in enumerate(FENCE.finditer(path.read_text(encoding="utf-8"))):
            if m.group(1) == language:
                found.append((f"{path.relative_to(ROOT)}#{i}", m.group(2)))
    return found


PYTHON_BLOCKS = blocks("python")


@pytest.mark.parametrize(("where", "code"), PYTHON_BLOCKS, ids=[w for w, _ in PYTHON_BLOCKS])
def test_python_blocks_run(where: str, code: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    exec(compile(code, where, "exec"), {"__name__": "__docs__"})


def test_the_first_flow_in_getting_started_works(tmp_path: Path) -> None:
    text = (ROOT / "docs" / "getting-started.md").read_text(encoding="utf-8")
    flow_yaml = next(m.group(2) for m in FENCE.finditer(text) if m.group(1) == "yaml")
    (tmp_path / "hello.yaml").write_text(flow_yaml, encoding="utf-8")
    line = next(
        ln
        for _, code in blocks("bash")
        for ln in code.splitlines()
        if "flowagent run hello.yaml" in ln
    )
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT / "src"),
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
    }
    result = subprocess.run(
        line,
        shell=True,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "See you on Friday, November 27th, Ada!" in result.stdout


def test_the_getting_started_test_file_passes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from flowagent.cli import main

    text = (ROOT / "docs" / "getting-started.md").read_text(encoding="utf-8")
    flow_yaml, test_yaml = [m.group(2) for m in FENCE.finditer(text) if m.group(1) == "yaml"][:2]
    (tmp_path / "hello.yaml").write_text(flow_yaml, encoding="utf-8")
    (tmp_path / "hello.flowtest.yaml").write_text(test_yaml, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["test"]) == 0
    assert capsys.readouterr().out == "1 passed, 0 failed\n"
