"""The action calling contract (`flowagent.action_contract`): a function that cannot take the
slots is a load error, imported or not; a result outside the contract, or without a key the
flow reads next, fails the action to its `on_error` with a log line — never a reply with a
hole; what could not be checked is said."""

from __future__ import annotations

import asyncio
import logging
import textwrap
from pathlib import Path

import pytest

import flowagent
from flowagent import FakeAction, FlowDefinitionError
from flowagent.testing import fake_actions, run_test_file
from flowagent.toolkit.check import check_flow

FLOW = """\
flow: shop
start: BOOK
states:
  BOOK: {kind: action, action: "acts:book", next: DONE}
  DONE: {kind: end, outcome: complete, say: "Your reference is {{ result.reference }}."}
  FALLBACK: {kind: end, outcome: fallback, say: Let me put you through.}
"""


def project(tmp_path: Path, acts: str, flow: str = FLOW) -> Path:
    (tmp_path / "acts.py").write_text(textwrap.dedent(acts), encoding="utf-8")
    path = tmp_path / "shop.yaml"
    path.write_text(flow, encoding="utf-8")
    return path


def ending(path: Path) -> flowagent.Turn:
    return flowagent.load_flow(path).new_conversation().start()


@pytest.mark.parametrize("import_actions", [True, False], ids=["imported", "read"])
@pytest.mark.parametrize(
    ("source", "shown"),
    [
        ("def book():\n    return {}\n", "book()"),
        ("def book(*, slots):\n    return {}\n", "book(*, slots)"),
        ("def book(slots, extra):\n    return {}\n", "book(slots, extra)"),
    ],
)
def test_a_function_that_cannot_take_the_slots_is_a_load_error(
    tmp_path: Path, source: str, shown: str, import_actions: bool
) -> None:
    with pytest.raises(FlowDefinitionError) as err:
        flowagent.load_flow(project(tmp_path, source), import_actions=import_actions)
    assert str(err.value).endswith(
        f"states.BOOK.action: action 'acts:book': {shown} cannot be called with the slots; an"
        " action takes one positional argument, the slots dict: def f(slots)"
    )


@pytest.mark.parametrize(
    "source",
    [
        "def book(slots, extra=1, *more, flag=False, **kw):\n    return dict(slots)\n",
        "async def book(*args):\n    return dict(args[0])\n",
        "from json import loads as book\n",
        "import functools\n\n@functools.lru_cache\ndef book():\n    return {}\n",
    ],
    ids=["defaults", "varargs", "imported-name", "decorated"],
)
def test_functions_that_can_take_the_slots_load_without_importing(
    tmp_path: Path, source: str
) -> None:
    flow = flowagent.load_flow(project(tmp_path, source), import_actions=False)
    assert flow.compiled.action_checks["BOOK"].verified


def test_a_missing_function_fails_without_importing_anything(tmp_path: Path) -> None:
    path = project(tmp_path, "open('imported', 'w').close()\n\ndef booking(slots):\n    pass\n")
    with pytest.raises(FlowDefinitionError, match="has no function 'book'"):
        flowagent.load_flow(path, import_actions=False)
    assert not (tmp_path / "imported").exists()


def test_a_test_file_of_a_flow_whose_action_is_missing_does_not_load(tmp_path: Path) -> None:
    path = project(tmp_path, "def booking(slots):\n    return {}\n")
    test = tmp_path / "shop.flowtest.yaml"
    test.write_text(
        "flow: shop.yaml\nactions: {BOOK: {returns: {reference: K}}}\n"
        "cases: [{name: x, turns: [{say: hi}]}]\n"
    )
    with pytest.raises(FlowDefinitionError, match="has no function 'book'"):
        run_test_file(test)
    assert path.exists()


def test_an_action_that_cannot_be_read_is_a_warning_in_check(tmp_path: Path) -> None:
    path = project(tmp_path, "from json import *\n")
    report = check_flow(path)
    assert [(f.severity, f.code, f.message) for f in report.findings[:1]] == [
        (
            "warning",
            "action-unchecked",
            "acts:book: could not check that 'book' exists: it imports * from json",
        )
    ]


