"""`flowagent voice FLOW [dev|console|start] [options]`: the flow as a LiveKit worker.

    flowagent voice flows/appointment.yaml dev                          # OpenAI STT/TTS
    flowagent voice flows/appointment.yaml start --offline              # no key, no cloud

LIVEKIT_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET come from the environment (`dev` and
`start`); `console` talks through this machine's microphone and speaker. The configuration is
checked here, once (flow, keys, programs, models), then handed to LiveKit's job processes as
`WorkerSettings` (see `flowagent.livekit.worker`).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
import warnings
from typing import Any

from flowagent.errors import FlowagentError
from flowagent.flow import load_flow
from flowagent.livekit.providers import ProviderError, check_providers

MODES = ("dev", "console", "start")


def _env_int(name: str) -> int | None:
    value = os.environ.get(name)
    return int(value) if value and value.isdigit() else None


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="flowagent voice",
        description="Run a flow as a LiveKit voice agent. Environment: LIVEKIT_URL, "
        "LIVEKIT_API_KEY, LIVEKIT_API_SECRET (dev/start), OPENAI_API_KEY (openai providers), "
        "FLOWAGENT_STT, FLOWAGENT_TTS, FLOWAGENT_WHISPER_MODEL, FLOWAGENT_STORE, "
        "FLOWAGENT_LOG, FLOWAGENT_METRICS_PORT, LIVEKIT_AGENT_NAME (defaults for the flags).",
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
        metavar="NAME|DIR",
        default=os.environ.get("FLOWAGENT_WHISPER_MODEL"),
        help="faster-whisper model name (tiny.en, the default; base.en; small.en; …) or a "
        "CTranslate2 model directory",
    )
    p.add_argument("--piper-voice", metavar="FILE", help="Piper .onnx voice for --tts piper")
    p.add_argument("--voice", default="en-us", help="espeak-ng voice (default: en-us)")
    p.add_argument(
        "--store",
        default=os.environ.get("FLOWAGENT_STORE"),
        metavar="URL",
        help="save every turn and resume a restarted job by room name (sqlite:///… or redis://…)",
    )
    p.add_argument(
        "--log",
        default=os.environ.get("FLOWAGENT_LOG"),
        metavar="FILE",
        help="append structured JSON events to FILE",
    )
    p.add_argument(
        "--agent-name",
        default=os.environ.get("LIVEKIT_AGENT_NAME", ""),
        help="LiveKit agent name for explicit dispatch",
    )
    p.add_argument(
        "--metrics-port",
        type=int,
        default=_env_int("FLOWAGENT_METRICS_PORT"),
        metavar="PORT",
        help="serve Prometheus metrics of every job process on PORT "
        "(pip install 'flowagent[metrics]')",
    )
    p.add_argument(
        "--metrics-host",
        default="127.0.0.1",
        metavar="ADDR",
        help="interface for --metrics-port (default 127.0.0.1, this machine only; "
        "0.0.0.0 to let another host scrape it)",
    )
    p.add_argument(
        "--idle-processes",
        type=int,
        metavar="N",
        help="job processes kept loaded and ready (default: LiveKit's — 0 in dev, one per "
        "core in start)",
    )
    p.add_argument(
        "--health-port",
        type=int,
        metavar="PORT",
        help="port of LiveKit's health endpoint (default: 8081 in start, any free port in "
        "dev; 0 = any free port)",
    )
    return p


def serve_metrics(port: int, host: str, directory: str) -> Any:
    """Serve the Prometheus metrics that every job process writes to `directory`
    (prometheus-client multiprocess mode) on `host`:`port`; returns the HTTP server."""
    from prometheus_client import CollectorRegistry, multiprocess, start_http_server

    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry, path=directory)  # type: ignore[no-untyped-call]
    server, _thread = start_http_server(port, addr=host, registry=registry)
    return server


class ConnectionNotice(logging.Filter):
    """LiveKit logs every failed attempt to reach the server ("failed to connect to livekit,
    retrying in 2s", with the exception in a field) and keeps retrying. The operator is told
    once, in words, and the repeats are dropped."""

    def __init__(self, url: str) -> None:
        super().__init__()
        self.url = url
        self.told = False

    def filter(self, record: logging.LogRecord) -> bool:
        if not str(record.msg).startswith("failed to connect to livekit"):
            return True
        if self.told:
            return False
        self.told = True
        error = getattr(record, "error", None)
        reason = f" ({error})" if error else ""
        record.msg = (
            f"cannot reach the LiveKit server at {self.url}{reason}; retrying in the "
            "background. Check LIVEKIT_URL and that the server is up; the job processes "
            "stay loaded meanwhile"
        )
        record.args = ()
        return True


def main(argv: list[str]) -> int:
    args, rest = parser().parse_known_args(argv)
    if args.offline:
        args.stt, args.tts = "whisper", "espeak"
    try:
        load_flow(args.flow)  # a broken flow fails here, once, with its file and line
    except FlowagentError as err:
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
    try:
        model_dir = check_providers(args.stt, args.tts, args.whisper_model, args.piper_voice)
    except ProviderError as err:
        print(f"flowagent voice: {err}", file=sys.stderr)
        return 1
    metrics_dir = None
    if args.metrics_port is not None:
        try:
            import prometheus_client  # noqa: F401
        except ImportError:
            print(
                "flowagent voice: --metrics-port needs pip install 'flowagent[metrics]'",
                file=sys.stderr,
            )
            return 1
        metrics_dir = tempfile.mkdtemp(prefix="flowagent-metrics-")
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = metrics_dir  # job processes inherit it
        try:
            serve_metrics(args.metrics_port, args.metrics_host, metrics_dir)
        except OSError as err:
            print(
                f"flowagent voice: cannot serve metrics on {args.metrics_host}:"
                f"{args.metrics_port}: {err.strerror}",
                file=sys.stderr,
            )
            return 1

    from livekit.agents import cli

    from flowagent.livekit.worker import WorkerSettings, build_server

    settings = WorkerSettings(
        flow=os.path.abspath(args.flow),
        stt=args.stt,
        tts=args.tts,
        whisper_model=model_dir or args.whisper_model,
        piper_voice=args.piper_voice,
        voice=args.voice,
        store=args.store,
        log=os.path.abspath(args.log) if args.log else None,
        metrics=metrics_dir is not None,
        agent_name=args.agent_name,
    )
    server = build_server(
        settings,
        num_idle_processes=args.idle_processes,
        port=args.health_port,
        prometheus_multiproc_dir=metrics_dir,
    )
    logging.getLogger("livekit.agents").addFilter(
        ConnectionNotice(os.environ.get("LIVEKIT_URL", ""))
    )
    sys.argv = ["flowagent voice", args.mode, *rest]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # LiveKit's Python CLI is deprecated
        cli.run_app(server)
    return 0
