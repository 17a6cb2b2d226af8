"""The meter in this process reads what ffmpeg's ebur128 reads from the finished files: the
MP3's integrated loudness within 0.2 LU and its true peak within 0.3 dB, the Opus file's
loudness within 0.2 LU, on speech, on a tone burst at the ceiling, and on the shipped
scripts; and it oversamples only near the top. (The Opus file's peaks move with its coding:
they are held under the ceiling, not to 0.3 dB.)"""

import json
import re
import shutil
import subprocess
from dataclasses import replace

import numpy as np
import pytest
from conftest import REPO
from conftest import run_cli as run

from breathcast.core import SoundSettings
from breathcast.sound.encode import encode_files
from breathcast.sound.loudness import ENCODER_GAIN_DB, LIMITER_MARGIN_DB, measure_file, measure_pcm
from breathcast.sound.meter import TP_BLOCK, StreamMeter
from breathcast.sound.mp3 import FRAME_SAMPLES

SR = 44100
CHUNK = 3 * SR


def speech_like(seconds: float, seed: int = 5) -> np.ndarray:
    """A voiced buzz (140 Hz and its harmonics, breathy) in syllables and pauses."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * SR)) / SR
    buzz = sum(np.sin(2 * np.pi * 140 * k * t) / k for k in range(1, 25))
    syllables = np.clip(np.sin(2 * np.pi * 3.1 * t) * np.sin(2 * np.pi * 0.23 * t), 0, None)
    pcm = 0.25 * syllables * (buzz + 0.3 * rng.standard_normal(t.size))
    return pcm.astype(np.float32)


def tone_burst(seconds: float) -> np.ndarray:
    """Speech, and a 3 kHz burst whose true peak sits on the limiter's ceiling: its samples
    fall up to 0.2 dB under it, between them the wave reaches it. (The speech is the program,
    as in an episode: a burst over a quiet background would leave blocks straddling the
    relative gate, where a 0.1 dB difference of any meter moves the result by 0.4 LU.)"""
    pcm = speech_like(seconds)
    ceiling = 10 ** ((SoundSettings().true_peak_dbtp - LIMITER_MARGIN_DB) / 20)
    at, n = 4 * SR, SR // 2
    t = np.arange(n) / SR
    envelope = np.sin(np.pi * np.arange(n) / n) ** 0.1  # soft edges, flat top
    pcm[at : at + n] = ceiling * envelope * np.sin(2 * np.pi * 3000 * t + 0.4)
    return pcm


@pytest.mark.parametrize("signal", [speech_like, tone_burst], ids=["speech", "3 kHz burst"])
def test_the_meter_reads_what_ffmpeg_reads_from_the_files(tmp_path, signal):
    pcm = signal(20.0)
    sound = SoundSettings()
    meter = StreamMeter(sound)
    files = {".mp3": tmp_path / "x.mp3", ".opus": tmp_path / "x.opus"}
    chunks = (pcm[i : i + CHUNK] for i in range(0, pcm.size, CHUNK))
    encode_files(chunks, files, sound, "x", meter)
    ours = meter.result()
    mp3, opus = (measure_file(path, dual_mono=True) for path in files.values())
    assert ours.integrated_lufs == pytest.approx(mp3.integrated_lufs, abs=0.2)
    assert ours.true_peak_dbtp == pytest.approx(mp3.true_peak_dbtp, abs=0.3)
    assert ours.integrated_lufs == pytest.approx(opus.integrated_lufs, abs=0.2)
    # Opus at 32 kbps redraws the waveform: on the burst its peak rises 0.35 dB over the
    # master's (measured); it stays under the ceiling.
    assert opus.true_peak_dbtp == pytest.approx(ours.true_peak_dbtp, abs=0.5)
    assert opus.true_peak_dbtp <= SoundSettings().true_peak_dbtp
    # And on the master itself (before the encoders' level change): ffmpeg's figures.
    master = measure_pcm(pcm, SR, dual_mono=True)
    assert ours.integrated_lufs - ENCODER_GAIN_DB == pytest.approx(master.integrated_lufs, abs=0.1)
    assert ours.true_peak_dbtp - ENCODER_GAIN_DB == pytest.approx(master.true_peak_dbtp, abs=0.2)


def test_only_the_blocks_near_the_top_are_oversampled():
    pcm = tone_burst(60.0)
    meter = StreamMeter(SoundSettings())
    for i in range(0, pcm.size, CHUNK):
        meter.feed(pcm[i : i + CHUNK])
    level = meter.result()
    assert meter.blocks == pytest.approx(pcm.size / TP_BLOCK, abs=2)
    assert 0 < meter.oversampled < 0.2 * meter.blocks  # the burst, and the loudest syllables
    # The burst's true peak, between its samples, is found: up to 0.2 dB over them.
    ceiling = SoundSettings().true_peak_dbtp - LIMITER_MARGIN_DB + ENCODER_GAIN_DB
    assert level.true_peak_dbtp == pytest.approx(ceiling, abs=0.05)


def ffprobe(path, entry: str) -> str:
    command = ["ffprobe", "-v", "error", "-show_entries", entry, "-of", "csv=p=0", str(path)]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout.strip()


def test_the_meter_reads_to_the_last_sample():
    """Short sounds, a loud end, a peak in the last samples, an empty chunk: as ffmpeg reads
    the same samples (ebur128 counts every whole 400 ms block to the end)."""
    t = np.arange(int(0.85 * SR)) / SR
    tone = (0.3 * np.sin(2 * np.pi * 997 * t)).astype(np.float32)
    quiet_then_loud = np.concatenate([0.01 * speech_like(10.0), tone[: int(0.6 * SR)]])
    burst_at_end = speech_like(1.0)
    burst_at_end[-70:] = 0.5 * np.sin(2 * np.pi * 11025 * np.arange(70) / SR + 0.8)
    for pcm in (tone, quiet_then_loud, burst_at_end):
        meter = StreamMeter(SoundSettings())
        meter.feed(pcm[:1000])
        meter.feed(pcm[:0])
        meter.feed(pcm[1000:])
        ours = meter.result()
        theirs = measure_pcm(pcm, SR, dual_mono=True)
        heard = ours.integrated_lufs - ENCODER_GAIN_DB
        assert heard == pytest.approx(theirs.integrated_lufs, abs=0.2)
        assert ours.true_peak_dbtp - ENCODER_GAIN_DB == pytest.approx(
            theirs.true_peak_dbtp, abs=0.2
        )


@pytest.mark.slow
def test_the_reports_of_the_shipped_scripts_are_what_their_files_measure(tmp_path):
    """Four shipped exercises at 4:6 (six episodes, her three lengths of Water & Rust among
    them): every report figure against ffmpeg on the MP3 and the Opus file."""
    project = tmp_path / "p"
    (project / "scripts").mkdir(parents=True)
    names = ("water-en-rust", "vijf-keer-uitademen", "ik-ben-hier", "een-rustige-uitademing")
    for name in names:
        shutil.copy(REPO / "scripts" / f"{name}.md", project / "scripts")
    result = run(project, "build", "--engine", "espeak", "--ratio", "4:6")
    assert result.exit_code == 0, result.output
    episodes = json.loads((project / "build" / "report.json").read_text())["episodes"]
    assert len(episodes) == 6
    for entry in episodes:
        mp3 = project / "build" / entry["path"]
        theirs = measure_file(mp3, dual_mono=True)
        assert entry["loudness_lufs"] == pytest.approx(theirs.integrated_lufs, abs=0.2), mp3
        # ebur128 prints the peak to 0.1 dB: its figure is itself within 0.05 of the truth.
        assert entry["true_peak_dbtp"] == pytest.approx(theirs.true_peak_dbtp, abs=0.35), mp3
        # Opus at 32 kbps redraws the waveform: its loudness is the same, its peaks move
        # (up to 1.4 dB over the master's, measured), and stay under the ceiling.
        opus = measure_file(mp3.with_suffix(".opus"), dual_mono=True)
        assert entry["loudness_lufs"] == pytest.approx(opus.integrated_lufs, abs=0.2), mp3
        assert max(theirs.true_peak_dbtp, opus.true_peak_dbtp) <= -1.0
        # ffprobe's duration counts whole frames: the audio, LAME's 576-sample delay and its
        # padding. Episodes are whole frames long, so that is one frame over, never more.
        probed = float(ffprobe(mp3, "format=duration"))
        frame_s = FRAME_SAMPLES / SR
        assert 0 <= probed - entry["duration_s"] <= frame_s + 0.001, mp3


@pytest.mark.slow
def test_verify_holds_the_build_to_ffmpegs_meter(project, monkeypatch):
    result = run(project, "build", "--engine", "espeak", "--verify")
    assert result.exit_code == 0 and "ffmpeg measures" not in result.output
    # A meter that read 1 LU too loud: the build corrects to it, and --verify says so.
    from breathcast.sound import meter

    honest = meter.StreamMeter.result

    def loud(self):
        level = honest(self)
        return replace(level, integrated_lufs=level.integrated_lufs + 1.0)

    monkeypatch.setattr(meter.StreamMeter, "result", loud)
    result = run(project, "build", "--engine", "espeak", "--verify", "--force")
    said = re.search(
        r"kort-4-6\.mp3: ffmpeg measures (-[\d.]+) LUFS .*?the build measured (-[\d.]+) LUFS",
        result.output,
    )
    assert said, result.output
    theirs, ours = map(float, said.groups())
    assert theirs - ours == pytest.approx(-1.0, abs=0.25)  # the 1 LU the meter made up
