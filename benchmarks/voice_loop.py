"""The offline audio loop, end to end, as a caller would hear it:

    espeak-ng speaks the caller → audio frames into the session's audio input →
    Silero VAD → faster-whisper tiny.en STT → FlowAgent (the engine) → espeak-ng TTS →
    the agent's audio captured from the session's audio output

Reports per turn: end of the caller's voice → first agent audio frame (median, p95; all
turns and complete answers), the engine's share (p99), and the rest broken down (LiveKit's
end-of-utterance delay, STT, TTS first byte) — for main's turn-taking settings (`BEFORE`),
each setting changed alone (`PARTS`) and this library's defaults (`AFTER`), in one process,
the setups taken in turn call by call.

    python benchmarks/voice_loop.py [--calls 6] [--out benchmarks/results/voice_loop.md]
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))

from _common import (  # noqa: E402
    RESULTS,
    git_rev,
    machine,
    median,
    pct,
    table,
    whisper_model,
    write_report,
)

CALLER = [
    "Hi, this is Maria, I need a checkup on Friday at 2pm.",
    "My email is maria at gmail dot com.",
    "Yes, that's right.",
]
# How the caller answers each question, when a line was misheard and the agent asks again
# (the tiny model sometimes hears "checkup" as "kakapon"): a caller answers what is asked.
# ("You can email me at maria at gmail dot com", the line this loop used first, is heard as
# "mariaatemail.com" at 7 of 8 alignments of its audio; this wording at 7 of 8 the right way.)
ANSWERS = {
    "name": "Maria.",
    "date": "Friday, please.",
    "time": "At 2pm.",
    "type": "A cleaning, please.",
    "contact": "My email is maria at gmail dot com.",
    "confirmation": "Yes, that's right.",
    "change": "Yes, that's right.",
}
RATE = 16000
PAUSE = 1.2  # s, a caller's pause in the middle of a phone number
FRAME = RATE // 100  # 10 ms frames
#: Silero reads 512-sample windows; every caller line starts on a multiple of 2,560 samples
#: (lcm of a window and a frame, 160 ms) from the first frame, so the VAD cuts, and whisper
#: hears, the same segment in every run however long the wait for the agent took — tiny.en
#: can hear "maria at gmail" three ways when its input moves by a few milliseconds.
ALIGN = 2560
VOICED = 300  # |sample| above which a 16-bit sample counts as voice (-40 dBFS)


def missing() -> str | None:
    """Why the audio loop cannot run here, or None."""
    if shutil.which("espeak-ng") is None:
        return "espeak-ng is not installed (apt-get install espeak-ng)"
    for module, hint in (
        ("livekit.agents", "flowagent[livekit]"),
        ("livekit.plugins.silero", "flowagent[livekit]"),
        ("faster_whisper", "flowagent[offline]"),
    ):
        try:
            __import__(module)
        except ImportError:
            return f"{module} is not installed (pip install '{hint}')"
    from flowagent.toolkit.testing.speech_model import TestModelError, test_whisper_model

    try:
        test_whisper_model()
    except TestModelError as err:
        return str(err)
    return None


def speak(text: str) -> np.ndarray:
    """espeak-ng → 16 kHz mono int16 samples."""
    out = subprocess.run(
        ["espeak-ng", "-v", "en-us", "-s", "150", "--stdout", text], capture_output=True, check=True
    ).stdout
    pcm = np.frombuffer(out[44:], dtype=np.int16).astype(np.float32)
    target = int(len(pcm) * RATE / 22050)
    resampled = np.interp(
        np.linspace(0, len(pcm), target, endpoint=False), np.arange(len(pcm)), pcm
    )
    return resampled.astype(np.int16)


@dataclass
class LoopResult:
    transcripts: list[str] = field(default_factory=list)  # what the STT heard, per caller line
    agent_audio: list[np.ndarray] = field(default_factory=list)  # agent speech, per reply
    latency_ms: list[float] = field(default_factory=list)  # end of caller audio → first agent frame
    engine_ms: list[float] = field(default_factory=list)
    engine_cpu_ms: list[float] = field(default_factory=list)
    eou_ms: list[float] = field(default_factory=list)
    stt_ms: list[float] = field(default_factory=list)
    tts_ttfb_ms: list[float] = field(default_factory=list)
    slots: dict[str, Any] = field(default_factory=dict)
    outcome: str | None = None
    interruptions: int = 0
    response_ms: list[float] = field(default_factory=list)  # as FlowAgent logs it
    decisions: list[str] = field(default_factory=list)  # endpointing decision, per latency
    history: list[Any] = field(default_factory=list)


class Loopback:
    """A caller on the other end of an `AgentSession`: `input` feeds the caller's audio
    frames (espeak-ng speech, then silence) and `output` captures the agent's. With
    `realtime`, the output "plays" each reply for as long as it lasts, so a caller can barge
    in; otherwise playback finishes at once. Results go to `result`."""

    def __init__(self, result: LoopResult, *, realtime: bool = False) -> None:
        from livekit import rtc
        from livekit.agents.voice import io

        self.result = result
        self.queue: asyncio.Queue[Any] = asyncio.Queue()
        self.pushed = 0  # samples fed so far
        self.first_frame: list[float] = []  # perf_counter of the agent's first audio frame
        self.first_frame_wall: list[float] = []  # the same, as time.time()
        segment: list[np.ndarray] = []
        loop = self

        class FeedInput(io.AudioInput):
            def __init__(self) -> None:
                super().__init__(label="caller")

            async def __anext__(self) -> rtc.AudioFrame:
                frame: rtc.AudioFrame = await loop.queue.get()
                return frame

        class CaptureOutput(io.AudioOutput):
            def __init__(self) -> None:
                super().__init__(
                    label="capture",
                    capabilities=io.AudioOutputCapabilities(pause=False),
                    sample_rate=None,
                )
                self._started = False
                self._playing: asyncio.Task[None] | None = None
                self._play_start = 0.0

            async def capture_frame(self, frame: rtc.AudioFrame) -> None:
                await super().capture_frame(frame)
                if not self._started:
                    self._started = True
                    self._play_start = time.perf_counter()
                    loop.first_frame.append(self._play_start)
                    loop.first_frame_wall.append(time.time())
                    self.on_playback_started(created_at=time.time())
                samples = np.frombuffer(frame.data, dtype=np.int16)
                target = int(len(samples) * RATE / frame.sample_rate)
                segment.append(
                    np.interp(
                        np.linspace(0, len(samples), target, endpoint=False),
                        np.arange(len(samples)),
                        samples,
                    ).astype(np.int16)
                )

            def flush(self) -> None:
                super().flush()
                if not self._started:
                    return
                audio = np.concatenate(segment) if segment else np.zeros(0, np.int16)
                result.agent_audio.append(audio)
                segment.clear()
                if realtime:
                    remaining = len(audio) / RATE - (time.perf_counter() - self._play_start)
                    self._playing = asyncio.ensure_future(
                        self._play_out(max(0.0, remaining), len(audio) / RATE)
                    )
                else:
                    self._started = False
                    self.on_playback_finished(
                        playback_position=len(audio) / RATE, interrupted=False
                    )

            async def _play_out(self, seconds: float, duration: float) -> None:
                await asyncio.sleep(seconds)
                self._started = False
                self._playing = None
                self.on_playback_finished(playback_position=duration, interrupted=False)

            def clear_buffer(self) -> None:
                if not self._started:
                    return
                if self._playing is not None:
                    self._playing.cancel()
                    self._playing = None
                else:  # cut while still being synthesised: what was captured counts
                    result.agent_audio.append(
                        np.concatenate(segment) if segment else np.zeros(0, np.int16)
                    )
                segment.clear()
                self._started = False
                result.interruptions += 1
                self.on_playback_finished(
                    playback_position=time.perf_counter() - self._play_start, interrupted=True
                )

        self.input = FeedInput()
        self.output = CaptureOutput()

    def attach(self, session: Any) -> None:
        """Make this loopback the session's audio input and output (before `start`)."""
        session.input.audio = self.input
        session.output.audio = self.output

    async def feed(self, samples: np.ndarray, seconds_of_silence: float = 0.0) -> float:
        """Speak `samples` (16 kHz int16) in real time, then `seconds_of_silence`. Returns
        the `perf_counter` time the caller's voice ended: when the frame with its last voiced
        sample went out (espeak-ng ends each line with ~0.4 s of silence, which is not
        speech)."""
        lead = np.zeros((-self.pushed) % ALIGN, np.int16)  # start on the alignment (above)
        tail = np.zeros(int(RATE * seconds_of_silence), np.int16)
        padded = np.concatenate([lead, samples, tail])
        padded = np.concatenate([padded, np.zeros((-len(padded)) % FRAME, np.int16)])
        voiced = np.nonzero(np.abs(padded) > VOICED)[0]
        last = int(voiced[-1]) if len(voiced) else 0
        voice_end = time.perf_counter()
        for i in range(0, len(padded), FRAME):
            await self._put(padded[i : i + FRAME])
            if i <= last < i + FRAME:
                voice_end = time.perf_counter()
            if i % (FRAME * 5) == 0:
                await asyncio.sleep(0.05)  # 50 ms of audio per 50 ms: real time
        return voice_end

    async def _put(self, chunk: np.ndarray) -> None:
        from livekit import rtc

        await self.queue.put(rtc.AudioFrame(chunk.tobytes(), RATE, 1, FRAME))
        self.pushed += FRAME

    async def wait_for(self, predicate: Any, timeout: float) -> None:
        """Keep the input clock running with silence until `predicate()` holds."""
        silence = np.zeros(FRAME, dtype=np.int16)
        deadline = time.perf_counter() + timeout
        while not predicate():
            if time.perf_counter() > deadline:
                raise TimeoutError("the agent did not answer in time")
            for _ in range(5):
                await self._put(silence)
            await asyncio.sleep(0.05)


