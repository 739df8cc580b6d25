"""Requests a flow cannot serve: another language, and tasks on a booking the caller already
has. Neither is an answer to the flow's question, and no reprompt helps: the caller is handed
to a person at once instead of looping on a question they will never answer.

- **Another language.** "Español, por favor", "¿Habla español?", "do you speak Vietnamese?",
  "can we do this in Mandarin": a language named as a request (the name alone or with
  "please", after a verb of speaking, or "in <language>") → the `handoff` command. A turn
  *in* another language that asks for nothing ("necesito una cita para mañana") is a
  no-match, never a value: `foreign` recognises it by the function words of the languages
  most often heard on US phone lines (Spanish, French, Portuguese, Italian, German), by
  inverted question and exclamation marks, and by letters of a non-Latin script.
- **Another task.** "I need to cancel my appointment for Thursday", "can I reschedule?",
  "I'm calling to move my booking to next week": a verb of changing a booking that exists
  (cancel, reschedule, move, change, postpone, confirm, check on…) and the booking itself
  ("my appointment", "the reservation", one of the flow's own choices) → the caller hears
  `messages.out_of_scope` and goes where `handoff` goes. A flow that does the task itself
  says so: a verb in its `description` or among its choices' synonyms is in scope. The
  test applies while nothing is collected yet (the caller is saying why they call) or when
  the caller says the booking exists ("my existing appointment", "I already have one",
  "the appointment I made"); later, "move it to next week" is a correction of the date and
  "cancel" the `cancel` command.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

# Languages callers ask for, by their English names and their own (lower case, accents kept
# and removed). Sources: the languages most spoken at home in the US after English (US Census
# Bureau, American Community Survey 2019, table B16001).
_LANGUAGES = """
spanish español espanol castellano french français francais chinese mandarin cantonese
中文 普通话 國語 广东话 粵語 vietnamese tagalog filipino arabic عربي
العربية korean 한국어 russian русский русском german deutsch haitian creole kreyòl kreyol
hindi हिंदी portuguese português portugues polish polski urdu persian farsi فارسی japanese
日本語 italian italiano gujarati punjabi bengali somali amharic hmong navajo greek ukrainian
українська armenian hebrew
""".split()  # noqa: SIM905 - a word list reads better than a 60-item literal
_LANGUAGE = re.compile(
    r"(?<!\w)(?:"
    + "|".join(re.escape(w) for w in sorted(set(_LANGUAGES), key=len, reverse=True))
    + r"|haitian\s+creole|tiếng\s+việt|tieng\s+viet)(?!\w)",
    re.I,
)
# "do you speak…", "¿habla…?", "parlez-vous…", "fala…", "someone who speaks…", "in Spanish".
_SPEAK = re.compile(
    r"(?<!\w)(?:speak|speaks|speaking|talk|talks|habla|hablan|hablas|hablo|parlez|parle|"
    r"parles|fala|falam|falo|sprechen|spreche|parla|parli|in|en|em|auf)\s+(?:\w+\s+)?$",
    re.I,
)
_POLITE = frozenset(
    """please por favor porfa s'il vous plaît plait plaît favore bitte ok okay um uh hi hello
    hola sí si yes oh en in the a an idioma language""".split()  # noqa: SIM905
)
# Function words of other languages that English transcripts do not contain (name particles
# such as "de", "la", "da", "van" are left out: "Maria de la Cruz" is a name).
_FOREIGN_WORDS = frozenset(
    """
    que qué por para con una unos unas usted ustedes necesito quiero quisiera hablo habla
    hablar cita gracias hola buenos buenas favor tengo tiene puede puedo cómo dónde cuándo
    señor señora llamo nombre estoy está estás también pero muy hoy mañana ayuda ayudar
    entiendo sí aquí hacer nosotros ellos mañana tarde noche semana
    je suis vous voulez voudrais bonjour merci oui parlez parle avec pour est une j'ai
    m'appelle appelle besoin aujourd'hui demain rendez-vous s'il plaît nous c'est
    você voce obrigado obrigada preciso quero falar não nao olá marcar consulta meu minha
    amanhã hoje tudo bom
    sono vorrei grazie buongiorno prenotare appuntamento domani
    ich bin ein eine einen möchte bitte danke guten termin morgen heute nicht sprechen
    """.split()  # noqa: SIM905
)
_ENGLISH_WORDS = frozenset(
    """the a an is are was my i i'm i'd to and you it for of on at this that with can need
    want would like please name have has do my your me we our be will just what when""".split()  # noqa: SIM905
)
_WORD = re.compile(r"[^\W\d_][\w'-]*")
_ASCII_WORD = re.compile(r"[a-z][a-z'-]*")
_INVERTED = re.compile(r"[¿¡]")


def _letters_not_latin(text: str) -> bool:
    """Most letters of `text` are of a non-Latin script (Cyrillic, CJK, Arabic, Hangul…)."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return False
    other = sum(1 for c in letters if "LATIN" not in unicodedata.name(c, "LATIN"))
    return other * 2 > len(letters)


_LANGUAGE_WORDS = frozenset(w for w in _LANGUAGES if w.isascii())


