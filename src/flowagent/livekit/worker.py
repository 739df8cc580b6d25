"""The flow as a LiveKit worker, run the way LiveKit runs agents: one job per process.

LiveKit's `AgentServer` pre-starts a pool of job processes and hands each new room (call) to
one of them. What a job process needs must therefore reach it by name, not by closure:

- `WorkerSettings`: the whole configuration as plain, picklable data (flow path, provider
  names, model names, store URL, ...); `WorkerSettings.from_env()` reads it from `FLOWAGENT_*`
  environment variables, which is how container deployments configure workers;
- `prewarm(proc, settings)`: runs once in each job process before it takes a call — loads and
  compiles the flow, loads the VAD and the speech models, opens the store and the event
  sinks — and logs the process's start-up time and resident memory;
- `entrypoint(ctx)`: a module-level coroutine, one call: builds the `AgentSession` from what
  `prewarm` loaded and starts a `FlowAgent` whose conversation id is the room name (a
  restarted job resumes the stored call);
- `build_server(settings)`: the `AgentServer` with both registered, for `flowagent voice` and
  for programs that run the worker themselves (`server.run(...)`, `simulate_job(...)`).

A failing store never stops a process or a call: it is logged and the call runs without
persistence. Metrics from job processes reach the operator through Prometheus multiprocess
mode (`WorkerSettings.metrics`), served by the parent (see `flowagent.livekit.cli`).
"""

from __future__ import annotations

import functools
import importlib
import inspect
import logging
import os
import resource
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, fields, replace
from typing import Any, ClassVar

from livekit.agents import AgentServer, AgentSession, JobContext, JobProcess

from flowagent.flow import Flow, load_flow
from flowagent.livekit.agent import FlowAgent
from flowagent.livekit.providers import build_stt, build_tts, build_vad
from flowagent.observe import EventSink
from flowagent.store.base import ConversationStore

log = logging.getLogger("flowagent.livekit")

#: Called in the job process with the session, the agent and the job before the session
#: starts: to set `agent.on_handoff`, add sinks, or give the session its own audio input and
#: output (a test caller, a benchmark, a gateway).
SessionHook = Callable[[AgentSession[Any], FlowAgent, JobContext], Awaitable[None] | None]

_USERDATA_KEY = "flowagent"


