"""Every moment of her day: one script in many lengths (each within ±5 s at every ratio),
lengths that cannot be are errors at their line, names and GUIDs that carry on, the bedtime
fade, and the recurring melody."""

import json
import re
import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from conftest import REPO, SMALL_SCRIPT
from conftest import run_cli as run
from measure import high_band_db, max_jump

from breathcast.build.produce import episode_mixer, episode_plan
from breathcast.core import BreathPattern, ScriptError, SoundSettings, load_config
from breathcast.script import (
    Breathe,
    Chapter,
    EpisodeKey,
    Length,
    OptionalPart,
    loose_references,
    parse_duration,
    parse_script,
    read_script,
)
from breathcast.sound import ffmpeg, melody_clip, plan
from breathcast.sound.fitting import MIN_CYCLES, TOLERANCE_S, fit
from breathcast.sound.loudness import loudness_curve, measure_pcm
from breathcast.sound.mp3 import FRAME_SAMPLES
from breathcast.voice import VoicingContext, get_engine

SR = 44100
PATTERNS = [BreathPattern.parse(p) for p in ("4:6", "4:4", "3:6", "4:7:8")]
LONG = """---
title: Lang
lengths: 2m, 3m, 5m
---

# Begin
Fijn dat je er bent.
Ga rustig zitten.
[pauze 3s]

# Ademen
Adem rustig in. En weer uit.
[adem 6x]

# Extra
[optioneel]
Dit mag er ook uit.
Nog een zin die er uit mag.
[adem 4x]

# Einde
Dank je wel.
"""
SECOND = SR  # a clip of one second per spoken line


def clips(script, seconds: float = 2.0) -> dict[str, int]:
    return {s.text: int(seconds * SR) for s in script.spoken}


def dropped(script, fitted) -> list[str]:
    """The chapters a fitted script left out."""
    titles = lambda s: [c.title for c in s.steps if isinstance(c, Chapter)]  # noqa: E731
    return [t for t in titles(script) if t not in titles(fitted)]


def test_a_length_never_leaves_nothing_to_say():
    """Its only chapter optional: it stays, and a length too short for it says so."""
    text = "---\ntitle: A\nlengths: 20s\n---\n# Alles\n[optioneel]\nHallo daar.\n[adem 4x]\n"
    script = parse_script(text, "a.md")
    with pytest.raises(ScriptError) as caught:
        fit(script, clips(script), BreathPattern.parse("4:6"), SoundSettings(), script.lengths[0])
    assert "lengths: 20s is shorter than" in caught.value.detail.en
    assert caught.value.detail.nl.startswith("korter dan ")
    assert "in 4, uit 6" in caught.value.detail.nl


@pytest.mark.parametrize("pattern", PATTERNS, ids=str)
@pytest.mark.parametrize("length", ["2m", "3m", "5m"])
def test_every_length_lands_within_five_seconds_at_every_ratio(pattern, length):
    script = parse_script(LONG, "lang.md")
    made = script.length(length)
    sound = SoundSettings(sample_rate=SR)
    fitted = fit(script, clips(script), pattern, sound, made)
    duration = plan(fitted, clips(script), pattern, sound).duration_s
    assert made.seconds <= duration <= made.seconds + TOLERANCE_S  # and not 9:59 for 10:00
    # Whole breaths, at least MIN_CYCLES per block; the words are the same as written.
    blocks = [s for s in fitted.steps if isinstance(s, Breathe)]
    assert all(b.cycles is not None and b.cycles >= MIN_CYCLES for b in blocks)
    kept = {s.text for s in fitted.speech}
    assert kept <= {s.text for s in script.speech}
    if "Extra" in dropped(script, fitted):  # a chapter goes whole, or not at all
        assert not {"Dit mag er ook uit.", "Nog een zin die er uit mag."} & kept
    else:
        assert {"Dit mag er ook uit.", "Nog een zin die er uit mag."} <= kept


def test_a_short_length_leaves_out_the_optional_chapter_and_a_long_one_keeps_it():
    script = parse_script(LONG, "lang.md")
    sound, pattern = SoundSettings(sample_rate=SR), BreathPattern.parse("4:6")
    short = fit(script, clips(script), pattern, sound, script.length("2m"))
    assert dropped(script, short) == ["Extra"]
    assert dropped(script, fit(script, clips(script), pattern, sound, script.length("5m"))) == []
    chapter = next(s for s in script.steps if isinstance(s, Chapter) and s.title == "Extra")
    assert chapter.optional and chapter.line == 15


