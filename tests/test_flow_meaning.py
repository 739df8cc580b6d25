"""A flow setting that could never take effect is a load error at its line, like a typo: a
`messages:` key no slot type reports, a condition value the slot can never hold, a rule on a
slot type it cannot judge. Settings that do take effect load as before."""

from __future__ import annotations

import pytest

import flowagent
from flowagent import FlowDefinitionError

FLOW = """\
flow: pets
start: ASK
hours: {days: [mon, tue, wed, thu, fri], open: "09:00", close: "17:00"}
slots:
  pet_name:
    type: text
    prompt: What's your pet's name?
    rules: [{rule: length, max: 30}]
  species:
    type: choice
    prompt: Dog or cat?
    choices:
      dog: [puppy]
      cat: {label: kitty cat, synonyms: [kitten]}
  phone:
    type: phone
    prompt: Your number?
    messages: {phone_too_short: That's short.}
  vaccinated:
    type: yesno
    prompt: Is it vaccinated?
states:
  ASK:
    kind: collect
    slots: [pet_name, species, phone, vaccinated]
    next: DONE
    transitions:
      - to: CATS
        when: {equals: {species: cat}, one_of: {vaccinated: [true]}}
  CATS: {kind: end, say: Cats!}
  DONE: {kind: end, say: Bye.}
  FALLBACK: {kind: end, outcome: fallback}
"""


def problems(text: str) -> list[str]:
    with pytest.raises(FlowDefinitionError) as err:
        flowagent.load_flow_text(text, "f.yaml")
    return [str(p) for p in err.value.problems]


def test_settings_that_take_effect_load() -> None:
    assert flowagent.load_flow_text(FLOW).name == "pets"


def test_a_misspelled_messages_key_is_an_error_naming_the_problem_it_meant() -> None:
    assert problems(FLOW.replace("phone_too_short:", "phone_to_short:")) == [
        "f.yaml:18:16: error: slots.phone.messages.phone_to_short: slot 'phone' never reports"
        " a problem named 'phone_to_short' (hint: did you mean 'phone_too_short'?)"
    ]


def test_a_messages_key_on_a_type_without_problems_is_an_error() -> None:
    text = FLOW.replace("    rules: [{rule: length, max: 30}]", "    messages: {too_long: Hm.}")
    assert "slot 'pet_name' never reports a problem named 'too_long'" in problems(text)[0]


def test_a_condition_on_a_misspelled_choice_can_never_hold() -> None:
    found = problems(FLOW.replace("equals: {species: cat}", "equals: {species: catt}"))
    assert found == [
        "f.yaml:29:25: error: states.ASK.transitions[0].when.equals.species: 'catt' is not a"
        " choice of slot 'species': the condition can never hold (hint: did you mean 'cat'?)"
    ]


def test_a_condition_on_a_choice_label_says_to_write_the_key() -> None:
    found = problems(FLOW.replace("equals: {species: cat}", "equals: {species: Kitty Cat}"))
    assert "'Kitty Cat' is how the choice 'cat' is said" in found[0]
    assert found[0].endswith("(hint: write 'cat')")


def test_a_one_of_condition_checks_every_value() -> None:
    found = problems(FLOW.replace("one_of: {vaccinated: [true]}", "one_of: {vaccinated: [yes]}"))
    assert "when.one_of.vaccinated[0]: slot 'vaccinated' is yes/no" in found[0]
    assert found[0].endswith("(hint: write true (no quotes))")


def test_a_one_of_rule_on_a_choice_slot_checks_its_values_are_keys() -> None:
    text = FLOW.replace(
        "synonyms: [kitten]}",
        "synonyms: [kitten]}\n    rules: [{rule: one_of, values: [dog, Puppy]}]",
    )
    found = problems(text)
    assert "slots.species.rules[0].values[1]: 'Puppy' is how the choice 'dog' is said" in found[0]


def test_a_rule_on_a_slot_type_it_cannot_judge_is_an_error() -> None:
    found = problems(FLOW.replace("{rule: length, max: 30}", "{rule: open_hours}"))
    assert found == [
        "f.yaml:8:14: error: slots.pet_name.rules[0].rule: rule 'open_hours' applies to"
        " datetime, time slots; slot 'pet_name' is text, so it would never fire"
        " (hint: move it to a slot of that type, or use length, pattern or one_of)"
    ]


def test_a_rule_applies_when_any_of_a_slots_types_can_take_it() -> None:
    text = FLOW.replace("    type: text\n", "    type: [date, text]\n").replace(
        "{rule: length, max: 30}", "{rule: not_past}"
    )
    assert flowagent.load_flow_text(text).name == "pets"


@pytest.mark.parametrize("hour", ["9:00", "09:00"])
def test_opening_hours_take_a_single_digit_hour(hour: str) -> None:
    flow = flowagent.load_flow_text(FLOW.replace('open: "09:00"', f"open: {hour}"))
    assert flow.spec.hours is not None and flow.spec.hours.open == "09:00"
