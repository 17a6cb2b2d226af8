"""The build matrix: every script at every ratio, one engine per build, a report at the end."""

from __future__ import annotations

import json
import logging
import shutil
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field, replace
from functools import partial
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import numpy as np

from breathcast import RENDER_VERSION, ambience, ffmpeg
from breathcast.breath import BreathPattern
from breathcast.cache import VoiceCache
from breathcast.config import Config, load_config
from breathcast.engines import Engine, get_engine
from breathcast.errors import BreathcastError, EngineError, ScriptError
from breathcast.files import atomic_write
from breathcast.lexicon import FILE_NAME as LEXICON_FILE
from breathcast.lexicon import Lexicon, read_lexicon
from breathcast.lint import lint_lexicon, lint_script
from breathcast.lock import LOCK_NAME, build_lock
from breathcast.loudness import encode_normalized, loudness_curve, miss_warning, predict_lufs
from breathcast.manifest import Manifest, script_inputs
from breathcast.render import CHUNK, Mixer
from breathcast.script import MUSIC_FOLDER, Script, read_script
from breathcast.sidecars import chapter_spans, chapters_json, cover_image, webvtt
from breathcast.tags import EpisodeTags, write_tags
from breathcast.timeline import Timeline, plan
from breathcast.voice import (
    VoicedScript,
    VoiceOptions,
    estimate_clip_lengths,
    missing_lines,
    voice_script,
)

log = logging.getLogger("breathcast")


@dataclass(frozen=True)
class Episode:
    script: str
    ratio: str
    path: str  # relative to the build folder
    duration_s: float
    engine: str
    clips_synthesized: int
    clips_cached: int
    offline_voice: bool  # an espeak preview, never to be mistaken for final audio
    loudness_lufs: float  # measured on the encoded MP3
    true_peak_dbtp: float
    status: str = "built"  # "built", "skipped" (up to date), or "planned" in a dry run
    reason: str = ""  # why it was (or would be) rebuilt


@dataclass(frozen=True)
class Failure:
    script: str
    error: str


@dataclass
class BuildReport:
    engine: str | None = None
    episodes: list[Episode] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)

    def to_json(self) -> str:
        data = {
            "render_version": RENDER_VERSION,
            "engine": self.engine,
            "episodes": [asdict(e) for e in self.episodes],
            "failures": [asdict(f) for f in self.failures],
        }
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


OFFLINE_ENGINES = ("espeak",)


def voice_note(engine: str) -> str:
    """The MP3 comment: which voice, and whether this is only a preview."""
    if engine in OFFLINE_ENGINES:
        return f"Stem: {engine} (offline voorbeeld, niet de eindversie)"
    return f"Stem: {engine}"


def find_scripts(config: Config, names: Sequence[str | Path] = ()) -> list[Path]:
    """The scripts named, or every `*.md` in the scripts folder."""
    if names:
        return [Path(n) for n in names]
    folder = config.path("scripts")
    scripts = sorted(folder.glob("*.md"))
    if not scripts:
        raise BreathcastError(f"no scripts found in {folder}/; add a .md script there")
    return scripts


def check_scripts(paths: Sequence[Path]) -> tuple[list[Script], list[ScriptError]]:
    """Parse every script, collecting all errors rather than stopping at the first."""
    scripts, errors = [], []
    slugs: dict[str, str] = {}
    for path in paths:
        try:
            script = read_script(path)
        except ScriptError as exc:
            errors.append(exc)
            continue
        if script.slug in slugs:
            errors.append(
                ScriptError(
                    path,
                    1,
                    f"its file name gives the same slug {script.slug!r} as {slugs[script.slug]}; "
                    "rename one of them",
                )
            )
            continue
        slugs[script.slug] = str(path)
        scripts.append(script)
    return scripts, errors


def episode_ratios(
    script: Script, ratios: Sequence[BreathPattern], config: Config
) -> Sequence[BreathPattern]:
    """--ratio flags win over the script's front matter, which wins over the project."""
    return ratios or script.ratios or config.ratios


