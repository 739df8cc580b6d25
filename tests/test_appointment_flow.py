"""The reference appointment flow, end to end, as a caller would experience it."""

from __future__ import annotations

from tests.conftest import NOW

import flowagent


def talk(conv: flowagent.Conversation, *lines: str) -> flowagent.Turn:
    turn = conv.last_turn
    for line in lines:
        turn = conv.handle(line)
    assert turn is not None
    return turn


def test_greeting_names_the_business_and_waits(appointment: flowagent.Flow) -> None:
    conv = appointment.new_conversation(now=NOW)
    turn = conv.start()
    assert "Bright Smile Dental" in turn.text
    assert turn.state == "GREETING"
    assert turn.expecting is None
    assert not turn.ended and turn.outcome is None


def test_over_informative_opening_fills_four_slots_at_once(conv: flowagent.Conversation) -> None:
    turn = conv.handle("Hi, this is Maria, I need a checkup on Friday at 2pm")
    assert conv.slots == {
        "name": "Maria",
        "date": "2026-11-27",
        "time": "14:00",
        "type": "check_up",
    }
    assert turn.state == "COLLECT_INFO"
    assert turn.expecting == "contact"
    assert turn.text.startswith("Thanks, Maria.")
    assert "phone number or email" in turn.text


def test_happy_path_books_and_reads_back_speech_friendly_values(
    conv: flowagent.Conversation,
) -> None:
    talk(conv, "Hi, this is Maria, I need a checkup on Friday at 2pm")
    turn = conv.handle("555 123 4567")
    assert turn.state == "CONFIRM" and turn.expecting == "confirmation"
    assert "check-up for Maria on Friday, November 27th at 2 PM" in turn.text
    assert "5 5 5, 1 2 3, 4 5 6 7" in turn.text
    turn = conv.handle("yes that's right")
    assert turn.ended and turn.outcome == "complete" and turn.state == "COMPLETE"
    assert "You're all set, Maria" in turn.text
    assert "Your reference is" in turn.text
    assert conv.slots["contact"] == "+15551234567"


def test_one_slot_at_a_time(conv: flowagent.Conversation) -> None:
    turn = conv.handle("I'd like to book an appointment")
    assert turn.expecting == "name"
    assert talk(conv, "John Smith").expecting == "date"
    assert talk(conv, "Tuesday of next week").expecting == "time"
    assert talk(conv, "10:30 in the morning").expecting == "type"
    assert talk(conv, "I'm a new patient").expecting == "contact"
    turn = talk(conv, "john dot smith at gmail dot com")
    assert turn.expecting == "confirmation"
    assert conv.slots == {
        "name": "John Smith",
        "date": "2026-12-01",
        "time": "10:30",
        "type": "consultation",
        "contact": "john.smith@gmail.com",
    }
    assert "john dot smith at gmail dot com" in turn.text


def test_correction_while_collecting_replaces_only_that_slot(conv: flowagent.Conversation) -> None:
    talk(conv, "This is Maria, a checkup on Friday at 2pm")
    turn = conv.handle("actually make that Thursday")
    assert conv.slots["date"] == "2026-11-26"
    assert conv.slots["time"] == "14:00"
    assert turn.expecting == "contact"


def test_no_with_a_correction_in_the_same_breath_updates_and_reconfirms(
    conv: flowagent.Conversation,
) -> None:
    talk(conv, "This is Maria, a checkup on Friday at 2pm", "555 123 4567")
    turn = conv.handle("no, 4pm")
    assert conv.slots["time"] == "16:00"
    assert turn.state == "CONFIRM" and turn.expecting == "confirmation"
    assert "at 4 PM" in turn.text
    assert talk(conv, "yes").outcome == "complete"


def test_no_then_naming_the_slot_recollects_only_that_slot(conv: flowagent.Conversation) -> None:
    talk(conv, "This is Maria, a checkup on Friday at 2pm", "555 123 4567")
    turn = conv.handle("no")
    assert turn.expecting == "change"
    assert "What would you like to change?" in turn.text
    turn = conv.handle("the date")
    assert turn.state == "COLLECT_INFO" and turn.expecting == "date"
    assert "date" not in conv.slots and conv.slots["time"] == "14:00"
    turn = conv.handle("Saturday")
    assert turn.state == "CONFIRM"
    assert "Saturday, November 28th at 2 PM" in turn.text


def test_garbage_three_times_goes_through_retry_to_fallback(conv: flowagent.Conversation) -> None:
    talk(conv, "hello")
    first = conv.handle("blorp")
    assert first.state == "RETRY" and first.expecting == "name"
    second = conv.handle("zzzz")
    assert second.state == "RETRY"
    assert first.text != second.text  # escalating reprompts
    assert "spell" in second.text
    third = conv.handle("qwerty")
    assert third.ended and third.outcome == "fallback" and third.state == "FALLBACK"
    assert "connect you with someone" in third.text


