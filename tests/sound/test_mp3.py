"""The in-process MP3 encoder and the mastering limiter, measured from what ffmpeg decodes."""

import re
import shutil
import subprocess

import numpy as np
import pytest
from mutagen.mp3 import MP3, BitrateMode

from breathcast.core import AudioError, BuildCancelled, SoundSettings
from breathcast.sound import encode_normalized, ffmpeg
from breathcast.sound.master import Master, running_min
from breathcast.sound.mp3 import ENCODER_DELAY, encode_mp3, parse_bitrate

SR = 44100


def marked(seconds: float) -> tuple[np.ndarray, int]:
    """A quiet tune of an odd length with one click in it: where the click lands tells the
    alignment to the sample."""
    n = int(seconds * SR) + 12345
    t = np.arange(n) / SR
    pcm = (0.2 * np.sin(2 * np.pi * 330 * t) * np.hanning(n)).astype(np.float32)
    at = n // 3
    pcm[at] = 0.95
    return pcm, at


def encode_file(pcm: np.ndarray, path, chunk: int = 2**17):
    with open(path, "wb") as file:
        return encode_mp3((pcm[i : i + chunk] for i in range(0, pcm.size, chunk)), file, SR, "128k")


def click(decoded: np.ndarray, near: int) -> int:
    window = decoded[near - 3000 : near + 3000]
    return near - 3000 + int(np.argmax(np.abs(window)))


def test_the_header_gives_players_the_exact_length_and_the_delay_to_trim(tmp_path):
    pcm, at = marked(3.0)
    path = tmp_path / "x.mp3"
    stream = encode_file(pcm, path)
    decoded = ffmpeg.decode_file(path, SR)  # ffmpeg reads the LAME tag and trims both ends
    assert decoded.size == pcm.size  # to the sample: gapless
    assert click(decoded, at) == at
    padding = stream.frames * 1152 - ENCODER_DELAY - pcm.size
    log = subprocess.run(
        [ffmpeg.ffmpeg_exe(), "-hide_banner", "-v", "debug", "-i", str(path), "-f", "null", "-"],
        capture_output=True,
        text=True,
    ).stderr
    assert re.search(rf"\bpad {ENCODER_DELAY} {padding}\b", log)  # delay and padding read back
    assert "LAME3.100" in log  # the tag's CRC checked out, so ffmpeg took its encoder name
    info = MP3(path).info  # mutagen reads frames, delay and padding from the same tag
    assert info.length == pytest.approx(pcm.size / SR, abs=1 / SR)
    assert (info.channels, info.sample_rate, info.bitrate_mode) == (1, SR, BitrateMode.CBR)


@pytest.mark.skipif(shutil.which("ffprobe") is None, reason="ffprobe (Debian's ffmpeg) missing")
def test_ffprobe_sees_the_length_within_a_frame(tmp_path):
    pcm, _ = marked(10.0)
    path = tmp_path / "x.mp3"
    encode_file(pcm, path)
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "stream=start_time,duration", "-of",
         "csv=p=0", str(path)],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    start, duration = map(float, out.strip().split(","))
    # Debian's ffprobe 5.1 counts the encoder delay into the duration and reports it as start.
    assert duration - start == pytest.approx(pcm.size / SR, abs=1152 / SR)


def test_decoding_shows_no_errors(tmp_path):
    pcm, _ = marked(5.0)
    path = tmp_path / "x.mp3"
    encode_file(pcm, path)
    result = subprocess.run(
        [ffmpeg.ffmpeg_exe(), "-v", "error", "-i", str(path), "-f", "null", "-"],
        capture_output=True,
        text=True,
    )
    assert (result.returncode, result.stderr) == (0, "")


def test_streamed_and_whole_encodes_are_the_same_file(tmp_path):
    pcm, _ = marked(4.0)
    files = []
    for size in (1000, 12345, pcm.size):
        path = tmp_path / f"x{size}.mp3"
        encode_file(pcm, path, size)
        files.append(path.read_bytes())
    assert files[0] == files[1] == files[2]


def snr_db(original: np.ndarray, decoded: np.ndarray) -> float:
    noise = decoded[: original.size] - original
    return float(10 * np.log10(np.sum(original**2) / np.sum(noise**2)))