def check_project(
    config: Config, names: Sequence[str | Path] = ()
) -> tuple[list[Script], list[ScriptError], list[str]]:
    """`breathcast check`: parse every script; errors, and advice (lint) that is not an error."""
    scripts, errors = check_scripts(find_scripts(config, names))
    warn_about_patterns([r for s in scripts for r in episode_ratios(s, (), config)])
    advice = [note for script in scripts for note in lint_script(script)]
    try:
        lexicon = read_lexicon(config.path("scripts") / LEXICON_FILE)
    except ScriptError as exc:
        errors.append(exc)
    else:
        if not names:  # an entry is only unused if no script at all says it
            advice += lint_lexicon(lexicon, scripts)
    return scripts, errors, advice


def warn_about_patterns(patterns: Sequence[BreathPattern]) -> None:
    for pattern in dict.fromkeys(patterns):  # each distinct pattern once, in order
        for note in pattern.warnings():
            log.warning("ratio %s", note)


@dataclass(frozen=True)
class Voicing:
    """One engine, one cache and one set of voice options for a whole build."""

    engine: Engine
    cache: VoiceCache
    options: VoiceOptions
    config: Config

    def voice(self, script: Script) -> VoicedScript:
        tempo = script.tempo if script.tempo is not None else self.config.voice.tempo
        return voice_script(script, self.engine, self.cache, self.options, tempo)


def start_voicing(
    config: Config,
    scripts: Sequence[Script],
    engine: str | None,
    tts_jobs: int | None = None,
    chosen: Engine | None = None,
    lexicon: Lexicon | None = None,
) -> Voicing:
    cache = VoiceCache(config.path("voice"), config.sound.sample_rate)
    options = VoiceOptions(
        sound=config.sound,
        lexicon=lexicon or read_lexicon(config.path("scripts") / LEXICON_FILE),
        jobs=tts_jobs or config.voice.tts_jobs,
        deadline=time.monotonic() + config.voice.retry_budget_s,
    )
    if chosen is None:
        chosen = resolve_engine(engine or config.engine, config, scripts, cache, options.lexicon)
    return Voicing(chosen, cache, options, config)


def resolve_engine(
    name: str, config: Config, scripts: Sequence[Script], cache: VoiceCache, lexicon: Lexicon
) -> Engine:
    """One engine for the whole build. `auto` asks Google once, not once per clip."""
    if name != "auto":
        return get_engine(name, config.voice)
    gtts = get_engine("gtts", config.voice)
    if not any(missing_lines(s, gtts, cache, lexicon) for s in scripts):
        return gtts  # everything is already voiced by gTTS; no network needed
    try:
        gtts.probe()
        return gtts
    except EngineError as exc:
        log.warning(
            "%s, so this build uses the offline espeak voice: fine "
            "for a preview, robotic for listeners. For the final audio, run "
            "`breathcast build --engine gtts` online.",
            exc,
        )
        return get_engine("espeak", config.voice)


@dataclass(frozen=True)
class _Planned:
    script: Script
    ratio: BreathPattern
    relative: str  # the MP3, relative to the build folder
    inputs: dict[str, str]
    reasons: tuple[str, ...]  # empty: up to date


def _plan_matrix(
    scripts: Sequence[Script],
    ratios: Sequence[BreathPattern],
    engine: Engine,
    lexicon: Lexicon,
    config: Config,
    manifest: Manifest,
    out: Path,
    force: bool,
) -> list[_Planned]:
    planned = []
    for script in scripts:
        tempo = script.tempo if script.tempo is not None else config.voice.tempo
        shared = script_inputs(script, engine.identity(), tempo, lexicon, config)
        for ratio in episode_ratios(script, ratios, config):
            relative = f"{script.slug}/{script.slug}-{ratio.slug}.mp3"
            inputs = {**shared, "ratio": str(ratio)}
            reasons = manifest.why_rebuild(relative, inputs, out / relative)
            if force and not reasons:
                reasons = ["--force"]
            planned.append(_Planned(script, ratio, relative, inputs, tuple(reasons)))
    return planned


