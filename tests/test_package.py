"""Every episode MP3 carries its tags, cover and chapters, with a transcript and chapters JSON."""

import io
import json
import re

import pytest
from conftest import build_project
from conftest import run_cli as run
from mutagen.mp3 import MP3
from PIL import Image

from breathcast.build.produce import episode_plan
from breathcast.build.sidecars import chapter_spans
from breathcast.core import load_config
from breathcast.script import read_script
from breathcast.voice import VoicingContext, get_engine


@pytest.fixture
def built(project):
    (project / "breathcast.toml").write_text(
        'ratios = ["4:6"]\n[podcast]\ntitle = "Rust & <verbinding>"\n'
        'author = "Anna \\"de\\" Vries"\n'
    )
    result = run(project, "build", "--engine", "espeak")
    assert result.exit_code == 0, result.output
    return project


def expected_timeline(project):
    config = load_config(project)
    script = read_script(project / "scripts" / "kort.md")
    voiced = VoicingContext.open(config).voice(script, get_engine("espeak", config), jobs=4)
    lengths = {text: clip.size for text, clip in voiced.clips.items()}
    return script, episode_plan(script, config.ratios[0], lengths, config)


def test_tags_and_chapters_read_back_with_mutagen(built):
    tags = MP3(built / "build" / "kort" / "kort-4-6.mp3").tags
    assert str(tags["TIT2"]) == "Korte test (in 4, uit 6)"
    assert str(tags["TPE1"]) == 'Anna "de" Vries'
    assert str(tags["TALB"]) == "Rust & <verbinding>"
    assert str(tags["TCON"]) == "Meditation"
    assert "espeak" in str(tags.getall("COMM")[0])
    _, timeline = expected_timeline(built)
    chapters = sorted(
        ((f.start_time, f.end_time, str(f.sub_frames["TIT2"])) for f in tags.getall("CHAP")),
    )
    assert chapters == chapter_spans(timeline)  # exact milliseconds, from the timeline
    assert [c[2] for c in chapters] == ["Begin", "Ademen"]
    toc = tags.getall("CTOC")[0]
    assert toc.child_element_ids == [f"chp{n}" for n in range(len(chapters))]


def test_generated_cover_is_a_square_png_of_podcast_size(built):
    picture = MP3(built / "build" / "kort" / "kort-4-6.mp3").tags.getall("APIC")[0]
    assert picture.mime == "image/png"
    with Image.open(io.BytesIO(picture.data)) as image:
        assert image.format == "PNG" and image.size == (1400, 1400)
        grey = image.convert("L")
        assert len(grey.getcolors(maxcolors=256 * 256)) > 20  # a gradient and text, not flat


def test_transcript_has_every_line_at_its_real_time(built):
    script, timeline = expected_timeline(built)
    vtt = (built / "build" / "kort" / "kort-4-6.vtt").read_text(encoding="utf-8")
    assert vtt.startswith("WEBVTT\n\n")
    cues = re.findall(r"(\d\d):(\d\d):(\d\d)\.(\d{3}) --> (\d\d):(\d\d):(\d\d)\.(\d{3})\n(.+)", vtt)
    texts = [c[8] for c in cues]
    assert texts == [clip.text for clip in timeline.clips] == [s.text for s in script.speech]
    for cue, clip in zip(cues, timeline.clips, strict=True):
        h, m, s, ms = map(int, cue[:4])
        start = ((h * 60 + m) * 60 + s) * 1000 + ms
        assert start == pytest.approx(clip.start / 44.1, abs=1)


def test_chapters_json_is_podcasting_2(built):
    data = json.loads((built / "build" / "kort" / "kort-4-6.chapters.json").read_text())
    assert data["version"] == "1.2.0"
    _, timeline = expected_timeline(built)
    assert data["chapters"] == [
        {"startTime": s / 1000, "title": t} for s, _, t in chapter_spans(timeline)
    ]


@pytest.mark.slow
def test_a_supplied_cover_is_embedded_as_is_and_a_bad_one_is_refused(project):
    (project / "music").mkdir()
    buffer = io.BytesIO()
    Image.new("RGB", (1500, 1500), (200, 220, 230)).save(buffer, "JPEG")
    (project / "music" / "cover.jpg").write_bytes(buffer.getvalue())
    assert run(project, "build", "--engine", "espeak").exit_code == 0
    picture = MP3(project / "build" / "kort" / "kort-4-6.mp3").tags.getall("APIC")[0]
    assert (picture.mime, picture.data) == ("image/jpeg", buffer.getvalue())
    # Published, the exercise's image keeps its kind in its name.
    with (project / "breathcast.toml").open("a") as settings:
        settings.write('\n[podcast]\nowner_email = "anna@example.nl"\n')
    published = run(project, "publish", "--base-url", "https://example.nl/rust",
                    "--allow-offline-voice")  # fmt: skip
    assert published.exit_code == 0, published.output
    # One image for the exercise and for the podcast: both published as they are.
    covers = sorted((project / "build" / "site" / "covers").iterdir())
    assert [image.name[:5] for image in covers] == ["kort-", "rust-"]
    assert all(i.suffix == ".jpg" and i.read_bytes() == buffer.getvalue() for i in covers)
    Image.new("RGB", (1500, 1200)).save(project / "music" / "cover.jpg", "JPEG")
    result = run(project, "build", "--engine", "espeak")
    assert result.exit_code == 1
    assert "cover.jpg is a JPEG of 1500x1200 px; podcast apps need a square" in result.output


def test_podcast_details_are_part_of_what_an_episode_is_built_from(built):
    config_file = built / "breathcast.toml"
    config_file.write_text(config_file.read_text().replace("Anna", "Anne"))
    plan_ = build_project(built, engine="espeak", dry_run=True)
    assert [(e.status, e.reason) for e in plan_.episodes] == [
        ("planned", "the podcast details or the cover changed")
    ]
