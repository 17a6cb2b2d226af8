"""Her recorded voice, kept as source material: one take per line, in `recordings/`.

    recordings/
      readings/<script>-<sha>.<ext>  every reading as it was imported, byte for byte
      takes/<text key>/<sha>.wav     one take of one line: cut from a reading, or recorded
      takes/<text key>/<sha>.json    what it is: its text, script:line, where it came from
      noise/<sha>.wav                a reading's quietest half second: its noise profile

A take belongs to the normalized text of its line, so editing another line never touches it,
and a line said twice in a script shares one take. The newest take of a text is the one used;
older takes stay. When a line's text changes, its old take is kept and shown as stale. Nothing
here is written twice (a take is named by its own sound) or ever deleted by breathcast.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import wave
from collections.abc import Iterator
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

import numpy as np

from breathcast.core import Config, atomic_path, atomic_write
from breathcast.script import Script, Speech, normalize_text
from breathcast.voice import cache

TAKE_RATE = 48000  # what browsers and phones record; cut from a reading at this rate too


class TakeState(StrEnum):
    OK = "ok"
    CHECK = "check"  # placed by the alignment without confidence: listen to it
    STALE = "stale"  # a take of the line's earlier text, none of its text now
    MISSING = "missing"


TAKE_STATE_WORDS = {  # for the studio and `breathcast takes`
    TakeState.OK: "opgenomen",
    TakeState.CHECK: "luister even na",
    TakeState.STALE: "tekst veranderd: neem opnieuw op",
    TakeState.MISSING: "nog niet opgenomen",
}


@dataclass(frozen=True)
class Take:
    """One take of one line, as its sidecar describes it."""

    text: str  # normalized
    script: str  # the script's file name it was recorded for
    line: int
    source: str  # "reading <file> 1:23.4-1:26.0", "file <name>", "studio"
    recorded: str  # ISO 8601, UTC
    confident: bool = True
    noise: str = ""  # the noise profile, relative to recordings/ ("" = the take's own)
    repeated_at_s: float | None = None  # a false start before it, dropped, in the reading
    digest: str = ""  # the take's own name: sha256 of its WAV, shortened
    seconds: float = 0.0


@dataclass(frozen=True)
class LineTake:
    """A spoken line of a script and where its take stands."""

    speech: Speech
    state: TakeState
    take: Take | None  # the take used (OK, CHECK), or the stale one (STALE)


def text_key(text: str) -> str:
    return hashlib.sha256(normalize_text(text).encode("utf-8")).hexdigest()[:16]


def wav_bytes(pcm: np.ndarray) -> bytes:
    """A take (at TAKE_RATE) as a WAV file."""
    return cache.wav_bytes(pcm, TAKE_RATE)


def read_wav(path: Path) -> np.ndarray:
    with wave.open(str(path), "rb") as wav:
        frames = wav.readframes(wav.getnframes())
    return np.frombuffer(frames, dtype="<i2").astype(np.float32) / 32768.0


class TakeStore:
    def __init__(self, root: Path):
        self.root = Path(root)

    @classmethod
    def of(cls, config: Config) -> TakeStore:
        return cls(config.path("recordings"))

    def _folder(self, text: str) -> Path:
        return self.root / "takes" / text_key(text)

    def takes_of(self, text: str) -> list[Take]:
        """Every take of `text`, oldest first."""
        folder = self._folder(text)
        found = [self._read(p) for p in folder.glob("*.json")] if folder.is_dir() else []
        return sorted((t for t in found if t is not None), key=lambda t: (t.recorded, t.digest))

    def current(self, text: str) -> Take | None:
        takes = self.takes_of(text)
        return takes[-1] if takes else None

    def all_takes(self) -> Iterator[Take]:
        for sidecar in sorted((self.root / "takes").glob("*/*.json")):
            take = self._read(sidecar)
            if take is not None:
                yield take

    @staticmethod
    def _read(sidecar: Path) -> Take | None:
        try:
            data = json.loads(sidecar.read_text(encoding="utf-8"))
            if not sidecar.with_suffix(".wav").is_file():
                return None  # a sidecar whose sound never landed (a killed import)
            return Take(**data)
        except (OSError, ValueError, TypeError):
            return None

    def audio(self, take: Take) -> np.ndarray:
        """The take's sound, mono float32 at TAKE_RATE."""
        return read_wav(self.path_of(take))

    def path_of(self, take: Take) -> Path:
        return self._folder(take.text) / f"{take.digest}.wav"

    def noise(self, take: Take) -> np.ndarray | None:
        if not take.noise:
            return None
        try:
            return read_wav(self.root / take.noise)
        except (OSError, EOFError, wave.Error):
            return None

    def add(self, pcm: np.ndarray, take: Take) -> tuple[Take, bool]:
        """Store `pcm` (at TAKE_RATE) as a take described by `take`; returns the stored take
        and whether it is new (the same sound stored before is left as it was)."""
        data = wav_bytes(pcm)
        digest = hashlib.sha256(data).hexdigest()[:16]
        folder = self._folder(take.text)
        sidecar = folder / f"{digest}.json"
        existing = self._read(sidecar)
        if existing is not None:
            return existing, False
        stored = replace(take, digest=digest, seconds=round(pcm.size / TAKE_RATE, 2))
        atomic_write(folder / f"{digest}.wav", data)
        # Written second: a sidecar always has its sound.
        text = json.dumps(asdict(stored), ensure_ascii=False, indent=1) + "\n"
        atomic_write(sidecar, text.encode("utf-8"))
        return stored, True

    def add_noise(self, pcm: np.ndarray) -> str:
        """Keep a noise profile; its path relative to recordings/."""
        data = wav_bytes(pcm)
        relative = f"noise/{hashlib.sha256(data).hexdigest()[:16]}.wav"
        if not (self.root / relative).is_file():
            atomic_write(self.root / relative, data)
        return relative

    def keep_reading(self, source: Path, script: Script) -> tuple[Path, bool]:
        """Keep the reading as it was imported; its copy, and whether it is new."""
        with source.open("rb") as reading:  # a chunk at a time: a reading may be an hour long
            digest = hashlib.file_digest(reading, "sha256").hexdigest()[:12]
        copy = self.root / "readings" / f"{Path(script.path).stem}-{digest}{source.suffix.lower()}"
        if copy.is_file():
            return copy, False
        with atomic_path(copy) as tmp:
            shutil.copyfile(source, tmp)
        return copy, True

    def lines(self, script: Script) -> list[LineTake]:
        """Every spoken line of `script` (and cue), with the state of its take: the sidecars
        are read once."""
        name = Path(script.path).name
        by_text: dict[str, list[Take]] = {}
        by_place: dict[int, list[Take]] = {}
        for take in sorted(self.all_takes(), key=lambda t: (t.recorded, t.digest)):
            by_text.setdefault(take.text, []).append(take)
            if take.script == name:
                by_place.setdefault(take.line, []).append(take)
        states = []
        for speech in script.spoken:
            text = normalize_text(speech.text)
            take = by_text[text][-1] if text in by_text else None
            if take is not None:
                state = TakeState.OK if take.confident else TakeState.CHECK
            else:
                earlier = [t for t in by_place.get(speech.line, []) if t.text != text]
                take = earlier[-1] if earlier else None
                state = TakeState.STALE if take else TakeState.MISSING
            states.append(LineTake(speech, state, take))
        return states


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")
