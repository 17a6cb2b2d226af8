"""The loudness prediction that picks the gain, checked against ffmpeg's BS.1770 meter."""

import numpy as np
import pytest

from breathcast.core import SoundSettings
from breathcast.sound import encode_normalized, energy_profile
from breathcast.sound.loudness import (
    loudness_curve,
    measure_file,
    measure_pcm,
    predict_lufs,
)


def predicted(pcm: np.ndarray, sr: int) -> float:
    return predict_lufs([(0, energy_profile(pcm, sr))], pcm.size, sr)


@pytest.mark.parametrize("sr", [44100, 48000])
@pytest.mark.parametrize("hz", [60.0, 100.0, 997.0, 3000.0, 8000.0])
def test_prediction_matches_ffmpeg_on_sines_across_the_k_curve(sr, hz):
    """The K-weighting shelf and high-pass, at any rate: within 0.1 LU of ffmpeg's ebur128."""
    t = np.arange(8 * sr) / sr
    sine = (0.1 * np.sin(2 * np.pi * hz * t)).astype(np.float32)
    assert predicted(sine, sr) == pytest.approx(measure_pcm(sine, sr).integrated_lufs, abs=0.1)


def test_prediction_gates_like_bs1770():
    """Clips of very different levels at odd offsets, with silences: the gates decide."""
    sr, rng = 44100, np.random.default_rng(4)
    episode = np.zeros(90 * sr, np.float32)
    placed, at = [], 7  # an offset off the 10 ms grid
    while at < episode.size - 6 * sr:
        n = int(rng.uniform(0.7, 4.0) * sr)
        level = 10 ** (rng.choice([-20.0, -24.0, -38.0]) / 20)  # some under the relative gate
        clip = (level * rng.standard_normal(n)).astype(np.float32)
        episode[at : at + n] += clip
        placed.append((at, energy_profile(clip, sr)))
        at += n + int(rng.uniform(0.2, 3.0) * sr)
    measured = measure_pcm(episode, sr).integrated_lufs
    assert predict_lufs(placed, episode.size, sr) == pytest.approx(measured, abs=0.1)


def test_silence_predicts_minus_infinity():
    assert predicted(np.zeros(44100, np.float32), 44100) == float("-inf")


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_reported_loudness_is_the_finished_files(tmp_path, seed):
    """The meter hears the master as it streams to the encoders; ffmpeg's ebur128 on the
    finished MP3 and Opus files agrees within 0.2 LU. These clips are white noise, the
    hardest case for a codec's peaks (it redraws the waveform up to 20 kHz): the files' true
    peaks stay under the ceiling, within 1.2 dB of the master's. (On speech, and on a tone
    burst at the ceiling, they agree within 0.3 dB: tests/test_meter.py.)"""
    sr, rng = 44100, np.random.default_rng(seed)
    episode, placed, at = np.zeros(40 * sr, np.float32), [], int(rng.uniform(0.5, 1.5) * sr)
    while at < episode.size - 4 * sr:
        n = int(rng.uniform(0.8, 3.0) * sr)
        clip = (0.1 * rng.standard_normal(n) * np.sin(np.pi * np.arange(n) / n)).astype(np.float32)
        episode[at : at + n] += clip
        placed.append((at, energy_profile(clip, sr)))
        at += n + int(rng.uniform(0.3, 2.0) * sr)
    dest = tmp_path / "episode.mp3"
    sound = SoundSettings()
    reported = encode_normalized(
        lambda lo, hi: episode[lo:hi],
        episode.size,
        predict_lufs(placed, episode.size, sr),
        dest,
        sound,
    )
    for path in (dest, dest.with_suffix(".opus")):  # the finished files, headers and all
        measured = measure_file(path, dual_mono=True)
        assert reported.heard_lufs == pytest.approx(measured.integrated_lufs, abs=0.2), path
        assert reported.true_peak_dbtp == pytest.approx(measured.true_peak_dbtp, abs=1.2), path
        assert measured.true_peak_dbtp <= sound.true_peak_dbtp
        assert measured.integrated_lufs == pytest.approx(sound.loudness_lufs, abs=0.25)
    mono = measure_file(dest)
    assert reported.mono_lufs == pytest.approx(mono.integrated_lufs, abs=0.2)
    assert reported.range_lu == pytest.approx(mono.range_lu, abs=1.0)


