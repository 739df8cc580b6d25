"""Offline speech for LiveKit: no key, no network once the model is on disk.

- `WhisperSTT`: faster-whisper, loaded the normal way — a model name (`tiny.en`, the
  default, or `base.en`, `small.en`, …; downloaded once from Hugging Face into its cache) or a
  local CTranslate2 model directory (`pip install 'flowagent[offline]'`). It recognises whole
  utterances; the session pairs it with Silero VAD to cut them.
- `EspeakTTS`: the `espeak-ng` program (`apt-get install espeak-ng`), or a Piper voice file
  when the user gives one (`piper` on PATH).
"""

from __future__ import annotations

import asyncio
import shutil
import uuid
from pathlib import Path
from typing import Any

import numpy as np
from livekit import rtc
from livekit.agents import stt, tts, utils
from livekit.agents.types import (
    DEFAULT_API_CONNECT_OPTIONS,
    NOT_GIVEN,
    APIConnectOptions,
    NotGivenOr,
)

from flowagent.hints import RecognitionHints

#: The Whisper model used when none is given: the fastest English model (see
#: benchmarks/results/voice_loop.md for its latency on 2 cores).
DEFAULT_WHISPER_MODEL = "tiny.en"


class OfflineSpeechError(RuntimeError):
    """An offline speech component is missing; the message says what to install or set."""


def resolve_whisper_model(model: str | None = None) -> str:
    """A local directory for `model` (a faster-whisper model name or a CTranslate2
    directory; default `DEFAULT_WHISPER_MODEL`). A name is fetched into the Hugging Face cache
    the first time (or found there offline). Raises OfflineSpeechError saying what to do."""
    name = model or DEFAULT_WHISPER_MODEL
    if Path(name).is_dir():
        return name
    try:
        from faster_whisper import available_models, download_model
    except ImportError:
        raise OfflineSpeechError(
            "faster-whisper is not installed: pip install 'flowagent[offline]'"
        ) from None
    if name not in available_models() and "/" not in name:
        raise OfflineSpeechError(
            f"unknown Whisper model {name!r}: give a local CTranslate2 model directory or "
            f"one of {', '.join(available_models())}"
        )
    try:
        return str(download_model(name))
    except Exception as err:
        raise OfflineSpeechError(
            f"cannot get the Whisper model {name!r} ({type(err).__name__}): with no access to "
            "Hugging Face, pass --whisper-model DIR (a CTranslate2 model directory)"
        ) from None


class WhisperSTT(stt.STT[Any]):
    """faster-whisper, offline, batch recognition of one utterance at a time."""

    def __init__(
        self, model: str | None = None, *, language: str = "en", beam_size: int = 1
    ) -> None:
        """`model`: a faster-whisper model name or a CTranslate2 directory (see
        `resolve_whisper_model`). Raises OfflineSpeechError when it cannot be loaded."""
        super().__init__(capabilities=stt.STTCapabilities(streaming=False, interim_results=False))
        path = resolve_whisper_model(model)
        from faster_whisper import WhisperModel

        self._model = WhisperModel(path, device="cpu", compute_type="int8")
        self._language = language
        self._beam_size = beam_size
        self._prompt: str | None = None

    def set_hints(self, hints: RecognitionHints | None) -> None:
        """What the flow expects next (`Conversation.recognition_hints()`), read by Whisper
        as its `initial_prompt` for the following utterances; None clears it."""
        self._prompt = hints.whisper_prompt if hints is not None else None

    @property
    def model(self) -> str:
        return "faster-whisper"

    @property
    def provider(self) -> str:
        return "local"

    async def _recognize_impl(
        self,
        buffer: utils.AudioBuffer,
        *,
        language: NotGivenOr[str] = NOT_GIVEN,
        conn_options: APIConnectOptions,
    ) -> stt.SpeechEvent:
        frame = rtc.combine_audio_frames(buffer)
        audio = np.frombuffer(frame.data, dtype=np.int16)
        if frame.num_channels > 1:
            audio = audio.reshape(-1, frame.num_channels).mean(axis=1).astype(np.int16)
        samples = audio.astype(np.float32) / 32768.0
        if frame.sample_rate != 16000:  # Whisper wants 16 kHz mono
            target = int(len(samples) * 16000 / frame.sample_rate)
            samples = np.interp(
                np.linspace(0, len(samples), target, endpoint=False),
                np.arange(len(samples)),
                samples,
            ).astype(np.float32)
        lang = language if isinstance(language, str) else self._language
        text = await asyncio.to_thread(self._transcribe, samples, lang)
        return stt.SpeechEvent(
            type=stt.SpeechEventType.FINAL_TRANSCRIPT,
            request_id=uuid.uuid4().hex,
            alternatives=[stt.SpeechData(language=lang, text=text, confidence=1.0)],  # type: ignore[arg-type]
        )

    def _transcribe(self, samples: Any, language: str) -> str:
        segments, _ = self._model.transcribe(
            samples,
            language=language,
            beam_size=self._beam_size,
            vad_filter=False,
            initial_prompt=self._prompt,
        )
        return " ".join(s.text.strip() for s in segments).strip()


