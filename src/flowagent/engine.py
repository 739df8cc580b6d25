"""`Conversation`: the turn pipeline.

    text in → clean → silence? too long? global command? → the state's behaviour
    (extract → validate → update context → fire on the shared machine) → reply out

A conversation is a `Context` plus a reference to its compiled flow; creating one builds no
machine. Nothing a caller says can raise out of `handle`: an unexpected internal error is
logged and the caller is routed to the fallback.
"""

from __future__ import annotations

import logging
import re
import time
import unicodedata
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from flowagent.context import SNAPSHOT_FORMAT, Context, HistoryEntry
from flowagent.errors import SnapshotError
from flowagent.observe import EventSink, turn_events
from flowagent.scope import TurnScope
from flowagent.slots.base import SlotValue
from flowagent.turn import Turn

if TYPE_CHECKING:
    from flowagent.compiler import CompiledFlow
    from flowagent.endpointing import AnswerStatus, Delays
    from flowagent.hints import RecognitionHints
    from flowagent.store.base import ConversationStore

log = logging.getLogger("flowagent.engine")

_INVISIBLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\u2060\ufeff]")


def clean_text(text: str, limit: int) -> str:
    """NFKC, control and zero-width characters removed, whitespace collapsed. Input far over
    the length limit is cut first so that normalising it stays cheap."""
    if len(text) > limit * 4:
        text = text[: limit * 4 + 1]
    text = _INVISIBLE.sub(" ", unicodedata.normalize("NFKC", text))
    return " ".join(text.split())


def _stamp() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


