"""The voice worker on LiveKit's real worker path: job processes from LiveKit's pool, each
prewarmed with the flow and the offline models, and calls simulated through that pool; and
`flowagent voice FLOW start` against a LiveKit server that cannot be reached."""

from __future__ import annotations

import asyncio
import json
import os
import pickle
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from tests.conftest import APPOINTMENT, ROOT

pytest.importorskip("livekit.agents", reason="needs pip install 'flowagent[livekit]'")

sys.path.insert(0, str(ROOT / "benchmarks"))
from voice_loop import missing

from flowagent.livekit.worker import WorkerSettings, build_server, entrypoint, prewarm


def test_the_worker_callbacks_reach_job_processes_by_name() -> None:
    """LiveKit pickles the prewarm and entrypoint functions into every job process; a
    closure cannot be pickled ("Can't pickle local object"), these must."""
    server = build_server(WorkerSettings(flow=str(APPOINTMENT), stt="whisper", tts="espeak"))
    setup = pickle.loads(pickle.dumps(server.setup_fnc))
    assert setup.func is prewarm and setup.args[0].flow == str(APPOINTMENT)
    assert pickle.loads(pickle.dumps(entrypoint)) is entrypoint


def test_settings_come_from_the_environment() -> None:
    env = {
        "FLOWAGENT_FLOW": "flows/appointment.yaml",
        "FLOWAGENT_STT": "whisper",
        "FLOWAGENT_WHISPER_MODEL": "base.en",
        "FLOWAGENT_STORE": "redis://cache:6379/0",
        "LIVEKIT_AGENT_NAME": "booking",
    }
    settings = WorkerSettings.from_env(env, tts="espeak")
    assert (settings.flow, settings.stt, settings.tts) == (
        "flows/appointment.yaml",
        "whisper",
        "espeak",
    )
    assert settings.whisper_model == "base.en" and settings.store == "redis://cache:6379/0"
    assert settings.agent_name == "booking"


def test_settings_without_a_flow_say_which_variable_to_set() -> None:
    with pytest.raises(ValueError, match="FLOWAGENT_FLOW"):
        WorkerSettings.from_env({})


@pytest.mark.slow
@pytest.mark.voice
def test_a_simulated_job_books_the_appointment_in_a_prewarmed_job_process() -> None:
    """The whole call runs in one of LiveKit's job processes: the flow and models were loaded
    by `prewarm`, the greeting is spoken, and the loopback caller's speech (espeak-ng → VAD →
    whisper) completes the booking."""
    reason = missing()
    if reason:
        pytest.skip(reason)
    from voice_worker import run_worker

    out = asyncio.run(run_worker(calls=1, idle=1))
    (call,) = out["calls"]
    prewarmed = {p["pid"] for p in out["idle"]}
    assert call["pid"] != os.getpid() and call["pid"] in prewarmed
    assert call["greeting_first_audio"] is not None  # the greeting was spoken
    assert call["outcome"] == "complete", call
    assert call["slots"]["name"] == "Maria" and call["slots"]["time"] == "14:00"
    assert call["slots"]["contact"]  # the contact the caller spelled out
    assert call["conversation_id"].startswith("bench-")  # the room name


def _health(port: int) -> int:
    """The status of LiveKit's health endpoint. It listens on every interface; with port 0
    the IPv4 and IPv6 sockets may get different ports, and the log names the first."""
    for host in ("127.0.0.1", "[::1]"):
        try:
            with urllib.request.urlopen(f"http://{host}:{port}/", timeout=5) as page:
                return int(page.status)
        except OSError:
            continue
    return 0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.slow
@pytest.mark.voice
def test_start_against_an_unreachable_server_keeps_its_job_processes_healthy() -> None:
    """`flowagent voice FLOW start`: the job processes initialise once and stay up for 30 s
    while the worker retries the connection, says so once in words, and logs no error."""
    reason = missing()
    if reason:
        pytest.skip(reason)
    from flowagent.toolkit.testing.speech_model import test_whisper_model

    env = {k: v for k, v in os.environ.items() if not k.startswith(("LIVEKIT_", "OPENAI_"))}
    env.update(
        PYTHONPATH=str(ROOT / "src"),
        LIVEKIT_URL=f"ws://127.0.0.1:{_free_port()}",  # nothing listens there
        LIVEKIT_API_KEY="devkey",
        LIVEKIT_API_SECRET="a-secret-long-enough-for-hmac-sha256-0123456789",
    )
    cmd = [sys.executable, "-m", "flowagent.cli", "voice", str(APPOINTMENT), "start"]
    cmd += ["--offline", "--whisper-model", test_whisper_model()]
    cmd += ["--idle-processes", "1", "--health-port", "0"]
    proc = subprocess.Popen(
        cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(iter(proc.stdout.readline, "")))  # type: ignore[union-attr]
    reader.start()
    try:
        time.sleep(30)
        events = [json.loads(ln) for ln in lines if ln.startswith("{")]
        ready = [e["flowagent"]["pid"] for e in events if e.get("flowagent", {}).get("pid")]
        assert len(ready) == 1, lines  # one process, initialised once, never replaced
        os.kill(ready[0], 0)  # still alive after 30 s
        port = next(
            e["message"].rsplit(":", 1)[1]
            for e in events
            if e["message"].startswith("HTTP server listening")
        )
        assert _health(int(port)) == 200
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
        reader.join(timeout=5)
        proc.stdout.close()  # type: ignore[union-attr]
    text = "".join(lines)
    assert "error initializing process" not in text and "Traceback" not in text
    assert text.count("cannot reach the LiveKit server at ws://127.0.0.1:") == 1
    assert "failed to connect to livekit" not in text  # LiveKit's repeats are folded in


def test_metrics_listen_on_this_machine_only_by_default(tmp_path: Path) -> None:
    pytest.importorskip("prometheus_client")
    from flowagent.livekit.cli import parser, serve_metrics

    args = parser().parse_args([str(APPOINTMENT), "start", "--metrics-port", "0"])
    assert args.metrics_host == "127.0.0.1"
    server = serve_metrics(0, args.metrics_host, str(tmp_path))
    try:
        host, port = server.server_address[:2]
        assert host == "127.0.0.1"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as page:
            assert page.status == 200
    finally:
        server.shutdown()
        server.server_close()


def test_metrics_can_be_opened_to_other_hosts_on_request() -> None:
    from flowagent.livekit.cli import parser

    args = parser().parse_args([str(APPOINTMENT), "--metrics-port", "9100"])
    assert args.metrics_host == "127.0.0.1"
    wide = parser().parse_args(
        [str(APPOINTMENT), "--metrics-port", "9100", "--metrics-host", "0.0.0.0"]
    )
    assert wide.metrics_host == "0.0.0.0"
