"""Voicing a script: concurrency, retries, trimming, one level, tempo, pronunciation."""

import time

import numpy as np
import pytest
from fake_gtts import SECONDS_PER_CHAR, FakeGoogle
from measure import dominant_frequency

from breathcast.core import Config, EngineError, ScriptError, SoundSettings, VoiceSettings
from breathcast.script import Lexicon, parse_script, read_lexicon
from breathcast.sound import speech_rms
from breathcast.sound.loudness import measure_pcm
from breathcast.voice import get_engine
from breathcast.voice.cache import VoiceCache
from breathcast.voice.engines.gtts_engine import ENDPOINT_ENV
from breathcast.voice.voicing import VoiceOptions, prepare_clip, voice_script

SR = 44100
SOUND = SoundSettings()
LINES = [f"Dit is zin nummer {n}, rustig uitgesproken." for n in range(12)]
SCRIPT = parse_script("---\ntitle: T\n---\n" + "\n".join(LINES) + "\n", "scripts/t.md")


def voice_with(fake, tmp_path, monkeypatch, **options):
    monkeypatch.setenv(ENDPOINT_ENV, fake.url)
    engine = get_engine("gtts", Config(voice=VoiceSettings()))
    return voice_script(SCRIPT, engine, VoiceCache(tmp_path, SR), VoiceOptions(SOUND, **options))


@pytest.mark.slow
@pytest.mark.parametrize("jobs", [1, 4])
def test_uncached_lines_are_synthesized_concurrently_up_to_the_pool_size(
    jobs, tmp_path, monkeypatch
):
    with FakeGoogle(delay_s=0.1) as fake:
        voiced = voice_with(fake, tmp_path, monkeypatch, jobs=jobs)
    assert voiced.synthesized == len(LINES)
    assert fake.max_in_flight == jobs


@pytest.mark.parametrize(
    "failure",
    [429, 500, 503, ("status", 429, 1), "drop", ("sleep", 2.0)],
    ids=["429", "500", "503", "429-retry-after", "dropped", "timeout"],
)
@pytest.mark.slow
def test_transient_failures_are_retried(failure, tmp_path, monkeypatch):
    first_line = LINES[0]

    def behaviour(text, nth):
        return failure if text == first_line and nth == 1 else None

    monkeypatch.setattr("breathcast.voice.voicing.RETRY_FIRST_S", 0.05)
    sound_voice = VoiceSettings(gtts_timeout_s=0.5)
    with FakeGoogle(behaviour=behaviour) as fake:
        monkeypatch.setenv(ENDPOINT_ENV, fake.url)
        started = time.monotonic()
        voiced = voice_script(
            SCRIPT,
            get_engine("gtts", Config(voice=sound_voice)),
            VoiceCache(tmp_path, SR),
            VoiceOptions(SOUND),
        )
        waited = time.monotonic() - started
    assert voiced.synthesized == len(LINES)
    assert fake.requests.count(first_line) == 2
    if failure == ("status", 429, 1):
        assert waited >= 1.0  # Retry-After: 1 was honoured


@pytest.mark.slow
def test_when_the_budget_runs_out_every_unvoiced_line_is_named_and_the_rest_stay_cached(
    tmp_path, monkeypatch
):
    broken = {LINES[2], LINES[7]}
    with FakeGoogle(behaviour=lambda text, nth: 503 if text in broken else None) as fake:
        with pytest.raises(EngineError) as info:
            voice_with(fake, tmp_path, monkeypatch, deadline=time.monotonic() + 1.0)
        assert fake.requests.count(LINES[2]) >= 2  # it was retried before giving up
    message = str(info.value)
    assert message.count("scripts/t.md:") == 2
    assert "scripts/t.md:6: gTTS could not voice the line (503" in message  # LINES[2] is line 6
    assert "scripts/t.md:11: " in message
    assert "the retry budget is spent" in message
    assert len(list((tmp_path / "gtts").glob("*.wav"))) == len(LINES) - 2
    with FakeGoogle() as fake:  # the rerun fetches only the two that failed
        voiced = voice_with(fake, tmp_path, monkeypatch)
    assert sorted(fake.requests) == sorted(broken)
    assert (voiced.synthesized, voiced.cached) == (2, len(LINES) - 2)


@pytest.mark.slow
def test_a_client_error_is_not_retried(tmp_path, monkeypatch):
    fake = FakeGoogle(behaviour=lambda text, nth: 400 if text == LINES[0] else None)
    with fake, pytest.raises(EngineError, match="scripts/t.md:4: .*400"):
        voice_with(fake, tmp_path, monkeypatch)
    assert fake.requests.count(LINES[0]) == 1