@pytest.mark.parametrize(
    ("lengths", "side", "dutch"),
    [("30s", "shorter", "korter"), ("40m", "longer", "langer")],
)
def test_an_impossible_length_is_an_error_at_the_lengths_line(lengths, side, dutch):
    script = parse_script(LONG.replace("2m, 3m, 5m", lengths), "lang.md")
    with pytest.raises(ScriptError) as caught:
        fit(script, clips(script), BreathPattern.parse("4:6"), SoundSettings(), script.lengths[0])
    error = caught.value
    assert (error.path, error.line) == ("lang.md", 3)
    assert f"lengths: {lengths} is {side} than this script can be at 4:6" in error.detail.en
    # The shortest (or longest) possible, in m:ss, in both languages.
    possible = re.search(r"(\d+:\d\d) with", error.detail.en).group(1)
    assert error.detail.nl.startswith(f"{dutch} dan {possible} kan niet")


def test_check_names_an_impossible_length_before_anything_is_voiced(project):
    script = project / "scripts" / "kort.md"
    script.write_text(SMALL_SCRIPT.replace("title: Korte test", "title: Korte test\nlengths: 25s"))
    result = run(project, "check")
    assert result.exit_code == 1
    assert "kort.md:3: lengths: 25s is shorter than this script can be" in result.output
    assert "ok      scripts/kort.md" not in result.output


def test_names_titles_and_guids_carry_the_length():
    three = Length("3m", 180.0)
    key = EpisodeKey("water-en-rust", BreathPattern.parse("4:6"), three)
    assert key.path == "water-en-rust/water-en-rust-4-6-3m.mp3"
    assert key.guid == "breathcast:water-en-rust:4-6:3m"
    assert key.title("Water & Rust") == "Water & Rust, 3 minuten, in 4 uit 6"
    heir = replace(key, legacy=True)  # what was published before the script had lengths
    assert (heir.path, heir.guid) == (
        "water-en-rust/water-en-rust-4-6.mp3",
        "breathcast:water-en-rust:4-6",
    )
    plain = EpisodeKey("kort", BreathPattern.parse("4:6"))
    assert (plain.path, plain.guid) == ("kort/kort-4-6.mp3", "breathcast:kort:4-6")


@pytest.mark.slow
def test_a_script_that_gains_lengths_keeps_its_published_name_and_guid(project):
    (project / "breathcast.toml").write_text(
        'ratios = ["4:6"]\n[podcast]\nowner_email = "a@example.nl"\n'
    )
    assert run(project, "build", "--engine", "espeak").exit_code == 0
    before = json.loads((project / "build" / "report.json").read_text())["episodes"][0]
    script = project / "scripts" / "kort.md"
    text = script.read_text().replace("title: Korte test", "title: K\nlengths: 1m30s, 55s")
    script.write_text(text)
    result = run(project, "build", "--engine", "espeak")
    assert result.exit_code == 0, result.output
    report = json.loads((project / "build" / "report.json").read_text())
    by_length = {e["length"]: e for e in report["episodes"]}
    # 55s is nearest the 53 s it was: it keeps kort-4-6.mp3; 1m30s is new, named with its length.
    assert before["duration_s"] == pytest.approx(53, abs=3)
    assert by_length["55s"]["path"] == "kort/kort-4-6.mp3"
    assert by_length["1m30s"]["path"] == "kort/kort-4-6-1m30s.mp3"
    for entry in by_length.values():
        assert abs(entry["duration_s"] - entry["target_s"]) <= TOLERANCE_S
    assert run(project, "publish", "--base-url", "https://e.nl/r", "--allow-offline-voice")
    feed = (project / "build" / "site" / "feed.xml").read_text(encoding="utf-8")
    guids = set(re.findall(r"<guid[^>]*>([^<]+)</guid>", feed))
    assert guids == {"breathcast:kort:4-6", "breathcast:kort:4-6:1m30s"}
    # The next build keeps the heir: nothing to do, the same names; and after `clean` (or in a
    # fresh build folder) too: the project remembers it, beside the scripts.
    again = run(project, "build", "--engine", "espeak")
    assert "0 built, 2 skipped" in again.output
    assert json.loads((project / "published-names.json").read_text()) == {"kort": "55s"}
    assert run(project, "clean").exit_code == 0
    run(project, "build", "--engine", "espeak")
    report = json.loads((project / "build" / "report.json").read_text())
    assert {e["length"]: e["path"] for e in report["episodes"]}["55s"] == "kort/kort-4-6.mp3"


