"""`FlowAgent`: a flow as a LiveKit `Agent`.

- speaks the greeting on entry, answers each final user transcript with the flow's reply
  (through `FlowLLM`, so no model is needed), and ends the session after a final line;
- silence: once the agent has finished speaking and the caller says nothing for the state's
  `no_input_timeout`, the engine gets a no-input event; "hold on" pauses that timer until the
  caller speaks again; speech the STT could not transcribe counts as a no-match;
- barge-in: per state (`voice.interruptible`); a cut reply is marked in the history;
- keypad: DTMF digits feed phone and number slots, `#` ends the entry;
- a `handoff` outcome calls the host's hook with the slots so far (e.g. to transfer the call);
- endpointing (`endpointing=True`): the flow decides when the caller's turn is over — soon
  after a complete answer, later while a number is half said (`flowagent.livekit.turns`);
- recognition hints (`hints=True`): after each turn, what the flow expects next goes to the
  STT (`flowagent.livekit.hints`);
- each answered turn logs `voice response` with end of speech → first audio and the
  endpointing decision, and sends a `voice_response` event to the sinks (metrics).
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import Any

from livekit.agents import Agent
from livekit.agents.utils import is_given
from livekit.agents.voice.events import (
    AgentStateChangedEvent,
    ConversationItemAddedEvent,
    SpeechCreatedEvent,
    UserStateChangedEvent,
    UserTranscriptionTimeoutEvent,
)
from livekit.agents.voice.speech_handle import SpeechHandle

from flowagent.endpointing import delays
from flowagent.engine import Conversation
from flowagent.flow import Flow
from flowagent.livekit.hints import send_hints
from flowagent.livekit.llm import FlowLLM
from flowagent.livekit.turns import FlowTurnDetector
from flowagent.observe import EventSink, FlowEvent
from flowagent.slots.base import SlotValue
from flowagent.store.base import ConversationStore
from flowagent.turn import Turn

log = logging.getLogger("flowagent.livekit")

#: Called with the slots so far when a conversation ends in a handoff.
HandoffHook = Callable[[dict[str, SlotValue]], Awaitable[None] | None]
_DIGIT_TYPES = {"phone", "number"}


def _resume(
    flow: Flow, conversation_id: str, store: ConversationStore, sinks: Sequence[EventSink]
) -> Conversation | None:
    """The stored conversation, or None when there is none *or the store cannot be read*: a
    store outage at call start degrades to a fresh conversation (logged), never a lost call."""
    try:
        return flow.resume(conversation_id, store, sinks=sinks)
    except Exception as err:  # any store or snapshot failure: the call goes on
        log.warning(
            "cannot resume the stored conversation; starting it afresh",
            extra={
                "flowagent": {
                    "event": "resume_failed",
                    "conversation_id": conversation_id,
                    "error": type(err).__name__,
                }
            },
        )
        return None


class FlowAgent(Agent):
    """A LiveKit agent driven by a flowagent flow. `agent.conversation` is the engine
    conversation (state, slots, outcome) for the host application to read."""

    def __init__(
        self,
        flow: Flow,
        *,
        now: datetime | None = None,
        conversation: Conversation | None = None,
        conversation_id: str | None = None,
        store: ConversationStore | None = None,
        sinks: Sequence[EventSink] = (),
        on_handoff: HandoffHook | None = None,
        end_session: bool = True,
        endpointing: bool = True,
        hints: bool = True,
    ) -> None:
        self.flow = flow
        resumed = None
        if conversation is None and store is not None and conversation_id:
            resumed = _resume(flow, conversation_id, store, sinks)  # a restarted job
        self.conversation = (
            conversation
            or resumed
            or flow.new_conversation(
                now=now, conversation_id=conversation_id, store=store, sinks=sinks
            )
        )
        self.on_handoff = on_handoff
        self.hints = hints
        self._sinks = tuple(sinks)
        self.end_session = end_session
        self.last_turn: Turn | None = None
        self.engine_ms: list[float] = []  # engine wall time per turn, for metrics
        self.engine_cpu_ms: list[float] = []  # engine CPU time per turn
        self.response_ms: list[float] = []  # end of caller speech → first agent audio
        self._user_stopped = 0.0
        self._timer: asyncio.TimerHandle | None = None
        self._holding = False
        self._speech: SpeechHandle | None = None
        self._dtmf = ""
        self._ending = False
        self._tasks: set[asyncio.Future[None]] = set()
        #: the turn detector's latest decision on the caller's words: (status, delay in s)
        self.endpointing: tuple[str, float] | None = None
        #: per caller turn answered, the decision that ended it (None: no detector was asked)
        self.endpointing_log: list[tuple[str, float] | None] = []
        self._turn_endpointing: tuple[str, float] | None = None
        # LiveKit's preemptive generation would run the engine on words the caller has not
        # finished (the flow's reply is ~1 ms, so it saves nothing): the engine hears each
        # turn once, when LiveKit commits it.
        turn_handling: Any = {"preemptive_generation": {"enabled": False}}
        self._turns: FlowTurnDetector | None = None
        if endpointing:  # slot-aware end of turn (flowagent.endpointing) through LiveKit's hook
            self._turns = FlowTurnDetector()
            self._turns.agent = self
            start = delays()
            turn_handling["turn_detection"] = self._turns
            turn_handling["endpointing"] = {
                "mode": "fixed",
                "min_delay": start.complete,
                "max_delay": start.incomplete,
            }
        super().__init__(
            instructions=f"flowagent flow {flow.name!r}",
            llm=FlowLLM(self._respond),
            turn_handling=turn_handling,
        )

    # --- lifecycle ---------------------------------------------------------------------
    async def on_enter(self) -> None:
        session = self.session
        session.on("agent_state_changed", self._on_agent_state)
        session.on("user_state_changed", self._on_user_state)
        session.on("conversation_item_added", self._on_item)
        session.on("speech_created", self._on_speech_created)
        session.on("user_transcription_timeout", self._on_unheard)
        self._watch_stt(True)
        self._watch_dtmf()
        conv = self.conversation
        turn = conv.current_turn() if conv.context.started else conv.start()
        self._speak(turn)

    async def on_exit(self) -> None:
        self._cancel_timer()
        self._watch_stt(False)

    def _watch_stt(self, on: bool) -> None:
        """Let the turn detector see when a batch STT finishes each recognition."""
        if self._turns is None:
            return
        self._turns.transcripts.watch(self.stt if is_given(self.stt) else self.session.stt, on)

    # --- turns ---------------------------------------------------------------------------
    async def _respond(self, text: str) -> str:
        """FlowLLM's responder: one caller utterance in, the flow's reply out."""
        self._cancel_timer()
        self._holding = False
        self._turn_endpointing, self.endpointing = self.endpointing, None
        self.endpointing_log.append(self._turn_endpointing)
        started = (time.perf_counter(), time.thread_time())
        turn = await self.conversation.handle_async(text)
        self._record(turn, started)
        if self._speech is not None:
            self._speech.allow_interruptions = turn.interruptible
            self._after(turn, self._speech)
        else:
            self._after(turn, None)
        return turn.text

    def _speak(self, turn: Turn) -> None:
        if not turn.text:
            self._after(turn, None)
            return
        handle = self.session.say(turn.text, allow_interruptions=turn.interruptible)
        self._after(turn, handle)

    def _record(self, turn: Turn, started: tuple[float, float]) -> None:
        # Wall time includes waiting for the GIL while VAD/STT threads run; thread CPU time
        # is the engine's own work. Both are kept.
        elapsed = (time.perf_counter() - started[0]) * 1e3
        self.engine_ms.append(elapsed)
        self.engine_cpu_ms.append((time.thread_time() - started[1]) * 1e3)
        log.info(
            "flow turn",
            extra={
                "flowagent": {
                    "event": "voice_turn",
                    "engine_ms": round(elapsed, 3),
                    "state": turn.state,
                    "endpointing": self._turn_endpointing[0] if self._turn_endpointing else None,
                    "conversation_id": self.conversation.conversation_id,
                }
            },
        )

    def note_endpointing(self, status: str, delay: float) -> None:
        """Record the endpointing decision for the caller's current words (FlowTurnDetector)."""
        self.endpointing = (str(status), delay)

    def _tune_endpointing(self) -> None:
        """The new state's short delay becomes LiveKit's `min_delay` for the next answer."""
        d = self.conversation.endpointing_delays()
        opts: Any = {"mode": "fixed", "min_delay": d.complete, "max_delay": d.incomplete}
        with contextlib.suppress(RuntimeError):  # not in a running session
            self.session.update_options(endpointing_opts=opts)

    def _send_hints(self) -> None:
        """What the flow expects next, to the STT (`flowagent.livekit.hints`)."""
        with contextlib.suppress(RuntimeError):  # not in a running session
            session = self.session
            stt = self.stt if is_given(self.stt) else session.stt
            send_hints(session, stt, self.conversation.recognition_hints())

    def _after(self, turn: Turn, handle: SpeechHandle | None) -> None:
        if self._turns is not None and (
            self.last_turn is None or self.last_turn.state != turn.state
        ):
            self._tune_endpointing()
        if self.hints:
            self._send_hints()
        self.last_turn = turn
        self._holding = turn.hold
        if turn.ended and not self._ending:
            self._ending = True
            if handle is None:
                self._tasks.add(asyncio.ensure_future(self._finish(turn)))
            else:
                handle.add_done_callback(lambda _h: self._schedule_finish(turn))

    def _schedule_finish(self, turn: Turn) -> None:
        task = asyncio.ensure_future(self._finish(turn))
        self._tasks.add(task)  # keep a reference until it is done
        task.add_done_callback(self._tasks.discard)

    async def _finish(self, turn: Turn) -> None:
        """The last line has been said: hand off if asked, then end the session."""
        if turn.outcome == "handoff" and self.on_handoff is not None:
            try:
                result = self.on_handoff(dict(turn.slots))
                if inspect.isawaitable(result):
                    await result
            except Exception:
                log.exception("handoff hook failed")
        if self.end_session:
            self.session.shutdown(drain=True)

    # --- silence, holds, unheard speech --------------------------------------------------
    def _on_agent_state(self, ev: AgentStateChangedEvent) -> None:
        if ev.new_state == "listening" and not self._holding and not self.conversation.ended:
            timeout = (
                self.last_turn.no_input_timeout
                if self.last_turn
                else self.flow.spec.limits.no_input_timeout
            )
            self._cancel_timer()
            self._timer = asyncio.get_running_loop().call_later(timeout, self._silence)
        elif ev.new_state in ("thinking", "speaking"):
            self._cancel_timer()

    def _on_user_state(self, ev: UserStateChangedEvent) -> None:
        if ev.new_state == "speaking":
            if self._turns is not None:
                self._turns.transcripts.speech_started(ev.created_at)
            self._cancel_timer()
            self._holding = False

    def _silence(self) -> None:
        self._timer = None
        if self.conversation.ended or self._ending:
            return
        started = (time.perf_counter(), time.thread_time())
        turn = self.conversation.handle("")
        self._record(turn, started)
        self._speak(turn)

    def _on_unheard(self, ev: UserTranscriptionTimeoutEvent) -> None:
        """The caller spoke but the STT produced nothing: a no-match, not a silence."""
        if self.conversation.ended:
            return
        started = (time.perf_counter(), time.thread_time())
        turn = self.conversation.no_match()
        self._record(turn, started)
        self._speak(turn)

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    # --- barge-in ----------------------------------------------------------------------
    def _on_speech_created(self, ev: SpeechCreatedEvent) -> None:
        self._speech = ev.speech_handle

    def _on_item(self, ev: ConversationItemAddedEvent) -> None:
        item: Any = ev.item
        role = getattr(item, "role", None)
        timing = getattr(item, "metrics", None) or {}
        if role == "user" and timing.get("stopped_speaking_at"):
            self._user_stopped = float(timing["stopped_speaking_at"])
        elif role == "assistant":
            if getattr(item, "interrupted", False):
                self.conversation.mark_interrupted(getattr(item, "text_content", None))
            started = timing.get("started_speaking_at")
            if started and self._user_stopped:
                self._responded((float(started) - self._user_stopped) * 1e3)
                self._user_stopped = 0.0

    def _responded(self, e2e_ms: float) -> None:
        """The agent's first audio after a caller turn: the turn's log line and a
        `voice_response` event (end of speech → first audio, the endpointing decision and its
        delay) for the conversation's sinks, e.g. `PrometheusSink` behind --metrics-port."""
        self.response_ms.append(e2e_ms)
        status, delay = self._turn_endpointing or (None, None)
        self._turn_endpointing = None  # one decision per caller turn
        fields = {
            "e2e_ms": round(e2e_ms, 1),
            "endpointing": status,
            "endpointing_delay_s": delay,
        }
        conv = self.conversation
        log.info(
            "voice response",
            extra={
                "flowagent": {
                    "event": "voice_response",
                    **fields,
                    "conversation_id": conv.conversation_id,
                }
            },
        )
        event = FlowEvent(
            "voice_response",
            conv.conversation_id,
            self.flow.name,
            conv.state,
            conv.context.turns,
            detail=fields,
        )
        for sink in self._sinks:
            try:
                sink.emit(event)
            except Exception:
                log.exception("event sink failed")

    # --- keypad ------------------------------------------------------------------------
    def handle_dtmf(self, digit: str) -> None:
        """One keypad digit. Digits collect while a phone or number slot is asked; `#` sends
        them to the flow as the caller's answer."""
        turn = self.last_turn
        if turn is None or turn.expecting_type not in _DIGIT_TYPES:
            return
        if digit == "#":
            entry, self._dtmf = self._dtmf, ""
            if entry:
                self._cancel_timer()
                self.session.generate_reply(user_input=entry)
        elif digit.isdigit() or digit == "*":
            self._cancel_timer()
            self._dtmf += digit

    def _watch_dtmf(self) -> None:
        try:
            from livekit.agents import get_job_context

            room = get_job_context().room
        except Exception:  # no job (tests, console): no keypad
            return
        room.on("sip_dtmf_received", lambda ev: self.handle_dtmf(str(getattr(ev, "digit", ""))))
