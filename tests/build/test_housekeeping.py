"""`clean`: the build (and with --voice the voice cache) emptied under the project's lock, and
her own files never touched: scripts, recordings, history, published-names.json, settings."""

import os
import shutil

import pytest
from conftest import run_cli

from breathcast.build import clean_outputs
from breathcast.core import BreathcastError, Job, ProjectLockedError, load_config, project_lock

HERS = ["scripts/kort.md", "scripts/uitspraak.txt", "recordings/takes/ab/1.wav",
        "history/kort-1.md", "published-names.json", "breathcast.toml"]  # fmt: skip
OUTPUTS = ["build/kort/kort-4-6.mp3", "build/site/index.html", "build/manifest.json"]
CACHE = ["voice/espeak/ab.wav", "voice/prepared/cd.wav"]


@pytest.fixture
def made(project):
    for name in [*HERS[1:-1], *OUTPUTS, *CACHE, "build/.gitkeep"]:
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).write_bytes(b"x")
    return project


def present(project) -> set[str]:
    return {p.relative_to(project).as_posix() for p in project.rglob("*") if p.is_file()}


def test_clean_empties_the_build_keeping_its_placeholder_and_the_voice_cache(made):
    assert clean_outputs(load_config(made)) == [made / "build"]
    assert present(made) == {*HERS, *CACHE, "build/.gitkeep"}
    assert [p.name for p in (made / "build").iterdir()] == [".gitkeep"]


def test_clean_with_voice_empties_the_cache_too_but_never_her_recordings(made):
    assert clean_outputs(load_config(made), voice_too=True) == [made / "build", made / "voice"]
    assert present(made) == {*HERS, "build/.gitkeep"}
    assert (made / "voice").is_dir()  # emptied, not removed


def test_a_link_in_the_build_folder_is_removed_not_what_it_points_at(made):
    os.symlink(made / "scripts", made / "build" / "scripts-link")
    os.symlink(made / "published-names.json", made / "build" / "names-link.json")
    clean_outputs(load_config(made))
    assert present(made) == {*HERS, *CACHE, "build/.gitkeep"}


def test_a_project_never_built_is_cleaned_without_complaint(project):
    assert clean_outputs(load_config(project), voice_too=True) == [
        project / "build", project / "voice"]  # fmt: skip
    assert present(project) == {"scripts/kort.md", "breathcast.toml"}


def test_while_a_build_holds_the_lock_clean_refuses_and_removes_nothing(made):
    before = present(made)
    with project_lock(made / "build", Job.BUILD), pytest.raises(ProjectLockedError) as info:
        clean_outputs(load_config(made), voice_too=True)
    assert str(info.value).startswith(f"another breathcast build (pid {os.getpid()} on ")
    assert f"is using {made / 'build'}/; wait for it to finish" in str(info.value)
    assert info.value.said.nl.startswith("Er wordt al gebouwd (sinds ")
    assert present(made) == before
    clean_outputs(load_config(made))  # once the build is done, it cleans, and frees the lock
    assert [p.name for p in (made / "build").iterdir()] == [".gitkeep"]


def test_the_command_says_what_it_emptied_or_why_it_did_not(made):
    result = run_cli(made, "clean", "--voice")
    assert (result.exit_code, result.output) == (
        0, f"removed {made / 'build'}\nremoved {made / 'voice'}\n")  # fmt: skip
    with project_lock(made / "build", Job.DEPLOY):
        refused = run_cli(made, "clean")
    assert refused.exit_code == 1 and "Error: another breathcast deploy (pid" in refused.output


def test_clean_holds_the_lock_file_the_security_notes_name(made, monkeypatch):
    seen, rmtree = [], shutil.rmtree

    def looking(path):  # what the build folder holds while clean empties it
        seen.append(sorted(p.name for p in (made / "build").iterdir() if p.name.startswith(".")))
        rmtree(path)

    monkeypatch.setattr(shutil, "rmtree", looking)
    clean_outputs(load_config(made))
    assert seen == [[".breathcast.lock", ".gitkeep"]] * 2  # build/kort/, build/site/


def test_a_build_folder_set_to_the_project_itself_never_costs_her_scripts(made):
    (made / "breathcast.toml").write_text('build_dir = "."\n', encoding="utf-8")
    with pytest.raises(BreathcastError) as refused:  # refused when read, before anything goes
        clean_outputs(load_config(made))
    assert "build_dir = '.'" in refused.value.said.en and "eigen map" in refused.value.said.nl
    assert set(HERS) <= present(made)
