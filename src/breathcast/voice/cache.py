"""The content-addressed voice cache: one WAV per (engine settings, text), written atomically."""

from __future__ import annotations

import hashlib
import io
import json
import logging
import wave
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from breathcast.core import atomic_write
from breathcast.script import normalize_text

CACHE_VERSION = 1
log = logging.getLogger("breathcast")


def clip_key(identity: dict[str, Any], text: str) -> str:
    """sha256 over everything that changes the sound: engine, its options, and the text."""
    payload = {"cache": CACHE_VERSION, "voice": identity, "text": normalize_text(text)}
    blob = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


class VoiceCache:
    def __init__(self, root: str | Path, sample_rate: int):
        self.root = Path(root)
        self.sample_rate = sample_rate

    def path(self, engine: str, key: str) -> Path:
        return self.root / engine / f"{key}.wav"

    def load(self, engine: str, key: str) -> np.ndarray | None:
        """The cached clip as float32; None when missing, or when damaged (then it is removed,
        named in the log, and synthesized again by the caller)."""
        path = self.path(engine, key)
        try:
            data = path.read_bytes()
        except OSError:
            return None
        checksum = path.with_suffix(".sha256")
        try:
            expected = checksum.read_text().strip() if checksum.exists() else None
            if expected is not None and expected != hashlib.sha256(data).hexdigest():
                raise ValueError("its checksum does not match")
            with wave.open(io.BytesIO(data), "rb") as wav:
                if (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) != (
                    1,
                    2,
                    self.sample_rate,
                ):
                    raise ValueError("it has the wrong format")
                frames = wav.readframes(wav.getnframes())
                if not frames or len(frames) != wav.getnframes() * 2:
                    raise ValueError("it is cut short")
        except (OSError, EOFError, ValueError, wave.Error) as exc:
            reason = str(exc) if isinstance(exc, ValueError) else "it cannot be read"
            log.warning("%s was damaged (%s); it is made again", path, reason)
            self._forget(path)
            return None
        if expected is None:  # a clip from before checksums, whole and readable: adopt it
            atomic_write(checksum, hashlib.sha256(data).hexdigest().encode())
        return np.frombuffer(frames, dtype="<i2").astype(np.float32) / 32768.0

    def frames(self, engine: str, key: str) -> int | None:
        """The cached clip's length in samples, from its header alone; None when missing."""
        try:
            with wave.open(str(self.path(engine, key)), "rb") as wav:
                return wav.getnframes()
        except (OSError, EOFError, wave.Error):
            return None

    @staticmethod
    def _forget(path: Path) -> None:
        """Remove a clip, its checksum and everything derived from it."""
        for stale in (path, path.with_suffix(".sha256"), *path.parent.glob(f"{path.stem}.*.npy")):
            stale.unlink(missing_ok=True)

    def derived(
        self, engine: str, key: str, name: str, make: Callable[[], np.ndarray]
    ) -> np.ndarray:
        """An array computed from a cached clip (say its loudness profile), kept beside it so
        a warm build reads it instead of computing it again. `make()` makes it when it is
        missing or unreadable; it is then stored."""
        path = self.path(engine, key).with_suffix(f".{name}.npy")
        try:
            return np.load(path, allow_pickle=False)
        except (OSError, ValueError, EOFError):
            array = make()
            buffer = io.BytesIO()
            np.save(buffer, array, allow_pickle=False)
            atomic_write(path, buffer.getvalue())
            return array

    def store(self, engine: str, key: str, pcm: np.ndarray) -> Path:
        path = self.path(engine, key)
        data = wav_bytes(pcm, self.sample_rate)
        self._forget(path)  # what was derived from an earlier clip under this key
        atomic_write(path, data)
        # Written second: a clip without its checksum (a build killed in between) is redone.
        atomic_write(path.with_suffix(".sha256"), hashlib.sha256(data).hexdigest().encode())
        return path


def wav_bytes(pcm: np.ndarray, sample_rate: int) -> bytes:
    """Mono float32 PCM as a 16-bit WAV file (a voice clip, or a take of her voice)."""
    samples = np.clip(np.round(pcm * 32767.0), -32768, 32767).astype("<i2")
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(sample_rate)
        wav.writeframes(samples.tobytes())
    return buffer.getvalue()
