"""The rendered pacing tone and mix, measured from the audio itself."""

import tracemalloc
from dataclasses import replace

import numpy as np
import pytest
from measure import (
    active_span,
    band,
    dominant_frequency,
    high_band_db,
    max_jump,
    onsets,
    rms_db,
)

from breathcast import ambience, tone
from breathcast.breath import BreathPattern
from breathcast.config import SoundSettings
from breathcast.render import Mixer
from breathcast.script import BREATH_CUES, parse_script
from breathcast.timeline import plan
from breathcast.voice import prepare_clip

SR = 44100
SOUND = SoundSettings()
SCRIPT = parse_script("---\ntitle: T\n---\nAdem met me mee.\n[adem 5x]\nMooi zo.\n", "t.md")
PATTERN_46 = BreathPattern.parse("4:6")


def render(timeline, clips, sound, bed=None) -> np.ndarray:
    """A whole episode's mix at once (builds stream it in chunks)."""
    return Mixer(timeline, clips, sound, bed).stems(0, timeline.length).mix()


def speechlike(seconds: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * SR)) / SR
    raw = (np.sin(2 * np.pi * 150 * t) + 0.5 * rng.standard_normal(t.size)) * (
        0.6 + 0.4 * np.sin(2 * np.pi * 4 * t)
    )
    return prepare_clip(raw.astype(np.float32), SOUND)


CLIPS = {"Adem met me mee.": speechlike(2.0, 1), "Mooi zo.": speechlike(1.2, 2)}


def render_episode(ratio: str, sound: SoundSettings = SOUND):
    timeline = plan(
        SCRIPT, {k: v.size for k, v in CLIPS.items()}, BreathPattern.parse(ratio), sound
    )
    return timeline, render(timeline, CLIPS, sound)


@pytest.mark.parametrize(("ratio", "seconds"), [("4:6", 50.0), ("3:6", 45.0)])
def test_tone_block_lasts_five_cycles(ratio, seconds):
    timeline, audio = render_episode(ratio)
    first, last = timeline.clips
    between = audio[first.start + first.length : last.start]
    start, end = active_span(between, threshold=1e-3 * tone.tone_peak(SOUND))
    assert (end - start) / SR == pytest.approx(seconds, abs=0.020)


@pytest.mark.parametrize("ratio", ["4:6", "3:6", "4:7:8", "4-4-4-4", "4.5:5.5"])
def test_pitch_rises_on_inhale_falls_on_exhale_and_holds_steady(ratio):
    timeline, audio = render_episode(ratio)
    for phase in timeline.blocks[0].phases:
        window = int(0.25 * SR)
        early_at = phase.start + int(0.2 * phase.length)
        late_at = phase.start + int(0.8 * phase.length) - window
        early = dominant_frequency(audio[early_at : early_at + window], SR)
        late = dominant_frequency(audio[late_at : late_at + window], SR)
        if phase.kind == "in":
            assert late - early > 40, (phase, early, late)
        elif phase.kind == "out":
            assert early - late > 40, (phase, early, late)
        else:
            assert abs(late - early) < 1.0, (phase, early, late)


