"""The snapshot's schema: what `Flow.restore` (and so `Flow.resume`) accepts.

A snapshot comes from outside the process — a store, a file, another worker — so it is
checked twice before a conversation continues from it: against a pydantic model of its shape
(strict types, no unknown keys, finite non-negative counts, a timezone-aware `now`) and then
against the flow (the state, the slot names, what the agent is expecting, the turn limit).
Every problem is a `SnapshotError` naming the field, e.g.
`snapshot field context.turns: Input should be greater than or equal to 0`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError

from flowagent.context import SNAPSHOT_FORMAT, Context, Counters, HistoryEntry
from flowagent.errors import SnapshotError
from flowagent.loader import format_loc

if TYPE_CHECKING:
    from flowagent.compiled import CompiledFlow

#: Bounds that no real conversation reaches; past them a snapshot is corrupt or hostile.
_MAX_COUNT = 1_000_000
_MAX_TEXT = 100_000

Count = Annotated[int, Field(ge=0, le=_MAX_COUNT)]
Text = Annotated[str, Field(max_length=_MAX_TEXT)]
Name = Annotated[str, Field(min_length=1, max_length=200)]
SlotValue = str | int | float | bool
#: What expecting may name besides a slot: the confirm state's questions.
_QUESTIONS = frozenset({"confirmation", "change"})


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)


class HistoryModel(_Strict):
    role: Literal["user", "agent"]
    text: Text
    state: Name
    at: Text
    event: Name | None = None
    interrupted: bool = False


class CountersModel(_Strict):
    no_match: dict[Name, Count] = Field(default_factory=dict)
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


class ContextModel(_Strict):
    conversation_id: Name
    state: Name
    # ISO text in JSON: parsed, not strict; and it must say its timezone.
    now: Annotated[AwareDatetime, Field(strict=False)]
    slots: dict[Name, SlotValue] = Field(default_factory=dict)
    expecting: Name | None = None
    counters: CountersModel = Field(default_factory=CountersModel)
    history: list[HistoryModel] = Field(default_factory=list, max_length=4 * _MAX_COUNT)
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
    writer: str = ""
    context: ContextModel


def validate_snapshot(flow: CompiledFlow, data: Any) -> tuple[Context, int]:
    """The context and the stored revision of a snapshot of `flow`. Raises SnapshotError
    naming the first field that is wrong."""
    if not isinstance(data, dict) or "context" not in data:
        raise SnapshotError("not a flowagent snapshot (no 'context')")
    if data.get("format") != SNAPSHOT_FORMAT:
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
        last_reply=ctx.last_reply,
        last_question=ctx.last_question,
        pending=ctx.pending.model_dump() if ctx.pending is not None else None,
        spelled=list(ctx.spelled),
        last_filled=ctx.last_filled.model_dump() if ctx.last_filled is not None else None,
    )
    return context, model.revision


def _against_flow(flow: CompiledFlow, ctx: ContextModel) -> None:
    def refuse(field: str, message: str) -> None:
        raise SnapshotError(f"snapshot field context.{field}: {message}")

    if ctx.state not in flow.states:
        refuse("state", f"state {ctx.state!r} is not in this flow")
    if ctx.retry_from is not None and ctx.retry_from not in flow.states:
        refuse("retry_from", f"state {ctx.retry_from!r} is not in this flow")
    for name in ctx.slots:
        if name not in flow.slots:
            refuse(f"slots.{name}", f"slot {name!r} is not in this flow")
    if ctx.expecting is not None and not (
        ctx.expecting in flow.slots or ctx.expecting in _QUESTIONS
    ):
        refuse("expecting", f"{ctx.expecting!r} is not a slot of this flow")
    if ctx.clarify is not None and ctx.clarify.slot not in flow.slots:
        refuse("clarify.slot", f"slot {ctx.clarify.slot!r} is not in this flow")
    if ctx.pending is not None and ctx.pending.slot not in flow.slots:
        refuse("pending.slot", f"slot {ctx.pending.slot!r} is not in this flow")
    for i, name in enumerate(ctx.spelled):
        if name not in flow.slots:
            refuse(f"spelled.{i}", f"slot {name!r} is not in this flow")
    if ctx.last_filled is not None and ctx.last_filled.slot not in flow.slots:
        refuse("last_filled.slot", f"slot {ctx.last_filled.slot!r} is not in this flow")
    if ctx.turns > flow.spec.limits.max_turns:
        refuse("turns", f"{ctx.turns} is past this flow's limit of {flow.spec.limits.max_turns}")
