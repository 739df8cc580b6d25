"""FlowAgent in livekit-agents' own in-process harness: a plain `AgentSession()` with no LLM,
driven by `session.run(user_input=...)` and asserted with `RunResult.expect`."""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("livekit.agents", reason="needs pip install 'flowagent[livekit]'")

from livekit.agents import AgentSession
from livekit.agents.llm import ChatMessage
from livekit.agents.voice.events import ConversationItemAddedEvent
from tests.conftest import APPOINTMENT

import flowagent
from flowagent.livekit import FlowAgent

NOW = datetime(2026, 11, 23, 10, 0)
FLOW = flowagent.load_flow(APPOINTMENT)

SHORT_TIMERS = """\
flow: timers
start: ASK
limits: {no_input_timeout: 0.3, max_no_input: 3, on_max_no_input: BYE}
slots:
  phone:
    type: phone
    prompt: What's your number?
states:
  ASK:
    kind: collect
    slots: [phone]
    next: DONE
  NOTICE:
    kind: say
    say: This call may be recorded.
    next: ASK
    voice: {interruptible: false}
  DONE:
    kind: end
    outcome: complete
    say: Thanks, we'll call {{ phone }}.
  BYE:
    kind: end
    outcome: no_input
    say: Goodbye.
  FALLBACK:
    kind: end
"""


async def say(session: AgentSession[Any], line: str) -> str:
    result = await session.run(user_input=line)
    event = result.expect.next_event().is_message(role="assistant").event()
    return str(event.item.text_content)


def test_the_whole_appointment_flow_with_no_llm() -> None:
    async def scenario() -> FlowAgent:
        async with AgentSession() as session:
            agent = FlowAgent(FLOW, now=NOW)
            await session.start(agent)
            assert agent.conversation.state == "GREETING"
            reply = await say(session, "Hi, this is Maria, I need a checkup on Friday at 2pm")
            assert reply == "Thanks, Maria. What's the best phone number or email to reach you?"
            reply = await say(session, "five five five, one two three, four five six seven")
            assert "Friday, November 27th at 2 PM" in reply and "5 5 5, 1 2 3, 4 5 6 7" in reply
            reply = await say(session, "no, 4pm")
            assert "at 4 PM" in reply
            reply = await say(session, "yes that's right")
            assert reply.startswith("You're all set, Maria!")
            return agent

    agent = asyncio.run(scenario())
    assert agent.conversation.outcome == "complete"
    assert agent.conversation.slots["contact"] == "+15551234567"
    assert agent.engine_ms and max(agent.engine_ms) < 50


def test_a_handoff_calls_the_hook_with_the_slots_and_ends_the_session() -> None:
    handed: list[dict[str, Any]] = []
    closed = asyncio.Event() if False else None  # placeholder removed below

    async def scenario() -> None:
        nonlocal closed
        closed = asyncio.Event()
        session: AgentSession[Any] = AgentSession()
        session.on("close", lambda _ev: closed.set())  # type: ignore[union-attr]
        agent = FlowAgent(FLOW, now=NOW, on_handoff=handed.append)
        await session.start(agent)
        await say(session, "this is Maria")
        reply = await say(session, "I'd like to talk to a real person")
        assert "front desk" in reply
        await asyncio.wait_for(closed.wait(), 5)

    asyncio.run(scenario())
    assert handed == [{"name": "Maria"}]


def test_silence_after_a_prompt_is_a_no_input_event_with_real_timers(tmp_path: Path) -> None:
    flow = flowagent.load_flow_text(SHORT_TIMERS)

    async def scenario() -> FlowAgent:
        async with AgentSession() as session:
            agent = FlowAgent(flow, end_session=False)
            await session.start(agent)
            await asyncio.sleep(1.6)  # three 0.3 s silences, with the reprompts between them
            return agent

    agent = asyncio.run(scenario())
    assert agent.conversation.context.counters.total_no_input == 3
    assert agent.conversation.outcome == "no_input"


