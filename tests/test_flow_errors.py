"""A broken flow file gives an error naming the file, the line and the field, and what was
expected — and reports every problem at once, not one per run."""

from __future__ import annotations

from pathlib import Path

import pytest

import flowagent
from flowagent import FlowDefinitionError

GOOD = """\
flow: tiny
start: ASK
slots:
  name:
    type: name
    prompt: What's your name?
states:
  ASK:
    kind: collect
    slots: [name]
    next: DONE
  DONE:
    kind: end
    say: Bye {{ name }}.
  FALLBACK:
    kind: end
    say: Let me get someone.
"""


def load(tmp_path: Path, text: str) -> flowagent.Flow:
    path = tmp_path / "flow.yaml"
    path.write_text(text, encoding="utf-8")
    return flowagent.load_flow(path)


def error_for(tmp_path: Path, text: str) -> FlowDefinitionError:
    with pytest.raises(FlowDefinitionError) as info:
        load(tmp_path, text)
    return info.value


def test_a_good_tiny_flow_loads(tmp_path: Path) -> None:
    flow = load(tmp_path, GOOD)
    assert flow.name == "tiny"


@pytest.mark.parametrize("version", ["1", '"1"', '"2.0"'])
def test_an_informational_version_loads_quoted_or_not(tmp_path: Path, version: str) -> None:
    """`version` is informational: a quoted version is not a load error."""
    flow = load(tmp_path, f"version: {version}\n" + GOOD)
    assert flow.name == "tiny"


def test_yaml_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    err = error_for(tmp_path, GOOD.replace("slots: [name]", "slots: [name"))
    assert err.file is not None and err.file.endswith("flow.yaml")
    assert err.line is not None and 10 <= err.line <= 12
    assert "YAML syntax error" in str(err)


def test_misspelled_key_is_an_error_with_a_suggestion(tmp_path: Path) -> None:
    err = error_for(tmp_path, GOOD.replace("    prompt: What's", "    promt: What's"))
    text = str(err)
    assert "unknown key 'promt'" in text
    assert "did you mean 'prompt'" in text
    assert any(p.line == 6 and p.field == "slots.name.promt" for p in err.problems)


def test_missing_kind_points_at_the_state(tmp_path: Path) -> None:
    err = error_for(tmp_path, GOOD.replace("    kind: end\n    say: Bye", "    say: Bye"))
    problem = next(p for p in err.problems if p.field == "states.DONE.kind")
    assert problem.line == 12
    assert "missing required key 'kind'" in problem.message
    assert problem.hint and "collect" in problem.hint


def test_transition_to_unknown_state_names_line_and_closest_state(tmp_path: Path) -> None:
    err = error_for(tmp_path, GOOD.replace("next: DONE", "next: DOEN"))
    problem = err.problems[0]
    assert problem.line == 11
    assert problem.field == "states.ASK.next"
    assert "unknown state 'DOEN'" in problem.message
    assert problem.hint == "did you mean 'DONE'?"


def test_template_placeholder_for_unknown_slot_fails_at_load(tmp_path: Path) -> None:
    err = error_for(tmp_path, GOOD.replace("Bye {{ name }}", "Bye {{ nmae }}"))
    problem = err.problems[0]
    assert problem.field == "states.DONE.say"
    assert problem.line == 14
    assert "{{ nmae }}" in problem.message
    assert problem.hint == "did you mean {{ name }}?"


def test_unknown_slot_type_lists_the_known_ones(tmp_path: Path) -> None:
    err = error_for(tmp_path, GOOD.replace("type: name", "type: nickname"))
    problem = err.problems[0]
    assert problem.line == 5
    assert "unknown slot type 'nickname'" in problem.message
    assert "phone" in problem.message


def test_duplicate_keys_are_refused_not_silently_merged(tmp_path: Path) -> None:
    err = error_for(tmp_path, GOOD.replace("  DONE:\n", "  ASK:\n"))
    assert "duplicate key 'ASK'" in str(err)
    assert err.line == 12


def test_unknown_validation_rule_is_named(tmp_path: Path) -> None:
    text = GOOD.replace(
        "    prompt: What's your name?\n",
        "    prompt: What's your name?\n    rules:\n      - rule: not_blank\n",
    )
    err = error_for(tmp_path, text)
    assert "unknown validation rule 'not_blank'" in str(err)
    assert err.problems[0].line == 8


def test_action_that_cannot_be_imported_is_a_load_error(tmp_path: Path) -> None:
    text = GOOD.replace(
        "    next: DONE\n",
        "    next: BOOK\n  BOOK:\n    kind: action\n    action: no_such_module:book\n    next: DONE\n",
    )
    err = error_for(tmp_path, text)
    problem = err.problems[0]
    assert problem.field == "states.BOOK.action"
    assert "no_such_module" in problem.message


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    text = GOOD.replace("next: DONE", "next: NOWHERE").replace("Bye {{ name }}", "Bye {{ x }}")
    err = error_for(tmp_path, text)
    assert len(err.problems) == 2
    assert str(err).startswith("2 problems:")


def test_yes_and_no_stay_strings_in_synonym_lists(tmp_path: Path) -> None:
    text = GOOD.replace(
        "slots:\n",
        "slots:\n  ok:\n    type: choice\n    prompt: Ok?\n    required: false\n"
        "    choices:\n      agree: [yes, on, y]\n      disagree: [no, off, n]\n",
    )
    flow = load(tmp_path, text)
    assert flow.compiled.slots["ok"].options["choices"] == {
        "agree": ["yes", "on", "y"],
        "disagree": ["no", "off", "n"],
    }


def test_missing_file_is_a_flow_error_not_a_traceback(tmp_path: Path) -> None:
    with pytest.raises(FlowDefinitionError, match="no such file"):
        flowagent.load_flow(tmp_path / "nope.yaml")


def test_wrong_state_kind_lists_the_kinds(tmp_path: Path) -> None:
    err = error_for(tmp_path, GOOD.replace("kind: collect", "kind: gather"))
    assert "'say'" in str(err) and "'collect'" in str(err)
    assert err.problems[0].line == 9


def test_an_unquoted_closing_time_is_read_as_that_time(tmp_path: Path) -> None:
    hours = "hours: {days: [mon], open: 09:00, close: 17:00}\nstates:"
    flow = load(tmp_path, GOOD.replace("states:", hours))
    assert flow.spec.hours is not None and flow.spec.hours.close == "17:00"  # not 1020


def test_a_number_where_text_belongs_says_to_quote_it(tmp_path: Path) -> None:
    err = error_for(tmp_path, GOOD.replace("prompt: What's your name?", "prompt: 2015"))
    (problem,) = err.problems
    assert (problem.line, problem.field) == (6, "slots.name.prompt")
    assert problem.hint == (
        "YAML reads this unquoted value as a number 2015; put it in quotes to keep it as text"
    )