def language_request(text: str) -> bool:
    """Whether the caller asks for another language ("Español, por favor", "¿Habla
    español?", "do you have someone who speaks Korean?", "Spanish please")."""
    if text.isascii() and _LANGUAGE_WORDS.isdisjoint(_ASCII_WORD.findall(text.lower())):
        return False  # the common case, cheaply
    lang = _LANGUAGE.search(text)
    if lang is None:
        return False
    before = text[: lang.start()].lower()
    if _SPEAK.search(before):
        return True
    words = [w for w in _WORD.findall(text.lower()) if w not in _POLITE]
    named = _WORD.findall(lang.group(0).lower())
    return len(words) <= len(named) + 1  # the language is the gist: "Spanish, please"


def foreign(text: str) -> bool:
    """Whether `text` is said in another language (see the module docstring)."""
    ascii_only = text.isascii()
    if not ascii_only and (_INVERTED.search(text) or _letters_not_latin(text)):
        return True
    words = (_ASCII_WORD if ascii_only else _WORD).findall(text.lower())
    if len(words) < 2:
        return False
    if _FOREIGN_WORDS.isdisjoint(words):
        return False
    other = sum(1 for w in words if w in _FOREIGN_WORDS)
    english = sum(1 for w in words if w in _ENGLISH_WORDS)
    return other >= 2 and other > english and other * 3 >= len(words)


# --- tasks on an existing booking ------------------------------------------------------------
_VERBS = {
    "cancel": r"cancel+(?:ing|ed)?",
    "reschedule": r"re-?schedul(?:e|ing|ed)",
    "move": r"mov(?:e|ing)",
    "change": r"chang(?:e|ing)",
    "postpone": r"postpon(?:e|ing)",
    "push": r"push(?:ing)?(?:\s+back)?",
    "bump": r"bump(?:ing)?",
    "confirm": r"confirm(?:ing)?",
    "check": r"check(?:ing)?\s+(?:on|in\s+on|the\s+status\s+of)",
    "modify": r"modify(?:ing)?",
    "update": r"updat(?:e|ing)",
}
# Verbs that mean an existing booking without naming it: "can I reschedule?" (and a request to
# cancel, "I need to cancel", while nothing is booked on this call).
_ALONE = ("reschedule", "postpone")
_BOOKINGS = (
    "appointment",
    "appointments",
    "appt",
    "booking",
    "reservation",
    "reservations",
    "visit",
    "order",
    "table",
)
_DETERMINER = r"(?:my|our|the|this|that|his|her|their|an?|existing|current|upcoming|next|old)"
_EXISTING = re.compile(
    r"\b(?:existing|already\s+(?:have|had|booked|made|scheduled)|(?:i|we)\s+(?:already\s+)?"
    r"(?:have|had|made|booked|scheduled)\s+(?:an?|my|the)\s+\w+|my\s+current|my\s+upcoming|"
    r"(?:i|we)\s+(?:made|booked|scheduled)\b|that\s+i\s+(?:have|made|booked))",
    re.I,
)
_STEM = re.compile(r"(?:ing|ed|es|s|e)$")


@dataclass(frozen=True, slots=True)
class TaskMatcher:
    """The tasks one flow does not do, ready to match."""

    pattern: re.Pattern[str] | None
    alone: re.Pattern[str] | None

    @classmethod
    def for_flow(cls, description: str | None, vocabulary: Iterable[str]) -> TaskMatcher:
        """`description`: the flow's; `vocabulary`: its choices' keys and synonyms (a verb
        found there is a task the flow does, and its nouns are bookings too)."""
        # A verb the flow names is a task it does: in its description, or opening one of its
        # choices ("reschedule", "cancel a visit" — not "oil change", where it is a noun).
        firsts = [v.split()[0] for v in vocabulary if v.split()]
        said = " ".join([description or "", *firsts]).lower()
        own = {_STEM.sub("", w) for w in re.findall(r"[a-z]+", said)}
        verbs = [v for k, v in _VERBS.items() if _STEM.sub("", k) not in own]
        if not verbs:
            return cls(None, None)
        nouns = set(_BOOKINGS) | {
            w for w in re.findall(r"[a-z][a-z-]+", " ".join(vocabulary).lower()) if len(w) > 3
        }
        noun = "|".join(re.escape(n) for n in sorted(nouns, key=len, reverse=True))
        pattern = re.compile(
            rf"\b(?:{'|'.join(verbs)})\s+(?:{_DETERMINER}\s+){{1,2}}(?:[\w'-]+\s+){{0,2}}?"
            rf"(?:{noun})\b",
            re.I,
        )
        alone_verbs = [_VERBS[k] for k in _ALONE if _VERBS[k] in verbs]
        if _VERBS["cancel"] in verbs:  # "I need to cancel" before anything is booked here
            alone_verbs.append(
                r"(?:need|want|wanna|like|calling|trying|have|got|gotta)\s+to\s+cancel"
            )
        alone = re.compile(rf"\b(?:{'|'.join(alone_verbs)})\b", re.I) if alone_verbs else None
        return cls(pattern, alone)

    def match(self, text: str, collecting_started: bool) -> bool:
        """Whether `text` asks for a task on an existing booking that the flow does not do.
        `collecting_started`: some slot is filled already (then only an explicit "existing"
        booking counts)."""
        if self.pattern is None:
            return False
        if collecting_started and not _EXISTING.search(text):
            return False
        return bool(self.pattern.search(text) or (self.alone and self.alone.search(text)))
