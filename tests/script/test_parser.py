"""Reading a script: its values, its paragraphs, and errors that name the file and line."""

import dataclasses

import pytest

from breathcast.core import BreathPattern, ScriptError
from breathcast.script import (
    Chapter,
    Speech,
    normalize_text,
    parse_duration,
    parse_script,
    read_script,
    slugify,
)

HEADER = "---\ntitle: Test\ndescription: Iets rustigs.\n---\n"


def body(text: str):
    return parse_script(HEADER + text, "t.md")


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


BROKEN = (
    "---\n"
    "title: Proef\n"
    "colour: blauw\n"  # 3: an unknown key
    "---\n"
    "# Begin\n"
    "Adem in.\n"
    "[adem 4:6 x3]\n"  # 7: the ratio written in the text
    "[pauze lang]\n"  # 8: no duration
    "Tekst met [pauze 3s] erin.\n"  # 9: a directive inside a line
    "[adem 3x]\n"
    "[optioneel zeker]\n"  # 11: two errors' worth of line, one mark
)


def test_every_line_that_is_not_right_is_said_at_once_one_each():
    with pytest.raises(ScriptError) as info:
        parse_script(BROKEN, "scripts/x.md")
    each = info.value.each()
    assert [e.line for e in each] == [3, 7, 8, 9, 11]
    assert (info.value.line, info.value.detail) == (3, each[0].detail)  # still the first
    assert str(info.value).splitlines() == [str(e) for e in each]  # file:line, a line each
    assert each[1].detail.nl.endswith("[adem 3x]")


def test_one_error_is_one_script_error_as_before():
    with pytest.raises(ScriptError) as info:
        parse_script("---\ntitle: T\n---\nHallo.\n[pauze 20m]\n", "x.md")
    assert type(info.value) is ScriptError and info.value.each() == [info.value]
