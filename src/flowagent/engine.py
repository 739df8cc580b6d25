"""`Conversation`: the turn pipeline.

    text in → clean → silence? too long? global command? → the state's behaviour
    (extract → validate → update context → fire on the shared machine) → reply out

A conversation is a `Context` plus a reference to its compiled flow; creating one builds no
machine. Nothing a caller says can raise out of `handle`: an unexpected internal error is
logged and the caller is routed to the fallback.

With a store, each turn is saved before its reply is returned, waiting at most the store's
timeout (see `flowagent.store.writer`); `Turn.saved` says whether it was on record in time,
and a failure is logged and reported to the sinks as a `store_error` event.
"""

from __future__ import annotations

import asyncio
import copy
import dataclasses
import logging
import time
import unicodedata
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from flowagent.answering import carries_value, handle_question
from flowagent.context import SNAPSHOT_FORMAT, Context, HistoryEntry
from flowagent.nonspeech import LOST_EDGE
from flowagent.observe import EventSink, store_event, turn_events
from flowagent.out_of_scope import foreign, language_request
from flowagent.redaction import described, error_fields, exc_info
from flowagent.scope import TurnScope
from flowagent.slots.base import ExtractContext, SlotValue
from flowagent.slots.invisible import strip_invisible
from flowagent.snapshot import validate_snapshot
from flowagent.store.writer import ConversationWriter, StoreResult
from flowagent.turn import Turn
from flowagent.wording import compose

if TYPE_CHECKING:
    from flowagent.compiled import CompiledFlow
    from flowagent.endpointing import AnswerStatus, Delays
    from flowagent.fakes import ActionOverride
    from flowagent.hints import RecognitionHints
    from flowagent.store.base import ConversationStore

log = logging.getLogger("flowagent.engine")

# Events that move a conversation forward (a slot filled is progress too).
_PROGRESS = frozenset({"next", "complete", "yes", "change", "success"})


def clean_text(text: str, limit: int) -> str:
    """NFKC, invisible characters removed by Unicode category (format, control, private-use,
    surrogate and default-ignorable characters; `flowagent.slots.invisible`), whitespace
    collapsed. Input far over the length limit is cut first so that normalising it stays
    cheap."""
    if len(text) > limit * 4:
        text = text[: limit * 4 + 1]
    text = strip_invisible(unicodedata.normalize("NFKC", text))
    return " ".join(text.split())


def _stamp() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


_warned_in_loop = False


def _note_sync_in_loop() -> None:
    global _warned_in_loop  # noqa: PLW0603 - one warning per process is enough
    _warned_in_loop = True


def _in_event_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