def collect_metrics(session: Any, result: LoopResult) -> None:
    """Record the session's EOU, STT and TTS timings and final transcripts in `result`."""
    from livekit.agents import metrics

    def on_metrics(ev: Any) -> None:
        m = ev.metrics
        if isinstance(m, metrics.EOUMetrics):
            result.eou_ms.append(m.end_of_utterance_delay * 1e3)
        elif isinstance(m, metrics.STTMetrics):
            result.stt_ms.append(m.duration * 1e3)
        elif isinstance(m, metrics.TTSMetrics):
            result.tts_ttfb_ms.append(m.ttfb * 1e3)

    session.on("metrics_collected", on_metrics)
    session.on(
        "user_input_transcribed",
        lambda ev: result.transcripts.append(ev.transcript) if ev.is_final else None,
    )


async def converse(
    loop: Loopback,
    agent: Any,
    lines: list[Any],
    *,
    barge_in_after: float | None = None,
    answer_questions: bool = False,
    max_turns: int = 8,
) -> None:
    """The caller's side of a call: wait for the greeting (or barge in `barge_in_after` s
    into it), then say each line and wait for the agent's answer, timing end of speech →
    first agent audio; with `answer_questions`, keep answering what the agent asks."""
    result = loop.result
    if barge_in_after is None:
        await loop.wait_for(lambda: len(result.agent_audio) >= 1, 30)  # the greeting
    else:
        await loop.wait_for(lambda: bool(loop.first_frame), 30)  # the greeting is playing
        await asyncio.sleep(barge_in_after)
    script = list(lines)
    for _ in range(max_turns):
        if script:
            line = script.pop(0)
        elif (
            answer_questions
            and agent.last_turn is not None
            and agent.last_turn.expecting in ANSWERS
        ):
            line = ANSWERS[str(agent.last_turn.expecting)]
        else:
            break
        heard_before = len(result.agent_audio)
        turns_before = agent.conversation.context.turns
        parts = line if isinstance(line, list) else [line]
        loop.first_frame.clear()  # the agent may answer before the line's trailing silence ends
        for k, part in enumerate(parts):  # a list: segments with a PAUSE s pause between
            speech_end = await loop.feed(speak(part), PAUSE if k < len(parts) - 1 else 0.0)
        await loop.wait_for(
            lambda t=turns_before, h=heard_before: (
                agent.conversation.context.turns > t and len(result.agent_audio) > h
            ),
            60,
        )
        if loop.first_frame:
            result.latency_ms.append((loop.first_frame[0] - speech_end) * 1e3)
            decision = agent.endpointing_log[-1] if agent.endpointing_log else None
            result.decisions.append(decision[0] if decision else "none")
        if agent.conversation.ended:
            break
    result.engine_ms = list(agent.engine_ms)
    result.engine_cpu_ms = list(agent.engine_cpu_ms)
    result.response_ms = list(agent.response_ms)
    result.slots = agent.conversation.slots
    result.history = list(agent.conversation.context.history)
    result.outcome = agent.conversation.outcome


