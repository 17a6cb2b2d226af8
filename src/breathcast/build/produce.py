"""One episode, start to finish: plan, mix, master, encode, tag, and its sidecars.

Episodes are made in this process or in a pool of worker processes. A worker sends back an
`Episode` or a `Failure` and its warnings as plain data, never through logging, and stops at
its next chunk when the build is cancelled.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import (
    FIRST_COMPLETED,
    Future,
    ProcessPoolExecutor,
    ThreadPoolExecutor,
    wait,
)
from dataclasses import dataclass, replace
from multiprocessing import get_context
from pathlib import Path

import numpy as np

from breathcast.build.sidecars import chapter_spans, chapters_json, cover_image, webvtt
from breathcast.build.tags import EpisodeTags, write_opus_tags, write_tags
from breathcast.core import (
    AudioError,
    BreathcastError,
    BreathPattern,
    BuildCancelled,
    Cancel,
    Config,
    Said,
    atomic_write,
)
from breathcast.script import Episode, EpisodeKey, Failure, Length, Script, loose_references
from breathcast.sound import (
    VERIFY_LOUDNESS_LU,
    VERIFY_PEAK_DB,
    Loudness,
    Mixer,
    Timeline,
    ambience,
    encode_normalized,
    fit,
    measure_file,
    melody_clip,
    miss_warning,
    plan,
    predict_lufs,
)
from breathcast.voice import OFFLINE_ENGINES, VoicedScript

POLL_S = 0.1  # how often a waiting build looks for a cancel request


def voice_note(voiced: VoicedScript) -> str:
    """The MP3 comment: which voice, and whether this is only a preview."""
    if voiced.engine in OFFLINE_ENGINES:
        return f"Stem: {voiced.engine} (offline voorbeeld, niet de eindversie)"
    if voiced.engine == "opname":
        if voiced.filled:
            return (
                f"Stem: eigen opname, {len(voiced.filled)} zinnen nog door een computerstem "
                "(voorbeeld, niet de eindversie)"
            )
        return "Stem: eigen opname"
    return f"Stem: {voiced.engine}"


def episode_plan(
    script: Script,
    pattern: BreathPattern,
    clip_lengths: Mapping[str, int],
    config: Config,
    length: Length | None = None,
) -> Timeline:
    """One episode laid out in time: at `length` when one is asked for (the breathing and the
    longer pauses fitted to it), with the recurring melody at its places."""
    melody = melody_clip(config.sound, config.root)
    samples = 0 if melody is None else melody.size
    if length is None:
        return plan(script, clip_lengths, pattern, config.sound, samples)
    fitted = fit(script, clip_lengths, pattern, config.sound, length, samples)
    timeline = plan(fitted, clip_lengths, pattern, config.sound, samples)
    return replace(timeline, warnings=timeline.warnings + loose_references(script, fitted))


def episode_mixer(
    script: Script,
    pattern: BreathPattern,
    voiced: VoicedScript,
    config: Config,
    length: Length | None = None,
) -> tuple[Timeline, Mixer]:
    """Plan one episode, and the mixer that renders any stretch of it (not yet mastered)."""
    sound = config.sound
    timeline = episode_plan(script, pattern, voiced.lengths, config, length)
    music = ambience.load_music(script, config.root, sound.sample_rate)
    bed = ambience.bed(script.ambient, music, timeline, sound, ambience.seed_for(script.slug))
    melody = melody_clip(sound, config.root)
    return timeline, Mixer(timeline, voiced.clips, sound, bed, melody)


def predicted_lufs(timeline: Timeline, voiced: VoicedScript, mixer: Mixer) -> float:
    """The episode's loudness (one channel) before mastering, before a sample is rendered:
    each voice clip's measured profile at its place, with the tone and bed in closed form;
    up to its closing fade, if it has one (BS.1770's gates alone leave the speech of a
    bedtime episode 1 LU too loud: its long quiet tail lowers the relative gate)."""
    placed = [(clip.start, voiced.energy[clip.text]) for clip in timeline.clips]
    placed.append((0, mixer.background_k_energy()))
    return predict_lufs(placed, timeline.program_end, timeline.sample_rate)


@dataclass(frozen=True)
class EpisodeJob:
    script: Script
    key: EpisodeKey
    voiced: VoicedScript
    config: Config
    dest: Path  # the MP3 to write
    verify: bool = False  # measure the finished files with ffmpeg too


def make_episode(
    job: EpisodeJob, stopped: Callable[[], bool]
) -> tuple[Episode | Failure, list[Said]]:
    """One episode and its warnings. `stopped()` is asked at every chunk: when it says yes,
    the half-written file is removed and `BuildCancelled` is raised."""
    script, key, voiced, config, dest = job.script, job.key, job.voiced, job.config, job.dest
    warnings: list[Said] = []
    podcast = config.podcast
    # The cover may have to be drawn (0.15 s): that happens while the audio is encoded.
    drawing = ThreadPoolExecutor(1)
    cover = drawing.submit(cover_image, config.root, podcast.cover, script.title, podcast.title)
    drawing.shutdown(wait=False)
    try:
        timeline, mixer = episode_mixer(script, key.pattern, voiced, config, key.length)

        def tag(files: dict[str, Path]) -> None:
            tags = EpisodeTags(
                title=key.title(script.title),
                artist=podcast.author,
                album=podcast.title,
                genre=podcast.genre,
                comment=voice_note(voiced),
                cover=cover.result(),
                chapters=tuple(chapter_spans(timeline)),
            )
            write_tags(files[".mp3"], tags)
            if ".opus" in files:
                write_opus_tags(files[".opus"], tags)

        warnings += [
            n.also(f" (at {key.pattern})", f" (bij {key.pattern.dutch})") for n in timeline.warnings
        ]

        def mix(lo: int, hi: int) -> np.ndarray:
            if stopped():
                raise BuildCancelled(Said(f"cancelled while writing {dest}", "gestopt"))
            return mixer.mix(lo, hi)

        level = encode_normalized(
            mix,
            timeline.length,
            predicted_lufs(timeline, voiced, mixer),
            dest,
            config.sound,
            tag,
            measured=timeline.program_end,
        )
        warnings += filter(None, [miss_warning(dest, level, config.sound)])
        if job.verify:
            warnings += verified(dest, level, timeline.program_end / timeline.sample_rate, config)
        atomic_write(dest.with_suffix(".vtt"), webvtt(timeline).encode("utf-8"))
        atomic_write(dest.with_suffix(".chapters.json"), chapters_json(timeline).encode("utf-8"))
    except BuildCancelled:
        raise
    except BreathcastError as exc:
        return Failure(script.path, exc.said, str(key.pattern)), warnings
    episode = Episode(
        script=script.path,
        ratio=str(key.pattern),
        path=key.path,
        duration_s=round(timeline.duration_s, 3),
        engine=voiced.engine,
        clips_synthesized=voiced.synthesized,
        clips_cached=voiced.cached,
        offline_voice=voiced.engine in OFFLINE_ENGINES,
        opus_path=str(Path(key.path).with_suffix(".opus")) if config.sound.opus else "",
        loudness_lufs=level.heard_lufs,
        loudness_mono_lufs=level.mono_lufs,
        loudness_range_lu=level.range_lu,
        true_peak_dbtp=level.true_peak_dbtp,
        filled_lines=len(voiced.filled),
        title=script.title,
        length=key.length.text if key.length else None,
        target_s=key.length.seconds if key.length else None,
    )
    return episode, warnings


def verified(dest: Path, level: Loudness, measured_s: float, config: Config) -> list[Said]:
    """`build --verify`: the finished MP3 and Opus files measured by ffmpeg's ebur128 (up to
    a closing fade, as the build measures), against the in-process meter's figures."""
    files = [dest] + ([dest.with_suffix(".opus")] if config.sound.opus else [])
    notes = []
    for path in files:
        try:  # the episode is made and in place: a check that cannot run only says so
            theirs = measure_file(path, dual_mono=True, seconds=measured_s)
        except AudioError as exc:
            notes.append(exc.said.also(" (--verify)", " (de controle)"))
            continue
        off_lu = theirs.integrated_lufs - level.heard_lufs
        off_db = theirs.true_peak_dbtp - level.true_peak_dbtp
        # ebur128 prints to 0.1: its figures are themselves within 0.05 of the truth.
        peak_ok = abs(off_db) <= VERIFY_PEAK_DB or path.suffix == ".opus"
        if abs(off_lu) > VERIFY_LOUDNESS_LU[path.suffix] or not peak_ok:
            notes.append(
                Said(
                    f"{path}: ffmpeg measures {theirs.integrated_lufs:.1f} LUFS and "
                    f"{theirs.true_peak_dbtp:.1f} dBTP; the build measured "
                    f"{level.heard_lufs:.2f} LUFS and {level.true_peak_dbtp:.2f} dBTP: the build's "
                    "meter is off; please report it, with this file",
                    f"{path.name}: de controle meet {theirs.integrated_lufs:.1f} LUFS, de "
                    f"bouw {level.heard_lufs:.1f} LUFS; meld dit aan de makers, met dit bestand",
                )
            )
        if theirs.true_peak_dbtp > config.sound.true_peak_dbtp + 0.05:
            notes.append(
                Said(
                    f"{path}: its true peak is {theirs.true_peak_dbtp:.1f} dBTP, over the "
                    f"ceiling of {config.sound.true_peak_dbtp:.1f}; please report it, with this "
                    "file",
                    f"{path.name}: de pieken komen boven {config.sound.true_peak_dbtp:.1f} "
                    "dBTP; meld dit aan de makers, met dit bestand",
                )
            )
    return notes