def test_quality_is_no_worse_than_ffmpegs_own_lame(tmp_path):
    """The same speech-like signal through ffmpeg's libmp3lame at its default quality and
    through breathcast's encoder: the coding noise is no louder."""
    rng = np.random.default_rng(5)
    n = 6 * SR
    t = np.arange(n) / SR
    buzz = sum(np.sin(2 * np.pi * 140 * k * t) / k for k in range(1, 12))
    pcm = 0.1 * (0.6 + 0.4 * np.sin(2 * np.pi * 4 * t)) * (buzz + 0.3 * rng.standard_normal(n))
    pcm = pcm.astype(np.float32)
    ours = tmp_path / "ours.mp3"
    encode_file(pcm, ours)
    theirs = tmp_path / "theirs.mp3"
    args = [*ffmpeg.pcm_format(SR), "-i", "pipe:0", "-c:a", "libmp3lame", "-b:a", "128k"]
    ffmpeg.run([*args, "-y", str(theirs)], pcm.tobytes(), "encode the reference")
    gain = 10 ** (0.45 / 20)  # both LAMEs return mono 0.45 dB quieter; compare the noise only
    ours_snr = snr_db(pcm, ffmpeg.decode_file(ours, SR) * gain)
    theirs_snr = snr_db(pcm, ffmpeg.decode_file(theirs, SR) * gain)
    assert ours_snr > 15
    assert ours_snr >= theirs_snr - 0.3, (ours_snr, theirs_snr)


@pytest.mark.parametrize("text", ["100k", "128", "abc", "1M"])
def test_a_bitrate_mp3_does_not_have_is_a_clear_error(text):
    with pytest.raises(AudioError, match="set \\[sound\\] bitrate to one of"):
        parse_bitrate(text)
    assert parse_bitrate("128k") == parse_bitrate("128000") == 128


def test_a_failed_or_cancelled_encode_leaves_no_file(tmp_path):
    pcm = (0.1 * np.random.default_rng(1).standard_normal(20 * SR)).astype(np.float32)
    dest = tmp_path / "x.mp3"

    def stopping(lo, hi):
        if lo > 8 * SR:
            raise BuildCancelled("cancelled while writing x.mp3")
        return pcm[lo:hi]

    with pytest.raises(BuildCancelled):
        encode_normalized(stopping, pcm.size, -20.0, dest, SoundSettings())
    assert list(tmp_path.iterdir()) == []


def running_min_naive(x, w):
    return np.array([x[i : i + w].min() for i in range(x.size - w + 1)])


@pytest.mark.parametrize(("n", "w"), [(50, 1), (50, 7), (1000, 441), (97, 97)])
def test_the_running_minimum_is_the_minimum(n, w):
    x = np.random.default_rng(n + w).standard_normal(n)
    assert np.array_equal(running_min(x, w), running_min_naive(x, w))


def peaky(seconds: float, seed: int) -> np.ndarray:
    """Noise at -40 dBFS with bursts that a +20 dB gain drives far over the ceiling."""
    rng = np.random.default_rng(seed)
    x = 0.01 * rng.standard_normal(int(seconds * SR))
    for start in rng.integers(0, x.size - SR // 10, 12):
        x[start : start + SR // 20] *= 40
    return x.astype(np.float32)


def test_the_limiter_holds_the_ceiling_smoothly_and_touches_nothing_else():
    x = peaky(10.0, 2)
    ceiling_db = -3.0
    master = Master(lambda lo, hi: x[lo:hi], x.size, SR, 20.0, ceiling_db)
    out = np.concatenate(list(master.chunks(SR)))
    assert out.size == x.size
    assert 20 * np.log10(np.max(np.abs(out))) <= ceiling_db + 1e-4
    plain = x * np.float32(10.0)  # +20 dB
    gain = np.divide(out, plain, out=np.ones_like(out), where=np.abs(plain) > 1e-3)
    quiet = np.abs(plain) < 0.3
    untouched = np.isclose(gain, 1.0, atol=1e-5)
    assert untouched.mean() > 0.5  # away from the bursts the gain is exactly the gain
    steps = np.abs(np.diff(gain[quiet & (np.abs(plain) > 0.05)]))
    assert steps.max() < 0.05  # the gain glides; it never jumps from one sample to the next


@pytest.mark.parametrize("size", [1000, 4410, 2**17])
def test_the_limited_stream_equals_the_whole_render(size):
    x = peaky(6.0, 3)
    master = Master(lambda lo, hi: x[lo:hi], x.size, SR, 20.0, -3.0)
    whole = master(0, x.size)
    streamed = np.concatenate(list(master.chunks(size)))
    assert np.max(np.abs(streamed - whole)) < 1e-6
