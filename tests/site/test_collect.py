"""What a publish gathers from a build, writing nothing: each episode as the page and feed
say it, and every file under a name that says its bytes (`audio/<stem>-<8 hex>.mp3`)."""

import hashlib
import json
import re
import shutil

import pytest
from conftest import SMALL_SCRIPT, run_cli

from breathcast.core import PublishError, load_config
from breathcast.site.collect import collect, parse_rate


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The small script built once at 4:6 with espeak; tests change copies of it."""
    folder = tmp_path_factory.mktemp("built")
    (folder / "scripts").mkdir()
    (folder / "scripts" / "kort.md").write_text(SMALL_SCRIPT, encoding="utf-8")
    (folder / "breathcast.toml").write_text('ratios = ["4:6"]\n', encoding="utf-8")
    assert run_cli(folder, "build", "--engine", "espeak").exit_code == 0
    return folder


@pytest.fixture
def copy(built, tmp_path):
    return shutil.copytree(built, tmp_path / "project")


def gather(project, allow_offline=True):
    site = project / "build" / "site"
    return collect(load_config(project), "https://rust.nl", site, allow_offline)


def hex8(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:8]


@pytest.mark.slow
def test_each_file_is_named_by_the_first_8_hex_of_its_sha256_and_the_sidecars_follow_the_mp3(copy):
    mp3 = copy / "build" / "kort" / "kort-4-6.mp3"
    episode = gather(copy).episodes[0]
    assert episode.audio == f"audio/kort-4-6-{hex8(mp3)}.mp3"
    assert episode.opus == f"audio/kort-4-6-{hex8(mp3.with_suffix('.opus'))}.opus"
    assert (episode.transcript, episode.chapters_url) == (
        f"audio/kort-4-6-{hex8(mp3)}.vtt", f"audio/kort-4-6-{hex8(mp3)}.chapters.json")  # fmt: skip
    assert re.fullmatch(r"covers/kort-[0-9a-f]{8}\.(png|jpg)", episode.image)
    media = gather(copy).media
    assert media[episode.audio] == mp3 and media[episode.transcript] == mp3.with_suffix(".vtt")
    assert set(episode.urls) <= set(media)
    assert not (copy / "build" / "site").exists()  # collecting writes nothing


@pytest.mark.slow
def test_a_name_changes_when_its_bytes_change_and_not_otherwise(copy):
    mp3 = copy / "build" / "kort" / "kort-4-6.mp3"
    before = gather(copy).episodes[0]
    mp3.write_bytes(mp3.read_bytes())  # written again, the same bytes: a newer file, same name
    assert gather(copy).episodes[0].audio == before.audio
    data = bytearray(mp3.read_bytes())
    data[-1] ^= 0xFF
    mp3.write_bytes(bytes(data))
    after = gather(copy).episodes[0]
    assert after.audio != before.audio and after.audio == f"audio/kort-4-6-{hex8(mp3)}.mp3"
    assert after.transcript == f"audio/kort-4-6-{hex8(mp3)}.vtt"  # follows the new MP3
    assert (after.opus, after.guid) == (before.opus, before.guid)  # untouched bytes, same GUID


@pytest.mark.slow
def test_what_is_collected_of_one_built_episode(copy):
    collected = gather(copy)
    entry = json.loads((copy / "build" / "manifest.json").read_text())["episodes"]
    duration = entry["kort/kort-4-6.mp3"]["episode"]["duration_s"]
    [(group, [exercise])] = collected.groups
    episode = exercise.episodes[0]
    assert (group, exercise.title, collected.feed) == ("", "Korte test", (episode,))
    assert (episode.guid, episode.title, episode.ratio, episode.words) == (
        "breathcast:kort:4-6", "Korte test (in 4, uit 6)", "4:6", "in 4, uit 6")  # fmt: skip
    assert episode.description == "Een korte test. Adem in 4 tellen, uit 6 tellen."
    assert episode.seconds == round(duration) and episode.offline
    size = (copy / "build" / "kort" / "kort-4-6.mp3").stat().st_size
    assert (episode.size, episode.size_mb) == (size, f"{size / 1e6:.1f}".replace(".", ","))
    assert [title for _, _, title in episode.chapter_list] == ["Begin", "Ademen"]
    assert [text for _, _, text in episode.cues] == ["Adem rustig in.", "En weer uit.",
                                                     "Dank je wel."]  # fmt: skip


@pytest.mark.slow
def test_a_guid_keeps_the_date_it_was_first_published(copy):
    (copy / "build" / "site").mkdir()
    first = "Mon, 06 Jan 2025 08:00:00 +0000"
    (copy / "build" / "site" / "published.json").write_text(
        json.dumps({"breathcast:kort:4-6": first}), encoding="utf-8")  # fmt: skip
    collected = gather(copy)
    assert collected.episodes[0].pub_date == first
    assert collected.first_published == {"breathcast:kort:4-6": first}


@pytest.mark.slow
def test_previews_and_an_empty_build_are_refused_saying_what_to_do(copy, project):
    with pytest.raises(PublishError) as info:
        gather(copy, allow_offline=False)
    said = info.value.said
    assert said.en.startswith("these episodes are previews, not the final audio (")
    assert ": kort/kort-4-6.mp3; rebuild them online with `breathcast build" in said.en
    assert said.nl.startswith("sommige oefeningen hebben nog de computerstem")
    with pytest.raises(PublishError, match=r"nothing to publish in .*build/; run `breathcast"):
        gather(project)


@pytest.mark.parametrize(
    ("text", "bps"),
    [("32k", 32000), ("32K", 32000), (" 48k ", 48000), ("64000", 64000), ("1.5k", 1500)],
)
def test_a_bitrate_is_read_as_ffmpeg_reads_it(text, bps):
    assert parse_rate(text) == bps


@pytest.mark.parametrize("text", ["32.3k", "64.1k", "128.2k"])
def test_a_bitrate_with_decimals_is_not_cut_one_short(text):
    assert parse_rate(text) == round(float(text[:-1]) * 10) * 100
