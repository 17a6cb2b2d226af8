"""The bracketed directives and headings: each step at its line, breaths in whole cycles."""

import pytest

from breathcast.core import BreathPattern, ScriptError
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


@pytest.mark.parametrize(
    ("written", "right", "ratio"),
    [
        ("[adem 4:6 x3]", "[adem 3x]", "4:6"),
        ("[adem 3x 4:6]", "[adem 3x]", "4:6"),
        ("[adem 4.5:5.5 x3 cues]", "[adem 3x cues]", "4.5:5.5"),
        ("[adem 4:6 2m]", "[adem 2m]", "4:6"),
        ("[adem 3]", "[adem 3x]", None),
        ("[adem 3 keer]", "[adem 3x]", None),
        ("[adem x3]", "[adem 3x]", None),
        ("[breathe 3 times]", "[breathe 3x]", None),
    ],
)
def test_a_breath_written_as_people_try_first_shows_the_right_one(written, right, ratio):
    """`[adem 4:6 x3]` is what people write first: the error shows `[adem 3x]`, and that the
    rhythm is chosen per version, not in the text."""
    with pytest.raises(ScriptError) as info:
        body(f"Hallo.\n{written}\n")
    said = info.value.detail
    assert info.value.line == 6 and said.nl.endswith(right) and said.en.endswith(right)
    if ratio:
        assert f"het ademritme ({ratio}) staat niet in de tekst" in said.nl
        assert "per versie" in said.nl and "chosen" not in said.nl
    else:
        assert "met een x erachter" in said.nl