def test_the_loudness_curve_keeps_time_through_digital_silence():
    """One value every 0.1 s, silence included, so a sound shows up where it is."""
    sr, rng = 44100, np.random.default_rng(0)
    pcm = np.zeros(40 * sr, np.float32)
    burst = 0.3 * rng.standard_normal(4 * sr) * np.hanning(4 * sr)  # its fade-out makes nans
    pcm[2 * sr : 6 * sr] = burst
    pcm[30 * sr : 34 * sr] = burst  # after 24 s of digital silence
    curve = loudness_curve([pcm[: 17 * sr], pcm[17 * sr :]], SoundSettings())
    assert curve.size == pytest.approx(400, abs=1)
    loud = np.flatnonzero(curve > -40) / 10  # seconds
    assert loud[loud > 20].min() == pytest.approx(30.5, abs=0.5)  # a 3 s window over a fade-in
    assert np.all(curve[150:290] < -70)  # silence: nothing to hear, not a missing value


@pytest.mark.parametrize("tone_db", [-24.0, -18.0, -12.0])
def test_the_prediction_counts_the_tone_and_the_bed(tone_db):
    """An episode that is mostly breathing over water: the background's closed-form energy,
    with the clips' measured profiles, predicts the unmastered mix within 0.2 LU (at -18 dB
    a few 400 ms blocks sit on the relative gate and fall either side: 0.15 LU; the meter
    reads to 0.1)."""
    from dataclasses import replace

    from breathcast.core import BreathPattern
    from breathcast.script import parse_script
    from breathcast.sound import Mixer, ambience, plan

    sr, rng = 44100, np.random.default_rng(2)
    sound = replace(SoundSettings(), tone_level_db=tone_db)
    script = parse_script(
        "---\ntitle: T\nambient: water\n---\nAdem met me mee.\n[adem 6x cues]\nMooi.\n", "t.md"
    )
    texts = [s.text for s in script.spoken]
    clips = {t: (0.1 * rng.standard_normal(int(1.2 * sr))).astype(np.float32) for t in texts}
    timeline = plan(
        script, {t: c.size for t, c in clips.items()}, BreathPattern.parse("4:6"), sound
    )
    mixer = Mixer(timeline, clips, sound, ambience.bed("water", None, timeline, sound, seed=3))
    placed = [(c.start, energy_profile(clips[c.text], sr)) for c in timeline.clips]
    with_background = predict_lufs([*placed, (0, mixer.background_k_energy())], timeline.length, sr)
    measured = measure_pcm(mixer.mix(0, timeline.length), sr).integrated_lufs
    assert with_background == pytest.approx(measured, abs=0.2)
    voice_only = predict_lufs(placed, timeline.length, sr)
    if tone_db == -12.0:  # a loud tone passes the gate: leaving it out would miss
        assert abs(voice_only - measured) > 0.3


def test_an_episode_that_misses_its_loudness_is_named_with_what_helps():
    from breathcast.core import SoundSettings
    from breathcast.sound.loudness import Loudness, miss_warning

    sound = SoundSettings()
    near = Loudness(-16.4, -3.0, 8.0, dual_mono=True)
    assert miss_warning("kort-4-6.mp3", near, sound) is None  # within 0.5 LU
    far = miss_warning("kort-4-6.mp3", Loudness(-16.7, -2.4, 12.0, dual_mono=True), sound)
    assert far.en.startswith("kort-4-6.mp3 measures -16.7 LUFS, not -16.0")
    assert "tone_level_db" in far.en and "zachtere toon" in far.nl
