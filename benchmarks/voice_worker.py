"""The voice worker the way LiveKit runs it: an `AgentServer` with a pool of pre-started job
processes, each prewarmed (flow compiled, Silero VAD, faster-whisper tiny.en, espeak-ng), and
calls simulated through that pool (`simulate_job(..., fake_job=True)`, no LiveKit server).
In each job process a loopback caller (`attach_caller`, the worker's session hook) speaks the
caller's lines with espeak-ng into the session's audio input and captures the agent's audio.

Reports: idle job process start-up time (process start → ready, and the prewarm step alone)
and memory (RSS, and USS/PSS — what each process adds), the number of idle processes a
machine of this size can hold, and per simulated call: job start → first greeting audio.

    python benchmarks/voice_worker.py [--calls 3] [--idle 2] [--out benchmarks/results/voice_worker.md]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))

from _common import RESULTS, git_rev, machine, median, pct, table, write_report  # noqa: E402
from voice_loop import ANSWERS, CALLER, Loopback, LoopResult, converse, missing  # noqa: E402

FLOW = HERE.parent / "flows" / "appointment.yaml"
_ = ANSWERS  # the caller answers re-asked questions as in voice_loop


def result_path(room: str) -> Path:
    """Where the loopback caller of the job for `room` writes what happened."""
    return Path(tempfile.gettempdir()) / f"flowagent-loopback-{room}.json"


# --- in the job process ------------------------------------------------------------------


def attach_caller(session: Any, agent: Any, ctx: Any) -> None:
    """Session hook (`WorkerSettings.session_hook = "voice_worker:attach_caller"`): runs in
    the job process; gives the session a loopback caller who says `CALLER` and answers what
    is asked, and writes the call's outcome, slots and timings to `result_path(room)`."""
    entered = time.time()
    result = LoopResult()
    loop = Loopback(result)
    loop.attach(session)
    session.on(
        "user_input_transcribed",
        lambda ev: result.transcripts.append(ev.transcript) if ev.is_final else None,
    )
    room = ctx.job.room.name
    path = result_path(room)
    path.unlink(missing_ok=True)

    def write(done: bool) -> None:
        conv = agent.conversation
        data = {
            "pid": os.getpid(),
            "done": done,
            "hook_entered": entered,
            "greeting_first_audio": loop.first_frame_wall[0] if loop.first_frame_wall else None,
            "conversation_id": conv.conversation_id,
            "outcome": conv.outcome,
            "slots": {k: str(v) for k, v in conv.slots.items()},
            "replies": len(result.agent_audio),
            "transcripts": result.transcripts,
            "history": [str(h) for h in conv.context.history][-12:],
            "latency_ms": result.latency_ms,
        }
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data), encoding="utf-8")
        tmp.replace(path)

    async def call() -> None:
        try:
            await converse(loop, agent, list(CALLER), answer_questions=True)
        finally:
            write(done=True)

    task = asyncio.get_running_loop().create_task(call())

    async def on_shutdown() -> None:
        write(done=task.done())

    ctx.add_shutdown_callback(on_shutdown)


# --- in the worker (parent) process --------------------------------------------------------


