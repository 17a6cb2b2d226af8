"""What each episode was built from, so a build redoes only what changed and can say why.

An episode's inputs are kept in parts: the script (each step with its line), the ratio, the
voice, the pronunciations it uses, the sound settings, the render version, the music and the
podcast details. A skipped episode is byte for byte what a rebuild would make, and a rebuilt
one names what changed, down to the line: "a spoken line changed (water-en-rust.md:96)".
"""

from __future__ import annotations

import difflib
import hashlib
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from breathcast import RENDER_VERSION
from breathcast.build.sidecars import COVER_NAMES
from breathcast.core import BreathPattern, Config, atomic_write
from breathcast.script import (
    Breathe,
    Episode,
    EpisodeKey,
    FadeOut,
    Lexicon,
    OptionalPart,
    Pause,
    Script,
    Speech,
    Step,
)

if TYPE_CHECKING:  # the build's own modules (numpy): not for reading a manifest
    from breathcast.voice import Engine

# Beside the scripts: which length of a script carries on the name and GUID it was published
# under before it had `lengths:` (never in the build folder, which `clean` empties).
HEIRS_NAME = "published-names.json"
MANIFEST_NAME = "manifest.json"
MANIFEST_VERSION = 2  # bump when the shape of the inputs changes
SHOWN_CHANGES = 2  # a reason names this many changed steps, then counts the rest


def _digest(value: Any) -> str:
    blob = json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:16]


def _file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16] if path.is_file() else "?"


def _step(step: Step) -> list[Any]:
    """[what it is, what it says, its line]: everything of a step that reaches the audio."""
    if isinstance(step, Speech):
        return ["spoken line", step.text, step.line]
    if isinstance(step, Pause):
        return ["pause", step.seconds, step.line]
    if isinstance(step, Breathe):
        return ["breathing block", [step.cycles, step.seconds, step.cues], step.line]
    if isinstance(step, FadeOut):
        return ["fade", step.seconds, step.line]
    if isinstance(step, OptionalPart):
        return ["optional paragraph", step.rank, step.line]
    if step.optional:
        return [
            "chapter",
            [step.title, True, step.rank] if step.rank else [step.title, True],
            step.line,
        ]
    return ["chapter", step.title, step.line]


def script_inputs(
    script: Script, engine: Engine, tempo: float, lexicon: Lexicon, config: Config
) -> dict[str, Any]:
    """The inputs every episode of `script` shares; each episode adds its `ratio`. Files are
    read and hashed once per script, not once per ratio."""
    spoken = "\n".join(s.text for s in script.spoken)
    identity = engine.identity()
    # Lines whose sound is their own (her take, or the voice that fills in for one).
    own_voice = {}
    for speech in script.spoken:
        voice = engine.line_identity(speech.text)
        if voice != identity:
            place = f"{Path(script.path).name}:{speech.line}"
            own_voice.setdefault(speech.text, [_digest(voice), place])
    podcast = config.podcast
    covers = (
        [config.root / podcast.cover]
        if podcast.cover
        else [config.root / "music" / name for name in COVER_NAMES]
    )
    return {
        "version": MANIFEST_VERSION,
        "script": {
            "file": Path(script.path).name,
            "front": {
                k: [getattr(script, k), script.line_of(k)] for k in ("title", "ambient", "melody")
            },
            "steps": [_step(step) for step in script.steps],
        },
        "voice": {**identity, "tempo": tempo},
        "takes": own_voice,
        "pronunciation": {
            word: [say, line]
            for word, say, line in lexicon.entries
            if lexicon.applies(word, spoken)
        },
        "sound": asdict(config.sound),
        "render": render_version(),
        "music": _file_digest(config.root / script.music_path) if script.music_path else "",
        "melody": _file_digest(config.root / config.sound.melody)
        if config.sound.melody.startswith("music/")
        else config.sound.melody,
        # What the tags say (the rest of [podcast] is for the page and the feed only).
        "tags": _digest(
            [podcast.title, podcast.author, podcast.genre]
            + [_file_digest(p) for p in covers if p.is_file()]
        ),
    }


