"""The snapshot's schema: what `Flow.restore` (and so `Flow.resume`) accepts.

A snapshot comes from outside the process — a store, a file, another worker — so it is
checked twice before a conversation continues from it: against a pydantic model of its shape
(strict types, no unknown keys, finite non-negative counts, an ISO `now` with its timezone,
action results as plain JSON data of bounded depth and size, texts and history within the
limits of `flowagent.context`, which the engine never writes past) and then against the flow:
the state is one the conversation can rest in (a state that waits for the caller; an action
or end state only once the call has ended), a retry state names where its failure came from,
and every slot name and value fits the slot's type (`flowagent.slot_values`).
Every problem is a `SnapshotError` naming the field, e.g.
`snapshot field context.turns: Input should be greater than or equal to 0`.

Its `last_reply` and `last_question` are said again by a resumed call ("repeat", a silence),
so they are read as plain text for speech, like every value put into a reply: markup and
template braces are dropped (`render.speakable`).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
)

from flowagent.context import (
    MAX_HISTORY_CHARS,
    MAX_HISTORY_ENTRIES,
    MAX_ID_CHARS,
    MAX_NAME_CHARS,
    MAX_STAMP_CHARS,
    MAX_TEXT_CHARS,
    SNAPSHOT_FORMAT,
    Context,
    Counters,
    HistoryEntry,
    now_problem,
    results_problem,
)
from flowagent.errors import SnapshotError
from flowagent.loader import format_loc
from flowagent.render import speakable
from flowagent.slot_values import stored_value_problem
from flowagent.states.retry import RetryState

if TYPE_CHECKING:
    from flowagent.compiled import CompiledFlow

#: Bounds that no real conversation reaches; past them a snapshot is corrupt or hostile.
_MAX_COUNT = 1_000_000


def _iso_now(value: Any) -> datetime:
    """`now` as written by `Context.to_dict`: ISO text with its timezone, never a number
    (pydantic would read 0 or "1764000000" as a Unix time)."""
    if not isinstance(value, str):
        raise ValueError("expected an ISO date-time with its timezone, as text")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError("expected an ISO date-time with its timezone") from None
    problem = now_problem(parsed)
    if problem is not None:
        raise ValueError(problem)
    return parsed


Count = Annotated[int, Field(ge=0, le=_MAX_COUNT)]
Text = Annotated[str, Field(max_length=MAX_TEXT_CHARS)]
Name = Annotated[str, Field(min_length=1, max_length=MAX_NAME_CHARS)]
Now = Annotated[datetime, BeforeValidator(_iso_now), Field(strict=False)]
SlotValue = Text | int | float | bool
#: What expecting may name besides a slot: the confirm state's questions.
_QUESTIONS = frozenset({"confirmation", "change"})


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)


class HistoryModel(_Strict):
    role: Literal["user", "agent"]
    text: Text
    state: Name
    at: Annotated[str, Field(max_length=MAX_STAMP_CHARS)]
    event: Name | None = None
    interrupted: bool = False


class CountersModel(_Strict):
    no_match: dict[Name, Count] = Field(default_factory=dict, max_length=1000)
    no_input: Count = 0
    total_no_match: Count = 0
    total_no_input: Count = 0
    confirm_rejections: Count = 0
    unanswered: Count = 0


class ClarifyModel(_Strict):
    slot: Name
    candidates: list[SlotValue] = Field(max_length=100)
    asked: Count = 1


class PendingModel(_Strict):
    """An answer being given in pieces (see `pieces`)."""

    slot: Name
    kind: Literal["digits", "spelling", "text"]
    text: Text = ""
    pieces: Count = 1


class LastFilledModel(_Strict):
    """A one-word name just filled, for a surname in the next turn."""

    slot: Name
    turn: Count


def _history_size(history: list[HistoryModel]) -> list[HistoryModel]:
    if sum(len(h.text) for h in history) > MAX_HISTORY_CHARS:
        raise ValueError(f"holds more than {MAX_HISTORY_CHARS:,} characters of text")
    return history


class ContextModel(_Strict):
    conversation_id: Annotated[str, Field(min_length=1, max_length=MAX_ID_CHARS)]
    state: Name
    # ISO text in JSON, with its timezone.
    now: Now
    slots: dict[Name, SlotValue] = Field(default_factory=dict, max_length=1000)
    expecting: Name | None = None
    counters: CountersModel = Field(default_factory=CountersModel)
    history: Annotated[
        list[HistoryModel],
        Field(max_length=MAX_HISTORY_ENTRIES),
        AfterValidator(_history_size),
    ] = Field(default_factory=list)
    turns: Count = 0
    started: bool = False
    ended: bool = False
    outcome: Name | None = None
    retry_from: Name | None = None
    clarify: ClarifyModel | None = None
    changing: bool = False
    results: dict[Name, Any] = Field(default_factory=dict)
    last_reply: Text = ""
    last_question: Text = ""
    pending: PendingModel | None = None
    spelled: list[Name] = Field(default_factory=list, max_length=1000)
    last_filled: LastFilledModel | None = None


class SnapshotModel(_Strict):
    format: Literal[1]
    flow: Name
    flow_hash: Name
    revision: Count = 0
    writer: Annotated[str, Field(max_length=MAX_NAME_CHARS)] = ""
    context: ContextModel


def validate_snapshot(flow: CompiledFlow, data: Any) -> tuple[Context, int]:
    """The context and the stored revision of a snapshot of `flow`. Raises SnapshotError
    naming the first field that is wrong."""
    if not isinstance(data, dict) or "context" not in data:
        raise SnapshotError("not a flowagent snapshot (no 'context')")
    fmt = data.get("format")
    if type(fmt) is not int or fmt != SNAPSHOT_FORMAT:  # `true` and 1.0 are not 1
        raise SnapshotError(
            f"snapshot format {data.get('format')!r} is not supported "
            f"(this flowagent writes format {SNAPSHOT_FORMAT})"
        )
    if data.get("flow") != flow.spec.flow or data.get("flow_hash") != flow.hash:
        raise SnapshotError(
            f"snapshot was taken with flow {data.get('flow')!r} "
            f"(hash {data.get('flow_hash')}), not with this flow {flow.spec.flow!r} "
            f"(hash {flow.hash}); resuming it here could ask the wrong questions"
        )
    _precheck(data["context"])
    try:
        model = SnapshotModel.model_validate(data)
    except ValidationError as err:
        first = err.errors()[0]
        raise SnapshotError(
            f"snapshot field {format_loc(tuple(first['loc']))}: {first['msg']}"
        ) from None
    ctx = model.context
    _against_flow(flow, ctx)
    counters = ctx.counters
    context = Context(
        conversation_id=ctx.conversation_id,
        state=ctx.state,
        now=ctx.now,
        slots=dict(ctx.slots),
        expecting=ctx.expecting,
        counters=Counters(
            dict(counters.no_match),
            counters.no_input,
            counters.total_no_match,
            counters.total_no_input,
            counters.confirm_rejections,
            counters.unanswered,
        ),
        history=[
            HistoryEntry(h.role, h.text, h.state, h.at, h.event, h.interrupted) for h in ctx.history
        ],
        turns=ctx.turns,
        started=ctx.started,
        ended=ctx.ended,
        outcome=ctx.outcome,
        retry_from=ctx.retry_from,
        clarify=ctx.clarify.model_dump() if ctx.clarify is not None else None,
        changing=ctx.changing,
        results=dict(ctx.results),
        last_reply=plain_text(ctx.last_reply),
        last_question=plain_text(ctx.last_question),
        pending=ctx.pending.model_dump() if ctx.pending is not None else None,
        spelled=list(ctx.spelled),
        last_filled=ctx.last_filled.model_dump() if ctx.last_filled is not None else None,
    )
    return context, model.revision


_BRACES = re.compile(r"[{}]")


def plain_text(text: str) -> str:
    """Stored text to be said again, as plain text for speech: markup and entities dropped
    (`render.speakable`), template braces too (a `{{ name }}` no template filled)."""
    plain = speakable(text)
    if "{" in plain or "}" in plain:
        plain = " ".join(_BRACES.sub(" ", plain).split())
    return plain


def _refuse(field: str, message: str) -> SnapshotError:
    return SnapshotError(f"snapshot field context.{field}: {message}")


def _precheck(ctx: Any) -> None:
    """What must be refused before pydantic reads it, cheaply: a history too long to
    validate entry by entry, results nested or sized past the limits (checked without
    recursion, so a hostile nesting cannot exhaust the stack)."""
    if not isinstance(ctx, dict):
        return  # the model says what is wrong
    history = ctx.get("history")
    if isinstance(history, list) and len(history) > MAX_HISTORY_ENTRIES:
        raise _refuse("history", f"more than {MAX_HISTORY_ENTRIES} entries")
    results = ctx.get("results", {})
    if isinstance(results, dict):
        problem = results_problem(results)
        if problem is not None:
            raise _refuse("results", problem)


def _against_flow(flow: CompiledFlow, ctx: ContextModel) -> None:
    def refuse(field: str, message: str) -> None:
        raise _refuse(field, message)

    if ctx.state not in flow.states:
        refuse("state", f"state {ctx.state!r} is not in this flow")
    behaviour = flow.states[ctx.state].behaviour
    if not ctx.started and ctx.state != flow.machine.initial:
        refuse("state", f"a conversation not started is at {flow.machine.initial!r}")
    if ctx.started and not ctx.ended and not behaviour.waits:
        refuse(
            "state",
            f"a conversation still going rests only where it waits for the caller;"
            f" {ctx.state!r} ({flow.states[ctx.state].spec.kind}) never does",
        )
    if ctx.retry_from is not None and ctx.retry_from not in flow.states:
        refuse("retry_from", f"state {ctx.retry_from!r} is not in this flow")
    if isinstance(behaviour, RetryState) and not ctx.ended:
        origins = behaviour.origins(flow.spec)
        if ctx.retry_from not in origins:
            refuse(
                "retry_from",
                f"retry state {ctx.state!r} is reached only from {', '.join(origins)},"
                f" not {ctx.retry_from!r}",
            )
    for name, value in ctx.slots.items():
        if name not in flow.slots:
            refuse(f"slots.{name}", f"slot {name!r} is not in this flow")
        info = flow.slots[name]
        problem = stored_value_problem(info.types, value, info.options.get("choices"))
        if problem is not None:
            refuse(f"slots.{name}", problem)
    if ctx.expecting is not None and not (
        ctx.expecting in flow.slots or ctx.expecting in _QUESTIONS
    ):
        refuse("expecting", f"{ctx.expecting!r} is not a slot of this flow")
    if ctx.clarify is not None and ctx.clarify.slot not in flow.slots:
        refuse("clarify.slot", f"slot {ctx.clarify.slot!r} is not in this flow")
    if ctx.clarify is not None:
        info = flow.slots[ctx.clarify.slot]
        for i, value in enumerate(ctx.clarify.candidates):
            problem = stored_value_problem(info.types, value, info.options.get("choices"))
            if problem is not None:
                refuse(f"clarify.candidates[{i}]", problem)
    if ctx.pending is not None and ctx.pending.slot not in flow.slots:
        refuse("pending.slot", f"slot {ctx.pending.slot!r} is not in this flow")
    for i, name in enumerate(ctx.spelled):
        if name not in flow.slots:
            refuse(f"spelled.{i}", f"slot {name!r} is not in this flow")
    if ctx.last_filled is not None and ctx.last_filled.slot not in flow.slots:
        refuse("last_filled.slot", f"slot {ctx.last_filled.slot!r} is not in this flow")
    if ctx.turns > flow.spec.limits.max_turns:
        refuse("turns", f"{ctx.turns} is past this flow's limit of {flow.spec.limits.max_turns}")