class Conversation:
    """One caller's conversation with a flow. Not thread-safe on its own; many conversations
    of one flow may run on many threads or tasks at once."""

    __slots__ = (
        "_actions",
        "_ctx",
        "_flow",
        "_last",
        "_settled",
        "_sinks",
        "_started_ns",
        "_store",
        "_store_results",
        "_writer",
        "resumed",
    )

    def __init__(
        self,
        flow: CompiledFlow,
        ctx: Context,
        store: ConversationStore | None = None,
        sinks: Sequence[EventSink] = (),
        resumed: bool = False,
        revision: int = 0,
        actions: Mapping[str, ActionOverride] | None = None,
    ) -> None:
        self._flow = flow
        #: Stand-ins for the flow's actions in this conversation, by action state.
        self._actions: Mapping[str, ActionOverride] = actions or {}
        self._ctx = ctx
        self._last: Turn | None = None
        # While an async turn awaits its action: the context as it was before the turn (what
        # a snapshot describes then, and what a cancelled turn leaves behind).
        self._settled: Context | None = None
        self._store = store
        self._writer = (
            ConversationWriter(store, ctx.conversation_id, revision) if store is not None else None
        )
        self._store_results: list[StoreResult] = []  # store failures not yet reported
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
        return self._persist(self._greet())

    async def start_async(self) -> Turn:
        """`start` for event loops: the greeting's save is awaited, never blocking the loop."""
        if self._ctx.started:
            return self.current_turn()
        return await self._persist_async(self._greet())

    def _greet(self) -> Turn:
        self._started_ns = time.perf_counter_ns()
        self._ctx.started = True
        scope = TurnScope(self._flow, self._ctx, actions=self._actions)
        self._guarded(scope, lambda: scope.enter(self._ctx.state))
        return self._finish(scope, None)

    def handle(self, text: str) -> Turn:
        """One caller utterance; `""` (or only whitespace) is silence, a no-input event.
        User actions run here, synchronously, with their timeout."""
        if not self._ctx.started:
            self.start()
        begun = self._begin(text, defer_actions=False)
        if isinstance(begun, Turn):
            return begun
        scope, clean = begun
        return self._persist(self._end(scope, clean))

    async def handle_async(self, text: str) -> Turn:
        """`handle` for event loops. The turn runs inline (it takes microseconds); a user
        action is awaited — a coroutine directly, a plain function in a worker thread — and
        so is the save, so neither a slow action nor a slow store blocks the loop.

        Cancelled while its action runs (the caller hung up), the turn leaves the
        conversation as it was before it — resting where the caller was last asked something,
        as stored — and the cancellation goes on (`CancelledError`). The action may have run
        in part or in full; see docs/operations.md."""
        if not self._ctx.started:
            await self.start_async()
        settled, last = self._ctx.copy(), self._last
        begun = self._begin(text, defer_actions=True)
        if isinstance(begun, Turn):
            return begun
        scope, clean = begun
        while scope.pending_action is not None and not self._ctx.ended:
            state, scope.pending_action = scope.pending_action, None
            self._settled = settled
            try:
                outcome = await scope.run_action_async(state)
            except asyncio.CancelledError:
                self._ctx.become(settled)
                self._last = last
                log.warning(
                    "turn cancelled while its action ran: the conversation is left as it was"
                    " before the turn",
                    extra={"conversation_id": self._ctx.conversation_id, "state": state},
                )
                raise
            except Exception as err:  # a flowagent bug around the action: a failed action
                log.error(
                    "action step failed: %s",
                    described(err),
                    exc_info=exc_info(err),
                    extra={
                        "conversation_id": self._ctx.conversation_id,
                        "state": state,
                        **error_fields(err),
                    },
                )
                outcome = False
            finally:
                self._settled = None
            self._guarded(scope, lambda s=state, ok=outcome: scope.after_action(s, ok))
        return await self._persist_async(self._end(scope, clean))

    def no_match(self) -> Turn:
        """Speech was heard but nothing usable came of it (e.g. an empty transcript): a
        no-match, not a silence."""
        if not self._ctx.started:
            self.start()
        if self._ctx.ended:
            return self._ended_turn("")
        self._started_ns = time.perf_counter_ns()
        self._ctx.turns += 1
        scope = TurnScope(self._flow, self._ctx, actions=self._actions)
        self._guarded(scope, lambda: scope.no_match(self._key(), None))
        return self._persist(self._finish(scope, ""))

    def _begin(self, text: str, defer_actions: bool) -> Turn | tuple[TurnScope, str]:
        ctx = self._ctx
        if ctx.ended:
            return self._ended_turn(text)
        limits = self._flow.spec.limits
        clean = clean_text(text if isinstance(text, str) else str(text), limits.max_utterance_chars)
        self._started_ns = time.perf_counter_ns()
        ctx.turns += 1
        ctx.add_history(HistoryEntry("user", clean, ctx.state, _stamp()))
        scope = TurnScope(self._flow, ctx, defer_actions=defer_actions, actions=self._actions)
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
                if self._writer is not None:  # bookkeeping: saved in the background
                    data = self._snapshot_to_save()
                    if isinstance(data, dict):
                        self._writer.save(data, wait=False)
                return

    def current_turn(self) -> Turn:
        """The last turn again (its reply is what the caller last heard)."""
        if self._last is not None:
            return self._last
        return self._make_turn(self._ctx.last_reply, None, (), None, ())

    def flush(self, timeout: float | None = None) -> bool:
        """Save the conversation as it stands and wait up to `timeout` seconds (default: the
        store's timeout) for it to be on record — e.g. when a call ends on a turn whose save
        timed out. True when it is stored (or there is no store to save to)."""
        if self._writer is None:
            return True
        data = self._snapshot_to_save()
        result = (
            self._writer.save(data, wait=True, timeout=timeout) if isinstance(data, dict) else data
        )
        if not result.ok:
            self._store_failed(result)
        return result.ok

    # --- persistence -----------------------------------------------------------------------
    def snapshot(self) -> dict[str, Any]:
        """A JSON-safe dict from which `Flow.restore` continues this conversation exactly.
        With a store it carries `revision`, the last revision known to be stored. Taken while
        an async turn awaits its action, it is the conversation as it was before that turn
        (a conversation never rests in an action state)."""
        data: dict[str, Any] = {
            "format": SNAPSHOT_FORMAT,
            "flow": self._flow.spec.flow,
            "flow_hash": self._flow.hash,
            "context": (self._settled or self._ctx).to_dict(),
        }
        # to_dict copies what it lists; the two values that may nest are copied here, so a
        # snapshot never shares anything with the live conversation (a store saves it later).
        context = data["context"]
        if context["results"]:
            context["results"] = copy.deepcopy(context["results"])
        if context["clarify"]:
            context["clarify"] = copy.deepcopy(context["clarify"])
        if self._writer is not None:
            data["revision"] = self._writer.revision
        return data

    @classmethod
    def from_snapshot(
        cls,
        flow: CompiledFlow,
        data: dict[str, Any],
        store: ConversationStore | None = None,
        sinks: Sequence[EventSink] = (),
        actions: Mapping[str, ActionOverride] | None = None,
    ) -> Conversation:
        """A conversation continuing from `snapshot()` data, checked against the snapshot
        schema and this flow first (see `flowagent.snapshot`). Raises SnapshotError naming
        the field that is wrong."""
        ctx, revision = validate_snapshot(flow, data)
        return cls(flow, ctx, store, sinks, resumed=True, revision=revision, actions=actions)

    # --- internals ---------------------------------------------------------------------------
    def _key(self) -> str:
        return self._ctx.expecting or self._ctx.state

    def _dispatch(self, scope: TurnScope, text: str) -> None:
        ctx = self._ctx
        text, marker = self._flow.markers.remove(text)
        if marker is not None:
            scope.marks.append(f"marker:{marker}")
        if not text and marker != "no_match":
            scope.no_input()
            return
        ctx.counters.no_input = 0
        if len(text) > self._flow.spec.limits.max_utterance_chars:
            attempt = ctx.counters.no_match.get(self._key(), 0) + 1
            scope.no_match(self._key(), scope.message("too_long", attempt))
            return
        if text and language_request(text):  # "Español, por favor": a person, at once
            scope.out_of_scope("language")
            return
        if text and self._flow.tasks.match(text, bool(ctx.slots)):  # "cancel my appointment"
            scope.out_of_scope("task")
            return
        found = self._flow.commands.find(text) if text else None
        # A command in one clause of a longer utterance whose other clauses carry a value is
        # not the caller's gist: "never mind that, it's Tuesday" corrects the day.
        if found is not None and not (found.rest and carries_value(scope, found.rest)):
            scope.command(found.command)
            return
        if marker == LOST_EDGE and self._whole_answer(scope, text):
            marker = None  # "[inaudible] 2 0 2 5 5 5 0 1 1 9": the number is whole
        if marker in ("no_match", LOST_EDGE):  # words were lost: what is left is unsure
            scope.no_match(self._key(), None)
            return
        if foreign(text):  # said in another language: never a value
            scope.marks.append("foreign")
            scope.no_match(self._key(), None)
            return
        if not handle_question(scope, text):
            scope.behaviour.handle(scope, text)
        if scope.filled or any(e in _PROGRESS for _, e, _ in scope.path):
            ctx.counters.unanswered = 0  # deflections count until the conversation moves on

    def _whole_answer(self, scope: TurnScope, text: str) -> bool:
        """After words were lost at an edge of the turn: whether `text` holds a whole answer
        to the slot asked, of a type that shows it is whole (a valid phone number, an
        email address). A name or a day might be missing the part that was lost."""
        info = self._flow.slots.get(self._ctx.expecting or "")
        if info is None or not {"phone", "email"} & set(info.types):
            return False
        ex_ctx = ExtractContext(
            now=self._ctx.now, region=self._flow.region, expected=True, options=info.options
        )
        for slot_type, extractor in zip(info.types, info.extractors, strict=False):
            if slot_type not in ("phone", "email"):
                continue
            found = extractor.extract(text, ex_ctx)
            if found is not None and found.ok:
                return True
        return False

    def _guarded(self, scope: TurnScope, step: Any) -> None:
        try:
            step()
        except Exception as err:  # a flowagent bug must not end the call: fall back gracefully
            log.error(
                "turn failed: %s",
                described(err),
                exc_info=exc_info(err),
                extra={
                    "conversation_id": self._ctx.conversation_id,
                    "state": self._ctx.state,
                    **error_fields(err),
                },
            )
            ctx = self._ctx
            fallback = self._flow.fallback
            scope.say(scope.message("action_error"))
            if fallback and ctx.state != fallback and not ctx.ended:
                ctx.state = fallback
                try:
                    scope.enter(fallback)
                    return
                except Exception as err:
                    log.error("fallback failed: %s", described(err), exc_info=exc_info(err))
            scope.finish("error")

    def _finish(self, scope: TurnScope, user: str | None) -> Turn:
        """Close the turn: the reply into the history, the `Turn` built. Not yet saved."""
        ctx = self._ctx
        reply = compose(scope.parts)
        if reply:
            ctx.last_reply = reply
        ctx.add_history(HistoryEntry("agent", reply, ctx.state, _stamp(), scope.event))
        ctx.keep_within_limits()
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
        return turn

    def _persist(self, turn: Turn) -> Turn:
        """Save before the reply leaves (a reply the caller heard is on record), waiting at
        most the store's timeout; then the events. Inside a running event loop a sync call
        does not wait: blocking the loop would stall every other call on it."""
        if self._writer is not None:
            wait = not _in_event_loop()
            if not wait and not _warned_in_loop:
                _note_sync_in_loop()
                log.warning(
                    "a synchronous turn inside an event loop: its save is not waited for"
                    " (use start_async/handle_async)",
                    extra={"conversation_id": self._ctx.conversation_id},
                )
            data = self._snapshot_to_save()
            if isinstance(data, dict):
                turn = self._saved(turn, self._writer.save(data, wait=wait), wait)
            else:
                turn = self._saved(turn, data, True)
        self._emit(turn)
        return turn

    async def _persist_async(self, turn: Turn) -> Turn:
        if self._writer is not None:
            data = self._snapshot_to_save()
            result = await self._writer.save_async(data) if isinstance(data, dict) else data
            turn = self._saved(turn, result, True)
        self._emit(turn)
        return turn

    def _snapshot_to_save(self) -> dict[str, Any] | StoreResult:
        """The snapshot to store, or — should building it fail (a context changed by hand
        past what can be stored) — a failed save to report: never raised out of a turn."""
        try:
            return self.snapshot()
        except Exception as err:
            log.error(
                "snapshot failed: %s",
                described(err),
                exc_info=exc_info(err),
                extra={"conversation_id": self._ctx.conversation_id, **error_fields(err)},
            )
            return StoreResult(
                "save", "error", f"the conversation could not be snapshotted: {type(err).__name__}"
            )

    def _saved(self, turn: Turn, result: StoreResult, waited: bool) -> Turn:
        if waited and not result.ok:
            self._store_failed(result)
        turn = dataclasses.replace(turn, saved=result.ok)
        self._last = turn
        return turn

    def _store_failed(self, result: StoreResult) -> None:
        log.warning(
            "conversation not saved: %s" if result.operation == "save" else "store load failed: %s",
            result.detail,
            extra={
                "conversation_id": self._ctx.conversation_id,
                "operation": result.operation,
                "reason": result.reason,
            },
        )
        self._store_results.append(result)

    def _emit(self, turn: Turn) -> None:
        results = self._store_results
        if self._writer is not None:
            results += self._writer.take_late()
        self._store_results = []
        if not self._sinks:
            return
        elapsed = (time.perf_counter_ns() - self._started_ns) / 1e6
        events = turn_events(self._flow, self._ctx, turn, elapsed)
        events += [store_event(self._flow.spec.flow, self._ctx, r) for r in results]
        for event in events:
            for sink in self._sinks:
                try:
                    sink.emit(event)
                except Exception as err:
                    log.error("event sink failed: %s", described(err), exc_info=exc_info(err))

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
            no_input_timeout=flow.spec.limits.piece_timeout
            if ctx.pending is not None
            else state.voice.no_input_timeout or flow.spec.limits.no_input_timeout,
            hold=hold,
            marks=marks,
        )
