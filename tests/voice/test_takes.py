"""Her own voice: readings cut into takes, single takes, the clean-up, and building with them."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest
from conftest import REPO, SMALL_SCRIPT
from conftest import run_cli as run
from measure import best_match, dominant_frequency, rms_db
from mutagen.id3 import ID3
from readings import make_reading, pink, speak

from breathcast.core import load_config
from breathcast.script import read_script
from breathcast.sound import ffmpeg
from breathcast.voice import VoicingContext, get_engine
from breathcast.voice.denoise import clean_take
from breathcast.voice.recording import PAD_AFTER_S, PAD_BEFORE_S, _cut, import_reading
from breathcast.voice.takes import TAKE_RATE, TakeState, TakeStore, wav_bytes

SR = 44100
LINES = {7: "Adem rustig in.", 8: "En weer uit.", 13: "Dank je wel."}  # SMALL_SCRIPT's


def tone_take(path: Path, hz: float, seconds: float = 1.2) -> Path:
    """A 'take' that is a steady tone between two quiet stretches: easy to find again."""
    t = np.arange(int(seconds * TAKE_RATE)) / TAKE_RATE
    sound = 0.3 * np.sin(2 * np.pi * hz * t) * np.hanning(t.size) ** 0.1
    quiet = np.zeros(int(0.4 * TAKE_RATE))
    path.write_bytes(wav_bytes(np.concatenate([quiet, sound, quiet]).astype(np.float32)))
    return path


def report(project: Path) -> dict:
    return json.loads((project / "build" / "report.json").read_text(encoding="utf-8"))


def record_all(project: Path, tones=(330.0, 440.0, 550.0)) -> None:
    for (line, _), hz in zip(LINES.items(), tones, strict=True):
        take = tone_take(project / f"take{line}.wav", hz)
        result = run(project, "record", "line", f"scripts/kort.md:{line}", str(take))
        assert result.exit_code == 0, result.output


def test_the_clean_up_lowers_the_noise_by_10_db_and_keeps_the_voice():
    rng = np.random.default_rng(3)
    voice, rate = speak("Adem rustig in door je neus, en zacht weer uit.", "nl+f3", 1.0)
    voiced = voice[np.abs(voice) > 1e-3]
    voice = voice * 10 ** (-20 / 20) / np.sqrt(np.mean(voiced**2))
    pad = np.zeros(int(0.8 * rate), np.float32)
    dry = np.concatenate([pad, voice, pad]).astype(np.float32)
    noise = pink(dry.size + rate, rng) * 10 ** (-45 / 20)
    take = dry + noise[: dry.size]
    profile = noise[dry.size : dry.size + rate // 2]  # the reading's quietest stretch

    clean = clean_take(take, rate, profile)

    assert clean.size == take.size
    middle = slice(int(0.2 * rate), int(0.6 * rate))  # inside the pause before the words
    assert rms_db(take[middle]) == pytest.approx(-45, abs=1.5)
    assert rms_db(clean[middle]) <= rms_db(take[middle]) - 10.0
    words = slice(pad.size, pad.size + voice.size)
    assert abs(rms_db(clean[words]) - rms_db(take[words])) < 1.0
    assert float(np.max(np.abs(clean))) < 1.0


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    """A project with Water & Rust's first lines, and one messy reading of them imported."""
    project = tmp_path_factory.mktemp("lezing")
    (project / "scripts").mkdir()
    lines = (REPO / "scripts" / "water-en-rust.md").read_text(encoding="utf-8").splitlines()
    short = "\n".join(lines[: lines.index("# Hand op je buik")]) + "\n"
    (project / "scripts" / "aankomen.md").write_text(short, encoding="utf-8")
    (project / "breathcast.toml").write_text('ratios = ["4:6"]\nengine = "opname"\n')
    script = read_script(project / "scripts" / "aankomen.md")
    texts = [s.text for s in script.spoken]
    reading = make_reading(texts, seed=8, voice="nl+m3", tempo=0.9, comma=False)
    (project / "lezing.wav").write_bytes(reading.wav())
    config = load_config(project)
    first = import_reading(config, project / "scripts" / "aankomen.md", project / "lezing.wav")
    return project, reading, first


