"""The whole pipeline through the CLI: scripts in, MP3s and report.json out."""

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from conftest import REPO, SMALL_PROJECT_TOML, SMALL_SCRIPT, write_tone_wav
from conftest import run_cli as run
from fake_gtts import FakeGoogle
from mutagen.mp3 import MP3

from breathcast.sound import ffmpeg, measure_file
from breathcast.voice.engines.gtts_engine import ENDPOINT_ENV

SR = 44100


def report(project: Path) -> dict:
    return json.loads((project / "build" / "report.json").read_text(encoding="utf-8"))


def leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.rglob("*") if p.name.endswith(".tmp")]


@pytest.mark.slow
def test_espeak_build_end_to_end(project):
    result = run(project, "build", "--engine", "espeak", "--ratio", "4:6", "--ratio", "3:6")
    assert result.exit_code == 0, result.output
    data = report(project)
    assert data["engine"] == "espeak"
    assert [e["ratio"] for e in data["episodes"]] == ["4:6", "3:6"]
    for entry in data["episodes"]:
        path = project / "build" / entry["path"]
        assert path.parent.name == "kort"
        assert path.name == f"kort-{entry['ratio'].replace(':', '-')}.mp3"
        audio = ffmpeg.decode_file(path, SR)
        assert audio.size / SR == pytest.approx(entry["duration_s"], abs=0.100)
        info = MP3(path).info
        assert (info.channels, info.sample_rate) == (1, SR)
        # ITU-R BS.1770-4 via ffmpeg ebur128, on the MP3: as heard (dual mono) and as one channel
        measured = measure_file(path, dual_mono=True)
        assert measured.integrated_lufs == pytest.approx(-16.0, abs=0.5)
        assert measured.true_peak_dbtp <= -1.0
        # The build's own meter (test_meter.py holds it to ebur128 on more signals).
        assert entry["loudness_lufs"] == pytest.approx(measured.integrated_lufs, abs=0.2)
        assert entry["true_peak_dbtp"] == pytest.approx(measured.true_peak_dbtp, abs=0.35)
        mono = measure_file(path, dual_mono=False)
        assert mono.integrated_lufs == pytest.approx(-19.0, abs=0.5)
        # The report derives the mono figure (heard - 3.01 LU); ebur128 prints each to 0.1 LU.
        assert entry["loudness_mono_lufs"] == pytest.approx(mono.integrated_lufs, abs=0.1 + 1e-9)
        # LRA is two percentiles of the short-term loudness: ffmpeg takes them from a histogram
        # of 0.01 LU bins and prints to 0.1, so a 0.06 LU difference reads as 0.1.
        assert entry["loudness_range_lu"] == pytest.approx(mono.range_lu, abs=0.1 + 1e-9)
        assert info.bitrate >= 96000
        assert entry["engine"] == "espeak"
        assert entry["clips_synthesized"] + entry["clips_cached"] == 3
    # 2 cycles of 10 s vs 9 s is the only difference between the two ratios (each episode
    # then rounded up to whole MP3 frames of 1152 samples).
    durations = [e["duration_s"] for e in data["episodes"]]
    assert durations[0] - durations[1] == pytest.approx(2.0, abs=1152 / SR)
    assert leftovers(project) == []


@pytest.mark.slow
def test_second_build_makes_no_engine_calls_and_an_edit_makes_one(project, fake_google):
    assert run(project, "build", "--engine", "gtts").exit_code == 0
    assert sorted(fake_google.requests) == sorted(
        ["Adem rustig in.", "En weer uit.", "Dank je wel."]
    )
    first = report(project)["episodes"][0]
    assert (first["clips_synthesized"], first["clips_cached"]) == (3, 0)

    fake_google.requests.clear()
    assert run(project, "build", "--engine", "gtts").exit_code == 0
    assert fake_google.requests == []
    assert report(project)["episodes"][0]["status"] == "skipped"  # nothing changed at all
    assert run(project, "build", "--engine", "gtts", "--force").exit_code == 0
    assert fake_google.requests == []
    second = report(project)["episodes"][0]
    assert (second["clips_synthesized"], second["clips_cached"], second["status"]) == (
        0,
        3,
        "built",
    )

    script = project / "scripts" / "kort.md"
    script.write_text(script.read_text().replace("En weer uit.", "En nog rustiger uit."))
    assert run(project, "build", "--engine", "gtts").exit_code == 0
    assert fake_google.requests == ["En nog rustiger uit."]
    assert (report(project)["episodes"][0]["clips_synthesized"]) == 1


