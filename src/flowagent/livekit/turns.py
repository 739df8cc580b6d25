"""`FlowTurnDetector`: LiveKit's end-of-turn hook answered by the flow.

LiveKit asks a turn detector, once the caller stops and a transcript is in, how likely the
turn is over (`predict_end_of_turn`); it then waits its endpointing `min_delay` after the end
of speech when likely, its `max_delay` when not (livekit-agents `voice/audio_recognition.py`),
and cancels the wait if the caller speaks again. `FlowTurnDetector` answers from
`Conversation.answer_status`:

- complete → "likely": the state's short delay (`min_delay`, set for each state by
  `FlowAgent`);
- incomplete → "unlikely", with `max_delay` set to the state's long delay, so a caller who
  pauses mid-number is not cut off;
- normal → "unlikely", with `max_delay` set to the normal delay.

The decision and its delay are recorded on the agent (`FlowAgent.endpointing`) for the turn's
log line and metrics. No fork of LiveKit: only its turn-detector protocol and
`AgentSession.update_options(endpointing_opts=...)`.
"""

from __future__ import annotations

import contextlib
import time
from typing import TYPE_CHECKING, Any

from flowagent.endpointing import AnswerStatus

if TYPE_CHECKING:
    from flowagent.livekit.agent import FlowAgent

#: Probability LiveKit compares with `unlikely_threshold` for each status.
_PROBABILITY = {
    AnswerStatus.COMPLETE: 1.0,
    AnswerStatus.NORMAL: 0.3,
    AnswerStatus.INCOMPLETE: 0.0,
}
_THRESHOLD = 0.5


class FlowTurnDetector:
    """A LiveKit turn detector (`turn_handling={"turn_detection": ...}`) for a `FlowAgent`."""

    def __init__(self) -> None:
        self.agent: FlowAgent | None = None

    @property
    def model(self) -> str:
        return "flowagent-endpointing"

    @property
    def provider(self) -> str:
        return "flowagent"

    async def unlikely_threshold(self, language: Any) -> float:
        return _THRESHOLD

    async def supports_language(self, language: Any) -> bool:
        return True

    async def predict_end_of_turn(self, chat_ctx: Any, *, timeout: float | None = None) -> float:
        """1.0 when the caller's words so far completely answer the question, lower when
        not (see the module docstring). Never raises."""
        agent = self.agent
        if agent is None:
            return 1.0
        said = ""
        for item in reversed(chat_ctx.items):
            if getattr(item, "role", None) == "user":
                said = item.text_content or ""
                break
        conv = agent.conversation
        status = conv.answer_status(said)
        delays = conv.endpointing_delays()
        delay = delays.for_status(status)
        agent.note_endpointing(status, delay, time.perf_counter())
        if status is not AnswerStatus.COMPLETE:
            opts: Any = {"mode": "fixed", "min_delay": delays.complete, "max_delay": delay}
            with contextlib.suppress(RuntimeError):  # no running session: nothing to tune
                agent.session.update_options(endpointing_opts=opts)
        return _PROBABILITY[status]
