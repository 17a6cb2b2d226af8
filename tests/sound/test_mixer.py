"""The rendered pacing tone and mix, measured from the audio itself, at 44.1 and 48 kHz."""

import tracemalloc
from dataclasses import dataclass, replace

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

from breathcast.core import BreathPattern, Config, SoundSettings
from breathcast.script import BREATH_CUES, parse_script
from breathcast.sound import Mixer, ambience, plan, tone
from breathcast.voice.voicing import prepare_clip

SCRIPT = parse_script("---\ntitle: T\n---\nAdem met me mee.\n[adem 5x]\nMooi zo.\n", "t.md")
PATTERN_46 = BreathPattern.parse("4:6")


def render(timeline, clips, sound, bed=None) -> np.ndarray:
    """A whole episode's mix at once (builds stream it in chunks)."""
    return Mixer(timeline, clips, sound, bed).stems(0, timeline.length).mix()


@dataclass(frozen=True)
class Rig:
    """One sample rate's settings and speech-like clips: every test runs at each rate."""

    sr: int
    sound: SoundSettings

    def speechlike(self, seconds: float, seed: int) -> np.ndarray:
        rng = np.random.default_rng(seed)
        t = np.arange(int(seconds * self.sr)) / self.sr
        raw = (np.sin(2 * np.pi * 150 * t) + 0.5 * rng.standard_normal(t.size)) * (
            0.6 + 0.4 * np.sin(2 * np.pi * 4 * t)
        )
        return prepare_clip(raw.astype(np.float32), self.sound)

    @property
    def clips(self) -> dict[str, np.ndarray]:
        return _clips(self)

    def render_episode(self, ratio: str, sound: SoundSettings | None = None):
        sound = sound or self.sound
        clips = self.clips
        timeline = plan(
            SCRIPT, {k: v.size for k, v in clips.items()}, BreathPattern.parse(ratio), sound
        )
        return timeline, render(timeline, clips, sound)


_CLIPS: dict[int, dict[str, np.ndarray]] = {}


def _clips(rig: Rig) -> dict[str, np.ndarray]:
    if rig.sr not in _CLIPS:  # prepared once per rate: it runs ffmpeg
        _CLIPS[rig.sr] = {
            "Adem met me mee.": rig.speechlike(2.0, 1),
            "Mooi zo.": rig.speechlike(1.2, 2),
        }
    return _CLIPS[rig.sr]


@pytest.fixture(scope="module", params=[44100, 48000], ids=["44.1kHz", "48kHz"])
def rig(request) -> Rig:
    return Rig(request.param, SoundSettings(sample_rate=request.param))


@pytest.mark.parametrize(("ratio", "seconds"), [("4:6", 50.0), ("3:6", 45.0)])
def test_tone_block_lasts_five_cycles(rig, ratio, seconds):
    timeline, audio = rig.render_episode(ratio)
    first, last = timeline.clips
    between = audio[first.start + first.length : last.start]
    start, end = active_span(between, threshold=1e-3 * tone.tone_peak(rig.sound))
    assert (end - start) / rig.sr == pytest.approx(seconds, abs=0.020)


@pytest.mark.parametrize("ratio", ["4:6", "3:6", "4:7:8", "4-4-4-4", "4.5:5.5"])
def test_pitch_rises_on_inhale_falls_on_exhale_and_holds_steady(rig, ratio):
    timeline, audio = rig.render_episode(ratio)
    for phase in timeline.blocks[0].phases:
        window = int(0.25 * rig.sr)
        early_at = phase.start + int(0.2 * phase.length)
        late_at = phase.start + int(0.8 * phase.length) - window
        early = dominant_frequency(audio[early_at : early_at + window], rig.sr)
        late = dominant_frequency(audio[late_at : late_at + window], rig.sr)
        if phase.kind == "in":
            assert late - early > 40, (phase, early, late)
        elif phase.kind == "out":
            assert early - late > 40, (phase, early, late)
        else:
            assert abs(late - early) < 1.0, (phase, early, late)