@pytest.mark.slow
def test_auto_uses_gtts_when_google_answers(project, fake_google):
    result = run(project, "build")
    assert result.exit_code == 0, result.output
    assert report(project)["engine"] == "gtts"
    assert "not reachable" not in result.output


def test_auto_falls_back_to_espeak_with_one_warning(project):
    result = run(project, "build")  # the autouse fixture points gTTS at a closed port
    assert result.exit_code == 0, result.output
    assert result.output.count("warning: gTTS is not reachable") == 1
    assert "--engine gtts" in result.output
    assert {e["engine"] for e in report(project)["episodes"]} == {"espeak"}


@pytest.mark.slow
def test_auto_needs_no_network_when_gtts_has_voiced_everything(project, fake_google, monkeypatch):
    assert run(project, "build", "--engine", "gtts").exit_code == 0
    fake_google.requests.clear()
    fake_google.status = 503  # Google is gone now
    result = run(project, "build")
    assert result.exit_code == 0, result.output
    assert report(project)["engine"] == "gtts"
    assert fake_google.requests == []


@pytest.mark.slow
def test_a_failed_clip_fails_its_episode_and_never_becomes_silence(project, monkeypatch):
    other = project / "scripts" / "ander.md"
    other.write_text("---\ntitle: Ander\n---\nHallo daar.\n[adem 1x]\n", encoding="utf-8")
    (project / "breathcast.toml").write_text('ratios = ["4:6"]\n[voice]\nretry_budget_s = 1.0\n')
    with FakeGoogle(fail_texts=("En weer uit.",)) as fake:
        monkeypatch.setenv(ENDPOINT_ENV, fake.url)
        result = run(project, "build", "--engine", "gtts")
    assert result.exit_code == 1
    assert "scripts/kort.md:8: gTTS could not voice the line" in result.output
    assert "Traceback" not in result.output
    assert not (project / "build" / "kort").exists()
    assert (project / "build" / "ander" / "ander-4-6.mp3").is_file()
    data = report(project)
    assert [e["script"] for e in data["episodes"]] == [str(other)]
    assert data["failures"][0]["script"].endswith("kort.md")
    # The lines that did succeed stay cached, so the rerun only fetches the rest.
    assert len(list((project / "voice" / "gtts").glob("*.wav"))) == 3


def test_broken_script_is_reported_and_the_others_still_build(project):
    broken = project / "scripts" / "kapot.md"
    broken.write_text("---\ntitle: Kapot\n---\nHallo.\n[adem zes]\n", encoding="utf-8")
    result = run(project, "build", "--engine", "espeak")
    assert result.exit_code == 1
    assert f"{broken}:5: [adem zes]: expected a number of breaths like 6x" in result.output
    assert "Traceback" not in result.output
    assert "1 script(s) failed:" in result.output
    assert "1 built, 0 skipped, 1 failed" in result.output
    assert (project / "build" / "kort" / "kort-4-6.mp3").is_file()


def test_failed_encode_leaves_the_previous_episode_untouched(project, monkeypatch):
    assert run(project, "build", "--engine", "espeak").exit_code == 0
    mp3 = project / "build" / "kort" / "kort-4-6.mp3"
    before = mp3.read_bytes()
    ffmpeg.ffmpeg_exe.cache_clear()
    monkeypatch.setenv("BREATHCAST_FFMPEG", shutil.which("false"))
    try:
        result = run(project, "build", "--engine", "espeak", "--ratio", "4:6", "--force")
    finally:
        monkeypatch.delenv("BREATHCAST_FFMPEG")
        ffmpeg.ffmpeg_exe.cache_clear()
    assert result.exit_code == 1
    assert f"ffmpeg could not encode {mp3} as Opus: exit status 1" in result.output
    assert mp3.read_bytes() == before
    assert leftovers(project) == []