class Conversation:
    """One caller's conversation with a flow. Not thread-safe on its own; many conversations
    of one flow may run on many threads or tasks at once."""

    __slots__ = ("_ctx", "_flow", "_last", "_sinks", "_started_ns", "_store", "resumed")

    def __init__(
        self,
        flow: CompiledFlow,
        ctx: Context,
        store: ConversationStore | None = None,
        sinks: Sequence[EventSink] = (),
        resumed: bool = False,
    ) -> None:
        self._flow = flow
        self._ctx = ctx
        self._last: Turn | None = None
        self._store = store
        self._sinks = tuple(sinks)
        self._started_ns = 0
        #: True when this conversation was restored from a store or snapshot.
        self.resumed = resumed

    # --- reading -------------------------------------------------------------------------
    @property
    def conversation_id(self) -> str:
        return self._ctx.conversation_id

    @property
    def state(self) -> str:
        return self._ctx.state

    @property
    def slots(self) -> dict[str, SlotValue]:
        """A copy of the filled slots, normalised (`YYYY-MM-DD`, `HH:MM`, E.164, ...)."""
        return dict(self._ctx.slots)

    @property
    def expecting(self) -> str | None:
        return self._ctx.expecting

    @property
    def ended(self) -> bool:
        return self._ctx.ended

    @property
    def outcome(self) -> str | None:
        return self._ctx.outcome

    @property
    def context(self) -> Context:
        """The live context (slots, counters, history). Read it; change it at your own risk."""
        return self._ctx

    @property
    def last_turn(self) -> Turn | None:
        return self._last

    def answer_status(self, partial_text: str) -> AnswerStatus:
        """Whether the caller's words so far completely answer what the agent just asked
        (`complete`), clearly are not finished (`incomplete`), or neither (`normal`); for a
        voice channel's endpointing. Reads only; never raises. See `flowagent.endpointing`."""
        from flowagent.endpointing import answer_status

        return answer_status(self._flow, self._ctx, partial_text)

    def recognition_hints(self) -> RecognitionHints | None:
        """What the speech recogniser should listen for next: the expected slot's types, an
        example answer for types where that helps, a choice's labels and synonyms; yes/no for
        a confirmation; None when nothing in particular is expected. See `flowagent.hints`."""
        from flowagent.hints import hints_for

        expecting = self._ctx.expecting
        if self._ctx.ended or not expecting:
            return None
        if expecting == "confirmation":
            return hints_for(["yesno"])
        info = self._flow.slots.get(expecting)
        if info is None:
            return None
        return hints_for(info.types, info.options, info.labels)

    def endpointing_delays(self) -> Delays:
        """The silence (s) to wait per answer status in the current state: the state's
        `voice.endpointing` `min` (complete) and `max` (incomplete), else the defaults."""
        from flowagent.endpointing import delays

        spec = self._flow.states[self._ctx.state].spec.voice.endpointing
        return delays(spec.min, spec.max) if spec is not None else delays()

    # --- talking -------------------------------------------------------------------------
    def start(self) -> Turn:
        """Enter the start state and return the greeting. Calling it again returns the
        current turn again (used when resuming a stored conversation)."""
        if self._ctx.started:
            return self.current_turn()
        self._started_ns = time.perf_counter_ns()
        self._ctx.started = True
        scope = TurnScope(self._flow, self._ctx)
        self._guarded(scope, lambda: scope.enter(self._ctx.state))
        return self._finish(scope, None)

    def handle(self, text: str) -> Turn:
        """One caller utterance; `""` (or only whitespace) is silence, a no-input event.
        User actions run here, synchronously, with their timeout."""
        begun = self._begin(text, defer_actions=False)
        if isinstance(begun, Turn):
            return begun
        scope, clean = begun
        return self._end(scope, clean)

    async def handle_async(self, text: str) -> Turn:
        """`handle` for event loops. The turn runs inline (it takes microseconds); a user
        action is awaited — a coroutine directly, a plain function in a worker thread — so a
        slow action never blocks the loop."""
        begun = self._begin(text, defer_actions=True)
        if isinstance(begun, Turn):
            return begun
        scope, clean = begun
        while scope.pending_action is not None and not self._ctx.ended:
            state, scope.pending_action = scope.pending_action, None
            outcome = await scope.run_action_async(state)
            self._guarded(scope, lambda s=state, ok=outcome: scope.after_action(s, ok))
        return self._end(scope, clean)

    def no_match(self) -> Turn:
        """Speech was heard but nothing usable came of it (e.g. an empty transcript): a
        no-match, not a silence."""
        if not self._ctx.started:
            self.start()
        if self._ctx.ended:
            return self._ended_turn("")
        self._started_ns = time.perf_counter_ns()
        self._ctx.turns += 1
        scope = TurnScope(self._flow, self._ctx)
        self._guarded(scope, lambda: scope.no_match(self._key(), None))
        return self._finish(scope, "")

    def _begin(self, text: str, defer_actions: bool) -> Turn | tuple[TurnScope, str]:
        if not self._ctx.started:
            self.start()
        ctx = self._ctx
        if ctx.ended:
            return self._ended_turn(text)
        limits = self._flow.spec.limits
        clean = clean_text(text if isinstance(text, str) else str(text), limits.max_utterance_chars)
        self._started_ns = time.perf_counter_ns()
        ctx.turns += 1
        ctx.history.append(HistoryEntry("user", clean, ctx.state, _stamp()))
        scope = TurnScope(self._flow, ctx, defer_actions=defer_actions)
        self._guarded(scope, lambda: self._dispatch(scope, clean))
        return scope, clean

    def _end(self, scope: TurnScope, clean: str) -> Turn:
        ctx = self._ctx
        if not ctx.ended and ctx.turns >= self._flow.spec.limits.max_turns:
            self._guarded(scope, lambda: scope.fire("max_turns"))
        return self._finish(scope, clean)

    def mark_interrupted(self, text: str | None = None) -> None:
        """The caller barged in over an agent reply: mark it cut in the history — the last
        reply, or the last one whose text starts like `text` (a voice channel may report
        the cut after later turns were added)."""
        probe = (text or "").strip()[:40]
        for entry in reversed(self._ctx.history):
            if entry.role == "agent" and (not probe or entry.text.startswith(probe)):
                entry.interrupted = True
                if self._store is not None:
                    self._save()
                return

    def current_turn(self) -> Turn:
        """The last turn again (its reply is what the caller last heard)."""
        if self._last is not None:
            return self._last
        return self._make_turn(self._ctx.last_reply, None, (), None, ())

    # --- persistence -----------------------------------------------------------------------
    def snapshot(self) -> dict[str, Any]:
        """A JSON-safe dict from which `Flow.restore` continues this conversation exactly."""
        return {
            "format": SNAPSHOT_FORMAT,
            "flow": self._flow.spec.flow,
            "flow_hash": self._flow.hash,
            "context": self._ctx.to_dict(),
        }

    @classmethod
    def from_snapshot(
        cls,
        flow: CompiledFlow,
        data: dict[str, Any],
        store: ConversationStore | None = None,
        sinks: Sequence[EventSink] = (),
    ) -> Conversation:
        if not isinstance(data, dict) or "context" not in data:
            raise SnapshotError("not a flowagent snapshot (no 'context')")
        if data.get("format") != SNAPSHOT_FORMAT:
            raise SnapshotError(
                f"snapshot format {data.get('format')!r} is not supported "
                f"(this flowagent writes format {SNAPSHOT_FORMAT})"
            )
        if data.get("flow") != flow.spec.flow or data.get("flow_hash") != flow.hash:
            raise SnapshotError(
                f"snapshot was taken with flow {data.get('flow')!r} "
                f"(hash {data.get('flow_hash')}), not with this flow {flow.spec.flow!r} "
                f"(hash {flow.hash}); resuming it here could ask the wrong questions"
            )
        try:
            ctx = Context.from_dict(data["context"])
        except (KeyError, TypeError, ValueError) as err:
            raise SnapshotError(f"snapshot context is malformed: {err}") from err
        if ctx.state not in flow.states:
            raise SnapshotError(f"snapshot state {ctx.state!r} is not in this flow")
        return cls(flow, ctx, store, sinks, resumed=True)

    # --- internals ---------------------------------------------------------------------------
    def _key(self) -> str:
        return self._ctx.expecting or self._ctx.state

    def _dispatch(self, scope: TurnScope, text: str) -> None:
        ctx = self._ctx
        if not text:
            scope.no_input()
            return
        ctx.counters.no_input = 0
        if len(text) > self._flow.spec.limits.max_utterance_chars:
            attempt = ctx.counters.no_match.get(self._key(), 0) + 1
            scope.no_match(self._key(), scope.message("too_long", attempt))
            return
        command = self._flow.commands.match(text)
        if command is not None:
            scope.command(command)
            return
        scope.behaviour.handle(scope, text)

    def _guarded(self, scope: TurnScope, step: Any) -> None:
        try:
            step()
        except Exception:  # a flowagent bug must not end the call: fall back gracefully
            log.exception(
                "turn failed",
                extra={"conversation_id": self._ctx.conversation_id, "state": self._ctx.state},
            )
            ctx = self._ctx
            fallback = self._flow.fallback
            scope.say(scope.message("action_error"))
            if fallback and ctx.state != fallback and not ctx.ended:
                ctx.state = fallback
                try:
                    scope.enter(fallback)
                    return
                except Exception:
                    log.exception("fallback failed")
            scope.finish("error")

    def _finish(self, scope: TurnScope, user: str | None) -> Turn:
        ctx = self._ctx
        reply = " ".join(scope.parts)
        if reply:
            ctx.last_reply = reply
        ctx.history.append(HistoryEntry("agent", reply, ctx.state, _stamp(), scope.event))
        turn = self._make_turn(
            reply,
            user,
            tuple(scope.filled),
            scope.event,
            tuple(scope.path),
            scope.hold,
            tuple(scope.marks),
            scope.interruptible,
        )
        self._last = turn
        if self._store is not None:
            self._save()
        if self._sinks:
            self._emit(turn)
        return turn

    def _save(self) -> None:
        """Persist before the reply leaves: a reply the caller heard is always on record."""
        assert self._store is not None
        try:
            self._store.save(self._ctx.conversation_id, self.snapshot())
        except Exception:  # a store outage degrades durability; it must not drop the call
            log.exception(
                "saving the conversation failed",
                extra={"conversation_id": self._ctx.conversation_id},
            )

    def _emit(self, turn: Turn) -> None:
        elapsed = (time.perf_counter_ns() - self._started_ns) / 1e6
        for event in turn_events(self._flow, self._ctx, turn, elapsed):
            for sink in self._sinks:
                try:
                    sink.emit(event)
                except Exception:
                    log.exception("event sink failed")

    def _ended_turn(self, user: str) -> Turn:
        return self._make_turn("", user, (), "ended", ())

    def _make_turn(
        self,
        text: str,
        user: str | None,
        filled: tuple[str, ...],
        event: str | None,
        path: tuple[tuple[str, str, str], ...],
        hold: bool = False,
        marks: tuple[str, ...] = (),
        interruptible: bool = True,
    ) -> Turn:
        ctx, flow = self._ctx, self._flow
        state = flow.states[ctx.state].spec
        expecting = ctx.expecting
        slot = flow.slots.get(expecting or "")
        return Turn(
            text=text,
            state=ctx.state,
            expecting=expecting,
            ended=ctx.ended,
            outcome=ctx.outcome,
            index=ctx.turns,
            user=user,
            slots=dict(ctx.slots),
            expecting_type=slot.types[0] if slot is not None else None,
            filled=filled,
            event=event,
            path=path,
            interruptible=state.voice.interruptible and interruptible,
            no_input_timeout=state.voice.no_input_timeout or flow.spec.limits.no_input_timeout,
            hold=hold,
            marks=marks,
        )
