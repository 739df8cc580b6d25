"""The words of dates and times, by kind: what each word *is* before any rule composes it.

Every entry maps a lower-case word to `(kind, value)`. Kinds: `wd` (weekday, Mon=0), `month`
(1-12), `part` (part of day), `rel` (a day relative to today, in days), `unit` (a counted unit),
`named` (a named time of day, minutes after midnight), `mer` (am/pm), `num` / `ord` (number and
ordinal words), `holiday` (a first word of a holiday name). Plain words are not listed; the
rules read them by spelling ("next", "of", "past").
"""

from __future__ import annotations

from flowagent.slots.spoken import ORDINALS, TENS, UNITS

WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
#: Abbreviations too weak to be a weekday outside an answer about dates ("sat", "sun", "wed").
WEAK_WEEKDAYS = frozenset(
    {"mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun"}
)
#: Month words that are also ordinary English ("may I", "march on").
WEAK_MONTHS = frozenset({"may", "march", "mar", "jan", "sun"})

PARTS = {
    "morning": "morning",
    "mornings": "morning",
    "morn": "morning",
    "am": "morning",
    "afternoon": "afternoon",
    "afternoons": "afternoon",
    "evening": "evening",
    "evenings": "evening",
    "night": "night",
    "nite": "night",
    "tonight": "night",
    "tonite": "night",
}

UNIT_WORDS = {
    "minute": "minute",
    "minutes": "minute",
    "min": "minute",
    "mins": "minute",
    "hour": "hour",
    "hours": "hour",
    "hr": "hour",
    "hrs": "hour",
    "day": "day",
    "days": "day",
    "week": "week",
    "weeks": "week",
    "wk": "week",
    "wks": "week",
    "fortnight": "fortnight",
    "fortnights": "fortnight",
    "month": "month",
    "months": "month",
    "year": "year",
    "years": "year",
}

NAMED_TIMES = {
    "noon": 12 * 60,
    "midday": 12 * 60,
    "mid-day": 12 * 60,
    "lunchtime": 12 * 60,
    "midnight": 0,
}

#: Single words that name a holiday's first word; `calendar_rules.holiday` resolves the name.
HOLIDAY_HEADS = frozenset(
    {
        "thanksgiving",
        "christmas",
        "xmas",
        "halloween",
        "valentine's",
        "valentines",
        "valentine",
        "independence",
        "memorial",
        "labor",
        "labour",
        "veterans",
        "veteran's",
        "new",
        "st",
        "saint",
    }
)

#: Counts said as words before a unit: "a week", "a couple of days", "a few hours".
COUNT_WORDS = {"a": 1, "an": 1, "one": 1, "couple": 2, "few": 3, "several": 3}


def _build() -> dict[str, tuple[str, object]]:
    lex: dict[str, tuple[str, object]] = {}
    for i, name in enumerate(WEEKDAY_NAMES):
        for form in {name, name[:3], name + "s"}:
            lex[form] = ("wd", i)
    for form, i in {"tues": 1, "thur": 3, "thurs": 3, "weds": 2}.items():
        lex[form] = ("wd", i)
    months = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ]
    for i, name in enumerate(months, start=1):
        lex[name] = ("month", i)
        lex[name[:3]] = ("month", i)
    lex["sept"] = ("month", 9)
    for word, part in PARTS.items():
        if word != "am":
            lex[word] = ("part", part)
    for word, days in {
        "today": 0,
        "tonight": 0,
        "tonite": 0,
        "tomorrow": 1,
        "tomorrows": 1,
        "tmrw": 1,
        "tmr": 1,
        "tomorow": 1,
        "tommorow": 1,
        "tommorrow": 1,
        "yesterday": -1,
    }.items():
        lex[word] = ("rel", days)
    for word, unit in UNIT_WORDS.items():
        lex[word] = ("unit", unit)
    for word, minutes in NAMED_TIMES.items():
        lex[word] = ("named", minutes)
    for word, n in UNITS.items():
        if word not in ("o", "oh"):
            lex[word] = ("num", n)
    for word, n in TENS.items():
        lex[word] = ("num", n)
    for word, n in ORDINALS.items():
        if word != "second":  # "a second" is a unit of time as often as an ordinal
            lex[word] = ("ord", n)
    lex["second"] = ("ord", 2)
    for word in HOLIDAY_HEADS:
        lex.setdefault(word, ("holiday", word))
    return lex


LEXICON = _build()
ORDINAL_WORDS = ORDINALS
TENS_WORDS = TENS
