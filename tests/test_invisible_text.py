"""Invisible characters in caller text are removed by Unicode category, so none reaches a slot
or a reply: bidi overrides, the soft hyphen, tag characters, variation selectors, Hangul
fillers, U+2800 and every other format character (issue #12, F21). The sets come from
`unicodedata`, not from a list in the test."""

from __future__ import annotations

import sys
import unicodedata
from functools import cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.conftest import NOW, ROOT

import flowagent
from flowagent.engine import clean_text
from flowagent.render import speakable
from flowagent.slots.invisible import is_ignorable

NEVER_KEPT = frozenset({"Cc", "Cf", "Cs", "Co", "Zl", "Zp"})


@cache
def in_category(*categories: str) -> tuple[str, ...]:
    """Every character of Python's Unicode database in one of `categories`."""
    return tuple(
        ch for ch in map(chr, range(sys.maxunicode + 1)) if unicodedata.category(ch) in categories
    )


def test_every_format_character_is_removed_from_a_word() -> None:
    kept = [
        f"U+{ord(ch):04X}"
        for ch in in_category("Cf")
        if clean_text(f"Cam{ch}ry", 400) not in ("Camry", "Cam ry")
    ]
    assert not kept, kept


def test_every_control_separator_and_private_use_character_is_removed() -> None:
    chars = in_category("Cc", "Zl", "Zp", "Co")
    kept = [f"U+{ord(ch):04X}" for ch in chars if ch in clean_text(f"a{ch}b", 400)]
    assert not kept, kept[:20]


def test_lone_surrogates_are_removed() -> None:
    kept = [f"U+{ord(ch):04X}" for ch in in_category("Cs") if ch in clean_text(f"a{ch}b", 400)]
    assert not kept, kept[:20]


def test_default_ignorable_letters_and_marks_are_removed() -> None:
    """Variation selectors, the combining grapheme joiner and the Hangul fillers are `Mn`/`Lo`
    but invisible by design; they are the documented exceptions."""
    for ch in ("\u034f", "\ufe0f", "\U000e0100", "\u115f", "\u1160", "\u3164", "\uffa0"):
        assert is_ignorable(unicodedata.normalize("NFKC", ch)), f"U+{ord(ch):04X}"
        assert clean_text(f"Cam{ch}ry", 400) == "Camry", f"U+{ord(ch):04X}"


def test_a_braille_blank_and_a_zero_width_space_separate_words() -> None:
    assert clean_text("Cam\u2800ry", 400) == "Cam ry"
    assert clean_text("Cam\u200bry", 400) == "Cam ry"


def test_visible_text_in_any_script_is_kept() -> None:
    text = "José Müller-Łukasz, 山田 太郎, محمد ١٢٣, अनिल, Ελένη, 😀"
    assert clean_text(text, 400) == unicodedata.normalize("NFKC", text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec=None), max_size=60))
def test_cleaned_text_holds_no_invisible_character(text: str) -> None:
    cleaned = clean_text(text, 400)
    assert not [c for c in cleaned if unicodedata.category(c) in NEVER_KEPT or is_ignorable(c)]
    assert cleaned == " ".join(cleaned.split())
    cleaned.encode("utf-8")  # no lone surrogate: every store can save it


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(codec=None), max_size=40))
def test_a_value_rendered_for_speech_holds_no_invisible_character(text: str) -> None:
    """Values from anywhere (an action's result, a restored snapshot) are cleaned when read
    out, markup entities included ('&#x202E;')."""
    for value in (text, f"&#x202E;{text}", f"<b>{text}</b>"):
        spoken = speakable(value)
        assert not [c for c in spoken if unicodedata.category(c) in NEVER_KEPT]


@pytest.mark.parametrize(
    "invisible",
    ["\u202e", "\u2066", "\u00ad", "\u2062", "\U000e0041", "\ufff9", "\ufe0f", "\u115f", "\u2800"],
)
def test_an_invisible_character_never_reaches_a_slot(invisible: str) -> None:
    """The reported path: said inside a free-text answer, it was stored (and read back)."""
    flow = flowagent.load_flow(ROOT / "examples" / "car_service" / "car_service.yaml")
    conv = flow.new_conversation(now=NOW)
    conv.start()
    conv.handle("it's a Toyota")
    assert conv.expecting == "model"
    turn = conv.handle(f"it's a Cam{invisible}ry")
    model = str(conv.slots.get("model"))
    assert "Cam" in model and invisible not in model
    assert invisible not in turn.text