@dataclass(frozen=True)
class Setup:
    """The turn-taking settings of one run: Silero's end-of-speech silence (s), whether the
    flow decides the end of the turn (`FlowAgent(endpointing=...)`; off: LiveKit's default
    turn detector and delays), and whether the flow's recognition hints reach the STT."""

    name: str
    vad_silence: float
    endpointing: bool
    hints: bool


#: What main shipped before issue 14: Silero's default 0.55 s silence, LiveKit's default turn
#: detector (its cloud/local inference model) with its default delays, no hints.
BEFORE = Setup("before (main: VAD 0.55 s, LiveKit turn detector)", 0.55, False, False)
#: This library's defaults.
AFTER = Setup("after (VAD 0.3 s, flow endpointing, hints)", 0.3, True, True)
#: One setting changed at a time, for the table in docs/livekit.md.
PARTS = [
    Setup("VAD 0.3 s, LiveKit turn detector", 0.3, False, False),
    Setup("VAD 0.55 s, flow endpointing", 0.55, True, False),
    Setup("VAD 0.3 s, flow endpointing, no hints", 0.3, True, False),
    Setup("VAD 0.2 s, flow endpointing, hints", 0.2, True, True),
]


async def run_loop(
    lines: list[Any] = CALLER,
    *,
    realtime: bool = False,
    barge_in_after: float | None = None,
    flow_path: Path | None = None,
    answer_questions: bool = False,
    max_turns: int = 8,
    setup: Setup = AFTER,
    stt: Any = None,
) -> LoopResult:
    """Run a spoken call in this process. With `barge_in_after`, the caller starts the first
    line that many seconds into the greeting instead of waiting for it to end (needs
    `realtime`). With `answer_questions`, after the scripted lines the caller keeps answering
    whatever the agent asks, as a person would after being misheard. `setup`: the turn-taking
    settings; `stt`: a `WhisperSTT` to reuse (default: a new one on the test model)."""
    from livekit.agents import AgentSession

    import flowagent
    from flowagent.livekit import FlowAgent
    from flowagent.livekit.offline import EspeakTTS, WhisperSTT
    from flowagent.livekit.providers import build_vad
    from flowagent.toolkit.testing.speech_model import test_whisper_model

    result = LoopResult()
    loop = Loopback(result, realtime=realtime)
    flow = flowagent.load_flow(flow_path or HERE.parent / "flows" / "appointment.yaml")
    session: AgentSession[Any] = AgentSession(
        stt=stt or WhisperSTT(test_whisper_model()),
        tts=EspeakTTS(speed=190),
        vad=build_vad(setup.vad_silence),
    )
    collect_metrics(session, result)
    loop.attach(session)
    agent = FlowAgent(
        flow,
        now=datetime(2026, 11, 23, 10, 0),
        end_session=False,
        endpointing=setup.endpointing,
        hints=setup.hints,
    )
    await session.start(agent, record=False)
    await converse(
        loop,
        agent,
        lines,
        barge_in_after=barge_in_after,
        answer_questions=answer_questions,
        max_turns=max_turns,
    )
    await session.aclose()
    return result


