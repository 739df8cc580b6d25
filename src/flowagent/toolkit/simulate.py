"""`flowagent simulate`: generated callers — cooperative, confused and adversarial — built
from the flow's own slot types, run against the flow to find crashes, conversations that do
not end, and branches no test reaches. Seeded, so every run can be replayed exactly;
interesting runs (those that reach something new) can be saved as conversation test files.

Actions never run for real unless `live_actions`: each conversation gets generated stand-ins
(`testing.fakes`), and in a few conversations (seeded) a stand-in fails or times out, so the
flow's error paths are reached too. A saved run declares what its actions did, so it replays.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

from flowagent.fakes import ActionOverride, FakeAction
from flowagent.flow import Flow
from flowagent.toolkit.testing.coverage import Coverage
from flowagent.toolkit.testing.fakes import action_states, stand_in

_NAMES = ["Maria", "John Smith", "Ana", "Priya Patel", "Tom Lee", "Wei Chen", "Olga", "Sam O'Brien"]
_DOMAINS = ["gmail dot com", "outlook dot com", "yahoo dot co dot uk", "example dot org"]
_DATES = [
    "tomorrow",
    "Friday",
    "next Tuesday",
    "December 3rd",
    "the 30th",
    "Sunday",
    "yesterday",
    "a week from today",
    "Wednesday the 2nd",
    "12/9",
    "March 15",
    "next year",
]
_TIMES = [
    "2pm",
    "10:30 in the morning",
    "at 3",
    "7 in the evening",
    "noon",
    "quarter past three",
    "2.30",
    "11am",
    "at 2",
]
_YES = ["yes", "yeah that's right", "correct", "sounds good"]
_NO = ["no", "nope", "not quite", "that's wrong"]
_GARBAGE = [
    "blorp",
    "um",
    "what",
    "I don't know",
    "banana",
    "zzzz",
    "",
    "   ",
    "🦷",
    "{{ name }}",
    "\x00\x1b[2J",
    "x" * 600,
    "asdf qwerty",
]
_COMMANDS = [
    "can you repeat that",
    "help",
    "hold on",
    "start over",
    "I want to talk to a real person",
    "never mind, cancel",
    # commands and requests inside real sentences
    "Oh, forget it, my wife already sorted it out, sorry to bother you",
    "Hold on one sec, I have to find my card",
    "Español, por favor",
    "Hi, I need to reschedule my appointment for Thursday",
    "Okay, never mind that, let's keep going",
]
_DIGITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
# How real callers talk besides answering (issue #11): questions, STT markers, fillers.
_QUESTIONS = [
    "what are your hours?",
    "how much does it cost?",
    "do you take insurance?",
    "where are you located?",
    "is there parking?",
    "how long will it take?",
    "why do you need that?",
    "do you guys work weekends?",
]
_MARKERS = ["[BLANK_AUDIO]", "[Music]", "(silence)", "[inaudible]", "(coughs)", "<unk>", "♪"]
_FILLERS = ["um, ", "uh ", "so, um, ", "okay so ", "let me see, it's "]
_NATO = [
    "alpha",
    "bravo",
    "charlie",
    "delta",
    "echo",
    "foxtrot",
    "golf",
    "hotel",
    "india",
    "juliet",
    "kilo",
    "lima",
    "mike",
    "november",
    "oscar",
    "papa",
    "quebec",
    "romeo",
    "sierra",
    "tango",
    "uniform",
    "victor",
    "whiskey",
    "x-ray",
    "yankee",
    "zulu",
]


def spell(word: str, rng: random.Random) -> str:
    """A word spelled as callers spell it: letters, some "as in" words, "double" letters."""
    out: list[str] = []
    i = 0
    while i < len(word):
        c = word[i]
        if not c.isalpha():
            out.append({".": "dot", "_": "underscore", "-": "dash"}.get(c, c))
        elif i + 1 < len(word) and word[i + 1] == c and rng.random() < 0.7:
            out.append(f"double {c}")
            i += 1
        elif rng.random() < 0.15:
            out.append(f"{c} as in {_NATO[ord(c.lower()) - 97]}")
        else:
            out.append(c)
        i += 1
    return (", " if rng.random() < 0.3 else " ").join(out)


@dataclass(slots=True)
class SimulationReport:
    conversations: int = 0
    crashes: list[str] = field(default_factory=list)
    unended: list[int] = field(default_factory=list)  # seeds of conversations that did not end
    outcomes: Counter[str] = field(default_factory=Counter)
    turns: list[int] = field(default_factory=list)
    saved: list[str] = field(default_factory=list)
    coverage: Coverage = field(default_factory=Coverage)
    live_actions: bool = False
    actions: Counter[str] = field(default_factory=Counter)  # returned / raised / timed out
    save_error: str | None = None  # why `save_dir` could not be written (saving then stopped)

    def format(self) -> str:
        avg = sum(self.turns) / len(self.turns) if self.turns else 0
        lines = [
            f"conversations  {self.conversations}",
            f"crashes        {len(self.crashes)}",
            f"unended        {len(self.unended)}",
            f"turns          average {avg:.1f}, max {max(self.turns, default=0)}",
            "outcomes       " + ", ".join(f"{k} {v}" for k, v in self.outcomes.most_common()),
        ]
        if self.actions:
            calls = ", ".join(f"{k} {v}" for k, v in self.actions.most_common())
            kind = "real actions (--live-actions)" if self.live_actions else "stand-ins"
            lines.append(f"actions        {kind}: {calls}")
        lines += [f"  crash: {c}" for c in self.crashes[:10]]
        lines.append(self.coverage.format())
        if self.saved:
            lines.append(f"saved {len(self.saved)} interesting runs: {', '.join(self.saved[:5])}")
        return "\n".join(lines)


_STALLS = ["can you repeat that", "help", "hold on", "what can I say"]


class Caller:
    """One generated caller: answers what is asked with probability `cooperation`, otherwise
    says something valid for another slot, garbage, silence, a command or a correction.

    `mode` adds two adversaries a fixed mix misses: a `flaky` caller who goes silent for good
    (the no-input limits), and a `stalling` one who only asks for repeats and help (the turn
    limit) — each from a random turn on."""

    def __init__(
        self, flow: Flow, rng: random.Random, cooperation: float, mode: str = "normal"
    ) -> None:
        self.flow = flow
        self.rng = rng
        self.cooperation = cooperation
        self.mode = mode
        self.switch_at = rng.randint(0, 12)
        self.turn = 0
        # Pieces still to say of an answer given over several turns, and the question
        # they answer ("four one five" … "five five five" … "zero one two three").
        self.queue: list[str] = []
        self.queue_for: str | None = None

    def value_for(self, slot: str) -> str:
        info = self.flow.compiled.slots[slot]
        kind = self.rng.choice(info.types)
        r = self.rng
        if kind == "date":
            return r.choice(_DATES)
        if kind == "time":
            hours = self.flow.compiled.hours
            if hours is not None and r.random() < 0.6:  # mostly times the business can take
                hour = r.randint(hours.open.hour, max(hours.open.hour, hours.close.hour - 1))
                return f"{hour % 12 or 12}{'pm' if hour >= 12 else 'am'}"
            return r.choice(_TIMES)
        if kind == "datetime":
            return f"{r.choice(_DATES)} at {r.choice(_TIMES)}"
        if kind == "phone" and r.random() < 0.1:
            return r.choice(["000 000 0000", "555 12", "555 123 4567 8910 222"])
        if kind == "email" and r.random() < 0.2:
            return f"{r.choice(_NAMES).split()[0].lower()} at gmail"  # no domain ending
        if kind == "phone":
            digits = "".join(r.choice("0123456789") for _ in range(r.choice([10, 10, 10, 7, 12])))
            digits = str(r.randint(2, 9)) + digits[1:]
            groups = [digits[:3], digits[3:6], digits[6:]]
            if r.random() < 0.4:
                groups = [" ".join(_DIGITS[int(d)] for d in g) for g in groups]
            if r.random() < 0.25 and self.queue_for is None:
                self.queue = groups[1:]  # said in pieces, a pause after each group
                self.queue_for = slot
                return groups[0]
            if r.random() < 0.1:
                return f"{digits[3:6]} {digits[6:]}, area code {digits[:3]}"
            if r.random() < 0.1:
                return f"{' '.join(groups)} extension {r.randint(1, 999)}"
            return " ".join(groups)
        if kind == "email":
            local = r.choice(_NAMES).split()[0].lower()
            if r.random() < 0.25:
                if r.random() < 0.4 and self.queue_for is None:
                    self.queue, self.queue_for = [f"at {r.choice(_DOMAINS)}"], slot
                    return spell(local, r)
                return f"{spell(local, r)} at {r.choice(_DOMAINS)}"
            return f"{local} at {r.choice(_DOMAINS)}"
        if kind == "name":
            name = r.choice(_NAMES)
            if r.random() < 0.05 and " " in name:  # both names, each spelled, with cues
                first, last = name.split(" ", 1)
                plain = last.lower().replace(chr(39), "")
                return f"it's {first}, last name {last}, that's {spell(plain, r)}"
            if r.random() < 0.15:
                return f"{name}, {spell(name.split()[-1].lower().replace(chr(39), ''), r)}"
            if r.random() < 0.1 and " " in name and self.queue_for is None:
                first, last = name.split(" ", 1)
                self.queue, self.queue_for = [last], "_surname"
                return f"my name is {first}"
            return r.choice(["", "my name is ", "this is ", "it's "]) + name
        if kind == "choice":
            choices = info.options.get("choices", {})
            key = r.choice(list(choices)) if choices else "something"
            options = [key.replace("_", " "), *choices.get(key, [])]
            return str(r.choice(options))
        if kind == "yesno":
            return r.choice(_YES + _NO)
        if kind == "number":
            bounds = next((rule.params for rule in info.rules if rule.name == "range"), {})
            low, high = int(bounds.get("min", 0)), int(bounds.get("max", 30))
            return str(r.randint(low, high) if r.random() < 0.9 else r.randint(0, 3 * high + 1))
        text = r.choice(
            ["nothing else", "please call before", "I have a bad knee", "12 Oak Street"]
        )
        if info.spec.multi_turn and r.random() < 0.5 and self.queue_for is None:
            self.queue, self.queue_for = (
                [r.choice(["apartment 4", "second floor"]), "that's it"],
                slot,
            )
        return text

    def _noise(self, line: str) -> str:
        """How STT and people dress up an answer: fillers, a marker beside it."""
        r = self.rng
        roll = r.random()
        if roll < 0.08 and line.strip():
            return r.choice(_FILLERS) + line
        if roll < 0.11 and line.strip():
            return f"{r.choice(_MARKERS)} {line}"
        return line

    def say(self, expecting: str | None) -> str:
        r = self.rng
        self.turn += 1
        if self.queue:
            if self.queue_for in (expecting, "_surname"):
                line = self.queue.pop(0)
                if not self.queue:
                    self.queue_for = None
                return line
            self.queue, self.queue_for = [], None
        roll = r.random()
        if roll < 0.04:
            return r.choice(_QUESTIONS)
        if roll < 0.07:
            return r.choice(_MARKERS)
        return self._noise(self._say(expecting))

    def _say(self, expecting: str | None) -> str:
        r = self.rng
        if self.mode != "normal" and self.turn > self.switch_at:
            return "" if self.mode == "flaky" else r.choice(_STALLS)
        slots = list(self.flow.compiled.collectable_slots)
        roll = r.random()
        if roll < self.cooperation:
            if expecting == "confirmation":
                return r.choice(_YES * 3 + _NO + [f"no, {self.value_for(r.choice(slots))}"])
            if expecting == "change":
                return (
                    r.choice(slots).replace("_", " ")
                    if r.random() < 0.7
                    else self.value_for(r.choice(slots))
                )
            if expecting in self.flow.compiled.slots:
                return self.value_for(expecting)
            picks = r.sample(slots, k=min(len(slots), r.randint(1, 3)))
            return ", ".join(self.value_for(s) for s in picks)  # over-informative
        if roll < self.cooperation + 0.08 and slots:
            return f"actually {self.value_for(r.choice(slots))}"
        if roll < self.cooperation + 0.15:
            return r.choice(_COMMANDS)
        return r.choice(_GARBAGE)


#: Share of simulated conversations in which an action stand-in fails, and times out.
STAND_IN_FAILURE = 0.05
STAND_IN_TIMEOUT = 0.03


def _action_plan(flow: Flow, rng: random.Random) -> dict[str, dict[str, Any]]:
    """What each action does in one simulated conversation (as a test file's `actions:`)."""
    plan: dict[str, dict[str, Any]] = {}
    for state in action_states(flow):
        roll = rng.random()
        if roll < STAND_IN_FAILURE:
            plan[state] = {"raises": "simulated failure"}
        elif roll < STAND_IN_FAILURE + STAND_IN_TIMEOUT:
            spec = flow.compiled.states[state].spec
            plan[state] = {"takes": float(spec.timeout or flow.spec.limits.action_timeout)}
        else:
            plan[state] = {"returns": dict(stand_in(flow).returns or {})}
    return plan


def _fakes(plan: dict[str, dict[str, Any]]) -> dict[str, ActionOverride]:
    return {state: FakeAction(**what) for state, what in plan.items()}


def _observed(flow: Flow, marks: list[str], results: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """What the real actions did in a live run, as fakes that replay it."""
    plan: dict[str, dict[str, Any]] = {}
    for mark in marks:
        kind, _, state = mark.partition(":")
        if kind == "action":
            plan[state] = {"returns": dict(results)}
        elif kind == "action_error":
            plan[state] = {"raises": "failed in the simulated run"}
    return plan


def simulate(
    flow: Flow,
    conversations: int = 1000,
    seed: int = 0,
    now: datetime | None = None,
    save_dir: Path | None = None,
    *,
    live_actions: bool = False,
) -> SimulationReport:
    """Run `conversations` generated callers. Actions run as stand-ins (some failing or
    timing out) unless `live_actions`, which calls the flow's real actions."""
    report = SimulationReport(live_actions=live_actions)
    report.coverage.add_flow(flow)
    key = flow.path or flow.name
    for i in range(conversations):
        rng = random.Random(seed * 1_000_003 + i)
        roll = rng.random()
        mode = "flaky" if roll < 0.04 else "stalling" if roll < 0.07 else "normal"
        caller = Caller(flow, rng, rng.choice([0.95, 0.8, 0.6, 0.3]), mode)
        plan = {} if live_actions else _action_plan(flow, random.Random(f"actions-{seed}-{i}"))
        conv = flow.new_conversation(
            now=now or datetime(2026, 11, 23, 10, 0),
            conversation_id=f"sim-{seed}-{i}",
            actions=_fakes(plan),
        )
        before = _seen(report.coverage, key)
        lines: list[str] = []
        marks: list[str] = []
        try:
            turn = conv.start()
            report.coverage.record(flow, turn)
            for _ in range(flow.max_turns + 5):
                if turn.ended:
                    break
                line = caller.say(turn.expecting)
                lines.append(line)
                answering = conv.context.state
                turn = conv.handle(line)
                marks += turn.marks
                report.coverage.record(flow, turn, answering)
        except Exception as err:  # the engine must never raise: report it, keep going
            report.crashes.append(f"seed {seed} conversation {i}: {type(err).__name__}: {err}")
            continue
        for mark in marks:
            if mark.startswith("action:"):
                report.actions["returned"] += 1
            elif mark.startswith("action_error:"):
                state = mark.partition(":")[2]
                timed_out = "takes" in plan.get(state, {})
                report.actions["timed out" if timed_out else "failed"] += 1
        report.conversations += 1
        report.turns.append(conv.context.turns)
        if not conv.ended:
            report.unended.append(i)
        report.outcomes[conv.outcome or "unended"] += 1
        if save_dir is not None and _seen(report.coverage, key) > before:
            if live_actions:
                plan = _observed(flow, marks, dict(conv.context.results))
            try:
                saved = _save(flow, save_dir, f"sim-{seed}-{i}", lines, now, plan)
            except OSError as err:  # the run goes on; the report says the runs were not saved
                report.save_error = f"cannot write runs to {save_dir}: {err.strerror or err}"
                save_dir = None
            else:
                report.saved.append(str(saved))
    return report


def _seen(coverage: Coverage, key: str) -> int:
    return sum(len(seen) for seen in coverage.flows[key].seen.values())


def _save(
    flow: Flow,
    directory: Path,
    name: str,
    lines: list[str],
    now: datetime | None,
    plan: dict[str, dict[str, Any]],
) -> Path:
    """Replay the run and write it as a conversation test pinning every turn's state, with
    what its actions did declared under `actions:`."""
    directory.mkdir(parents=True, exist_ok=True)
    complete = {s: {"returns": {}} for s in action_states(flow)} | plan
    conv = flow.new_conversation(now=now or datetime(2026, 11, 23, 10, 0), actions=_fakes(complete))
    conv.start()
    turns: list[dict[str, Any]] = []
    for line in lines:
        turn = conv.handle(line)
        expect: dict[str, Any] = {"state": turn.state, "expecting": turn.expecting}
        if turn.ended:
            expect.update(ended=True, outcome=turn.outcome)
        turns.append({"say": line, "expect": expect})
    flow_path = Path(flow.path).resolve() if flow.path else Path(flow.name)
    try:
        rel = str(flow_path.relative_to(directory.resolve()))
    except ValueError:
        import os

        rel = os.path.relpath(flow_path, directory.resolve())
    case: dict[str, Any] = {"name": name}
    if plan:
        case["actions"] = plan
    case["turns"] = turns
    doc = {
        "flow": rel,
        "now": (now or datetime(2026, 11, 23, 10, 0)).isoformat(timespec="minutes"),
        "cases": [case],
    }
    path = directory / f"{name}.flowtest.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path