def build(
    config: Config,
    script_paths: Sequence[str | Path] = (),
    ratios: Sequence[BreathPattern] = (),
    engine: str | None = None,
    out_dir: str | Path | None = None,
    progress: Callable[[str], None] = lambda message: None,
    tts_jobs: int | None = None,
    jobs: int = 1,
    force: bool = False,
    dry_run: bool = False,
    step: Callable[[str, int, int], None] = lambda phase, done, total: None,
) -> BuildReport:
    """Build what changed, for every script at every ratio. A failing script stops no other.

    With `dry_run` nothing is synthesized or written: the report lists what would be built,
    why, and each episode's estimated duration.
    """
    out = Path(out_dir) if out_dir is not None else config.path("build")
    report = BuildReport()
    scripts, errors = check_scripts(find_scripts(config, script_paths))
    report.failures += [Failure(e.path, str(e)) for e in errors]
    warn_about_patterns([r for s in scripts for r in episode_ratios(s, ratios, config)])
    if dry_run:
        return _dry_run(config, scripts, ratios, engine, out, force, report)
    with build_lock(out):
        remove_leftovers(out)
        if scripts:
            _build_matrix(
                config, scripts, ratios, engine, out, progress, tts_jobs, jobs, force, report, step
            )
        atomic_write(out / "report.json", report.to_json().encode("utf-8"))
    return report


def _choose_engine(
    name: str, config: Config, scripts: Sequence[Script], ratios, lexicon, manifest, out, force
) -> tuple[Engine, list[_Planned]]:
    """The build's one engine. `auto` needs no network when every gTTS episode is current."""
    cache = VoiceCache(config.path("voice"), config.sound.sample_rate)
    if name == "auto" and not force:
        gtts = get_engine("gtts", config.voice)
        planned = _plan_matrix(scripts, ratios, gtts, lexicon, config, manifest, out, force)
        if not any(p.reasons for p in planned):
            return gtts, planned
    chosen = resolve_engine(name, config, scripts, cache, lexicon)
    return chosen, _plan_matrix(scripts, ratios, chosen, lexicon, config, manifest, out, force)


def _build_matrix(
    config, scripts, ratios, engine, out, progress, tts_jobs, jobs, force, report, step
):
    manifest = Manifest.load(out)
    lexicon = read_lexicon(config.path("scripts") / LEXICON_FILE)
    chosen, planned = _choose_engine(
        engine or config.engine, config, scripts, ratios, lexicon, manifest, out, force
    )
    report.engine = chosen.name
    voicing = start_voicing(config, scripts, engine, tts_jobs, chosen, lexicon)
    work: list[tuple[_Planned, VoicedScript]] = []
    for script in scripts:
        mine = [p for p in planned if p.script is script]
        for p in mine:
            if not p.reasons:
                report.episodes.append(
                    Episode(**{**manifest.episode(p.relative), "status": "skipped", "reason": ""})
                )
                progress(f"skipped {out / p.relative}  (up to date)")
        todo = [p for p in mine if p.reasons]
        if not todo:
            continue
        try:
            on_clip = partial(step, f"voicing {script.slug}")
            voiced = replace(voicing, options=replace(voicing.options, on_clip=on_clip)).voice(
                script
            )
        except BreathcastError as exc:
            report.failures.append(Failure(script.path, str(exc)))
            progress(f"failed  {script.path}")
            continue
        work += [(p, voiced) for p in todo]

    failed_scripts = set()
    for done, (p, (result, warnings)) in enumerate(_run_episodes(work, config, out, jobs), start=1):
        step("rendering", done, len(work))
        for note in warnings:
            log.warning("%s", note)
        if isinstance(result, str):
            if p.script.path not in failed_scripts:
                report.failures.append(Failure(p.script.path, result))
                failed_scripts.add(p.script.path)
            progress(f"failed  {out / p.relative}")
            continue
        episode = replace(result, reason="; ".join(p.reasons))
        manifest.record(p.relative, p.inputs, {**asdict(episode), "status": "built"})
        report.episodes.append(episode)
        minutes, seconds = divmod(round(episode.duration_s), 60)
        progress(
            f"built   {out / p.relative}  ({episode.ratio}, {minutes}:{seconds:02d}, "
            f"{episode.loudness_lufs:.1f} LUFS, {episode.engine}; {episode.reason})"
        )


def _run_episodes(work, config: Config, out: Path, jobs: int):
    """Render and encode each episode, in `jobs` processes; yields (planned, Episode | error)."""
    tasks = [(p.script, p.ratio, voiced, config, out / p.relative) for p, voiced in work]
    if jobs <= 1 or len(tasks) <= 1:
        for (p, _), task in zip(work, tasks, strict=True):
            yield p, _make_episode(*task)
        return
    with ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("spawn")) as pool:
        futures = [pool.submit(_make_episode, *task) for task in tasks]
        for (p, _), future in zip(work, futures, strict=True):
            yield p, future.result()


