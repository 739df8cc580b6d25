"""Phone numbers, typed or spoken: digits in any grouping ("555-123-4567", "(555) 123 4567"),
spoken digits ("five five five, one two three…", "oh" for zero, "double five", "one eight
hundred…", "uh" and "then" between groups), STT forms ("5.5.5.1.2"), international
("+44 20 7946 0958", "0044…", "plus four four…"). Normalised to E.164
with the flow's default region. A number with the wrong digit count is reported as a
`problem` ("phone_too_short" / "phone_too_long") when a phone was asked for, never accepted
silently — the engine turns it into a specific reprompt.
"""

from __future__ import annotations

import bisect
import re

import phonenumbers

from flowagent.slots.base import ExtractContext, Extraction, Extractor
from flowagent.slots.registry import register
from flowagent.slots.spoken import DigitRun, digit_runs

_MIN_EXPECTED = 5  # shorter digit runs in an answer are more likely a time or a count
# The most digits a phone number can be written with: 15 (ITU-T E.164, section 6) after an
# international "00". Longer runs and suffixes are never parsed: a run of a thousand digits
# tried suffix by suffix was quadratic.
_MAX_DIGITS = 17
# STT writes a spoken area code as a clock time: "four fifteen, five five five…" → "4:15 555…".
# A clock followed by more digits is read as digits when that gives a phone number.
_CLOCK = re.compile(
    r"\b(\d{1,2}):(\d{2})\b(?=[\s,.-]+(?:\d|zero|one|two|three|four|five|six|"
    r"seven|eight|nine|oh\b))",
    re.I,
)
_AREA_CODE = re.compile(r"\barea\s+code(?:\s+is|'s)?\s*,?\s*", re.I)
_EXTENSION = re.compile(
    r"\s*[,;]?\s*(?:and\s+)?(?:my\s+|the\s+|it.s\s+)?(?:extension|ext\.?|x)\s*(?:number\s+|is\s+)?",
    re.I,
)


def _national_length(region: str) -> int | None:
    example = phonenumbers.example_number_for_type(region, phonenumbers.PhoneNumberType.MOBILE)
    return len(str(example.national_number)) if example is not None else None


