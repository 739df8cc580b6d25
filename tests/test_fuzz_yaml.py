"""Mutated and random flow files either load or raise FlowDefinitionError naming a location —
never another exception, never a silent half-load."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.conftest import APPOINTMENT, ROOT

import flowagent
from flowagent import FlowDefinitionError

SOURCE = APPOINTMENT.read_text(encoding="utf-8")
LINES = SOURCE.splitlines()
fuzz = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where mutants are written: under pytest's temporary directory, never elsewhere."""
    path = tmp_path_factory.mktemp("fuzz")
    shutil.copy(ROOT / "flows" / "appointment_actions.py", path)
    return path


def load_or_error(workdir: Path, text: str) -> None:
    path = workdir / "mutant.yaml"
    path.write_text(text, encoding="utf-8")
    try:
        flowagent.load_flow(path)
    except FlowDefinitionError as err:
        problems = err.problems
    else:
        return
    assert problems, "an error must say what is wrong"
    for problem in problems:
        assert problem.file == str(path)
        assert problem.line is not None or problem.field is not None, problem


@st.composite
def mutant(draw: st.DrawFn) -> str:
    lines = list(LINES)
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(lines) - 1))
        op = draw(
            st.sampled_from(["drop", "dup", "indent", "dedent", "garble", "replace", "truncate"])
        )
        if op == "drop":
            del lines[i]
        elif op == "dup":
            lines.insert(i, lines[i])
        elif op == "indent":
            lines[i] = "  " + lines[i]
        elif op == "dedent":
            lines[i] = lines[i][2:]
        elif op == "garble":
            pos = draw(st.integers(0, max(0, len(lines[i]) - 1)))
            lines[i] = lines[i][:pos] + draw(st.text(max_size=3)) + lines[i][pos + 1 :]
        elif op == "replace":
            lines[i] = draw(st.text(max_size=30))
        else:
            lines = lines[:i]
        if not lines:
            break
    return "\n".join(lines) + "\n"


@fuzz
@given(mutant())
def test_mutated_reference_flow_loads_or_names_the_problem(workdir: Path, text: str) -> None:
    load_or_error(workdir, text)


yaml_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=10),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)


@fuzz
@given(
    st.dictionaries(
        st.sampled_from(["flow", "start", "slots", "states", "limits", "hours", "x"]),
        yaml_values,
        max_size=5,
    )
)
def test_random_yaml_documents_load_or_name_the_problem(
    workdir: Path, doc: dict[str, object]
) -> None:
    load_or_error(workdir, yaml.safe_dump(doc))


@fuzz
@given(st.text(max_size=200))
def test_random_text_loads_or_names_the_problem(workdir: Path, text: str) -> None:
    load_or_error(workdir, text)
