"""Hostile metadata, paths that escape, and faults: clear errors, nothing published damaged."""

import errno
import json
import xml.etree.ElementTree as ET

import pytest
from conftest import run_cli as run
from mutagen.mp3 import MP3

from breathcast.sound import ffmpeg

NASTY = (
    '<script>alert("x")</script> & \'quotes\' "double" שלום עולם 🌊\u202e omgekeerd\x07'
    + " lang" * 820
)


@pytest.mark.slow
def test_hostile_titles_and_descriptions_are_escaped_and_round_trip(project):
    assert len(NASTY) > 4000
    (project / "scripts" / "kort.md").unlink()
    (project / "scripts" / "Héél Vreemd!!.md").write_text(
        f"---\ntitle: {NASTY}\ndescription: {NASTY}\n---\nHallo.\n[adem 1x]\n", encoding="utf-8"
    )
    podcast_title = json.dumps(NASTY[:60], ensure_ascii=False)  # a valid TOML basic string
    (project / "breathcast.toml").write_text(
        f'ratios = ["4:6"]\n[podcast]\ntitle = {podcast_title}\nowner_email = "a@example.nl"\n'
    )
    result = run(project, "build", "--engine", "espeak")
    assert result.exit_code == 0, result.output
    mp3 = project / "build" / "heel-vreemd" / "heel-vreemd-4-6.mp3"  # an ASCII slug
    title = str(MP3(mp3).tags["TIT2"])
    assert title.startswith("<script>alert(\"x\")</script> & 'quotes'") and "🌊" in title
    assert title.endswith(" lang (in 4, uit 6)")
    assert (
        run(
            project, "publish", "--base-url", "http://127.0.0.1:1/x", "--allow-offline-voice"
        ).exit_code
        == 0
    )
    site = project / "build" / "site"
    channel = ET.parse(site / "feed.xml").getroot().find("channel")  # well-formed XML
    item_title = channel.find("item").find("title").text
    assert item_title.startswith('<script>alert("x")</script>') and "\x07" not in item_title
    page = (site / "index.html").read_text(encoding="utf-8")
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page
    assert all(name.isascii() for name in (p.name for p in (site / "audio").iterdir()))


def test_two_scripts_that_slug_the_same_are_an_error_not_an_overwrite(project):
    (project / "scripts" / "Kort!.md").write_text(
        "---\ntitle: Ander\n---\nHallo.\n", encoding="utf-8"
    )
    result = run(project, "build", "--engine", "espeak")
    assert result.exit_code == 1
    assert "gives the same slug 'kort'" in result.output
    assert len(list((project / "build" / "kort").glob("*.mp3"))) == 1


@pytest.mark.parametrize("cover", ["../geheim.png", "/etc/passwd", "music/uit.png"])
def test_a_cover_outside_the_project_is_refused(project, tmp_path_factory, cover):
    outside = tmp_path_factory.mktemp("elders") / "geheim.png"
    outside.write_bytes(b"not an image")
    (project / "music").mkdir()
    (project / "music" / "uit.png").symlink_to(outside)
    (project / "breathcast.toml").write_text(f'ratios = ["4:6"]\n[podcast]\ncover = "{cover}"\n')
    result = run(project, "build", "--engine", "espeak")
    assert result.exit_code == 1
    assert "leads outside the project" in result.output


def test_missing_ffmpeg_is_a_clear_error(project, monkeypatch):
    ffmpeg.ffmpeg_exe.cache_clear()
    monkeypatch.setenv("BREATHCAST_FFMPEG", "/nonexistent/ffmpeg")
    try:
        result = run(project, "build", "--engine", "espeak")
    finally:
        ffmpeg.ffmpeg_exe.cache_clear()
    assert result.exit_code == 1
    assert "cannot run ffmpeg" in result.output and "Traceback" not in result.output


@pytest.mark.slow
def test_a_full_disk_is_a_clear_error_and_damages_nothing(project, monkeypatch):
    assert run(project, "build", "--engine", "espeak").exit_code == 0
    mp3 = project / "build" / "kort" / "kort-4-6.mp3"
    before = mp3.read_bytes()

    def full_disk(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("breathcast.core.files.os.replace", full_disk)
    result = run(project, "build", "--engine", "espeak", "--force", "-j", "1")
    assert result.exit_code == 1
    assert "No space left on device; check the free disk space" in result.output
    assert "Traceback" not in result.output
    assert mp3.read_bytes() == before
    assert not list((project / "build").rglob(".*.tmp"))
