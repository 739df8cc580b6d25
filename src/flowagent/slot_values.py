"""The exact shape of the value each built-in slot type holds, for values read from outside the
engine — a snapshot from a store — which must be what an extractor could have produced.

| type | holds |
|---|---|
| `date` | a calendar date, `YYYY-MM-DD` (`2026-02-30` is not one) |
| `time` | a time of day, 24-hour `HH:MM` (`25:99` is not one) |
| `datetime` | `YYYY-MM-DDTHH:MM`, both parts as above |
| `phone` | E.164, `+` and 4 to 15 digits, optionally `;ext=` and 1 to 10 digits (RFC 3966) |
| `email` | lower case `local@domain.tld`, no spaces or markup, at most 320 characters |
| `number` | a finite number (an integer within 64 bits), never true/false |
| `yesno` | true or false |
| `choice` | one of the slot's choice keys |
| `name` | text without markup (`<`, `>`, `{`, `}`) |
| `text` | text |

Every text is non-empty, at most `context.MAX_TEXT_CHARS` characters, with no control
characters or lone surrogates. A type the host registered is not judged beyond that: its
values are the host's to define (`slot_checks.is_builtin`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from flowagent.context import MAX_RESULT_INT, MAX_TEXT_CHARS
from flowagent.slot_checks import is_builtin

_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_TIME = re.compile(r"([01]\d|2[0-3]):([0-5]\d)")
_PHONE = re.compile(r"\+\d{4,15}(?:;ext=\d{1,10})?")
_EMAIL = re.compile(r"[^\s@<>{}\"]+@[^\s@<>{}\".]+(?:\.[^\s@<>{}\".]+)+")
_MARKUP = re.compile(r"[<>{}]")
# What `engine.clean_text` never lets through: C0/C1 controls and lone surrogates.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


def _is_date(text: str) -> bool:
    if _DATE.fullmatch(text) is None:
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _text_problem(value: Any) -> str | None:
    if not isinstance(value, str):
        return f"expected text, not {_kind(value)}"
    if not value.strip():
        return "empty text"
    if len(value) > MAX_TEXT_CHARS:
        return f"longer than {MAX_TEXT_CHARS:,} characters"
    if _CONTROL.search(value):
        return "holds control characters"
    return None


def _type_problem(type_name: str, value: Any, choices: Mapping[str, Any]) -> str | None:
    if type_name == "yesno":
        return None if isinstance(value, bool) else f"expected true or false, not {_kind(value)}"
    if type_name == "number":
        if isinstance(value, bool) or not isinstance(value, int | float):
            return f"expected a number, not {_kind(value)}"
        if isinstance(value, float) and not math.isfinite(value):
            return "not a finite number"
        if isinstance(value, int) and not -MAX_RESULT_INT - 1 <= value <= MAX_RESULT_INT:
            return "an integer past 64 bits"
        return None
    problem = _text_problem(value)
    if problem is not None:
        return problem
    text = str(value)
    if type_name == "date":
        return None if _is_date(text) else "not a calendar date 'YYYY-MM-DD'"
    if type_name == "time":
        return None if _TIME.fullmatch(text) else "not a time of day 'HH:MM' (24-hour)"
    if type_name == "datetime":
        day, sep, clock = text.partition("T")
        ok = sep == "T" and _is_date(day) and _TIME.fullmatch(clock) is not None
        return None if ok else "not a date and time 'YYYY-MM-DDTHH:MM'"
    if type_name == "phone":
        return None if _PHONE.fullmatch(text) else "not an E.164 phone number"
    if type_name == "email":
        ok = len(text) <= 320 and text == text.lower() and _EMAIL.fullmatch(text) is not None
        return None if ok else "not an email address in lower case"
    if type_name == "choice":
        return None if text in choices else "not one of the slot's choices"
    if type_name == "name":
        return "holds markup" if _MARKUP.search(text) else None
    return None  # text


def stored_value_problem(
    types: Iterable[str], value: Any, choices: Mapping[str, Any] | None = None
) -> str | None:
    """Why a slot of `types` could never hold `value` (the first type's reason), or None when
    one of its types could. `choices`: a choice slot's choices by key."""
    reasons: list[str] = []
    for type_name in types:
        if not is_builtin(type_name):
            if isinstance(value, str):
                why = None if len(value) <= MAX_TEXT_CHARS else "too long"
            elif isinstance(value, float):
                why = None if math.isfinite(value) else "not a finite number"
            else:
                why = None if isinstance(value, int | bool) else f"not {_kind(value)}"
        else:
            why = _type_problem(type_name, value, choices or {})
        if why is None:
            return None
        reasons.append(f"{why} (a {type_name} slot)")
    return reasons[0] if reasons else None


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    return type(value).__name__