def test_check_passes_shipped_scripts_and_fails_with_file_line(project):
    result = run(REPO, "check")
    assert result.exit_code == 0, result.output
    assert "water-en-rust.md" in result.output and "warme-plek.md" in result.output
    (project / "scripts" / "kapot.md").write_text("---\ntitle: K\n---\nHallo.\n[pauze 20m]\n")
    result = run(project, "check")
    assert result.exit_code == 1
    assert "kapot.md:5: [pauze 20m] is 1200 s; a pause can be at most 10 minutes" in result.output
    assert "Traceback" not in result.output
    (project / "scripts" / "kapot.md").write_text("---\ntitle: K\n---\n[adem 3]\nHallo.\n[pauze]\n")
    result = run(project, "check")  # every line that is not right, each at its file:line
    errors = [line for line in result.output.splitlines() if line.startswith("error")]
    assert [e.split(": ")[0].rsplit("/", 1)[1] for e in errors] == ["kapot.md:4", "kapot.md:6"]
    assert errors[0].endswith("write the number of breaths with an x after it: [adem 3x]")


@pytest.mark.slow
def test_ratios_from_config_front_matter_and_flags(project):
    (project / "breathcast.toml").unlink()
    (project / "pyproject.toml").write_text(
        '[tool.breathcast]\nratios = ["4:4", "5:5"]\nengine = "espeak"\n'
    )
    assert run(project, "build").exit_code == 0
    assert [e["ratio"] for e in report(project)["episodes"]] == ["4:4", "5:5"]
    script = project / "scripts" / "kort.md"
    script.write_text(
        script.read_text().replace("title: Korte test", "title: Korte test\nratios: 3:6")
    )
    assert run(project, "build").exit_code == 0
    assert [e["ratio"] for e in report(project)["episodes"]] == ["3:6"]
    assert run(project, "build", "--ratio", "4.5:5.5").exit_code == 0
    assert [e["path"] for e in report(project)["episodes"]] == ["kort/kort-4.5-5.5.mp3"]


def test_bad_ratio_and_bad_config_are_clean_errors(project):
    result = run(project, "build", "--ratio", "4:0")
    assert result.exit_code == 2 and "every part must be more than 0 seconds" in result.output
    (project / "breathcast.toml").write_text('ratios = ["4:6"]\nengine = "piper"\n')
    result = run(project, "build")
    assert (
        result.exit_code == 1
        and "engine = 'piper'; choose one of auto, gtts, espeak" in result.output
    )
    (project / "breathcast.toml").write_text("[sound]\nbitrate = 128\n")
    result = run(project, "build")
    assert result.exit_code == 1 and "bitrate = 128 in [sound] should be a str" in result.output
    (project / "breathcast.toml").write_text("[sound]\nloudness = -16\n")
    result = run(project, "build")
    assert result.exit_code == 1 and "unknown setting 'loudness' in [sound]" in result.output


@pytest.mark.slow
def test_water_en_rust_is_built_in_each_of_its_lengths(tmp_path):
    """The shipped Water & Rust, offline, at 4:6: 3, 7 and 12 minutes, each within 5 s, as
    the decoded MP3 lasts."""
    project = tmp_path / "p"
    (project / "scripts").mkdir(parents=True)
    shutil.copy(REPO / "scripts" / "water-en-rust.md", project / "scripts")
    result = run(project, "build", "--engine", "espeak", "--ratio", "4:6")
    assert result.exit_code == 0, result.output
    episodes = {e["length"]: e for e in report(project)["episodes"]}
    assert set(episodes) == {"3m", "7m", "12m"}
    for length, entry in episodes.items():
        decoded = ffmpeg.decode_file(project / "build" / entry["path"], SR)
        assert abs(decoded.size / SR - entry["target_s"]) <= 5.0, length
        assert decoded.size / SR == pytest.approx(entry["duration_s"], abs=0.03)
    assert episodes["3m"]["path"] == "water-en-rust/water-en-rust-4-6-3m.mp3"


def test_fast_or_strained_ratios_warn_but_still_build(project):
    result = run(project, "build", "--engine", "espeak", "--ratio", "2:1", "--ratio", "4:6")
    assert result.exit_code == 0, result.output
    assert result.output.count("warning: ratio 2:1 is 20.0 breaths/min") == 1
    assert "shorter than in (2 s)" in result.output
    assert "ratio 4:6" not in result.output
    (project / "breathcast.toml").write_text('ratios = ["4:9:8"]\n')
    result = run(project, "check")
    assert result.exit_code == 0
    assert "holds the breath for 9 s" in result.output


