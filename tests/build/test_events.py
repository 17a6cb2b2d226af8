"""One shape for a build: options resolved once, typed events out, cancel in, honest reports."""

import importlib
import json
import pkgutil
import socket
import threading
import time
from pathlib import Path

import pytest
from conftest import build_project
from conftest import run_cli as run

import breathcast
from breathcast.build import BuildOptions, build
from breathcast.build.events import (
    BuildFinished,
    BuildPlanned,
    ClipVoiced,
    EpisodeBuilt,
    EpisodeSkipped,
    EpisodeStarted,
)
from breathcast.core import BreathPattern, Cancel, Phase, errors, load_config
from breathcast.script import EpisodeKey, clock


def events_of(project: Path, **options) -> list:
    seen = []
    config = load_config(project)
    build(config, [], BuildOptions.resolve(config, **options), on_event=seen.append)
    return seen


def test_options_are_resolved_once_flags_over_settings(project):
    (project / "breathcast.toml").write_text(
        'ratios = ["4:6"]\nengine = "espeak"\nbuild_dir = "uit"\n[voice]\ntts_jobs = 3\n'
    )
    config = load_config(project)
    from_settings = BuildOptions.resolve(config)
    assert (from_settings.engine, from_settings.tts_jobs, from_settings.out) == (
        "espeak",
        3,
        project / "uit",
    )
    flagged = BuildOptions.resolve(config, engine="gtts", tts_jobs=1, out=project / "elders")
    assert (flagged.engine, flagged.tts_jobs, flagged.out) == ("gtts", 1, project / "elders")
    with pytest.raises(AttributeError):
        flagged.engine = "espeak"  # frozen


@pytest.mark.slow
def test_a_build_tells_its_story_in_typed_events_that_turn_into_json(project):
    (project / "breathcast.toml").write_text('ratios = ["4:6", "3:6"]\n')
    seen = events_of(project, engine="espeak", jobs=1)
    kinds = [e.kind for e in seen]
    assert kinds[0] == "build_planned" and kinds[-1] == "build_finished"
    assert kinds.count("episode_started") == kinds.count("episode_built") == 2
    voiced = [e for e in seen if isinstance(e, ClipVoiced)]
    assert [(e.done, e.total) for e in voiced] == [(n, 3) for n in (1, 2, 3)]
    assert kinds.index("clip_voiced") < kinds.index("episode_started")
    planned = seen[0]
    assert isinstance(planned, BuildPlanned) and planned.engine == "espeak" and planned.todo == 2
    for event in seen:
        data = json.loads(event.to_json())  # one call, valid JSON
        assert data["event"] == event.kind
    built = json.loads(next(e for e in seen if isinstance(e, EpisodeBuilt)).to_json())
    assert built["episode"]["path"] == "kort/kort-4-6.mp3"
    assert built["episode"]["reason"] == "it was never built"
    finished = seen[-1]
    assert isinstance(finished, BuildFinished) and len(finished.report.episodes) == 2
    on_disk = json.loads((project / "build" / "report.json").read_text())
    assert on_disk == json.loads(finished.report.to_json())


def test_a_skipped_episode_reports_no_work_of_this_build(project):
    assert run(project, "build", "--engine", "espeak").exit_code == 0
    result = run(project, "build", "--engine", "espeak")
    assert result.exit_code == 0
    entry = json.loads((project / "build" / "report.json").read_text())["episodes"][0]
    assert (entry["status"], entry["clips_synthesized"], entry["clips_cached"]) == (
        "skipped",
        0,
        0,
    )
    row = next(line for line in result.output.splitlines() if line.startswith("kort/"))
    assert row.split()[-2:] == ["-", "skipped"]  # no "3/0 new/cached" for a build that did nothing


def edit(project: Path, old: str, new: str) -> None:
    script = project / "scripts" / "kort.md"
    script.write_text(script.read_text().replace(old, new))


