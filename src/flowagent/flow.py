"""`load_flow` and `Flow`: a checked, compiled flow that makes conversations."""

from __future__ import annotations

import difflib
import logging
import uuid
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

from pydantic import BaseModel, ValidationError

from flowagent import schema
from flowagent.actions import ActionPolicy
from flowagent.compiled import CompiledFlow
from flowagent.compiler import compile_flow
from flowagent.context import MAX_ID_CHARS, Context, now_problem
from flowagent.engine import Conversation
from flowagent.errors import ConversationIdError, FlowDefinitionError, Problem, SnapshotError
from flowagent.fakes import ActionOverride, bind_overrides
from flowagent.loader import Loc, LocatedDocument, format_loc, parse_yaml, read_yaml_file
from flowagent.observe import EventSink, FlowEvent, store_event
from flowagent.schema import FlowSpec
from flowagent.slot_checks import yaml_kind
from flowagent.store.base import ConversationStore
from flowagent.store.writer import StoreResult, load_bounded, load_bounded_async

log = logging.getLogger("flowagent.engine")


class Flow:
    """A loaded flow. Compiled once; make as many conversations from it as you like."""

    __slots__ = ("compiled",)

    def __init__(self, compiled: CompiledFlow) -> None:
        self.compiled = compiled

    @property
    def name(self) -> str:
        return self.compiled.spec.flow

    @property
    def spec(self) -> FlowSpec:
        return self.compiled.spec

    @property
    def path(self) -> str | None:
        return self.compiled.file

    @property
    def hash(self) -> str:
        return self.compiled.hash

    @property
    def max_turns(self) -> int:
        """Every conversation ends within this many caller turns, whatever is said."""
        return self.compiled.spec.limits.max_turns

    def new_conversation(
        self,
        now: datetime | None = None,
        conversation_id: str | None = None,
        *,
        store: ConversationStore | None = None,
        sinks: Sequence[EventSink] = (),
        actions: Mapping[str, ActionOverride] | None = None,
    ) -> Conversation:
        """A fresh conversation. `now` is the reference time for relative dates ("tomorrow");
        a naive `now` is read in the flow's timezone; default: the current time there.
        With a `store`, the conversation is saved after every turn; `sinks` receive its
        structured events (see `flowagent.observe`). `actions` replaces some of the flow's
        actions in this conversation only — keyed by action state (`BOOK`) or reference
        (`my_actions:book`), each a `FakeAction` or a function; the others run for real.
        Raises ExtensionError for a key that is not one of the flow's actions;
        ConversationIdError (a ValueError) for an id that is not text of at most
        `context.MAX_ID_CHARS` (200) characters, which no store could save and resume;
        ValueError for a `now` outside the years 1900–9000."""
        flow = self.compiled
        if conversation_id is not None and (
            not isinstance(conversation_id, str) or len(conversation_id) > MAX_ID_CHARS
        ):
            raise ConversationIdError(
                f"conversation id must be text of at most {MAX_ID_CHARS} characters"
                f" (got {_described_id(conversation_id)}): a longer one could be saved"
                " but never resumed"
            )
        if now is None:
            now = datetime.now(flow.tz)
        elif now.tzinfo is None:
            now = now.replace(tzinfo=flow.tz)
        problem = now_problem(now)
        if problem is not None:
            raise ValueError(f"now {now.isoformat()} cannot be a conversation's time: {problem}")
        ctx = Context(
            conversation_id=conversation_id or uuid.uuid4().hex[:16],
            state=flow.machine.initial,
            now=now,
        )
        return Conversation(flow, ctx, store, sinks, actions=bind_overrides(flow, actions))

    def restore(
        self,
        data: dict[str, Any],
        *,
        store: ConversationStore | None = None,
        sinks: Sequence[EventSink] = (),
        actions: Mapping[str, ActionOverride] | None = None,
    ) -> Conversation:
        """Continue a conversation from `Conversation.snapshot()`. Raises SnapshotError if the
        snapshot is malformed or was taken with a different flow or flow version. `actions`
        as in `new_conversation`."""
        bound = bind_overrides(self.compiled, actions)
        return Conversation.from_snapshot(self.compiled, data, store, sinks, actions=bound)

    def resume(
        self,
        conversation_id: str,
        store: ConversationStore,
        *,
        sinks: Sequence[EventSink] = (),
        actions: Mapping[str, ActionOverride] | None = None,
    ) -> Conversation | None:
        """The stored conversation `conversation_id`, continuing where it stopped (its
        `current_turn()` is what the caller last heard), or None if the store has none —
        or cannot say within its timeout: a store outage is logged and reported to `sinks`
        as a `store_error` event, never raised. Raises SnapshotError if the stored record
        cannot continue in this flow (see `resume_or_new` for a call that must start).
        `actions` as in `new_conversation`."""
        data, result = load_bounded(store, conversation_id)
        return self._resumed(conversation_id, store, sinks, actions, data, result)

    async def resume_async(
        self,
        conversation_id: str,
        store: ConversationStore,
        *,
        sinks: Sequence[EventSink] = (),
        actions: Mapping[str, ActionOverride] | None = None,
    ) -> Conversation | None:
        """`resume` for event loops: the load never blocks the loop."""
        data, result = await load_bounded_async(store, conversation_id)
        return self._resumed(conversation_id, store, sinks, actions, data, result)

    def resume_or_new(
        self,
        conversation_id: str,
        store: ConversationStore,
        *,
        now: datetime | None = None,
        sinks: Sequence[EventSink] = (),
        actions: Mapping[str, ActionOverride] | None = None,
    ) -> Conversation:
        """What a call that must start uses: the stored conversation if there is one, else a
        new one. Never raises for the store: a store outage or a stored record this flow
        cannot continue is logged and reported, and the call starts fresh (its saves then
        report a conflict rather than overwrite the record it could not read)."""
        try:
            found = self.resume(conversation_id, store, sinks=sinks, actions=actions)
        except SnapshotError as err:
            self._unreadable(conversation_id, sinks, err)
            found = None
        return found or self.new_conversation(
            now, conversation_id, store=store, sinks=sinks, actions=actions
        )

    async def resume_or_new_async(
        self,
        conversation_id: str,
        store: ConversationStore,
        *,
        now: datetime | None = None,
        sinks: Sequence[EventSink] = (),
        actions: Mapping[str, ActionOverride] | None = None,
    ) -> Conversation:
        """`resume_or_new` for event loops."""
        try:
            found = await self.resume_async(conversation_id, store, sinks=sinks, actions=actions)
        except SnapshotError as err:
            self._unreadable(conversation_id, sinks, err)
            found = None
        return found or self.new_conversation(
            now, conversation_id, store=store, sinks=sinks, actions=actions
        )

    def _resumed(
        self,
        conversation_id: str,
        store: ConversationStore,
        sinks: Sequence[EventSink],
        actions: Mapping[str, ActionOverride] | None,
        data: dict[str, Any] | None,
        result: StoreResult,
    ) -> Conversation | None:
        if not result.ok:
            log.warning(
                "store load failed: %s; the call starts without its stored conversation",
                result.detail,
                extra={"conversation_id": conversation_id, "operation": "load"},
            )
            _report(sinks, store_event(self.name, None, result, conversation_id))
            return None
        if data is None:
            return None
        return self.restore(data, store=store, sinks=sinks, actions=actions)

    def _unreadable(
        self, conversation_id: str, sinks: Sequence[EventSink], err: SnapshotError
    ) -> None:
        log.error(
            "stored conversation cannot continue in this flow: %s; starting a new one",
            err,
            extra={"conversation_id": conversation_id, "operation": "load"},
        )
        result = StoreResult("load", "unreadable", str(err))
        _report(sinks, store_event(self.name, None, result, conversation_id))

    def __repr__(self) -> str:
        return f"<Flow {self.name!r} from {self.path or '<text>'}: {len(self.spec.states)} states>"


