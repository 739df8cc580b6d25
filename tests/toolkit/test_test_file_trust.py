"""A test file never passes by saying less than it seems to: every name it uses is checked
against the flow (counter slots, outcomes, events too), a check that can never fail is an
error, a value the slot can never hold is an error at load, and the messages speak YAML, not
pydantic."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from tests.conftest import APPOINTMENT

from flowagent import FlowDefinitionError
from flowagent.testing import load_test_file, run_test_file

HEAD = f"flow: {APPOINTMENT}\nnow: 2026-11-23T10:00\nactions:\n  BOOK: {{returns: {{reference: K7}}}}\n"
BOOKED = """\
cases:
  - name: books
    turns:
      - say: this is Maria, a checkup on Friday at 2pm
      - say: 555 123 4567
      - say: "yes"
        expect: EXPECT
"""


def write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "t.flowtest.yaml"
    path.write_text(HEAD + textwrap.dedent(body), encoding="utf-8")
    return path


def problems(tmp_path: Path, body: str) -> list[str]:
    path = write(tmp_path, body)
    with pytest.raises(FlowDefinitionError) as err:
        load_test_file(path)
    return [str(p).replace(str(path), "t") for p in err.value.problems]


def one_turn(expect: str, say: str = "this is Maria") -> str:
    return f"cases:\n  - name: x\n    turns:\n      - say: {say}\n        expect: {expect}\n"


def test_an_unknown_slot_under_counters_no_match_is_an_error(tmp_path: Path) -> None:
    assert problems(tmp_path, one_turn("{counters: {no_match: {dat: 0}}}")) == [
        "t:9:40: error: cases[0].turns[0].expect.counters.no_match.dat: 'dat' is not a question"
        " of flow 'appointment' (hint: did you mean 'date'?)"
    ]


def test_counters_no_match_takes_the_confirmation_question(tmp_path: Path) -> None:
    load_test_file(write(tmp_path, one_turn("{counters: {no_match: {confirmation: 0}}}")))


def test_called_empty_fails_when_an_action_ran(tmp_path: Path) -> None:
    (result,) = run_test_file(write(tmp_path, BOOKED.replace("EXPECT", "{called: []}")))
    assert result.failures == ["turn 3: called: expected no action to run this turn, ran ['BOOK']"]


def test_called_empty_passes_when_no_action_ran(tmp_path: Path) -> None:
    (result,) = run_test_file(write(tmp_path, one_turn("{called: []}")))
    assert result.passed


@pytest.mark.parametrize(
    ("expect", "why"),
    [
        ('{reply_contains: ""}', "reply_contains: every reply contains the empty text"),
        ('{reply_matches: ""}', "reply_matches: an empty expression matches every reply"),
        ("{slots: {}}", "slots: names no slot (slots_exact: {} checks that none is filled)"),
        ("{counters: {}}", "counters: names no counter"),
        ("{counters: {no_match: {}}}", "counters.no_match: names no question; write {slot: n}"),
    ],
)
def test_a_check_that_can_never_fail_is_an_error(tmp_path: Path, expect: str, why: str) -> None:
    (found,) = problems(tmp_path, one_turn(expect))
    assert found.endswith(f"cases[0].turns[0].expect.{why}: this check can never fail")


def test_say_with_no_value_is_an_error_not_a_silence(tmp_path: Path) -> None:
    assert problems(tmp_path, one_turn("{event: no_input}", say="")) == [
        't:8:9: error: cases[0].turns[0].say: has no value: write say: "" for a silence'
    ]


def test_case_names_that_differ_only_in_spaces_or_case_are_duplicates(tmp_path: Path) -> None:
    body = 'cases:\n  - {name: "Happy path ", turns: [{say: hi}]}\n  - {name: happy  path, turns: [{say: hi}]}\n'
    assert problems(tmp_path, body) == [
        "t:7:6: error: cases[1].name: case 'happy  path' has the same name as 'Happy path '"
        " (names are compared ignoring case and spaces) (hint: each case needs its own name)"
    ]


def test_ended_must_be_a_boolean_not_a_word(tmp_path: Path) -> None:
    assert problems(tmp_path, one_turn('{ended: "no"}')) == [
        "t:9:18: error: cases[0].turns[0].expect.ended: expected true or false (got text 'no')"
    ]


def test_a_misspelled_outcome_is_an_error_at_load(tmp_path: Path) -> None:
    (found,) = problems(tmp_path, one_turn("{outcome: fallbak}"))
    assert found.endswith(
        "expect.outcome: 'fallbak' is not an outcome of flow 'appointment'"
        " (hint: did you mean 'fallback'?)"
    )


def test_a_misspelled_event_is_an_error_at_load(tmp_path: Path) -> None:
    (found,) = problems(tmp_path, one_turn("{event: nomatch}"))
    assert found.endswith(
        "expect.event: 'nomatch' is not an event of flow 'appointment'"
        " (hint: did you mean 'no_match'?)"
    )


def test_every_event_the_engine_sets_is_known_to_test_files() -> None:
    """The list of events a test may name stays in step with the engine's source."""
    import re

    from flowagent.toolkit.testing.files import EVENTS

    src = Path(__file__).resolve().parents[2] / "src" / "flowagent"
    set_here = set()
    for path in src.rglob("*.py"):
        set_here |= set(
            re.findall(r"\bevent = (?:self\.event or )?\"([a-z_]+)\"", path.read_text())
        )
    assert set_here and set_here <= set(EVENTS)