@pytest.mark.slow
def test_clips_are_trimmed_of_the_engines_padding(tmp_path, monkeypatch):
    with FakeGoogle() as fake:
        voiced = voice_with(fake, tmp_path, monkeypatch)
    for text, clip in voiced.clips.items():
        audible = np.flatnonzero(np.abs(clip) > 1e-3 * np.max(np.abs(clip)))
        lead, tail = audible[0] / SR, (clip.size - audible[-1]) / SR
        # The fake pads 0.15 s on each side; what is left is the deliberate margin.
        assert lead <= 0.03 and tail <= 0.06, (text, lead, tail)
        assert clip.size / SR == pytest.approx(SECONDS_PER_CHAR * len(text) + 0.07, abs=0.03)


@pytest.mark.slow
def test_every_clip_has_one_speech_level(tmp_path):
    """Measured independently of the leveller: ITU-R BS.1770 loudness of each clip."""
    engine = get_engine("espeak", Config(voice=VoiceSettings()))
    voiced = voice_script(SCRIPT, engine, VoiceCache(tmp_path, SR), VoiceOptions(SOUND))
    levels = [measure_pcm(clip, SR).integrated_lufs for clip in voiced.clips.values()]
    assert max(levels) - min(levels) <= 1.0  # LU across 12 lines (measured here: 0.4)
    rms = [20 * np.log10(speech_rms(clip, SR)) for clip in voiced.clips.values()]
    assert np.mean(rms) == pytest.approx(SOUND.speech_level_dbfs, abs=0.3)


@pytest.mark.slow
def test_no_clip_and_no_episode_sits_off_zero(tmp_path):
    """espeak's clips sat up to 1e-3 off zero (its glottal pulses are lopsided), 7e-4 in an
    episode: every prepared clip, and the episode made of them, has its mean at zero."""
    from conftest import SMALL_SCRIPT, run_cli

    from breathcast.sound import ffmpeg

    engine = get_engine("espeak", Config(voice=VoiceSettings()))
    voiced = voice_script(SCRIPT, engine, VoiceCache(tmp_path, SR), VoiceOptions(SOUND))
    offsets = [abs(float(np.mean(clip, dtype=np.float64))) for clip in voiced.clips.values()]
    assert len(offsets) == 12 and max(offsets) < 2e-5  # was 1.8e-3 to 2.5e-3
    project = tmp_path / "project"
    (project / "scripts").mkdir(parents=True)
    (project / "scripts" / "kort.md").write_text(SMALL_SCRIPT, encoding="utf-8")
    (project / "breathcast.toml").write_text('ratios = ["4:6"]\n')
    assert run_cli(project, "build", "--engine", "espeak").exit_code == 0
    episode = ffmpeg.decode_file(project / "build" / "kort" / "kort-4-6.mp3", SR)
    assert abs(float(np.mean(episode, dtype=np.float64))) < 5e-5