class ReadyLog(logging.Handler):
    """Collects the "job process ready" events that job processes log (LiveKit forwards
    job-process log records to the parent's loggers)."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.ready: list[dict[str, Any]] = []

    def emit(self, record: logging.LogRecord) -> None:
        event = getattr(record, "flowagent", None)
        if isinstance(event, dict) and event.get("event") == "process_ready":
            self.ready.append({**event, "logged_at": time.time()})


async def _until(predicate: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


def memory(pid: int) -> dict[str, float]:
    """RSS, USS and PSS of a process in MiB (USS: memory only it uses; PSS: its fair share
    of shared pages)."""
    import psutil

    info = psutil.Process(pid).memory_full_info()
    return {
        "rss": info.rss / 2**20,
        "uss": info.uss / 2**20,
        "pss": getattr(info, "pss", info.uss) / 2**20,
    }


async def run_worker(calls: int = 1, idle: int = 1, *, timeout: float = 180.0) -> dict[str, Any]:
    """Start an unregistered worker with `idle` prewarmed job processes, measure them, then
    simulate `calls` calls one after another through the pool. Returns the measurements."""
    from flowagent.livekit.worker import WorkerSettings, build_server
    from flowagent.toolkit.testing.speech_model import test_whisper_model

    settings = WorkerSettings(
        flow=str(FLOW),
        stt="whisper",
        tts="espeak",
        whisper_model=test_whisper_model(),
        session_hook="voice_worker:attach_caller",
    )
    ready = ReadyLog()
    flow_log = logging.getLogger("flowagent.livekit")
    flow_log.setLevel(logging.INFO)
    flow_log.addHandler(ready)
    server = build_server(settings, num_idle_processes=idle, port=0)
    started = time.time()
    run = asyncio.create_task(server.run(devmode=True, unregistered=True))
    out: dict[str, Any] = {"calls": [], "idle": []}
    try:
        await _until(lambda: len(ready.ready) >= idle, timeout, "the job processes")
        await asyncio.sleep(1.0)  # let the processes settle before measuring memory
        for event in ready.ready[:idle]:
            out["idle"].append(
                {
                    "pid": event["pid"],
                    "ready_ms": event["ready_ms"],
                    "start_to_ready_ms": (event["logged_at"] - started) * 1e3,
                    **memory(int(event["pid"])),
                }
            )
        for i in range(calls):
            room = f"bench-{uuid.uuid4().hex[:8]}"
            before = len(ready.ready)
            job_started = time.time()
            await server.simulate_job(room, fake_job=True)
            path = result_path(room)

            def finished(p: Path = path) -> bool:
                try:
                    return bool(json.loads(p.read_text())["done"])
                except (OSError, ValueError, KeyError):
                    return False

            await _until(finished, timeout, f"call {i + 1}")
            data = json.loads(path.read_text())
            path.unlink(missing_ok=True)
            first = data["greeting_first_audio"]
            data["greeting_ms"] = (first - job_started) * 1e3 if first else None
            data["hook_ms"] = (data["hook_entered"] - job_started) * 1e3
            out["calls"].append(data)
            # the pool replaces the process that took the call before the next one
            await _until(lambda b=before: len(ready.ready) > b, timeout, "a fresh process")
    finally:
        flow_log.removeHandler(ready)
        await server.aclose()
        run.cancel()
        await asyncio.gather(run, return_exceptions=True)
    return out


def report(runs: list[dict[str, Any]]) -> str:
    idle = [p for r in runs for p in r["idle"]]
    calls = [c for r in runs for c in r["calls"]]
    greet = [c["greeting_ms"] for c in calls if c["greeting_ms"] is not None]
    hook = [c["hook_ms"] for c in calls]
    mem_total = 24 * 1024  # MiB on the reference machine
    pss = median([p["pss"] for p in idle])
    uss = median([p["uss"] for p in idle])
    reserve = 2048  # MiB left to the OS, the worker process and page cache
    by_memory = int((mem_total - reserve) // pss) if pss else 0

    def row(name: str, values: list[float], unit: str) -> list[str]:
        return [
            name,
            f"{median(values):.0f} {unit}",
            f"{pct(values, 95):.0f} {unit}",
            str(len(values)),
        ]

    rows = [
        row(
            "process start → ready (LiveKit pool, incl. prewarm)",
            [p["start_to_ready_ms"] for p in idle],
            "ms",
        ),
        row(
            "  prewarm: flow + Silero VAD + whisper + espeak check",
            [p["ready_ms"] for p in idle],
            "ms",
        ),
        row("idle job process RSS", [p["rss"] for p in idle], "MiB"),
        row("idle job process USS (its own pages)", [p["uss"] for p in idle], "MiB"),
        row("idle job process PSS (own + share of shared)", [p["pss"] for p in idle], "MiB"),
        row("simulated job start → entrypoint ready (hook)", hook, "ms"),
        row("simulated job start → first greeting audio", greet, "ms"),
    ]
    outcomes = ", ".join(f"{c['outcome']} {c['slots']}" for c in calls)
    return (
        "# Voice worker: LiveKit job processes, prewarmed, simulated calls\n\n"
        f"Command: `python benchmarks/voice_worker.py`  \nMachine: {machine()}  \n"
        f"Commit: {git_rev()}; {len(runs)} runs; {len(idle)} idle processes measured; "
        f"{len(calls)} simulated calls. Load average at the end: "
        f"{', '.join(f'{x:.2f}' for x in os.getloadavg())}.\n\n"
        + table(["measure", "median", "p95", "n"], rows)
        + "\n\n"
        f"**Idle processes a 2-core, 24 GiB machine can hold:** memory allows ≈ {by_memory} "
        f"(24 GiB less {reserve // 1024} GiB reserve, at {pss:.0f} MiB PSS each; USS "
        f"{uss:.0f} MiB). An idle process uses no CPU, so memory is the bound for idle ones; "
        "calls are bound by CPU instead (Whisper on 2 cores — see docs/scaling.md): keep the "
        "idle pool near the number of calls that can start at once (LiveKit's default in "
        "`start` is one per core).\n\n"
        f"Calls: {outcomes}.\n"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--calls", type=int, default=3, help="simulated calls per run")
    parser.add_argument("--idle", type=int, default=2, help="idle job processes")
    parser.add_argument("--runs", type=int, default=2, help="runs (fresh worker each)")
    parser.add_argument("--out", type=Path, default=RESULTS / "voice_worker.md")
    args = parser.parse_args()
    reason = missing()
    if reason:
        print(f"voice worker benchmark skipped: {reason}")
        return 0
    runs = [asyncio.run(run_worker(args.calls, args.idle)) for _ in range(args.runs)]
    write_report(report(runs), args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
