"""Answers given in pieces across turns: kept, completed, or dropped back to a reprompt."""

from __future__ import annotations

from tests.callers.conftest import say

import flowagent

BOOKED = "This is Maria, a checkup on Friday at 2pm"  # leaves only the contact to ask


def test_a_phone_number_said_in_three_pauses_is_one_number(reference: flowagent.Flow) -> None:
    conv, turn = say(reference, BOOKED, "four one five", "five five five", "zero one two three")
    assert conv.slots["contact"] == "+14155550123"
    assert turn.state == "CONFIRM"


def test_each_piece_of_a_number_hears_go_on_not_a_no_match(reference: flowagent.Flow) -> None:
    conv, turn = say(reference, BOOKED, "four one five")
    assert turn.text == "Mm-hmm, go on."
    assert turn.event == "piece" and conv.context.counters.total_no_match == 0


def test_a_pending_piece_shortens_the_silence_timeout(reference: flowagent.Flow) -> None:
    _, turn = say(reference, BOOKED, "four one five")
    assert turn.no_input_timeout == reference.compiled.spec.limits.piece_timeout


def test_a_pause_after_a_piece_drops_it_and_reprompts(reference: flowagent.Flow) -> None:
    conv, turn = say(reference, BOOKED, "four one five", "")
    assert "missing some digits" in turn.text
    assert conv.context.pending is None and "contact" not in conv.slots
    assert conv.context.counters.no_input == 0  # a pause mid-answer is not a missed turn


def test_the_area_code_may_come_after_the_rest(reference: flowagent.Flow) -> None:
    conv, _ = say(reference, BOOKED, "555 0199", "area code 630")
    assert conv.slots["contact"] == "+16305550199"


def test_the_area_code_may_come_first_on_its_own(reference: flowagent.Flow) -> None:
    conv, _ = say(reference, BOOKED, "area code 847", "five five five zero one three one")
    assert conv.slots["contact"] == "+18475550131"


def test_saying_the_whole_number_again_replaces_the_pieces(reference: flowagent.Flow) -> None:
    conv, _ = say(reference, BOOKED, "555 123", "555 123 4567")
    assert conv.slots["contact"] == "+15551234567"


def test_a_turn_that_is_not_a_piece_drops_the_pending_number(reference: flowagent.Flow) -> None:
    _conv, turn = say(reference, BOOKED, "four one five", "can you repeat the question")
    assert turn.event == "repeat"
    _, turn = say(reference, BOOKED, "four one five", "maria at gmail dot com")
    assert turn.state == "CONFIRM"


def test_too_many_pieces_end_in_a_normal_no_match(reference: flowagent.Flow) -> None:
    conv, turn = say(reference, BOOKED, "one", "two", "three", "four")
    assert turn.event == "no_match" and "contact" not in conv.slots


def test_a_surname_in_the_next_turn_completes_the_name(reference: flowagent.Flow) -> None:
    conv, turn = say(reference, "My name is Dana", "Whitfield")
    assert conv.slots["name"] == "Dana Whitfield"
    assert turn.text.startswith("Thanks, Dana Whitfield.")
    assert turn.expecting == "date"


def test_a_surname_said_later_with_a_cue_completes_the_name(reference: flowagent.Flow) -> None:
    conv, _ = say(reference, "My name is Dana", "Tuesday", "oh and my last name is Whitfield")
    assert conv.slots["name"] == "Dana Whitfield"


def test_a_full_name_is_not_extended_by_a_stray_word(reference: flowagent.Flow) -> None:
    conv, _ = say(reference, "My name is Dana Reyes", "Whitfield")
    assert conv.slots["name"] == "Dana Reyes"


def test_an_address_in_pieces_is_kept_whole(plumbing: flowagent.Flow) -> None:
    conv, turn = say(
        plumbing,
        "toilet's overflowing",
        "Ken Ito",
        "4410 North Clark Street",
        "unit 3",
        "that's it",
    )
    assert conv.slots["address"] == "4410 North Clark Street, unit 3"
    assert turn.expecting == "phone"


def test_a_pause_closes_a_multi_turn_text(plumbing: flowagent.Flow) -> None:
    conv, turn = say(plumbing, "a leak", "Ken Ito", "12 Elm Court", "")
    assert conv.slots["address"] == "12 Elm Court"
    assert turn.expecting == "phone"


