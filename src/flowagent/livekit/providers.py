"""Choosing speech providers by name, with messages that say what to set or install.

STT: `openai` (cloud default, needs OPENAI_API_KEY), `whisper` (offline faster-whisper), or
`module:Class` for any installed LiveKit STT plugin (e.g. `livekit.plugins.deepgram:STT`).
TTS: `openai`, `espeak` (offline), `piper` (offline, with a voice file), or `module:Class`.
VAD: Silero, always (it ships its model).
"""

from __future__ import annotations

import importlib
import os
from typing import Any

from flowagent.livekit.offline import (
    EspeakTTS,
    OfflineSpeechError,
    WhisperSTT,
    resolve_whisper_model,
)


class ProviderError(RuntimeError):
    """A provider cannot be built here; the message says why and what to do."""


def _plugin(ref: str) -> Any:
    module, _, cls = ref.partition(":")
    try:
        return getattr(importlib.import_module(module), cls)()
    except ImportError as err:
        raise ProviderError(
            f"cannot import {module!r}: {err}; is the LiveKit plugin installed?"
        ) from None
    except AttributeError:
        raise ProviderError(f"{module!r} has no {cls!r}") from None


def _need_openai_key(what: str) -> None:
    if not os.environ.get("OPENAI_API_KEY"):
        raise ProviderError(
            f"the OpenAI {what} needs OPENAI_API_KEY; set it, or use the offline set: "
            "--stt whisper --tts espeak (no key, no network)"
        )


def build_stt(name: str, whisper_model: str | None = None) -> Any:
    try:
        if name == "whisper":
            return WhisperSTT(whisper_model)
        if name == "openai":
            _need_openai_key("STT")
            from livekit.plugins import openai

            return openai.STT()
    except OfflineSpeechError as err:
        raise ProviderError(str(err)) from None
    if ":" in name:
        return _plugin(name)
    raise ProviderError(f"unknown STT {name!r}: use openai, whisper, or module:Class")


def build_tts(name: str, piper_voice: str | None = None, voice: str = "en-us") -> Any:
    try:
        if name == "espeak":
            return EspeakTTS(voice=voice)
        if name == "piper":
            if not piper_voice:
                raise ProviderError("--tts piper needs --piper-voice FILE (an .onnx voice)")
            return EspeakTTS(piper_voice=piper_voice)
        if name == "openai":
            _need_openai_key("TTS")
            from livekit.plugins import openai

            return openai.TTS()
    except OfflineSpeechError as err:
        raise ProviderError(str(err)) from None
    if ":" in name:
        return _plugin(name)
    raise ProviderError(f"unknown TTS {name!r}: use openai, espeak, piper, or module:Class")


#: Silero's end-of-speech silence (s). Silero's default is 0.55 s; a phone turn wants less:
#: the flow's endpointing (flowagent.endpointing) adds a long wait when an answer is not
#: finished, so the VAD can close a segment early (benchmarks/results/voice_loop.md).
VAD_MIN_SILENCE = 0.3


def build_vad(min_silence: float = VAD_MIN_SILENCE) -> Any:
    from livekit.plugins import silero

    return silero.VAD.load(min_silence_duration=min_silence)


def _check_plugin(ref: str) -> None:
    module, _, cls = ref.partition(":")
    try:
        found = getattr(importlib.import_module(module), cls, None)
    except ImportError as err:
        raise ProviderError(
            f"cannot import {module!r}: {err}; is the LiveKit plugin installed?"
        ) from None
    if found is None:
        raise ProviderError(f"{module!r} has no {cls!r}")


def check_providers(
    stt: str, tts: str, whisper_model: str | None = None, piper_voice: str | None = None
) -> str | None:
    """Check, without loading any model, that these providers can be built in a job process;
    returns the Whisper model directory to load there (None unless `stt` is whisper).
    Raises ProviderError saying what to set or install — before any job process starts, so a
    misconfigured worker fails once and readably instead of in every process it starts."""
    model_dir = None
    try:
        if stt == "whisper":
            model_dir = resolve_whisper_model(whisper_model)
        elif stt == "openai":
            _need_openai_key("STT")
        elif ":" in stt:
            _check_plugin(stt)
        else:
            raise ProviderError(f"unknown STT {stt!r}: use openai, whisper, or module:Class")
        if tts in ("espeak", "piper"):
            if tts == "piper" and not piper_voice:
                raise ProviderError("--tts piper needs --piper-voice FILE (an .onnx voice)")
            EspeakTTS(piper_voice=piper_voice if tts == "piper" else None)
        elif tts == "openai":
            _need_openai_key("TTS")
        elif ":" in tts:
            _check_plugin(tts)
        else:
            raise ProviderError(f"unknown TTS {tts!r}: use openai, espeak, piper, or module:Class")
    except OfflineSpeechError as err:
        raise ProviderError(str(err)) from None
    return model_dir