def engine_replay(
    calls: list[list[str]], rounds: int = 200
) -> tuple[list[float], list[float], list[str]]:
    """The engine's own time for exactly these calls' transcripts, without the audio stack
    competing for the interpreter: each call replayed `rounds` times on fresh conversations,
    each caller turn timed as the live loop runs it — the endpointing question
    (`answer_status`) and then the turn (`handle`). Returns wall times and thread CPU times
    (ms; CPU time leaves out other processes taking the core on a shared machine) and the
    answer status of each turn (complete / incomplete / normal), in order."""
    import flowagent

    flow = flowagent.load_flow(HERE.parent / "flows" / "appointment.yaml")
    wall: list[float] = []
    cpu: list[float] = []
    statuses: list[str] = []
    for r in range(rounds):
        for transcripts in calls:
            conv = flow.new_conversation(now=datetime(2026, 11, 23, 10, 0))
            conv.start()
            for text in transcripts:
                started, started_cpu = time.perf_counter(), time.thread_time()
                status = conv.answer_status(text)
                conv.handle(text)
                wall.append((time.perf_counter() - started) * 1e3)
                cpu.append((time.thread_time() - started_cpu) * 1e3)
                if r == 0:
                    statuses.append(str(status))
    return wall, cpu, statuses


def transcribe(samples: np.ndarray) -> str:
    """The agent's captured audio, transcribed back with the same offline Whisper."""
    segments, _ = whisper_model().transcribe(
        samples.astype(np.float32) / 32768.0, language="en", beam_size=1
    )
    return " ".join(s.text.strip() for s in segments)