@pytest.mark.slow
def test_loudness_target_is_configurable(project):
    (project / "breathcast.toml").write_text(
        SMALL_PROJECT_TOML + "loudness_lufs = -23.0\ntrue_peak_dbtp = -2.0\n"
    )
    assert run(project, "build", "--engine", "espeak").exit_code == 0
    measured = measure_file(project / "build" / "kort" / "kort-4-6.mp3", dual_mono=True)
    assert measured.integrated_lufs == pytest.approx(-23.0, abs=0.5)
    assert measured.true_peak_dbtp <= -2.0
    (project / "breathcast.toml").write_text(  # a quieter tone: this episode is mostly breath
        'ratios = ["4:6"]\n[sound]\nloudness_mode = "mono"\n'
        "tone_level_db = -22.0\nmelody_level_db = -24.0\n"
    )
    assert run(project, "build", "--engine", "espeak").exit_code == 0
    mono = measure_file(project / "build" / "kort" / "kort-4-6.mp3", dual_mono=False)
    assert mono.integrated_lufs == pytest.approx(-16.0, abs=0.5)  # the old, 3 LU louder way


def set_ambient(project: Path, value: str) -> Path:
    script = project / "scripts" / "kort.md"
    script.write_text(
        SMALL_SCRIPT.replace("title: Korte test", f"title: Korte test\nambient: {value}")
    )
    return script


@pytest.mark.slow
def test_music_bed_from_the_music_folder(project):
    write_tone_wav(project / "music" / "zee.wav", 4.0)
    set_ambient(project, "music/zee.wav")
    result = run(project, "build", "--engine", "espeak")
    assert result.exit_code == 0, result.output
    audio = ffmpeg.decode_file(project / "build" / "kort" / "kort-4-6.mp3", SR)
    spectrum = np.abs(np.fft.rfft(audio))
    freqs = np.fft.rfftfreq(audio.size, 1 / SR)
    near = spectrum[(freqs > 325) & (freqs < 335)].max()
    around = np.median(spectrum[(freqs > 300) & (freqs < 360)])
    assert 20 * np.log10(near / around) > 20  # the 330 Hz track is in the mix


def test_music_paths_that_escape_or_are_missing_are_refused(project, tmp_path_factory):
    outside = tmp_path_factory.mktemp("elders") / "geheim.wav"
    write_tone_wav(outside, 1.0)
    (project / "music").mkdir()
    (project / "music" / "link.wav").symlink_to(outside)
    script = set_ambient(project, "music/link.wav")
    result = run(project, "build", "--engine", "espeak")
    assert result.exit_code == 1
    assert f"{script}:3: ambient: music/link.wav leads outside music/" in result.output
    set_ambient(project, "music/weg.wav")
    result = run(project, "build", "--engine", "espeak")
    assert result.exit_code == 1
    assert (
        f"{script}:3: ambient: music/weg.wav does not exist; put the track in music/"
        in result.output
    )
    assert not (project / "build" / "kort").exists()


@pytest.mark.slow
def test_breath_cues_use_the_same_voice_and_cache(project, fake_google):
    script = project / "scripts" / "kort.md"
    script.write_text(SMALL_SCRIPT.replace("[adem 2x]", "[adem 3x cues]"))
    (project / "breathcast.toml").write_text('ratios = ["4:6"]\n[sound]\ncue_cycles = 2\n')
    assert run(project, "build", "--engine", "gtts").exit_code == 0
    assert {"Adem in.", "En uit.", "Vasthouden."} <= set(fake_google.requests)
    assert len(list((project / "voice" / "gtts").glob("*.wav"))) == 6
    fake_google.requests.clear()
    assert run(project, "build", "--engine", "gtts").exit_code == 0
    assert fake_google.requests == []


