"""Email addresses, typed ("john.smith@gmail.com") or spoken as STT writes them:
"john dot smith at gmail dot com", "j smith at outlook dot com", "jane underscore doe at
yahoo dot co dot uk", "mary dash ann at mail dot com", with STT joining or splitting words
("gmail.com", "g mail dot com", "gmail. com", "gmail com", "mariaatgmail.com", "at sign",
"at the rate"). Normalised to lower case. Spelled local parts ("j o h n at gmail dot com",
"S-A-M dot L-E-E at …") work too."""

from __future__ import annotations

import bisect
import re

from flowagent.slots.base import ExtractContext, Extraction, Extractor
from flowagent.slots.registry import register
from flowagent.slots.spelling import SpelledRun, spell_runs
from flowagent.slots.spoken import number_from_words

# The look-behind starts a match only where a run of address characters starts: without it
# every position inside a long run ("a-a-a-…") rescans the run, which is quadratic.
_TYPED = re.compile(
    r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,24}"
)
# "at", "at sign", Indian English "at the rate (of)", or a typed "@" inside a spoken address.
# A match starts only where a run of spaces starts (the look-behind): inside a long run — what
# masking an earlier value leaves — every start would rescan the rest of the run.
_AT = re.compile(r"(?<!\s)(?:\s+at(?:\s+the\s+rate(?:\s+of)?)?(?:\s+sign)?\s+|\s*@\s*)", re.I)
# STT dropped the "dot": "kevin at gmail com".
_DROPPED_DOT = re.compile(r"^(\s*[A-Za-z0-9-]+)\s+(?=(?:com|net|org|edu)\b)", re.I)
# Spoken symbols inside an address, as whole words.
_SYMBOLS = [
    (re.compile(r"\s*\b(?:dot|period|point)\b\s*", re.I), "."),
    (re.compile(r"\s*\bunderscore\b\s*", re.I), "_"),
    (re.compile(r"\s*\b(?:dash|hyphen|minus)\b\s*", re.I), "-"),
    (re.compile(r"\s*\bplus\b\s*", re.I), "+"),
]
# Words that end the local part when read backwards from "at" ("my email is john at ...").
_STOP = {
    "is",
    "it's",
    "its",
    "email",
    "e-mail",
    "address",
    "my",
    "me",
    "reach",
    "use",
    "to",
    "and",
    "the",
    "send",
    "at",
    "it",
    "that's",
    "thats",
    "try",
    "sure",
    "yes",
    "yeah",
    "ok",
    "okay",
    "or",
    "please",
    "on",
    "by",
    "contact",
    "mail",
    "i'm",
    "um",
    "uh",
    "so",
    "well",
    "no",
    "actually",
    "sorry",
    "oh",
    "of",
    "you",
    "can",
    "could",
    "be",
    "email's",
    "number",
}
_DOMAIN_FIXES = {
    "g mail": "gmail",
    "hot mail": "hotmail",
    "out look": "outlook",
    "i cloud": "icloud",
    "ya hoo": "yahoo",
    "a o l": "aol",
}
_TLD = re.compile(r"^[a-z]{2,24}$")
# Big mail providers, for addresses whose " at " STT wrote as part of one word.
_PROVIDERS = (
    "gmail|googlemail|yahoo|outlook|hotmail|icloud|aol|live|msn|protonmail|proton|comcast|gmx|mail"
)
# A local part is at most 64 characters (RFC 5321), which also bounds the lazy scan.
_JOINED = re.compile(
    rf"\b([a-z0-9._-]{{1,64}}?)at((?:{_PROVIDERS})\.(?:com|net|org|co\.uk|de|me|ca))\b", re.I
)
# STT puts a space after a written dot: "gmail. com". Rejoined only before a common top-level
# domain, so that a sentence's full stop ("… dot com. Thanks") stays a full stop.
_SPACED_DOT = re.compile(r"\.\s+(?=(?:com|net|org|edu|gov|io|co|uk|us|ca|info|biz|me)\b)", re.I)
# A local part spelled with dashes: "M-A-R-I-A at gmail dot com".
_DASHED_LETTERS = re.compile(r"^[a-z](?:-[a-z]){2,}$")
_LOCAL = re.compile(r"^[a-z0-9](?:[a-z0-9._%+-]*[a-z0-9_])?$")
_LABEL = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$")
_LOOK_BACK = 300  # characters before "at" that may hold a spoken local part
_LOCAL_MAX = 64  # characters in a local part (RFC 5321, section 4.5.3.1.1): no longer word is one
_WORD = re.compile(r"[^\s,;:!?]+")


class _Words:
    """The words of an utterance (runs of anything but spaces and , ; : ! ?), found once, so
    that the words before each "at" are looked up, not re-read."""

    def __init__(self, text: str) -> None:
        self._spans = [m.span() for m in _WORD.finditer(text)]
        self._ends = [end for _, end in self._spans]

    def before(self, at: int, window_start: int, most: int = 9) -> list[tuple[int, int]]:
        """The last `most` words ending by `at` (a word running past `at` is cut there) that
        start at or after `window_start`."""
        k = bisect.bisect_left(self._ends, at)
        found = self._spans[max(0, k - most) : k]
        if k < len(self._spans) and self._spans[k][0] < at:
            found = [*found, (self._spans[k][0], at)]  # "john@ gmail": the word before "@"
        return [w for w in found if w[0] >= max(window_start, 0)][-most:]