async def run_setups(plan: list[tuple[Setup, int]], stt: Any) -> list[list[LoopResult]]:
    """Scripted calls (the caller answers what is asked) for each (setup, number of calls),
    taken in turn — one call of each setup, then the next round — so that a machine whose
    load changes during the run slows every setup alike."""
    results: list[list[LoopResult]] = [[] for _ in plan]
    for round_ in range(max(calls for _, calls in plan)):
        for k, (setup, calls) in enumerate(plan):
            if round_ < calls:
                stt.set_hints(None)  # no hints left over from another setup
                results[k].append(await run_loop(answer_questions=True, setup=setup, stt=stt))
    return results


def summarise(setup: Setup, results: list[LoopResult]) -> dict[str, Any]:
    """Per setup: end of speech → first audio over all caller turns and over complete
    answers (the flow's answer status of each turn's transcript, the same for every setup),
    and the pieces LiveKit reports."""
    latency = [ms for r in results for ms in r.latency_ms]
    complete = []
    for r in results:  # a turn heard as two transcripts cannot be paired: left out
        if len(r.transcripts) == len(r.latency_ms):
            _, _, statuses = engine_replay([r.transcripts], rounds=1)
            complete += [
                ms for ms, st in zip(r.latency_ms, statuses, strict=True) if st == "complete"
            ]
    return {
        "setup": setup,
        "turns": len(latency),
        "latency": latency,
        "complete": complete,
        "outcomes": [r.outcome for r in results],
        "eou": [x for r in results for x in r.eou_ms],
        "stt": [x for r in results for x in r.stt_ms],
        "tts": [x for r in results for x in r.tts_ttfb_ms],
        "engine": [x for r in results for x in r.engine_ms],
        "engine_cpu": [x for r in results for x in r.engine_cpu_ms],
        "response": [x for r in results for x in r.response_ms],
        "transcripts": results[0].transcripts if results else [],
    }


