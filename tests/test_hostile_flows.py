"""Hostile flow files: every one fails fast, small and located — a `FlowDefinitionError` naming
file and line in well under a second and 100 MB — never a traceback, a hang or a memory blow-up.
And rule parameters are checked when the flow loads, so a broken rule can never wave every
value through."""

from __future__ import annotations

import os
import threading
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest
from tests.conftest import NOW

import flowagent
from flowagent import FlowDefinitionError
from flowagent.toolkit.check import check_flow

MINIMAL = """\
flow: tiny
start: ASK
slots:
  day:
    type: date
    prompt: Which day?
states:
  ASK:
    kind: collect
    slots: [day]
    next: DONE
  DONE:
    kind: end
  FALLBACK:
    kind: end
    outcome: fallback
"""


def billion_laughs() -> str:
    """~1 KB that a naive loader expands into 9^9 (387 million) strings."""
    lines = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for prev, cur in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{cur}: &{cur} [" + ", ".join([f"*{prev}"] * 9) + "]")
    return "\n".join(lines) + "\nflow: x\nstart: A\nstates: {A: {kind: end}}\n"


_NEAR_LIMIT = 256 * 1024 - 200

HOSTILE = {
    "billion_laughs": billion_laughs(),
    "deep_nesting": "flow: x\nstart: A\nstates: " + "[" * 1000 + "]" * 1000 + "\n",
    "deep_block_nesting": "flow: x\nstart: A\nvars:\n"
    + "".join("  " * i + f"k{i}:\n" for i in range(1, 400))
    + "  " * 400
    + "end: 1\nstates: {A: {kind: end}}\n",
    "self_referencing_alias": "flow: x\nstart: A\nvars: &v {a: *v}\nstates: {A: {kind: end}}\n",
    "huge_integer": "flow: x\nstart: A\nversion: " + "9" * 5000 + "\nstates: {A: {kind: end}}\n",
    "key_named_like_a_type": "str: 1\nflow: x\nstart: A\nstates: {A: {kind: end}}\n",
    "key_named_int": "flow: x\nstart: A\nint: 1\nstates: {A: {kind: end}}\n",
    "relative_module_action": "flow: x\nstart: A\nfallback: A\nstates:\n"
    "  A: {kind: action, action: '.:x', next: A}\n",
    "dotdot_module_action": "flow: x\nstart: A\nfallback: A\nstates:\n"
    "  A: {kind: action, action: '..os:system', next: A}\n",
    "mapping_as_key": "flow: x\nstart: A\n? [a, b]\n: 1\nstates: {A: {kind: end}}\n",
    "aliased_key_bomb": billion_laughs().replace("flow: x", "? *i\n: 1\nflow: x"),
    "bad_timestamp": "flow: x\nstart: A\ndescription: !!timestamp 2026-13-45\n"
    "states: {A: {kind: end}}\n",
    # Just under the size limit: PyYAML's pure-Python parser took 1-5 s and ~49 MB on these.
    "flow_list_at_the_size_limit": ("flow: t\nx: [" + "a," * (_NEAR_LIMIT // 2))[:_NEAR_LIMIT],
    "block_list_at_the_size_limit": ("flow: t\nx:\n" + "- a\n" * (_NEAR_LIMIT // 4))[:_NEAR_LIMIT],
    "many_vars_at_the_size_limit": (
        "flow: t\nstart: A\nvars:\n" + "".join(f"  v{i}: x\n" for i in range(_NEAR_LIMIT // 10))
    )[:_NEAR_LIMIT],
}


def load_measured(path: Path) -> tuple[FlowDefinitionError, float, int]:
    tracemalloc.start()
    started = time.perf_counter()
    try:
        flowagent.load_flow(path)
    except FlowDefinitionError as err:
        elapsed = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
        return err, elapsed, peak
    finally:
        tracemalloc.stop()
    raise AssertionError(f"{path.name} loaded")


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_yaml_fails_fast_small_and_located(tmp_path: Path, name: str) -> None:
    """Each hostile file: a located FlowDefinitionError, in < 1 s and < 100 MB."""
    path = tmp_path / f"{name}.yaml"
    path.write_text(HOSTILE[name], encoding="utf-8")
    err, elapsed, peak = load_measured(path)
    assert elapsed < 1.0, f"{elapsed:.2f} s"
    assert peak < 100 * 2**20, f"{peak / 2**20:.0f} MB"
    assert err.problems
    first = err.problems[0]
    assert first.file == str(path)
    assert first.line is not None, str(err)


@pytest.mark.parametrize("libyaml", [True, False], ids=["libyaml", "pure-python"])
def test_a_lone_surrogate_escape_is_refused_at_its_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, libyaml: bool
) -> None:
    """`"\\ud800"` is half a UTF-16 pair: no terminal, log or TTS request can carry it."""
    from flowagent import loader

    if libyaml and not loader._HAVE_LIBYAML:
        pytest.skip("PyYAML without libyaml")
    monkeypatch.setattr(loader, "_HAVE_LIBYAML", libyaml)
    path = tmp_path / "f.yaml"
    path.write_text(
        MINIMAL.replace(
            "  DONE:\n    kind: end\n", '  DONE:\n    kind: end\n    say: "Do\\ud800ne."\n'
        ),
        "utf-8",
    )
    with pytest.raises(FlowDefinitionError) as info:
        flowagent.load_flow(path)
    assert info.value.problems[0].line == 14


def test_an_oversized_flow_file_is_refused_before_parsing(tmp_path: Path) -> None:
    """A multi-megabyte file is refused by size, not parsed for seconds."""
    path = tmp_path / "big.yaml"
    path.write_text(MINIMAL + "# " + "x" * 3_000_000 + "\n", encoding="utf-8")
    err, elapsed, _ = load_measured(path)
    assert elapsed < 1.0
    assert "too large" in str(err)


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_a_device_is_refused_without_reading_it(device: str) -> None:
    """/dev/zero has size 0 and no end: it is refused as a device, never read until memory
    runs out."""
    with pytest.raises(FlowDefinitionError, match="a device, not a flow file") as caught:
        flowagent.load_flow(device)
    assert caught.value.problems[0].file == device


def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    """Opening a FIFO for reading waits for a writer forever; it is refused at once."""
    fifo = tmp_path / "flow.yaml"
    os.mkfifo(fifo)
    outcome: list[BaseException] = []
    worker = threading.Thread(
        target=lambda: _capture(lambda: flowagent.load_flow(fifo), outcome), daemon=True
    )
    worker.start()
    worker.join(5)
    assert not worker.is_alive(), "load_flow blocked on a FIFO"
    assert isinstance(outcome[0], FlowDefinitionError)
    assert "FIFO" in str(outcome[0])


def test_a_directory_is_refused_as_such(tmp_path: Path) -> None:
    with pytest.raises(FlowDefinitionError, match="a directory, not a flow file"):
        flowagent.load_flow(tmp_path)


def _capture(step: Callable[[], object], into: list[BaseException]) -> None:
    try:
        step()
    except BaseException as err:  # the test looks at what was raised
        into.append(err)


def test_a_huge_number_says_which_line_and_how_to_fix_it(tmp_path: Path) -> None:
    path = tmp_path / "f.yaml"
    path.write_text(HOSTILE["huge_integer"], encoding="utf-8")
    err = load_measured(path)[0]
    assert err.line == 3
    assert "quote" in str(err)


def test_aliases_that_expand_enormously_are_named_as_such(tmp_path: Path) -> None:
    path = tmp_path / "f.yaml"
    path.write_text(HOSTILE["billion_laughs"], encoding="utf-8")
    assert "alias" in str(load_measured(path)[0])


def test_ordinary_anchors_and_aliases_still_work(tmp_path: Path) -> None:
    """Authors may share a list with an anchor; only runaway expansion is refused."""
    text = MINIMAL.replace(
        "    prompt: Which day?\n",
        '    prompt: Which day?\n    reprompts: &again ["Which day works?"]\n    aliases: *again\n',
    )
    path = tmp_path / "f.yaml"
    path.write_text(text, encoding="utf-8")
    assert flowagent.load_flow(path).spec.slots["day"].aliases == ["Which day works?"]


# --- rule parameters (item 10) -------------------------------------------------------------


def with_rule(rule: str) -> str:
    return MINIMAL.replace(
        "    prompt: Which day?\n", "    prompt: Which day?\n    rules:\n" + rule
    )


BAD_RULES = {
    "open_days_numbers": ("      - rule: open_days\n        days: [1, 2, 3, 4, 5]\n", "days"),
    "max_days_ahead_word": ("      - rule: max_days_ahead\n        days: ninety\n", "days"),
    "unclosed_pattern": ("      - rule: pattern\n        regex: '([a-z'\n", "regex"),
    "range_min_word": ("      - rule: range\n        min: low\n", "min"),
    "range_reversed": ("      - rule: range\n        min: 10\n        max: 1\n", "min"),
    "open_hours_garbage": ("      - rule: open_hours\n        open: nine\n", "open"),
    "misspelled_param": ("      - rule: max_days_ahead\n        dayz: 30\n", "dayz"),
    "one_of_not_a_list": ("      - rule: one_of\n        values: 3\n", "values"),
    "length_negative": ("      - rule: length\n        min: -1\n", "min"),
}


@pytest.mark.parametrize("name", sorted(BAD_RULES))
def test_bad_rule_parameters_are_load_errors_with_their_line(tmp_path: Path, name: str) -> None:
    rule, param = BAD_RULES[name]
    path = tmp_path / "f.yaml"
    path.write_text(with_rule(rule), encoding="utf-8")
    with pytest.raises(FlowDefinitionError) as info:
        flowagent.load_flow(path)
    problem = info.value.problems[0]
    assert problem.field is not None and problem.field.startswith("slots.day.rules[0]")
    assert param in (problem.field + problem.message)
    assert problem.line is not None and problem.line >= 8


@pytest.mark.parametrize("name", sorted(BAD_RULES))
def test_flowagent_check_fails_bad_rule_parameters(tmp_path: Path, name: str) -> None:
    path = tmp_path / "f.yaml"
    path.write_text(with_rule(BAD_RULES[name][0]), encoding="utf-8")
    assert check_flow(path).errors


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("  action_timeout: .inf\n", "finite"),
        ("  action_timeout: .nan\n", "finite"),
        ("  max_turns: true\n", "whole number"),
        ("  max_no_match: 2.5\n", "whole number"),
        ("  max_turns: 1000000000000\n", "or less"),
        ("  max_pieces: 1000000000000\n", "or less"),
        ("  max_unanswered: 1000000000000000000000\n", "or less"),
        ("  piece_timeout: 1000000000000.0\n", "or less"),
    ],
)
def test_limits_must_be_real_finite_numbers(tmp_path: Path, text: str, words: str) -> None:
    """`.inf`, NaN, booleans for counts and absurd sizes are refused, not coerced."""
    path = tmp_path / "f.yaml"
    path.write_text(MINIMAL.replace("states:\n", "limits:\n" + text + "states:\n"), "utf-8")
    with pytest.raises(FlowDefinitionError, match=words) as info:
        flowagent.load_flow(path)
    assert info.value.problems[0].field is not None
    assert info.value.problems[0].field.startswith("limits.")


def test_a_state_timeout_of_infinity_is_refused(tmp_path: Path) -> None:
    (tmp_path / "acts.py").write_text("def book(slots):\n    return {}\n")
    text = MINIMAL.replace(
        "    next: DONE\n  DONE:",
        "    next: BOOK\n  BOOK:\n    kind: action\n    action: acts:book\n"
        "    timeout: .inf\n    next: DONE\n  DONE:",
    )
    path = tmp_path / "f.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(FlowDefinitionError, match="finite") as info:
        flowagent.load_flow(path)
    assert info.value.problems[0].field == "states.BOOK.timeout"


def test_open_days_by_name_refuses_a_sunday(tmp_path: Path) -> None:
    """Day names in any common spelling are read; a Sunday is refused on a weekdays rule."""
    path = tmp_path / "f.yaml"
    path.write_text(
        with_rule("      - rule: open_days\n        days: [Monday, tue, WED, thursday, fri]\n"),
        encoding="utf-8",
    )
    conv = flowagent.load_flow(path).new_conversation(now=NOW)
    conv.start()
    assert "day" not in conv.handle("Sunday").slots
    assert conv.handle("Tuesday").slots["day"] == "2026-11-24"


def test_a_validator_that_raises_refuses_the_value(tmp_path: Path) -> None:
    """A broken user rule fails closed: the value is refused, never waved through."""
    from flowagent.slots.validators import Check, validator

    @validator("always_broken_for_test", message="Sorry, I can't check that day.", replace=True)
    def broken(check: Check) -> dict[str, str] | None:
        raise KeyError("oops")

    path = tmp_path / "f.yaml"
    path.write_text(with_rule("      - rule: always_broken_for_test\n"), encoding="utf-8")
    conv = flowagent.load_flow(path).new_conversation(now=NOW)
    conv.start()
    turn = conv.handle("Tuesday")
    assert "day" not in turn.slots
    assert "can't check that day" in turn.text
