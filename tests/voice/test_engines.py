"""Both speech engines for real: espeak-ng via ctypes, gTTS against a local fake of Google."""

import numpy as np
import pytest
from conftest import closed_port
from fake_gtts import SECONDS_PER_CHAR, FakeGoogle

from breathcast.core import Config, EngineError, VoiceSettings
from breathcast.sound.dsp import TRIM_KEEP_AFTER_S, TRIM_KEEP_BEFORE_S
from breathcast.voice.cache import VoiceCache, clip_key
from breathcast.voice.engines import ENGINES, get_engine
from breathcast.voice.engines.gtts_engine import ENDPOINT_ENV
from breathcast.voice.voicing import PIECE_GAP_S, decode_speech

SR = 44100
VOICE = VoiceSettings()


def decoded(engine, text):
    audio = engine.synthesize(text)
    return decode_speech(audio, SR)


def test_espeak_speaks_dutch_offline():
    engine = get_engine("espeak", Config(voice=VOICE))
    short = decoded(engine, "Ik ben hier.")
    long = decoded(engine, "Ik ben hier. Je bent welkom. Adem rustig in, en nog rustiger uit.")
    assert 0.5 < short.size / SR < 3.0
    assert long.size > 3 * short.size
    assert 20 * np.log10(np.sqrt(np.mean(short**2))) > -40  # audible, not silence
    assert engine.identity()["espeak"].startswith("1.")


def test_espeak_speed_follows_words_per_minute():
    text = "Leg je hand op je buik en voel hoe je adem beweegt."
    slow = decoded(get_engine("espeak", Config(voice=VoiceSettings(espeak_wpm=100))), text).size
    fast = decoded(get_engine("espeak", Config(voice=VoiceSettings(espeak_wpm=200))), text).size
    assert 1.6 < slow / fast < 2.4


def test_espeak_unknown_voice_is_a_clear_error():
    with pytest.raises(EngineError, match="no voice 'xx-nope'"):
        get_engine("espeak", Config(voice=VoiceSettings(espeak_voice="xx-nope"))).synthesize(
            "Hallo."
        )


def test_gtts_voice_comes_through_the_real_gtts_code_path(fake_google):
    pcm = decoded(get_engine("gtts", Config(voice=VOICE)), "Je bent welkom.")
    assert fake_google.requests == ["Je bent welkom."]
    expected = 0.3 + SECONDS_PER_CHAR * len("Je bent welkom.")  # the fake's padding + speech
    assert pcm.size / SR == pytest.approx(expected, abs=0.08)  # 24 kHz MP3 resampled to 44.1 kHz


@pytest.mark.slow
def test_gtts_long_lines_arrive_in_pieces_and_join_seamlessly(fake_google):
    text = (
        "Stel je voor dat je adem beweegt als water, als een zachte golf die aan komt rollen, "
        "en weer terugstroomt, rustig en zacht, zonder haast, precies zoals jij het nodig hebt."
    )
    pcm = decoded(get_engine("gtts", Config(voice=VOICE)), text)
    pieces = fake_google.requests
    assert len(pieces) >= 2
    # No word doubled or lost across the split.
    assert " ".join(pieces).replace(",", "").split() == text.replace(",", "").split()
    # Each piece is trimmed of its padding and encoder delay; the joins are short pauses.
    speech = sum(SECONDS_PER_CHAR * len(t) for t in pieces)
    margins = len(pieces) * (TRIM_KEEP_BEFORE_S + TRIM_KEEP_AFTER_S)
    expected = speech + margins + PIECE_GAP_S * (len(pieces) - 1)
    assert pcm.size / SR == pytest.approx(expected, abs=0.03 * len(pieces))
    # The pauses at the joins are clean silence, entered and left through faded edges.
    silent = np.concatenate([[0], (np.abs(pcm) < 1e-6).astype(int), [0]])
    edges = np.flatnonzero(np.diff(silent))  # starts and ends of silent runs, alternating
    gaps = [(a, b) for a, b in zip(edges[::2], edges[1::2], strict=True) if b - a > 0.1 * SR]
    assert len(gaps) == len(pieces) - 1
    for start, end in gaps:
        assert np.max(np.abs(np.diff(pcm[start - 20 : end + 20]))) < 0.01


