"""The diagram is readable at a glance, and coverage counts each kind of branch by name."""

from __future__ import annotations

from tests.conftest import APPOINTMENT, NOW

import flowagent
from flowagent.testing import Coverage
from flowagent.toolkit.graph import to_dot, to_mermaid


def test_global_commands_are_drawn_once_from_any_question() -> None:
    diagram = to_mermaid(flowagent.load_flow(APPOINTMENT).compiled)
    assert "    ANY_QUESTION --> HANDOFF: handoff" in diagram
    assert "CONFIRM --> HANDOFF" not in diagram


def test_commands_flag_draws_every_command_edge() -> None:
    diagram = to_mermaid(flowagent.load_flow(APPOINTMENT).compiled, commands=True)
    assert "CONFIRM --> HANDOFF: handoff" in diagram and "ANY_QUESTION" not in diagram


def test_parallel_limit_edges_are_merged_and_marked() -> None:
    diagram = to_mermaid(flowagent.load_flow(APPOINTMENT).compiled)
    assert "    CONFIRM --> FALLBACK: too many corrections / turn limit ⚠" in diagram
    assert "    RETRY --> CONFIRM: answered" in diagram


def test_dot_marks_limits_dashed_and_commands_dotted() -> None:
    dot = to_dot(flowagent.load_flow(APPOINTMENT).compiled)
    assert '"BOOK" -> "FALLBACK" [label="error", style=dashed, color=red];' in dot
    assert '"ANY_QUESTION" -> "CANCELLED" [label="cancel", style=dotted, color=gray];' in dot


def _covered(lines: list[str]) -> dict[str, set[str]]:
    flow = flowagent.load_flow(APPOINTMENT)
    coverage = Coverage()
    coverage.add_flow(flow)
    conv = flow.new_conversation(now=NOW)
    coverage.record(flow, conv.start())
    for line in lines:
        before = conv.context.state
        coverage.record(flow, conv.handle(line), before)
    return coverage.flows[str(flow.path)].seen


def test_a_silence_covers_that_states_first_no_input_branch() -> None:
    assert _covered(["", "this is Maria", ""])["no_input"] == {"GREETING#1", "COLLECT_INFO#1"}


def test_a_broken_rule_covers_its_validation_message_and_retry_branch() -> None:
    seen = _covered(["this is Maria", "Sunday"])
    assert seen["validation_messages"] == {"date.open_days"}
    assert seen["retry"] == {"date#1"}


def test_a_phone_problem_counts_as_a_validation_message() -> None:
    seen = _covered(["this is Maria, a checkup on Friday at 2pm", "555 12"])
    assert seen["validation_messages"] == {"contact.phone_too_short"}


def test_coverage_lists_what_never_ran() -> None:
    flow = flowagent.load_flow(APPOINTMENT)
    coverage = Coverage()
    coverage.add_flow(flow)
    summary = coverage.summary()[str(flow.path)]
    assert summary["states"]["covered"] == 1 and "BOOK" in summary["states"]["missing"]
    assert summary["retry"]["total"] == 14 and summary["no_input"]["total"] == 8