@pytest.mark.parametrize(
    "expression",
    ["-" * 100_000 + "1", "a" + "[0]" * 60_000, "(" * 500 + ")" * 500],
    ids=["100k-unary-minus", "60k-subscripts", "500-parentheses"],
)
def test_a_module_too_deep_to_parse_is_a_located_load_error(
    tmp_path: Path, expression: str
) -> None:
    """Python's parser gives up on deep nesting with MemoryError or RecursionError: read
    without importing, that is a load error at the action's line, not a crash (F5)."""
    path = project(tmp_path, f"def book(slots):\n    return {{}}\n\nX = {expression}\n")
    with pytest.raises(FlowDefinitionError) as err:
        flowagent.load_flow(path, import_actions=False)
    assert "shop.yaml:4:" in str(err.value)
    assert "acts.py" in str(err.value) and "does not parse" in str(err.value)


def test_a_module_source_too_large_to_read_is_not_checked_but_loads(tmp_path: Path) -> None:
    source = "def book(slots):\n    return {}\n" + "# padding\n" * 30_000
    flow = flowagent.load_flow(project(tmp_path, source), import_actions=False)
    check = flow.compiled.action_checks["BOOK"]
    assert not check.verified and "larger than 256 KB" in (check.note or "")


@pytest.mark.parametrize(
    ("returned", "reason"),
    [
        ("'V42'", "it returned str, not a dict (or None)"),
        ("['V42']", "it returned list, not a dict (or None)"),
        ("{'reference': object()}", "its result 'reference' (of type object) has no text"),
        ("{'reference': 'K', 'extra': [1, object()]}", "its result 'extra'[1] (of type object)"),
        ("{'reference': (c for c in 'K')}", "its result 'reference' (of type generator)"),
        ("{'reference': {1, 2, 3}}", "its result 'reference' (of type set)"),
        ("{'reference': b'K42'}", "its result 'reference' (of type bytes)"),
        ("{'reference': 'x' * 50_000_000}", "'reference' is 50,000,000 characters"),
        ("{'reference': 'K', 'rows': list(range(20_000))}", "more than 10,000 values"),
    ],
)
def test_a_result_outside_the_contract_fails_the_action_with_a_log_line(
    tmp_path: Path, returned: str, reason: str, caplog: pytest.LogCaptureFixture
) -> None:
    path = project(tmp_path, f"def book(slots):\n    return {returned}\n")
    with caplog.at_level(logging.ERROR, "flowagent"):
        turn = ending(path)
    assert (turn.outcome, turn.event) == ("fallback", "action_error")
    assert reason in caplog.text


def test_values_with_text_of_their_own_are_spoken_as_that_text(tmp_path: Path) -> None:
    source = (
        "import datetime\ndef book(slots):\n    return {'reference': datetime.date(2026, 1, 2)}\n"
    )
    turn = ending(project(tmp_path, source))
    assert turn.text == "Your reference is 2026-01-02."


