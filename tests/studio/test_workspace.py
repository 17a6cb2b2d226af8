"""The studio's workspace: every read has a version, a save names the one it was made from,
nothing she wrote is ever lost, and no name leads outside scripts/."""

import pytest
from conftest import SMALL_SCRIPT

from breathcast.core import ConflictError, RequestError, WorkspaceError, load_config
from breathcast.script import FILE_NAME
from breathcast.studio.workspace import MAX_TEXT_BYTES, Workspace, version_of


@pytest.fixture
def workspace(project):
    return Workspace(load_config(project))


def test_a_save_over_its_version_keeps_the_text_it_replaces(workspace):
    read = workspace.read("kort.md")
    assert (read.text, read.version) == (SMALL_SCRIPT, version_of(SMALL_SCRIPT.encode()))
    saved = workspace.save("kort.md", "---\ntitle: Nieuw\n---\nHallo.\n", read.version)
    assert saved.version != read.version
    (earlier,) = workspace.history("kort.md")
    assert workspace.earlier("kort.md", earlier.id) == SMALL_SCRIPT
    assert earlier.size == len(SMALL_SCRIPT.encode())


def test_a_save_over_an_older_version_is_a_conflict_that_changes_nothing(workspace):
    read = workspace.read("kort.md")
    workspace.folder.joinpath("kort.md").write_text("elders veranderd\n")
    with pytest.raises(ConflictError) as conflict:
        workspace.save("kort.md", "mijn tekst\n", read.version)
    assert conflict.value.disk_text == "elders veranderd\n"
    assert conflict.value.disk_version == version_of(b"elders veranderd\n")
    assert conflict.value.said.nl.startswith("Dit bestand is intussen ook ergens anders")
    assert workspace.read("kort.md").text == "elders veranderd\n"
    assert workspace.history("kort.md") == []


def test_saving_the_same_text_adds_no_history_and_a_new_file_has_version_empty(workspace):
    read = workspace.read("kort.md")
    workspace.save("kort.md", SMALL_SCRIPT, read.version)
    assert workspace.history("kort.md") == []
    new = workspace.save("nieuw.md", "---\ntitle: N\n---\nHoi.\n", "")
    assert workspace.read("nieuw.md").version == new.version
    assert workspace.read(FILE_NAME).version == ""  # no pronunciation list yet: empty, not lost


@pytest.mark.parametrize("name", ["../breathcast.toml", "sub/kort.md", ".verborgen.md", "a.txt"])
def test_no_name_leads_outside_the_scripts(workspace, name):
    with pytest.raises(WorkspaceError):
        workspace.path(name)


def test_a_text_over_the_limit_is_refused_and_nothing_is_written(workspace):
    read = workspace.read("kort.md")
    with pytest.raises(RequestError):
        workspace.save("kort.md", "x" * (MAX_TEXT_BYTES + 1), read.version)
    assert workspace.read("kort.md").text == SMALL_SCRIPT