def _make_episode(
    script: Script, ratio: BreathPattern, voiced: VoicedScript, config: Config, dest: Path
) -> tuple[Episode | str, list[str]]:
    """One episode, start to finish, and its warnings. Errors come back as text and warnings
    as a list, not through logging: this runs in another process, started any which way."""
    warnings: list[str] = []
    try:
        timeline, mixer = episode_mixer(script, ratio, voiced, _track(script, config), config)
        podcast = config.podcast
        tags = EpisodeTags(
            title=f"{script.title} ({ratio.in_words})",
            artist=podcast.author,
            album=podcast.title,
            genre=podcast.genre,
            comment=voice_note(voiced.engine),
            cover=cover_image(config.root, podcast.cover, script.title, podcast.title),
            chapters=tuple(chapter_spans(timeline)),
        )
        warnings += [f"{note} (at {ratio})" for note in timeline.warnings]
        level = encode_normalized(
            mixer.chunks,
            predicted_lufs(timeline, voiced),
            dest,
            config.sound,
            partial(write_tags, tags=tags),
        )
        warnings += filter(None, [miss_warning(dest, level, config.sound)])
        atomic_write(dest.with_suffix(".vtt"), webvtt(timeline).encode("utf-8"))
        atomic_write(dest.with_suffix(".chapters.json"), chapters_json(timeline).encode("utf-8"))
    except BreathcastError as exc:
        return str(exc), warnings
    episode = Episode(
        script=script.path,
        ratio=str(ratio),
        path=f"{dest.parent.name}/{dest.name}",
        duration_s=round(timeline.duration_s, 3),
        engine=voiced.engine,
        clips_synthesized=voiced.synthesized,
        clips_cached=voiced.cached,
        offline_voice=voiced.engine in OFFLINE_ENGINES,
        loudness_lufs=level.integrated_lufs,
        true_peak_dbtp=level.true_peak_dbtp,
    )
    return episode, warnings


def _dry_run(config, scripts, ratios, engine, out, force, report) -> BuildReport:
    """The plan, without synthesizing or writing anything. auto is assumed to get gTTS."""
    manifest = Manifest.load(out)
    lexicon = read_lexicon(config.path("scripts") / LEXICON_FILE)
    name = engine or config.engine
    chosen = get_engine("gtts" if name == "auto" else name, config.voice)
    cache = VoiceCache(config.path("voice"), config.sound.sample_rate)
    report.engine = chosen.name
    for p in _plan_matrix(scripts, ratios, chosen, lexicon, config, manifest, out, force):
        tempo = p.script.tempo if p.script.tempo is not None else config.voice.tempo
        lengths = estimate_clip_lengths(p.script, chosen, cache, lexicon, config.sound, tempo)
        duration = plan(p.script, lengths, p.ratio, config.sound).duration_s
        report.episodes.append(
            Episode(
                script=p.script.path,
                ratio=str(p.ratio),
                path=p.relative,
                duration_s=round(duration, 1),
                engine=chosen.name,
                clips_synthesized=0,
                clips_cached=0,
                offline_voice=chosen.name in OFFLINE_ENGINES,
                loudness_lufs=config.sound.loudness_lufs,
                true_peak_dbtp=config.sound.true_peak_dbtp,
                status="planned" if p.reasons else "skipped",
                reason="; ".join(p.reasons),
            )
        )
    return report


def remove_leftovers(out: Path) -> None:
    """Temp files of a build that was killed mid-write: never visible as outputs, now gone."""
    for leftover in out.rglob(".*.tmp"):
        leftover.unlink(missing_ok=True)


def load_music(script: Script, config: Config) -> np.ndarray:
    """The script's `ambient: music/…` track, decoded; it must really live inside music/."""
    folder = (config.root / MUSIC_FOLDER).resolve()
    path = (config.root / script.ambient).resolve()  # follows symlinks
    if not path.is_relative_to(folder):
        raise ScriptError(
            script.path,
            script.ambient_line,
            f"ambient: {script.ambient} leads outside {MUSIC_FOLDER}/ (to {path}); "
            f"copy the track into {MUSIC_FOLDER}/ instead of linking to it",
        )
    if not path.is_file():
        raise ScriptError(
            script.path,
            script.ambient_line,
            f"ambient: {script.ambient} does not exist; put the track in {MUSIC_FOLDER}/",
        )
    return ffmpeg.decode_file(path, config.sound.sample_rate)