@pytest.mark.slow
def test_plot_draws_the_timeline(project, tmp_path):
    import matplotlib.image

    out = tmp_path / "timeline.png"
    script = project / "scripts" / "kort.md"
    result = run(
        project, "plot", str(script), "--engine", "espeak", "--ratio", "4:7:8", "-o", str(out)
    )
    assert result.exit_code == 0, result.output
    image = matplotlib.image.imread(out)
    height, width = image.shape[:2]
    assert width >= 1400 and height >= 800
    assert image[..., :3].std() > 0.05  # not a blank canvas
    result = run(project, "plot", str(project / "scripts" / "weg.md"), "-o", str(out))
    assert result.exit_code == 1 and "weg.md:1: cannot read the script" in result.output


@pytest.mark.slow
def test_offline_voice_is_marked_in_the_report_and_the_tags(project, fake_google):
    assert run(project, "build", "--engine", "espeak").exit_code == 0
    entry = report(project)["episodes"][0]
    assert (entry["engine"], entry["offline_voice"]) == ("espeak", True)
    tags = MP3(project / "build" / "kort" / "kort-4-6.mp3").tags
    assert "offline voorbeeld, niet de eindversie" in str(tags.getall("COMM")[0])
    assert str(tags["TIT2"]) == "Korte test (in 4, uit 6)"
    assert run(project, "build", "--engine", "gtts").exit_code == 0
    entry = report(project)["episodes"][0]
    assert (entry["engine"], entry["offline_voice"]) == ("gtts", False)
    tags = MP3(project / "build" / "kort" / "kort-4-6.mp3").tags
    assert str(tags.getall("COMM")[0]) == "Stem: gtts"


def test_voices_says_which_engines_work_right_now(project, monkeypatch):
    result = run(project, "voices")  # gTTS points at a closed port here
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].startswith("espeak  usable: works now")
    assert "voice=nl" in result.output and "wpm=135" in result.output
    assert any(line.startswith("gtts    not usable: gTTS is not reachable") for line in lines)
    with FakeGoogle() as fake:
        monkeypatch.setenv(ENDPOINT_ENV, fake.url)
        result = run(project, "voices")
    assert "gtts    usable: works now" in result.output
    assert fake.requests == ["Hallo."]


@pytest.mark.slow
def test_a_damaged_clip_in_the_cache_is_detected_and_made_again(project, fake_google):
    assert run(project, "build", "--engine", "gtts").exit_code == 0
    wavs = sorted((project / "voice" / "gtts").glob("*.wav"))
    damaged = wavs[0]
    data = bytearray(damaged.read_bytes())
    data[len(data) // 2] ^= 0xFF  # one flipped byte in the middle of the audio
    damaged.write_bytes(bytes(data))
    wavs[1].write_bytes(wavs[1].read_bytes()[:100])  # and one truncated
    prepared = sorted((project / "voice" / "prepared").glob("*.wav"))
    for clip in prepared[1:]:
        clip.unlink()  # say the voice settings changed: every line is prepared again from raw
    data = bytearray(prepared[0].read_bytes())
    data[len(data) // 2] ^= 0xFF  # and one prepared clip damaged too
    prepared[0].write_bytes(bytes(data))
    fake_google.requests.clear()
    result = run(project, "build", "--engine", "gtts", "--force")
    assert result.exit_code == 0, result.output
    assert len(fake_google.requests) == 2  # exactly the two damaged lines, synthesized again
    assert f"warning: {damaged} was damaged (its checksum does not match)" in result.output
    assert f"warning: {prepared[0]} was damaged (its checksum does not match)" in result.output
    assert result.output.count("was damaged") == 3


@pytest.mark.slow
def test_an_episode_that_is_mostly_breathing_says_when_it_misses_the_target(project):
    """The small script (5 s of speech in 50 s) at the shipped tone and melody: the audible
    background counts in its loudness, the speech reaches the limiter first, and the episode
    lands short of -16 LUFS. The build says so, with what helps, instead of hiding it."""
    (project / "breathcast.toml").write_text('ratios = ["4:6"]\n')
    result = run(project, "build", "--engine", "espeak")
    assert result.exit_code == 0, result.output
    measured = measure_file(project / "build" / "kort" / "kort-4-6.mp3", dual_mono=True)
    assert -17.2 <= measured.integrated_lufs <= -16.5  # measured: -16.6
    assert "kort-4-6.mp3 measures -16." in result.output
    assert "a softer tone or melody (tone_level_db, melody_level_db)" in result.output