@pytest.mark.parametrize(
    ("old", "new", "reasons"),
    [
        ("Dank je wel.", "Dank je wel, tot morgen.", ["a spoken line changed (kort.md:13)"]),
        ("[pauze 2s]", "[pauze 3s]", ["a pause changed (kort.md:10)"]),
        ("[adem 2x]", "[adem 3x]", ["a breathing block changed (kort.md:12)"]),
        ("# Ademen", "# Rustig ademen", ["a chapter changed (kort.md:11)"]),
        (
            "En weer uit.\n",
            "En weer uit.\nNog een keer.\n",
            ["a spoken line was added (kort.md:9)"],
        ),
        ("En weer uit.\n", "", ["a spoken line was removed (it was kort.md:8)"]),
        ("title: Korte test", "title: Kort", ["the title changed (kort.md:2)"]),
        (
            "Adem rustig in.\nEn weer uit.",
            "Adem in.\nEn uit.\n[pauze 1s]\nEn nog eens.",
            [
                "a spoken line changed (kort.md:7)",
                "a spoken line changed (kort.md:8)",
                "2 more changes",
            ],
        ),
    ],
)
def test_the_reason_for_a_rebuild_names_what_changed_down_to_the_line(project, old, new, reasons):
    assert build_project(project, engine="espeak").failures == ()
    edit(project, old, new)
    plan = build_project(project, engine="espeak", dry_run=True)
    assert plan.episodes[0].reason == "; ".join(reasons)  # and no voice option is claimed


def test_what_does_not_reach_the_audio_rebuilds_nothing(project):
    assert build_project(project, engine="espeak").failures == ()
    edit(project, "description: Een korte test.", "description: Een andere tekst.")
    edit(project, "Adem rustig in.", "Adem   rustig in.")  # the same spoken text
    plan = build_project(project, engine="espeak", dry_run=True)
    assert [(e.status, e.reason) for e in plan.episodes] == [("skipped", "")]


def wait_for_temp_mp3(folder: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if any(folder.rglob(".*.mp3.*.tmp")):
            return
        time.sleep(0.002)
    raise AssertionError("no MP3 was ever being written")


@pytest.mark.slow
@pytest.mark.parametrize(("jobs", "stopped"), [(1, "3:6"), (2, "4:4")])
def test_cancel_from_another_thread_keeps_only_what_finished(project, jobs, stopped):
    """Cancelled while an episode is being encoded: that file never appears, nothing half
    written is left, and the report (and report.json) lists exactly the finished episodes."""
    (project / "breathcast.toml").write_text('ratios = ["4:6", "3:6", "4:4", "5:5"]\n')
    config = load_config(project)
    options = BuildOptions.resolve(config, engine="espeak", jobs=jobs)
    cancel, seen = Cancel(), []

    def cancel_mid_encode():
        wait_for_temp_mp3(project / "build")
        cancel.cancel()

    def on_event(event):
        seen.append(event)
        if isinstance(event, EpisodeStarted) and event.ratio == stopped:
            threading.Thread(target=cancel_mid_encode, daemon=True).start()

    report = build(config, [], options, on_event=on_event, cancel=cancel)
    assert report.cancelled
    built = sorted(p.name for p in (project / "build").rglob("*.mp3"))
    assert built == sorted(Path(e.path).name for e in report.episodes)
    stem = f"kort-{stopped.replace(':', '-')}.mp3"
    assert stem not in built and "kort-5-5.mp3" not in built
    assert 1 <= len(report.episodes) < 4
    assert not list((project / "build").rglob("*.tmp"))
    assert json.loads((project / "build" / "report.json").read_text())["cancelled"] is True
    assert isinstance(seen[-1], BuildFinished) and seen[-1].report == report
    # What finished is recorded: the next build skips it and makes only the rest.
    again = build(config, [], options)
    assert sorted(e.status for e in again.episodes).count("skipped") == len(report.episodes)
    assert not again.cancelled and len(again.episodes) == 4


def test_one_identity_names_an_episode_everywhere():
    key = EpisodeKey("water-en-rust", BreathPattern.parse("4.5:5.5"))
    assert key.stem == "water-en-rust-4.5-5.5"
    assert key.path == "water-en-rust/water-en-rust-4.5-5.5.mp3"
    assert key.guid == "breathcast:water-en-rust:4.5-5.5"
    assert key.title("Water & Rust") == "Water & Rust (in 4.5, uit 5.5)"


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [(0, "0:00"), (59.99, "0:59"), (60, "1:00"), (446.8, "7:26"), (3725.2, "1:02:05")],
)
def test_clock_shows_time_as_players_do(seconds, shown):
    assert clock(seconds) == shown