def _described_id(conversation_id: object) -> str:
    if isinstance(conversation_id, str):
        return f"{len(conversation_id)} characters"
    return type(conversation_id).__name__


def _report(sinks: Sequence[EventSink], event: FlowEvent) -> None:
    for sink in sinks:
        try:
            sink.emit(event)
        except Exception:
            log.exception("event sink failed")


def load_flow(
    path: str | Path,
    *,
    allow_modules: Iterable[str] | None = None,
    import_actions: bool = True,
) -> Flow:
    """Read, validate and compile a flow file. Raises FlowDefinitionError naming the file,
    line and field of every problem found.

    Actions (`module:function`) may come from `.py` files beside the flow and from the
    modules in `allow_modules` or the `FLOWAGENT_ALLOW_MODULES` environment variable
    (a package allows its submodules); see `flowagent.actions`. With `import_actions=False`
    nothing of the author's code runs: references are still checked, and each action must
    then be replaced per conversation (`actions=` of `new_conversation`); one that is not
    fails like a broken action (ActionError → the state's `on_error`).
    `flow.compiled.action_refs` has what each action state names."""
    doc = read_yaml_file(path)
    policy = ActionPolicy.build(allow_modules, import_actions)
    return Flow(compile_flow(_validate(doc), doc, str(path), policy))


