"""Engine invariants, for any caller behaviour (hypothesis):

- nothing a caller says makes `handle` raise;
- every conversation ends within the bound the flow's limits imply (`flow.max_turns`);
- retry counters never exceed their limits;
- snapshot → restore → the same future replies.
"""

from __future__ import annotations

import itertools
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.conftest import APPOINTMENT, NOW

import flowagent

FLOW = flowagent.load_flow(APPOINTMENT)
LIMITS = FLOW.spec.limits

# What callers plausibly say, plus noise: real answers, commands, corrections, garbage.
REALISTIC = [
    "",
    "hi",
    "this is Maria",
    "my name is John Smith",
    "Friday at 2pm",
    "next Tuesday",
    "tomorrow",
    "Sunday",
    "at 3",
    "7 in the evening",
    "a checkup",
    "I'm a new patient",
    "555 123 4567",
    "five five five one two three four five six seven",
    "555 12",
    "john dot smith at gmail dot com",
    "yes",
    "no",
    "no, 4pm",
    "the date",
    "actually Thursday",
    "repeat that",
    "help",
    "hold on",
    "start over",
    "blorp",
    "{{ name }}",
    "{{ result.x }}",
    "\x00\x1b[31m",
    "🦷🦷🦷",
    "ｆｕｌｌ ｗｉｄｔｈ",
    "talk to a person",
    "cancel",
    "x" * 500,
    # how callers really talk (issue #11): pieces, spelling, questions, markers
    "four one five",
    "area code 212",
    "d a n a dot r e y e s",
    "at gmail dot com",
    "Whitfield",
    "how much does a checkup cost?",
    "is the dentist nice?",
    "[BLANK_AUDIO]",
    "[inaudible]",
    "(coughs) yes",
    "that's it",
    "4:15 555 0123 extension 12",
]
utterance = st.one_of(st.sampled_from(REALISTIC), st.text(max_size=80))
common = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def check_counters(conv: flowagent.Conversation) -> None:
    counters = conv.context.counters
    assert all(0 <= n <= LIMITS.max_no_match for n in counters.no_match.values()), counters
    assert 0 <= counters.no_input <= LIMITS.max_no_input, counters
    assert counters.confirm_rejections <= LIMITS.max_confirm_rejections, counters
    assert 0 <= counters.unanswered < LIMITS.max_unanswered, counters
    pending = conv.context.pending
    assert pending is None or int(pending["pieces"]) < LIMITS.max_pieces, pending


@common
@given(st.lists(utterance, min_size=1, max_size=12))
def test_no_text_ever_raises_and_counters_stay_within_limits(lines: list[str]) -> None:
    conv = FLOW.new_conversation(now=NOW)
    conv.start()
    for line in lines:
        turn = conv.handle(line)
        assert isinstance(turn.text, str)
        assert turn.state in FLOW.compiled.states
        check_counters(conv)
        if turn.ended:
            assert turn.outcome is not None


@common
@given(st.lists(utterance, min_size=1, max_size=8))
def test_every_conversation_ends_within_the_flow_bound(pattern: list[str]) -> None:
    conv = FLOW.new_conversation(now=NOW)
    conv.start()
    for line in itertools.islice(itertools.cycle(pattern), FLOW.max_turns):
        conv.handle(line)
    assert conv.ended, (conv.state, conv.context.turns)


@common
@given(st.lists(utterance, max_size=8), st.lists(utterance, min_size=1, max_size=8))
def test_restored_conversations_reply_like_the_original(
    before: list[str], after: list[str]
) -> None:
    original = FLOW.new_conversation(now=NOW, conversation_id="p")
    original.start()
    for line in before:
        original.handle(line)
    restored = FLOW.restore(json.loads(json.dumps(original.snapshot())))
    for line in after:
        a, b = original.handle(line), restored.handle(line)
        assert (a.text, a.state, a.slots, a.outcome) == (b.text, b.state, b.slots, b.outcome)


@common
@given(st.text(alphabet=st.characters(categories=["L", "Zs"]), min_size=1, max_size=30))
def test_a_bracketed_marker_is_never_a_slot_value(inside: str) -> None:
    conv = FLOW.new_conversation(now=NOW)
    conv.start()
    conv.handle("I need a checkup")
    turn = conv.handle(f"[{inside}]")
    assert conv.slots == {"type": "check_up"}
    assert turn.event in ("no_input", "no_match")
