"""The build matrix: every script at every ratio, one engine per build, a report at the end."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path

import numpy as np

from breathcast import RENDER_VERSION, ambience, ffmpeg
from breathcast.breath import BreathPattern
from breathcast.cache import VoiceCache
from breathcast.config import Config
from breathcast.engines import Engine, get_engine
from breathcast.errors import BreathcastError, EngineError, ScriptError
from breathcast.files import atomic_write
from breathcast.lexicon import FILE_NAME as LEXICON_FILE
from breathcast.lexicon import Lexicon, read_lexicon
from breathcast.loudness import encode_normalized, loudness_curve, mastering_gain
from breathcast.render import Stems, render_stems
from breathcast.script import MUSIC_FOLDER, Script, read_script
from breathcast.tags import write_tags
from breathcast.timeline import Timeline, plan
from breathcast.voice import VoicedScript, VoiceOptions, missing_lines, voice_script

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
) -> tuple[list[Script], list[ScriptError]]:
    """`breathcast check`: parse every script and warn about its breath patterns."""
    scripts, errors = check_scripts(find_scripts(config, names))
    warn_about_patterns([r for s in scripts for r in episode_ratios(s, (), config)])
    return scripts, errors


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
    config: Config, scripts: Sequence[Script], engine: str | None, tts_jobs: int | None = None
) -> Voicing:
    cache = VoiceCache(config.path("voice"), config.sound.sample_rate)
    options = VoiceOptions(
        sound=config.sound,
        lexicon=read_lexicon(config.path("scripts") / LEXICON_FILE),
        jobs=tts_jobs or config.voice.tts_jobs,
        deadline=time.monotonic() + config.voice.retry_budget_s,
    )
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


def build(
    config: Config,
    script_paths: Sequence[str | Path] = (),
    ratios: Sequence[BreathPattern] = (),
    engine: str | None = None,
    out_dir: str | Path | None = None,
    progress: Callable[[str], None] = lambda message: None,
    tts_jobs: int | None = None,
) -> BuildReport:
    """Build every script at every ratio. One failing script never stops the others."""
    out = Path(out_dir) if out_dir is not None else config.path("build")
    report = BuildReport()
    scripts, errors = check_scripts(find_scripts(config, script_paths))
    report.failures += [Failure(e.path, str(e)) for e in errors]

    warn_about_patterns([r for s in scripts for r in episode_ratios(s, ratios, config)])
    if scripts:
        voicing = start_voicing(config, scripts, engine, tts_jobs)
        report.engine = voicing.engine.name
        for script in scripts:
            try:
                report.episodes += _build_script(script, ratios, voicing, config, out, progress)
            except BreathcastError as exc:
                report.failures.append(Failure(script.path, str(exc)))
                progress(f"failed  {script.path}")

    out.mkdir(parents=True, exist_ok=True)
    atomic_write(out / "report.json", report.to_json().encode("utf-8"))
    return report


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


def render_episode(
    script: Script,
    ratio: BreathPattern,
    voiced: VoicedScript,
    track: np.ndarray | None,
    config: Config,
) -> tuple[Timeline, Stems]:
    """Plan and render one episode (not yet mastered)."""
    sound = config.sound
    timeline = plan(script, {text: pcm.size for text, pcm in voiced.clips.items()}, ratio, sound)
    for note in timeline.warnings:
        log.warning("%s (at %s)", note, ratio)
    seed = ambience.seed_for(script.slug)
    background = ambience.bed(script.ambient, track, timeline, sound, seed)
    return timeline, render_stems(timeline, voiced.clips, sound, background)


def plot_script(
    config: Config, path: str | Path, ratio: BreathPattern, engine: str | None, dest: str | Path
) -> Path:
    """`breathcast plot`: draw one episode's timeline, levels and loudness to a PNG."""
    from breathcast.plot import draw_timeline  # matplotlib is slow to import; only here

    scripts, errors = check_scripts([Path(path)])
    if errors:
        raise errors[0]
    script = scripts[0]
    voiced = start_voicing(config, scripts, engine).voice(script)
    timeline, stems = render_episode(script, ratio, voiced, _track(script, config), config)
    pcm = stems.mix()
    gain = mastering_gain(pcm, config.sound, str(path))
    curve = loudness_curve(pcm, config.sound, gain)
    return draw_timeline(script, timeline, stems, curve, gain, config.sound, dest)


def _track(script: Script, config: Config) -> np.ndarray | None:
    return load_music(script, config) if script.ambient.startswith(f"{MUSIC_FOLDER}/") else None


def _build_script(
    script: Script,
    ratios: Sequence[BreathPattern],
    voicing: Voicing,
    config: Config,
    out: Path,
    progress: Callable[[str], None],
) -> list[Episode]:
    sound = config.sound
    track = _track(script, config)
    voiced = voicing.voice(script)
    episodes = []
    for ratio in episode_ratios(script, ratios, config):
        timeline, stems = render_episode(script, ratio, voiced, track, config)
        pcm = stems.mix()
        relative = Path(script.slug) / f"{script.slug}-{ratio.slug}.mp3"
        title = f"{script.title} ({ratio.in_words})"
        tag = partial(write_tags, title=title, comment=voice_note(voiced.engine))
        level = encode_normalized(pcm, out / relative, sound, tag)
        episode = Episode(
            script=script.path,
            ratio=str(ratio),
            path=relative.as_posix(),
            duration_s=round(timeline.duration_s, 3),
            engine=voiced.engine,
            clips_synthesized=voiced.synthesized,
            clips_cached=voiced.cached,
            offline_voice=voiced.engine in OFFLINE_ENGINES,
            loudness_lufs=level.integrated_lufs,
            true_peak_dbtp=level.true_peak_dbtp,
        )
        episodes.append(episode)
        minutes, seconds = divmod(round(timeline.duration_s), 60)
        progress(
            f"built   {out / relative}  ({ratio}, {minutes}:{seconds:02d}, "
            f"{level.integrated_lufs:.1f} LUFS, {level.true_peak_dbtp:.1f} dBTP, {voiced.engine})"
        )
    return episodes
