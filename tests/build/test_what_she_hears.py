"""What a listener hears of the shipped exercises, measured on the decoded MP3s: a short
version still breathes, the tone and the melody are heard against the voice, the crying-baby
moment speaks within seconds, and the voice speaks at the rate the settings say."""

import shutil

import numpy as np
import pytest
from conftest import REPO
from conftest import run_cli as run

from breathcast.build.produce import episode_plan
from breathcast.core import BreathPattern, load_config
from breathcast.script import read_script
from breathcast.sound import ffmpeg, melody_clip
from breathcast.sound.fitting import MIN_CYCLES
from breathcast.sound.loudness import measure_pcm
from breathcast.voice import VoicingContext, get_engine

SR = 44100
FOUR_SIX = BreathPattern.parse("4:6")


@pytest.fixture(scope="module")
def shipped(tmp_path_factory):
    """The shipped project, with the offline voice: its settings, and every script voiced."""
    project = tmp_path_factory.mktemp("shipped")
    shutil.copytree(REPO / "scripts", project / "scripts")
    shutil.copy(REPO / "breathcast.toml", project / "breathcast.toml")
    config = load_config(project)
    context = VoicingContext.open(config)
    engine = get_engine("espeak", config)
    scripts = {p.stem: read_script(p) for p in sorted((project / "scripts").glob("*.md"))}
    voiced = {name: context.voice(s, engine, jobs=1) for name, s in scripts.items()}
    return project, config, scripts, voiced


@pytest.fixture(scope="module")
def built(shipped):
    """Water & Rust at 3 minutes and the crying-baby moment, built at 4:6 and decoded."""
    project, config, scripts, voiced = shipped
    names = ("water-en-rust", "een-rustige-uitademing")
    wr = project / "scripts" / "water-en-rust.md"  # only its 3 minutes: the test's time
    wr.write_text(wr.read_text(encoding="utf-8").replace("lengths: 3m, 7m, 12m", "lengths: 3m"))
    scripts_given = [f"scripts/{n}.md" for n in names]
    result = run(project, "build", "--engine", "espeak", "--ratio", "4:6", *scripts_given)
    assert result.exit_code == 0, result.output
    decoded = {
        "water-en-rust": ffmpeg.decode_file(
            project / "build" / "water-en-rust" / "water-en-rust-4-6-3m.mp3", SR
        ),
        "een-rustige-uitademing": ffmpeg.decode_file(
            project / "build" / "een-rustige-uitademing" / "een-rustige-uitademing-4-6.mp3", SR
        ),
    }
    return shipped, decoded


def test_every_shipped_length_keeps_breathing(shipped):
    """At every length and ratio: no block under MIN_CYCLES breaths (or what is written, where
    fewer: the crying-baby moment is one breath); Water & Rust keeps the hand on the belly, at
    least 6 breaths, and breathing is at least a quarter of it. Before: W&R 3m had 2 breaths
    (20 s, 11 %), Een warme plek 6m 2 in every block."""
    _, config, scripts, voiced = shipped
    seen = []
    for name, script in scripts.items():
        written = {b.line: b for b in script.steps if type(b).__name__ == "Breathe"}
        for pattern in script.ratios or config.ratios:
            for length in script.lengths or (None,):
                timeline = episode_plan(script, pattern, voiced[name].lengths, config, length)
                for block in timeline.blocks:
                    fewest = min(MIN_CYCLES, written[block.line].cycle_count(pattern))
                    assert block.cycles >= fewest, (name, str(pattern), length, block.line)
                if name != "water-en-rust":
                    continue
                breathing = sum(b.length for b in timeline.blocks) / timeline.length
                cycles = sum(b.cycles for b in timeline.blocks)
                spoken = {c.text for c in timeline.clips}
                assert "Leg je hand op je buik." in spoken
                assert cycles >= 6 and breathing >= 0.25, (str(pattern), length, cycles)
                seen.append((str(pattern), length.text, cycles, round(100 * breathing)))
    assert len(seen) == 9  # three lengths at three ratios


