"""Prompt templates and speech-friendly rendering of slot values.

Templates use `{{ name }}` placeholders. They are parsed once, at load time, so a misspelled
placeholder is a load error and rendering is a cheap join. Substitution is single-pass: a value
that itself contains `{{ ... }}` (a caller said it) is inserted as text and never interpreted.
A value put into a reply is plain text for speech (`speakable`): markup a caller typed or an
action returned (`<break time="10s"/>`, `&lt;speak&gt;`) is dropped, never handed to a TTS
engine that would obey it. The template's own text is the author's and is kept as written.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, time, timedelta

from flowagent.slots.invisible import strip_invisible

_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?)\s*\}\}")


@dataclass(frozen=True, slots=True)
class Template:
    """A parsed template: literal text alternating with placeholder names."""

    source: str
    parts: tuple[str, ...]  # even indexes: literal text; odd indexes: placeholder names

    @property
    def names(self) -> tuple[str, ...]:
        return self.parts[1::2]

    def render(self, lookup: Callable[[str], str]) -> str:
        if len(self.parts) == 1:
            return self.parts[0]
        out = list(self.parts)
        for i in range(1, len(out), 2):
            out[i] = lookup(out[i])
        return "".join(out)


def compile_template(source: str) -> Template:
    """Parse `source` once. Unknown names are the compiler's concern, not this function's."""
    parts: list[str] = []
    last = 0
    for m in _PLACEHOLDER.finditer(source):
        parts.append(source[last : m.start()])
        parts.append(m.group(1))
        last = m.end()
    parts.append(source[last:])
    return Template(source, tuple(parts))


# --- speech-friendly values -------------------------------------------------------------

_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
_WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def ordinal(n: int) -> str:
    """1 → '1st', 22 → '22nd', 13 → '13th'."""
    suffix = "th" if 11 <= n % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def say_date(value: str) -> str:
    """'2026-11-27' → 'Friday, November 27th'."""
    d = date.fromisoformat(value)
    return f"{_WEEKDAYS[d.weekday()]}, {_MONTHS[d.month - 1]} {ordinal(d.day)}"


def say_time(value: str) -> str:
    """'14:30' → '2:30 PM'; '14:00' → '2 PM'; '12:00' → '12 PM' (noon)."""
    t = time.fromisoformat(value)
    hour = t.hour % 12 or 12
    suffix = "AM" if t.hour < 12 else "PM"
    return f"{hour} {suffix}" if t.minute == 0 else f"{hour}:{t.minute:02d} {suffix}"


def say_datetime(value: str) -> str:
    """'2026-11-27T14:30' → 'Friday, November 27th at 2:30 PM'."""
    day, _, clock = value.partition("T")
    return f"{say_date(day)} at {say_time(clock)}" if clock else say_date(day)


def say_date_choice(value: str, today: date) -> str:
    """A date as one of several options, named the way a caller tells them apart:
    'tomorrow, Tuesday the 24th', 'this Tuesday, the 24th', 'next Tuesday, December 1st',
    else `say_date`. `today` is the conversation's date."""
    d = date.fromisoformat(value)
    weekday = _WEEKDAYS[d.weekday()]
    days = (d - today).days
    this_week = days >= 0 and d.isocalendar()[:2] == today.isocalendar()[:2]
    if days == 0:
        return f"today, {weekday} the {ordinal(d.day)}"
    if days == 1:
        return f"tomorrow, {weekday} the {ordinal(d.day)}"
    if this_week:
        return f"this {weekday}, the {ordinal(d.day)}"
    if 0 < days < 14 and (d - timedelta(days=7)).isocalendar()[:2] == today.isocalendar()[:2]:
        return f"next {weekday}, {_MONTHS[d.month - 1]} {ordinal(d.day)}"
    return say_date(value)


def say_options(
    slot_type: str,
    values: Sequence[object],
    labels: Mapping[str, str] | None = None,
    today: date | None = None,
) -> str:
    """Candidates of a clarification question, for speech: '2 AM or 2 PM'; dates relative to
    `today` when given ('this Saturday, the 28th or this Sunday, the 29th'); datetimes on one
    day say the day once ('tomorrow, Tuesday the 24th, at 2 AM or at 2 PM')."""
    texts = [str(v) for v in values]
    spoken: list[str]
    try:
        if slot_type == "date" and today is not None:
            spoken = [say_date_choice(v, today) for v in texts]
        elif slot_type == "datetime" and today is not None and all("T" in v for v in texts):
            days = {v.partition("T")[0] for v in texts}
            if len(days) == 1:
                head = say_date_choice(days.pop(), today)
                clocks = [f"at {say_time(v.partition('T')[2])}" for v in texts]
                return f"{head}, {_join(clocks)}"
            spoken = [
                f"{say_date_choice(v.partition('T')[0], today)} at {say_time(v.partition('T')[2])}"
                for v in texts
            ]
        else:
            spoken = [say_value(slot_type, v, labels) for v in values]
    except ValueError:
        spoken = texts
    return _join(spoken)


