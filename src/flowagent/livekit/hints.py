"""Recognition hints to whatever STT the session runs (see `flowagent.hints`).

`send_hints(session, stt, hints)` hands the flow's hints to the recogniser in the form it
takes, checked in this order:

1. `set_hints(hints)` — flowagent's own `WhisperSTT` (faster-whisper `initial_prompt`);
2. `update_options(prompt=...)` — STTs with a free-text prompt, such as
   `livekit.plugins.openai.STT` (OpenAI transcription `prompt`);
3. LiveKit keyterms — `AgentSession.update_options(keyterms=...)` for STTs whose
   `capabilities.keyterms` is set (keyword boosting): the hints' phrases (a choice's labels and
   synonyms); the example prompt is not a keyterm and is not sent.

Any other STT gets nothing. A recogniser that refuses the hints costs a log line, never the
call.
"""

from __future__ import annotations

import inspect
import logging
from typing import Any

from flowagent.hints import RecognitionHints

log = logging.getLogger("flowagent.livekit")


def _takes_prompt(stt: Any) -> bool:
    update = getattr(stt, "update_options", None)
    if update is None:
        return False
    try:
        return "prompt" in inspect.signature(update).parameters
    except (TypeError, ValueError):
        return False


def send_hints(session: Any, stt: Any, hints: RecognitionHints | None) -> str | None:
    """Give `hints` (None: clear them) to `stt`, the session's recogniser. Returns how they
    were sent (`"set_hints"`, `"prompt"`, `"keyterms"`) or None. Never raises."""
    if stt is None:
        return None
    inner = getattr(stt, "wrapped_stt", stt)  # a StreamAdapter around a batch STT
    try:
        if hasattr(inner, "set_hints"):
            inner.set_hints(hints)
            return "set_hints"
        if _takes_prompt(inner):
            inner.update_options(prompt=(hints.whisper_prompt if hints else None) or "")
            return "prompt"
        if getattr(inner.capabilities, "keyterms", False):
            session.update_options(keyterms=list(hints.phrases) if hints else [])
            return "keyterms"
    except Exception as err:  # a recogniser's own check: the call goes on without hints
        log.warning(
            "the STT did not take the recognition hints",
            extra={"flowagent": {"event": "hints_refused", "error": type(err).__name__}},
        )
    return None
