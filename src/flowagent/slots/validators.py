"""Validation rules for slot values, behind a registry.

A validator gets a `Check` (the normalised value and what it needs to judge it) and returns
None when the value is fine, or a dict of template variables for its message when it is not
(e.g. `{"weekday": "Sunday"}` for "We're closed on {{ weekday }}s."). Users add their own with
the `validator` decorator and name them in YAML: `rules: [{rule: my_rule, message: ...}]`.
A rule's parameters are checked when the flow loads, against the model it declares
(`params=`, see `rule_params`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from pydantic import BaseModel

from flowagent.errors import ExtensionError
from flowagent.slots import rule_params as rp
from flowagent.slots.base import OpeningHours, SlotValue

log = logging.getLogger("flowagent.slots")

#: How long one `pattern` rule may match one value (seconds). A regex that backtracks
#: catastrophically ("(a|a)+$" on "aaaa…!") is stopped there: the value is refused as not
#: matching, with a warning, instead of hanging the turn and every flow on its event loop.
PATTERN_TIMEOUT = 0.05

_WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_DAY_NUMBERS = {d[:3].lower(): i for i, d in enumerate(_WEEKDAYS, start=1)}


@dataclass(frozen=True, slots=True)
class Check:
    """What a validator sees."""

    value: SlotValue
    slot_type: str
    now: datetime
    hours: OpeningHours | None = None
    params: Mapping[str, Any] = field(default_factory=dict)


#: The validator contract: None means valid; a dict (possibly empty) means invalid, with
#: variables the failure message may use.
Validator = Callable[[Check], dict[str, str] | None]


@dataclass(frozen=True, slots=True)
class ValidatorInfo:
    fn: Validator
    message: str
    provides: frozenset[str]  # template variables its failure offers
    params: type[BaseModel] | None = None  # its parameters; None: any are accepted
    types: frozenset[str] | None = None  # slot types it applies to; None: any

    def check_params(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """The parameters as the rule will see them. Raises pydantic's ValidationError."""
        if self.params is None:
            return dict(params)
        return self.params.model_validate(dict(params)).model_dump(exclude_none=True)


_validators: dict[str, ValidatorInfo] = {}


def validator(
    name: str,
    *,
    message: str,
    provides: tuple[str, ...] = (),
    params: type[BaseModel] | None = None,
    replace: bool = False,
    types: tuple[str, ...] | None = None,
) -> Callable[[Validator], Validator]:
    """Register a validation rule under `name` with its default failure `message`. `params`
    is a pydantic model of its YAML parameters (subclass `rule_params.RuleParams`), checked
    when a flow loads; without one, any parameters are accepted as written. `types`: the slot
    types it can judge (a rule on a slot of none of them is a load error); default: any."""

    def decorate(fn: Validator) -> Validator:
        if name in _validators and not replace:
            raise ExtensionError(f"validator {name!r} exists; pass replace=True to override it")
        applies = frozenset(types) if types is not None else None
        _validators[name] = ValidatorInfo(fn, message, frozenset(provides), params, applies)
        return fn

    return decorate


def get_validator(name: str) -> ValidatorInfo:
    found = _validators.get(name)
    if found is None:
        known = ", ".join(sorted(_validators))
        raise ExtensionError(f"unknown validation rule {name!r}; known rules: {known}")
    return found


def known_validators() -> set[str]:
    return set(_validators)


# --- helpers ------------------------------------------------------------------------------


def _as_date(check: Check) -> date | None:
    text = str(check.value)
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def _as_time(check: Check) -> time | None:
    text = str(check.value)
    clock = text.partition("T")[2] if "T" in text else text
    try:
        return time.fromisoformat(clock)
    except ValueError:
        return None


def _clock(t: time) -> str:
    hour = t.hour % 12 or 12
    suffix = "AM" if t.hour < 12 else "PM"
    return f"{hour} {suffix}" if t.minute == 0 else f"{hour}:{t.minute:02d} {suffix}"


def _days_param(check: Check) -> frozenset[int] | None:
    days = check.params.get("days")
    if days is not None:
        return frozenset(_DAY_NUMBERS[str(d).lower()[:3]] for d in days)
    return check.hours.days if check.hours else None


# --- built-in rules -----------------------------------------------------------------------


