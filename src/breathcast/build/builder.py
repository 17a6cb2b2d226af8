"""The build: every script at every pattern, one engine, only what changed, events as it goes.

    report = build(config, scripts, BuildOptions.resolve(config, engine="espeak"), on_event=print)

A failing script stops no other. Every output is renamed into place only when complete, so a
failed, killed or cancelled build leaves no half-written file and keeps what it finished.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from breathcast.build.events import (
    BuildFinished,
    BuildPlanned,
    BuildReport,
    ClipVoiced,
    EpisodeBuilt,
    EpisodeEstimated,
    EpisodeFailed,
    EpisodeSkipped,
    EpisodeStarted,
    PlannedEpisode,
    ReportCollector,
    Warned,
)
from breathcast.build.manifest import Manifest, script_inputs
from breathcast.build.produce import EpisodeJob, episode_plan, run_episodes
from breathcast.build.project import check_scripts, find_scripts, pattern_warnings, patterns_for
from breathcast.core import (
    BreathcastError,
    BreathPattern,
    BuildCancelled,
    Cancel,
    Config,
    Event,
    Job,
    Said,
    ScriptError,
    SoundSettings,
    atomic_write,
    project_lock,
)
from breathcast.script import Episode, EpisodeKey, EpisodeStatus, Failure, Script
from breathcast.sound import DUAL_MONO_LU, target_mono_lufs
from breathcast.voice import OFFLINE_ENGINES, Engine, VoicingContext, choose_engine, filled_lines

REPORT_NAME = "report.json"


@dataclass(frozen=True)
class BuildOptions:
    """How to run one build, resolved once from the command line and the settings."""

    out: Path  # the build folder
    engine: str = "auto"  # auto, gtts, espeak or opname (her own voice)
    engine_given: bool = False  # --engine: then it wins over a script's own `engine:` too
    fill: str | None = None  # voices the lines she has no take of yet (a preview)
    patterns: tuple[BreathPattern, ...] = ()  # --ratio: overrides every script's patterns
    tts_jobs: int = 4  # engine calls at a time
    jobs: int | None = None  # episodes made at a time, each in its own process; None: auto
    force: bool = False  # rebuild what is up to date too
    verify: bool = False  # also measure the finished files with ffmpeg's meter
    dry_run: bool = False  # only say what would be built, and why

    @classmethod
    def resolve(
        cls,
        config: Config,
        *,
        out: Path | None = None,
        engine: str | None = None,
        tts_jobs: int | None = None,
        **given,
    ) -> BuildOptions:
        """Flags win; what a flag leaves open comes from the project's settings."""
        return cls(
            out=out if out is not None else config.path("build"),
            engine=engine if engine is not None else config.engine,
            engine_given=engine is not None,
            tts_jobs=tts_jobs if tts_jobs is not None else config.voice.tts_jobs,
            **given,
        )

    def engine_for(self, script: Script) -> str:
        """--engine wins, then the script's own `engine:`, then the project's setting."""
        if self.engine_given or script.engine is None:
            return self.engine
        return script.engine


@dataclass(frozen=True)
class Planned:
    """One episode of the matrix: what it is built from, and why it must be (re)built."""

    script: Script
    key: EpisodeKey
    inputs: dict
    reasons: tuple[str, ...]  # empty: up to date

    def event(self) -> PlannedEpisode:
        length = self.key.length.text if self.key.length else None
        return PlannedEpisode(
            self.script.path, str(self.key.pattern), self.key.path, "; ".join(self.reasons), length
        )


def plan_matrix(
    scripts: Sequence[Script],
    options: BuildOptions,
    engine_of: Callable[[Script], Engine],
    context: VoicingContext,
    manifest: Manifest,
) -> list[Planned]:
    """Every script at each of its patterns, and why each one needs building, if it does."""
    planned = []
    for script in scripts:
        tempo = context.tempo_for(script)
        shared = script_inputs(script, engine_of(script), tempo, context.lexicon, context.config)
        for pattern in patterns_for(script, context.config, options.patterns):
            for key in manifest.keys(script, pattern):
                length = key.length.text if key.length else None
                inputs = {**shared, "ratio": str(pattern), "length": length}
                reasons = manifest.why_rebuild(key.path, inputs, options.out / key.path)
                if options.force and not reasons:
                    reasons = ["--force"]
                planned.append(Planned(script, key, inputs, tuple(reasons)))
    return planned