def run_episodes(
    jobs: Sequence[EpisodeJob],
    workers: int,
    cancel: Cancel,
    on_start: Callable[[EpisodeJob], None],
) -> Iterator[tuple[EpisodeJob, Episode | Failure, list[str]]]:
    """Make every job, `workers` at a time (in processes when more than one), yielding the
    results in the jobs' order. A cancel stops the running episodes at their next chunk."""
    if workers <= 1 or len(jobs) <= 1:
        for job in jobs:
            cancel.check()
            on_start(job)
            yield job, *make_episode(job, lambda: cancel.requested)
        return
    context = get_context("spawn")  # never fork a process that may hold threads and locks
    flag = context.Event()
    waiting = deque(jobs)
    started: deque[tuple[EpisodeJob, Future]] = deque()
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=_keep_flag, initargs=(flag,)
    ) as pool:
        while waiting or started:
            running = sum(not f.done() for _, f in started)
            while waiting and running < workers and not cancel.requested:
                job = waiting.popleft()
                on_start(job)
                started.append((job, pool.submit(_make_in_worker, job)))
                running += 1
            wait([f for _, f in started], timeout=POLL_S, return_when=FIRST_COMPLETED)
            if cancel.requested:
                flag.set()
                waiting.clear()
            while started and started[0][1].done():
                job, future = started.popleft()
                if not isinstance(future.exception(), BuildCancelled):  # stopped mid-file
                    yield job, *future.result()
    cancel.check()


_stop_flag = None  # in a worker process: the build's cancel flag


def _keep_flag(flag) -> None:
    global _stop_flag
    _stop_flag = flag


def _make_in_worker(job: EpisodeJob) -> tuple[Episode | Failure, list[str]]:
    return make_episode(job, _stop_flag.is_set)