@pytest.mark.slow
def test_a_reading_becomes_one_take_per_line(imported):
    project, reading, result = imported
    assert len(result.lines) == len(reading.truth)
    for line, (start, end) in zip(result.lines, reading.truth, strict=True):
        assert line.take is not None and line.new
        assert line.placed.start_s == pytest.approx(start, abs=0.12)
        assert line.placed.end_s == pytest.approx(end, abs=0.12)
        cut = TakeStore.of(load_config(project)).audio(line.take)
        # The take holds the line, and at most a little of the pauses around it.
        room = PAD_BEFORE_S + PAD_AFTER_S + 2 * 0.12
        assert end - start <= cut.size / TAKE_RATE <= end - start + room
        # And it is that stretch of the reading: the same samples, at 48 kHz.
        here = ffmpeg.resample(cut, TAKE_RATE, reading.sample_rate)
        said = reading.pcm[round(start * reading.sample_rate) : round(end * reading.sample_rate)]
        assert best_match(said, here) > 0.95
    repeated = reading.repeated_line
    assert [line.speech.text for line in result.repeats] == [reading_text(result, repeated)]
    # The reading is kept as it came, and so is its noise profile.
    assert result.reading.read_bytes() == (project / "lezing.wav").read_bytes()
    noise = TakeStore.of(load_config(project)).noise(result.lines[0].take)
    assert noise is not None and noise.size == TAKE_RATE // 2
    assert rms_db(noise) < -40


def test_each_take_is_cut_from_its_own_window_of_the_stream():
    """The cutter reads the reading a second at a time: windows far apart, overlapping, and
    running past the end each get exactly their own samples (here each sample is its index)."""
    windows = {0: (0.295, 2.26), 1: (4.51, 7.7), 2: (9.41, 12.47), 3: (12.0, 13.0), 4: (13.5, 15)}
    total = 14 * TAKE_RATE
    ramp = np.arange(total, dtype=np.float64)
    blocks = (ramp[at : at + TAKE_RATE] for at in range(0, total, TAKE_RATE))
    cuts = dict(_cut(blocks, windows))
    for key, (start, end) in windows.items():
        first, last = round(start * TAKE_RATE), min(round(end * TAKE_RATE), total)
        np.testing.assert_array_equal(cuts[key], ramp[first:last])


def reading_text(result, index: int) -> str:
    return result.lines[index].speech.text


def test_importing_the_same_reading_again_changes_nothing(imported):
    project, _, _ = imported
    recordings = project / "recordings"
    before = {p: p.stat().st_mtime_ns for p in recordings.rglob("*") if p.is_file()}
    again = run(project, "record", "import", "scripts/aankomen.md", str(project / "lezing.wav"))
    assert again.exit_code == 0, again.output
    assert "0 new" in again.output
    after = {p: p.stat().st_mtime_ns for p in recordings.rglob("*") if p.is_file()}
    assert after == before


@pytest.mark.slow
def test_her_takes_come_out_at_one_level(imported):
    """After the clean-up and the leveller, every take of one reading has one speech level
    (RMS of its 50 ms frames within 20 dB of its loudest), whatever level she read it at."""
    project, _, _ = imported
    config = load_config(project)
    script = read_script(project / "scripts" / "aankomen.md")
    store = TakeStore.of(config)
    context = VoicingContext.open(config)
    voiced = context.voice(script, get_engine("opname", config), jobs=2)
    before, after = [], []
    for text in dict.fromkeys(s.text for s in script.spoken):
        clip = voiced.clips[text]
        assert float(np.max(np.abs(clip))) < 1.0  # no clipping
        after.append(speech_level_db(clip, SR))
        before.append(speech_level_db(store.audio(store.current(text)), TAKE_RATE))
    assert max(before) - min(before) > 2.0  # as read: lines differ
    assert max(after) - min(after) <= 1.0, after