@register("phone")
class PhoneExtractor(Extractor):
    """Finds phone numbers; see the module docstring."""

    priority = 80

    def _extract_all(self, text: str, ctx: ExtractContext) -> list[Extraction]:
        region = str(ctx.options.get("region", ctx.region)).upper()
        found = self._scan(text, region, ctx.expected)
        if not any(f.ok for f in found) and ":" in text:
            joined = _CLOCK.sub(lambda m: f"{m.group(1)} {m.group(2)}", text)  # same length
            if joined != text:
                again = self._scan(joined, region, ctx.expected)
                if any(f.ok for f in again):
                    return [f if f.value is None else _rule(f, "clock-digits") for f in again]
        return found

    def _scan(self, text: str, region: str, expected: bool) -> list[Extraction]:
        runs = [_without_house_number(text, r) for r in digit_runs(text)]
        runs = [r for r in runs if r.digits]
        area = self._area_code(text, runs, region, expected)
        if area is not None:
            return [area]
        out: list[Extraction] = []
        starts = [r.start for r in runs]
        skip_until = -1
        for run in runs:
            if run.start < skip_until:
                continue
            found = self._run(text, run, region, expected)
            if found is not None and found.ok:
                found, skip_until = self._with_extension(text, found, runs, starts)
            if found is not None:
                out.append(found)
        return out

    def _area_code(
        self, text: str, runs: list[DigitRun], region: str, expected: bool
    ) -> Extraction | None:
        """ "555 0199, area code 630" / "area code 630, 555 0199": the area code said apart
        from the rest of the number, before or after it."""
        if region not in ("US", "CA"):
            return None
        cue = _AREA_CODE.search(text)
        if cue is None:
            return None
        code = next((r for r in runs if r.start >= cue.end() and len(r.digits) == 3), None)
        if code is None or text[cue.end() : code.start].strip():
            return None
        rest = [r for r in runs if r is not code]
        if not rest:
            if expected:  # the area code alone: the rest is still to come
                return Extraction(None, cue.start(), code.end, problem="phone_too_short")
            return None
        local = rest[0] if len(rest) == 1 else None
        if local is None:
            return None
        start, end = min(cue.start(), local.start), max(code.end, local.end)
        digits = (
            local.digits[1:] if len(local.digits) == 11 and local.digits[0] == "1" else local.digits
        )
        if len(digits) == 7:
            value = self._valid(code.digits + digits, region)
            if value is not None:
                return Extraction(value, start, end, rule="area-code")
        if len(digits) == 10:
            whole = self._valid(digits, region)
            if digits.startswith(code.digits):
                return Extraction(whole, start, end, rule="area-code") if whole else None
            # Ten digits and another area code: two readings — ask, never guess.
            other = self._valid(code.digits + digits[3:], region)
            options = tuple(v for v in (other, whole) if v is not None)
            if len(options) == 2:
                return Extraction(None, start, end, rule="area-code", candidates=options)
        if expected and len(digits) < 7:
            return Extraction(None, start, end, problem="phone_too_short")
        return None

    def _valid(self, digits: str, region: str) -> str | None:
        found = self._read(DigitRun(digits, 0, 0), region, False)
        return str(found.value) if found is not None and found.value is not None else None

    @staticmethod
    def _with_extension(
        text: str, found: Extraction, runs: list[DigitRun], starts: list[int]
    ) -> tuple[Extraction, int]:
        """ "… extension 136", "… ext. 42", "… x 7": kept in the value as `;ext=136`
        (RFC 3966)."""
        cue = _EXTENSION.match(text, found.end)
        if cue is None:
            return found, -1
        at = bisect.bisect_left(starts, cue.end())
        ext = runs[at] if at < len(runs) else None
        if ext is None or text[cue.end() : ext.start].strip() or len(ext.digits) > 7:
            return found, -1
        value = f"{found.value};ext={ext.digits}"
        return Extraction(value, found.start, ext.end, found.rule), ext.end

    def _run(self, text: str, run: DigitRun, region: str, expected: bool) -> Extraction | None:
        found = self._read(run, region, expected)
        if (found is None or found.value is None) and not (found is not None and expected):
            # "at 2, 555 123 4567": a leading number belongs to something else. In an
            # answer to the phone question a wrong count is reported, not trimmed away.
            for tail in run.suffixes(_MAX_DIGITS):
                shorter = self._read(tail, region, False)
                if shorter is not None:
                    return shorter
        return found

    @staticmethod
    def _all_digits_used(digits: str, number: phonenumbers.PhoneNumber) -> bool:
        """phonenumbers quietly drops stray digits; a caller's extra digit is an error."""
        national = str(number.national_number)
        if number.italian_leading_zero:
            national = "0" * (number.number_of_leading_zeros or 1) + national
        if not digits.endswith(national):
            return False
        prefix = digits[: len(digits) - len(national)]
        return prefix in ("", str(number.country_code), "0", "1")  # trunk prefix or country code

    def _read(self, run: DigitRun, region: str, expected: bool) -> Extraction | None:
        digits = run.digits
        international = run.plus or (digits.startswith("00") and len(digits) > 10)
        candidate = "+" + digits.lstrip("0") if international else digits
        if region in ("US", "CA") and not international and len(digits) == 11 and digits[0] == "1":
            candidate = digits[1:]  # "1 (123) 456-7890": the trunk 1, not part of the number
        try:
            number = (
                phonenumbers.parse(candidate, None if international else region)
                if len(digits) <= _MAX_DIGITS
                else None
            )
        except phonenumbers.NumberParseException:
            number = None
        if number is not None:
            possible = phonenumbers.is_possible_number_with_reason(number)
            if possible in (
                phonenumbers.ValidationResult.IS_POSSIBLE,
                phonenumbers.ValidationResult.IS_POSSIBLE_LOCAL_ONLY,
            ) and (
                self._all_digits_used(digits[2:] if digits.startswith("00") else digits, number)
                and (
                    international
                    or len(str(number.national_number)) >= (_national_length(region) or 0)
                )
            ):
                e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
                return Extraction(e164, run.start, run.end)
        if not expected:
            return None  # outside an answer about phones, odd digit runs are someone else's
        if len(digits) < _MIN_EXPECTED:
            return None
        expected_len = _national_length(region) or 10
        national = (
            digits[1:]
            if region in ("US", "CA") and digits.startswith("1") and len(digits) == expected_len + 1
            else digits
        )
        if international:
            return Extraction(None, run.start, run.end, problem="phone_invalid")
        if len(national) < expected_len:
            return Extraction(None, run.start, run.end, problem="phone_too_short")
        if len(national) > expected_len:
            return Extraction(None, run.start, run.end, problem="phone_too_long")
        return Extraction(None, run.start, run.end, problem="phone_invalid")


# A street after a number: "… 2715 Ridge Road", "… 40 Elm St": the number is a house number.
_STREET = re.compile(
    r"\s+(?:[A-Za-z][\w'-]*\s+){0,2}?(?:street|st|road|rd|avenue|ave|lane|ln|drive|dr|"
    r"boulevard|blvd|way|court|ct|place|pl|circle|cir|parkway|pkwy|highway|hwy|terrace|trail|"
    r"square|loop|crescent)\b",
    re.I,
)


def _without_house_number(text: str, run: DigitRun) -> DigitRun:
    """`run` without a written number that a street name follows ("917 555, 2715 Ridge
    Road": 2715 is where the caller lives, not the rest of the phone number)."""
    if len(run.groups) < 2 or not _STREET.match(text, run.end):
        return run
    offset, start, _ = run.groups[-1]
    _, _, end = run.groups[-2]
    if not text[start : run.end].isdigit() or text[end:start].strip(" ,") != "":
        return run  # spoken digits, or written as one number ("917-555-0129")
    return DigitRun(run.digits[:offset], run.start, end, run.plus, run.groups[:-1])


def _rule(found: Extraction, rule: str) -> Extraction:
    return Extraction(found.value, found.start, found.end, rule, found.candidates, found.problem)
