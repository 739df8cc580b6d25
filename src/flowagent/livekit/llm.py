"""`FlowLLM`: what the session calls for a reply, answered by the flow engine.

An `AgentSession` produces replies through an LLM. `FlowLLM` is a real `llm.LLM` whose
stream answers with the flow's reply to the caller's last message, so a plain
`AgentSession()` with no `llm=` — and LiveKit's own test harness (`session.run`) — work
unchanged, with no model and no network.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from livekit.agents import llm
from livekit.agents.llm import ChatChunk, ChoiceDelta
from livekit.agents.types import DEFAULT_API_CONNECT_OPTIONS, APIConnectOptions

#: Turns the caller's words into the agent's reply.
Responder = Callable[[str], Awaitable[str]]


class _FlowStream(llm.LLMStream):
    def __init__(self, owner: FlowLLM, responder: Responder, **kwargs: Any) -> None:
        super().__init__(owner, **kwargs)
        self._responder = responder

    async def _run(self) -> None:
        said = ""
        for item in reversed(self._chat_ctx.items):
            if getattr(item, "role", None) == "user":
                said = item.text_content or ""  # type: ignore[union-attr]
                break
        reply = await self._responder(said)
        if reply:
            self._event_ch.send_nowait(
                ChatChunk(id=uuid.uuid4().hex, delta=ChoiceDelta(role="assistant", content=reply))
            )


class FlowLLM(llm.LLM[Any]):
    """An `llm.LLM` whose only knowledge is the flow."""

    def __init__(self, responder: Responder) -> None:
        super().__init__()
        self._responder = responder

    @property
    def model(self) -> str:
        return "flowagent"

    @property
    def provider(self) -> str:
        return "flowagent"

    def chat(
        self,
        *,
        chat_ctx: llm.ChatContext,
        tools: list[llm.Tool] | None = None,
        conn_options: APIConnectOptions = DEFAULT_API_CONNECT_OPTIONS,
        **_: Any,
    ) -> llm.LLMStream:
        return _FlowStream(
            self, self._responder, chat_ctx=chat_ctx, tools=tools or [], conn_options=conn_options
        )
