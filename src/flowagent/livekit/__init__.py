"""The LiveKit voice adapter: a flow as a LiveKit `Agent`, with no LLM required.

    from flowagent.livekit import FlowAgent
    session = AgentSession(stt=..., tts=..., vad=...)      # no llm= needed
    await session.start(FlowAgent(flow), room=ctx.room)

Needs `pip install 'flowagent[livekit]'` (and `flowagent[offline]` for the offline speech
set). The engine never imports this package.
"""

from __future__ import annotations

try:
    import livekit.agents  # noqa: F401
except ImportError as err:  # pragma: no cover - exercised without the extra installed
    raise ImportError(
        "flowagent.livekit needs the LiveKit extra: pip install 'flowagent[livekit]'"
    ) from err

from flowagent.livekit.agent import FlowAgent, HandoffHook
from flowagent.livekit.llm import FlowLLM

__all__ = ["FlowAgent", "FlowLLM", "HandoffHook"]
