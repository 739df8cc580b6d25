"""Answers given in pieces across turns.

Callers pause in the middle of an answer, and a voice channel hears each stretch as its own
turn: "four one five" … "five five five" … "zero one two three"; "d a n a dot r e y e s" …
"at gmail dot com"; "My name is Dana" … "Whitfield"; an address said a line at a time. A
piece is kept (`Context.pending`) and the caller hears a short "go on" instead of a no-match:

- **digits** (a phone slot, or a number slot whose rule wants more): a turn of only digits
  that is too short starts a number; further digit turns are added until the number is whole;
  "area code 212" may come before or after the rest.
- **spelling** (an email, or any slot, spelled): letters without the rest of the address are
  kept until the rest ("at gmail dot com") comes.
- **text** with `multi_turn: true`: every piece is added until a closing cue ("that's it",
  "that's all", "done") or a pause (a silence of `limits.piece_timeout` seconds).
- **surnames**: right after a one-word name was filled, a bare name-like word that answers
  nothing else ("Whitfield") completes it; "my last name is Whitfield" does so at any time.

A turn that is not a piece of the same kind drops the pending piece and is handled as usual;
so does the `limits.max_pieces`-th piece. A silence while a digit or spelled piece is pending
drops it and asks again with the slot's normal reprompt; a silence while a text piece is
pending closes the text.
"""

from __future__ import annotations

import re

from flowagent.compiled import FillResult, Scope
from flowagent.slots.base import ExtractContext
from flowagent.slots.registry import get_extractor
from flowagent.slots.spelling import spell_runs
from flowagent.slots.spoken import DIGIT_WORDS, TENS, UNITS, digit_runs
from flowagent.slots.text import clean_free_text

DIGITS = "digits"
SPELLING = "spelling"
TEXT = "text"

# A contraction is one word: "it's 917" is a lead-in and a group, not "it", "s" and a group.
_DIGIT_TOKEN = re.compile(r"[a-z]+(?:['’][a-z]+)?|\d+|[^\sa-z\d]", re.I)
_DIGIT_WORDS = {*DIGIT_WORDS, *UNITS, *TENS, "double", "triple", "hundred"}
_GLUE = {
    "area",
    "code",
    "and",
    "then",
    "uh",
    "um",
    "er",
    "erm",
    "is",
    "it's",
    "it’s",
    "its",
    "that's",
    "like",
    "well",
    "sure",
    "mine",
    "cell",
    "phone",
    "the",
    "rest",
    "extension",
    "ext",
    "x",
    "my",
    "number",
    "okay",
    "ok",
    "so",
    "yeah",
    "oh",
}
_CLOSING = re.compile(
    r"^\W*(?:(?:yes|yeah|yep|no|nope|ok|okay|and)\W+)?(?:that'?s\s+(?:it|all|everything|the\s+"
    r"(?:whole\s+)?(?:thing|address|lot))|that\s+is\s+(?:it|all)|done|i'?m\s+done|nothing\s+"
    r"(?:else|more)|the\s+end|end|finished|that'?ll\s+be\s+it)\W*$",
    re.I,
)


# An address that stops mid-way: "… at", "… gmail dot".
_CUT_OFF = re.compile(r"\b(?:at|dot|period|underscore|dash|hyphen)\W*$", re.I)


def digits_only(text: str) -> int:
    """How many digits a turn of only digits gives ("five five five" → 3, "area code 212"
    → 3); 0 when it has other words."""
    count = 0
    for token in _DIGIT_TOKEN.findall(text.lower()):
        if token.isdigit():
            count += len(token)
        elif token in DIGIT_WORDS:
            count += 1
        elif token in UNITS or token in TENS:
            count += 2
        elif token in _DIGIT_WORDS or token in _GLUE or not token.isalnum():
            continue
        else:
            return 0
    return count


# Glue that means something to the phone reader: kept when pieces are joined.
_KEEP = {"area", "code", "extension", "ext", "x", "oh", "and"}


def _digits_said(text: str) -> str:
    """A digit piece without its lead-ins ("uh, and then 0110" → "0110"), so that joined
    pieces read as one run of digits."""
    tokens = _DIGIT_TOKEN.findall(text)
    kept = [t for t in tokens if t.lower() not in _GLUE or t.lower() in _KEEP]
    while kept and kept[0].lower() == "and":
        kept.pop(0)
    return " ".join(kept)


def _digit_by_digit(text: str) -> bool:
    """ "four five six", "4 5 6": single digits, as an account number is read out — not
    "1850" or "twenty nineteen", which are whole numbers."""
    tokens = _DIGIT_TOKEN.findall(text.lower())
    return bool(tokens) and all(
        (t.isdigit() and len(t) == 1) or t in DIGIT_WORDS or t in _GLUE or not t.isalnum()
        for t in tokens
    )