def test_a_good_answer_in_retry_returns_to_collection(conv: flowagent.Conversation) -> None:
    talk(conv, "hello", "blorp")
    turn = conv.handle("it's Maria")
    assert conv.slots["name"] == "Maria"
    assert turn.state == "COLLECT_INFO" and turn.expecting == "date"
    assert conv.context.counters.no_match == {}


def test_two_silences_reprompt_and_the_third_ends_politely(conv: flowagent.Conversation) -> None:
    talk(conv, "I need an appointment")
    first = conv.handle("")
    assert first.event == "no_input" and not first.ended
    assert "May I have your name" in first.text
    second = conv.handle("   ")
    assert second.text != first.text and not second.ended
    third = conv.handle("")
    assert third.ended and third.outcome == "no_input"
    assert "Goodbye" in third.text


def test_speech_resets_the_silence_count(conv: flowagent.Conversation) -> None:
    talk(conv, "I need an appointment", "", "", "Maria", "")
    assert not conv.ended
    assert conv.context.counters.no_input == 1


def test_asking_for_a_person_hands_off_from_any_state(conv: flowagent.Conversation) -> None:
    talk(conv, "This is Maria")
    turn = conv.handle("can I just talk to a real person please")
    assert turn.ended and turn.outcome == "handoff"
    assert "front desk" in turn.text
    assert conv.slots["name"] == "Maria"


def test_repeat_says_the_last_reply_again(conv: flowagent.Conversation) -> None:
    before = talk(conv, "This is Maria, a checkup on Friday at 2pm")
    again = conv.handle("sorry, can you repeat that?")
    assert again.text == before.text
    assert again.expecting == "contact"


def test_help_explains_and_asks_the_question_once(conv: flowagent.Conversation) -> None:
    talk(conv, "I need an appointment")
    turn = conv.handle("help")
    assert "consultation, a follow-up or a check-up" in turn.text
    assert turn.text.count("May I have your name") == 1


def test_start_over_forgets_everything(conv: flowagent.Conversation) -> None:
    talk(conv, "This is Maria, a checkup on Friday at 2pm")
    turn = conv.handle("let's start over")
    assert conv.slots == {}
    assert turn.state == "GREETING"
    assert "start over" in turn.text


def test_cancel_ends_the_call(conv: flowagent.Conversation) -> None:
    turn = talk(conv, "This is Maria", "never mind, cancel")
    assert turn.ended and turn.outcome == "cancelled"


def test_closed_day_gets_its_reason_and_the_question_once(conv: flowagent.Conversation) -> None:
    talk(conv, "This is Maria")
    turn = conv.handle("Sunday")
    assert "date" not in conv.slots
    assert turn.expecting == "date"
    assert "We're closed on Sundays." in turn.text
    assert turn.text.count("?") == 1


def test_time_outside_opening_hours_is_refused(conv: flowagent.Conversation) -> None:
    talk(conv, "This is Maria, Friday please")
    turn = conv.handle("7 in the evening")
    assert "time" not in conv.slots
    assert "We're open from 9 AM to 5 PM" in turn.text
    assert turn.expecting == "time"


def test_past_date_is_refused(conv: flowagent.Conversation) -> None:
    turn = talk(conv, "This is Maria", "yesterday")
    assert "already passed" in turn.text
    assert "date" not in conv.slots


def test_ambiguous_hour_is_read_inside_opening_hours(conv: flowagent.Conversation) -> None:
    talk(conv, "This is Maria, Friday please")
    conv.handle("at 3")
    assert conv.slots["time"] == "15:00"


def test_phone_with_missing_digits_gets_a_specific_reprompt(conv: flowagent.Conversation) -> None:
    talk(conv, "This is Maria, a checkup on Friday at 2pm")
    turn = conv.handle("555 123 45")
    assert turn.text == "Mm-hmm, go on."  # maybe a pause mid-number: the rest may follow
    turn = conv.handle("")  # it does not: the pause ends the number
    assert "missing some digits" in turn.text
    assert "contact" not in conv.slots


def test_an_overlong_utterance_is_its_own_kind_of_no_match(conv: flowagent.Conversation) -> None:
    turn = talk(conv, "hi", "blah " * 200)
    assert "one step at a time" in turn.text
    assert turn.event == "no_match"


def test_the_turn_after_the_end_says_nothing(conv: flowagent.Conversation) -> None:
    talk(conv, "talk to a human")
    turn = conv.handle("hello?")
    assert turn.ended and turn.text == "" and turn.outcome == "handoff"


def test_same_inputs_same_replies(appointment: flowagent.Flow) -> None:
    lines = [
        "hi this is Maria",
        "blorp",
        "Friday at 2",
        "checkup",
        "555 123 4567",
        "no, 4pm",
        "yes",
    ]

    def replies() -> list[str]:
        c = appointment.new_conversation(now=NOW)
        return [c.start().text, *(c.handle(line).text for line in lines)]

    assert replies() == replies()
