"""Slot understanding for voice: typed values out of what callers say.

    >>> from datetime import datetime
    >>> from flowagent import slots
    >>> slots.extract("time", "two thirty in the afternoon please", now=datetime(2026, 11, 23, 10))
    '14:30'

Each slot type is an `Extractor` registered by name; `register` adds or overrides one.
"""

from __future__ import annotations

import datetime as _dt  # the submodules `time` and `datetime` shadow plain names here
from collections.abc import Iterable, Mapping
from typing import Any
from zoneinfo import ZoneInfo

from flowagent.slots.base import (
    ExtractContext,
    Extraction,
    Extractor,
    OpeningHours,
    SlotValue,
)
from flowagent.slots.registry import get_extractor, known_types, register

__all__ = [
    "ExtractContext",
    "Extraction",
    "Extractor",
    "OpeningHours",
    "SlotValue",
    "extract",
    "extract_span",
    "get_extractor",
    "known_types",
    "make_context",
    "opening_hours",
    "register",
]

_DAY_NAMES = {"mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6, "sun": 7}


def opening_hours(days: Iterable[str | int], open: str, close: str) -> OpeningHours:
    """Build `OpeningHours` from YAML-style values: `["mon", "tue"]`, `"09:00"`, `"17:00"`."""
    numbers = frozenset(
        d if isinstance(d, int) else _DAY_NAMES[str(d).strip().lower()[:3]] for d in days
    )
    return OpeningHours(numbers, _dt.time.fromisoformat(open), _dt.time.fromisoformat(close))


def make_context(
    now: _dt.datetime | None = None,
    *,
    tz: str | None = None,
    region: str = "US",
    hours: OpeningHours | Mapping[str, Any] | None = None,
    expected: bool = True,
    **options: Any,
) -> ExtractContext:
    """An `ExtractContext` from friendly keywords (see `extract`)."""
    zone = ZoneInfo(tz) if tz else None
    if now is None:
        now = _dt.datetime.now(zone)
    elif now.tzinfo is None and zone is not None:
        now = now.replace(tzinfo=zone)
    if isinstance(hours, Mapping):
        hours = opening_hours(hours["days"], str(hours["open"]), str(hours["close"]))
    return ExtractContext(now=now, region=region, hours=hours, expected=expected, options=options)


def extract_span(
    type_name: str, text: str, now: _dt.datetime | None = None, **options: Any
) -> Extraction | None:
    """Like `extract`, but the whole `Extraction` (value, span, rule, candidates, problem)."""
    return get_extractor(type_name).extract(text, make_context(now, **options))


def extract(
    type_name: str, text: str, now: _dt.datetime | None = None, **options: Any
) -> SlotValue | None:
    """The normalised value of type `type_name` in `text`, or None.

    Keywords: `tz` (IANA name, for a naive `now`), `region` (default "US", for phones),
    `hours` (an `OpeningHours` or `{"days": [...], "open": "09:00", "close": "17:00"}`),
    `expected` (default True: the text answers a question about this slot, so bare answers
    count), and any slot option such as `choices`.
    """
    found = extract_span(type_name, text, now, **options)
    return found.value if found is not None and found.ok else None
