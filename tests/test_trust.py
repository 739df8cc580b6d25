"""The trust model of `module:function` actions: a flow file may call the Python modules that
live beside it; anything else (`os:system`, `subprocess:run`, an installed package) needs the
host's explicit opt-in; and the tools that only read a flow (check, graph) import nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from tests.conftest import ROOT

import flowagent
from flowagent import FlowDefinitionError

FLOW = """\
flow: trust
start: ASK
slots:
  name:
    type: text
    prompt: What should I run?
states:
  ASK:
    kind: collect
    slots: [name]
    next: RUN
  RUN:
    kind: action
    action: {action}
    next: DONE
  DONE:
    kind: end
    say: Done.
  FALLBACK:
    kind: end
    outcome: fallback
    say: Something went wrong.
"""

# A module beside the flow that leaves a mark when it is imported.
MARKING_MODULE = """\
from pathlib import Path
Path(__file__).with_suffix(".imported").write_text("imported")

def book(slots):
    return {"ok": True}
"""


def write_flow(tmp_path: Path, action: str) -> Path:
    path = tmp_path / "flow.yaml"
    path.write_text(FLOW.format(action=action), encoding="utf-8")
    return path


@pytest.mark.parametrize("action", ["os:system", "subprocess:run", "builtins:exec"])
def test_a_flow_cannot_call_modules_it_does_not_own(tmp_path: Path, action: str) -> None:
    path = write_flow(tmp_path, action)
    with pytest.raises(FlowDefinitionError, match="not allowed") as info:
        flowagent.load_flow(path)
    problem = info.value.problems[0]
    assert problem.field == "states.RUN.action" and problem.line == 14
    assert "allow_modules" in str(info.value)


def test_a_module_beside_the_flow_is_the_flows_own(tmp_path: Path) -> None:
    (tmp_path / "acts.py").write_text(MARKING_MODULE)
    flow = flowagent.load_flow(write_flow(tmp_path, "acts:book"))
    conv = flow.new_conversation()
    conv.start()
    assert conv.handle("anything").text == "Done."


def test_the_host_can_allow_an_installed_module(tmp_path: Path) -> None:
    """`allow_modules` names a package; its submodules are allowed with it."""
    path = write_flow(tmp_path, "json.encoder:py_encode_basestring")
    flow = flowagent.load_flow(path, allow_modules=["json"])
    assert flow.compiled.action_refs == {"RUN": "json.encoder:py_encode_basestring"}


def test_allowing_a_package_does_not_allow_a_lookalike(tmp_path: Path) -> None:
    path = write_flow(tmp_path, "jsonschema_fake:load")
    with pytest.raises(FlowDefinitionError, match="not allowed"):
        flowagent.load_flow(path, allow_modules=["json"])


def test_the_environment_can_allow_a_module(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FLOWAGENT_ALLOW_MODULES", "json, email")
    flow = flowagent.load_flow(write_flow(tmp_path, "json:dumps"))
    assert "RUN" in flow.compiled.actions


def test_a_flow_can_be_loaded_without_importing_its_actions(tmp_path: Path) -> None:
    (tmp_path / "acts.py").write_text(MARKING_MODULE)
    flow = flowagent.load_flow(write_flow(tmp_path, "acts:book"), import_actions=False)
    assert not (tmp_path / "acts.imported").exists()
    assert flow.compiled.action_refs == {"RUN": "acts:book"}
    conv = flow.new_conversation()
    conv.start()
    turn = conv.handle("anything")
    assert turn.outcome == "fallback"  # the action was not imported: it cannot run


def test_not_importing_still_checks_what_may_be_imported(tmp_path: Path) -> None:
    with pytest.raises(FlowDefinitionError, match="not allowed"):
        flowagent.load_flow(write_flow(tmp_path, "os:system"), import_actions=False)
    with pytest.raises(FlowDefinitionError, match="no_such_file"):
        flowagent.load_flow(write_flow(tmp_path, "no_such_file:book"), import_actions=False)


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    env.pop("FLOWAGENT_ALLOW_MODULES", None)
    return subprocess.run(
        [sys.executable, "-m", "flowagent.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("command", [["check"], ["graph"], ["check", "--json"]])
def test_reading_tools_import_nothing_from_beside_the_flow(
    tmp_path: Path, command: list[str]
) -> None:
    (tmp_path / "acts.py").write_text(MARKING_MODULE)
    result = cli(*command, str(write_flow(tmp_path, "acts:book")), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "acts.imported").exists()


def test_check_imports_actions_only_when_asked(tmp_path: Path) -> None:
    (tmp_path / "acts.py").write_text(MARKING_MODULE)
    result = cli("check", "--import-actions", str(write_flow(tmp_path, "acts:book")), cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "acts.imported").exists()


def test_check_reports_a_forbidden_module_without_importing_it(tmp_path: Path) -> None:
    result = cli("check", str(write_flow(tmp_path, "subprocess:run")), cwd=tmp_path)
    assert result.returncode == 1
    assert "not allowed" in result.stdout and "flow.yaml:14" in result.stdout


def test_run_can_allow_a_module_from_the_command_line(tmp_path: Path) -> None:
    path = write_flow(tmp_path, "json:dumps")
    refused = cli("run", str(path), "--input", os.devnull, cwd=tmp_path)
    assert refused.returncode == 1 and "not allowed" in refused.stderr
    allowed = cli("run", str(path), "--allow-module", "json", "--input", os.devnull, cwd=tmp_path)
    assert allowed.returncode == 4, allowed.stderr  # loaded and ran; the input ended mid-call
    assert "What should I run?" in allowed.stdout