def test_gtts_unreachable_is_a_clear_engine_error(monkeypatch):
    monkeypatch.setenv(ENDPOINT_ENV, f"http://127.0.0.1:{closed_port()}/x")
    with pytest.raises(EngineError, match="gTTS could not voice the line.*--engine espeak"):
        get_engine("gtts", Config(voice=VOICE)).synthesize("Hallo.")


def test_gtts_server_error_is_a_clear_engine_error(monkeypatch):
    with FakeGoogle(status=500) as fake:
        monkeypatch.setenv(ENDPOINT_ENV, fake.url)
        with pytest.raises(EngineError, match="500"):
            get_engine("gtts", Config(voice=VOICE)).synthesize("Hallo.")
        assert fake.requests == ["Hallo."]


def test_unknown_engine_lists_the_valid_ones():
    with pytest.raises(EngineError, match="choose one of: auto, espeak, gtts"):
        get_engine("piper", Config(voice=VOICE))
    assert sorted(ENGINES) == ["espeak", "gtts", "opname"]


def test_cache_key_covers_engine_options_and_text():
    gtts = get_engine("gtts", Config(voice=VOICE)).identity()
    espeak = get_engine("espeak", Config(voice=VOICE)).identity()
    keys = {
        clip_key(gtts, "Hallo."),
        clip_key(gtts, "Hallo!"),
        clip_key({**gtts, "lang": "en"}, "Hallo."),
        clip_key({**gtts, "slow": True}, "Hallo."),
        clip_key({**gtts, "tld": "nl"}, "Hallo."),
        clip_key(espeak, "Hallo."),
        clip_key({**espeak, "wpm": 150}, "Hallo."),
        clip_key({**espeak, "voice": "nl+f3"}, "Hallo."),
    }
    assert len(keys) == 8
    assert clip_key(gtts, "  Hallo. ") == clip_key(gtts, "Hallo.")  # normalized text


def test_cache_round_trips_and_rejects_damaged_files(tmp_path):
    cache = VoiceCache(tmp_path, SR)
    pcm = (0.5 * np.sin(np.arange(SR) / 10)).astype(np.float32)
    path = cache.store("espeak", "k" * 64, pcm)
    loaded = cache.load("espeak", "k" * 64)
    assert np.max(np.abs(loaded - pcm)) < 1 / 32767 + 1e-6
    names = sorted(p.name for p in path.parent.iterdir())
    assert names == [path.with_suffix(".sha256").name, path.name]  # no temp files left
    path.write_bytes(path.read_bytes()[:30])
    assert cache.load("espeak", "k" * 64) is None
    assert cache.load("espeak", "missing") is None


def test_a_clip_from_before_checksums_is_adopted_unless_it_is_cut_short(tmp_path):
    cache = VoiceCache(tmp_path, SR)
    pcm = (0.5 * np.sin(np.arange(SR) / 10)).astype(np.float32)
    whole = cache.store("espeak", "a" * 64, pcm)
    whole.with_suffix(".sha256").unlink()  # as a cache written before checksums
    adopted = cache.load("espeak", "a" * 64)
    assert np.max(np.abs(adopted - pcm)) < 1 / 32767 + 1e-6  # the same audio, read back
    assert whole.with_suffix(".sha256").is_file()  # adopted
    cut = cache.store("espeak", "b" * 64, pcm)
    cut.with_suffix(".sha256").unlink()
    cut.write_bytes(cut.read_bytes()[: len(cut.read_bytes()) // 2])
    assert cache.load("espeak", "b" * 64) is None
    assert not cut.exists()
