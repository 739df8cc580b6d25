"""What a caller says is personal and is plain words: free-text slot values are redacted from
logs unless the author says otherwise, markup in a value is never handed to a TTS engine, and
a value the flow refused does not blank words out of a free-text answer."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from tests.conftest import NOW, ROOT

import flowagent
from flowagent.observe import JsonlSink

FLOW = """\
flow: notes
start: ASK
slots:
  note:
    type: text
    prompt: What should I tell the technician?
{pii}
  year:
    type: number
    prompt: What year?
    required: false
    rules:
      - rule: range
        min: 1980
        max: 2027
states:
  ASK:
    kind: collect
    slots: [note]
    next: READ_BACK
  READ_BACK:
    kind: say
    say: "I wrote down: {{{{ note }}}}."
    next: BOOK
  BOOK:
    kind: action
    action: acts:book
    next: DONE
  DONE:
    kind: end
    outcome: complete
    say: "Booked under {{{{ result.label }}}}."
  FALLBACK:
    kind: end
    outcome: fallback
"""

ACTS = """\
def book(slots):
    return {"label": '<prosody rate="x-slow">Smith</prosody> &amp; <break time="9s"/>Co'}
"""


def flow_in(tmp_path: Path, pii: str = "") -> flowagent.Flow:
    (tmp_path / "acts.py").write_text(ACTS)
    path = tmp_path / "notes.yaml"
    path.write_text(FLOW.format(pii=pii), encoding="utf-8")
    return flowagent.load_flow(path)


def logged(flow: flowagent.Flow, line: str) -> list[dict[str, object]]:
    out = io.StringIO()
    conv = flow.new_conversation(now=NOW, sinks=[JsonlSink(out)])
    conv.start()
    conv.handle(line)
    return [json.loads(row) for row in out.getvalue().splitlines()]


def test_free_text_slot_values_are_redacted_in_logs(tmp_path: Path) -> None:
    events = logged(flow_in(tmp_path), "my date of birth is March 3rd 1980, Maria Lopez")
    filled = [e for e in events if e["event"] == "slot_filled"]
    assert filled and filled[0]["value"] == "[redacted]"
    assert "Maria" not in json.dumps(events) and "1980" not in json.dumps(events)


def test_an_author_can_say_a_text_slot_is_not_personal(tmp_path: Path) -> None:
    events = logged(flow_in(tmp_path, "    pii: false"), "rattling noise")
    filled = next(e for e in events if e["event"] == "slot_filled")
    assert filled["value"] == "rattling noise"


@pytest.mark.parametrize(
    "said",
    [
        '<speak><break time="10s"/>Camry</speak>',
        "<speak>Camry",
        "Camry</voice>",
        "&lt;break time='10s'/&gt;Camry",
        '<phoneme alphabet="ipa" ph="x">Camry</phoneme>',
    ],
)
def test_caller_markup_is_never_read_back_to_a_tts_engine(tmp_path: Path, said: str) -> None:
    conv = flow_in(tmp_path).new_conversation(now=NOW)
    conv.start()
    turn = conv.handle(said)
    assert "I wrote down: Camry." in turn.text
    assert "<" not in turn.text and ">" not in turn.text and "&lt;" not in turn.text


def test_action_results_are_spoken_as_plain_text(tmp_path: Path) -> None:
    conv = flow_in(tmp_path).new_conversation(now=NOW)
    conv.start()
    turn = conv.handle("rattling noise")
    assert "Booked under Smith & Co." in turn.text


def test_a_refused_value_does_not_blank_words_out_of_free_text() -> None:
    """ "RAV4": the 4 is not a model year the rule accepts — and stays in the model's name."""
    flow = flowagent.load_flow(ROOT / "examples" / "car_service" / "car_service.yaml")
    conv = flow.new_conversation(now=NOW)
    conv.start()
    conv.handle("toyota")
    turn = conv.handle("the RAV4 hybrid, call me at 555 123 4567")
    # (the words that only led to the phone number go with it: docs/slots/text.md)
    assert turn.slots["model"] == "the RAV4 hybrid"
    assert turn.slots["phone"] == "+15551234567"
