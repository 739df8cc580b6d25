"""A caller's question in a turn: answered from the flow's `answers:` (matched by `answers`),
or deflected (`TurnScope.deflect`); a value said in the same breath still counts.

    "how much is a cleaning?"                  → the answer, then the question again
    "I'd like a checkup Friday, how much is it?" → the answer, then Friday is handled
    "do you have anything Friday at 2?"        → not a question to answer: a proposed time
"""

from __future__ import annotations

from flowagent.questions import PROPOSAL, REQUEST, TAG, YESNO, question_kind, statements
from flowagent.scope import TurnScope
from flowagent.slots.base import ExtractContext


def handle_question(scope: TurnScope, text: str) -> bool:
    """Answer or deflect `text` if it is a question; False when the state should handle it
    (not a question, a request or proposal, or a yes/no question that carries a value:
    "do you have anything Friday at 2?")."""
    if not scope.behaviour.waits:
        return False
    kind = question_kind(text)
    if kind is None or kind in (PROPOSAL, REQUEST):
        return False
    answer = scope.flow.answers.match(text, kind)
    if kind != TAG and answer is None and kind == YESNO and carries_value(scope, text):
        return False
    if kind == TAG and answer is None:
        return False
    # What the caller said besides asking ("I'd like a checkup on Friday, how much is it?")
    # is still an answer: handled after the question, instead of asking again.
    rest = statements(text)
    also = bool(rest) and rest != text and carries_value(scope, rest)
    if answer is not None:
        scope.answer(answer, ask_again=not also)
    else:
        scope.deflect(ask_again=not also)
    if also and not scope.ctx.ended and scope.behaviour.waits:
        scope.behaviour.handle(scope, rest)
    return True


def carries_value(scope: TurnScope, text: str) -> bool:
    """Whether any slot of the flow finds a value in `text` unasked (free text and bare
    names never do)."""
    flow = scope.flow
    ex_ctx = ExtractContext(now=scope.ctx.now, region=flow.region, hours=flow.hours)
    for name in flow.collectable_slots:
        info = flow.slots[name]
        ctx = ExtractContext(ex_ctx.now, ex_ctx.region, ex_ctx.hours, False, info.options)
        for extractor in info.extractors:
            found = extractor.extract(text, ctx)
            if found is not None and found.ok:
                return True
    return False