def render_version() -> str:
    """Everything of breathcast's own that shapes the sound: rendering, preparing, caching."""
    from breathcast.voice import CACHE_VERSION, PREPARE_VERSION

    return f"{RENDER_VERSION}.{PREPARE_VERSION}.{CACHE_VERSION}"


def _script_changes(old: dict, new: dict) -> list[str]:
    name = new["file"]
    changes = [
        f"the {key} changed ({name}:{new['front'][key][1]})"
        for key in new["front"]
        if old["front"].get(key, [None])[0] != new["front"][key][0]
    ]
    before = [tuple(_freeze(s[:2])) for s in old["steps"]]
    after = [tuple(_freeze(s[:2])) for s in new["steps"]]
    steps: list[str] = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        if op == "equal":
            continue
        for k in range(max(a1 - a0, b1 - b0)):
            if b0 + k < b1 and a0 + k < a1:
                kind, line = new["steps"][b0 + k][0], new["steps"][b0 + k][2]
                steps.append(f"a {kind} changed ({name}:{line})")
            elif b0 + k < b1:
                kind, line = new["steps"][b0 + k][0], new["steps"][b0 + k][2]
                steps.append(f"a {kind} was added ({name}:{line})")
            else:
                kind, line = old["steps"][a0 + k][0], old["steps"][a0 + k][2]
                steps.append(f"a {kind} was removed (it was {name}:{line})")
    if len(steps) > SHOWN_CHANGES:
        more = len(steps) - SHOWN_CHANGES
        steps = steps[:SHOWN_CHANGES] + [f"{more} more change{'s' if more > 1 else ''}"]
    return changes + steps


def _freeze(value: Any) -> Any:
    return tuple(_freeze(v) for v in value) if isinstance(value, list) else value


def _setting_changes(what: str) -> Callable[[dict, dict], list[str]]:
    def explain(old: dict, new: dict) -> list[str]:
        if old.get("engine", new.get("engine")) != new.get("engine"):
            return [f"the voice changed ({old['engine']} → {new['engine']})"]
        keys = [k for k in sorted(new.keys() | old.keys()) if old.get(k) != new.get(k)]
        shown = ", ".join(f"{k} {old.get(k)} → {new.get(k)}" for k in keys)
        return [f"{what} changed ({shown})"] if keys else []

    return explain


def _pronunciation_changes(old: dict, new: dict) -> list[str]:
    words = sorted(w for w in new.keys() | old.keys() if old.get(w) != new.get(w))
    changes = []
    for word in words:
        if word in new:
            changes.append(f"a pronunciation changed (uitspraak.txt:{new[word][1]}: {word})")
        else:
            changes.append(f"a pronunciation was removed ({word})")
    return changes


def _take_changes(old: dict | None, new: dict | None) -> list[str]:
    old, new = old or {}, new or {}  # manifests from before takes have none
    return [
        f"the take of a line changed ({new[text][1]})"
        for text in new
        if old.get(text, [None])[0] != new[text][0]
    ] + ["a line's take was removed" for text in old if text not in new][:1]


def _plain(reason: str) -> Callable[[Any, Any], list[str]]:
    return lambda old, new: [reason] if old != new else []


EXPLAIN: dict[str, Callable[[Any, Any], list[str]]] = {
    "script": _script_changes,
    "ratio": _plain("the ratio changed"),
    "voice": _setting_changes("a voice setting"),
    "takes": _take_changes,
    "pronunciation": _pronunciation_changes,
    "sound": _setting_changes("a sound setting"),
    "render": _plain("breathcast's rendering changed"),
    "music": _plain("the music file changed"),
    "melody": _plain("the melody changed"),
    "length": _plain("the length changed"),
    "tags": _plain("the podcast details or the cover changed"),
}


@dataclass(frozen=True)
class ManifestEntry:
    """One built episode: what it was built from, and what the build reported of it."""

    inputs: dict[str, Any]
    episode: Episode

    @property
    def fill(self) -> str | None:
        """The engine that voiced the lines she had not recorded (a --fill preview)."""
        return self.inputs.get("voice", {}).get("fill", {}).get("engine")


