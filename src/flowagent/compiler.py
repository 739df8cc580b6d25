"""Flow spec → compiled flow: every check of meaning, then one shared state machine.

`compile_flow` runs the second layer of validation (the first is pydantic's shape check in
`schema`): that every name a flow uses — states, slots, slot types, validators, template
placeholders, actions — exists, and that every state kind has what it needs. It collects all
problems, each with its file, line and field, before raising. The result, a `compiled.CompiledFlow`,
holds everything a turn needs precomputed: extractors, parsed templates, guards and the
`FlowMachine`.
"""

from __future__ import annotations

import difflib
import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from flowagent.action_contract import ActionCheck, never_returned, results_read
from flowagent.actions import ActionFn, ActionPolicy, check_action, resolve_action
from flowagent.answers import AnswerBook
from flowagent.commands import DEFAULT_PHRASES, CommandMatcher
from flowagent.compiled import CompiledFlow, CompiledRule, EdgeSpec, SlotInfo, StateInfo
from flowagent.errors import ExtensionError, FlowCheckError, Problem
from flowagent.loader import Loc, LocatedDocument, format_loc
from flowagent.machine import Edge, FlowMachine, Guard
from flowagent.nonspeech import Markers
from flowagent.out_of_scope import TaskMatcher
from flowagent.render import Template, compile_template
from flowagent.schema import ChoiceSpec, CommandSpec, ConditionSpec, FlowSpec, StateSpec
from flowagent.slot_checks import message_key_problem, rule_type_problem, value_problem
from flowagent.slots import opening_hours
from flowagent.slots.base import Extractor
from flowagent.slots.registry import get_extractor
from flowagent.slots.validators import ValidatorInfo, get_validator
from flowagent.states import behaviour_for
from flowagent.states.confirm import mention_pattern

#: Slot types whose values are personal unless the slot says `pii: false`. Free text is: a
#: caller answering "anything else?" gives names, dates of birth, addresses.
PII_TYPES = frozenset({"name", "phone", "email", "text"})
_COMMAND_TARGETS = {"handoff": ("HANDOFF", "handoff"), "cancel": ("CANCELLED", "cancelled")}


class _Problems:
    def __init__(self, doc: LocatedDocument | None) -> None:
        self.doc = doc
        self.items: list[Problem] = []

    def add(self, loc: Loc, message: str, hint: str | None = None) -> None:
        if self.doc is not None:
            self.items.append(self.doc.problem(loc, message, hint))
        else:
            self.items.append(Problem(message, field=format_loc(loc), hint=hint))


