"""Phone numbers, typed or spoken: digits in any grouping ("555-123-4567", "(555) 123 4567"),
spoken digits ("five five five, one two three…", "oh" for zero, "double five", "one eight
hundred…", "uh" and "then" between groups), STT forms ("5.5.5.1.2"), international
("+44 20 7946 0958", "0044…", "plus four four…"). Normalised to E.164
with the flow's default region. A number with the wrong digit count is reported as a
`problem` ("phone_too_short" / "phone_too_long") when a phone was asked for, never accepted
silently — the engine turns it into a specific reprompt.
"""

from __future__ import annotations

import phonenumbers

from flowagent.slots.base import ExtractContext, Extraction, Extractor
from flowagent.slots.registry import register
from flowagent.slots.spoken import DigitRun, digit_runs

_MIN_EXPECTED = 5  # shorter digit runs in an answer are more likely a time or a count


def _national_length(region: str) -> int | None:
    example = phonenumbers.example_number_for_type(region, phonenumbers.PhoneNumberType.MOBILE)
    return len(str(example.national_number)) if example is not None else None


@register("phone")
class PhoneExtractor(Extractor):
    """Finds phone numbers; see the module docstring."""

    priority = 80

    def _extract_all(self, text: str, ctx: ExtractContext) -> list[Extraction]:
        region = str(ctx.options.get("region", ctx.region)).upper()
        out: list[Extraction] = []
        for run in digit_runs(text):
            found = self._read(run, region, ctx.expected)
            if (found is None or found.value is None) and not (found is not None and ctx.expected):
                # "at 2, 555 123 4567": a leading number belongs to something else. In an
                # answer to the phone question a wrong count is reported, not trimmed away.
                for tail in run.suffixes():
                    shorter = self._read(tail, region, False)
                    if shorter is not None:
                        found = shorter
                        break
            if found is not None:
                out.append(found)
        return out

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
        try:
            number = phonenumbers.parse(candidate, None if international else region)
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