def test_hold_on_pauses_the_silence_timer() -> None:
    flow = flowagent.load_flow_text(SHORT_TIMERS)

    async def scenario() -> FlowAgent:
        async with AgentSession() as session:
            agent = FlowAgent(flow, end_session=False)
            await session.start(agent)
            reply = await say(session, "hold on, let me check")
            assert reply == "Sure, take your time."
            await asyncio.sleep(1.0)  # three timeouts' worth: none may fire while holding
            return agent

    agent = asyncio.run(scenario())
    assert agent.conversation.context.counters.total_no_input == 0
    assert not agent.conversation.ended


def test_keypad_digits_answer_a_phone_question() -> None:
    flow = flowagent.load_flow_text(
        SHORT_TIMERS.replace("no_input_timeout: 0.3", "no_input_timeout: 30")
    )

    async def scenario() -> FlowAgent:
        async with AgentSession() as session:
            agent = FlowAgent(flow, end_session=False)
            await session.start(agent)
            for digit in "5551234567":
                agent.handle_dtmf(digit)
            agent.handle_dtmf("#")
            for _ in range(50):
                if agent.conversation.ended:
                    break
                await asyncio.sleep(0.05)
            return agent

    agent = asyncio.run(scenario())
    assert agent.conversation.slots == {"phone": "+15551234567"}
    assert agent.conversation.outcome == "complete"


def test_a_cut_reply_is_marked_in_the_history() -> None:
    agent = FlowAgent(FLOW, now=NOW)
    agent.conversation.start()
    cut = ChatMessage(role="assistant", content=["Thanks for calling"], interrupted=True)
    agent._on_item(ConversationItemAddedEvent(item=cut))
    history = agent.conversation.context.history
    assert history[-1].role == "agent" and history[-1].interrupted


def test_uninterruptible_states_make_uninterruptible_speech() -> None:
    flow = flowagent.load_flow_text(SHORT_TIMERS.replace("start: ASK", "start: NOTICE"))

    async def scenario() -> list[bool]:
        async with AgentSession() as session:
            handles: list[Any] = []
            session.on("speech_created", lambda ev: handles.append(ev.speech_handle))
            agent = FlowAgent(flow, end_session=False)
            await session.start(agent)
            await asyncio.sleep(0.1)
            return [h.allow_interruptions for h in handles]

    assert asyncio.run(scenario())[0] is False


def test_speech_without_a_transcript_is_a_no_match_not_a_silence() -> None:
    from livekit.agents.voice.events import UserTranscriptionTimeoutEvent

    async def scenario() -> FlowAgent:
        async with AgentSession() as session:
            agent = FlowAgent(FLOW, now=NOW, end_session=False)
            await session.start(agent)
            await say(session, "I need an appointment")
            agent._on_unheard(
                UserTranscriptionTimeoutEvent(speech_duration=1.2, vad_speech_started_at=0.0)
            )
            await asyncio.sleep(0.1)
            return agent

    agent = asyncio.run(scenario())
    counters = agent.conversation.context.counters
    assert counters.total_no_match == 1 and counters.total_no_input == 0
    assert agent.last_turn is not None and agent.last_turn.event == "no_match"


class DownStore:
    """A store whose server is down: every call raises, as redis-py does."""

    def save(self, conversation_id: str, snapshot: dict[str, Any]) -> None:
        raise ConnectionError("connection refused")

    def load(self, conversation_id: str) -> dict[str, Any] | None:
        raise ConnectionError("connection refused")

    def delete(self, conversation_id: str) -> None:
        raise ConnectionError("connection refused")

    def close(self) -> None:
        pass


def test_a_store_that_is_down_at_call_start_does_not_stop_the_call() -> None:
    async def scenario() -> FlowAgent:
        async with AgentSession() as session:
            agent = FlowAgent(FLOW, now=NOW, conversation_id="room-7", store=DownStore())
            await session.start(agent)
            reply = await say(session, "Hi, this is Maria, I need a checkup on Friday at 2pm")
            assert reply.startswith("Thanks, Maria.")
            return agent

    agent = asyncio.run(scenario())
    assert agent.conversation.conversation_id == "room-7"
    assert agent.conversation.slots["name"] == "Maria"
