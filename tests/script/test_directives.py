"""The bracketed directives and headings: each step at its line, breaths in whole cycles."""

from breathcast.core import BreathPattern
from breathcast.script import Breathe, Chapter, Pause, Speech, parse_script

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


def test_breathe_duration_rounds_to_whole_cycles():
    pattern = BreathPattern.parse("4:6")
    assert Breathe(1, seconds=120).cycle_count(pattern) == 12
    assert Breathe(1, seconds=124).cycle_count(pattern) == 12
    assert Breathe(1, seconds=126).cycle_count(pattern) == 13
    assert Breathe(1, seconds=3).cycle_count(pattern) == 1
    assert Breathe(1, cycles=5).cycle_count(BreathPattern.parse("3:6")) == 5
