"""Advice on a script and the pronunciation list, at its file and line."""

from conftest import REPO

from breathcast.script import Lexicon, lint_lexicon, lint_script, parse_script, read_script

SHIPPED = sorted((REPO / "scripts").glob("*.md"))
HEADER = "---\ntitle: Test\ndescription: Iets rustigs.\n---\n"


def body(text: str):
    return parse_script(HEADER + text, "t.md")


def test_lint_gives_advice_with_file_and_line():
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