def _join(items: list[str]) -> str:
    if len(items) <= 2:
        return " or ".join(items)
    return ", ".join(items[:-1]) + " or " + items[-1]


def say_phone(value: str) -> str:
    """'+15551234567' → '5 5 5, 1 2 3, 4 5 6 7': digit by digit in groups, as people read
    numbers aloud (a TTS would otherwise say 'five hundred fifty-five'); an extension
    ('+15551234567;ext=136') is read after it: '…, extension 1 3 6'."""
    value, _, ext = value.partition(";ext=")
    if ext:
        return f"{say_phone(value)}, extension {' '.join(ext)}"
    digits = re.sub(r"\D", "", value)
    if value.startswith("+1") and len(digits) == 11:
        digits = digits[1:]
    if len(digits) == 10:
        groups = [digits[:3], digits[3:6], digits[6:]]
    else:
        groups = [digits[i : i + 3] for i in range(0, len(digits), 3)]
    return ", ".join(" ".join(g) for g in groups)


def say_email(value: str) -> str:
    """'john.smith@gmail.com' → 'john dot smith at gmail dot com'."""
    local, _, domain = value.partition("@")
    spoken_local = local.replace(".", " dot ").replace("_", " underscore ").replace("-", " dash ")
    return f"{spoken_local} at {domain.replace('.', ' dot ')}".replace("  ", " ").strip()


def say_number(value: object) -> str:
    return str(value)


def say_bool(value: object) -> str:
    return "yes" if value else "no"


_SPOKEN_SYMBOLS = {".": "dot", "_": "underscore", "-": "dash", "+": "plus", "'": "apostrophe"}


def spell_out(word: str) -> str:
    """'dana.r' → 'D A N A dot R': letters as capitals (a TTS reads a lone capital as the
    letter's name), digits as digits, symbols by name."""
    out = [_SPOKEN_SYMBOLS.get(c, c.upper()) for c in word if not c.isspace()]
    return " ".join(out)


def say_spelled(slot_type: str, value: object) -> str:
    """A value read back spelled: an email's local part letter by letter and its domain as
    words ('D A N A dot R E Y E S at gmail dot com'); a name said, then spelled word by word
    ('Dana Reyes, D A N A, R E Y E S'); anything else as `say_value`."""
    text = speakable(str(value))
    if slot_type == "email" and "@" in text:
        local, _, domain = text.partition("@")
        return f"{spell_out(local)} at {domain.replace('.', ' dot ')}"
    if slot_type in ("name", "text"):
        return f"{text}, " + ", ".join(spell_out(w) for w in text.split())
    return say_value(slot_type, value)


_TAG = re.compile(r"<[^<>]*>")


def speakable(text: str) -> str:
    """`text` as plain words for a TTS engine: entities decoded, then anything that looks
    like markup (`<speak>`, `<break time="10s"/>`, a stray `<` or `>`) removed and the
    spacing tidied. 'Smith &amp; Co' → 'Smith & Co'. Invisible characters (bidi overrides, tag
    characters, …; `flowagent.slots.invisible`) are removed too."""
    text = strip_invisible(text)
    if "<" not in text and ">" not in text and "&" not in text:
        return text
    plain = _TAG.sub(" ", html.unescape(text)).replace("<", " ").replace(">", " ")
    return " ".join(strip_invisible(plain).split())  # "&#x202E;" decodes to one


def say_value(slot_type: str, value: object, labels: Mapping[str, str] | None = None) -> str:
    """Render a normalised slot value for speech, by slot type, as plain text (`speakable`).
    Falls back to `str(value)`.

    For a slot with several types (e.g. `[phone, email]`) pass the type that matches the
    value; `guess_type` finds it.
    """
    return speakable(_say_value(slot_type, value, labels))


def _say_value(slot_type: str, value: object, labels: Mapping[str, str] | None) -> str:
    if value is None:
        return ""
    text = str(value)
    try:
        if slot_type == "date":
            return say_date(text)
        if slot_type == "time":
            return say_time(text)
        if slot_type == "datetime":
            return say_datetime(text)
        if slot_type == "phone":
            return say_phone(text)
        if slot_type == "email":
            return say_email(text)
        if slot_type == "yesno":
            return say_bool(value)
        if slot_type == "choice":
            return (labels or {}).get(text, text.replace("_", " "))
    except ValueError:
        return text
    return text


def guess_type(types: list[str], value: object) -> str:
    """Which of a multi-type slot's types a stored value is (`[phone, email]` → 'email')."""
    if len(types) == 1:
        return types[0]
    text = str(value)
    if "email" in types and "@" in text:
        return "email"
    if "phone" in types and text.startswith("+"):
        return "phone"
    return types[0]
