"""What each episode was built from, so a build redoes only what changed.

An episode's inputs are hashed in parts (script, ratio, voice, sound, render version, music),
so a skipped episode is byte-for-byte what a rebuild would make, and a rebuilt one can say why.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from breathcast import RENDER_VERSION
from breathcast.cache import CACHE_VERSION
from breathcast.config import Config
from breathcast.files import atomic_write
from breathcast.lexicon import Lexicon
from breathcast.script import MUSIC_FOLDER, Script
from breathcast.sidecars import COVER_NAMES
from breathcast.voice import PREPARE_VERSION

MANIFEST_NAME = "manifest.json"
PART_NAMES = {
    "script": "the script changed",
    "ratio": "the ratio changed",
    "voice": "a voice option or pronunciation changed",
    "sound": "a sound setting changed",
    "render": "breathcast's rendering changed",
    "music": "the music file changed",
    "tags": "the podcast details or the cover changed",
}


def _digest(value: Any) -> str:
    blob = json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:16]


def script_inputs(
    script: Script,
    engine_identity: dict[str, Any],
    tempo: float,
    lexicon: Lexicon,
    config: Config,
) -> dict[str, str]:
    """The inputs every episode of `script` shares; each episode adds its `ratio`. Files are
    read and hashed once per script, not once per ratio."""
    music = ""
    if script.ambient.startswith(f"{MUSIC_FOLDER}/"):
        track = config.root / script.ambient
        music = hashlib.sha256(track.read_bytes()).hexdigest()[:16] if track.is_file() else "?"
    spoken = [lexicon.apply(s.text) for s in script.spoken]
    podcast = config.podcast
    covers = (
        [config.root / podcast.cover]
        if podcast.cover
        else [config.root / MUSIC_FOLDER / name for name in COVER_NAMES]
    )
    cover_bytes = [hashlib.sha256(p.read_bytes()).hexdigest() for p in covers if p.is_file()]
    return {
        "script": hashlib.sha256(Path(script.path).read_bytes()).hexdigest()[:16],
        "voice": _digest([engine_identity, tempo, spoken]),
        "sound": _digest(asdict(config.sound)),
        "render": f"{RENDER_VERSION}.{PREPARE_VERSION}.{CACHE_VERSION}",
        "music": music,
        "tags": _digest([asdict(podcast), cover_bytes]),
    }


class Manifest:
    def __init__(self, path: Path, entries: dict[str, dict[str, Any]]):
        self.path = path
        self.entries = entries

    @classmethod
    def load(cls, folder: Path) -> Manifest:
        path = folder / MANIFEST_NAME
        try:
            entries = json.loads(path.read_text(encoding="utf-8")).get("episodes", {})
        except (OSError, ValueError, AttributeError):
            entries = {}  # none yet, or unreadable: everything is rebuilt, nothing is lost
        return cls(path, entries)

    def why_rebuild(self, relative: str, inputs: dict[str, str], output: Path) -> list[str]:
        """Empty when the episode is up to date; otherwise the reasons to rebuild it."""
        entry = self.entries.get(relative)
        if entry is None:
            return ["it was never built"]
        if not all(p.is_file() for p in (output, output.with_suffix(".vtt"))):
            return ["its MP3 or transcript is missing"]
        return [PART_NAMES[k] for k in PART_NAMES if entry["inputs"].get(k) != inputs.get(k)]

    def episode(self, relative: str) -> dict[str, Any]:
        return self.entries[relative]["episode"]

    def record(self, relative: str, inputs: dict[str, str], episode: dict[str, Any]) -> None:
        self.entries[relative] = {"inputs": inputs, "episode": episode}
        data = {"episodes": dict(sorted(self.entries.items()))}
        atomic_write(self.path, (json.dumps(data, indent=1, ensure_ascii=False) + "\n").encode())
