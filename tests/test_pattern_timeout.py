"""An author's `pattern` regex runs with a time limit: one that backtracks catastrophically
makes the value a no-match with a warning, never a turn that hangs (issue #12, F9: "(a+)+$"
on 60 a's and a "!" was ~10^11 s, holding the event loop of every flow on it)."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

import pytest
from tests.conftest import NOW

import flowagent
from flowagent.slots import validators

FLOW = """\
flow: member
start: ASK
slots:
  code:
    type: text
    prompt: What is your member code?
    rules:
      - rule: pattern
        regex: "{regex}"
states:
  ASK: {{kind: collect, slots: [code], next: DONE}}
  DONE: {{kind: end, say: "Thanks."}}
  FALLBACK: {{kind: end, outcome: fallback}}
"""
HANG_GUARD = 60.0  # seconds: far above any bound; only a hang gets near it


def member_flow(tmp_path: Path, regex: str) -> flowagent.Flow:
    path = tmp_path / "member.yaml"
    path.write_text(FLOW.format(regex=regex), encoding="utf-8")
    return flowagent.load_flow(path)


def answer(flow: flowagent.Flow, text: str) -> flowagent.Conversation:
    """`text` said to the code question, in a thread, so that a hang fails the test."""
    conv = flow.new_conversation(now=NOW)
    conv.start()
    worker = threading.Thread(target=conv.handle, args=(text,), daemon=True)
    worker.start()
    worker.join(HANG_GUARD)
    assert not worker.is_alive(), "the turn hung on the pattern rule"
    return conv


@pytest.mark.parametrize("regex", [r"(a|a)+$", r"(a|aa)+$", r"([a-z]|a)+$"])
def test_a_backtracking_pattern_is_a_no_match_with_a_warning(
    tmp_path: Path, regex: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="flowagent.slots")
    conv = answer(member_flow(tmp_path, regex), "a" * 60 + "!")
    assert "code" not in conv.slots
    assert conv.state == "ASK" and not conv.ended
    warnings = [r for r in caplog.records if "ran out of time" in r.getMessage()]
    assert warnings and "a" * 20 not in warnings[0].getMessage()  # the regex, not the value


def test_the_reported_pattern_answers_at_the_longest_allowed_utterance(tmp_path: Path) -> None:
    conv = answer(member_flow(tmp_path, r"(a+)+$"), "a" * 398 + "!")
    assert "code" not in conv.slots


def test_a_pattern_within_its_time_still_accepts_and_refuses(tmp_path: Path) -> None:
    flow = member_flow(tmp_path, r"[A-Z]{2}\\d{4}")
    assert answer(flow, "AB1234").slots["code"] == "AB1234"
    assert "code" not in answer(flow, "AB12").slots


def test_the_time_limit_is_a_small_fraction_of_a_turn() -> None:
    """Documented in docs/yaml.md and docs/security.md."""
    assert 0 < validators.PATTERN_TIMEOUT <= 0.1


def test_a_pattern_the_regex_engine_cannot_compile_is_a_load_error(tmp_path: Path) -> None:
    with pytest.raises(flowagent.FlowDefinitionError, match="does not compile"):
        member_flow(tmp_path, r"(a+")
