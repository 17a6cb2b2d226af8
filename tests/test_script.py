import dataclasses
import re
from pathlib import Path

import pytest

from breathcast.core import BreathPattern, ScriptError
from breathcast.script import (
    Breathe,
    Chapter,
    FadeOut,
    Pause,
    Speech,
    normalize_text,
    parse_duration,
    parse_script,
    read_script,
    slugify,
)

REPO = Path(__file__).resolve().parent.parent
SHIPPED = sorted((REPO / "scripts").glob("*.md"))

HEADER = "---\ntitle: Test\ndescription: Iets rustigs.\n---\n"


def body(text: str):
    return parse_script(HEADER + text, "t.md")


def test_every_directive_and_its_line():
    script = body(
        "# Aankomen\n"  # line 5
        "Ga  zitten.\n"  # 6
        "\n"  # 7: paragraph pause
        "\n"  # 8: same paragraph, no second pause
        "[pauze 3s]\n"  # 9
        "[pause 1.5s]\n"  # 10
        "[PAUZE 1m30s]\n"  # 11
        "[adem 6x]\n"  # 12
        "[breathe 2m cues]\n"  # 13
        "[adem 90s]\n"  # 14
        "## Terug\n"  # 15
        "Dank je wel.\n"  # 16
    )
    assert script.title == "Test"
    assert script.description == "Iets rustigs."
    assert script.steps == (
        Chapter("Aankomen", 5),
        Speech("Ga zitten.", 6),
        Pause(None, 7),
        Pause(3.0, 9),
        Pause(1.5, 10),
        Pause(90.0, 11),
        Breathe(12, cycles=6),
        Breathe(13, seconds=120.0, cues=True),
        Breathe(14, seconds=90.0),
        Chapter("Terug", 15),
        Speech("Dank je wel.", 16),
    )


def test_values_are_immutable():
    script = body("Hallo.\n")
    with pytest.raises(dataclasses.FrozenInstanceError):
        script.title = "Anders"
    with pytest.raises(dataclasses.FrozenInstanceError):
        script.steps[0].text = "Anders"
    assert isinstance(script.steps, tuple)


def test_no_paragraph_pause_at_start_under_heading_or_at_end():
    script = body("\n\n# Begin\n\nHallo.\n\n\n")
    assert script.steps == (Chapter("Begin", 7), Speech("Hallo.", 9))


def test_breathe_duration_rounds_to_whole_cycles():
    pattern = BreathPattern.parse("4:6")
    assert Breathe(1, seconds=120).cycle_count(pattern) == 12
    assert Breathe(1, seconds=124).cycle_count(pattern) == 12
    assert Breathe(1, seconds=126).cycle_count(pattern) == 13
    assert Breathe(1, seconds=3).cycle_count(pattern) == 1
    assert Breathe(1, cycles=5).cycle_count(BreathPattern.parse("3:6")) == 5


def test_front_matter_ratios_override():
    script = parse_script("---\ntitle: T\nratios: 4:6, 4.5:5.5\n---\nHallo.\n", "t.md")
    assert script.ratios == (BreathPattern.parse("4:6"), BreathPattern.parse("4.5:5.5"))


@pytest.mark.parametrize(
    ("text", "line", "needle"),
    [
        (HEADER + "Hallo.\n[fluister 3s]\n", 6, "unknown directive [fluister]"),
        (HEADER + "Hallo.\n[pauze drie]\n", 6, "expected a duration like 5s"),
        (HEADER + "Hallo.\n[pauze 3]\n", 6, "expected a duration like 5s"),
        (HEADER + "Hallo.\n[pauze 0s]\n", 6, "expected a duration like 5s"),
        (HEADER + "Hallo.\n[adem zes]\n", 6, "number of breaths like 6x"),
        (HEADER + "Hallo.\n[adem 0x]\n", 6, "breathe between 1 and"),
        (HEADER + "Hallo.\n[adem 2h]\n", 6, "number of breaths like 6x"),
        (HEADER + "Hallo.\n[adem 6x luid]\n", 6, "unknown option 'luid'"),
        (HEADER + "Hallo.\n\n[pauze 11m]\n", 7, "at most 10 minutes"),
        (HEADER + "Hallo.\n[pauze 601s]\n", 6, "at most 10 minutes"),
        (HEADER + "Hallo.\n[pauze 5s\n", 6, "malformed directive"),
        (HEADER + "Hallo [pauze 5s] daar.\n", 5, "on a line of its own"),
        (HEADER + "#\nHallo.\n", 5, "needs a title"),
        ("Hallo.\n", 1, "no title"),
        ("---\ndescription: x\n---\nHallo.\n", 1, "no title"),
        ("---\ntitle:\n---\nHallo.\n", 2, "no title"),
        ("---\ntitle: T\nauthor: X\n---\nHallo.\n", 3, "unknown front-matter key 'author'"),
        ("---\ntitle: T\ntitle: U\n---\nHallo.\n", 3, "set twice (first on line 2)"),
        ("---\ntitle: T\nzomaar\n---\nHallo.\n", 3, "expected `key: value`"),
        ("---\ntitle: T\nHallo.\n", 3, "expected `key: value`"),
        ("---\ntitle: T\n", 1, "never closed"),
        ("---\ntitle: T\nratios: 4:0\n---\nHallo.\n", 3, "more than 0 seconds"),
        (HEADER, 4, "no spoken lines"),
        (HEADER + "# Alleen een kop\n[adem 3x]\n", 5, "no spoken lines"),
        ("", 1, "no title"),
    ],
)
def test_errors_name_file_and_line(text, line, needle):
    with pytest.raises(ScriptError) as info:
        parse_script(text, "scripts/x.md")
    assert info.value.line == line
    assert needle in info.value.detail.en
    assert str(info.value).startswith(f"scripts/x.md:{line}: ")