class Manifest:
    def __init__(
        self, path: Path, entries: dict[str, ManifestEntry], heirs_path: Path | None = None
    ):
        self.path = path
        self.entries = entries  # relative MP3 path -> its entry
        self.heirs_path = heirs_path
        # Script slug -> the length that carries on what was published before it had lengths.
        # Kept beside the scripts, not in the build folder: `clean` and a fresh build folder
        # must not give subscribers a new GUID.
        self.heirs: dict[str, str] = {}
        if heirs_path is not None and heirs_path.is_file():
            try:
                self.heirs = dict(json.loads(heirs_path.read_text(encoding="utf-8")))
            except (OSError, ValueError, TypeError):
                self.heirs = {}

    @classmethod
    def load(cls, folder: Path, root: Path | None = None) -> Manifest:
        """The manifest in the build `folder`, and the project's `HEIRS_NAME` in `root`."""
        path = folder / MANIFEST_NAME
        try:
            raw = json.loads(path.read_text(encoding="utf-8")).get("episodes", {})
        except (OSError, ValueError, AttributeError):
            raw = {}  # none yet, or unreadable: everything is rebuilt, nothing is lost
        entries = {}
        for relative, entry in raw.items():
            try:
                entries[relative] = ManifestEntry(entry["inputs"], Episode(**entry["episode"]))
            except (KeyError, TypeError, ValueError):
                continue  # written by an earlier breathcast: that episode is built again
        return cls(path, entries, root / HEIRS_NAME if root is not None else None)

    def why_rebuild(self, relative: str, inputs: dict[str, Any], output: Path) -> list[str]:
        """Empty when the episode is up to date; otherwise what changed since it was built."""
        entry = self.entries.get(relative)
        if entry is None:
            return ["it was never built"]
        outputs = [output, output.with_suffix(".vtt")]
        if inputs["sound"].get("opus"):
            outputs.append(output.with_suffix(".opus"))
        if not all(p.is_file() for p in outputs):
            return ["its MP3, Opus file or transcript is missing"]
        old = entry.inputs
        if old.get("version") != MANIFEST_VERSION:
            return ["it was built by an earlier breathcast"]
        return [
            reason
            for part, explain in EXPLAIN.items()
            for reason in explain(old.get(part), inputs.get(part))
        ]

    def keys(self, script: Script, pattern: BreathPattern) -> list[EpisodeKey]:
        """The episodes of `script` at `pattern`: one per length (or one, as written). When a
        script built before without lengths now has them, the length nearest what was built
        (or the one that took over before) keeps that episode's name and GUID."""
        plain = EpisodeKey(script.slug, pattern)
        if not script.lengths:
            return [plain]
        keys = [EpisodeKey(script.slug, pattern, length) for length in script.lengths]
        taken = {key.length.text: key for key in keys}
        heir = taken.get(self.heirs.get(script.slug, ""))
        before = self.entries.get(plain.path)
        if heir is None and before is not None:
            if before.episode.length in taken:
                heir = taken[before.episode.length]
            else:
                heir = min(keys, key=lambda k: abs(k.length.seconds - before.episode.duration_s))
        if heir is not None:
            keys[keys.index(heir)] = replace(heir, legacy=True)
        return keys

    def remember_heir(self, key: EpisodeKey) -> None:
        """`key`, built, carries on its script's earlier name: kept in the project."""
        if self.heirs_path is None or not key.legacy or key.length is None:
            return
        if self.heirs.get(key.slug) != key.length.text:
            self.heirs[key.slug] = key.length.text
            text = json.dumps(self.heirs, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
            atomic_write(self.heirs_path, text.encode("utf-8"))

    def episode(self, relative: str) -> Episode:
        return self.entries[relative].episode

    def record(self, relative: str, inputs: dict[str, Any], episode: Episode) -> None:
        self.entries[relative] = ManifestEntry(inputs, episode)
        data = {
            "episodes": {
                path: {"inputs": entry.inputs, "episode": asdict(entry.episode)}
                for path, entry in sorted(self.entries.items())
            }
        }
        atomic_write(self.path, (json.dumps(data, indent=1, ensure_ascii=False) + "\n").encode())