def speech_level_db(pcm: np.ndarray, rate: int) -> float:
    frame = rate // 20
    power = np.mean(np.square(pcm[: pcm.size // frame * frame].reshape(-1, frame)), axis=1)
    loud = power[power >= power.max() * 10 ** (-20 / 10)]
    return float(10 * np.log10(loud.mean()))


def test_a_missing_take_is_an_error_naming_every_line(project):
    result = run(project, "build", "--engine", "opname")
    assert result.exit_code == 1
    for line in LINES:
        assert f"kort.md:{line}: no take of this line yet" in result.output
    assert not list((project / "build").glob("kort/*.mp3"))


def test_a_filled_preview_is_marked_and_not_published(project):
    take = tone_take(project / "take.wav", 440.0)
    assert run(project, "record", "line", "scripts/kort.md:8", str(take)).exit_code == 0
    result = run(project, "build", "--engine", "opname", "--fill", "espeak")
    assert result.exit_code == 0, result.output
    episode = report(project)["episodes"][0]
    assert (episode["engine"], episode["filled_lines"]) == ("opname", 2)
    mp3 = project / "build" / episode["path"]
    comment = str(ID3(mp3).getall("COMM")[0])
    assert "eigen opname" in comment and "voorbeeld" in comment
    refused = run(project, "publish", "--base-url", "https://example.nl/rust/")
    assert refused.exit_code == 1 and "previews" in refused.output


@pytest.mark.slow
def test_her_voice_is_final_audio_and_each_line_is_her_take(project):
    (project / "breathcast.toml").write_text(
        'ratios = ["4:6"]\n[podcast]\nowner_email = "anna@example.nl"\n'
    )
    record_all(project)
    result = run(project, "build", "--engine", "opname")
    assert result.exit_code == 0, result.output
    episode = report(project)["episodes"][0]
    assert (episode["engine"], episode["filled_lines"], episode["offline_voice"]) == (
        "opname",
        0,
        False,
    )
    mp3 = project / "build" / episode["path"]
    assert str(ID3(mp3).getall("COMM")[0]).endswith("Stem: eigen opname")
    audio = ffmpeg.decode_file(mp3, SR)
    cues = json.loads(mp3.with_suffix(".chapters.json").read_text())  # noqa: F841 - exists
    vtt = mp3.with_suffix(".vtt").read_text(encoding="utf-8")
    for text, hz in zip(LINES.values(), (330.0, 440.0, 550.0), strict=True):
        start, end = cue_times(vtt, text)
        heard = dominant_frequency(audio[int(start * SR) : int(end * SR)], SR)
        assert heard == pytest.approx(hz, abs=3.0), text
    published = run(project, "publish", "--base-url", "https://example.nl/rust/")
    assert published.exit_code == 0, published.output


def cue_times(vtt: str, text: str) -> tuple[float, float]:
    blocks = vtt.split("\n\n")
    for block in blocks:
        if block.strip().endswith(text):
            times = block.strip().splitlines()[-2]
            start, end = (seconds(t) for t in times.split(" --> "))
            return start, end
    raise AssertionError(f"{text!r} is not in the transcript")


def seconds(stamp: str) -> float:
    h, m, s = stamp.strip().split(":")
    return int(h) * 3600 + int(m) * 60 + float(s)


@pytest.mark.slow
def test_a_new_take_rebuilds_only_what_uses_it_and_says_which_line(project):
    record_all(project)
    assert run(project, "build", "--engine", "opname").exit_code == 0
    again = run(project, "build", "--engine", "opname")
    assert "0 built, 1 skipped" in again.output
    better = tone_take(project / "beter.wav", 660.0)
    assert run(project, "record", "line", "scripts/kort.md:13", str(better)).exit_code == 0
    rebuilt = run(project, "build", "--engine", "opname")
    assert "the take of a line changed (kort.md:13)" in rebuilt.output


def test_an_edited_line_shows_its_take_as_stale_and_keeps_it(project):
    record_all(project)
    store = TakeStore.of(load_config(project))
    old = store.current("Dank je wel.")
    script = project / "scripts" / "kort.md"
    script.write_text(SMALL_SCRIPT.replace("Dank je wel.", "Dank je wel, tot morgen."))
    states = {t.speech.line: t for t in store.lines(read_script(script))}
    assert states[13].state == TakeState.STALE and states[13].take == old
    assert states[7].state == states[8].state == TakeState.OK  # other lines keep theirs
    assert store.path_of(old).is_file()
    listed = run(project, "takes")
    assert "stale" in listed.output and "kort.md:13" in listed.output
    assert "2 of 3 lines recorded and sure" in listed.output


def test_takes_are_source_material_never_cleaned(project):
    record_all(project)
    files = sorted(p for p in (project / "recordings").rglob("*") if p.is_file())
    assert len(files) == 6  # three takes, each with its description
    assert run(project, "clean", "--voice").exit_code == 0
    assert sorted(p for p in (project / "recordings").rglob("*") if p.is_file()) == files
    ignored = (REPO / ".gitignore").read_text()
    assert "recordings" not in ignored


@pytest.mark.slow
def test_a_script_can_ask_for_her_voice_and_the_flag_still_wins(project):
    record_all(project)
    script = project / "scripts" / "kort.md"
    script.write_text(SMALL_SCRIPT.replace("description:", "engine: opname\ndescription:"))
    assert run(project, "build", "--ratio", "4:6").exit_code == 0
    assert report(project)["episodes"][0]["engine"] == "opname"
    assert run(project, "build", "--engine", "espeak").exit_code == 0
    assert report(project)["episodes"][0]["engine"] == "espeak"


@pytest.mark.parametrize(
    ("target", "audio", "expected"),
    [
        ("scripts/kort.md:10", "take.wav", "kort.md:10: there is no spoken line here"),
        ("scripts/kort.md:7", "stil.wav", "there is no sound in this recording"),
        ("scripts/kort.md:7", "kort.md", "is not a recording breathcast can read"),
        ("scripts/kort.md", "take.wav", "write the script and the line number"),
    ],
)
def test_a_take_that_cannot_be_used_is_refused_saying_why(project, target, audio, expected):
    tone_take(project / "take.wav", 440.0)
    (project / "stil.wav").write_bytes(wav_bytes(np.zeros(TAKE_RATE, np.float32)))
    (project / "kort.md").write_text("geen geluid")
    result = run(project, "record", "line", target, str(project / audio))
    assert result.exit_code != 0 and expected in result.output
    assert not (project / "recordings" / "takes").exists()


def test_a_cue_needs_its_text_when_a_block_has_several(project):
    script = project / "scripts" / "kort.md"
    script.write_text(SMALL_SCRIPT.replace("[adem 2x]", "[adem 2x cues]"))
    take = str(tone_take(project / "take.wav", 440.0))
    unclear = run(project, "record", "line", "scripts/kort.md:12", take)
    assert unclear.exit_code == 1 and "'Adem in.'" in unclear.output and "--text" in unclear.output
    chosen = run(project, "record", "line", "scripts/kort.md:12", take, "--text", "Adem in.")
    assert chosen.exit_code == 0, chosen.output
    assert TakeStore.of(load_config(project)).current("Adem in.") is not None


def test_a_take_is_kept_whatever_its_file_says_it_is(project):
    """A WebM/Opus take (what a browser records) is decoded like any other."""
    take = tone_take(project / "take.wav", 440.0)
    webm = project / "take.webm"
    ffmpeg.run(["-i", str(take), "-c:a", "libopus", "-b:a", "48k", str(webm)], None, "encode")
    result = run(project, "record", "line", "scripts/kort.md:7", str(webm))
    assert result.exit_code == 0, result.output
    pcm = TakeStore.of(load_config(project)).audio(
        TakeStore.of(load_config(project)).current("Adem rustig in.")
    )
    assert dominant_frequency(pcm, TAKE_RATE) == pytest.approx(440.0, abs=2.0)
    assert os.path.getsize(webm) < os.path.getsize(take)


PACE_SCRIPT = """---
title: Tempo
engine: opname
---
# Begin
Adem rustig in door je neus.
En weer zachtjes uit.
Dank je wel dat je er bent.
[adem 2x cues]
Tot de volgende keer.
"""


def heard_edges(voice: np.ndarray, start: int, end: int, sr: int) -> tuple[float, float]:
    """Where the voice is heard in samples [start, end): its first and last 10 ms louder than
    -50 dBFS (30 dB under speech, which is levelled to -20 dBFS), in seconds."""
    hop = sr // 100
    part = voice[start : start + (end - start) // hop * hop].astype(np.float64).reshape(-1, hop)
    loud = np.flatnonzero(10 * np.log10(np.mean(part**2, axis=1) + 1e-20) > -50)
    return (start + loud[0] * hop) / sr, (start + (loud[-1] + 1) * hop) / sr


@pytest.mark.slow
@pytest.mark.parametrize("room_dbfs", [-50.0, -35.0], ids=["quiet room", "noisy room"])
def test_her_voice_keeps_the_scripts_pace(tmp_path, room_dbfs):
    """Her takes keep some of the room around her words; none of it is added to the script's
    pauses: the silence heard between two of her lines is the script's gap, and each
    breathing cue starts on its phase."""
    from breathcast.build import episode_mixer
    from breathcast.core import BreathPattern

    (tmp_path / "scripts").mkdir()
    (tmp_path / "scripts" / "tempo.md").write_text(PACE_SCRIPT, encoding="utf-8")
    (tmp_path / "breathcast.toml").write_text('ratios = ["4:6"]\n')
    script = read_script(tmp_path / "scripts" / "tempo.md")
    texts = [s.text for s in script.spoken]
    reading = make_reading(texts, seed=3, comma=False, repeat=False, noise_dbfs=room_dbfs)
    (tmp_path / "lezing.wav").write_bytes(reading.wav())
    config = load_config(tmp_path)
    import_reading(config, tmp_path / "scripts" / "tempo.md", tmp_path / "lezing.wav")
    voiced = VoicingContext.open(config).voice(script, get_engine("opname", config), jobs=2)
    timeline, mixer = episode_mixer(script, BreathPattern.parse("4:6"), voiced, config)
    voice = mixer.stems(0, timeline.length).voice
    heard = {c: heard_edges(voice, c.start, c.start + c.length, SR) for c in timeline.clips}
    lines = [c for c in timeline.clips if c.line in (6, 7, 8)]  # three lines in a row
    for before, after in zip(lines, lines[1:], strict=False):
        silence = heard[after][0] - heard[before][1]
        assert silence == pytest.approx(config.sound.line_gap_s, abs=0.1), before.text
    phases = {p.start: p for block in timeline.blocks for p in block.phases}
    cues = [c for c in timeline.clips if c.start in phases]
    assert [c.text for c in cues] == ["Adem in.", "En uit.", "Adem in.", "En uit."]
    for cue in cues:
        assert heard[cue][0] - cue.start / SR == pytest.approx(0.0, abs=0.1), cue.text