_NUMBER_RUN = re.compile(
    r"\b(?:(?:zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|"
    r"fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|"
    r"seventy|eighty|ninety|hundred)\b\s*)+",
    re.I,
)


def _number_words(text: str) -> str:
    """ "lopez eighty eight" → "lopez 88": numbers spoken inside an address."""

    def digits(m: re.Match[str]) -> str:
        value = number_from_words(m.group(0).lower().split())
        return m.group(0) if value is None else f"{value} "

    return _NUMBER_RUN.sub(digits, text).strip()


_ANY_SYMBOL = re.compile(r"dot|period|point|underscore|dash|hyphen|minus|plus", re.I)


def _spoken_symbols(text: str) -> str:
    if not _ANY_SYMBOL.search(text):
        return text  # one scan instead of four substitutions
    for pattern, symbol in _SYMBOLS:
        text = pattern.sub(symbol, text)
    return text


@register("email")
class EmailExtractor(Extractor):
    """Finds email addresses; see the module docstring."""

    priority = 90

    def _extract_all(self, text: str, ctx: ExtractContext) -> list[Extraction]:
        out = [
            Extraction(m.group(0).lower().rstrip("."), m.start(), m.end())
            for m in _TYPED.finditer(text)
        ]
        if out:
            return out
        # Spelled stretches, read once (linear): a spelled local part ("d a n a dot r e y e s
        # at …") is read by the spelling grammar.
        runs = spell_runs(text) if _AT.search(text) else []
        ends = [r.end for r in runs]
        words = _Words(text)
        for at in _AT.finditer(text):
            i = bisect.bisect_right(ends, at.start()) - 1
            spelled = runs[i] if i >= 0 and not text[ends[i] : at.start()].strip(" ,;") else None
            found = self._spoken(text, at, ctx, spelled, words)
            if found is not None:
                out.append(found)
        if not out:
            for m in _JOINED.finditer(text):  # "mariaatgmail.com": STT swallowed the spaces
                value = f"{m.group(1)}@{m.group(2)}".lower()
                out.append(Extraction(value, m.start(), m.end(), rule="joined-at"))
        return out

    def _spoken(
        self,
        text: str,
        at: re.Match[str],
        ctx: ExtractContext,
        spelled: SpelledRun | None,
        words: _Words,
    ) -> Extraction | None:
        # Local part: words before "at", back to a stop word or punctuation. It is at most
        # 8 words, read from the utterance's word index: reading everything before every
        # "at" of a long utterance is quadratic.
        local_words: list[tuple[int, int]] = []
        for w_start, w_end in reversed(words.before(at.start(), at.start() - _LOOK_BACK)):
            word = text[w_start:w_end]
            if (
                len(word) > _LOCAL_MAX
                or word.lower().strip(".") in _STOP
                or (local_words and text[w_end : local_words[-1][0]].strip())
            ):
                break
            local_words.append((w_start, w_end))
            if len(local_words) >= 8:
                break
        if not local_words:
            return None
        local_words.reverse()
        start = local_words[0][0]
        spoken = _number_words(" ".join(text[s:e] for s, e in local_words))
        local = _spoken_symbols(spoken).replace(" ", "").lower()
        local = ".".join(  # "S-A-M dot L-E-E": each dotted part spelled on its own
            part.replace("-", "") if _DASHED_LETTERS.match(part) else part
            for part in local.split(".")
        )
        rule = None
        if spelled is not None and spelled.start <= start + 1:
            local, start, rule = spelled.text.lower(), spelled.start, "spelled"
        # Domain: words after "at", through the last ".tld".
        after = text[at.end() : at.end() + 120]  # an address is short; bound the work
        domain_text = _DROPPED_DOT.sub(r"\1.", _SPACED_DOT.sub(".", _spoken_symbols(after)))
        m = re.match(
            r"([A-Za-z0-9 .-]+?\.[A-Za-z]{2,24})(?![A-Za-z])((?:\.[A-Za-z]{2,24}(?![A-Za-z]))*)",
            domain_text,
        )
        if not m:
            if ctx.expected:
                return Extraction(None, start, len(text), problem="email_invalid")
            return None
        domain = (m.group(1) + m.group(2)).lower()
        for wrong, right in _DOMAIN_FIXES.items():
            domain = domain.replace(wrong, right)
        domain = domain.replace(" ", "")
        end = at.end() + self._span_in_original(after, m.end())
        while end < len(text) and text[end].isalnum():
            end += 1  # a rejoined "gmail. com" maps a little short: finish the last word
        labels = domain.split(".")
        if not (
            _LOCAL.match(local) and all(_LABEL.match(x) for x in labels) and _TLD.match(labels[-1])
        ):
            return Extraction(None, start, end, problem="email_invalid") if ctx.expected else None
        return Extraction(f"{local}@{domain}", start, end, rule)

    @staticmethod
    def _span_in_original(after: str, converted_end: int) -> int:
        """Map an offset in the symbol-converted text back to the original (spoken) text."""
        converted = 0
        for i in range(len(after) + 1):
            if len(_spoken_symbols(after[:i])) >= converted_end:
                return i
            converted = i
        return converted