def test_non_utf8_bytes_point_at_their_line():
    data = (HEADER + "Hallo.\nEen caf\xe9.\n").encode("latin-1")
    with pytest.raises(ScriptError) as info:
        parse_script(data, "x.md")
    assert info.value.line == 6
    assert "0xe9 is not UTF-8" in info.value.detail.en


def test_utf8_bom_and_crlf_are_fine():
    script = parse_script(("\ufeff" + HEADER + "Hallo.\r\n").replace("\n", "\r\n").encode(), "x.md")
    assert script.title == "Test"
    assert script.speech == (Speech("Hallo.", 5),)


def test_missing_file_is_a_script_error(tmp_path):
    with pytest.raises(ScriptError, match="cannot read the script"):
        read_script(tmp_path / "weg.md")


def test_helpers():
    assert parse_duration("5s") == 5
    assert parse_duration("1,5s") == 1.5
    assert parse_duration("2m") == 120
    assert parse_duration("1m30s") == 90
    assert parse_duration("5") is None
    assert parse_duration("m") is None
    assert normalize_text("  Caf\u0065\u0301   fijn ") == "Caf\u00e9 fijn"
    assert slugify("Water & Rust") == "water-rust"
    assert slugify("Één warme plek!") == "een-warme-plek"
    assert slugify("日本") == "script"


@pytest.mark.parametrize("path", SHIPPED, ids=[p.name for p in SHIPPED])
def test_shipped_scripts_round_trip_to_their_source_lines(path):
    """Every body line of the file maps to exactly one step, and every step back to its line."""
    script = read_script(path)
    lines = path.read_text(encoding="utf-8").splitlines()
    for step in script.steps:
        source = lines[step.line - 1].strip()
        if isinstance(step, Speech):
            assert normalize_text(source) == step.text
        elif isinstance(step, Chapter):
            assert source == f"# {step.title}"
            if step.optional:  # `[optioneel]` right under its heading
                assert lines[step.line].strip() == "[optioneel]"
        elif isinstance(step, Pause) and step.seconds is None:
            assert source == ""
        elif isinstance(step, Pause | FadeOut):
            assert parse_duration(source.strip("[]").split()[1]) == step.seconds
        else:
            assert source.startswith("[adem ")
    body_start = lines.index("---", 1) + 1
    meaningful = {n for n in range(body_start + 1, len(lines) + 1) if lines[n - 1].strip()}
    marks = {s.line + 1 for s in script.steps if isinstance(s, Chapter) and s.optional}
    assert meaningful == marks | {
        s.line for s in script.steps if not (isinstance(s, Pause) and s.seconds is None)
    }


SEED = REPO.parent / "shared" / "seed"
_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"})


@pytest.mark.parametrize("path", SHIPPED, ids=[p.name for p in SHIPPED])
def test_shipped_scripts_are_exercises_on_the_page_from_her_words(path):
    """Each has a title, a description and its group on the page; the long ones have
    chapters, pauses and breathing blocks; and each names, in a comment, the sentence of
    hers it comes from (checked against her text where the seed folder is beside the repo)."""
    script = read_script(path)
    assert script.title and script.description and script.group
    assert any(isinstance(s, Breathe) for s in script.steps)
    if script.lengths:
        assert sum(isinstance(s, Chapter) for s in script.steps) >= 4
        assert sum(isinstance(s, Breathe) for s in script.steps) >= 2
        assert sum(isinstance(s, Pause) and s.seconds is not None for s in script.steps) >= 3
        assert isinstance(script.steps[0], Chapter)
    front = path.read_text(encoding="utf-8").split("---")[1]
    sources = re.findall(r"^# bron: (.+)$", front, re.MULTILINE)
    assert sources, f'{path.name} names no seed sentence (# bron: "…")'
    quoted = re.findall(r'"([^"]{12,})"', sources[0].translate(_QUOTES))
    assert quoted
    seed_files = sorted(SEED.glob("*.txt")) if SEED.is_dir() else []
    if seed_files:
        seed = " ".join(f.read_text(encoding="utf-8") for f in seed_files).translate(_QUOTES)
        for sentence in quoted:
            assert " ".join(sentence.split()) in " ".join(seed.split()), sentence


def test_lint_gives_advice_with_file_and_line():
    from breathcast.script import Lexicon, lint_lexicon, lint_script

    script = parse_script(
        HEADER
        + "# Leeg\n"  # 5
        + "# Begin\n"  # 6
        + "[adem 3x]\n"  # 7: no introduction
        + "Hallo.\n"  # 8
        + "[pauze 2s]\n"  # 9
        + "\n"  # 10
        + "[pauze 3s]\n"  # 11: two pauses in a row
        + ("Dit is een heel lange zin " * 5)
        + "\n"  # 12
        + "# Einde\n",  # 13: no speech
        "s.md",
    )
    notes = [str(note) for note in lint_script(script)]
    assert [n.split(":")[1] for n in notes] == ["5", "7", "11", "12", "13"]
    assert "chapter 'Leeg' has no speech" in notes[0]
    assert "no spoken introduction" in notes[1]
    assert "two pauses in a row" in notes[2]
    assert "a long line (129 characters)" in notes[3]
    lexicon = Lexicon((("Hallo", "hal-lo", 1), ("NICU", "nie-kuu", 2)), "scripts/uitspraak.txt")
    assert [str(note) for note in lint_lexicon(lexicon, [script])] == [
        "scripts/uitspraak.txt:2: 'NICU' appears in no script; remove it or check its spelling"
    ]
    for path in SHIPPED:
        assert lint_script(read_script(path)) == []