def test_no_kept_line_speaks_of_what_a_shorter_length_left_out(shipped):
    """ "Laat het water langzaam wegstromen." stood in the closing chapter, after a Water
    chapter the 3-minute version leaves out; no shipped length now has such a line."""
    _, config, scripts, voiced = shipped
    for name, script in scripts.items():
        for pattern in script.ratios or config.ratios:
            for length in script.lengths:
                timeline = episode_plan(script, pattern, voiced[name].lengths, config, length)
                loose = [w.en for w in timeline.warnings if "leaves out" in w.en]
                assert loose == [], (name, str(pattern), length.text)


def level(pcm: np.ndarray, spans) -> float:
    """Integrated loudness (LUFS, one channel) of the stretches `spans` of `pcm`, joined."""
    joined = np.concatenate([pcm[a:b] for a, b in spans if b > a])
    return measure_pcm(joined, SR).integrated_lufs


def test_the_tone_and_the_melody_are_heard_against_the_voice(built):
    """W&R 3m, decoded: the breathing (tone and water, away from every cue) 14-16 LU under the
    voice, and the opening melody 10-12 LU under it (before: 20.6 and about 21 LU)."""
    (project, config, scripts, voiced), decoded = built
    script = scripts["water-en-rust"]
    timeline = episode_plan(
        script, FOUR_SIX, voiced["water-en-rust"].lengths, config, script.length("3m")
    )
    pcm = decoded["water-en-rust"]
    margin = SR // 2
    speech = [(c.start, c.start + c.length) for c in timeline.clips]
    cues = [(c.start - margin, c.start + c.length + margin) for c in timeline.clips]
    breathing = []
    for block in timeline.blocks:
        for phase in block.phases:
            a, b = phase.start, phase.start + phase.length
            if not any(x < b and y > a for x, y in cues):
                breathing.append((a, b))
    melody = [(s.start, s.end) for s in timeline.melodies[:1]]
    voice_lufs = level(pcm, speech)
    tone_lu = voice_lufs - level(pcm, breathing)
    melody_lu = voice_lufs - level(pcm, melody)
    assert 14.0 <= tone_lu <= 16.0, tone_lu
    assert 10.0 <= melody_lu <= 12.0, melody_lu


def test_the_crying_baby_moment_speaks_within_three_seconds(built):
    """Its first line, found in the decoded file by its own samples (the clip from the voice
    cache, cross-correlated): within 3 s of the start, over the melody (before: 8.0 s)."""
    (project, config, scripts, voiced), decoded = built
    first = scripts["een-rustige-uitademing"].spoken[0].text
    clip = voiced["een-rustige-uitademing"].clips[first].astype(np.float64)
    pcm = decoded["een-rustige-uitademing"][: 10 * SR].astype(np.float64)
    template = clip[: SR // 2]  # its first half second: enough to be unmistakable
    n = pcm.size + template.size
    spectrum = np.fft.rfft(pcm, n) * np.conj(np.fft.rfft(template, n))
    correlation = np.fft.irfft(spectrum, n)[: pcm.size - template.size]
    energy = np.convolve(pcm**2, np.ones(template.size), "valid")[: correlation.size]
    score = correlation / np.sqrt(energy * np.sum(template**2) + 1e-12)
    onset = int(np.argmax(score)) / SR
    assert score.max() > 0.8  # it is her line, not the melody
    assert onset <= 3.0, onset
    assert melody_clip(config.sound, project) is not None  # and the melody is there, under it


def test_the_offline_voice_speaks_at_the_rate_it_is_set_to(shipped):
    """Every shipped line, each clip as it goes into the episode: words a minute within 10 %
    of [voice] espeak_wpm (before: 162 at 135)."""
    _, config, scripts, voiced = shipped
    words = seconds = 0
    for name, script in scripts.items():
        for line in script.speech:
            words += len(line.text.split())
            seconds += voiced[name].lengths[line.text] / SR
    rate = 60 * words / seconds
    assert rate == pytest.approx(config.voice.espeak_wpm, rel=0.10), rate
