"""A project's scripts: found in order, parsed all at once with every error at its file:line,
built at the ratios that win, listed as the page lists them, and checked as she types."""

from pathlib import Path

import pytest

from breathcast.build import check_scripts, check_text, find_scripts, locate, page_order
from breathcast.build.project import pattern_warnings, patterns_for
from breathcast.core import BreathcastError, BreathPattern, load_config
from breathcast.script import parse_script


def script(title: str, extra: str = "", path: str = "x.md"):
    return parse_script(f"---\ntitle: {title}\n{extra}---\nHallo.\n", path)


def test_every_md_in_scripts_is_found_sorted_and_nothing_else(project):
    folder = project / "scripts"
    for name in ("water.md", "adem.md", "uitspraak.txt", "notities.txt"):
        (folder / name).write_text("x", encoding="utf-8")
    (folder / "oud").mkdir()
    (folder / "oud" / "bewaard.md").write_text("x", encoding="utf-8")
    found = find_scripts(load_config(project))
    assert [p.name for p in found] == ["adem.md", "kort.md", "water.md"]


def test_scripts_named_are_kept_in_her_order_and_found_inside_the_project(project, monkeypatch):
    monkeypatch.chdir(project.parent)  # `--project ~/rust build scripts/kort.md` from elsewhere
    config = load_config(project)
    assert find_scripts(config, ["weg.md", "scripts/kort.md"]) == [
        Path("weg.md"), project / "scripts" / "kort.md"]  # a missing one: as she typed it
    assert locate(config, project / "scripts" / "kort.md") == project / "scripts" / "kort.md"


def test_an_empty_scripts_folder_says_where_to_put_one(project):
    (project / "scripts" / "kort.md").unlink()
    with pytest.raises(BreathcastError) as info:
        find_scripts(load_config(project))
    assert str(info.value) == f"no scripts found in {project / 'scripts'}/; add a .md script there"


def test_every_broken_script_is_reported_at_its_line_and_the_good_ones_still_parse(tmp_path):
    files = {"a.md": "---\ntitle: A\n---\nHallo.\n", "b.md": "---\ntitle: B\n---\n[adem 0x]\n",
             "c.md": "Hallo.\n", "d.md": "---\ntitle: D\n---\nDag.\n"}  # fmt: skip
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    scripts, errors = check_scripts(sorted(tmp_path.glob("*.md")))
    assert [s.title for s in scripts] == ["A", "D"]
    assert [(e.path, e.line) for e in errors] == [(str(tmp_path / "b.md"), 4),
                                                  (str(tmp_path / "c.md"), 1)]  # fmt: skip


def test_two_file_names_with_one_slug_fail_the_second_naming_the_first(tmp_path):
    first, second = tmp_path / "water en rust.md", tmp_path / "water-en-rust.md"
    for path in (first, second):
        path.write_text("---\ntitle: W\n---\nHallo.\n", encoding="utf-8")
    scripts, errors = check_scripts([first, second])
    assert [s.path for s in scripts] == [str(first)]
    assert str(errors[0]) == (f"{second}:1: its file name gives the same slug 'water-en-rust' as "
                              f"{first}; rename one of them")  # fmt: skip
    assert "lijkt te veel op water en rust.md" in errors[0].said.nl


def test_ratio_flags_beat_front_matter_which_beats_the_settings(project):
    config = load_config(project)  # ratios = ["4:6"]
    own = script("T", "ratios: 5:7, 4:8\n")
    flag = (BreathPattern.parse("3:6"),)
    assert patterns_for(own, config, flag) == flag
    assert [str(p) for p in patterns_for(own, config)] == ["5:7", "4:8"]
    assert [str(p) for p in patterns_for(script("T"), config)] == ["4:6"]


def test_pattern_advice_is_given_once_per_distinct_pattern_in_both_languages():
    fast, calm = BreathPattern.parse("2:3"), BreathPattern.parse("4:6")  # 12 breaths a minute
    notes = pattern_warnings([fast, calm, fast, calm])
    assert [n.en for n in notes] == [
        "ratio 2:3 is 12.0 breaths/min; slow breathing is < 10/min (about 6/min is ideal)"]
    assert notes[0].nl.startswith("ademritme 2:3 is 12 ademhalingen per minuut")  # not 12.0


def test_the_page_order_follows_order_then_title_grouped_where_each_group_first_appears():
    scripts = [script("Zee", "group: Slapen\n"), script("Bos", "order: 3\ngroup: Slapen\n"),
               script("Adem", "order: 1\ngroup: Ademen\n"), script("Anker"),
               script("Wind", "order: 2\ngroup: Ademen\n")]  # fmt: skip
    order = [(group, [s.title for s in members]) for group, members in page_order(scripts)]
    assert order == [("Ademen", ["Adem", "Wind"]), ("Slapen", ["Bos", "Zee"]), ("", ["Anker"])]


def test_text_as_she_types_gives_its_first_error_or_its_advice_at_the_line(project):
    config = load_config(project)
    broken = check_text(config, "scripts/kort.md", "---\ntitle: T\n---\nHallo.\n[pauze 3]\n")
    assert (broken.script, [(e.line, e.path) for e in broken.errors], broken.notes) == (
        None, [(5, "scripts/kort.md")], [])  # fmt: skip
    typed = check_text(config, "scripts/kort.md",
                       "---\ntitle: T\nratios: 6:4\nrecommended: 3:6\n---\nHallo.\n")  # fmt: skip
    assert typed.errors == [] and typed.script.title == "T"
    lines = {note.line: note.detail.en for note in typed.notes}
    assert lines[4].startswith("recommended: 3:6 is not one of the ratios it is built at (6:4)")
    assert lines[3].startswith("ratio 6:4 breathes out (4 s) shorter than in (6 s)")
