"""`load_flow` and `Flow`: a checked, compiled flow that makes conversations."""

from __future__ import annotations

import difflib
import uuid
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from flowagent import schema
from flowagent.compiler import CompiledFlow, compile_flow
from flowagent.context import Context
from flowagent.engine import Conversation
from flowagent.errors import FlowDefinitionError, Problem
from flowagent.fakes import ActionOverride, bind_overrides
from flowagent.loader import LocatedDocument, format_loc, parse_yaml, read_yaml_file
from flowagent.observe import EventSink
from flowagent.schema import FlowSpec
from flowagent.store.base import ConversationStore


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
        Raises ExtensionError for a key that is not one of the flow's actions."""
        flow = self.compiled
        if now is None:
            now = datetime.now(flow.tz)
        elif now.tzinfo is None:
            now = now.replace(tzinfo=flow.tz)
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
        `current_turn()` is what the caller last heard), or None if the store has none."""
        data = store.load(conversation_id)
        if data is None:
            return None
        return self.restore(data, store=store, sinks=sinks, actions=actions)

    def __repr__(self) -> str:
        return f"<Flow {self.name!r} from {self.path or '<text>'}: {len(self.spec.states)} states>"


def load_flow(path: str | Path, *, import_actions: bool = True) -> Flow:
    """Read, validate and compile a flow file. Raises FlowDefinitionError naming the file,
    line and field of every problem found.

    With `import_actions=False` no action module is imported (nothing of the author's code
    runs): each action must then be replaced per conversation (`actions=`), and one that is
    not fails like a broken action (ActionError → the state's `on_error`)."""
    doc = read_yaml_file(path)
    return Flow(compile_flow(_validate(doc), doc, str(path), import_actions=import_actions))


def load_flow_text(text: str, name: str = "<flow>") -> Flow:
    """Like `load_flow`, from YAML text (for tests and generated flows)."""
    doc = parse_yaml(text, name)
    return Flow(compile_flow(_validate(doc), doc, None))


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
    try:
        return FlowSpec.model_validate(doc.data)
    except ValidationError as err:
        raise FlowDefinitionError(validation_problems(doc, err, _ALL_KEYS)) from None


def validation_problems(
    doc: LocatedDocument, err: ValidationError, known_keys: Sequence[str]
) -> list[Problem]:
    """Pydantic's errors as located problems: file, line, column, field path and a hint
    (the closest of `known_keys` for an unknown key; "quote it" for a YAML number, boolean or
    date where text belongs)."""
    return [_problem(doc, e, known_keys) for e in err.errors()]


_UNION_TAGS = {"str", "int", "float", "bool", "ChoiceSpec", "ConditionSpec"}


def _problem(doc: LocatedDocument, e: Any, known_keys: Sequence[str]) -> Problem:
    # pydantic adds union-member tags ("str", "list[str]") to locations; they are not keys.
    loc = tuple(p for p in e["loc"] if not (isinstance(p, str) and (p in _UNION_TAGS or "[" in p)))
    kind = e["type"]
    msg = str(e["msg"]).removeprefix("Value error, ")
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
        close = difflib.get_close_matches(str(loc[-1]), known_keys, n=1, cutoff=0.6)
        msg = f"unknown key {loc[-1]!r}"
        hint = f"did you mean {close[0]!r}?" if close else None
    elif kind == "literal_error":
        msg = f"{msg} (got {e.get('input')!r})"
    elif kind.endswith("_type"):
        got = e.get("input")
        msg = f"{msg} (got {type(got).__name__} {got!r})"
        if kind == "string_type" and isinstance(got, int | float | bool | date):
            hint = _quote_hint(got)
    return doc.problem(loc, msg, hint)


def _quote_hint(value: int | float | bool | date) -> str:
    """YAML read a bare scalar as a number, boolean or date where text belongs."""
    return (
        f"YAML reads this unquoted value as {type(value).__name__} {value!r}; "
        "put it in quotes to keep it as text"
    )


def _collect_keys() -> list[str]:
    keys: set[str] = set()
    for obj in vars(schema).values():
        if (
            isinstance(obj, type)
            and issubclass(obj, BaseModel)
            and obj.__module__ == schema.__name__
        ):
            keys.update(obj.model_fields)
    return sorted(keys)


_ALL_KEYS = _collect_keys()
_KEY_HINTS = {
    "kind": "one of: say, collect, confirm, retry, action, end",
    "type": "a slot type such as date, time, phone, email, name, choice, yesno, number, text",
    "start": "the name of the first state",
    "prompt": "the question that asks for this slot",
}
