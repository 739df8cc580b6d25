"""The parameters of the built-in validation rules, checked when a flow loads.

A rule's parameters sit beside `rule:` in YAML (`- rule: max_days_ahead` / `days: 30`). Each
built-in rule declares a pydantic model of them, so a misspelled key (`dayz`), a word where a
number belongs (`days: ninety`), weekday numbers instead of names, a regex that does not compile
or `min` above `max` is a load error at its line — never a rule that silently lets every value
through at run time. A user rule declares its own with `validator(..., params=Model)`.

Each model's validated dump (`model_dump(exclude_none=True)`) is what the rule's function sees
in `Check.params`: weekdays as `mon`…`sun`, numbers as numbers.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

_WEEKDAY_NAMES = {
    "mon": "mon",
    "monday": "mon",
    "tue": "tue",
    "tues": "tue",
    "tuesday": "tue",
    "wed": "wed",
    "weds": "wed",
    "wednesday": "wed",
    "thu": "thu",
    "thur": "thu",
    "thurs": "thu",
    "thursday": "thu",
    "fri": "fri",
    "friday": "fri",
    "sat": "sat",
    "saturday": "sat",
    "sun": "sun",
    "sunday": "sun",
}
_HHMM = re.compile(r"([01]?\d|2[0-3]):[0-5]\d")  # "9:00" is read as "09:00"


class RuleParams(BaseModel):
    """Base of a rule's parameter model: unknown keys are errors, nothing is coerced, numbers
    are finite. Subclass it for a user rule's parameters."""

    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False, frozen=True)


class NoParams(RuleParams):
    """A rule that takes no parameters."""


class OpenDaysParams(RuleParams):
    """`days`: weekday names (`mon`, `Tuesday`, `THU`…); default: the flow's `hours.days`."""

    days: list[str] | None = Field(default=None, min_length=1)

    @field_validator("days")
    @classmethod
    def _names(cls, v: list[str] | None) -> list[str] | None:
        if v is None:
            return None
        out = []
        for day in v:
            found = _WEEKDAY_NAMES.get(day.strip().lower())
            if found is None:
                raise ValueError(f"{day!r} is not a weekday name (use mon, tue, … sun)")
            out.append(found)
        return out


class OpenHoursParams(RuleParams):
    """`open`, `close`: 24-hour times in quotes (`"09:00"`); default: the flow's `hours`."""

    open: str | None = None
    close: str | None = None

    @field_validator("open", "close", mode="before")
    @classmethod
    def _hhmm(cls, v: Any) -> Any:
        if isinstance(v, int) and not isinstance(v, bool):
            # YAML 1.1 reads an unquoted 17:00 as the base-60 number 1020.
            raise ValueError('a time must be quoted: write "17:00", not 17:00')
        if isinstance(v, str):
            if not _HHMM.fullmatch(v):
                raise ValueError(f"expected a 24-hour time like '09:00' or '9:00', got {v!r}")
            return v.zfill(5)
        return v

    @model_validator(mode="after")
    def _ordered(self) -> OpenHoursParams:
        if self.open is not None and self.close is not None and self.open >= self.close:
            raise ValueError("'open' must be before 'close'")
        return self


class MaxDaysAheadParams(RuleParams):
    """`days`: how many days ahead a date may be (default 90)."""

    days: int = Field(default=90, ge=0, le=3650)


class RangeParams(RuleParams):
    """`min`, `max`: inclusive bounds of a number (either may be left out)."""

    min: int | float | None = None
    max: int | float | None = None

    @model_validator(mode="after")
    def _ordered(self) -> RangeParams:
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"'min' ({self.min}) is above 'max' ({self.max})")
        return self


class LengthParams(RuleParams):
    """`min`, `max`: inclusive bounds of the value's length in characters."""

    min: int | None = Field(default=None, ge=0)
    max: int | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> LengthParams:
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"'min' ({self.min}) is above 'max' ({self.max})")
        return self


class PatternParams(RuleParams):
    """`regex`: a regular expression (Python's syntax, as the `regex` package reads it) the
    whole value must match; see `validators.PATTERN_TIMEOUT`."""

    regex: str

    @field_validator("regex")
    @classmethod
    def _compiles(cls, v: str) -> str:
        import regex  # imported on first use: most flows have no pattern rule

        try:
            regex.compile(v)
        except regex.error as err:
            raise ValueError(f"the regex does not compile: {err}") from None
        return v


class OneOfParams(RuleParams):
    """`values`: the allowed values."""

    values: list[str | int | float | bool] = Field(min_length=1)
