"""`Turn`: what one step of a conversation produced — the reply and where things stand."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flowagent.slots.base import SlotValue


@dataclass(frozen=True, slots=True)
class Turn:
    """The agent's reply to one caller utterance (or the greeting), and the state after it.

    - `expecting`: what the agent just asked for — a slot name, `"confirmation"`, `"change"`
      (after "what would you like to change?"), or None.
    - `outcome`: None until the conversation ends, then the end state's outcome
      (`"complete"`, `"fallback"`, `"no_input"`, `"handoff"`, `"cancelled"`, ...).
    - `event`: what kind of turn it was besides a normal answer: `"no_input"`, `"no_match"`,
      or a global command's name (`"repeat"`, `"help"`, `"hold"`, ...).
    - `path`: the transitions taken, as `(source, event, dest)`, for tests and coverage.
    - `marks`: what else happened, for coverage and logs: `rule:date.open_days`,
      `problem:contact.phone_too_short`, `clarify:time`, `no_match:name#2`, `no_input#1`,
      `command:help`, `action_error:BOOK`.
    - `interruptible`, `no_input_timeout`, `hold`: hints for a voice channel.
    - `saved`: with a store, whether this turn was on record before the reply was returned
      (False: the store failed, timed out or another writer holds the conversation — logged
      and reported as a `store_error` event); None without a store.
    """

    text: str
    state: str
    expecting: str | None
    ended: bool
    outcome: str | None
    index: int = 0
    user: str | None = None
    slots: dict[str, SlotValue] = field(default_factory=dict)
    expecting_type: str | None = None
    filled: tuple[str, ...] = ()
    event: str | None = None
    path: tuple[tuple[str, str, str], ...] = ()
    marks: tuple[str, ...] = ()
    interruptible: bool = True
    no_input_timeout: float = 6.0
    hold: bool = False
    saved: bool | None = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON row `flowagent run --json` prints for this turn."""
        return {
            "turn": self.index,
            "user": self.user,
            "reply": self.text,
            "state": self.state,
            "expecting": self.expecting,
            "slots": dict(self.slots),
            "ended": self.ended,
            "outcome": self.outcome,
        }
