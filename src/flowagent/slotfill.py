"""Filling slots from one utterance: run every candidate slot's extractors, highest priority
first, masking the words each one used; decide whether a value may overwrite an earlier one;
validate; and report what was filled, what was refused (with its message) and what needs a
clarification question.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from flowagent.compiled import CompiledFlow, FillResult, SlotInfo
from flowagent.redaction import described, error_fields, exc_info
from flowagent.render import Template
from flowagent.slots.base import ExtractContext, Extraction, SlotValue
from flowagent.slots.corrections import is_correction
from flowagent.slots.validators import Check

if TYPE_CHECKING:
    from flowagent.context import Context

log = logging.getLogger("flowagent.engine")

#: Renders a template with extra variables (a validator's `{{ weekday }}`, ...).
Render = Callable[[Template, Mapping[str, str]], str]


# Readings that rest on the answer's shape alone, not on words that say what it is: a name
# because the utterance opens with capitalised words ("Oh, forget it…"), says "… here", or
# is a bare answer. They fill a slot that is asked for or empty, never replace a value as a
# correction: a correction must carry a value of the slot's own type.
_WEAK_RULES = frozenset({"opening", "speaking", "bare"})
# Names found by a cue that names whatever was asked about ("it's Rex", "her name is Bella") or
# by shape alone: while free text is asked for, they are its answer, not another slot's value.
_OTHERS_NAME_RULES = frozenset({"cue", "opening", "speaking", "bare"})
# A surname said with its cue ("last name is Volkov", spelled or not) completes the name.
_SURNAME_RULES = frozenset({"surname", "surname-spelled"})


def _mask(text: str, ex: Extraction) -> str:
    return text[: ex.start] + " " * (ex.end - ex.start) + text[ex.end :]


def _extract(info: SlotInfo, text: str, ctx: ExtractContext) -> Extraction | None:
    """The slot's value: the first of its types that yields something usable."""
    fallback: Extraction | None = None
    for extractor in info.extractors:
        found = extractor.extract(text, ctx)
        if found is None:
            continue
        if found.ok:
            return found
        fallback = fallback or found
    return fallback


def fill_slots(
    flow: CompiledFlow,
    ctx: Context,
    text: str,
    candidates: Iterable[str],
    expected: str | None,
    overwrite: bool,
    render: Render,
) -> FillResult:
    """Extract, validate and store slot values; see the module docstring."""
    result = FillResult()
    correcting = overwrite or is_correction(text)
    # Two masks: `masked` hides every span a typed extractor recognised, so the same words
    # are never read as two values; `used` hides only values the flow took (filled, the
    # same again, a question or problem about them), so a refused value ("RAV4": 4 is no
    # model year) never blanks words out of a free-text answer.
    masked = used = text
    # Free text asked for: a value another slot already holds, said again, leaves its words
    # to the answer ("F-150" is the model asked for, not the make again).
    text_asked = expected is not None and "text" in flow.slots[expected].types
    ordered = sorted(candidates, key=lambda n: -flow.slots[n].priority)
    for name in ordered:
        info = flow.slots[name]
        is_expected = name == expected
        options: dict[str, Any] = info.options
        if ctx.clarify and ctx.clarify.get("slot") == name:
            options = {**options, "clarify": tuple(ctx.clarify["candidates"])}
        ex_ctx = ExtractContext(
            now=ctx.now,
            region=flow.region,
            hours=flow.hours,
            expected=is_expected,
            options=options,
        )
        found = _extract(info, used if "text" in info.types else masked, ex_ctx)
        if found is None or found.negated:
            continue
        if text_asked and not is_expected and found.rule in _OTHERS_NAME_RULES:
            continue  # "it's Rex" for the pet's name asked: the answer, not the caller's name
        if found.value is None:
            if (
                found.candidates
                and result.clarify is None
                and (is_expected or name not in ctx.slots)
            ):
                result.clarify = (name, found.candidates)
                result.marks.append(f"clarify:{name}")
                masked, used = _mask(masked, found), _mask(used, found)
            elif found.problem and is_expected:
                result.problems.append((name, render(info.problem_message(found.problem), {})))
                result.marks.append(f"problem:{name}.{found.problem}")
                masked, used = _mask(masked, found), _mask(used, found)
            continue
        previous = ctx.slots.get(name)
        value = found.value
        said_again = previous == value and not is_expected
        if not (text_asked and said_again):
            masked = _mask(masked, found)
        surname = found.rule in _SURNAME_RULES and isinstance(previous, str)
        if surname and isinstance(previous, str) and isinstance(value, str):
            # "my last name is Whitfield" after "Dana": completes the name, never replaces
            # it; after "Dana Reyes" it corrects the surname.
            said = previous.split()
            if said[-1].lower() == value.lower() or previous.lower().endswith(value.lower()):
                value = previous
            else:
                value = " ".join([*(said[:1] if len(said) > 1 else said), value])
        if previous == value:
            result.unchanged.append(name)
            if not (text_asked and said_again):
                used = _mask(used, found)
            continue
        elif previous is not None and not (
            is_expected or surname or (correcting and found.rule not in _WEAK_RULES)
        ):
            continue  # a stray mention must not silently replace a confirmed value
        failure = validate(flow, ctx, info, value, render)
        if failure is not None:
            rule, message = failure
            result.problems.append((name, message))
            result.marks.append(f"rule:{name}.{rule}")
            if ctx.clarify and ctx.clarify.get("slot") == name:
                ctx.clarify = None  # answered, then refused: a new question starts afresh
            continue
        used = _mask(used, found)
        ctx.slots[name] = value
        ctx.counters.no_match.pop(name, None)
        result.filled.append(name)
        if previous is not None and not is_expected and not overwrite and not surname:
            result.corrected.append(name)
        if found.rule in ("spelled", "surname-spelled"):
            if name not in ctx.spelled:
                ctx.spelled.append(name)
        elif name in ctx.spelled:
            ctx.spelled.remove(name)
        if found.rule:
            log.debug("slot resolved by rule", extra={"slot": name, "rule": found.rule})
    if result.filled and ctx.clarify and ctx.clarify.get("slot") in result.filled:
        ctx.clarify = None
    return result


def validate(
    flow: CompiledFlow, ctx: Context, info: SlotInfo, value: SlotValue, render: Render
) -> tuple[str, str] | None:
    """(rule, failure message) of the first rule `value` breaks, or None if it passes all."""
    slot_type = info.type_of(value)
    for rule in info.rules:
        check = Check(value, slot_type, ctx.now, flow.hours, rule.params)
        try:
            failed = rule.validator.fn(check)
        except (Exception, SystemExit) as err:  # a buggy rule must neither end the call nor
            log.error(  # pass all; the log names the error, never the value it was checking
                "validator %s of slot %s failed: %s",
                rule.name,
                info.name,
                described(err),
                exc_info=exc_info(err),
                extra={"slot": info.name, "rule": rule.name, **error_fields(err)},
            )
            # Fail closed: a value no rule could check is refused. The rule's own message
            # is used unless it needs variables only a working check provides.
            if rule.validator.provides & set(rule.message.names):
                return rule.name, render(flow.messages["no_match"][0], {})
            return rule.name, render(rule.message, {})
        if failed is not None:
            return rule.name, render(rule.message, failed)
    return None
