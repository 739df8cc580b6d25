"""Can it ever take effect? Load-time checks of what a flow or a test file says about a slot.

A setting that can never take effect is as silent as a typo: a condition `equals: {species:
dgo}` never holds, a test's `slots: {date: 2026-11-27}` (a YAML date, not the text the slot
holds) never matches, `messages: {phone_to_short: …}` is never said, a `open_hours` rule on a
text slot never fires. Each check here says why, with a hint, so the compiler and the test-file
loader can make it an error at its line.

What a built-in slot type holds (docs/slots/): `date` "YYYY-MM-DD", `time` "HH:MM" (24-hour),
`datetime` "YYYY-MM-DDTHH:MM", `phone` E.164 ("+15551234567"), `email` lower case, `choice`
its key, `yesno` true/false, `number` a number, `name` and `text` text. A slot with a type
registered by the host is not judged: its values are the host's to define.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from flowagent.slots.registry import get_extractor

#: Problem codes of the built-in types (their spoken reprompts are `messages:` keys).
BUILTIN_PROBLEMS: dict[str, tuple[str, ...]] = {
    "phone": ("phone_too_short", "phone_too_long", "phone_invalid"),
    "email": ("email_invalid",),
    "date": ("date_invalid",),
}
_FORMATS = {
    "date": (re.compile(r"\d{4}-\d{2}-\d{2}"), "a date slot holds 'YYYY-MM-DD'"),
    "time": (re.compile(r"\d{2}:\d{2}"), "a time slot holds 24-hour 'HH:MM', e.g. '09:00'"),
    "datetime": (
        re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}"),
        "a datetime slot holds 'YYYY-MM-DDTHH:MM'",
    ),
    "phone": (re.compile(r"\+\d.*"), "a phone slot holds E.164, e.g. '+15551234567'"),
}


@dataclass(frozen=True, slots=True)
class Why:
    """Why a setting can never take effect, and what to write instead."""

    message: str
    hint: str | None = None


def is_builtin(type_name: str) -> bool:
    """Whether `type_name` is flowagent's own type (not one the host registered or replaced)."""
    try:
        extractor = get_extractor(type_name)
    except Exception:
        return False
    return type(extractor).__module__.startswith("flowagent.slots")


def yaml_kind(value: Any) -> str:
    """How an author reads a YAML value's type: `null`, `true`, a number, text, a date…"""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, datetime):
        return "a date-time"
    if isinstance(value, date):
        return "a date"
    if isinstance(value, time):
        return "a time"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def value_problem(
    slot: str,
    types: Iterable[str],
    value: Any,
    choices: Mapping[str, Iterable[str]] | None = None,
    labels: Mapping[str, str] | None = None,
) -> Why | None:
    """Why slot `slot` (of `types`) can never hold `value`, or None when one of its types can
    (or a type is the host's own). `choices`: a choice slot's synonyms by key; `labels`: how
    each key is said."""
    reasons = []
    for type_name in types:
        if not is_builtin(type_name):
            return None
        why = _type_problem(slot, type_name, value, choices or {}, labels or {})
        if why is None:
            return None
        reasons.append(why)
    return reasons[0] if reasons else None


def _type_problem(
    slot: str,
    type_name: str,
    value: Any,
    choices: Mapping[str, Iterable[str]],
    labels: Mapping[str, str],
) -> Why | None:
    if type_name == "yesno":
        if isinstance(value, bool):
            return None
        word = str(value).strip().lower()
        hint = (
            "write true (no quotes)"
            if word in ("yes", "true", "y")
            else "write false (no quotes)"
            if word in ("no", "false", "n")
            else "write true or false"
        )
        kind = yaml_kind(value)
        return Why(f"slot {slot!r} is yes/no: it holds true or false, never {kind}", hint)
    if type_name == "number":
        if isinstance(value, int | float) and not isinstance(value, bool):
            return None
        hint = "write it without quotes" if _numeric(value) else "write a number"
        return Why(f"slot {slot!r} holds a number, never {yaml_kind(value)}", hint)
    if not isinstance(value, str):
        if isinstance(value, date | time | int | float | bool):
            return Why(
                f"YAML reads the unquoted {value!s} as {yaml_kind(value)}, but slot {slot!r}"
                " holds text",
                "put it in quotes",
            )
        return Why(f"slot {slot!r} holds text, never {yaml_kind(value)}")
    if type_name == "choice":
        return _choice_problem(slot, value, choices, labels)
    if type_name == "email" and value != value.lower():
        return Why(f"slot {slot!r} holds an email in lower case", f"write {value.lower()!r}")
    fmt = _FORMATS.get(type_name)
    if fmt is not None and not fmt[0].fullmatch(value):
        return Why(f"{value!r} is not a value slot {slot!r} can hold", fmt[1])
    return None


def _choice_problem(
    slot: str, value: str, choices: Mapping[str, Iterable[str]], labels: Mapping[str, str]
) -> Why | None:
    if value in choices:
        return None
    folded = value.casefold()
    for key, synonyms in choices.items():
        said = {key.replace("_", " ").casefold(), *(s.casefold() for s in synonyms)}
        if labels.get(key):
            said.add(labels[key].casefold())
        if folded in said or key.casefold() == folded:
            return Why(
                f"{value!r} is how the choice {key!r} is said; slot {slot!r} holds the key",
                f"write {key!r}",
            )
    close = difflib.get_close_matches(value, list(choices), n=1, cutoff=0.6)
    return Why(
        f"{value!r} is not a choice of slot {slot!r}",
        f"did you mean {close[0]!r}?" if close else "choices: " + ", ".join(choices),
    )


def _numeric(value: Any) -> bool:
    try:
        float(str(value))
    except ValueError:
        return False
    return True


def message_key_problem(slot: str, types: Iterable[str], key: str) -> Why | None:
    """Why a slot's `messages:` key `key` is never said (no type of the slot reports that
    problem), or None. A host's own type may report any problem."""
    known: list[str] = []
    for type_name in types:
        if not is_builtin(type_name):
            return None
        known += BUILTIN_PROBLEMS.get(type_name, ())
    if key in known:
        return None
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    if close:
        hint = f"did you mean {close[0]!r}?"
    elif known:
        hint = "its problems: " + ", ".join(known)
    else:
        hint = f"a {'/'.join(types)} slot reports no problems: use reprompts or a rule's message"
    return Why(f"slot {slot!r} never reports a problem named {key!r}", hint)


def rule_type_problem(
    slot: str, types: Iterable[str], rule: str, applies_to: frozenset[str] | None
) -> Why | None:
    """Why rule `rule` (for slot types `applies_to`; None: any) never fires on slot `slot`."""
    kinds = list(types)
    if applies_to is None or any(t in applies_to or not is_builtin(t) for t in kinds):
        return None
    return Why(
        f"rule {rule!r} applies to {', '.join(sorted(applies_to))} slots; slot {slot!r} is"
        f" {'/'.join(kinds)}, so it would never fire",
        "move it to a slot of that type, or use length, pattern or one_of",
    )
