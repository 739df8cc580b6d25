"""`FlowTurnDetector`: LiveKit's end-of-turn hook answered by the flow.

How livekit-agents 1.8 ends a caller's turn (`voice/audio_recognition.py`,
`_run_eou_detection`): when the VAD reports the end of speech, or a final transcript arrives
while the caller is silent, it asks the session's turn detector how likely the turn is over
(`predict_end_of_turn` on the words so far). Below `unlikely_threshold` it waits the
endpointing `max_delay` after the end of speech, otherwise the `min_delay`; new speech, or a
newer final transcript, cancels the wait and asks again. `FlowTurnDetector` answers from
`Conversation.answer_status`:

- complete → probability 1.0: LiveKit waits the state's short delay (`min_delay`, set for
  each state by `FlowAgent`);
- incomplete → 0.0, with `max_delay` set to the state's long delay, so a caller who pauses
  mid-number is not cut off;
- normal → 0.3, with `max_delay` set to the normal delay.

A batch STT (faster-whisper behind LiveKit's `StreamAdapter`) transcribes a speech segment
only after it ends, so when a caller resumes after a pause LiveKit can ask about the words of
the *earlier* segments while the last one is still being recognised. Deciding on those stale
words would take the turn while the caller's last words are still in the recogniser (slow on a
loaded machine). So while a recognition of the newest segment is still running, the detector
waits for it (at most `transcript_wait` seconds): its transcript makes LiveKit ask again with
the whole answer.

The decision and its delay are recorded on the agent (`FlowAgent.note_endpointing`) for the
turn's log line and metrics. No fork of LiveKit: only its turn-detector protocol,
`AgentSession.update_options(endpointing_opts=...)` and the STT's `metrics_collected` event.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import TYPE_CHECKING, Any, Protocol

from flowagent.endpointing import AnswerStatus

if TYPE_CHECKING:
    from livekit.agents import AgentSession

    from flowagent.engine import Conversation

#: Probability LiveKit compares with `unlikely_threshold` for each status.
PROBABILITY = {
    AnswerStatus.COMPLETE: 1.0,
    AnswerStatus.NORMAL: 0.3,
    AnswerStatus.INCOMPLETE: 0.0,
}
THRESHOLD = 0.5
#: The longest wait (s) for the transcript of the caller's newest speech segment before
#: deciding on the words already transcribed (a recogniser that failed sends none).
TRANSCRIPT_WAIT = 8.0
#: After a recognition finishes, how long (s) its transcript may take to reach LiveKit's turn
#: logic (which then asks again); a recognition that heard nothing sends no transcript.
TRANSCRIPT_GRACE = 0.25


class EndpointingAgent(Protocol):
    """What the detector needs of its agent (a `FlowAgent`): the conversation it asks, where
    it records its decision, and the session whose endpointing delays it sets."""

    conversation: Conversation

    @property
    def session(self) -> AgentSession[Any]: ...

    def note_endpointing(self, status: str, delay: float) -> None: ...


class TranscriptTracker:
    """Whether a batch STT is still recognising the caller's newest speech segment.

    Fed with the time each speech segment starts (the session's user state turning to
    `speaking`) and the time each recognition *started* (an `STTMetrics` event: its
    `timestamp` less its `duration`, both from LiveKit). A recognition started after the
    newest segment began covers it; until one has, its transcript is pending. Only a batch STT
    is tracked (`watch`); a streaming one transcribes as the caller speaks. Times are
    `time.time()` seconds."""

    def __init__(self) -> None:
        self.watching = False
        self.speech_started_at: float | None = None
        self.recognition_started_at = float("-inf")
        self._changed: asyncio.Event | None = None

    def watch(self, stt: Any, on: bool = True) -> None:
        """Follow the recognitions of `stt` (a LiveKit STT) if it is a batch one."""
        if stt is None or stt.capabilities.streaming:
            return
        if on:
            stt.on("metrics_collected", self.on_stt_metrics)
        else:
            stt.off("metrics_collected", self.on_stt_metrics)
        self.watching = on

    def speech_started(self, at: float) -> None:
        self.speech_started_at = at

    def recognised(self, started_at: float) -> None:
        self.recognition_started_at = max(self.recognition_started_at, started_at)
        if self._changed is not None:
            self._changed.set()

    def on_stt_metrics(self, metrics: Any) -> None:
        """`STT.on("metrics_collected", ...)`: one batch recognition has finished."""
        if getattr(metrics, "streamed", True):
            return  # a streaming STT transcribes as the caller speaks: nothing to wait for
        self.recognised(float(metrics.timestamp) - float(metrics.duration))

    @property
    def pending(self) -> bool:
        return (
            self.watching
            and self.speech_started_at is not None
            and self.recognition_started_at < self.speech_started_at
        )

    async def wait(self, timeout: float, grace: float = TRANSCRIPT_GRACE) -> bool:
        """Wait until no transcript is pending, at most `timeout` s, then `grace` s for it to
        be delivered; True if the recognition finished in time."""
        deadline = time.monotonic() + timeout
        while self.pending:
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            self._changed = asyncio.Event()
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._changed.wait(), left)
        await asyncio.sleep(grace)  # its transcript, if any, cancels this wait (see above)
        return True


class FlowTurnDetector:
    """A LiveKit turn detector (`turn_handling={"turn_detection": ...}`) for a `FlowAgent`."""

    def __init__(self, *, transcript_wait: float = TRANSCRIPT_WAIT) -> None:
        self.agent: EndpointingAgent | None = None
        self.transcripts = TranscriptTracker()
        self.transcript_wait = transcript_wait

    @property
    def model(self) -> str:
        return "flowagent-endpointing"

    @property
    def provider(self) -> str:
        return "flowagent"

    async def unlikely_threshold(self, language: Any) -> float:
        return THRESHOLD

    async def supports_language(self, language: Any) -> bool:
        return True

    async def predict_end_of_turn(self, chat_ctx: Any, *, timeout: float | None = None) -> float:
        """1.0 when the caller's words so far completely answer the question, lower when
        not (see the module docstring). Never raises."""
        agent = self.agent
        if agent is None:
            return 1.0
        if self.transcripts.pending:
            # the newest words are still in the recogniser; their transcript makes LiveKit
            # ask again (cancelling this wait), so only a lost or empty one gets past here
            await self.transcripts.wait(self.transcript_wait)
        said = ""
        for item in reversed(chat_ctx.items):
            if getattr(item, "role", None) == "user":
                said = item.text_content or ""
                break
        conv = agent.conversation
        status = conv.answer_status(said)
        delays = conv.endpointing_delays()
        delay = delays.for_status(status)
        agent.note_endpointing(status, delay)
        if status is not AnswerStatus.COMPLETE:
            opts: Any = {"mode": "fixed", "min_delay": delays.complete, "max_delay": delay}
            with contextlib.suppress(RuntimeError):  # no running session: nothing to tune
                agent.session.update_options(endpointing_opts=opts)
        return PROBABILITY[status]