def test_a_spelled_email_local_part_waits_for_its_domain(reference: flowagent.Flow) -> None:
    conv, turn = say(reference, BOOKED, "d a n a dot r e y e s")
    assert turn.text == "Mm-hmm, go on."
    conv.handle("at gmail dot com")
    assert conv.slots["contact"] == "dana.reyes@gmail.com"


def test_an_email_cut_off_at_at_waits_for_the_rest(reference: flowagent.Flow) -> None:
    conv, _ = say(reference, BOOKED, "dana reyes at", "gmail dot com")
    assert conv.slots["contact"] == "danareyes@gmail.com"


def test_a_number_said_digit_by_digit_in_pieces_is_one_number(tmp_path: object) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "member.yaml"
    path.write_text(
        """
flow: member
start: ASK
slots:
  member:
    type: number
    prompt: "What's your member number?"
    rules: [{rule: range, min: 100000, max: 999999, message: "Member numbers have six digits."}]
states:
  ASK: {kind: collect, slots: [member], next: DONE}
  DONE: {kind: end}
  FALLBACK: {kind: end}
""",
        encoding="utf-8",
    )
    conv, _ = say(flowagent.load_flow(path), "four five six", "one two three")
    assert conv.slots["member"] == 456123


def test_a_whole_number_refused_by_a_rule_is_not_a_piece(tmp_path: object) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "party.yaml"
    path.write_text(
        """
flow: party
start: ASK
slots:
  size:
    type: number
    prompt: "How many people?"
    rules: [{rule: range, min: 1, max: 12, message: "We seat up to 12."}]
states:
  ASK: {kind: collect, slots: [size], next: DONE}
  DONE: {kind: end}
  FALLBACK: {kind: end}
""",
        encoding="utf-8",
    )
    _, turn = say(flowagent.load_flow(path), "fifteen")
    assert turn.text.startswith("We seat up to 12.")


def test_pieces_that_overshoot_the_number_end_in_its_reprompt(reference: flowagent.Flow) -> None:
    conv, turn = say(reference, BOOKED, "555 123", "4567 89")
    assert "too many digits" in turn.text and conv.context.pending is None


def test_a_conversation_restored_mid_number_goes_on_with_the_pieces(
    reference: flowagent.Flow,
) -> None:
    import json

    conv, _ = say(reference, BOOKED, "four one five")
    restored = reference.restore(json.loads(json.dumps(conv.snapshot())))
    restored.handle("five five five")
    restored.handle("zero one two three")
    assert restored.slots["contact"] == "+14155550123"


def test_a_lead_in_and_a_three_digit_group_is_a_first_piece(reference: flowagent.Flow) -> None:
    conv, turn = say(reference, BOOKED, "sure, my cell's 646")
    assert turn.event == "piece"
    conv, _ = say(reference, BOOKED, "sure, my cell's 646", "555", "0188")
    assert conv.slots["contact"] == "+16465550188"


def test_a_contraction_lead_in_starts_a_number(reference: flowagent.Flow) -> None:
    conv, _ = say(reference, BOOKED, "it's 312.", "555.", "0147.")
    assert conv.slots["contact"] == "+13125550147"


def test_a_whole_number_after_lost_words_is_read(reference: flowagent.Flow) -> None:
    conv, _ = say(reference, BOOKED, "(inaudible) seven one eight five five five zero one six six")
    assert conv.slots["contact"] == "+17185550166"


def test_a_number_with_words_lost_inside_it_is_not_read(reference: flowagent.Flow) -> None:
    conv, turn = say(reference, BOOKED, "718 555 [inaudible] 0166")
    assert "contact" not in conv.slots and turn.event == "no_match"


def test_a_house_number_before_a_street_is_not_the_rest_of_a_phone() -> None:
    from flowagent import slots

    assert slots.extract("phone", "718 555, 3120 Birch Avenue") is None
    assert slots.extract("phone", "718-555-3120, Birch Avenue") == "+17185553120"


def test_a_closing_cue_ending_a_text_piece_closes_it(plumbing: flowagent.Flow) -> None:
    conv, turn = say(plumbing, "a dripping tap", "Ana Ruiz", "88 Cedar Court, that's all")
    assert conv.slots["address"] == "88 Cedar Court" and turn.expecting == "phone"