@dataclass(frozen=True)
class WorkerSettings:
    """Everything a job process needs, as picklable data. Units: seconds.

    `flow` is the flow YAML path; `stt`/`tts` are provider names as in
    `flowagent.livekit.providers` (`whisper`, `espeak`, `openai`, `module:Class`);
    `whisper_model` a faster-whisper model name (`base.en`) or CTranslate2 directory;
    `store` a store URL (`sqlite:///…`, `redis://…`); `log` a JSONL event file; `metrics`
    exports Prometheus metrics from every job process (multiprocess mode); `session_hook` a
    `module:function` `SessionHook`."""

    flow: str
    stt: str = "openai"
    tts: str = "openai"
    whisper_model: str | None = None
    piper_voice: str | None = None
    voice: str = "en-us"
    store: str | None = None
    log: str | None = None
    metrics: bool = False
    agent_name: str = ""
    transcription_timeout: float = 3.0
    session_hook: str | None = None

    #: environment variable → field, for `from_env`
    ENV: ClassVar[dict[str, str]] = {
        "FLOWAGENT_FLOW": "flow",
        "FLOWAGENT_STT": "stt",
        "FLOWAGENT_TTS": "tts",
        "FLOWAGENT_WHISPER_MODEL": "whisper_model",
        "FLOWAGENT_PIPER_VOICE": "piper_voice",
        "FLOWAGENT_VOICE": "voice",
        "FLOWAGENT_STORE": "store",
        "FLOWAGENT_LOG": "log",
        "LIVEKIT_AGENT_NAME": "agent_name",
    }

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides: Any) -> WorkerSettings:
        """Settings from `FLOWAGENT_*` variables (see `ENV`), then `overrides`. Raises
        ValueError when no flow is given."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {name: env[var] for var, name in cls.ENV.items() if env.get(var)}
        values.update({k: v for k, v in overrides.items() if v is not None})
        if not values.get("flow"):
            raise ValueError("no flow: set FLOWAGENT_FLOW to the flow YAML file")
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in values.items() if k in known})

    def with_changes(self, **changes: Any) -> WorkerSettings:
        return replace(self, **changes)


@dataclass
class JobResources:
    """What `prewarm` loaded in one job process, shared by the calls it takes."""

    settings: WorkerSettings
    flow: Flow
    stt: Any
    tts: Any
    vad: Any
    store: ConversationStore | None
    sinks: list[EventSink]
    ready_ms: float


def rss_mb() -> float:
    """This process's resident memory now, in MiB (Linux /proc; peak RSS elsewhere)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as handle:
            pages = int(handle.read().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _open_store(url: str | None) -> ConversationStore | None:
    if not url:
        return None
    from flowagent.store import open_store

    try:
        return open_store(url)
    except Exception as err:  # the calls go on without persistence
        log.warning(
            "cannot open the store; calls run without persistence until it is back",
            extra={"flowagent": {"event": "store_unavailable", "error": type(err).__name__}},
        )
        return None


def _sinks(settings: WorkerSettings) -> list[EventSink]:
    sinks: list[EventSink] = []
    if settings.log:
        from flowagent.observe import JsonlSink

        sinks.append(JsonlSink(settings.log))
    if settings.metrics:
        from flowagent.metrics import PrometheusSink

        sinks.append(PrometheusSink())
    return sinks


def load_resources(settings: WorkerSettings) -> JobResources:
    """Load everything a call needs (flow, VAD, speech models, store, sinks). Raises
    FlowagentError for a broken flow and ProviderError for a provider that cannot be built."""
    started = time.perf_counter()
    flow = load_flow(settings.flow)
    stt = build_stt(settings.stt, settings.whisper_model)
    tts = build_tts(settings.tts, settings.piper_voice, settings.voice)
    vad = build_vad()
    return JobResources(
        settings=settings,
        flow=flow,
        stt=stt,
        tts=tts,
        vad=vad,
        store=_open_store(settings.store),
        sinks=_sinks(settings),
        ready_ms=(time.perf_counter() - started) * 1e3,
    )


def prewarm(settings: WorkerSettings, proc: JobProcess) -> None:
    """LiveKit's per-process set-up (`AgentServer(setup_fnc=...)`), bound to `settings` with
    `functools.partial` so that it pickles by name."""
    resources = load_resources(settings)
    proc.userdata[_USERDATA_KEY] = resources
    log.info(
        "flowagent job process ready",
        extra={
            "flowagent": {
                "event": "process_ready",
                "pid": os.getpid(),
                "flow": resources.flow.name,
                "ready_ms": round(resources.ready_ms, 1),
                "rss_mb": round(rss_mb(), 1),
            }
        },
    )


def _hook(ref: str) -> SessionHook:
    module, _, name = ref.partition(":")
    hook: SessionHook = getattr(importlib.import_module(module), name)
    return hook


def build_session(resources: JobResources) -> AgentSession[Any]:
    """An `AgentSession` on the process's loaded STT, TTS and VAD. Speech the STT returns
    nothing for (after `transcription_timeout` s) is a no-match."""
    return AgentSession(
        stt=resources.stt,
        tts=resources.tts,
        vad=resources.vad,
        transcription_timeout=resources.settings.transcription_timeout,
    )


async def entrypoint(ctx: JobContext) -> None:
    """One call: the session, the `FlowAgent` (conversation id = room name), started on the
    room — or on the audio a `session_hook` installed."""
    resources: JobResources | None = ctx.proc.userdata.get(_USERDATA_KEY)
    if resources is None:  # not prewarmed (e.g. a thread executor without setup): load now
        settings = ctx.proc.user_arguments
        if not isinstance(settings, WorkerSettings):
            settings = WorkerSettings.from_env()
        resources = load_resources(settings)
        ctx.proc.userdata[_USERDATA_KEY] = resources
    settings = resources.settings
    if resources.store is None and settings.store:  # the store was down at start: try again
        resources.store = _open_store(settings.store)
    session = build_session(resources)
    room_name = ctx.job.room.name or ctx.room.name or None
    agent = FlowAgent(
        resources.flow, conversation_id=room_name, store=resources.store, sinks=resources.sinks
    )
    if settings.session_hook:
        result = _hook(settings.session_hook)(session, agent, ctx)
        if inspect.isawaitable(result):
            await result

    def _closed(_ev: Any) -> None:
        ctx.shutdown(reason="the call ended")

    session.on("close", _closed)  # the conversation ended: end the job (and its process)
    if session.input.audio is not None and session.output.audio is not None:
        await session.start(agent)  # the hook brought its own audio
    else:
        await session.start(agent, room=ctx.room)


def build_server(
    settings: WorkerSettings,
    *,
    num_idle_processes: int | None = None,
    port: int | None = None,
    host: str = "",
    prometheus_multiproc_dir: str | None = None,
    initialize_process_timeout: float = 60.0,
) -> AgentServer:
    """The `AgentServer` for `settings`: `prewarm` in every job process, `entrypoint` per
    call, `settings.agent_name` for explicit dispatch. `num_idle_processes` and `port` (the
    health endpoint; 0 = any free port) default to LiveKit's own (dev: 0 idle, any port;
    start: one idle process per core, port 8081); `host` is the health endpoint's interface
    ("" = all, as LiveKit does, so that orchestrators can probe it)."""
    kwargs: dict[str, Any] = {}
    if num_idle_processes is not None:
        kwargs["num_idle_processes"] = num_idle_processes
    if port is not None:
        kwargs["port"] = port
    server = AgentServer(
        setup_fnc=functools.partial(prewarm, settings),
        host=host,
        prometheus_multiproc_dir=prometheus_multiproc_dir,
        # loading Whisper on a busy 2-core machine can take longer than LiveKit's 10 s
        initialize_process_timeout=initialize_process_timeout,
        **kwargs,
    )
    server.rtc_session(entrypoint, agent_name=settings.agent_name)
    return server
