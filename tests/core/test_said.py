"""What breathcast says: one value in English and Dutch, placed at a file's line, joined."""

import dataclasses
from pathlib import Path

import pytest

from breathcast.core import BreathcastError, Said, ScriptError, at_line, together


def test_a_message_without_dutch_words_says_its_english_in_the_studio_too():
    said = Said("no scripts found")
    assert (said.en, said.nl, str(said)) == ("no scripts found",) * 3
    assert Said("no scripts found", "") == said


def test_a_message_in_both_languages_prints_its_english_and_keeps_its_dutch():
    said = Said("the build was cancelled", "het bouwen is gestopt")
    assert str(said) == f"{said}" == "the build was cancelled"
    assert said.nl == "het bouwen is gestopt"
    with pytest.raises(dataclasses.FrozenInstanceError):
        said.en = "anders"


def test_also_adds_each_language_its_own_ending():
    said = Said("too loud", "te hard").also(" (at 4:6)", " (bij 4:6)")
    assert said == Said("too loud (at 4:6)", "te hard (bij 4:6)")


def test_at_line_gives_the_path_to_the_terminal_and_only_the_file_name_to_the_studio():
    said = at_line("scripts/kort.md", 12, Said("unknown directive", "onbekende opdracht"))
    assert said.en == "scripts/kort.md:12: unknown directive"
    assert said.nl == "kort.md, regel 12: onbekende opdracht"
    assert at_line(Path("scripts") / "kort.md", 12, Said("unknown directive")).en == said.en


def test_at_line_of_an_english_only_detail_still_says_regel_in_dutch():
    said = at_line("/home/anna/rust/scripts/water.md", 3, Said("no title"))
    assert said.nl == "water.md, regel 3: no title"


def test_together_joins_both_languages_line_by_line_in_the_order_given():
    first, second = Said("a.md:1: bad", "a.md, regel 1: fout"), Said("b.md:2: worse")
    joined = together([first, second])
    assert joined.en == "a.md:1: bad\nb.md:2: worse"
    assert joined.nl == "a.md, regel 1: fout\nb.md:2: worse"
    assert together(iter([first, second]), "; ").en == "a.md:1: bad; b.md:2: worse"


def test_together_of_one_message_is_that_message_and_of_none_is_empty():
    only = Said("one", "een")
    assert together([only]) == only
    assert together([]) == Said("", "")


def test_errors_carry_the_same_words_both_ways():
    plain = BreathcastError("disk full")
    assert (str(plain), plain.said) == ("disk full", Said("disk full", "disk full"))
    error = ScriptError("scripts/x.md", 4, Said("no title", "geen titel"))
    assert str(error) == "scripts/x.md:4: no title"
    assert error.said == at_line("scripts/x.md", 4, error.detail)
    assert error.said.nl == "x.md, regel 4: geen titel"