@pytest.mark.parametrize("tempo", [0.8, 0.9, 1.2])
def test_tempo_changes_speed_not_pitch(tempo):
    t = np.arange(3 * SR) / SR
    vowel = (0.1 * np.sin(2 * np.pi * 180 * t) * (0.6 + 0.4 * np.sin(2 * np.pi * 3 * t))).astype(
        np.float32
    )
    normal, changed = prepare_clip(vowel, SOUND), prepare_clip(vowel, SOUND, tempo)
    assert normal.size / changed.size == pytest.approx(tempo, rel=0.02)
    middle = slice(changed.size // 2 - SR // 4, changed.size // 2 + SR // 4)
    assert dominant_frequency(changed[middle], SR) == pytest.approx(180, abs=2)


@pytest.mark.slow
def test_tempo_is_part_of_the_prepared_cache_key_not_the_engine_key(tmp_path, monkeypatch):
    with FakeGoogle() as fake:
        voice_with(fake, tmp_path, monkeypatch)
        monkeypatch.setenv(ENDPOINT_ENV, fake.url)
        slow = voice_script(
            SCRIPT,
            get_engine("gtts", Config(voice=VoiceSettings())),
            VoiceCache(tmp_path, SR),
            VoiceOptions(SOUND),
            tempo=0.9,
        )
    assert len(fake.requests) == len(LINES)  # no second engine call for a new tempo
    assert slow.cached == len(LINES)
    assert len(list((tmp_path / "prepared").glob("*.wav"))) == 2 * len(LINES)


def test_pronunciation_applies_to_every_engine_and_only_changes_the_lines_it_touches(
    tmp_path, monkeypatch
):
    script = parse_script("---\ntitle: T\n---\nOp de NICU.\nRustig ademen.\n", "s.md")
    lexicon = Lexicon((("NICU", "nie-kuu", 3),))
    assert lexicon.apply("Op de NICU, de NICU-afdeling.") == "Op de nie-kuu, de nie-kuu-afdeling."
    assert lexicon.apply("NICUS en PICU") == "NICUS en PICU"  # whole words only
    with FakeGoogle() as fake:
        monkeypatch.setenv(ENDPOINT_ENV, fake.url)
        engine = get_engine("gtts", Config(voice=VoiceSettings()))
        cache = VoiceCache(tmp_path, SR)
        voice_script(script, engine, cache, VoiceOptions(SOUND))
        fake.requests.clear()
        voiced = voice_script(script, engine, cache, VoiceOptions(SOUND, lexicon=lexicon))
    assert fake.requests == ["Op de nie-kuu."]
    assert set(voiced.clips) == {"Op de NICU.", "Rustig ademen."}  # placed by the written text


def test_lexicon_file_errors_name_the_line(tmp_path):
    path = tmp_path / "uitspraak.txt"
    path.write_text("# afkortingen\nNICU = nie-kuu\n\nzomaar iets\n", encoding="utf-8")
    with pytest.raises(ScriptError) as info:
        read_lexicon(path)
    assert (info.value.line, str(info.value)) == (
        4,
        f"{path}:4: expected `WORD = how to say it`, got 'zomaar iets'",
    )
    path.write_text("NICU = nie-kuu\nNICU = nikkoe\n", encoding="utf-8")
    with pytest.raises(ScriptError, match=":2: 'NICU' is listed twice"):
        read_lexicon(path)
    assert read_lexicon(tmp_path / "geen.txt").entries == ()


def test_an_ellipsis_gets_a_longer_pause():
    from breathcast.core import BreathPattern
    from breathcast.sound import plan

    script = parse_script("---\ntitle: T\n---\nEn laat los...\nNu.\nZacht…\nKlaar.\n", "t.md")
    t = plan(script, {s.text: SR for s in script.speech}, BreathPattern.parse("4:6"), SOUND)
    gaps = [(b.start - a.start - a.length) / SR for a, b in zip(t.clips, t.clips[1:], strict=False)]
    assert gaps == pytest.approx(
        [
            SOUND.line_gap_s + SOUND.ellipsis_pause_s,
            SOUND.line_gap_s,
            SOUND.line_gap_s + SOUND.ellipsis_pause_s,
        ],
        abs=1 / SR,
    )


def test_script_tempo_front_matter():
    assert parse_script("---\ntitle: T\ntempo: 0,9\n---\nHallo.\n").tempo == 0.9
    with pytest.raises(ScriptError, match="tempo: '3' must be a number from 0.5 to 2"):
        parse_script("---\ntitle: T\ntempo: 3\n---\nHallo.\n")


@pytest.mark.slow
def test_the_offline_voice_gives_the_same_samples_however_many_jobs_voice_it(tmp_path):
    """espeak-ng keeps state from one line to the next (its wave generator's statics), so a
    line's samples depend on the lines voiced before it: two builds from nothing, each a
    command of its own with several voicing jobs, must voice in one order and give the same
    files, byte for byte."""
    from conftest import REPO, start_cli

    made = []
    for name in ("eerste", "tweede"):
        project = tmp_path / name
        (project / "scripts").mkdir(parents=True)
        for script in ("water-en-rust.md", "vijf-keer-uitademen.md"):
            text = (REPO / "scripts" / script).read_text(encoding="utf-8")
            (project / "scripts" / script).write_text(text, encoding="utf-8")
        (project / "breathcast.toml").write_text('ratios = ["4:6"]\n')
        build = start_cli(project, "build", "--engine", "espeak", "--tts-jobs", "4",
                          "scripts/vijf-keer-uitademen.md")  # fmt: skip
        output, _ = build.communicate(timeout=300)
        assert build.returncode == 0, output
        made.append(project)
    first, second = (
        {p.relative_to(m).as_posix(): p.read_bytes() for p in (m / "voice").rglob("*")
         if p.is_file()} for m in made
    )  # fmt: skip
    assert len(first) > 10 and first.keys() == second.keys()
    assert [name for name in first if first[name] != second[name]] == []
    mp3 = "build/vijf-keer-uitademen/vijf-keer-uitademen-4-6.mp3"
    assert (made[0] / mp3).read_bytes() == (made[1] / mp3).read_bytes()
