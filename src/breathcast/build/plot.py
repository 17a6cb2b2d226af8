"""A picture of one episode for the therapist: chapters, spoken lines, breath phases, levels."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only; never a window
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

from breathcast.build.produce import episode_mixer, predicted_lufs  # noqa: E402
from breathcast.build.project import check_scripts  # noqa: E402
from breathcast.core.breath import BreathPattern, Phase  # noqa: E402
from breathcast.core.config import Config, SoundSettings  # noqa: E402
from breathcast.core.files import atomic_path  # noqa: E402
from breathcast.core.said import Said  # noqa: E402
from breathcast.script.episode import clock  # noqa: E402
from breathcast.script.parser import Script  # noqa: E402
from breathcast.sound.loudness import (  # noqa: E402
    DUAL_MONO_LU,
    heard_master,
    loudness_curve,
    loudness_range,
    target_mono_lufs,
)
from breathcast.sound.mixer import CHUNK  # noqa: E402
from breathcast.sound.timeline import Timeline  # noqa: E402
from breathcast.voice.context import VoicingContext  # noqa: E402
from breathcast.voice.engines import choose_engine  # noqa: E402

PHASE_COLOURS = {
    Phase.IN: "#6fa8dc",
    Phase.HOLD_IN: "#c9c9c9",
    Phase.OUT: "#93c47d",
    Phase.HOLD_OUT: "#c9c9c9",
}
VOICE_COLOUR = "#8e7cc3"
MELODY_COLOUR, FADE_COLOUR = "#e0a458", "#b7d3d9"
LABEL_CHARS = 28
LEVEL_WINDOW_S = 0.2


def plot_script(
    config: Config,
    path: str | Path,
    pattern: BreathPattern,
    engine_name: str | None,
    dest: str | Path,
    length: str | None = None,
) -> tuple[Path, list[str]]:
    """`breathcast plot`: draw one episode's timeline, levels and loudness to a PNG (at
    `length`, one of the script's `lengths:`, or its first); returns the file and the
    warnings (a cue that did not fit, an engine fallback)."""
    scripts, errors = check_scripts([Path(path)])
    if errors:
        raise errors[0]
    script = scripts[0]
    made = script.length(length)
    context = VoicingContext.open(config)
    warnings: list[Said] = []
    engine = choose_engine(
        engine_name or script.engine or config.engine,
        config,
        lambda e: bool(context.missing_lines(script, e)),
        warnings.append,
    )
    voiced = context.voice(script, engine, jobs=config.voice.tts_jobs)
    timeline, mixer = episode_mixer(script, pattern, voiced, config, made)
    warnings += timeline.warnings
    sound = config.sound
    predicted = predicted_lufs(timeline, voiced, mixer)
    gain = target_mono_lufs(sound) - predicted  # no encoder here
    hop = round(LEVEL_WINDOW_S * timeline.sample_rate)
    background: list[np.ndarray] = []  # mean square of tone + bed, per LEVEL_WINDOW_S
    step = hop * max(1, CHUNK // hop)
    for lo in range(0, timeline.length, step):  # streamed: an hour plots in flat memory
        stems = mixer.stems(lo, min(lo + step, timeline.length))
        under = stems.tone + stems.bed + stems.melody
        frames = under[: under.size // hop * hop].reshape(-1, hop)
        background.append(np.mean(np.square(frames, dtype=np.float64), axis=1))
    master = heard_master(mixer.mix, timeline.length, predicted, sound)
    curve = loudness_curve(master.chunks(), sound)
    power = np.concatenate(background)
    return draw_timeline(script, timeline, power, curve, gain, config.sound, dest), warnings


def _short(text: str) -> str:
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1].rstrip() + "…"


def draw_timeline(
    script: Script,
    timeline: Timeline,
    background_power: np.ndarray,
    short_term_lufs: np.ndarray,
    gain_db: float,
    sound: SoundSettings,
    dest: str | Path,
) -> Path:
    """`background_power` is the mean square of tone + bed per LEVEL_WINDOW_S; `gain_db` is the
    mastering gain, so every level is drawn as the listener hears it."""
    sr = timeline.sample_rate
    total = timeline.duration_s
    fig, (lanes, levels) = plt.subplots(
        2,
        1,
        figsize=(min(22, max(14, total / 30)), 8.5),
        sharex=True,
        gridspec_kw={"height_ratios": [3, 2]},
    )
    heard_target = target_mono_lufs(sound) + DUAL_MONO_LU
    fig.suptitle(
        f"{script.title}  ·  {timeline.pattern.in_words}  ·  {clock(total)}  ·  "
        f"{heard_target:.0f} LUFS zoals gehoord ({heard_target - DUAL_MONO_LU:.0f} mono)  ·  "
        f"LRA {loudness_range(short_term_lufs):.1f} LU",
        fontsize=14,
        x=0.01,
        ha="left",
    )

    for index, chapter in enumerate(timeline.chapters):
        x = chapter.start / sr
        for ax in (lanes, levels):
            ax.axvline(x, color="#444444", lw=0.8, ls="--", zorder=0)
        # Alternate heights, so neighbouring chapter titles never overwrite each other.
        lanes.text(
            x + 1, 4.4 - 0.3 * (index % 2), chapter.title, fontsize=10, weight="bold", va="top"
        )

    spoken = [(c.start / sr, c.length / sr) for c in timeline.clips]
    lanes.broken_barh(spoken, (1.6, 0.5), color=VOICE_COLOUR)
    for clip in timeline.clips:
        lanes.text(
            clip.start / sr,
            2.2,
            _short(clip.text),
            rotation=90,
            fontsize=6.5,
            va="bottom",
            ha="left",
            color="#333333",
        )
    for block in timeline.blocks:
        for kind in PHASE_COLOURS:
            spans = [(p.start / sr, p.length / sr) for p in block.phases if p.kind == kind]
            if spans:
                lanes.broken_barh(spans, (0.5, 0.7), color=PHASE_COLOURS[kind])
    melodies = [(m.start / sr, m.length / sr) for m in timeline.melodies]
    lanes.broken_barh(melodies, (0.5, 0.7), color=MELODY_COLOUR)
    if timeline.fade is not None:
        fade = timeline.fade
        lanes.broken_barh([(fade.start / sr, fade.length / sr)], (0.5, 0.7), color=FADE_COLOUR)
    lanes.set_ylim(0.3, 4.5)
    lanes.set_yticks([0.85, 1.85], ["adem", "stem"])
    lanes.legend(
        handles=[Patch(color=VOICE_COLOUR, label="gesproken zin")]
        + [
            Patch(color=PHASE_COLOURS[phase], label=phase.words.name)
            for phase in (Phase.IN, Phase.HOLD_IN, Phase.OUT)
        ]
        + [Patch(color=MELODY_COLOUR, label="melodie"), Patch(color=FADE_COLOUR, label="uitfaden")],
        loc="lower right",
        bbox_to_anchor=(1.0, 1.0),  # above the lanes: inside, it hid the last chapter's title
        fontsize=8,
        ncols=6,
        frameon=False,
    )

    t = (np.arange(background_power.size) + 0.5) * LEVEL_WINDOW_S
    bed_db = 10 * np.log10(background_power + 1e-12)
    label = "toon, melodie en achtergrond (dBFS)"
    levels.plot(t, bed_db + gain_db, color="#45818e", lw=0.9, label=label)
    curve_t = (np.arange(short_term_lufs.size) + 1) * 0.1
    shown = np.where(short_term_lufs > -70, short_term_lufs, np.nan)
    label = "luidheid zoals gehoord, kortetermijn (LUFS)"
    levels.plot(curve_t, shown, color="#cc4125", lw=1.2, label=label)
    mono = target_mono_lufs(sound)
    heard = mono + DUAL_MONO_LU
    levels.axhline(heard, color="#cc4125", lw=0.8, ls=":")
    levels.text(
        total,
        heard + 1,
        f"doel {heard:.0f} LUFS zoals gehoord ({mono:.0f} LUFS mono)",
        ha="right",
        fontsize=8,
        color="#cc4125",
    )
    levels.set_ylim(-70, 0)
    levels.set_ylabel("dB")
    levels.legend(loc="lower left", fontsize=8)
    levels.grid(alpha=0.3)
    levels.set_xlim(0, total)
    levels.xaxis.set_major_formatter(FuncFormatter(lambda seconds, _pos: clock(seconds)))
    levels.set_xlabel("tijd (min:sec)")

    fig.tight_layout()
    dest = Path(dest)
    with atomic_path(dest) as tmp:
        fig.savefig(tmp, format="png", dpi=110)
    plt.close(fig)
    return dest
