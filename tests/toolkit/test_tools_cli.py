"""The authoring commands from a shell: exit codes usable in CI, readable output, JSON for
tools, and generated artefacts kept in sync with the code."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import APPOINTMENT, ROOT

from flowagent.toolkit.graph import to_mermaid
from flowagent.toolkit.jsonschema import flow_schema_json

FLOWS = Path(__file__).parent / "flows"


def flowagent(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    return subprocess.run(
        [sys.executable, "-m", "flowagent.cli", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        check=False,
    )


def test_check_exits_1_on_errors_and_0_on_warnings_only() -> None:
    assert flowagent("check", str(FLOWS / "trap.yaml")).returncode == 1
    warn = flowagent("check", str(FLOWS / "unreachable.yaml"))
    assert warn.returncode == 0 and "unreachable" in warn.stdout
    assert flowagent("check", "--strict", str(FLOWS / "unreachable.yaml")).returncode == 1


def test_check_json_is_machine_readable() -> None:
    result = flowagent("check", "--json", str(APPOINTMENT), str(FLOWS / "unknown_state.yaml"))
    data = json.loads(result.stdout)
    assert data[0]["ok"] is True and data[0]["termination"]["bound"] == 40
    assert data[1]["ok"] is False and data[1]["findings"][0]["line"] == 11


def test_graph_mermaid_and_dot() -> None:
    mermaid = flowagent("graph", str(APPOINTMENT))
    assert mermaid.returncode == 0
    assert "stateDiagram-v2" in mermaid.stdout and "CONFIRM --> BOOK: yes" in mermaid.stdout
    dot = flowagent("graph", str(APPOINTMENT), "--format", "dot")
    assert dot.stdout.startswith('digraph "appointment"') and '"RETRY" -> "FALLBACK"' in dot.stdout


def test_the_docs_embed_the_current_diagram() -> None:
    import flowagent

    diagram = to_mermaid(flowagent.load_flow(APPOINTMENT).compiled)
    assert diagram in (ROOT / "docs" / "flow-diagram.md").read_text(), (
        "run: flowagent graph flows/appointment.yaml"
    )


def test_the_published_json_schema_is_current() -> None:
    assert (ROOT / "docs" / "flow.schema.json").read_text() == flow_schema_json(), (
        "run: flowagent schema -o docs/flow.schema.json"
    )
    assert "$schema=../docs/flow.schema.json" in APPOINTMENT.read_text().splitlines()[0]


def test_flowagent_test_passes_the_reference_tests_with_full_coverage() -> None:
    result = flowagent("test", str(ROOT / "flows" / "tests"), "--coverage")
    assert result.returncode == 0, result.stdout
    assert "0 failed" in result.stdout
    assert "states                10/10  100.0%" in result.stdout
    assert "transitions           35/35  100.0%" in result.stdout
    assert "never:" not in result.stdout  # every command, message and branch too


def test_a_failing_conversation_test_shows_the_dialogue_and_exits_1(tmp_path: Path) -> None:
    test = tmp_path / "bad.flowtest.yaml"
    test.write_text(
        f"flow: {APPOINTMENT}\nnow: 2026-11-23T10:00\ncases:\n  - name: wrong\n    turns:\n"
        "      - say: this is Maria\n        expect: {expecting: time}\n"
    )
    result = flowagent("test", str(test))
    assert result.returncode == 1
    assert "caller: this is Maria" in result.stdout
    assert "expecting: expected 'time', got 'date'" in result.stdout


def test_simulate_saves_interesting_runs_that_replay_as_tests(tmp_path: Path) -> None:
    result = flowagent(
        "simulate", str(APPOINTMENT), "-n", "60", "--seed", "3", "--save", str(tmp_path)
    )
    assert result.returncode == 0, result.stdout
    assert "crashes        0" in result.stdout and "unended        0" in result.stdout
    saved = sorted(tmp_path.glob("*.flowtest.yaml"))
    assert saved
    replay = flowagent("test", str(tmp_path))
    assert replay.returncode == 0, replay.stdout


def test_schema_command_prints_the_schema() -> None:
    result = flowagent("schema")
    assert json.loads(result.stdout)["title"] == "flowagent flow"