def _engines(
    scripts: Sequence[Script],
    options: BuildOptions,
    config: Config,
    warn: Callable[[Said], None],
    needs_synthesis: Callable[[Sequence[Script], Engine], bool] | None = None,
) -> Callable[[Script], Engine]:
    """Each script's engine, chosen once per engine name (auto probes Google once). Without
    `needs_synthesis` (a dry run) nothing is probed."""
    chosen: dict[str, Engine] = {}

    def engine_of(script: Script) -> Engine:
        name = options.engine_for(script)
        if name not in chosen:
            mine = [s for s in scripts if options.engine_for(s) == name]
            chosen[name] = choose_engine(
                name,
                config,
                lambda engine: needs_synthesis is not None and needs_synthesis(mine, engine),
                warn,
                probe=needs_synthesis is not None,
                fill=options.fill,
            )
        return chosen[name]

    return engine_of


def _engine_names(scripts: Sequence[Script], engine_of: Callable[[Script], Engine]) -> str:
    return " + ".join(dict.fromkeys(engine_of(s).name for s in scripts))


def build(
    config: Config,
    script_paths: Sequence[str | Path],
    options: BuildOptions,
    on_event: Callable[[Event], None] = lambda event: None,
    cancel: Cancel | None = None,
) -> BuildReport:
    """Build what changed, for every script at every pattern; the report says what was done.

    With `options.dry_run` nothing is synthesized or written: the report lists what would be
    built, why, and each episode's estimated duration. `cancel` (from any thread) stops the
    build soon after; what it finished is kept, recorded and reported.
    """
    cancel = cancel or Cancel()
    collector = ReportCollector()

    def emit(event: Event) -> None:
        collector.see(event)
        on_event(event)

    scripts, errors = check_scripts(find_scripts(config, script_paths))
    for error in errors:
        emit(EpisodeFailed(Failure(error.path, error.said)))
    patterns = [p for s in scripts for p in patterns_for(s, config, options.patterns)]
    for note in pattern_warnings(patterns):
        emit(Warned(note))
    cancelled = False
    if options.dry_run:
        _dry_run(scripts, options, config, emit)
    else:
        with project_lock(options.out, Job.BUILD):
            _remove_leftovers(options.out)
            try:
                if scripts:
                    _build_matrix(scripts, options, config, emit, cancel)
            except BuildCancelled:
                cancelled = True
            written = collector.report(cancelled).to_json()
            atomic_write(options.out / REPORT_NAME, written.encode("utf-8"))
    report = collector.report(cancelled)
    emit(BuildFinished(report))
    return report


def _open_context(config: Config, scripts: list[Script], emit) -> VoicingContext | None:
    """The build's shared context; a broken pronunciation list fails every script."""
    try:
        return VoicingContext.open(config)
    except ScriptError as exc:
        for script in scripts:
            emit(EpisodeFailed(Failure(script.path, exc.said)))
        return None


def _build_matrix(scripts: list[Script], options: BuildOptions, config: Config, emit, cancel):
    context = _open_context(config, scripts, emit)
    if context is None:
        return
    manifest = Manifest.load(options.out, config.root)

    def needs_synthesis(mine: Sequence[Script], engine: Engine) -> bool:
        """Whether an episode to (re)build has a line this engine has not voiced yet."""
        todo = {
            p.script.path: p.script
            for p in plan_matrix(mine, options, lambda script: engine, context, manifest)
            if p.reasons
        }
        return any(context.missing_lines(script, engine) for script in todo.values())

    engine_of = _engines(scripts, options, config, lambda said: emit(Warned(said)), needs_synthesis)
    planned = plan_matrix(scripts, options, engine_of, context, manifest)
    emit(BuildPlanned(_engine_names(scripts, engine_of), tuple(p.event() for p in planned)))
    jobs: list[EpisodeJob] = []
    for script in scripts:
        mine = [p for p in planned if p.script is script]
        for p in mine:
            if not p.reasons:  # up to date: this build did no work for it
                idle = replace(
                    manifest.episode(p.key.path),
                    status=EpisodeStatus.SKIPPED,
                    reason="",
                    clips_synthesized=0,
                    clips_cached=0,
                    title=script.title,
                )
                emit(EpisodeSkipped(idle))
        todo = [p for p in mine if p.reasons]
        if not todo:
            continue
        try:
            voiced = context.voice(
                script,
                engine_of(script),
                jobs=options.tts_jobs,
                on_clip=lambda done, total, s=script: emit(ClipVoiced(s.path, done, total)),
                cancel=cancel,
            )
        except BuildCancelled:
            raise
        except BreathcastError as exc:
            for p in todo:
                emit(EpisodeFailed(Failure(script.path, exc.said, str(p.key.pattern))))
            continue
        jobs += [
            EpisodeJob(script, p.key, voiced, config, options.out / p.key.path, options.verify)
            for p in todo
        ]

    by_key = {p.key: p for p in planned}

    def started(job: EpisodeJob) -> None:
        length = job.key.length.text if job.key.length else None
        emit(EpisodeStarted(job.script.path, str(job.key.pattern), job.key.path, length))

    workers = episode_workers(options.jobs, len(jobs), config.sound)
    fed = episode_workers(options.jobs, options.jobs or 1, config.sound)  # what the cores allow
    if options.jobs is not None and fed < options.jobs:
        emit(Warned(_fewer_workers(options.jobs, fed)))
    for job, result, warnings in run_episodes(jobs, workers, cancel, started):
        for note in warnings:
            emit(Warned(note))
        if isinstance(result, Failure):
            emit(EpisodeFailed(result))
            continue
        p = by_key[job.key]
        episode = replace(result, reason="; ".join(p.reasons))
        manifest.record(p.key.path, p.inputs, episode)
        manifest.remember_heir(p.key)
        emit(EpisodeBuilt(episode))