def ms(values: list[float], p: float | None = None) -> str:
    if not values:
        return "—"
    return f"{(median(values) if p is None else pct(values, p)):.0f} ms"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=RESULTS / "voice_loop.md")
    parser.add_argument("--calls", type=int, default=6, help="calls with each setup")
    args = parser.parse_args()
    reason = missing()
    if reason:
        print(f"voice loop skipped: {reason}")
        return 0
    from flowagent.livekit.offline import WhisperSTT
    from flowagent.toolkit.testing.speech_model import test_whisper_model

    stt = WhisperSTT(test_whisper_model())
    plan = [(setup, args.calls) for setup in (BEFORE, *PARTS, AFTER)]
    started = time.perf_counter()
    runs = [
        summarise(setup, results)
        for (setup, _), results in zip(plan, asyncio.run(run_setups(plan, stt)), strict=True)
    ]
    seconds = time.perf_counter() - started
    after = runs[-1]
    replay, replay_cpu, _ = engine_replay([after["transcripts"]])
    settings = [
        [
            run["setup"].name,
            f"{run['setup'].vad_silence} s",
            "flow" if run["setup"].endpointing else "LiveKit default",
            "yes" if run["setup"].hints else "no",
            run["turns"],
            ms(run["latency"]),
            ms(run["latency"], 95),
            f"{ms(run['complete'])} / {ms(run['complete'], 95)} ({len(run['complete'])})",
            ms(run["eou"]),
            ms(run["stt"]),
            f"{run['outcomes'].count('complete')}/{len(run['outcomes'])}",
        ]
        for run in runs
    ]
    rows = [
        [
            "end of caller speech → first agent audio",
            ms(after["latency"]),
            ms(after["latency"], 95),
            "—",
        ],
        ["  complete answers", ms(after["complete"]), ms(after["complete"], 95), "—"],
        [
            "  as FlowAgent logs it (VAD end of speech)",
            ms(after["response"]),
            ms(after["response"], 95),
            "—",
        ],
        [
            "  of which the engine (answer_status + handle, replayed 200×)",
            f"{median(replay):.2f} ms",
            f"{pct(replay, 95):.2f} ms",
            f"{pct(replay, 99):.2f} ms",
        ],
        [
            "  the same, thread CPU time",
            f"{median(replay_cpu):.2f} ms",
            f"{pct(replay_cpu, 95):.2f} ms",
            f"{pct(replay_cpu, 99):.2f} ms",
        ],
        [
            "  engine as timed inside the live loop (wall)",
            f"{median(after['engine']):.2f} ms",
            "—",
            f"{pct(after['engine'], 99):.2f} ms",
        ],
        [
            "  engine inside the live loop, thread CPU time",
            f"{median(after['engine_cpu']):.2f} ms",
            "—",
            f"{pct(after['engine_cpu'], 99):.2f} ms",
        ],
        [
            "  LiveKit end-of-utterance delay (EOUMetrics)",
            ms(after["eou"]),
            ms(after["eou"], 95),
            "—",
        ],
        ["  STT (whisper tiny.en, per utterance)", ms(after["stt"]), ms(after["stt"], 95), "—"],
        ["  TTS first byte (espeak-ng)", ms(after["tts"]), ms(after["tts"], 95), "—"],
    ]
    before = runs[0]
    report = (
        "# Offline voice loop: end of the caller's speech → the agent's first audio\n\n"
        f"Command: `python benchmarks/voice_loop.py --calls {args.calls}`  \nMachine: {machine()}  \nCommit: {git_rev()}; "
        f"{sum(len(r['outcomes']) for r in runs)} calls in {seconds:.0f} s, all in this process "
        "(one whisper model, the same caller lines), the setups taken in turn call by call so "
        "that the machine's load (shared, 2 cores) weighs on each alike.\n\n"
        "The caller (espeak-ng) says three lines and answers whatever is asked again; time runs "
        "from the caller's last voiced sample to the agent's first audio frame. A complete "
        "answer is a turn whose transcript the flow reads as complete (`answer_status`); "
        "the others here are the first line (said before anything is asked: normal).\n\n"
        f"**Before** (main's settings): median {ms(before['latency'])}, p95 "
        f"{ms(before['latency'], 95)}; complete answers median {ms(before['complete'])}, p95 "
        f"{ms(before['complete'], 95)}.  \n"
        f"**After** (this library's defaults): median {ms(after['latency'])}, p95 "
        f"{ms(after['latency'], 95)}; complete answers median {ms(after['complete'])}, p95 "
        f"{ms(after['complete'], 95)}.\n\n"
        "## Each setting\n\n"
        + table(
            [
                "setup",
                "VAD silence",
                "turn detection",
                "hints",
                "turns",
                "median",
                "p95",
                "complete: median / p95 (n)",
                "LiveKit EOU delay",
                "STT",
                "booked",
            ],
            settings,
        )
        + "\n\n## After, in detail\n\n"
        + table(["measure", "median", "p95", "p99"], rows)
        + "\n\nWhat the STT heard (after, first call): "
        + " | ".join(after["transcripts"])
        + "\n"
    )
    write_report(report, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
