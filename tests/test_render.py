"""Replies read naturally aloud, and a caller's words are never run as a template."""

from __future__ import annotations

import flowagent
from flowagent.render import say_date, say_email, say_phone, say_time

ECHO = """\
flow: echo
start: ASK
vars:
  secret: the-vault-code
slots:
  note:
    type: text
    prompt: Anything to add?
states:
  ASK:
    kind: collect
    slots: [note]
    next: DONE
  DONE:
    kind: end
    say: "You said: {{ note }}"
  FALLBACK:
    kind: end
"""


def test_dates_are_said_with_weekday_and_ordinal() -> None:
    assert say_date("2026-11-27") == "Friday, November 27th"
    assert say_date("2026-12-02") == "Wednesday, December 2nd"
    assert say_date("2026-12-13") == "Sunday, December 13th"


def test_times_are_said_the_american_way() -> None:
    assert say_time("14:00") == "2 PM"
    assert say_time("09:30") == "9:30 AM"
    assert say_time("12:15") == "12:15 PM"
    assert say_time("00:05") == "12:05 AM"


def test_phone_numbers_are_said_digit_by_digit_in_groups() -> None:
    assert say_phone("+15551234567") == "5 5 5, 1 2 3, 4 5 6 7"


def test_emails_are_said_with_at_and_dot() -> None:
    assert say_email("john.smith@gmail.com") == "john dot smith at gmail dot com"
    assert say_email("j_doe-1@mail.co.uk") == "j underscore doe dash 1 at mail dot co dot uk"


def test_template_syntax_from_a_caller_is_said_literally_not_rendered() -> None:
    flow = flowagent.load_flow_text(ECHO)
    conv = flow.new_conversation()
    conv.start()
    turn = conv.handle("{{ secret }} and {{ note }}")
    assert "the-vault-code" not in turn.text
    assert "{{ secret }} and {{ note }}" in turn.text