def flow_hash(spec: FlowSpec) -> str:
    """A stable fingerprint of the flow's meaning (not its formatting or comments)."""
    canonical = json.dumps(spec.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def compile_flow(
    spec: FlowSpec,
    doc: LocatedDocument | None = None,
    file: str | None = None,
    policy: ActionPolicy | None = None,
    *,
    import_actions: bool = True,
) -> CompiledFlow:
    """Check the flow's meaning and build the shared machine. Raises FlowCheckError.

    Actions are resolved under `policy` (default: the flow's own modules). With
    `import_actions=False` (or a policy that says so) no action module is imported: each
    reference is still checked against the policy, and each action is a placeholder that
    fails unless a conversation replaces it (fakes in tests and simulations)."""
    policy = policy or ActionPolicy()
    if not import_actions:
        policy = ActionPolicy(policy.allow_modules, import_actions=False)
    problems = _Problems(doc)
    spec = _with_command_states(spec)
    fallback = spec.fallback or ("FALLBACK" if "FALLBACK" in spec.states else None)
    if fallback and spec.fallback is None:
        spec = spec.model_copy(update={"fallback": fallback})
    known_states = set(spec.states)
    directory = Path(file).resolve().parent if file else None

    def state_ref(loc: Loc, name: str | None) -> None:
        if name is not None and name not in known_states:
            hint = _closest(name, known_states)
            problems.add(
                loc, f"unknown state {name!r}", f"did you mean {hint!r}?" if hint else None
            )

    state_ref(("start",), spec.start)
    state_ref(("fallback",), spec.fallback)
    for key in ("on_max_no_match", "on_max_no_input", "on_max_turns"):
        state_ref(("limits", key), getattr(spec.limits, key))
    for name, command in spec.commands.items():
        if name not in DEFAULT_PHRASES:
            problems.add(
                ("commands", name),
                f"unknown command {name!r}",
                f"commands are: {', '.join(DEFAULT_PHRASES)}",
            )
        state_ref(("commands", name, "to"), command.to)
    if fallback is None and spec.limits.on_max_no_match is None:
        problems.add(
            ("fallback",),
            "no fallback state: where should repeated failures go?",
            "add a state named FALLBACK or set 'fallback:'",
        )

    slot_names = set(spec.slots)
    base_names = slot_names | set(spec.vars)
    result_ok = True  # `result.x` placeholders are action outputs, known only at run time

    def template(loc: Loc, text: str, extra: frozenset[str] = frozenset()) -> Template:
        parsed = compile_template(text)
        for name in parsed.names:
            if name.startswith("result.") and result_ok:
                continue
            if name not in base_names and name not in extra:
                hint = _closest(name, base_names | extra)
                problems.add(
                    loc,
                    f"template placeholder {{{{ {name} }}}} is not a slot or var",
                    f"did you mean {{{{ {hint} }}}}?"
                    if hint
                    else "known: " + ", ".join(sorted(base_names | extra)),
                )
        return parsed

    for name, answer in spec.answers.items():
        state_ref(("answers", name, "to"), answer.to)
        template(("answers", name, "say"), answer.say)
        if not (answer.phrases or answer.keywords):
            problems.add(("answers", name), "an answer needs 'phrases' or 'keywords'")

    slots: dict[str, SlotInfo] = {}
    for name, s in spec.slots.items():
        loc: Loc = ("slots", name)
        extractors: list[Extractor] = []
        for i, type_name in enumerate(s.types):
            try:
                extractors.append(get_extractor(type_name))
            except ExtensionError as err:
                problems.add(
                    (*loc, "type") if isinstance(s.type, str) else (*loc, "type", i), str(err)
                )
        if "choice" in s.types and not s.choices:
            problems.add((*loc, "choices"), "a 'choice' slot needs 'choices'")
        rules: list[CompiledRule] = []
        for i, r in enumerate(s.rules):
            try:
                rule_info = get_validator(r.rule)
            except ExtensionError as err:
                problems.add((*loc, "rules", i, "rule"), str(err))
                continue
            message = template(
                (*loc, "rules", i, "message"), r.message or rule_info.message, rule_info.provides
            )
            params = _rule_params(rule_info, r.rule, r.params, (*loc, "rules", i), problems)
            never = rule_type_problem(name, s.types, r.rule, rule_info.types)
            if never is not None:
                problems.add((*loc, "rules", i, "rule"), never.message, never.hint)
            if params is not None:
                rules.append(CompiledRule(r.rule, rule_info, params, message))
        choices: dict[str, list[str]] = {}
        labels: dict[str, str] = {}
        for key, value in (s.choices or {}).items():
            if isinstance(value, ChoiceSpec):
                choices[key] = list(value.synonyms)
                labels[key] = value.label or key.replace("_", " ")
            else:
                choices[key] = list(value)
                labels[key] = key.replace("_", " ")
        for key in s.messages:
            unsaid = message_key_problem(name, s.types, key)
            if unsaid is not None:
                problems.add((*loc, "messages", key), unsaid.message, unsaid.hint)
        for i, r in enumerate(s.rules):
            if r.rule == "one_of" and isinstance(r.params.get("values"), list):
                for j, v in enumerate(r.params["values"]):
                    never = value_problem(name, s.types, v, choices, labels)
                    if never is not None:
                        problems.add((*loc, "rules", i, "values", j), never.message, never.hint)
        options = dict(s.options)
        if choices:
            options["choices"] = choices
        if "text" in s.types:  # lead-ins that name the slot are trimmed ("my address is")
            options["_slot_words"] = [name.replace("_", " "), *s.aliases]
        slots[name] = SlotInfo(
            name=name,
            spec=s,
            types=s.types,
            extractors=extractors,
            priority=max((e.priority for e in extractors), default=0),
            prompt=template((*loc, "prompt"), s.prompt),
            reprompts=[template((*loc, "reprompts", i), t) for i, t in enumerate(s.reprompts)],
            help=template((*loc, "help"), s.help) if s.help else None,
            ack=template((*loc, "ack"), s.ack) if s.ack else None,
            clarify=template((*loc, "clarify"), s.clarify, frozenset({"options"}))
            if s.clarify
            else None,
            rules=rules,
            problems={k: template((*loc, "messages", k), v) for k, v in s.messages.items()},
            labels=labels,
            options=options,
            pii=s.pii if s.pii is not None else bool(PII_TYPES & set(s.types)),
        )

    states: dict[str, StateInfo] = {}
    collectable: list[str] = []
    actions: dict[str, ActionFn] = {}
    action_checks: dict[str, ActionCheck] = {}
    for name, st in spec.states.items():
        loc = ("states", name)
        behaviour = behaviour_for(name, st)
        info = StateInfo(name, st, behaviour)
        for key in ("say", "prompt", "help"):
            text = getattr(st, key)
            if text:
                info.texts[key] = template((*loc, key), text)
        info.reprompts = [template((*loc, "reprompts", i), t) for i, t in enumerate(st.reprompts)]
        for key in (
            "next",
            "on_yes",
            "on_change",
            "on_no_match",
            "on_max_no_match",
            "on_max_no_input",
            "on_error",
        ):
            state_ref((*loc, key), getattr(st, key))
        for i, t in enumerate(st.transitions):
            state_ref((*loc, "transitions", i, "to"), t.to)
            if t.when is not None:
                for slot in (
                    *t.when.filled_slots,
                    *t.when.missing_slots,
                    *(t.when.equals or {}),
                    *(t.when.one_of or {}),
                ):
                    if slot not in slot_names:
                        problems.add((*loc, "transitions", i, "when"), f"unknown slot {slot!r}")
                _never_holds(t.when, slots, (*loc, "transitions", i, "when"), problems)
        for i, slot in enumerate(st.slots):
            if slot not in slot_names:
                hint = _closest(slot, slot_names)
                problems.add(
                    (*loc, "slots", i),
                    f"unknown slot {slot!r}",
                    f"did you mean {hint!r}?" if hint else None,
                )
            elif slot not in collectable:
                collectable.append(slot)
        if st.action:
            try:
                actions[name] = resolve_action(st.action, directory, policy)
                action_checks[name] = check_action(st.action, actions[name], directory, policy)
            except LookupError as err:
                problems.add((*loc, "action"), str(err))

        def report(key: str, message: str, _loc: Loc = loc) -> None:
            problems.add((*_loc, key), message)

        behaviour.check(spec, report)
        states[name] = info

    messages: dict[str, list[Template]] = {}
    for key, value in spec.messages.model_dump().items():
        texts = value if isinstance(value, list) else [value]
        extra = frozenset(
            {"options"} if key == "clarify" else {"value"} if key == "corrected" else ()
        )
        messages[key] = [template(("messages", key), t, extra) for t in texts] or [
            compile_template("")
        ]

    if problems.items:
        raise FlowCheckError(problems.items)

    edges = _edges(spec, states, fallback)
    reads = results_read(spec, edges)
    refs = {n: st.action for n, st in spec.states.items() if st.action}
    for state, key, reader, returned in never_returned(reads, action_checks, refs):
        hint = _closest(key, set(returned))
        shown = ", ".join(repr(k) for k in sorted(returned)) or "nothing"
        texts = [
            k
            for k in ("say", "prompt", "help")
            if f"result.{key}" in (getattr(spec.states[reader], k) or "")
        ]
        problems.add(
            ("states", reader, *texts[:1]),
            f"{{{{ result.{key} }}}} is read after {state}, but no action of the flow returns"
            f" {key!r} ({refs[state]} returns {shown}): every successful call would fail",
            f"did you mean {{{{ result.{hint} }}}}?" if hint else None,
        )
    if problems.items:
        raise FlowCheckError(problems.items)
    machine = FlowMachine(list(spec.states), edges, spec.start)
    return CompiledFlow(
        spec=spec,
        file=file,
        directory=directory,
        hash=flow_hash(spec),
        machine=machine,
        slots=slots,
        states=states,
        collectable_slots=tuple(collectable),
        commands=CommandMatcher(spec.commands),
        messages=messages,
        tz=ZoneInfo(spec.timezone),
        hours=opening_hours(spec.hours.days, spec.hours.open, spec.hours.close)
        if spec.hours
        else None,
        region=spec.region,
        actions=actions,
        slot_mentions={
            n: mention_pattern(n, s.types, list(s.spec.aliases))
            for n, s in slots.items()
            if n in collectable
        },
        fallback=fallback,
        action_refs={n: st.action for n, st in spec.states.items() if st.action},
        answers=AnswerBook(spec.answers),
        markers=Markers.from_spec(spec.input.markers, spec.input.default_markers),
        tasks=TaskMatcher.for_flow(spec.description, _choice_words(slots)),
        action_checks=action_checks,
        result_reads=reads,
    )


def _choice_words(slots: dict[str, SlotInfo]) -> list[str]:
    """Every choice key and synonym of the flow: the things it books, the tasks it does."""
    out: list[str] = []
    for info in slots.values():
        choices = info.options.get("choices")
        if isinstance(choices, dict):
            for key, synonyms in choices.items():
                out.append(str(key).replace("_", " "))
                out.extend(str(s) for s in synonyms)
    return out


def _rule_params(
    info: ValidatorInfo, rule: str, raw: dict[str, Any], loc: Loc, problems: _Problems
) -> dict[str, Any] | None:
    """A rule's parameters checked against its model, or None after reporting each problem
    at the parameter's own line."""
    try:
        return info.check_params(raw)
    except ValidationError as err:
        known = sorted(info.params.model_fields) if info.params is not None else []
        for e in err.errors():
            where = tuple(e["loc"])
            message = str(e["msg"]).removeprefix("Value error, ")
            hint = None
            if e["type"] == "extra_forbidden":
                name = str(where[-1])
                message = f"unknown parameter {name!r} for rule {rule!r}"
                close = _closest(name, set(known))
                hint = (
                    f"did you mean {close!r}?"
                    if close
                    else ("parameters: " + ", ".join(known) if known else "it takes none")
                )
            elif e["type"].endswith("_type") or e["type"] == "missing":
                got = e.get("input")
                message = (
                    f"{message} (got {type(got).__name__} {got!r})" if got is not None else message
                )
            problems.add((*loc, *where), message, hint)
        return None


def _never_holds(
    when: ConditionSpec, slots: dict[str, SlotInfo], loc: Loc, problems: _Problems
) -> None:
    """Report each `equals` / `one_of` value no slot of its type can hold: the condition
    could never be true (a choice's label instead of its key, a misspelled key)."""
    tests: list[tuple[Loc, str, Any]] = [
        ((*loc, "equals", slot), slot, v) for slot, v in (when.equals or {}).items()
    ]
    for slot, values in (when.one_of or {}).items():
        tests += [((*loc, "one_of", slot, j), slot, v) for j, v in enumerate(values)]
    for where, slot, value in tests:
        info = slots.get(slot)
        if info is None:
            continue  # reported as an unknown slot
        never = value_problem(slot, info.types, value, info.options.get("choices"), info.labels)
        if never is not None:
            problems.add(where, never.message + ": the condition can never hold", never.hint)


def _with_command_states(spec: FlowSpec) -> FlowSpec:
    """Give `handoff` and `cancel` an end state when the author did not name one."""
    states = dict(spec.states)
    commands = dict(spec.commands)
    for command, (state_name, outcome) in _COMMAND_TARGETS.items():
        current = commands.get(command, CommandSpec())
        if not current.enabled or current.to:
            continue
        if state_name not in states:
            states[state_name] = StateSpec(kind="end", outcome=outcome)
        commands[command] = current.model_copy(update={"to": state_name})
    return spec.model_copy(update={"states": states, "commands": commands})


def _edges(spec: FlowSpec, states: dict[str, StateInfo], fallback: str | None) -> list[Edge]:
    edges: list[Edge] = []
    for name, info in states.items():
        st = info.spec
        for e in info.behaviour.edges(spec):
            edges.append(Edge(name, e.event, e.dest, _guard(spec, st, e), e.label or _label(st, e)))
        if not info.behaviour.waits:
            continue
        # Ways out of every listening state: limits and global commands.
        limits = spec.limits
        no_match_to = st.on_max_no_match or limits.on_max_no_match or fallback
        no_input_to = st.on_max_no_input or limits.on_max_no_input or fallback
        turns_to = limits.on_max_turns or fallback
        # A confirm state that sends failures to a retry state never reaches its own limit
        # there: every failure moves to the retry state, and an answer resets the count.
        dead_limit = (
            st.kind == "confirm"
            and bool(st.on_no_match)
            and (st.max_no_match or limits.max_no_match) > 1
        )
        for event, dest, label in (
            ("no_match_limit", None if dead_limit else no_match_to, "too many failures"),
            ("no_input_limit", no_input_to, "too many silences"),
            ("max_turns", turns_to, "turn limit"),
        ):
            if dest:
                edges.append(Edge(name, event, dest, None, label))
        for command in ("handoff", "cancel"):
            target = spec.commands.get(command)
            if target is not None and target.enabled and target.to:
                edges.append(Edge(name, command, target.to, None, command))
        for answer_name, answer in spec.answers.items():
            if answer.to:
                edges.append(Edge(name, f"answer:{answer_name}", answer.to, None, answer_name))
        restart = spec.commands.get("start_over")
        if restart is None or restart.enabled:
            edges.append(
                Edge(
                    name,
                    "start_over",
                    (restart.to if restart else None) or spec.start,
                    None,
                    "start over",
                )
            )
    return edges


def _guard(spec: FlowSpec, st: StateSpec, e: EdgeSpec) -> Guard | None:
    if e.when_index is not None:
        when = st.transitions[e.when_index].when
        return compile_condition(when) if when is not None else None
    if e.retry_origin is not None:
        origin = e.retry_origin
        return lambda ctx: bool(ctx.retry_from == origin)
    if e.changes_state is not None:
        wanted = [s for s in spec.states[e.changes_state].slots if spec.slots[s].required]
        return lambda ctx: any(s not in ctx.slots for s in wanted)
    return None


def _label(st: StateSpec, e: EdgeSpec) -> str:
    if e.when_index is not None:
        when = st.transitions[e.when_index].when
        return describe_condition(when) if when is not None else e.event
    return e.event


def compile_condition(c: ConditionSpec) -> Callable[[Any], bool]:
    """A guard for `when:`: every test given must hold."""
    filled, missing = c.filled_slots, c.missing_slots
    equals = dict(c.equals or {})
    one_of = {k: list(v) for k, v in (c.one_of or {}).items()}
    result = dict(c.result or {})

    def guard(ctx: Any) -> bool:
        slots = ctx.slots
        return (
            all(s in slots for s in filled)
            and all(s not in slots for s in missing)
            and all(slots.get(k) == v for k, v in equals.items())
            and all(slots.get(k) in v for k, v in one_of.items())
            and all(ctx.results.get(k) == v for k, v in result.items())
        )

    return guard


def describe_condition(c: ConditionSpec) -> str:
    parts = []
    if c.filled_slots:
        parts.append("filled " + ", ".join(c.filled_slots))
    if c.missing_slots:
        parts.append("missing " + ", ".join(c.missing_slots))
    parts += [f"{k} = {v}" for k, v in (c.equals or {}).items()]
    parts += [f"{k} in {v}" for k, v in (c.one_of or {}).items()]
    parts += [f"result.{k} = {v}" for k, v in (c.result or {}).items()]
    return " and ".join(parts) or "always"


def _closest(name: str, options: set[str]) -> str | None:
    found = difflib.get_close_matches(name, sorted(options), n=1, cutoff=0.6)
    return found[0] if found else None