@validator(
    "not_past",
    message="That date has already passed. What other day works for you?",
    params=rp.NoParams,
    types=("date", "datetime"),
)
def _not_past(check: Check) -> dict[str, str] | None:
    day = _as_date(check)
    if day is None:
        return None
    if day < check.now.date():
        return {}
    if check.slot_type == "datetime" and day == check.now.date():
        at = _as_time(check)
        if at is not None and at <= check.now.time().replace(tzinfo=None):
            return {}
    return None


@validator(
    "open_days",
    message="Sorry, we're closed on {{ weekday }}s. Which other day works for you?",
    provides=("weekday",),
    params=rp.OpenDaysParams,
    types=("date", "datetime"),
)
def _open_days(check: Check) -> dict[str, str] | None:
    day = _as_date(check)
    allowed = _days_param(check)
    if day is None or allowed is None:
        return None
    if day.isoweekday() in allowed:
        return None
    return {"weekday": _WEEKDAYS[day.weekday()]}


@validator(
    "open_hours",
    message="We're open from {{ open }} to {{ close }}. What time in that window works for you?",
    provides=("open", "close"),
    params=rp.OpenHoursParams,
    types=("time", "datetime"),
)
def _open_hours(check: Check) -> dict[str, str] | None:
    at = _as_time(check)
    opens = check.params.get("open") or (
        check.hours.open.isoformat("minutes") if check.hours else None
    )
    closes = check.params.get("close") or (
        check.hours.close.isoformat("minutes") if check.hours else None
    )
    if at is None or opens is None or closes is None:
        return None
    start, end = time.fromisoformat(str(opens)), time.fromisoformat(str(closes))
    if start <= at < end:
        return None
    return {"open": _clock(start), "close": _clock(end)}


@validator(
    "max_days_ahead",
    message="We can only book up to {{ days }} days ahead. What earlier day works for you?",
    provides=("days",),
    params=rp.MaxDaysAheadParams,
    types=("date", "datetime"),
)
def _max_days_ahead(check: Check) -> dict[str, str] | None:
    day = _as_date(check)
    limit = int(check.params.get("days", 90))
    if day is None or (day - check.now.date()).days <= limit:
        return None
    return {"days": str(limit)}


@validator(
    "range",
    message="That should be between {{ min }} and {{ max }}.",
    provides=("min", "max"),
    params=rp.RangeParams,
    types=("number",),
)
def _range(check: Check) -> dict[str, str] | None:
    if isinstance(check.value, bool) or not isinstance(check.value, int | float):
        return None
    low, high = check.params.get("min"), check.params.get("max")
    if (low is not None and check.value < low) or (high is not None and check.value > high):
        return {
            "min": str(low if low is not None else "any"),
            "max": str(high if high is not None else "any"),
        }
    return None


@validator(
    "length", message="That doesn't look right.", provides=("min", "max"), params=rp.LengthParams
)
def _length(check: Check) -> dict[str, str] | None:
    size = len(str(check.value))
    low, high = check.params.get("min"), check.params.get("max")
    if (low is not None and size < int(low)) or (high is not None and size > int(high)):
        return {"min": str(low), "max": str(high)}
    return None


@validator("pattern", message="That doesn't look right.", params=rp.PatternParams)
def _pattern(check: Check) -> dict[str, str] | None:
    """The whole value matches the author's regex (the `regex` package's re-compatible
    syntax), within `PATTERN_TIMEOUT`; a match that runs out of time is no match."""
    pattern = str(check.params.get("regex", ""))
    import regex  # imported on first use: most flows have no pattern rule

    try:
        matched = regex.fullmatch(pattern, str(check.value), timeout=PATTERN_TIMEOUT)
    except TimeoutError:
        log.warning(  # the author's regex, never the caller's value
            "pattern rule %r ran out of time (%d ms) and counts as no match: does it backtrack?",
            pattern[:80],
            PATTERN_TIMEOUT * 1000,
            extra={"rule": "pattern", "slot_type": check.slot_type},
        )
        return {}
    return None if matched else {}


@validator("one_of", message="Sorry, that's not one of the options.", params=rp.OneOfParams)
def _one_of(check: Check) -> dict[str, str] | None:
    allowed = check.params.get("values") or []
    return None if check.value in allowed else {}