def test_an_unquoted_date_is_an_error_that_says_to_quote_it(tmp_path: Path) -> None:
    (found,) = problems(tmp_path, one_turn("{slots: {date: 2026-11-27}}", say="Friday"))
    assert found.endswith(
        "expect.slots.date: YAML reads the unquoted 2026-11-27 as a date, but slot 'date'"
        " holds text (hint: put it in quotes)"
    )


def test_a_choice_label_where_the_key_belongs_is_an_error(tmp_path: Path) -> None:
    (found,) = problems(tmp_path, one_turn("{slots: {type: Check-up}}", say="a checkup"))
    assert "slot 'type' holds the key" in found and "(hint: write 'check_up')" in found


@pytest.mark.parametrize(
    ("value", "hint"),
    [("confirm", "did you mean 'confirmation'?"), ("none", "write null without quotes")],
)
def test_expecting_hints_name_confirmation_change_and_null(
    tmp_path: Path, value: str, hint: str
) -> None:
    (found,) = problems(tmp_path, one_turn(f"{{expecting: {value}}}"))
    assert hint in found


def test_a_key_in_the_wrong_place_says_where_it_belongs(tmp_path: Path) -> None:
    body = "cases:\n  - name: x\n    expect: {state: CONFIRM}\n    turns: [{say: hi}]\n"
    assert problems(tmp_path, body) == [
        "t:7:5: error: cases[0].expect: 'expect' is not a key here"
        " (hint: 'expect' belongs in a turn)"
    ]


@pytest.mark.parametrize(
    ("turn", "message"),
    [
        (
            "- say: hi\n        expect:",
            "expect: has no value: give it checks ({state: …}) or remove it",
        ),
        ("- Rex", "expected a mapping (key: value) (got text 'Rex')"),
    ],
)
def test_messages_name_no_internal_class(tmp_path: Path, turn: str, message: str) -> None:
    (found,) = problems(tmp_path, f"cases:\n  - name: x\n    turns:\n      {turn}\n")
    assert message in found and "Spec" not in found and "Input should" not in found


def test_an_empty_list_of_turns_says_so_in_plain_words(tmp_path: Path) -> None:
    (found,) = problems(tmp_path, "cases:\n  - {name: x, turns: []}\n")
    assert found == "t:6:15: error: cases[0].turns: needs at least 1 item"


def test_a_flow_given_as_a_test_file_says_what_it_is(tmp_path: Path) -> None:
    with pytest.raises(FlowDefinitionError) as err:
        load_test_file(APPOINTMENT)
    assert "this looks like a flow file, not a conversation test file" in str(err.value)
    assert len(err.value.problems) == 1


def test_a_test_file_given_as_a_flow_says_what_it_is(tmp_path: Path) -> None:
    import flowagent

    with pytest.raises(FlowDefinitionError) as err:
        flowagent.load_flow(write(tmp_path, one_turn("{state: CONFIRM}")))
    assert "this looks like a conversation test file, not a flow" in str(err.value)
    assert "flowagent test" in str(err.value)


def test_an_empty_test_file_is_called_a_test_file(tmp_path: Path) -> None:
    path = tmp_path / "t.flowtest.yaml"
    path.write_text("# nothing yet\n")
    with pytest.raises(FlowDefinitionError, match="the test file is empty"):
        load_test_file(path)


def test_a_tab_in_a_flows_indentation_is_named(tmp_path: Path) -> None:
    import flowagent

    text = APPOINTMENT.read_text().replace("  GREETING:\n    kind:", "  GREETING:\n\tkind:")
    path = tmp_path / "f.yaml"
    path.write_text(text)
    line = text[: text.index("\tkind")].count("\n") + 1
    with pytest.raises(FlowDefinitionError) as err:
        flowagent.load_flow(path, import_actions=False)
    assert str(err.value) == (
        f"{path}:{line}:1: error: tab character at {line}:1; YAML indents with spaces"
        " (hint: replace the tab with spaces)"
    )


@pytest.mark.parametrize(
    ("name", "collected", "rename"),
    [
        ("a.flowtest.yaml", True, None),
        ("a.flowtest.yml", True, None),
        ("a.FlowTest.yaml", False, "a.flowtest.yaml"),
        ("a.flowtests.yml", False, "a.flowtest.yaml"),
        ("a.flow_test.yaml", False, "a.flowtest.yaml"),
        ("test_a.yaml", False, None),
        ("workflowtest.yaml", False, None),
    ],
)
def test_which_names_pytest_and_flowagent_test_collect(
    name: str, collected: bool, rename: str | None
) -> None:
    from flowagent.toolkit.testing.files import is_test_file, near_miss

    assert (is_test_file(name), near_miss(name)) == (collected, rename)


def test_a_file_without_now_gets_a_note(tmp_path: Path) -> None:
    path = tmp_path / "t.flowtest.yaml"
    path.write_text(f"flow: {APPOINTMENT}\n" + one_turn("{expecting: date}"), encoding="utf-8")
    assert [w.severity for w in load_test_file(path).warnings] == ["note"]
    assert load_test_file(write(tmp_path, one_turn("{expecting: date}"))).warnings == []
