"""The bed under the voice: water that follows the breath, music loops, fades and ducking."""

from dataclasses import replace

import numpy as np
import pytest
from conftest import SMALL_SCRIPT
from measure import max_jump, rms_db

from breathcast.core import BreathPattern, ScriptError, SoundSettings
from breathcast.script import parse_script
from breathcast.sound import ambience, plan
from breathcast.sound.mixer import DuckGain, Mixer

SR = 44100
SOUND = SoundSettings()
SCRIPT = parse_script(
    "---\ntitle: T\nambient: water\n---\n"
    + "Hallo.\n[pauze 20s]\nAdem mee.\n[adem 6x]\nMooi.\n[pauze 20s]\nDank je.\n",
    "t.md",
)
LENGTHS = {"Hallo.": SR, "Adem mee.": SR, "Mooi.": SR, "Dank je.": SR}


def window_db(x: np.ndarray, at: int, seconds: float = 0.4) -> float:
    half = int(seconds * SR / 2)
    return rms_db(x[at - half : at + half])


@pytest.fixture(scope="module")
def timeline():
    return plan(SCRIPT, LENGTHS, BreathPattern.parse("4:6"), SOUND)


def bed_samples(timeline) -> np.ndarray:
    return ambience.bed("water", None, timeline, SOUND, seed=7)(0, timeline.length)


@pytest.fixture(scope="module")
def water(timeline):
    return ambience.Water(timeline, seed=7)(0, timeline.length)


def test_waves_swell_with_the_inhale_and_recede_with_the_exhale(timeline, water):
    block = timeline.blocks[0]
    for inhale, exhale in zip(block.phases[0::2], block.phases[1::2], strict=True):
        crest = window_db(water, inhale.start + inhale.length)
        trough = window_db(water, exhale.start + exhale.length - int(0.25 * SR))
        start = window_db(water, inhale.start + int(0.25 * SR))
        assert crest - trough > 6.0, (crest, trough)
        assert crest - start > 6.0, (crest, start)