@pytest.mark.slow
def test_every_shipped_length_lands_within_five_seconds_at_every_ratio(tmp_path):
    """The shipped scripts, their lines voiced by espeak, planned at every length and ratio;
    the short ones at their intended lengths."""
    project = tmp_path / "p"
    shutil.copytree(REPO / "scripts", project / "scripts")
    shutil.copy(REPO / "breathcast.toml", project / "breathcast.toml")
    config = load_config(project)
    context = VoicingContext.open(config)
    engine = get_engine("espeak", config)
    minutes = {}
    for path in sorted((project / "scripts").glob("*.md")):
        script = read_script(path)
        voiced = context.voice(script, engine, jobs=2)
        for pattern in script.ratios or config.ratios:
            for length in script.lengths or (None,):
                timeline = episode_plan(script, pattern, voiced.lengths, config, length)
                if length is not None:
                    assert abs(timeline.duration_s - length.seconds) <= TOLERANCE_S, (
                        path.name,
                        str(pattern),
                        length.text,
                        timeline.duration_s,
                    )
                elif pattern == BreathPattern.parse("4:6"):
                    speech_end = timeline.fade.start if timeline.fade else timeline.length
                    minutes[path.stem] = speech_end / timeline.sample_rate / 60
    assert 1.5 <= minutes["vijf-keer-uitademen"] <= 2.2  # about 2 min
    assert 1.0 <= minutes["ik-ben-hier"] <= 1.7  # about 1.5 min, with time to say it yourself
    assert minutes["een-rustige-uitademing"] < 1.0
    assert 2.5 <= minutes["slaapritueel"] <= 3.3  # about 3 min, then the 5-minute fade


BEDTIME = """---
title: Slapen
ambient: water
---

# Liggen
Lig lekker.
Leg je hand op je buik.
[adem 2x]

Slaap lekker.
[uitfaden 1m]
"""


@pytest.fixture(scope="module")
def bedtime(tmp_path_factory):
    """The shipped Slaapritueel at 4:6: two minutes, then five of water fading out."""
    project = tmp_path_factory.mktemp("slapen")
    (project / "scripts").mkdir()
    shutil.copy(REPO / "scripts" / "slaapritueel.md", project / "scripts")
    result = run(project, "build", "--engine", "espeak", "--ratio", "4:6")
    assert result.exit_code == 0, result.output
    config = load_config(project)
    script = read_script(project / "scripts" / "slaapritueel.md")
    voiced = VoicingContext.open(config).voice(script, get_engine("espeak", config), jobs=2)
    timeline, _ = episode_mixer(script, BreathPattern.parse("4:6"), voiced, config)
    mp3 = project / "build" / "slaapritueel" / "slaapritueel-4-6.mp3"
    return timeline, ffmpeg.decode_file(mp3, SR), config


