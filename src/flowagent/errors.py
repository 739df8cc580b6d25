"""Every error flowagent raises on purpose.

    FlowagentError                      base: catch this to catch them all
    ├── FlowDefinitionError             a flow file is broken (file, line, field, hint)
    │   └── FlowCheckError              the flow loads but its graph is unsound
    ├── SnapshotError                   a snapshot cannot be restored into this flow
    ├── StoreError                      a store is unavailable, misconfigured or corrupt
    │   └── StoreConflict               another writer saved the conversation first
    ├── ActionError                     a user action raised or timed out
    └── ExtensionError                  a user slot type, validator or action is misregistered

Runtime problems caused by the *caller* (garbage, silence, odd Unicode) are never errors:
the engine turns them into reprompts. Only the author's and the host's mistakes raise.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class FlowagentError(Exception):
    """Base class of every error flowagent raises on purpose."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a flow file, with where it is."""

    message: str
    file: str | None = None
    line: int | None = None
    column: int | None = None
    field: str | None = None
    hint: str | None = None
    severity: str = "error"

    def location(self) -> str:
        where = self.file or "<flow>"
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return where

    def __str__(self) -> str:
        text = f"{self.location()}: {self.severity}: "
        if self.field:
            text += f"{self.field}: "
        text += self.message
        if self.hint:
            text += f" (hint: {self.hint})"
        return text


@dataclass(eq=False)
class FlowDefinitionError(FlowagentError):
    """Raised by `load_flow` when a flow file cannot be parsed, validated or compiled.

    `problems` lists every problem found (not just the first), each with file, line and field.
    The first problem's location is mirrored in `file`, `line` and `field`.
    """

    problems: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(str(self))

    @property
    def file(self) -> str | None:
        return self.problems[0].file if self.problems else None

    @property
    def line(self) -> int | None:
        return self.problems[0].line if self.problems else None

    @property
    def field(self) -> str | None:
        return self.problems[0].field if self.problems else None

    def __str__(self) -> str:
        if not self.problems:
            return "invalid flow"
        if len(self.problems) == 1:
            return str(self.problems[0])
        return f"{len(self.problems)} problems:\n" + "\n".join(f"  {p}" for p in self.problems)


class FlowCheckError(FlowDefinitionError):
    """Raised when a flow parses and validates but its graph is unsound (e.g. a state with no
    way out, a transition to an unknown state, a template naming an unknown slot)."""


class SnapshotError(FlowagentError):
    """Raised by `Flow.restore` when a snapshot is malformed, from another flow, or from an
    incompatible version of this flow."""


class ConversationIdError(FlowagentError, ValueError):
    """Raised by `Flow.new_conversation` (and `resume_or_new`) for a conversation id that no
    store could save and resume: not text, or longer than `context.MAX_ID_CHARS`."""


class StoreError(FlowagentError):
    """Raised by a store when its URL is malformed or its backend is unavailable, locked,
    unreadable or corrupt; the message says which store and why, never a raw driver error.
    The engine catches it during a call (the call goes on); the CLI prints it."""


class StoreConflict(StoreError):
    """Raised by `ConversationStore.save` when the stored conversation is not the revision
    the new snapshot follows: another writer (a second worker on the same call id, or a
    fresh conversation reusing an id) saved it first. Nothing was written.

    `expected` is the revision the save followed; `found` the stored one; `writer` the token
    of the writer that stored it (`""` when unknown)."""

    def __init__(self, conversation_id: str, expected: int, found: int, writer: str = "") -> None:
        if found < 1:  # a record without a readable revision: never overwritten
            why = (
                "a stored record this flow could not read is in the way (delete it to reuse the id)"
            )
        else:
            why = f"stored revision {found}, this writer expected {expected or 'none'}"
        super().__init__(f"conversation {conversation_id!r} was saved by another writer ({why})")
        self.conversation_id = conversation_id
        self.expected = expected
        self.found = found
        self.writer = writer


class ActionError(FlowagentError):
    """Raised inside the engine when a user action raises or times out. The engine catches it,
    logs it and routes the conversation to the fallback state; callers never see it.

    `reason` says what went wrong without any value the action was given or returned (`raised
    CalendarError at booking.py:41 in book`, `timed out after 5s`); `error` is the message of
    the exception the action raised, which may quote personal data — it is logged only in
    the record's structured `error` field (see `flowagent.redaction`)."""

    def __init__(self, action: str, reason: str, error: str | None = None) -> None:
        super().__init__(f"action {action!r} failed: {reason}")
        self.action = action
        self.reason = reason
        self.error = error


class ExtensionError(FlowagentError):
    """Raised when a user-registered slot type, validator or action is invalid or unknown."""