def is_closing(text: str) -> bool:
    """ "that's it", "that's all", "done", "nothing else": the end of a text in pieces."""
    return bool(_CLOSING.match(text))


# A closing cue ending a piece: "40 Elm Street, that's it", "the side gate. That's all."
_CLOSING_TAIL = re.compile(
    r"[,.;!]\s*(?:(?:and|so|ok|okay)\s+)?(?:that'?s\s+(?:it|all|everything)|that\s+is\s+"
    r"(?:it|all)|i'?m\s+done|nothing\s+(?:else|more))\W*$",
    re.I,
)


def without_closing(text: str) -> str | None:
    """`text` without the closing cue it ends with, or None when it has none."""
    m = _CLOSING_TAIL.search(text)
    return text[: m.start()].strip() if m is not None and m.start() > 0 else None


# --- starting -----------------------------------------------------------------------------
def start(scope: Scope, text: str, result: FillResult, slot: str) -> bool:
    """After a turn that filled nothing for the asked `slot`: keep it as the first piece of an
    answer given in pieces, if it is one. True when it was kept (a "go on" was said)."""
    info = scope.flow.slots[slot]
    kind: str | None = None
    problems = {m.rsplit(".", 1)[-1] for m in result.marks if m.startswith(f"problem:{slot}.")}
    too_few = bool(problems & {"phone_too_short"}) or not result.problems
    # A number slot takes pieces only when said digit by digit ("four five six" … a member
    # number) and refused by a rule: "twenty nineteen" for a year is one answer, not a piece.
    number_piece = (
        "number" in info.types
        and any(m.startswith(f"rule:{slot}.") for m in result.marks)
        and _digit_by_digit(text)
    )
    if ("phone" in info.types and digits_only(text) and too_few) or number_piece:
        kind = DIGITS
    elif (
        "email" in info.types
        and not problems & {"email_invalid"}
        and spell_runs(text)
        and " at " not in f" {text.lower()} "
        and "@" not in text
    ):
        kind = SPELLING  # "d a n a dot r e y e s" and the domain still to come
    if kind is None and "email" in info.types and _CUT_OFF.search(text):
        kind = SPELLING  # visibly unfinished: "dana reyes at" … "gmail dot com"
    if kind is None:
        return False
    scope.ctx.pending = {"slot": slot, "kind": kind, "text": text, "pieces": 1}
    scope.marks.append(f"piece:{slot}#1")
    _go_on(scope, slot)
    return True


def start_text(scope: Scope, text: str, slot: str) -> None:
    """The first piece of a `multi_turn` free-text answer (the whole answer when it ends
    with a closing cue: "40 Elm Street, that's it")."""
    whole = without_closing(text)
    piece = clean_free_text(
        text if whole is None else whole, scope.flow.slots[slot].options.get("_slot_words", ())
    )
    scope.ctx.pending = {"slot": slot, "kind": TEXT, "text": piece, "pieces": 1}
    scope.marks.append(f"piece:{slot}#1")
    if whole is not None:
        close_text(scope)
        return
    _go_on(scope, slot)


def _go_on(scope: Scope, slot: str) -> None:
    scope.event = "piece"
    scope.say(scope.message("go_on"))
    scope.ctx.expecting = slot


# --- continuing ---------------------------------------------------------------------------
def continue_pending(scope: Scope, text: str) -> bool:
    """Add this turn to a pending piece. True when the turn was used (completed the answer,
    or was kept as another piece); False when the caller moved on (the piece is dropped)."""
    ctx = scope.ctx
    pending = ctx.pending
    if pending is None:
        return False
    slot = str(pending.get("slot"))
    if slot not in scope.flow.slots or ctx.expecting != slot:
        ctx.pending = None
        return False
    kind = pending.get("kind")
    count = int(pending.get("pieces", 1)) + 1
    limit = scope.flow.spec.limits.max_pieces
    if kind == TEXT:
        return _continue_text(scope, text, slot, count, limit)
    if kind == DIGITS and not digits_only(text):
        ctx.pending = None
        return False
    combined = f"{pending.get('text', '')} {text}"  # an address reads on across the pause
    if kind == DIGITS:
        combined = _area_code_first(str(pending.get("text", "")), _digits_said(text))
        if "phone" not in scope.flow.slots[slot].types:  # a number said digit by digit
            combined = "".join(run.digits for run in digit_runs(combined))
    ctx.pending = None
    if _whole(scope, text, slot):  # said the whole answer again: it alone counts
        combined = text
    result = scope.fill(combined, [slot], expected=slot)
    if result.filled or result.clarified:
        scope.marks.append(f"pieces:{slot}={count}")
        if result.filled:
            scope.resume()
        return True
    too_many = any(
        m.endswith((".phone_too_long", ".phone_invalid")) or m.startswith("clarify:")
        for m in result.marks
    )
    if count < limit and not too_many and (kind == DIGITS or _spelling_piece(text)):
        ctx.pending = {"slot": slot, "kind": kind, "text": combined, "pieces": count}
        scope.marks.append(f"piece:{slot}#{count}")
        _go_on(scope, slot)
        return True
    if result.problems:
        scope.no_match(slot, result.problems[0][1])
    else:
        scope.no_match(slot, None)
    return True


