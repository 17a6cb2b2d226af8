"""A project of her own: `init_project` makes her exercises, a settings file explained in
Dutch and music/, never overwrites a thing, and the wheel carries the exercises."""

import dataclasses
import os
import re
import subprocess
import sys
import zipfile

import pytest
from conftest import REPO

from breathcast.build import init_project, settings_text, starter_files
from breathcast.core import (
    SETTING_WORDS,
    Config,
    ProjectExistsError,
    last_project,
    load_config,
)
from breathcast.core.setting_words import TABLE_WORDS

SCRIPTS = sorted((REPO / "scripts").glob("*.md"))
TABLES = ("voice", "sound", "podcast", "deploy")


def same_settings(a: Config, b: Config) -> bool:
    return dataclasses.replace(a, root=b.root, source=b.source) == b


def test_init_makes_her_exercises_settings_and_music(tmp_path):
    folder = tmp_path / "Mijn studio"
    made = init_project(folder)
    assert len(SCRIPTS) == 6
    for script in SCRIPTS:  # the repository's own exercises, byte for byte
        assert (folder / "scripts" / script.name).read_bytes() == script.read_bytes()
    assert sorted(p.name for p in (folder / "scripts").iterdir()) == [s.name for s in SCRIPTS]
    assert (folder / "music").is_dir() and not any((folder / "music").iterdir())
    assert same_settings(load_config(folder), Config())
    assert sorted(p.name for p in folder.iterdir()) == ["breathcast.toml", "music", "scripts"]
    assert not list(folder.rglob("*.tmp"))  # written atomically: no temp file left
    assert made.folder == folder.resolve() and len(made.written) == 8
    assert "6 oefeningen" in made.said.nl and "6 exercises" in made.said.en
    assert last_project() == folder.resolve()  # the studio opens it next


def test_every_setting_is_in_the_file_under_dutch_words_and_each_value_is_its_default(tmp_path):
    fields = {"": [f.name for f in dataclasses.fields(Config)
                   if f.name not in ("root", "source", *TABLES)]}  # fmt: skip
    for table in TABLES:
        fields[table] = [f.name for f in dataclasses.fields(type(getattr(Config(), table)))]
    assert {t: sorted(words) for t, words in SETTING_WORDS.items()} == {
        t: sorted(names) for t, names in fields.items()
    }
    assert set(TABLE_WORDS) == set(TABLES)
    text = settings_text()
    for table, names in fields.items():
        part = text if not table else text[text.index(f"\n[{table}]\n") :]
        for name in names:
            setting = re.search(rf"^(# )?{name} = ", part, flags=re.M)
            assert setting, f"{table}.{name} is not in the settings file"
            before = part[: setting.start()].rstrip("\n").splitlines()[-1]
            assert before.startswith("# ") and " = " not in before  # its words, just above
    # Every commented setting, its # taken away, still gives the defaults: each value is right.
    opened = re.sub(r"^# (\w+ = )", r"\1", text, flags=re.M)
    assert opened.count("\n# ") < text.count("\n# ")
    (tmp_path / "breathcast.toml").write_text(opened, encoding="utf-8")
    assert same_settings(load_config(tmp_path), Config())


def test_a_folder_with_a_project_is_refused_and_left_as_it_was(tmp_path):
    settings = tmp_path / "oud" / "breathcast.toml"
    settings.parent.mkdir()
    settings.write_text('ratios = ["4:4"]\n')
    with pytest.raises(ProjectExistsError) as refused:
        init_project(settings.parent)
    assert "staat al een project" in refused.value.said.nl
    assert "breathcast --project" in refused.value.said.nl  # what to do instead
    assert settings.read_text() == 'ratios = ["4:4"]\n'
    assert sorted(p.name for p in settings.parent.iterdir()) == ["breathcast.toml"]

    hers = tmp_path / "eigen" / "scripts" / "water-en-rust.md"
    hers.parent.mkdir(parents=True)
    hers.write_text("---\ntitle: Mijn eigen versie\n---\nAdem in.\n", encoding="utf-8")
    with pytest.raises(ProjectExistsError) as refused:
        init_project(hers.parent.parent)
    assert "staan al oefeningen" in refused.value.said.nl
    assert hers.read_text(encoding="utf-8").startswith("---\ntitle: Mijn eigen versie")
    assert not (hers.parent.parent / "breathcast.toml").exists()


def test_a_folder_without_a_project_gets_one_beside_what_is_there(tmp_path):
    """Her own music and an empty scripts/ stay; only what is missing is made."""
    (tmp_path / "music").mkdir()
    (tmp_path / "music" / "liedje.mp3").write_bytes(b"ID3 van haar")
    (tmp_path / "scripts").mkdir()
    (tmp_path / "notities.txt").write_text("van haar")
    made = init_project(tmp_path)
    assert (tmp_path / "music" / "liedje.mp3").read_bytes() == b"ID3 van haar"
    assert (tmp_path / "notities.txt").read_text() == "van haar"
    assert tmp_path / "music" not in made.written
    assert len(list((tmp_path / "scripts").glob("*.md"))) == 6


def test_a_checkout_reads_the_repositorys_own_scripts():
    assert starter_files() == {p.name: p.read_bytes() for p in SCRIPTS}


@pytest.mark.slow
def test_the_wheel_carries_the_exercises_and_init_uses_them(tmp_path):
    """Built offline with the build backend itself; the installed package (the wheel's files,
    away from the checkout) makes a project with the repository's exercises."""
    wheels = tmp_path / "wheels"
    build = "import sys, hatchling.build as b; print(b.build_wheel(sys.argv[1]))"
    name = subprocess.run(
        [sys.executable, "-c", build, str(wheels)],
        cwd=REPO, capture_output=True, text=True, check=True,
    ).stdout.split()[-1]  # fmt: skip
    with zipfile.ZipFile(wheels / name) as wheel:
        shipped = {n.rsplit("/", 1)[1]: wheel.read(n) for n in wheel.namelist()
                   if n.startswith("breathcast/starters/")}  # fmt: skip
        assert "breathcast/studio/templates/studio.html" in wheel.namelist()
        wheel.extractall(tmp_path / "installed")
    assert shipped == {p.name: p.read_bytes() for p in SCRIPTS}
    installed = tmp_path / "installed"
    check = (
        "import sys; from pathlib import Path; import breathcast;"
        "from breathcast.build import init_project;"
        "assert Path(breathcast.__file__).parent == Path(sys.argv[1], 'breathcast');"
        "init_project(Path(sys.argv[2]))"
    )
    subprocess.run(
        [sys.executable, "-c", check, str(installed), str(tmp_path / "project")],
        cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(installed)},
        check=True,
    )  # fmt: skip
    made = {p.name: p.read_bytes() for p in (tmp_path / "project" / "scripts").iterdir()}
    assert made == shipped
