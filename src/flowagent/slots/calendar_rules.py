"""Calendar arithmetic the date rules share: month and weekday names, dates that may not
exist ("February 30th"), the coming weekday, the n-th weekday of a month, and the US holidays
callers name. Kept apart from the parsing in `date.py`: these answer "which day is that?",
the parser answers "what did the caller say?"."""

from __future__ import annotations

from datetime import date, timedelta

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
MONTHS = {
    "jan": 1,
    "january": 1,
    "feb": 2,
    "february": 2,
    "mar": 3,
    "march": 3,
    "apr": 4,
    "april": 4,
    "may": 5,
    "jun": 6,
    "june": 6,
    "jul": 7,
    "july": 7,
    "aug": 8,
    "august": 8,
    "sep": 9,
    "sept": 9,
    "september": 9,
    "oct": 10,
    "october": 10,
    "nov": 11,
    "november": 11,
    "dec": 12,
    "december": 12,
}


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


def upcoming(today: date, weekday: int) -> date:
    """The next `weekday` after today (a week ahead if it is today)."""
    return today + timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)


def weekday_index(word: str) -> int:
    """Monday=0 … Sunday=6, from any spelling that starts with the day's first 3 letters."""
    return next(i for i, name in enumerate(WEEKDAYS) if name.startswith(word.lower()[:3]))


def safe_date(y: int, m: int, d: int) -> date | None:
    """The date, or None if there is no such day."""
    try:
        return date(y, m, d)
    except ValueError:
        return None


def month_day(
    today: date, month: int, day: int, year: int | None
) -> tuple[date | None, str | None]:
    """A month and day: in the year said, else this year, else (once passed) next year."""
    if year is not None:
        return safe_date(year, month, day), None
    found = safe_date(today.year, month, day)
    if found is not None and found < today:
        return safe_date(today.year + 1, month, day), "next-year"
    return found, None


def nth_weekday(wanted: int, month: int, nth: str, today: date) -> tuple[date | None, str | None]:
    """ "the first Monday in January": the n-th ("first" … "fourth", "1st" … "4th") or "last"
    `wanted` weekday (Mon=0) of `month`, this year or, once it has passed, next year."""
    index = {"first": 0, "1st": 0, "second": 1, "2nd": 1, "third": 2, "3rd": 2}.get(nth, 3)
    for year in (today.year, today.year + 1):
        days = [
            d
            for d in (safe_date(year, month, n) for n in range(1, 32))
            if d is not None and d.weekday() == wanted
        ]
        found = days[-1] if nth == "last" else days[index]
        if found >= today:
            return found, "next-year" if year > today.year else None
    return None, None