def _whole(scope: Scope, text: str, slot: str) -> bool:
    """Whether `text` alone is a whole phone number or address (said again in full)."""
    info = scope.flow.slots[slot]
    if not {"phone", "email"} & set(info.types):
        return False
    ctx = ExtractContext(now=scope.ctx.now, region=scope.flow.region, expected=True)
    for extractor in info.extractors:
        found = extractor.extract(text, ctx)
        if found is not None and found.ok:
            return True
    return False


def _area_code_first(before: str, now: str) -> str:
    """ "555 0199" then "area code 630": the area code goes first."""
    if re.search(r"\barea\s+code\b", now, re.I) and not re.search(r"\barea\s+code\b", before, re.I):
        return f"{now}, {before}"
    return f"{before}, {now}"


def _spelling_piece(text: str) -> bool:
    low = f" {text.lower()} "
    return bool(spell_runs(text)) or " at " in low or " dot " in low or "@" in low


def _continue_text(scope: Scope, text: str, slot: str, count: int, limit: int) -> bool:
    ctx = scope.ctx
    pending = ctx.pending or {}
    if is_closing(text):
        close_text(scope)
        return True
    whole = without_closing(text)
    piece = clean_free_text(
        text if whole is None else whole, scope.flow.slots[slot].options.get("_slot_words", ())
    )
    joined = ", ".join(p for p in (str(pending.get("text", "")), piece) if p)
    ctx.pending = {"slot": slot, "kind": TEXT, "text": joined, "pieces": count}
    scope.marks.append(f"piece:{slot}#{count}")
    if count >= limit or whole is not None:
        close_text(scope)
        return True
    _go_on(scope, slot)
    return True


def close_text(scope: Scope) -> None:
    """Store a `multi_turn` text from its pieces, and go on with the flow."""
    ctx = scope.ctx
    pending = ctx.pending or {}
    ctx.pending = None
    slot = str(pending.get("slot"))
    text = str(pending.get("text", ""))
    if not text:
        scope.no_match(slot, None)
        return
    result = scope.fill(text, [slot], expected=slot)
    if result.problems:
        scope.no_match(slot, result.problems[0][1])
    elif result.filled:
        scope.resume()
    else:
        scope.no_match(slot, None)


def timed_out(scope: Scope) -> bool:
    """A silence while a piece is pending: close a text; drop digits or spelling and ask
    again with the slot's reprompt. True when handled."""
    pending = scope.ctx.pending
    if pending is None:
        return False
    scope.marks.append(f"piece_timeout:{pending.get('slot')}")
    if pending.get("kind") == TEXT:
        close_text(scope)
        return True
    scope.ctx.pending = None
    slot = str(pending.get("slot"))
    if slot not in scope.flow.slots:
        return False
    info = scope.flow.slots[slot]
    message = None
    if pending.get("kind") == DIGITS and "phone" in info.types:
        message = scope.render(info.problem_message("phone_too_short"))
    scope.no_match(slot, message)
    return True


# --- surnames -----------------------------------------------------------------------------
def note_filled(scope: Scope, filled: list[str]) -> None:
    """Remember a one-word name filled this turn, for a surname said in the next."""
    ctx = scope.ctx
    for name in filled:
        value = ctx.slots.get(name)
        if "name" in scope.flow.slots[name].types and isinstance(value, str) and " " not in value:
            ctx.last_filled = {"slot": name, "turn": ctx.turns}
            return
    if filled:
        ctx.last_filled = None


def complete_surname(scope: Scope, text: str) -> bool:
    """ "My name is Dana" … "Whitfield": a bare name-like word in the turn right after a
    one-word name completes it. True when it did."""
    ctx = scope.ctx
    last = ctx.last_filled
    ctx.last_filled = None
    if not last or int(last.get("turn", -9)) != ctx.turns - 1:
        return False
    slot = str(last.get("slot"))
    value = ctx.slots.get(slot)
    if slot not in scope.flow.slots or not isinstance(value, str) or " " in value:
        return False
    found = get_extractor("name").extract(
        text, ExtractContext(now=ctx.now, region=scope.flow.region, expected=True)
    )
    if found is None or not isinstance(found.value, str) or " " in found.value:
        return False
    if found.value.lower() == value.lower():
        return False
    ctx.slots[slot] = f"{value} {found.value}"
    scope.filled.append(slot)
    scope.marks.append(f"surname:{slot}")
    ack = scope.flow.slots[slot].ack
    if ack is not None:
        scope.say(scope.render(ack, spell=True))
    scope.resume()
    return True