def test_pitch_turns_at_the_configured_notes(rig):
    timeline, audio = rig.render_episode("4:6", replace(rig.sound, chimes=False))
    window = int(0.2 * rig.sr)
    for phase in timeline.blocks[0].phases[2:-2]:
        end = phase.start + phase.length
        measured = dominant_frequency(audio[end - window // 2 : end + window // 2], rig.sr)
        expected = rig.sound.tone_high_hz if phase.kind == "in" else rig.sound.tone_low_hz
        assert measured == pytest.approx(expected, abs=2.0)


def test_inhale_swells_and_exhale_fades(rig):
    timeline, audio = rig.render_episode("4:6", replace(rig.sound, chimes=False))
    inhale, exhale = timeline.blocks[0].phases[2:4]
    quarter = int(0.5 * rig.sr)
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
def test_no_clicks_at_phase_and_clip_boundaries(rig, ratio):
    timeline, audio = rig.render_episode(ratio)
    # The tone at full level on its top note, plus the brightest chime at its peak, cannot
    # move faster than this from one sample to the next; a click would.
    tone_slew = tone.tone_peak(rig.sound) * 2 * np.pi * rig.sound.tone_high_hz / rig.sr
    tone_slew *= sum(k * w for k, w in tone.HARMONICS)
    chime_slew = float(np.max(np.abs(np.diff(tone.chime("in", rig.sound, rig.sr)))))
    slew = tone_slew + chime_slew
    block = timeline.blocks[0]
    edges = [p.start for p in block.phases] + [block.start + block.length]
    radius = int(0.005 * rig.sr)
    worst = max(max_jump(audio, at, radius) for at in edges)
    assert worst <= 1.02 * slew, f"largest step at a phase boundary {worst:.2e} > bound {slew:.2e}"
    # Tone and chimes stay under 5 kHz; a click would splatter energy above 8 kHz.
    splatter = max(high_band_db(audio, at, int(0.010 * rig.sr), rig.sr, 8000.0) for at in edges)
    assert splatter < -80.0, f"{splatter:.1f} dB of the energy above 8 kHz at a phase boundary"
    for clip in timeline.clips:
        for at in (clip.start, clip.start + clip.length):
            # Silence on one side, a 10 ms raised-cosine fade on the other: under -60 dBFS steps.
            assert max_jump(audio, at, int(0.0005 * rig.sr)) < 1e-3


def test_voice_sits_well_above_the_tone(rig):
    timeline, audio = rig.render_episode("4:6")
    clip = timeline.clips[0]
    block = timeline.blocks[0]
    speech = rms_db(audio[clip.start : clip.start + clip.length])
    breath = rms_db(audio[block.start : block.start + block.length])
    assert speech == pytest.approx(rig.sound.speech_level_dbfs, abs=1.5)
    assert speech - breath >= 12.0


@pytest.mark.slow
def test_render_is_linear_in_length(rig):
    """Ten times the script is ten times the samples and never overlaps events."""
    long_script = parse_script(
        "---\ntitle: T\n---\n" + "Adem met me mee.\n[adem 5x]\nMooi zo.\n" * 10, "t.md"
    )
    timeline = plan(
        long_script,
        {k: v.size for k, v in rig.clips.items()},
        BreathPattern.parse("4:6"),
        rig.sound,
    )
    audio = render(timeline, rig.clips, rig.sound)
    assert audio.size == timeline.length
    events = sorted(
        [(c.start, c.length) for c in timeline.clips]
        + [(b.start, b.length) for b in timeline.blocks]
    )
    for (a_start, a_len), (b_start, _) in zip(events, events[1:], strict=False):
        assert a_start + a_len <= b_start


def chime_peak(kind: str, sound: SoundSettings) -> float:
    sr = sound.sample_rate
    return float(np.max(np.abs(band(tone.chime(kind, sound, sr), sr, tone.CHIME_HZ[kind]))))


PATTERNS = ["4:6", "3:6", "4.5:5.5", "4:7:8", "4-4-4-4", "3.3:4.7", "5:2:7:3"]


@pytest.mark.slow
@pytest.mark.parametrize("ratio", PATTERNS)
def test_every_phase_length_measured_from_the_chimes(rig, ratio):
    """The chime that opens each phase, found in the audio, marks every phase to within 20 ms."""
    pattern = BreathPattern.parse(ratio)
    script = parse_script("---\ntitle: T\n---\nAdem met me mee.\n[adem 3x]\nMooi zo.\n", "t.md")
    timeline = plan(script, {k: v.size for k, v in rig.clips.items()}, pattern, rig.sound)
    block = timeline.blocks[0]
    audio = render(timeline, rig.clips, rig.sound)[block.start : block.start + block.length]
    found = sorted(
        (t, kind)
        for kind in ("in", "hold_in", "out")
        for t in onsets(audio, rig.sr, tone.CHIME_HZ[kind], chime_peak(kind, rig.sound))
    )
    expected = [kind if kind != "hold_out" else "hold_in" for kind, _ in pattern.phases] * 3
    assert [kind for _, kind in found] == expected  # same chime for both holds
    measured = np.diff([t for t, _ in found])
    planned = [seconds for _, seconds in pattern.phases] * 3
    assert measured == pytest.approx(planned[:-1], abs=0.020)


@pytest.mark.slow
def test_holds_can_be_near_silent_and_chimes_can_be_switched_off(rig):
    script = parse_script("---\ntitle: T\n---\nHallo.\n[adem 2x]\n", "t.md")
    silence = {"Hallo.": np.zeros(100, np.float32)}

    def render_with(**changes):
        sound = replace(rig.sound, **changes)
        timeline = plan(script, {"Hallo.": 100}, BreathPattern.parse("4:4:4:4"), sound)
        return timeline.blocks[0], render(timeline, silence, sound)

    block, quiet = render_with(tone_hold_level=0.0, chimes=False)
    inhale, hold = block.phases[:2]
    settled = quiet[hold.start + int(0.5 * rig.sr) : hold.start + hold.length]
    assert rms_db(settled) < rms_db(quiet[inhale.start : inhale.start + inhale.length]) - 50
    _, chiming = render_with(tone_hold_level=0.0, chimes=True)
    for kind in ("in", "hold_in", "out"):
        off = rms_db(band(quiet, rig.sr, tone.CHIME_HZ[kind]))
        on = rms_db(band(chiming, rig.sr, tone.CHIME_HZ[kind]))
        assert on - off > 40, (kind, on, off)


def test_every_clip_gets_one_speech_level_with_its_peaks_held(rig):
    """espeak's buzzy voice (peaks ~18 dB over RMS) and a smooth vowel: one level, held peaks."""
    from breathcast.core import VoiceSettings
    from breathcast.sound import speech_rms
    from breathcast.voice import get_engine
    from breathcast.voice.voicing import decode_speech

    audio = get_engine("espeak", Config(voice=VoiceSettings())).synthesize(
        "Adem rustig in door je neus."
    )
    buzzy = decode_speech(audio, rig.sr)
    assert 20 * np.log10(np.max(np.abs(buzzy)) / speech_rms(buzzy, rig.sr)) > 14
    t = np.arange(rig.sr) / rig.sr
    vowel = (0.05 * np.sin(2 * np.pi * 150 * t)).astype(np.float32)
    for raw in (buzzy, vowel):
        clip = prepare_clip(raw, rig.sound)
        assert 20 * np.log10(speech_rms(clip, rig.sr)) == pytest.approx(
            rig.sound.speech_level_dbfs, abs=0.3
        )
        peak = 20 * np.log10(np.max(np.abs(clip)))
        assert peak <= rig.sound.speech_level_dbfs + rig.sound.speech_crest_db + 0.6
        assert clip[0] == 0.0 and abs(clip[-1]) < 1e-6  # faded edges


@pytest.mark.slow
@pytest.mark.parametrize("size", [1000, 12345, 2**17])
def test_streamed_chunks_equal_the_whole_render(rig, size):
    """Builds stream the mix in chunks; a join must be invisible, down to float precision."""
    script = parse_script(
        "---\ntitle: T\nambient: water\n---\n" + "Adem met me mee.\n[adem 3x cues]\nMooi zo.\n",
        "t.md",
    )
    cues = {text: rig.speechlike(0.5, 3 + n) for n, text in enumerate(BREATH_CUES.values())}
    clips = {**rig.clips, **cues}
    timeline = plan(
        script, {k: v.size for k, v in clips.items()}, BreathPattern.parse("4:7:8"), rig.sound
    )
    bed = ambience.bed("water", None, timeline, rig.sound, seed=5)
    mixer = Mixer(timeline, clips, rig.sound, bed)
    whole = mixer.stems(0, timeline.length).mix()
    streamed = np.concatenate(list(mixer.chunks(size)))
    assert streamed.size == timeline.length
    assert np.max(np.abs(streamed - whole)) < 1e-6  # full scale is 1.0


def test_the_mixer_reads_only_the_clips_it_is_placing(rig):
    """Clips come from a mapping that may read the cache lazily: never all at once."""

    class Counting(dict):
        asked: list[str] = []

        def __getitem__(self, text):
            self.asked.append(text)
            return super().__getitem__(text)

    long_script = parse_script(
        "---\ntitle: T\n---\n" + "Adem met me mee.\n[adem 1x]\nMooi zo.\n" * 5, "t.md"
    )
    clips = Counting(rig.clips)
    timeline = plan(long_script, {k: v.size for k, v in rig.clips.items()}, PATTERN_46, rig.sound)
    mixer = Mixer(timeline, clips, rig.sound)
    for n, _ in enumerate(mixer.chunks(rig.sr)):
        lo = n * rig.sr
        placing = {
            c.text for c in timeline.clips if c.start < lo + rig.sr and c.start + c.length > lo
        }
        assert set(clips.asked) == placing
        clips.asked.clear()


@pytest.mark.slow
def test_streaming_an_episode_holds_a_few_chunks_not_the_episode(rig):
    """Memory stays flat: the peak allocation while streaming 10 minutes (bed included) is a
    small fraction of the episode's PCM, which the old whole-array render held several times."""
    long_script = parse_script(
        "---\ntitle: T\nambient: water\n---\n" + "Adem met me mee.\n[adem 5x]\nMooi zo.\n" * 11,
        "t.md",
    )
    timeline = plan(long_script, {k: v.size for k, v in rig.clips.items()}, PATTERN_46, rig.sound)
    episode_mb = timeline.length * 4 / 2**20
    assert timeline.duration_s > 600
    bed = ambience.bed("water", None, timeline, rig.sound, seed=5)
    mixer = Mixer(timeline, rig.clips, rig.sound, bed)
    tracemalloc.start()
    try:
        samples = sum(chunk.size for chunk in mixer.chunks())
        peak_mb = tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()
    assert samples == timeline.length
    assert peak_mb < episode_mb / 4, (peak_mb, episode_mb)  # measured: about 11 of 104 MB


@pytest.mark.slow
def test_a_calm_mix_the_bed_holds_down_in_short_gaps_and_rises_in_pauses(tmp_path):
    """Water & Rust at 3 minutes, from its stems: the bed stays down between lines and across
    a blank line (1.8 and 3.0 s), and rises only in real pauses (it rose 7.5 dB in every gap
    between lines, 0.9 s then)."""
    from conftest import REPO

    from breathcast.build.produce import episode_mixer
    from breathcast.core import load_config
    from breathcast.script import read_script
    from breathcast.voice import VoicingContext, get_engine

    (tmp_path / "breathcast.toml").write_text("")
    config = load_config(tmp_path)
    script = read_script(REPO / "scripts" / "water-en-rust.md")
    three = next(length for length in script.lengths if length.text == "3m")
    voiced = VoicingContext.open(config).voice(script, get_engine("espeak", config), jobs=1)
    timeline, mixer = episode_mixer(script, BreathPattern.parse("4:6"), voiced, config, three)
    sr = config.sound.sample_rate
    stems = mixer.stems(0, timeline.length)

    def level_db(x: np.ndarray) -> float:
        return 10 * np.log10(float(np.mean(np.square(x, dtype=np.float64))))

    under, short, long_ = [], [], []
    for a, b in zip(timeline.clips, timeline.clips[1:], strict=False):
        under.append(level_db(stems.bed[a.start : a.start + a.length]))
        end, gap = a.start + a.length, (b.start - a.start - a.length) / sr
        if gap > 0.4:  # the middle of the gap, away from the ramps
            middle = stems.bed[end + sr // 10 : b.start - sr // 10]
            (short if gap < config.sound.duck_hold_s else long_).append(level_db(middle))
    assert len(short) > 10 and len(long_) >= 3
    assert np.median(short) - np.median(under) < 1.0  # dB: held down (was 7.5)
    assert np.median(long_) - np.median(under) > 8.0  # and up in a real pause
