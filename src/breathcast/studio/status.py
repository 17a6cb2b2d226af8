"""Where every script stands: its episodes, whether they are up to date, which voice, when
built. What the studio's overview shows, from the manifest and the scripts alone."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

from breathcast.build import Manifest, find_scripts, page_order, patterns_for, script_inputs
from breathcast.core import (
    BreathcastError,
    Config,
    EngineError,
    EngineName,
    Job,
    ScriptError,
    WorkspaceError,
    holder,
)
from breathcast.script import Length, Script, parse_script, read_script
from breathcast.studio.workspace import Workspace, front_value
from breathcast.voice import TakeState, TakeStore, VoicingContext, choose_engine

LAST_GOOD_LOOKBACK = 20  # earlier versions tried for a broken script's last good title


class ScriptStatus(StrEnum):
    READY = "ready"
    NEEDS_BUILD = "needs_build"
    NEVER_BUILT = "never_built"
    HAS_ERRORS = "has_errors"
    PREVIEW_VOICE = "preview_voice"  # built, but with the computer voice (or gaps filled)
    BUILDING = "building"  # a build holds the folder (the page shows this over the rest)


SCRIPT_STATUS_WORDS = {
    ScriptStatus.READY: "Klaar",
    ScriptStatus.NEEDS_BUILD: "Moet opnieuw gebouwd worden",
    ScriptStatus.NEVER_BUILT: "Nog niet gebouwd",
    ScriptStatus.HAS_ERRORS: "Bevat fouten",
    ScriptStatus.PREVIEW_VOICE: "Voorbeeld met computerstem",
    ScriptStatus.BUILDING: "Bezig",
}


@dataclass(frozen=True)
class EpisodeState:
    ratio: str
    length: Length | None  # one of its `lengths:`, or None: made as written
    path: str
    built: bool
    up_to_date: bool
    duration_s: float | None
    engine: EngineName | None
    offline_voice: bool  # a preview: the espeak voice, or her voice with gaps filled
    built_at: str | None  # ISO 8601, UTC
    reasons: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ScriptState:
    name: str  # the file name in scripts/
    title: str
    status: ScriptStatus
    group: str = ""  # its `group:` on the page
    errors: list[ScriptError] = field(default_factory=list)
    episodes: list[EpisodeState] = field(default_factory=list)
    voice: EngineName | None = None  # the engine it asks for (its own, or the project's)
    takes_recorded: int = 0  # lines and cues with a take of her voice (its current text)
    takes_to_check: int = 0  # of those, placed without confidence, or whose text changed
    takes_total: int = 0  # lines and cues to record (0: no take of hers, and not her voice)


@dataclass(frozen=True)
class Busy:
    """A job that holds the project now: which one, whether this studio runs it (or one
    elsewhere: a terminal, another studio), and the scripts a build here works on now."""

    job: Job
    here: bool
    started: str | None = None  # "14:05", when it holds the lock
    scripts: frozenset[str] = frozenset()  # file names in scripts/


@dataclass(frozen=True)
class ProjectState:
    scripts: list[ScriptState]
    building: dict | None  # the build that holds the lock (the CLI's, say), or None


def project_state(config: Config) -> ProjectState:
    out = config.path("build")
    manifest = Manifest.load(out, config.root)
    context = VoicingContext.open(config)
    try:
        paths = find_scripts(config)
    except BreathcastError:
        paths = []
    scripts, broken, errors = [], {}, []
    for path in paths:
        try:
            scripts.append(read_script(path))
        except ScriptError as exc:
            last = _last_good(config, path)
            if last is not None:  # shown as it last read well, in its place, with the error
                broken[id(last)] = ScriptState(
                    path.name, last.title, ScriptStatus.HAS_ERRORS, last.group, exc.each()
                )
                scripts.append(last)
                continue
            text = path.read_text(encoding="utf-8", errors="replace") if path.is_file() else ""
            title, group = front_value(text, "title") or path.stem, front_value(text, "group")
            errors.append(ScriptState(path.name, title, ScriptStatus.HAS_ERRORS, group, exc.each()))
    states = [
        broken.get(id(script)) or _script_state(script, config, context, manifest)
        for _, group in page_order(scripts)
        for script in group
    ]
    return ProjectState(states + errors, holder(out))  # in the page's order, then the broken


def _last_good(config: Config, path: Path) -> Script | None:
    """The newest earlier version of `path` that reads well (every save keeps the text it
    replaces), as a script at `path`; None if there is none among the last few."""
    workspace = Workspace(config)
    try:
        versions = workspace.history(path.name)[:LAST_GOOD_LOOKBACK]
        for version in versions:
            try:
                return parse_script(workspace.earlier(path.name, version.id), path)
            except ScriptError:
                continue
    except (WorkspaceError, OSError):  # a name the studio does not edit, or unreadable
        return None
    return None


def _script_state(script: Script, config: Config, context: VoicingContext, manifest: Manifest):
    path = Path(script.path)
    out = config.path("build")
    episodes = []
    inputs: dict[tuple[str, str | None], dict] = {}  # per voice, not per ratio: hashes files
    for key in (k for p in patterns_for(script, config) for k in manifest.keys(script, p)):
        entry = manifest.entries.get(key.path)
        record = entry.episode if entry else None
        mp3 = out / key.path
        reasons = ["it was never built"]
        if entry is not None:
            try:
                # As it was built: her voice with its gaps filled by the engine it names.
                voice = (record.engine, entry.fill)
                if voice not in inputs:
                    engine = choose_engine(
                        record.engine, config, lambda e: False, lambda said: None, False, entry.fill
                    )
                    tempo = context.tempo_for(script)
                    inputs[voice] = script_inputs(script, engine, tempo, context.lexicon, config)
                shared = inputs[voice]
                length = key.length.text if key.length else None
                built_as = {**shared, "ratio": str(key.pattern), "length": length}
                reasons = manifest.why_rebuild(key.path, built_as, mp3)
            except EngineError as exc:
                reasons = [str(exc)]
        built_at = (
            datetime.fromtimestamp(mp3.stat().st_mtime, UTC).isoformat(timespec="seconds")
            if mp3.is_file()
            else None
        )
        episodes.append(
            EpisodeState(
                ratio=str(key.pattern),
                length=key.length,
                path=key.path,
                built=record is not None and mp3.is_file(),
                up_to_date=not reasons,
                duration_s=record.duration_s if record else None,
                engine=record.engine if record else None,
                offline_voice=bool(record and record.preview),
                built_at=built_at,
                reasons=reasons,
            )
        )
    if not any(e.built for e in episodes):
        status = ScriptStatus.NEVER_BUILT
    elif any(not e.up_to_date for e in episodes):
        status = ScriptStatus.NEEDS_BUILD
    elif any(e.offline_voice for e in episodes):
        status = ScriptStatus.PREVIEW_VOICE
    else:
        status = ScriptStatus.READY
    voice = script.engine or config.engine
    lines = TakeStore.of(config).lines(script)
    recorded = [line for line in lines if line.state in (TakeState.OK, TakeState.CHECK)]
    asked = voice == "opname" or any(line.take for line in lines)
    return ScriptState(
        path.name,
        script.title,
        status,
        script.group,
        [],
        episodes,
        voice,
        len(recorded),
        sum(line.state in (TakeState.CHECK, TakeState.STALE) for line in lines),
        len(lines) if asked else 0,
    )