@pytest.mark.slow
def test_the_bedtime_tail_fades_evenly_to_silence_without_a_click(bedtime):
    timeline, decoded, config = bedtime
    fade = timeline.fade
    assert fade is not None and fade.length == 300 * SR
    assert 0 <= timeline.length - fade.end < FRAME_SAMPLES  # whole MP3 frames
    assert timeline.melodies and timeline.melodies[-1].end < fade.start  # no closing melody
    assert all(b.start + b.length < fade.start for b in timeline.blocks)  # and no tone
    curve = loudness_curve([decoded], config.sound)  # short-term (3 s), every 0.1 s, as heard
    at = lambda seconds: int(round(seconds * 10)) - 1  # noqa: E731
    start_s = fade.start / SR + 3.0  # the 3 s window wholly in the tail
    tail = curve[at(start_s) : at(timeline.length / SR)]
    audible = tail[tail > -70]
    # Only ever down: every second no louder than the one before (0.3 LU for the meter's own
    # ripple on steady noise).
    per_second = audible[::10]
    assert np.all(np.diff(per_second) <= 0.3), np.diff(per_second).max()
    # Evenly: a straight line in LUFS (within 1 LU) until its last tenth takes it to silence,
    # 30 LU over the five minutes.
    even = per_second[: int(0.9 * fade.length / SR) - 3]
    t = np.arange(even.size)
    slope, offset = np.polyfit(t, even, 1)
    assert np.max(np.abs(even - (slope * t + offset))) < 1.0
    assert slope * 60 == pytest.approx(-30 / 5, abs=0.6)  # LU per minute
    # The last 10 s under -60 LUFS, and the very end is silence with no click.
    last = curve[at(timeline.length / SR - 10) :]
    assert np.all(last[np.isfinite(last)] < -60.0)
    assert np.max(np.abs(decoded[-SR // 10 :])) < 1e-4
    assert max_jump(decoded, decoded.size - SR, SR) < 1e-3


@pytest.mark.slow
def test_the_quiet_tail_does_not_pull_the_speech_off_the_target(bedtime):
    timeline, decoded, config = bedtime
    before_fade = measure_pcm(decoded[: timeline.fade.start], SR, dual_mono=True)
    whole = measure_pcm(decoded, SR, dual_mono=True)
    # Measured up to the fade, the speech sits on the target; the five quiet minutes after
    # it lower the whole file's figure (they pass the absolute gate and lower the relative
    # one), by about 1 LU, and never raise it.
    assert before_fade.integrated_lufs == pytest.approx(-16.0, abs=0.3)
    assert -1.6 <= whole.integrated_lufs - before_fade.integrated_lufs <= 0.0


def test_an_ending_fade_needs_a_bed_and_the_last_line():
    with pytest.raises(ScriptError) as caught:
        parse_script(BEDTIME.replace("ambient: water\n", ""), "s.md")
    assert caught.value.line == 11 and "ambient: water" in caught.value.detail.en
    with pytest.raises(ScriptError) as caught:
        parse_script(BEDTIME + "Nog iets.\n", "s.md")
    assert caught.value.line == 12 and "last line" in caught.value.detail.en


def test_the_melody_is_the_same_in_every_episode_and_ratio(tmp_path):
    """Its samples, at its place, are the same whatever the script, ratio or length."""
    project = tmp_path
    config = load_config(project)
    scripts = [parse_script(LONG, "lang.md"), parse_script(SMALL_SCRIPT, "kort.md")]
    openings = []
    for script in scripts:
        for pattern in PATTERNS[:3]:
            for length in script.lengths or (None,):
                voiced = _silent_voice(script)
                timeline, mixer = episode_mixer(script, pattern, voiced, config, length)
                first = timeline.melodies[0]
                openings.append(mixer.stems(0, first.end).melody[first.start :])
                if timeline.fade is None:  # the same melody closes it
                    last = timeline.melodies[-1]
                    closing = mixer.stems(last.start, last.end).melody
                    assert np.array_equal(closing, openings[-1])
    assert len(openings) == 12
    assert all(np.array_equal(o, openings[0]) for o in openings)
    seconds = openings[0].size / SR
    assert 4.0 <= seconds <= 6.0


def test_the_melody_has_no_clicks_and_sits_under_the_voice():
    sound = SoundSettings(sample_rate=SR)
    clip = melody_clip(sound, Path("."))
    assert clip[0] == 0.0 and abs(clip[-1]) < 1e-6  # it starts and ends on zero
    # Bell notes under 1.3 kHz: a click would splatter energy above 4 kHz. At its ends and
    # at every note's onset, that share stays under -60 dB.
    from breathcast.sound.melody import NOTES

    for at in [0, clip.size - 1, *(round(onset * SR) for _, onset in NOTES)]:
        assert high_band_db(clip, max(at, 441), 441, SR, 4000.0) < -60.0, at
    # Soft: its RMS 24 dB under the voice's.
    rms_db = 20 * np.log10(np.sqrt(np.mean(clip.astype(np.float64) ** 2)))
    assert rms_db < sound.speech_level_dbfs + sound.melody_level_db + 1.0
    assert melody_clip(replace(sound, melody=""), Path(".")) is None  # a setting turns it off


def _silent_voice(script):
    """A voice of one quiet second per line: enough to plan and mix without an engine."""
    from breathcast.voice import VoicedScript

    clip = np.zeros(SECOND, np.float32)
    texts = {s.text for s in script.spoken}
    return VoicedScript(
        clips={t: clip for t in texts},
        lengths={t: SECOND for t in texts},
        energy={t: np.zeros(101) for t in texts},
        engine="espeak",
        synthesized=0,
        cached=len(texts),
    )


PARTS = """---
title: Delen
lengths: 2m, 3m
---

# Begin
Fijn dat je er bent.

[optioneel 1]
Deze alinea mag als eerste weg.
En deze zin gaat met haar mee.

Deze zin blijft altijd.
[pauze 3s]

# Ademen
Adem rustig in. En weer uit.
[adem 6x]

# Water
[optioneel 2]
Het water komt en gaat.
[adem 6x]

# Extra
[optioneel]
Een zin die als laatste weg mag.

# Einde
Dank je wel.
"""


def fitted_at(text: str, length: str, pattern: str = "4:6"):
    script = parse_script(text, "delen.md")
    sound = SoundSettings(sample_rate=SR)
    made = Length(length, parse_duration(length))
    fitted = fit(script, clips(script), BreathPattern.parse(pattern), sound, made)
    return script, fitted, plan(fitted, clips(script), BreathPattern.parse(pattern), sound)


def test_optional_parts_go_in_their_order_and_words_go_before_breaths():
    """Every length from 200 s down to 65 s in 5 s steps: the paragraph marked 1 goes first
    (to its blank line: the chapter's next paragraph stays), then the chapter marked 2, then
    the unnumbered one; and while any optional part is kept, every block keeps at least the
    breaths written (before, each block was cut to 2 breaths before a chapter went)."""
    script = parse_script(PARTS, "delen.md")
    part = [s for s in script.steps if isinstance(s, OptionalPart)]
    assert [(p.line, p.rank) for p in part] == [(9, 1)]
    chapters = {s.title: (s.optional, s.rank) for s in script.steps if isinstance(s, Chapter)}
    assert chapters == {
        "Begin": (False, None),
        "Ademen": (False, None),
        "Water": (True, 2),
        "Extra": (True, None),
        "Einde": (False, None),
    }
    marked = {
        "paragraph": "Deze alinea mag als eerste weg.",
        "Water": "Het water komt en gaat.",
        "Extra": "Een zin die als laatste weg mag.",
    }
    order = []
    sound, pattern = SoundSettings(sample_rate=SR), BreathPattern.parse("4:6")
    for seconds in range(200, 64, -5):
        fitted = fit(script, clips(script), pattern, sound, Length(f"{seconds}s", seconds))
        spoken = {s.text for s in fitted.speech}
        gone = [name for name, line in marked.items() if line not in spoken]
        assert ("En deze zin gaat met haar mee." in spoken) == ("paragraph" not in gone)
        assert {"Deze zin blijft altijd.", "Dank je wel."} <= spoken
        if gone and gone not in order:
            order.append(gone)
        if len(gone) < len(marked):
            cycles = [s.cycles for s in fitted.steps if isinstance(s, Breathe)]
            assert min(cycles) >= 6, (seconds, gone, cycles)
    assert order == [["paragraph"], ["paragraph", "Water"], ["paragraph", "Water", "Extra"]]


def test_only_when_nothing_more_may_go_are_breaths_taken_down_to_min_cycles():
    script, fitted, timeline = fitted_at(PARTS, "70s")
    assert dropped(script, fitted) == ["Water", "Extra"]
    assert [b.cycles for b in timeline.blocks] == [MIN_CYCLES]
    assert 70.0 <= timeline.duration_s <= 70.0 + TOLERANCE_S


@pytest.mark.parametrize(
    ("mark", "en"),
    [
        ("Fijn dat je er bent.\n[optioneel]\nNog een zin.", "or after a blank line"),
        ("[optioneel twee]\nNog een zin.", "the order in which the parts go, 1 to 99"),
        ("[optioneel 0]\nNog een zin.", "the order in which the parts go, 1 to 99"),
    ],
)
def test_a_misplaced_or_misnumbered_optional_mark_is_an_error_at_its_line(mark, en):
    text = "---\ntitle: A\nlengths: 2m\n---\n# Begin\nHallo.\n\n" + mark + "\n[adem 6x]\n"
    with pytest.raises(ScriptError) as caught:
        parse_script(text, "a.md")
    lines = text.splitlines()
    assert caught.value.line == next(i for i, t in enumerate(lines, 1) if t.startswith("[optio"))
    assert en in caught.value.detail.en


LOOSE = """---
title: Water
lengths: 1m30s, 4m
---

# Aankomen
Fijn dat je er bent.
[adem 4x]

# Water
[optioneel]
Stel je voor dat je adem beweegt als water.
[adem 8x]

# Terugkomen
Laat het water langzaam wegstromen.
Dank je wel.
"""


def test_a_line_that_speaks_of_a_left_out_part_is_a_warning_at_its_line():
    """As Water & Rust had it: the closing chapter lets "het water" flow away, which only
    the optional Water chapter brought in. Where that chapter goes, the build says so at the
    line; where it stays, nothing is said."""
    script = parse_script(LOOSE, "water.md")
    sound, pattern = SoundSettings(sample_rate=SR), BreathPattern.parse("4:6")
    short = fit(script, clips(script), pattern, sound, script.length("1m30s"))
    assert dropped(script, short) == ["Water"]
    (warning,) = loose_references(script, short)
    assert warning.en.startswith("water.md:16: 'water' is first said at line 12, which this")
    assert warning.nl.startswith("water.md, regel 16: 'water' komt eerst voor op regel 12")
    long = fit(script, clips(script), pattern, sound, script.length("4m"))
    assert dropped(script, long) == [] and loose_references(script, long) == ()