def test_pitch_turns_at_the_configured_notes():
    timeline, audio = render_episode("4:6", replace(SOUND, chimes=False))
    window = int(0.2 * SR)
    for phase in timeline.blocks[0].phases[2:-2]:
        end = phase.start + phase.length
        measured = dominant_frequency(audio[end - window // 2 : end + window // 2], SR)
        expected = SOUND.tone_high_hz if phase.kind == "in" else SOUND.tone_low_hz
        assert measured == pytest.approx(expected, abs=2.0)


def test_inhale_swells_and_exhale_fades():
    timeline, audio = render_episode("4:6", replace(SOUND, chimes=False))
    inhale, exhale = timeline.blocks[0].phases[2:4]
    quarter = int(0.5 * SR)
    assert (
        rms_db(audio[inhale.start + inhale.length - quarter : inhale.start + inhale.length])
        - rms_db(audio[inhale.start : inhale.start + quarter])
        > 6
    )
    assert (
        rms_db(audio[exhale.start : exhale.start + quarter])
        - rms_db(audio[exhale.start + exhale.length - quarter : exhale.start + exhale.length])
        > 6
    )


@pytest.mark.parametrize("ratio", ["4:6", "3:6", "4:7:8", "4-4-4-4", "4.5:5.5"])
def test_no_clicks_at_phase_and_clip_boundaries(ratio):
    timeline, audio = render_episode(ratio)
    # The tone at full level on its top note, plus the brightest chime at its peak, cannot
    # move faster than this from one sample to the next; a click would.
    tone_slew = tone.tone_peak(SOUND) * 2 * np.pi * SOUND.tone_high_hz / SR
    tone_slew *= sum(k * w for k, w in tone.HARMONICS)
    chime_slew = float(np.max(np.abs(np.diff(tone.chime("in", SOUND, SR)))))
    slew = tone_slew + chime_slew
    block = timeline.blocks[0]
    edges = [p.start for p in block.phases] + [block.start + block.length]
    radius = int(0.005 * SR)
    worst = max(max_jump(audio, at, radius) for at in edges)
    assert worst <= 1.02 * slew, f"largest step at a phase boundary {worst:.2e} > bound {slew:.2e}"
    # Tone and chimes stay under 5 kHz; a click would splatter energy above 8 kHz.
    splatter = max(high_band_db(audio, at, int(0.010 * SR), SR, 8000.0) for at in edges)
    assert splatter < -80.0, f"{splatter:.1f} dB of the energy above 8 kHz at a phase boundary"
    for clip in timeline.clips:
        for at in (clip.start, clip.start + clip.length):
            # Silence on one side, a 10 ms raised-cosine fade on the other: under -60 dBFS steps.
            assert max_jump(audio, at, int(0.0005 * SR)) < 1e-3


def test_voice_sits_well_above_the_tone():
    timeline, audio = render_episode("4:6")
    clip = timeline.clips[0]
    block = timeline.blocks[0]
    speech = rms_db(audio[clip.start : clip.start + clip.length])
    breath = rms_db(audio[block.start : block.start + block.length])
    assert speech == pytest.approx(SOUND.speech_level_dbfs, abs=1.5)
    assert speech - breath >= 12.0


def test_render_is_linear_in_length():
    """Ten times the script is ten times the samples and never overlaps events."""
    long_script = parse_script(
        "---\ntitle: T\n---\n" + "Adem met me mee.\n[adem 5x]\nMooi zo.\n" * 10, "t.md"
    )
    timeline = plan(
        long_script, {k: v.size for k, v in CLIPS.items()}, BreathPattern.parse("4:6"), SOUND
    )
    audio = render(timeline, CLIPS, SOUND)
    assert audio.size == timeline.length
    events = sorted(
        [(c.start, c.length) for c in timeline.clips]
        + [(b.start, b.length) for b in timeline.blocks]
    )
    for (a_start, a_len), (b_start, _) in zip(events, events[1:], strict=False):
        assert a_start + a_len <= b_start


def chime_peak(kind: str) -> float:
    return float(np.max(np.abs(band(tone.chime(kind, SOUND, SR), SR, tone.CHIME_HZ[kind]))))


PATTERNS = ["4:6", "3:6", "4.5:5.5", "4:7:8", "4-4-4-4", "3.3:4.7", "5:2:7:3"]


@pytest.mark.parametrize("ratio", PATTERNS)
def test_every_phase_length_measured_from_the_chimes(ratio):
    """The chime that opens each phase, found in the audio, marks every phase to within 20 ms."""
    pattern = BreathPattern.parse(ratio)
    script = parse_script("---\ntitle: T\n---\nAdem met me mee.\n[adem 3x]\nMooi zo.\n", "t.md")
    timeline = plan(script, {k: v.size for k, v in CLIPS.items()}, pattern, SOUND)
    block = timeline.blocks[0]
    audio = render(timeline, CLIPS, SOUND)[block.start : block.start + block.length]
    found = sorted(
        (t, kind)
        for kind in ("in", "hold_in", "out")
        for t in onsets(audio, SR, tone.CHIME_HZ[kind], chime_peak(kind))
    )
    expected = [kind if kind != "hold_out" else "hold_in" for kind, _ in pattern.phases] * 3
    assert [kind for _, kind in found] == expected  # same chime for both holds
    measured = np.diff([t for t, _ in found])
    planned = [seconds for _, seconds in pattern.phases] * 3
    assert measured == pytest.approx(planned[:-1], abs=0.020)


def test_holds_can_be_near_silent_and_chimes_can_be_switched_off():
    script = parse_script("---\ntitle: T\n---\nHallo.\n[adem 2x]\n", "t.md")
    silence = {"Hallo.": np.zeros(100, np.float32)}

    def render_with(**changes):
        sound = replace(SOUND, **changes)
        timeline = plan(script, {"Hallo.": 100}, BreathPattern.parse("4:4:4:4"), sound)
        return timeline.blocks[0], render(timeline, silence, sound)

    block, quiet = render_with(tone_hold_level=0.0, chimes=False)
    inhale, hold = block.phases[:2]
    settled = quiet[hold.start + int(0.5 * SR) : hold.start + hold.length]
    assert rms_db(settled) < rms_db(quiet[inhale.start : inhale.start + inhale.length]) - 50
    _, chiming = render_with(tone_hold_level=0.0, chimes=True)
    for kind in ("in", "hold_in", "out"):
        off = rms_db(band(quiet, SR, tone.CHIME_HZ[kind]))
        on = rms_db(band(chiming, SR, tone.CHIME_HZ[kind]))
        assert on - off > 40, (kind, on, off)


def test_every_clip_gets_one_speech_level_with_its_peaks_held():
    """espeak's buzzy voice (peaks ~18 dB over RMS) and a smooth vowel: one level, held peaks."""
    from breathcast.config import VoiceSettings
    from breathcast.engines import get_engine
    from breathcast.voice import decode_speech, speech_rms

    audio = get_engine("espeak", VoiceSettings()).synthesize("Adem rustig in door je neus.")
    buzzy = decode_speech(audio, SR)
    assert 20 * np.log10(np.max(np.abs(buzzy)) / speech_rms(buzzy, SR)) > 14
    t = np.arange(SR) / SR
    vowel = (0.05 * np.sin(2 * np.pi * 150 * t)).astype(np.float32)
    for raw in (buzzy, vowel):
        clip = prepare_clip(raw, SOUND)
        assert 20 * np.log10(speech_rms(clip, SR)) == pytest.approx(
            SOUND.speech_level_dbfs, abs=0.3
        )
        peak = 20 * np.log10(np.max(np.abs(clip)))
        assert peak <= SOUND.speech_level_dbfs + SOUND.speech_crest_db + 0.6
        assert clip[0] == 0.0 and abs(clip[-1]) < 1e-6  # faded edges


@pytest.mark.parametrize("size", [1000, 12345, 2**17])
def test_streamed_chunks_equal_the_whole_render(size):
    """Builds stream the mix in chunks; a join must be invisible, down to float precision."""
    script = parse_script(
        "---\ntitle: T\nambient: water\n---\n" + "Adem met me mee.\n[adem 3x cues]\nMooi zo.\n",
        "t.md",
    )
    cues = {text: speechlike(0.5, 3 + n) for n, text in enumerate(BREATH_CUES.values())}
    clips = {**CLIPS, **cues}
    timeline = plan(
        script, {k: v.size for k, v in clips.items()}, BreathPattern.parse("4:7:8"), SOUND
    )
    bed = ambience.bed("water", None, timeline, SOUND, seed=5)
    mixer = Mixer(timeline, clips, SOUND, bed)
    whole = mixer.stems(0, timeline.length).mix()
    streamed = np.concatenate(list(mixer.chunks(size)))
    assert streamed.size == timeline.length
    assert np.max(np.abs(streamed - whole)) < 1e-6  # full scale is 1.0


def test_the_mixer_reads_only_the_clips_it_is_placing():
    """Clips come from a mapping that may read the cache lazily: never all at once."""

    class Counting(dict):
        asked: list[str] = []

        def __getitem__(self, text):
            self.asked.append(text)
            return super().__getitem__(text)

    long_script = parse_script(
        "---\ntitle: T\n---\n" + "Adem met me mee.\n[adem 1x]\nMooi zo.\n" * 5, "t.md"
    )
    clips = Counting(CLIPS)
    timeline = plan(long_script, {k: v.size for k, v in CLIPS.items()}, PATTERN_46, SOUND)
    mixer = Mixer(timeline, clips, SOUND)
    for n, _ in enumerate(mixer.chunks(SR)):
        lo = n * SR
        placing = {c.text for c in timeline.clips if c.start < lo + SR and c.start + c.length > lo}
        assert set(clips.asked) == placing
        clips.asked.clear()


def test_streaming_an_episode_holds_a_few_chunks_not_the_episode():
    """Memory stays flat: the peak allocation while streaming 10 minutes (bed included) is a
    small fraction of the episode's PCM, which the old whole-array render held several times."""
    long_script = parse_script(
        "---\ntitle: T\nambient: water\n---\n" + "Adem met me mee.\n[adem 5x]\nMooi zo.\n" * 11,
        "t.md",
    )
    timeline = plan(long_script, {k: v.size for k, v in CLIPS.items()}, PATTERN_46, SOUND)
    episode_mb = timeline.length * 4 / 2**20
    assert timeline.duration_s > 600
    bed = ambience.bed("water", None, timeline, SOUND, seed=5)
    mixer = Mixer(timeline, CLIPS, SOUND, bed)
    tracemalloc.start()
    try:
        samples = sum(chunk.size for chunk in mixer.chunks())
        peak_mb = tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()
    assert samples == timeline.length
    assert peak_mb < episode_mb / 4, (peak_mb, episode_mb)  # measured: about 11 of 104 MB