def load_flow_text(
    text: str,
    name: str = "<flow>",
    *,
    allow_modules: Iterable[str] | None = None,
    import_actions: bool = True,
) -> Flow:
    """Like `load_flow`, from YAML text (for tests and generated flows). With no file there
    are no modules beside it: actions must come from `allow_modules`."""
    doc = parse_yaml(text, name)
    policy = ActionPolicy.build(allow_modules, import_actions)
    return Flow(compile_flow(_validate(doc), doc, None, policy))


def _validate(doc: LocatedDocument) -> FlowSpec:
    if not isinstance(doc.data, dict):
        raise FlowDefinitionError(
            [
                Problem(
                    "a flow file must be a mapping with 'flow', 'start', 'slots' and 'states'",
                    file=doc.file,
                    line=1,
                )
            ]
        )
    if "cases" in doc.data and "states" not in doc.data:
        raise FlowDefinitionError(
            [
                Problem(
                    "this looks like a conversation test file, not a flow"
                    " (a flow has 'start:' and 'states:')",
                    file=doc.file,
                    line=1,
                    hint="run it with `flowagent test`",
                )
            ]
        )
    try:
        return FlowSpec.model_validate(doc.data)
    except ValidationError as err:
        raise FlowDefinitionError(validation_problems(doc, err, _ALL_KEYS)) from None


def validation_problems(
    doc: LocatedDocument,
    err: ValidationError,
    known_keys: Sequence[str] | Mapping[str, Sequence[str]],
) -> list[Problem]:
    """Pydantic's errors as located problems in the author's words: file, line, column, field
    path and a hint — for an unknown key the closest known one, or where it belongs when it is
    a key of another part ("'expect' belongs in a turn"), given `known_keys` as a mapping of key
    to the places that take it; "quote it" for a YAML number, boolean or date where text
    belongs."""
    return [_problem(doc, e, known_keys) for e in err.errors()]


_UNION_TAGS = {"str", "int", "float", "bool", "ChoiceSpec", "ConditionSpec"}


def _document_loc(data: Any, raw: tuple[Any, ...]) -> Loc:
    """pydantic's error location without the union-member tags it inserts ("str",
    "list[str]", "ChoiceSpec"): a part is kept when it is a real key or index of the document
    at that point — so a key that happens to be named `str` or `int` is still a key."""
    out: list[str | int] = []
    node: Any = data
    for part in raw:
        is_key = isinstance(node, dict) and part in node
        is_index = isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        if is_key or is_index:
            out.append(part)
            node = node[part]
        elif isinstance(part, str) and (part in _UNION_TAGS or "[" in part):
            continue
        else:
            out.append(part)
            node = None
    return tuple(out)


#: pydantic's wording (which names internal classes) → the author's.
_EXPECTED = {
    "string_type": "expected text",
    "int_type": "expected a whole number",
    "int_parsing": "expected a whole number",
    "int_from_float": "expected a whole number",
    "float_type": "expected a number",
    "float_parsing": "expected a number",
    "bool_type": "expected true or false",
    "bool_parsing": "expected true or false",
    "list_type": "expected a list",
    "dict_type": "expected a mapping (key: value)",
    "model_type": "expected a mapping (key: value)",
    "model_attributes_type": "expected a mapping (key: value)",
    "datetime_type": "expected a date-time like 2026-11-23T10:00",
    "datetime_parsing": "expected a date-time like 2026-11-23T10:00",
    "datetime_from_date_parsing": "expected a date-time like 2026-11-23T10:00",
}


