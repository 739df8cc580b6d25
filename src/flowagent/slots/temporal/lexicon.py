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


# Context words the guards (`guards.py`) read around a number.


def words(text: str) -> frozenset[str]:
    """The whitespace-separated words of `text`, for the word lists below and elsewhere."""
    return frozenset(text.split())


#: Closed-class words (and a few common verbs and adjectives) that can follow a date or a time
#: in an answer: "the 2nd works", "5 is fine", "the 3rd if possible", "4 then". A plain word
#: outside these after a bare number or a lone ordinal is read as the noun it modifies.
_FOLLOWERS = words(
    """
    a about actually after again ah alright also am an and any anytime are around as at
    available be because before best better between but by can cool correct could definitely
    did do does done during each earliest early either else er even exactly fine first for
    free from gonna good great guess had has have hm hmm how however i i'd i'll i'm i've if
    ideally im in instead is isn't it it's its just late later latest let let's like likely
    maybe me might mine more most much my need needs next no nope not now o of oh ok okay on
    once only open or otherwise our perfect perhaps please pls possible possibly precisely
    preferably prefer probably rather really right say see she should since so some
    something sometime sometimes sooner soonest sorry sounds still suits sure than thank
    thanks that that's the then there there's these they this those though through thru til
    till to too uh um unless until up us very want wants was we we'd we'll well were what
    what's when whenever where which while whichever will with works work would yeah yep yes
    yet you you'd your look looks work suit suits fit fits sound seem seems go goes come
    comes get gets give gives have has make makes do does be been being is are was were
    sounds suit
    """
)
FOLLOWS_A_TIME = _FOLLOWERS | frozenset({"sharp", "ish", "hours", "hrs", "hundred", "thirty"})
FOLLOWS_A_DATE = _FOLLOWERS | frozenset({"thought"})  # "on second thought" has its own check

#: Nouns that name something by number: "room 204", "the extension is 305", "gate 5".
IDENTIFIER_NOUNS = words(
    """
    room rm unit suite ste apartment apt extension ext ext. number no. building bldg lot
    space bay gate seat row box route exit channel station page line pin code zip account
    order ticket invoice policy claim id model version item plan level size aisle door
    locker booth desk window counter terminal platform pier dock option press chapter
    episode season grade class category zone ward bed bus train flight car phase step
    question lane highway hwy interstate type year
    """
)

#: People (and pets) whose age a number after "is" or "'s" gives: "my daughter is 8".
PERSON_WORDS = words(
    """
    he she i daughter son kid kids child children boy girl baby husband wife mom mother dad
    father grandma grandpa grandmother grandfather grandson granddaughter brother sister
    patient dog cat puppy kitten partner niece nephew cousin friend toddler teenager infant
    twins they he's she's
    """
)

#: Street words: a number before one (within four words) starts an address.
PLACE_WORDS = words(
    """
    street st avenue ave road rd boulevard blvd drive dr lane ln court ct way place pl plaza
    center centre suite highway hwy parkway pkwy square terrace circle floor main broadway
    """
)

#: Plurals without an -s, and -s words that are not counted nouns after a number.
PLURAL_NOUNS = words("people children men women teeth feet mice geese kids persons")
PLURAL_NOT_A_COUNT = words(
    """
    thanks works sounds suits fits seems looks does goes gets makes helps needs wants was
    has is this its yours ours hers theirs always perhaps afterwards towards besides guys
    folks tomorrows mornings afternoons evenings nights sharp hours hrs minutes mins days
    weeks pls plus thus unless whereas ladies
    """
)

#: What a booking line books: a time said as a modifier of one of these is the time wanted
#: ("the 5 o'clock slot"); of any other noun it names something else ("a 5 o'clock shadow",
#: "the 6 o'clock news").
BOOKING_NOUNS = words(
    """
    appointment appointments appt slot slots spot spots opening openings time times one ones
    session visit booking reservation reservations cleaning checkup check consult
    consultation meeting class pickup call availability window start show showing screening
    movie flight bus train game event ride departure table tour lesson service exam
    """
)
