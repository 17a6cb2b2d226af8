"""The therapist's loop: only what changed is rebuilt, safely, one build at a time."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import SMALL_PROJECT_TOML, SMALL_SCRIPT, build_project, start_cli, write_tone_wav
from conftest import run_cli as run

from breathcast.build import builder as build
from breathcast.core import LOCK_NAME
from breathcast.sound import ffmpeg

OTHER = "---\ntitle: Ander\n---\nHallo daar.\n[adem 1x]\nTot zo.\n"


def mtimes(folder: Path) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in folder.glob("*.mp3")}


@pytest.fixture
def two_scripts(project):
    (project / "scripts" / "ander.md").write_text(OTHER, encoding="utf-8")
    toml = SMALL_PROJECT_TOML.replace('["4:6"]', '["4:6", "3:6"]')
    (project / "breathcast.toml").write_text(toml, encoding="utf-8")
    return project


@pytest.mark.slow
def test_one_edited_sentence_is_one_clip_and_only_its_episodes(two_scripts, fake_google):
    project = two_scripts
    assert run(project, "build", "--engine", "gtts", "-j", "1").exit_code == 0
    kort, ander = mtimes(project / "build" / "kort"), mtimes(project / "build" / "ander")
    assert len(kort) == len(ander) == 2
    fake_google.requests.clear()
    script = project / "scripts" / "kort.md"
    script.write_text(script.read_text().replace("En weer uit.", "En zachtjes weer uit."))
    time.sleep(0.01)
    result = run(project, "build", "--engine", "gtts", "-j", "1")
    assert result.exit_code == 0, result.output
    assert fake_google.requests == ["En zachtjes weer uit."]
    assert mtimes(project / "build" / "ander") == ander  # untouched, to the nanosecond
    rebuilt = mtimes(project / "build" / "kort")
    assert all(rebuilt[name] > kort[name] for name in kort)
    assert "2 built, 2 skipped, 0 failed" in result.output
    assert "built (a spoken line changed (kort.md:8))" in result.output  # and nothing else


@pytest.mark.slow
def test_a_no_op_build_does_no_audio_work_and_says_so(two_scripts, monkeypatch):
    project = two_scripts
    assert run(project, "build", "--engine", "espeak").exit_code == 0
    ffmpeg.ffmpeg_exe.cache_clear()
    monkeypatch.setenv("BREATHCAST_FFMPEG", "/nonexistent/ffmpeg")  # any audio work would fail
    try:
        result = run(project, "build", "--engine", "espeak")
    finally:
        ffmpeg.ffmpeg_exe.cache_clear()
    assert result.exit_code == 0, result.output
    assert "0 built, 4 skipped, 0 failed" in result.output
    report = json.loads((project / "build" / "report.json").read_text())
    assert {e["status"] for e in report["episodes"]} == {"skipped"}


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ("voice", "a voice setting changed (wpm 135 → 120)"),
        ("sound", "a sound setting changed (bitrate 128k → 160k)"),
        ("lexicon", "a pronunciation changed (uitspraak.txt:1: rustig)"),
        ("music", "the music file changed"),
        ("render", "breathcast's rendering changed"),
    ],
)
@pytest.mark.slow
def test_every_input_that_changes_the_bytes_triggers_a_rebuild(
    change, reason, project, monkeypatch
):
    write_tone_wav(project / "music" / "zee.wav", 2.0)
    script = project / "scripts" / "kort.md"
    script.write_text(
        SMALL_SCRIPT.replace("title: Korte test", "title: Korte test\nambient: music/zee.wav")
    )
    assert build_project(project, engine="espeak").failures == ()
    if change == "voice":
        (project / "breathcast.toml").write_text(SMALL_PROJECT_TOML + "[voice]\nespeak_wpm = 120\n")
    elif change == "sound":
        (project / "breathcast.toml").write_text(SMALL_PROJECT_TOML + 'bitrate = "160k"\n')
    elif change == "lexicon":
        (project / "scripts" / "uitspraak.txt").write_text("rustig = rus-tich\n")
    elif change == "music":
        write_tone_wav(project / "music" / "zee.wav", 3.0)
    else:
        monkeypatch.setattr("breathcast.build.manifest.RENDER_VERSION", 999)
    plan = build_project(project, engine="espeak", dry_run=True)
    assert [(e.status, e.reason) for e in plan.episodes] == [("planned", reason)]
    unchanged = build_project(project, engine="espeak", dry_run=True)
    assert unchanged.episodes[0].status == "planned"


@pytest.mark.slow
def test_dry_run_synthesizes_and_writes_nothing_and_estimates_durations(project, fake_google):
    result = run(
        project, "build", "--engine", "gtts", "--dry-run", "--ratio", "4:6", "--ratio", "3:6"
    )
    assert result.exit_code == 0, result.output
    assert fake_google.requests == []
    assert not (project / "build").exists() and not (project / "voice").exists()
    assert "would build (it was never built)" in result.output
    assert "0 built, 0 skipped, 0 failed, 2 would build" in result.output
    # Estimated: 2 cycles of 10 s vs 9 s is the only difference between the ratios.
    plan = build_project(project, engine="gtts", dry_run=True)
    assert plan.episodes[0].duration_s > 20
    assert run(project, "build", "--engine", "gtts").exit_code == 0
    exact = json.loads((project / "build" / "report.json").read_text())["episodes"][0]["duration_s"]
    estimate = build_project(project, engine="gtts", dry_run=True).episodes[0]
    assert estimate.status == "skipped" and estimate.duration_s == pytest.approx(exact, abs=0.1)


def test_a_second_concurrent_build_is_refused(project):
    (project / "build").mkdir()
    lock = project / "build" / LOCK_NAME
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        lock.write_text(
            json.dumps({"pid": sleeper.pid, "host": os.uname().nodename, "started": "10:00:00"})
        )
        result = run(project, "build", "--engine", "espeak")
    finally:
        sleeper.kill()
        sleeper.wait()
    assert result.exit_code == 1
    assert f"another breathcast build (pid {sleeper.pid}" in result.output
    assert "wait for it to finish" in result.output
    assert not (project / "build" / "kort").exists()


def test_a_stale_lock_from_a_killed_build_is_taken_over(project):
    (project / "build").mkdir()
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    (project / "build" / LOCK_NAME).write_text(
        json.dumps({"pid": gone.pid, "host": os.uname().nodename})
    )
    result = run(project, "build", "--engine", "espeak")
    assert result.exit_code == 0, result.output
    assert f"took over the lock of an earlier build (pid {gone.pid})" in result.output
    assert not (project / "build" / LOCK_NAME).exists()


@pytest.mark.slow
def test_sigkill_mid_write_leaves_no_partial_mp3_and_the_rerun_completes(project):
    """Killed while an MP3 is provably half-written (its temp file exists and grows), the
    build leaves that temp file and no MP3 of the episode; the next build finishes them all."""
    long = SMALL_SCRIPT.replace("[adem 2x]", "[adem 40x]")  # about 7 minutes: seconds to encode
    (project / "scripts" / "kort.md").write_text(long)
    (project / "breathcast.toml").write_text('ratios = ["4:6", "3:6"]\n')
    proc = start_cli(project, "build", "--engine", "espeak", "-j", "1", start_new_session=True)
    build_dir = project / "build"

    def writing() -> list[Path]:
        return [p for p in build_dir.rglob(".kort-4-6.mp3.*.tmp") if p.stat().st_size > 0]

    deadline = time.monotonic() + 120
    while not writing():
        assert proc.poll() is None, "the build ended before it wrote an MP3"
        assert time.monotonic() < deadline, "no MP3 was ever being written"
        time.sleep(0.005)
    (partial,) = writing()
    size = partial.stat().st_size
    while partial.stat().st_size == size:  # the encoder is still adding to it
        assert time.monotonic() < deadline
        time.sleep(0.005)
    os.killpg(proc.pid, signal.SIGKILL)  # the build and its ffmpeg, as a terminal's kill would
    proc.wait()
    assert partial.exists()  # killed mid-write: the temp file was never renamed…
    assert not list(build_dir.rglob("*.mp3"))  # …so there is no MP3 at all, not half of one
    assert (build_dir / LOCK_NAME).exists()  # the lock of a build that can no longer end it
    result = run(project, "build", "--engine", "espeak")
    assert result.exit_code == 0, result.output
    assert "took over the lock" in result.output
    assert not list(build_dir.rglob(".*.tmp"))
    report = {e["path"]: e for e in json.loads((build_dir / "report.json").read_text())["episodes"]}
    assert sorted(report) == ["kort/kort-3-6.mp3", "kort/kort-4-6.mp3"]
    for relative, episode in report.items():
        decoded = ffmpeg.decode_file(build_dir / relative, 44100)
        assert decoded.size / 44100 == pytest.approx(episode["duration_s"], abs=0.03)


def test_clean_removes_outputs_and_optionally_the_voice_cache(project):
    assert run(project, "build", "--engine", "espeak").exit_code == 0
    (project / "build" / ".gitkeep").touch()
    assert run(project, "clean").exit_code == 0
    assert [p.name for p in (project / "build").iterdir()] == [".gitkeep"]
    assert any((project / "voice").rglob("*.wav"))
    assert run(project, "clean", "--voice").exit_code == 0
    assert not any((project / "voice").rglob("*.wav"))


@pytest.mark.slow
def test_parallel_jobs_make_the_same_episodes(two_scripts, monkeypatch):
    """Two episodes at once (in processes, as on a machine with four cores) make what one at
    a time makes."""
    monkeypatch.setattr(build, "usable_cores", lambda: 4)
    project = two_scripts
    result = run(project, "build", "--engine", "espeak", "-j", "2")
    assert result.exit_code == 0, result.output
    parallel = json.loads((project / "build" / "report.json").read_text())["episodes"]
    assert len(parallel) == 4
    kort = [e for e in parallel if e["script"].endswith("kort.md")]
    assert all(abs(e["loudness_lufs"] + 16) <= 0.5 for e in kort)
    again = run(project, "build", "--engine", "espeak", "-j", "1", "--force")
    assert again.exit_code == 0
    warned = lambda output: sorted(s for s in output.splitlines() if s.startswith("warning"))  # noqa: E731
    assert warned(again.output) == warned(result.output)
    serial = json.loads((project / "build" / "report.json").read_text())["episodes"]
    measured = ("path", "duration_s", "loudness_lufs", "true_peak_dbtp")
    figures = lambda episodes: [[e[k] for k in measured] for e in episodes]  # noqa: E731
    assert figures(serial) == figures(parallel)


@pytest.mark.parametrize(
    ("cores", "opus", "asked", "episodes", "workers"),
    [
        (2, True, None, 24, 1),  # auto: one episode keeps both cores busy
        (2, True, 2, 24, 1),  # more than the cores can feed is lowered: it would be slower
        (8, True, None, 24, 4),
        (8, True, 2, 24, 2),
        (8, True, None, 3, 3),  # never more than there are episodes
        (4, False, None, 24, 2),  # without Opus an episode needs about 1.5 cores
        (1, True, None, 5, 1),
    ],
)
def test_jobs_choose_themselves_from_the_cores_and_the_work(
    monkeypatch, cores, opus, asked, episodes, workers
):
    from breathcast.build.builder import episode_workers
    from breathcast.core import SoundSettings

    monkeypatch.setattr(build, "usable_cores", lambda: cores)
    assert episode_workers(asked, episodes, SoundSettings(opus=opus)) == workers


def test_more_jobs_than_the_cores_can_feed_says_so(project, monkeypatch):
    monkeypatch.setattr(build, "usable_cores", lambda: 2)
    result = run(project, "build", "--engine", "espeak", "-j", "2", "--dry-run")
    assert result.exit_code == 0
    result = run(project, "build", "--engine", "espeak", "-j", "2")
    assert result.exit_code == 0
    assert "-j 2: 1 episode(s) at a time" in result.output
    assert run(project, "build", "-j", "zero").exit_code == 2


@pytest.mark.slow
def test_watch_rebuilds_the_saved_script_and_survives_a_broken_edit(project):
    import queue
    import threading

    proc = start_cli(project, "watch", "--engine", "espeak", text=True)
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in proc.stdout], daemon=True).start()

    def wait_for(needle: str, seconds: float = 60.0) -> str:
        deadline = time.monotonic() + seconds
        seen = []
        while time.monotonic() < deadline:
            try:
                line = lines.get(timeout=0.5)
            except queue.Empty:
                continue
            seen.append(line)
            if needle in line:
                return line
        raise AssertionError(f"{needle!r} never appeared in:\n{''.join(seen)}")

    script = project / "scripts" / "kort.md"
    try:
        wait_for("watching")
        time.sleep(0.5)
        script.write_text(script.read_text().replace("Dank je wel.", "Dank je wel, tot morgen."))
        wait_for("built   ")
        wait_for("1 built, 0 skipped, 0 failed")
        script.write_text(script.read_text().replace("[adem 2x]", "[adem zes]"))
        wait_for(f"{script}:12: [adem zes]: expected a number of breaths like 6x")
        wait_for("watching")
        script.write_text(script.read_text().replace("[adem zes]", "[adem 3x]"))
        wait_for("1 built, 0 skipped, 0 failed")
        assert proc.poll() is None  # still watching
    finally:
        proc.terminate()
        proc.wait(timeout=10)