def _reworded(kind: str, msg: str, ctx: Mapping[str, Any]) -> str:
    if kind in _EXPECTED:
        return _EXPECTED[kind]
    if kind == "too_short":
        n = ctx.get("min_length", 1)
        return f"needs at least {n} item{'s' if n != 1 else ''}"
    if kind == "string_too_short":
        return "must not be empty"
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        limit = next(iter(ctx.values()), "")
        return {
            "greater_than_equal": f"must be {limit} or more",
            "less_than_equal": f"must be {limit} or less",
            "greater_than": f"must be more than {limit}",
            "less_than": f"must be less than {limit}",
        }[kind]
    if kind == "literal_error":
        return f"expected {ctx.get('expected', msg)}"
    return msg


def _problem(
    doc: LocatedDocument, e: Any, known_keys: Sequence[str] | Mapping[str, Sequence[str]]
) -> Problem:
    loc = _document_loc(doc.data, tuple(e["loc"]))
    kind = e["type"]
    msg = _reworded(kind, str(e["msg"]).removeprefix("Value error, "), e.get("ctx") or {})
    hint = None
    if kind == "missing":
        key = str(loc[-1]) if loc else ""
        line, column = doc.where(loc[:-1])
        return Problem(
            f"missing required key {key!r}",
            doc.file,
            line,
            column,
            field=format_loc(loc),
            hint=_KEY_HINTS.get(key),
        )
    if kind == "extra_forbidden":
        unknown = loc[-1] if loc else ""
        msg = f"unknown key {unknown!r}"
        places = known_keys.get(str(unknown)) if isinstance(known_keys, Mapping) else None
        if places:
            msg = f"{unknown!r} is not a key here"
            hint = f"{unknown!r} belongs in {' or '.join(places)}"
        else:
            close = difflib.get_close_matches(str(unknown), list(known_keys), n=1, cutoff=0.6)
            hint = f"did you mean {close[0]!r}?" if close else None
    elif kind == "literal_error":
        msg = f"{msg} (got {e.get('input')!r})"
    elif kind in _EXPECTED or kind.endswith("_type"):
        got = e.get("input")
        msg = f"{msg} (got {_shown(got)})"
        if kind == "string_type" and isinstance(got, int | float | bool | date):
            hint = _quote_hint(got)
    return doc.problem(loc, msg, hint)


def _shown(value: Any) -> str:
    """A YAML value as its author wrote it: nothing, true, a number 2.5, text 'Rex'…"""
    if value is None:
        return "nothing: the key has no value"
    if isinstance(value, bool):
        return str(value).lower()
    text = repr(value) if len(repr(value)) <= 60 else repr(value)[:57] + "…"
    return f"{yaml_kind(value)} {text}"


def _quote_hint(value: int | float | bool | date) -> str:
    """YAML read a bare scalar as a number, boolean or date where text belongs."""
    return f"YAML reads this unquoted value as {_shown(value)}; put it in quotes to keep it as text"


#: Where each model's keys belong, for "'slots' belongs in a state" hints.
_PLACES = {
    "FlowSpec": "the top level",
    "HoursSpec": "hours",
    "RuleSpec": "a slot's rule",
    "ChoiceSpec": "a choice",
    "SlotSpec": "a slot",
    "VoiceSpec": "a state's voice",
    "ConditionSpec": "a transition's when",
    "TransitionSpec": "a transition",
    "StateSpec": "a state",
    "LimitsSpec": "limits",
    "AnswerSpec": "an answer",
    "InputSpec": "input",
    "CommandSpec": "a command",
    "MessagesSpec": "messages",
}


def model_keys(module: ModuleType, places: Mapping[str, str]) -> dict[str, list[str]]:
    """Every field name of the pydantic models defined in `module` → where it may appear
    (`places` names a model for people: "a slot"), for "did you mean" hints on unknown keys."""
    keys: dict[str, list[str]] = {}
    for obj in vars(module).values():
        if (
            isinstance(obj, type)
            and issubclass(obj, BaseModel)
            and obj.__module__ == module.__name__
        ):
            for key in obj.model_fields:
                keys.setdefault(key, []).append(places.get(obj.__name__, obj.__name__))
    return dict(sorted(keys.items()))


_ALL_KEYS = model_keys(schema, _PLACES)
_KEY_HINTS = {
    "kind": "one of: say, collect, confirm, retry, action, end",
    "type": "a slot type such as date, time, phone, email, name, choice, yesno, number, text",
    "start": "the name of the first state",
    "prompt": "the question that asks for this slot",
}