def test_phases_know_their_holds_and_their_dutch_words():
    assert [p for p in Phase if p.is_hold] == [Phase.HOLD_IN, Phase.HOLD_OUT]
    assert Phase.IN == "in" and json.dumps(Phase.HOLD_OUT) == '"hold_out"'
    assert BreathPattern.parse("4:7:8").in_words == "in 4, vast 7, uit 8"
    assert Phase.OUT.words.cue == "En uit."


def test_every_error_class_lives_in_the_error_tree():
    for module in pkgutil.walk_packages(breathcast.__path__, "breathcast."):
        if module.name not in ("breathcast.__main__", "breathcast.build.plot"):  # run, slow
            importlib.import_module(module.name)

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    found = set(subclasses(errors.BreathcastError))
    assert len(found) >= 10
    assert {cls.__module__ for cls in found} == {"breathcast.core.errors"}


def test_serve_on_a_busy_port_says_so_and_suggests_another(project):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run(project, "serve", "--port", str(port))
    assert result.exit_code == 1
    assert f"port {port} on 127.0.0.1 is already in use" in result.output
    assert f"--port {port + 1}" in result.output and "Traceback" not in result.output


def test_skipped_and_built_lines_come_from_events(project):
    assert run(project, "build", "--engine", "espeak").exit_code == 0
    quiet = run(project, "build", "--engine", "espeak")
    assert "skipped" not in quiet.output.split("episode")[0]
    verbose = run(project, "build", "--engine", "espeak", "-v")
    assert f"skipped {project / 'build' / 'kort' / 'kort-4-6.mp3'}  (up to date)" in verbose.output


def test_skipped_event_carries_the_episode_as_it_was_built(project):
    assert run(project, "build", "--engine", "espeak").exit_code == 0
    seen = events_of(project, engine="espeak")
    skipped = [e for e in seen if isinstance(e, EpisodeSkipped)]
    assert len(skipped) == 1 and skipped[0].episode.loudness_lufs == pytest.approx(-16, abs=0.5)


def test_underway_names_the_scripts_a_build_works_on_now():
    """The script being voiced, then those with an episode started and not yet ended."""
    from breathcast.build.events import (
        BuildFinished,
        BuildReport,
        ClipVoiced,
        EpisodeFailed,
        EpisodeStarted,
        Underway,
    )  # fmt: skip
    from breathcast.core import Said
    from breathcast.script import Failure

    now = Underway()
    now.see(ClipVoiced("a.md", 1, 3))
    assert now.scripts == {"a.md"}
    now.see(ClipVoiced("a.md", 3, 3))
    assert now.scripts == frozenset()
    now.see(EpisodeStarted("a.md", "4:6", "a/a-4-6.mp3"))
    now.see(EpisodeStarted("a.md", "3:6", "a/a-3-6.mp3"))
    now.see(EpisodeStarted("b.md", "4:6", "b/b-4-6.mp3"))
    now.see(EpisodeFailed(Failure("a.md", Said("no"), "4:6")))
    assert now.scripts == {"a.md", "b.md"}
    now.see(EpisodeFailed(Failure("a.md", Said("no"), "3:6")))
    assert now.scripts == {"b.md"}
    now.see(BuildFinished(BuildReport()))
    assert now.scripts == frozenset()
