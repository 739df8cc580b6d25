"""Slot-aware endpointing, LiveKit side: `FlowTurnDetector` answers LiveKit's end-of-turn
question from the flow, tunes the session's endpointing delays, and waits for the words a batch
STT is still recognising. Real `AgentSession` (text mode) and real chat contexts, no audio."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

pytest.importorskip("livekit.agents", reason="needs pip install 'flowagent[livekit]'")

from livekit.agents import AgentSession
from livekit.agents.llm import ChatContext
from livekit.agents.metrics import STTMetrics

import flowagent
from flowagent.livekit import FlowAgent
from flowagent.livekit.turns import FlowTurnDetector, TranscriptTracker
from flowagent.observe import FlowEvent

PHONE = """\
flow: callback
start: ASK
slots:
  phone:
    type: phone
    prompt: What number should we call you back on?
states:
  ASK:
    kind: collect
    slots: [phone]
    next: DONE
    voice: {endpointing: {min: 0.2, max: 3.0}}
  DONE:
    kind: end
    outcome: complete
    say: Thanks.
  FALLBACK:
    kind: end
"""
FLOW = flowagent.load_flow_text(PHONE)


def said(text: str) -> ChatContext:
    ctx = ChatContext.empty()
    ctx.add_message(role="assistant", content="What number should we call you back on?")
    ctx.add_message(role="user", content=text)
    return ctx


def detector_of(agent: FlowAgent) -> FlowTurnDetector:
    turns = agent._turns
    assert turns is not None
    return turns


def stt_metrics(started: float, duration: float, *, streamed: bool = False) -> STTMetrics:
    return STTMetrics(
        label="test",
        request_id="r",
        timestamp=started + duration,
        duration=duration,
        audio_duration=1.0,
        streamed=streamed,
    )


def test_a_whole_number_ends_the_turn_after_the_states_short_delay() -> None:
    async def scenario() -> tuple[float, dict[str, Any]]:
        async with AgentSession() as session:
            agent = FlowAgent(FLOW, end_session=False)
            await session.start(agent)
            p = await detector_of(agent).predict_end_of_turn(
                said("two one two, five five five, oh one nine nine")
            )
            return p, dict(session.options.endpointing)

    probability, opts = asyncio.run(scenario())
    assert probability == 1.0
    assert opts["min_delay"] == 0.2  # the state's voice.endpointing.min, set on entering it


def test_a_number_with_digits_missing_waits_the_states_long_delay() -> None:
    async def scenario() -> tuple[float, dict[str, Any], FlowAgent]:
        async with AgentSession() as session:
            agent = FlowAgent(FLOW, end_session=False)
            await session.start(agent)
            p = await detector_of(agent).predict_end_of_turn(said("two one two, five five five"))
            return p, dict(session.options.endpointing), agent

    probability, opts, agent = asyncio.run(scenario())
    assert probability < 0.5  # LiveKit's unlikely threshold: it waits max_delay
    assert opts["max_delay"] == 3.0  # the state's voice.endpointing.max
    assert agent.endpointing == ("incomplete", 3.0)


class BatchSTT:
    """What `TranscriptTracker.watch` reads of a LiveKit STT."""

    def __init__(self, streaming: bool) -> None:
        self.capabilities = type("Caps", (), {"streaming": streaming})()
        self.listeners: list[Any] = []

    def on(self, event: str, fn: Any) -> None:
        self.listeners.append(fn)

    def off(self, event: str, fn: Any) -> None:
        self.listeners.remove(fn)


def test_a_transcript_is_pending_until_a_recognition_covers_the_newest_speech() -> None:
    tracker = TranscriptTracker()
    tracker.watch(BatchSTT(streaming=False))
    assert not tracker.pending  # no speech yet
    tracker.speech_started(100.0)
    tracker.on_stt_metrics(stt_metrics(started=99.0, duration=1.5))  # the previous segment's
    assert tracker.pending
    tracker.on_stt_metrics(stt_metrics(started=101.0, duration=0.4))
    assert not tracker.pending


def test_a_streaming_stt_never_leaves_a_transcript_pending() -> None:
    tracker = TranscriptTracker()
    stt = BatchSTT(streaming=True)
    tracker.watch(stt)
    tracker.speech_started(100.0)
    assert not stt.listeners and not tracker.pending


def test_the_detector_waits_for_the_words_still_being_recognised() -> None:
    """The caller paused mid-number and went on; the last words are still in the STT. The
    detector does not decide on the first half while they are."""

    async def scenario() -> tuple[float, float]:  # (seconds waited, speech start)
        detector = FlowTurnDetector(transcript_wait=5.0)
        detector.agent = FlowAgent(FLOW, end_session=False)
        detector.agent.conversation.start()
        detector.transcripts.watch(BatchSTT(streaming=False))
        now = time.time()
        detector.transcripts.speech_started(now)
        loop = asyncio.get_running_loop()
        loop.call_later(0.3, detector.transcripts.recognised, now + 0.1)
        started = time.perf_counter()
        await detector.predict_end_of_turn(said("two one two, five five five"))
        return time.perf_counter() - started, now

    waited, _ = asyncio.run(scenario())
    assert waited >= 0.3


def test_the_detector_decides_on_the_words_it_has_when_no_transcript_comes() -> None:
    async def scenario() -> float:
        detector = FlowTurnDetector(transcript_wait=0.2)
        detector.agent = FlowAgent(FLOW, end_session=False)
        detector.agent.conversation.start()
        detector.transcripts.watch(BatchSTT(streaming=False))
        detector.transcripts.speech_started(time.time())
        return await detector.predict_end_of_turn(said("two one two, five five five"))

    assert asyncio.run(scenario()) == 0.0  # incomplete, decided after the 0.2 s cap


def test_endpointing_decisions_and_response_times_reach_prometheus() -> None:
    prometheus_client = pytest.importorskip("prometheus_client")
    from flowagent.metrics import PrometheusSink

    registry = prometheus_client.CollectorRegistry()
    sink = PrometheusSink(registry)
    for decision, delay, ms in (("complete", 0.1, 700.0), ("incomplete", 2.0, 2600.0)):
        detail = {"e2e_ms": ms, "endpointing": decision, "endpointing_delay_s": delay}
        sink.emit(FlowEvent("voice_response", "c1", "callback", "ASK", 1, detail=detail))

    def value(name: str, **labels: str) -> float | None:
        return registry.get_sample_value(name, {"flow": "callback", **labels})

    assert value("flowagent_endpointing_decisions_total", decision="complete") == 1.0
    assert value("flowagent_voice_response_seconds_sum", endpointing="incomplete") == 2.6
    assert value("flowagent_endpointing_delay_seconds_sum", decision="complete") == 0.1