def test_waves_outside_breathing_move_slowly_and_deterministically(timeline, water):
    pause = timeline.pauses[0]
    levels = [window_db(water, pause.start + k * SR // 2) for k in range(1, 38)]
    assert max(levels) - min(levels) > 3.0  # the sea moves
    assert max(abs(a - b) for a, b in zip(levels, levels[1:], strict=False)) < 3.0  # slowly
    assert np.array_equal(water, ambience.Water(timeline, seed=7)(0, timeline.length))  # each build
    assert not np.array_equal(water[: SR * 5], ambience.Water(timeline, seed=8)(0, SR * 5))


def test_water_sounds_like_water_not_hiss(timeline, water):
    spectrum = np.abs(np.fft.rfft(water[: 2**20])) ** 2
    freqs = np.fft.rfftfreq(2**20, 1 / SR)
    low = spectrum[(freqs > 60) & (freqs < 700)].sum()
    high = spectrum[freqs > 8000].sum()
    assert 10 * np.log10(low / high) > 20  # a deep wash with some foam, no white noise


def test_bed_fades_in_and_out(timeline):
    bed = bed_samples(timeline)
    assert rms_db(bed[: SR // 4]) < rms_db(bed[9 * SR : 10 * SR]) - 20
    assert rms_db(bed[-SR // 4 :]) < rms_db(bed[-14 * SR : -13 * SR]) - 20
    assert np.abs(bed[0]) < 1e-6 and np.abs(bed[-1]) < 1e-6


def test_bed_level_sits_under_the_voice(timeline):
    bed = bed_samples(timeline)
    middle = bed[12 * SR : -14 * SR]
    assert rms_db(middle) == pytest.approx(SOUND.speech_level_dbfs + SOUND.bed_level_db, abs=3.0)


def test_bed_and_tone_duck_under_speech_and_return_in_pauses(timeline):
    bed = ambience.bed("water", None, timeline, SOUND, seed=7)
    silent = {t: np.zeros(n, np.float32) for t, n in LENGTHS.items()}
    stems = Mixer(timeline, silent, SOUND, bed).stems(0, timeline.length)
    raw = bed(0, timeline.length).astype(np.float64)
    under, free = [], []
    for clip in timeline.clips[1:3]:
        span = slice(clip.start, clip.start + clip.length)
        under.append(rms_db(stems.bed[span]) - rms_db(raw[span]))
    for pause in timeline.pauses:
        span = slice(pause.start + SR, pause.start + pause.length - SR)
        free.append(rms_db(stems.bed[span]) - rms_db(raw[span]))
    assert all(u == pytest.approx(SOUND.duck_db, abs=0.3) for u in under), under
    assert all(abs(f) < 0.05 for f in free), free
    # Measured on the bed itself: clearly quieter under the voice than in the pauses.
    speech_level = np.mean(
        [rms_db(stems.bed[c.start : c.start + c.length]) for c in timeline.clips[1:3]]
    )
    pause_level = np.mean(
        [rms_db(stems.bed[p.start + SR : p.start + p.length - SR]) for p in timeline.pauses]
    )
    assert pause_level - speech_level > 6.0


def test_ducking_looks_ahead_and_ramps_slowly(timeline):
    gain = DuckGain(timeline, SOUND)(0, timeline.length)
    depth = 10 ** (SOUND.duck_db / 20)
    clip = timeline.clips[1]
    assert gain[clip.start] == pytest.approx(depth, abs=1e-4)  # already down when the voice starts
    assert gain[clip.start + clip.length - 1] == pytest.approx(depth, abs=1e-4)
    falling = np.flatnonzero((gain[: clip.start] < 0.99) & (gain[: clip.start] > depth + 0.01))
    assert (falling[-1] - falling[0]) / SR >= 0.150
    rising_zone = gain[clip.start + clip.length : clip.start + clip.length + SR]
    rising = np.flatnonzero((rising_zone > depth + 0.01) & (rising_zone < 0.99))
    assert (rising[-1] - rising[0]) / SR >= 0.150
    assert np.max(np.abs(np.diff(gain))) < (1 - depth) * np.pi / (2 * 0.150 * SR)


def test_music_loops_with_seamless_crossfades():
    """A track of steady noise, looped: no dip or bump at the joins, no step bigger than its own."""
    rng = np.random.default_rng(3)
    track = (0.1 * rng.standard_normal(5 * SR)).astype(np.float32)
    looped = ambience.LoopedTrack(track, SR, crossfade_s=1.0)(0, 22 * SR)
    assert looped.size == 22 * SR
    step = track.size - SR
    joins = list(range(step, 21 * SR, step))
    assert len(joins) == 5
    for join in joins:
        middle = join + SR // 2  # the middle of the crossfade
        assert window_db(looped, middle, 0.5) == pytest.approx(rms_db(track), abs=0.6)
        assert max_jump(looped, middle, SR // 2) <= max_jump(
            track, track.size // 2, track.size // 2
        )


@pytest.mark.parametrize(
    "value", ["../geheim.wav", "/etc/passwd", "music/../../x.mp3", "zee.mp3", "music", "regen"]
)
def test_ambient_outside_music_is_refused_at_parse(value):
    with pytest.raises(ScriptError) as info:
        parse_script(f"---\ntitle: T\nambient: {value}\n---\nHallo.\n", "s.md")
    assert info.value.line == 3
    assert "must be `water` or a file inside music/" in info.value.detail.en


def test_ambient_water_and_music_parse():
    assert parse_script("---\ntitle: T\nambient: water\n---\nHallo.\n").ambient == "water"
    script = parse_script("---\ntitle: T\nambient: music/zee.mp3\n---\nHallo.\n")
    assert (script.ambient, script.ambient_line) == ("music/zee.mp3", 3)
    assert script.music_path == "music/zee.mp3"
    small = parse_script(SMALL_SCRIPT)  # the small project script has no bed
    assert (small.ambient, small.music_path) == ("", None)
    assert parse_script("---\ntitle: T\nambient: water\n---\nHallo.\n").music_path is None


def test_tone_ducks_too(timeline):
    sound = replace(SOUND, chimes=False)
    script = parse_script("---\ntitle: T\n---\nAdem.\n[adem 3x]\n", "t.md")
    t = plan(script, {"Adem.": SR}, BreathPattern.parse("4:6"), sound)
    stems = Mixer(t, {"Adem.": np.zeros(SR, np.float32)}, sound).stems(0, t.length)
    block = t.blocks[0]
    # The block starts 0.9 s after the clip: the tone comes back up within the release time.
    assert stems.duck[block.start] > 0.99
    assert stems.duck[t.clips[0].start] < 0.33