def episode_mixer(
    script: Script,
    ratio: BreathPattern,
    voiced: VoicedScript,
    track: np.ndarray | None,
    config: Config,
) -> tuple[Timeline, Mixer]:
    """Plan one episode, and the mixer that renders it (not yet mastered)."""
    sound = config.sound
    timeline = plan(script, voiced.lengths, ratio, sound)
    seed = ambience.seed_for(script.slug)
    background = ambience.bed(script.ambient, track, timeline, sound, seed)
    return timeline, Mixer(timeline, voiced.clips, sound, background)


def predicted_lufs(timeline: Timeline, voiced: VoicedScript) -> float:
    """The episode's loudness before mastering, from its voice clips alone."""
    placed = ((clip.start, voiced.energy[clip.text]) for clip in timeline.clips)
    return predict_lufs(placed, timeline.length, timeline.sample_rate)


def plot_script(
    config: Config, path: str | Path, ratio: BreathPattern, engine: str | None, dest: str | Path
) -> Path:
    """`breathcast plot`: draw one episode's timeline, levels and loudness to a PNG."""
    from breathcast.plot import LEVEL_WINDOW_S, draw_timeline  # slow import: only here

    scripts, errors = check_scripts([Path(path)])
    if errors:
        raise errors[0]
    script = scripts[0]
    voiced = start_voicing(config, scripts, engine).voice(script)
    timeline, mixer = episode_mixer(script, ratio, voiced, _track(script, config), config)
    for note in timeline.warnings:
        log.warning("%s", note)
    gain = config.sound.loudness_lufs - predicted_lufs(timeline, voiced)
    hop = round(LEVEL_WINDOW_S * timeline.sample_rate)
    background: list[np.ndarray] = []  # mean square of tone + bed, per LEVEL_WINDOW_S

    def mix() -> Iterator[np.ndarray]:  # streamed, so an hour-long episode plots in flat memory
        step = hop * max(1, CHUNK // hop)
        for lo in range(0, timeline.length, step):
            stems = mixer.stems(lo, min(lo + step, timeline.length))
            under = stems.tone + stems.bed
            frames = under[: under.size // hop * hop].reshape(-1, hop)
            background.append(np.mean(np.square(frames, dtype=np.float64), axis=1))
            yield stems.mix()

    curve = loudness_curve(mix(), config.sound, gain)
    return draw_timeline(
        script, timeline, np.concatenate(background), curve, gain, config.sound, dest
    )


def _track(script: Script, config: Config) -> np.ndarray | None:
    return load_music(script, config) if script.ambient.startswith(f"{MUSIC_FOLDER}/") else None


def clean_outputs(config: Config, voice_too: bool = False) -> list[Path]:
    """Empty the build folder (keeping its placeholder), and the voice cache if asked."""
    folders = [config.path("build")] + ([config.path("voice")] if voice_too else [])
    with build_lock(config.path("build")):
        for folder in folders:
            for item in folder.iterdir() if folder.is_dir() else ():
                if item.name in (".gitkeep", LOCK_NAME):
                    continue
                shutil.rmtree(item) if item.is_dir() and not item.is_symlink() else item.unlink()
    return folders


def watch(
    config: Config,
    engine: str | None,
    jobs: int,
    progress: Callable[[str], None],
    stop: Any = None,
) -> Iterator[BuildReport]:
    """Rebuild a script's episodes whenever it is saved; yield each build's report.

    Saving `uitspraak.txt` rebuilds every script (the build itself skips what did not change).
    A broken edit is a failed build in the report; watching goes on.
    """
    from watchfiles import watch as watch_files  # only this command needs it

    folder = config.path("scripts")
    for changes in watch_files(folder, stop_event=stop, debounce=400, raise_interrupt=False):
        changed = {Path(path) for _, path in changes}
        scripts = sorted(p for p in changed if p.suffix == ".md" and p.is_file())
        if any(p.name == LEXICON_FILE for p in changed):
            scripts = []  # every script
        elif not scripts:
            continue
        try:
            yield build(
                load_config(config.root), scripts, engine=engine, jobs=jobs, progress=progress
            )
        except BreathcastError as exc:  # e.g. another build holds the lock: try again next save
            report = BuildReport()
            report.failures.append(Failure(str(folder), str(exc)))
            yield report