def test_a_result_key_the_flow_reads_that_is_missing_fails_the_action(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = project(tmp_path, "def book(slots):\n    return dict(ref='K 7')\n")
    with caplog.at_level(logging.ERROR, "flowagent"):
        turn = ending(path)
    assert (turn.outcome, turn.text) == (
        "fallback",
        "Sorry, something went wrong on my side. Let me put you through.",
    )
    assert (
        "action 'acts:book' failed: it returned no 'reference' (returned 'ref'), which DONE reads"
        " as {{ result.reference }}" in caplog.text
    )


def test_none_is_a_result_when_the_flow_reads_none(tmp_path: Path) -> None:
    path = project(
        tmp_path,
        "def book(slots):\n    return None\n",
        FLOW.replace("{{ result.reference }}", "ready"),
    )
    assert ending(path).outcome == "complete"


def test_an_async_action_without_the_key_fails_too(tmp_path: Path) -> None:
    path = project(tmp_path, "async def book(slots):\n    return dict(slots)\n")

    async def talk() -> flowagent.Turn:
        return await flowagent.load_flow(path).new_conversation().start_async()

    assert asyncio.run(talk()).outcome == "fallback"


TWO_ACTIONS = """\
flow: shop
start: LOOKUP
states:
  LOOKUP: {kind: action, action: "acts:lookup", next: BOOK}
  BOOK: {kind: action, action: "acts:book", next: DONE}
  DONE: {kind: end, say: "{{ result.customer }}, your reference is {{ result.reference }}."}
  FALLBACK: {kind: end, outcome: fallback, say: Let me put you through.}
"""


def test_a_key_an_earlier_action_returned_counts(tmp_path: Path) -> None:
    acts = "def lookup(slots):\n    return {'customer': 'Kim'}\n\ndef book(slots):\n    return {'reference': 'K'}\n"
    turn = ending(project(tmp_path, acts, TWO_ACTIONS))
    assert turn.text == "Kim, your reference is K."


BRANCH = """\
flow: shop
start: CHECK
states:
  CHECK:
    kind: action
    action: "acts:book"
    next: FULL
    transitions: [{to: OFFER, when: {result: {free: true}}}]
  OFFER: {kind: end, say: "We can see you at {{ result.slot }}."}
  FULL: {kind: end, say: We are full.}
  FALLBACK: {kind: end, outcome: fallback, say: Let me put you through.}
"""


def test_a_key_read_only_past_a_branch_is_not_required(tmp_path: Path) -> None:
    turn = ending(project(tmp_path, "def book(slots):\n    return {'free': False}\n", BRANCH))
    assert turn.text == "We are full."


def test_a_fake_that_returns_no_key_the_flow_reads_is_a_warning(tmp_path: Path) -> None:
    project(tmp_path, "def book(slots):\n    return dict(slots)\n")
    test = tmp_path / "shop.flowtest.yaml"
    test.write_text(
        "flow: shop.yaml\nnow: 2026-11-23T10:00\nactions:\n  BOOK: {returns: {referenc: K}}\n"
        "cases: [{name: x, turns: [{say: hi}]}]\n"
    )
    (result,) = run_test_file(test)
    assert result.warnings == [
        f"{test}:4:3: warning: actions.BOOK: BOOK's fake returns no 'reference', which DONE"
        " reads as {{ result.reference }}: the action will fail to FALLBACK"
        " (hint: did you mean 'referenc'?)"
    ]


def test_a_timed_out_fake_of_a_plain_function_records_that_it_would_run_on(
    tmp_path: Path,
) -> None:
    flow = flowagent.load_flow(
        project(tmp_path, "def book(slots):\n    return dict(slots)\n"), import_actions=False
    )
    slow = FakeAction(takes=60)
    flow.new_conversation(actions=fake_actions(flow, {"BOOK": slow})).start()
    assert slow.sync is True and len(slow.outlived) == 1


def test_a_timed_out_fake_of_an_async_function_is_cancelled(tmp_path: Path) -> None:
    flow = flowagent.load_flow(
        project(tmp_path, "async def book(slots):\n    return dict(slots)\n"), import_actions=False
    )
    slow = FakeAction(takes=60)
    flow.new_conversation(actions=fake_actions(flow, {"BOOK": slow})).start()
    assert slow.sync is False and slow.outlived == [] and len(slow.calls) == 1


def test_a_test_run_notes_a_plain_function_that_timed_out(tmp_path: Path) -> None:
    project(tmp_path, "def book(slots):\n    return dict(slots)\n")
    test = tmp_path / "shop.flowtest.yaml"
    test.write_text(
        "flow: shop.yaml\nactions: {BOOK: {takes: 60}}\ncases: [{name: slow, turns: [{say: hi}]}]\n"
    )
    (result,) = run_test_file(test)
    assert result.notes == [
        "BOOK timed out, but acts:book is a plain function: a real call is not stopped at its"
        " timeout and finishes in the background, side effects included, after the caller"
        " hears the failure (make it async def to have it cancelled)"
    ]


@pytest.mark.parametrize("import_actions", [True, False], ids=["imported", "read"])
def test_a_result_key_no_action_can_return_is_a_load_error(
    tmp_path: Path, import_actions: bool
) -> None:
    acts = "def book(slots):\n    if slots:\n        return {'reference': 'K'}\n    return None\n"
    path = project(tmp_path, acts, FLOW.replace("result.reference", "result.refrence"))
    with pytest.raises(FlowDefinitionError) as err:
        flowagent.load_flow(path, import_actions=import_actions)
    assert str(err.value).endswith(
        "states.DONE.say: {{ result.refrence }} is read after BOOK, but no action of the flow"
        " returns 'refrence' (acts:book returns 'reference'): every successful call would fail"
        " (hint: did you mean {{ result.reference }}?)"
    )


def test_a_result_built_at_run_time_is_not_judged_at_load(tmp_path: Path) -> None:
    acts = "def book(slots):\n    out = {}\n    out['reference'] = 'K'\n    return out\n"
    flow = flowagent.load_flow(project(tmp_path, acts), import_actions=False)
    assert flow.compiled.action_checks["BOOK"].returns is None