# What one episode keeps busy: the LAME thread, and the main thread with the meter beside it;
# the Opus encoder's process one more.
CORES_PER_EPISODE = {True: 2, False: 1.5}


def usable_cores() -> int:
    """The cores this process may run on (a container or `taskset` may allow fewer than the
    machine has)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def episode_workers(asked: int | None, episodes: int, sound: SoundSettings) -> int:
    """How many episodes to make at once: as many as the cores can feed (one episode keeps
    about two busy), never more than there are episodes, and never more than `asked`. More
    than the cores can feed only makes a build slower: on 2 cores, two episodes at once
    took 76 s for the catalogue that one at a time made in 63 s."""
    cores = usable_cores()
    fed = max(1, int(cores // CORES_PER_EPISODE[sound.opus]))
    return max(1, min(fed, episodes, asked if asked is not None else fed))


def _fewer_workers(asked: int, workers: int) -> Said:
    cores = usable_cores()
    return Said(
        f"-j {asked}: {workers} episode(s) at a time, since each keeps about two of the "
        f"{cores} cores busy and more would only make the build slower",
        f"er worden {workers} oefening(en) tegelijk gemaakt: meer maakt het op deze computer "
        "alleen trager",
    )


def _dry_run(scripts: list[Script], options: BuildOptions, config: Config, emit) -> None:
    """The plan, without synthesizing or writing anything. auto is assumed to get gTTS."""
    context = _open_context(config, scripts, emit)
    if context is None:
        return
    manifest = Manifest.load(options.out, config.root)
    engine_of = _engines(scripts, options, config, lambda said: emit(Warned(said)))
    planned = plan_matrix(scripts, options, engine_of, context, manifest)
    emit(BuildPlanned(_engine_names(scripts, engine_of), tuple(p.event() for p in planned)))
    heard = target_mono_lufs(config.sound) + DUAL_MONO_LU  # what the build will aim for
    for p in planned:
        engine = engine_of(p.script)
        lengths = context.estimate_lengths(p.script, engine)
        try:
            timeline = episode_plan(p.script, p.key.pattern, lengths, config, p.key.length)
        except ScriptError as exc:  # a length it cannot have
            emit(EpisodeFailed(Failure(p.script.path, exc.said, str(p.key.pattern))))
            continue
        duration = timeline.duration_s
        episode = Episode(
            script=p.script.path,
            ratio=str(p.key.pattern),
            path=p.key.path,
            duration_s=round(duration, 1),
            opus_path="",
            engine=engine.name,
            clips_synthesized=0,
            clips_cached=0,
            offline_voice=engine.name in OFFLINE_ENGINES,
            filled_lines=len(filled_lines(p.script, engine, context.lexicon)),
            loudness_lufs=heard,
            loudness_mono_lufs=heard - DUAL_MONO_LU,
            loudness_range_lu=0.0,
            true_peak_dbtp=config.sound.true_peak_dbtp,
            status=EpisodeStatus.PLANNED if p.reasons else EpisodeStatus.SKIPPED,
            reason="; ".join(p.reasons),
            title=p.script.title,
            length=p.key.length.text if p.key.length else None,
            target_s=p.key.length.seconds if p.key.length else None,
        )
        emit(EpisodeEstimated(episode))


def _remove_leftovers(out: Path) -> None:
    """Temp files of a build that was killed mid-write: never visible as outputs, now gone."""
    for leftover in out.rglob(".*.tmp"):
        leftover.unlink(missing_ok=True)
