"""Conversation test files are as strict as flows: a typo anywhere is an error with its file,
line and a suggestion — never a check silently skipped — and the schema editors use stays
current."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from tests.conftest import APPOINTMENT, ROOT

from flowagent import FlowDefinitionError
from flowagent.testing import load_test_file, run_test_file
from flowagent.toolkit.jsonschema import flowtest_schema_json

HEAD = f"flow: {APPOINTMENT}\nnow: 2026-11-23T10:00\n"


def problems(tmp_path: Path, body: str) -> list[str]:
    path = tmp_path / "t.flowtest.yaml"
    path.write_text(HEAD + textwrap.dedent(body), encoding="utf-8")
    with pytest.raises(FlowDefinitionError) as err:
        load_test_file(path)
    return [str(p).replace(str(path), "t") for p in err.value.problems]


def test_a_misspelled_expect_is_an_error_with_its_line(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        """\
        cases:
          - name: typo
            turns:
              - say: this is Maria
                expcet: {slots: {name: Bob Ray}}
        """,
    )
    assert found == [
        "t:7:9: error: cases[0].turns[0].expcet: unknown key 'expcet'"
        " (hint: did you mean 'expect'?)"
    ]


def test_a_misspelled_check_inside_expect_is_an_error(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        """\
        cases:
          - name: typo
            turns:
              - say: this is Maria
                expect: {reply_contain: Maria}
        """,
    )
    assert found == [
        "t:7:18: error: cases[0].turns[0].expect.reply_contain: unknown key 'reply_contain'"
        " (hint: did you mean 'reply_contains'?)"
    ]


def test_an_unsupported_case_key_is_an_error(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        """\
        cases:
          - name: x
            xfail: true
            turns: [{say: hi}]
        """,
    )
    assert found == ["t:5:5: error: cases[0].xfail: unknown key 'xfail'"]


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        """\
        bogus_key: 1
        cases:
          - name: x
            turns:
              - sya: hi
        """,
    )
    assert found == [
        "t:7:9: error: cases[0].turns[0].say: missing required key 'say'",
        "t:7:9: error: cases[0].turns[0].sya: unknown key 'sya' (hint: did you mean 'say'?)",
        "t:3:1: error: bogus_key: unknown key 'bogus_key'",
    ]


def test_a_state_the_flow_lacks_is_an_error_with_a_suggestion(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        """\
        cases:
          - name: x
            turns:
              - say: hi
                expect: {state: COLECT_INFO, slots: {nmae: Maria}}
        """,
    )
    assert found == [
        "t:7:18: error: cases[0].turns[0].expect.state: 'COLECT_INFO' is not a state of flow"
        " 'appointment' (hint: did you mean 'COLLECT_INFO'?)",
        "t:7:46: error: cases[0].turns[0].expect.slots.nmae: 'nmae' is not a slot of flow"
        " 'appointment' (hint: did you mean 'name'?)",
    ]


def test_an_action_the_flow_lacks_is_an_error(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        """\
        actions:
          BOKK: {returns: {}}
        cases:
          - name: x
            turns: [{say: hi}]
        """,
    )
    assert found == [
        "t:4:3: error: actions.BOKK: 'BOKK' is not an action of flow 'appointment'"
        " (hint: did you mean 'BOOK'?)"
    ]


def test_a_broken_regular_expression_is_an_error_at_load(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        """\
        cases:
          - name: x
            turns:
              - say: hi
                expect: {reply_matches: "(unclosed"}
        """,
    )
    assert len(found) == 1 and "not a regular expression" in found[0]


def test_an_unquoted_number_for_the_caller_says_to_quote_it(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        """\
        cases:
          - name: x
            turns:
              - say: 2015
        """,
    )
    assert found == [
        "t:6:9: error: cases[0].turns[0].say: expected text (got a number 2015)"
        " (hint: YAML reads this unquoted value as a number 2015; put it in quotes to keep it"
        " as text)"
    ]


def test_two_cases_with_one_name_are_an_error(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        """\
        cases:
          - {name: same, turns: [{say: hi}]}
          - {name: same, turns: [{say: hi}]}
        """,
    )
    assert found == [
        "t:5:6: error: cases[1].name: case 'same' has the same name (names are compared"
        " ignoring case and spaces) (hint: each case needs its own name)"
    ]


def test_a_number_expected_where_the_slot_holds_text_says_to_quote_it(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        """\
        cases:
          - name: x
            turns:
              - say: my number is 555 123 4567
                expect: {slots: {contact: +15551234567}}
        """,
    )
    assert found == [
        "t:7:26: error: cases[0].turns[0].expect.slots.contact: YAML reads the unquoted"
        " 15551234567 as a number, but slot 'contact' holds text (hint: put it in quotes)"
    ]


def test_an_unquoted_time_reads_as_the_time(tmp_path: Path) -> None:
    path = tmp_path / "t.flowtest.yaml"
    path.write_text(
        HEAD + "cases:\n  - name: x\n    turns:\n      - say: Maria, Friday at 2pm\n"
        "        expect: {slots: {time: 14:00}}\n"
    )
    (result,) = run_test_file(path)
    assert result.passed, result.report()


def test_the_published_test_file_schema_is_current() -> None:
    assert (ROOT / "docs" / "flowtest.schema.json").read_text() == flowtest_schema_json(), (
        "run: flowagent schema --tests -o docs/flowtest.schema.json"
    )


def test_the_schema_forbids_unknown_keys_at_every_level() -> None:
    schema = json.loads(flowtest_schema_json())
    objects = [schema, *schema["$defs"].values()]
    assert all(o.get("additionalProperties") is False for o in objects if "properties" in o)


def test_the_shipped_test_files_name_the_schema() -> None:
    for path in [*ROOT.glob("flows/tests/*.flowtest.yaml"), *ROOT.glob("examples/*/tests/*.yaml")]:
        header = path.read_text().splitlines()[0]
        target = (path.parent / header.partition("$schema=")[2]).resolve()
        assert target == ROOT / "docs" / "flowtest.schema.json", path


def test_pytest_reports_a_broken_test_file_as_a_collection_error(tmp_path: Path) -> None:
    broken = tmp_path / "broken.flowtest.yaml"
    broken.write_text(
        HEAD + "cases:\n  - name: x\n    turns:\n      - say: hi\n        expcet: {}\n"
    )
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(broken)],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2  # pytest: interrupted by a collection error
    assert f"{broken}:7:9: error: cases[0].turns[0].expcet: unknown key 'expcet'" in result.stdout
