"""Calendar arithmetic the date rules share: month and weekday names, dates that may not
exist ("February 30th"), the coming weekday, the n-th weekday of a month, and the US holidays
callers name. Kept apart from the parsing in `date.py`: these answer "which day is that?",
the parser answers "what did the caller say?"."""

from __future__ import annotations

from datetime import date, timedelta


def holiday(name: str, today: date) -> date | None:
    """The next occurrence (today included) of a US holiday callers name."""

    def on(year: int) -> date | None:
        if name.startswith("thanksgiving"):
            first = date(year, 11, 1)
            return first + timedelta(days=(3 - first.weekday()) % 7 + 21)  # 4th Thursday
        if name.startswith("labor"):
            first = date(year, 9, 1)
            return first + timedelta(days=(0 - first.weekday()) % 7)  # 1st Monday
        if name.startswith("memorial"):
            last = date(year, 5, 31)
            return last - timedelta(days=last.weekday())  # last Monday
        if "patrick" in name:
            return date(year, 3, 17)
        fixed = {
            "christmas eve": (12, 24),
            "christmas": (12, 25),
            "halloween": (10, 31),
            "veteran": (11, 11),
            "independence": (7, 4),
            "the fourth of july": (7, 4),
            "july 4th": (7, 4),
            "valentine": (2, 14),
            "new year's eve": (12, 31),
            "new years eve": (12, 31),
            "new year": (1, 1),
        }
        for key, (m, d) in fixed.items():
            if name.startswith(key):
                return date(year, m, d)
        return None

    found = on(today.year)
    if found is not None and found < today:
        found = on(today.year + 1)
    return found


def safe_date(y: int, m: int, d: int) -> date | None:
    """The date, or None if there is no such day."""
    try:
        return date(y, m, d)
    except ValueError:
        return None


def upcoming(today: date, wd: int, include_today: bool = False) -> date:
    delta = (wd - today.weekday()) % 7
    if delta == 0 and not include_today:
        delta = 7
    return today + timedelta(days=delta)


def monday(today: date, weeks: int = 0) -> date:
    return today - timedelta(days=today.weekday()) + timedelta(weeks=weeks)


def add_months(d: date, n: int) -> date | None:
    y, m = divmod(d.month - 1 + n, 12)
    return safe_date(d.year + y, m + 1, d.day)


def unit_delta(n: int, unit: str, base: date) -> date | None:
    if unit == "day":
        return base + timedelta(days=n)
    if unit in ("week", "fortnight"):
        return base + timedelta(weeks=n * (2 if unit == "fortnight" else 1))
    if unit == "month":
        return add_months(base, n)
    if unit == "year":
        return safe_date(base.year + n, base.month, base.day)
    return None