class EspeakTTS(tts.TTS[Any]):
    """espeak-ng (or Piper with a voice file) as a LiveKit TTS."""

    SAMPLE_RATE = 22050

    def __init__(
        self, *, voice: str = "en-us", speed: int = 160, piper_voice: str | None = None
    ) -> None:
        sample_rate = self.SAMPLE_RATE
        if piper_voice is not None:
            if shutil.which("piper") is None:
                raise OfflineSpeechError(
                    "Piper is not installed: pip install piper-tts (or use espeak-ng)"
                )
            if not Path(piper_voice).is_file():
                raise OfflineSpeechError(f"Piper voice file not found: {piper_voice}")
        elif shutil.which("espeak-ng") is None:
            raise OfflineSpeechError("espeak-ng is not installed: apt-get install espeak-ng")
        super().__init__(
            capabilities=tts.TTSCapabilities(streaming=False),
            sample_rate=sample_rate,
            num_channels=1,
        )
        self.voice = voice
        self.speed = speed
        self.piper_voice = piper_voice

    @property
    def model(self) -> str:
        return "piper" if self.piper_voice else "espeak-ng"

    @property
    def provider(self) -> str:
        return "local"

    def synthesize(
        self, text: str, *, conn_options: APIConnectOptions = DEFAULT_API_CONNECT_OPTIONS
    ) -> tts.ChunkedStream:
        return _EspeakStream(tts=self, input_text=text, conn_options=conn_options)


def _wav_payload(data: bytes) -> bytes:
    """The PCM samples of a WAV byte string (espeak-ng streams one with a placeholder
    length, so the `wave` module cannot read it); raw PCM is returned as it is."""
    if data[:4] != b"RIFF":
        return data
    pos = 12
    while pos + 8 <= len(data):
        chunk, size = data[pos : pos + 4], int.from_bytes(data[pos + 4 : pos + 8], "little")
        if chunk == b"data":
            return data[pos + 8 :]
        pos += 8 + size
    return b""


class _EspeakStream(tts.ChunkedStream):
    async def _run(self, output_emitter: tts.AudioEmitter) -> None:
        engine: EspeakTTS = self._tts  # type: ignore[assignment]
        if engine.piper_voice:
            cmd = ["piper", "--model", engine.piper_voice, "--output-raw"]
            stdin: bytes | None = self._input_text.encode()
        else:
            cmd = [
                "espeak-ng",
                "-v",
                engine.voice,
                "-s",
                str(engine.speed),
                "--stdout",
                self._input_text,
            ]
            stdin = None
        proc = await asyncio.create_subprocess_exec(
            *cmd,
            stdin=asyncio.subprocess.PIPE if stdin else None,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
        )
        out, _ = await proc.communicate(stdin)
        pcm = _wav_payload(out)
        output_emitter.initialize(
            request_id=uuid.uuid4().hex,
            sample_rate=engine.sample_rate,
            num_channels=1,
            mime_type="audio/pcm",
        )
        output_emitter.push(pcm)
        output_emitter.flush()
