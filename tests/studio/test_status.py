"""Where each script stands, from the manifest and the scripts alone: never built, built with
the preview voice, needing a build (and why), or with errors at their line."""

import pytest
from conftest import build_project
from mutagen.mp3 import MP3

from breathcast.core import load_config
from breathcast.studio.status import ScriptStatus, project_state


def states(project):
    return {s.name: s for s in project_state(load_config(project)).scripts}


def test_a_script_goes_from_never_built_to_preview_to_needing_a_build(project):
    (project / "scripts" / "kapot.md").write_text("---\ntitle: K\n---\n[adem zes]\n")
    before = states(project)
    assert before["kort.md"].status == ScriptStatus.NEVER_BUILT
    assert before["kort.md"].episodes[0].reasons == ["it was never built"]
    broken = before["kapot.md"]
    assert broken.status == ScriptStatus.HAS_ERRORS and broken.errors[0].line == 4
    build_project(project, engine="espeak", patterns=())
    built = states(project)["kort.md"]
    assert built.status == ScriptStatus.PREVIEW_VOICE  # built, with the computer voice
    (episode,) = built.episodes
    assert episode.built and episode.up_to_date and episode.engine == "espeak"
    heard = MP3(project / "build" / "kort" / "kort-4-6.mp3").info.length
    assert episode.duration_s == pytest.approx(heard, abs=0.03) and episode.built_at
    script = project / "scripts" / "kort.md"
    script.write_text(script.read_text().replace("Dank je wel.", "Dank je wel, tot morgen."))
    changed = states(project)["kort.md"]
    assert changed.status == ScriptStatus.NEEDS_BUILD
    assert changed.episodes[0].reasons == ["a spoken line changed (kort.md:13)"]


def test_a_build_that_holds_the_folder_is_named(project):
    from breathcast.core import Job, project_lock

    with project_lock(project / "build", Job.BUILD):
        holder = project_state(load_config(project)).building
    assert holder is not None and holder["pid"] > 0
    assert project_state(load_config(project)).building is None
