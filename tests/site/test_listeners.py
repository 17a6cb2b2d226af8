"""What listeners and podcast apps get: a feed apps fully read, an Opus file beside every MP3,
chapters in order, and a checker for the rules that get feeds rejected."""

import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import feedparser
import podcastparser
import pytest
from conftest import SMALL_BACKGROUND, SMALL_SCRIPT
from conftest import run_cli as run
from mutagen.oggopus import OggOpus
from PIL import Image

from breathcast.site.feedcheck import SiteFolder, check_feed, check_site
from breathcast.sound import ffmpeg, measure_file

BASE = "http://127.0.0.1:8765/rust"
NS = {
    "itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd",
    "podcast": "https://podcastindex.org/namespace/1.0",
}
CHAPTERED = SMALL_SCRIPT.replace(
    "# Ademen", "# Een hele lange hoofdstuktitel over ademen\nMooi.\n# Kort\nJa.\n# Ademen"
)
SETTINGS = f"""ratios = ["4:6", "3:6"]
{SMALL_BACKGROUND}[podcast]
owner_name = "Anna de Vries"
owner_email = "anna@example.nl"
host = "Anna de Vries"
funding_url = "https://example.nl/steun"
apple_verify = "verify-123"
new_feed_url = "https://example.nl/nieuw/feed.xml"
every_ratio = true
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """Built once (espeak, two ratios, five chapters) and published."""
    project = tmp_path_factory.mktemp("site")
    (project / "scripts").mkdir()
    (project / "scripts" / "kort.md").write_text(CHAPTERED, encoding="utf-8")
    (project / "breathcast.toml").write_text(SETTINGS, encoding="utf-8")
    assert run(project, "build", "--engine", "espeak").exit_code == 0
    result = run(project, "publish", "--base-url", BASE, "--allow-offline-voice")
    assert result.exit_code == 0, result.output
    return project


def feed_of(site: Path) -> ET.Element:
    return ET.parse(site / "build" / "site" / "feed.xml").getroot().find("channel")


@pytest.mark.slow
def test_the_feed_carries_what_apps_read(site):
    channel = feed_of(site)
    assert channel.find("itunes:owner/itunes:email", NS).text == "anna@example.nl"
    assert channel.find("itunes:owner/itunes:name", NS).text == "Anna de Vries"
    assert channel.find("itunes:author", NS).text == "De eerste 1000 dagen"
    assert channel.find("itunes:type", NS).text == "episodic"
    category = channel.find("itunes:category", NS)
    assert category.get("text") == "Health & Fitness"
    assert category.find("itunes:category", NS).get("text") == "Mental Health"
    assert channel.find("itunes:new-feed-url", NS).text == "https://example.nl/nieuw/feed.xml"
    assert channel.find("podcast:medium", NS).text == "podcast"
    locked = channel.find("podcast:locked", NS)
    assert (locked.text, locked.get("owner")) == ("yes", "anna@example.nl")
    person = channel.find("podcast:person", NS)
    assert (person.text, person.get("role")) == ("Anna de Vries", "host")
    funding = channel.find("podcast:funding", NS)
    assert funding.get("url") == "https://example.nl/steun" and funding.text
    txt = channel.find("podcast:txt", NS)
    assert (txt.text, txt.get("purpose")) == ("verify-123", "applepodcastsverify")
    for item in channel.iter("item"):
        image = item.find("itunes:image", NS).get("href")
        assert image.startswith(f"{BASE}/covers/kort-") and image.endswith(".png")
        alternate = item.find("podcast:alternateEnclosure", NS)
        assert alternate.get("type") == "audio/ogg; codecs=opus"
        assert alternate.get("bitrate") == "32000"
        source = alternate.find("podcast:source", NS).get("uri")
        local = site / "build" / "site" / source.removeprefix(f"{BASE}/")
        assert int(alternate.get("length")) == local.stat().st_size
        mp3 = item.find("enclosure").get("length")
        assert local.stat().st_size < int(mp3) / 3  # the smaller file for listeners


def test_gpodders_parser_and_feedparser_read_the_new_tags(site):
    path = site / "build" / "site" / "feed.xml"
    with open(path, "rb") as handle:
        parsed = podcastparser.parse(f"{BASE}/feed.xml", handle)
    assert parsed["itunes_owner"] == {"name": "Anna de Vries", "email": "anna@example.nl"}
    assert parsed["itunes_categories"] == [["Health & Fitness", "Mental Health"]]
    assert parsed["type"] == "episodic" and parsed["new_url"].endswith("/nieuw/feed.xml")
    for episode in parsed["episodes"]:
        assert episode["episode_art_url"].startswith(f"{BASE}/covers/")
    feed = feedparser.parse(str(path))
    assert not feed.bozo
    assert feed.feed.publisher_detail["email"] == "anna@example.nl"
    assert feed.feed.podcast_locked == {"owner": "anna@example.nl"}
    assert feed.feed.podcast_medium == "podcast"
    assert all(entry.image["href"].startswith(f"{BASE}/covers/") for entry in feed.entries)


def test_podcast_indexs_own_parser_reads_every_tag(site, js_clients):
    out = subprocess.run(
        ["node", str(js_clients.parent / "parse_feed.js"), str(site / "build/site/feed.xml")],
        capture_output=True, text=True, check=True, timeout=60,
    ).stdout  # fmt: skip
    feed = json.loads(out)
    assert feed["owner"] == {"name": "Anna de Vries", "email": "anna@example.nl"}
    assert feed["itunesCategory"] == ["Health & Fitness > Mental Health"]
    assert feed["locked"] is True and feed["podcastOwner"] == "anna@example.nl"
    assert feed["medium"] == "podcast"
    assert feed["podcastPeople"] == [{"name": "Anna de Vries", "role": "Host", "group": "Cast"}]
    assert feed["podcastFunding"][0]["url"] == "https://example.nl/steun"
    assert feed["podcastTxt"] == [{"value": "verify-123", "purpose": "applepodcastsverify"}]
    assert feed["itunesNewFeedUrl"] == "https://example.nl/nieuw/feed.xml"
    for item in feed["items"]:
        assert item["podcastTranscripts"][0]["type"] == "text/vtt"
        assert item["podcastChapters"]["type"] == "application/json+chapters"
        (alternate,) = item["alternativeEnclosures"]
        assert alternate["type"] == "audio/ogg; codecs=opus" and alternate["bitrate"] == 32000
        assert item["itunesImage"].startswith(f"{BASE}/covers/")


def ffprobe_chapters(path: Path) -> list[tuple[float, str]]:
    """The chapters as a reader that ignores the CTOC sees them: in the order of the file."""
    log = subprocess.run(
        [ffmpeg.ffmpeg_exe(), "-hide_banner", "-i", str(path)], capture_output=True, text=True
    ).stderr
    starts = [float(s) for s in re.findall(r"Chapter #\d+:\d+: start (\d+\.\d+)", log)]
    titles = re.findall(r"Chapter #[^\n]+\n\s+Metadata:\n\s+title\s+: ([^\n]+)", log)
    return list(zip(starts, titles, strict=True))


def test_chapters_are_in_time_order_for_readers_that_ignore_the_toc(site):
    for suffix in (".mp3", ".opus"):
        chapters = ffprobe_chapters(site / "build" / "kort" / f"kort-4-6{suffix}")
        titles = [title for _, title in chapters]
        assert titles == ["Begin", "Een hele lange hoofdstuktitel over ademen", "Kort", "Ademen"]
        starts = [start for start, _ in chapters]
        assert starts == sorted(starts) and starts[0] == 0.0


@pytest.mark.skipif(shutil.which("ffprobe") is None, reason="ffprobe (Debian's ffmpeg) missing")
def test_ffprobe_lists_the_chapters_in_order(site):
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-show_chapters", "-of", "json",
         str(site / "build" / "kort" / "kort-4-6.mp3")],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    chapters = json.loads(out)["chapters"]
    assert [c["tags"]["title"] for c in chapters][:2] == [
        "Begin",
        "Een hele lange hoofdstuktitel over ademen",
    ]
    assert [float(c["start_time"]) for c in chapters] == sorted(
        float(c["start_time"]) for c in chapters
    )


def test_the_opus_file_matches_the_mp3(site):
    for ratio in ("4-6", "3-6"):
        mp3 = site / "build" / "kort" / f"kort-{ratio}.mp3"
        opus = mp3.with_suffix(".opus")
        mp3_seconds = ffmpeg.decode_file(mp3, 48000).size / 48000
        opus_seconds = ffmpeg.decode_file(opus, 48000).size / 48000
        assert opus_seconds == pytest.approx(mp3_seconds, abs=0.1)
        audio = OggOpus(opus)
        assert (audio.info.channels, opus.stat().st_size < mp3.stat().st_size / 3) == (1, True)
        assert audio["TITLE"] == [f"Korte test (in {ratio[0]}, uit {ratio[2]})"]
        assert audio["ARTIST"] == ["De eerste 1000 dagen"]
        assert audio["METADATA_BLOCK_PICTURE"]  # the cover, as a FLAC picture block
        assert audio["CHAPTER001NAME"] == ["Begin"] and audio["CHAPTER001"] == ["00:00:00.000"]
        entry = next(
            e
            for e in json.loads((site / "build" / "report.json").read_text())["episodes"]
            if e["ratio"] == ratio.replace("-", ":")
        )
        assert entry["opus_path"] == f"kort/kort-{ratio}.opus"


@pytest.mark.parametrize("suffix", [".mp3", ".opus"])
def test_loudness_as_heard_and_as_one_channel(site, suffix):
    """-16 LUFS as heard from two speakers, which is -19 LUFS as one channel."""
    path = site / "build" / "kort" / f"kort-4-6{suffix}"
    heard = measure_file(path, dual_mono=True)
    mono = measure_file(path, dual_mono=False)
    assert heard.integrated_lufs == pytest.approx(-16.0, abs=0.5)
    assert mono.integrated_lufs == pytest.approx(-19.0, abs=0.5)
    # 3.01 LU apart; ebur128 prints each figure to 0.1 LU, so their difference reads 2.9-3.1.
    assert heard.integrated_lufs - mono.integrated_lufs == pytest.approx(3.01, abs=0.1 + 1e-9)
    assert heard.true_peak_dbtp <= -1.0


# The checker: one mutation of a good feed per rule; the good feed passes every rule.


def podcast_cover(site_dir: Path) -> str:
    """The podcast's own cover, site-relative, as its feed names it."""
    xml = (site_dir / "feed.xml").read_text(encoding="utf-8")
    return re.search(r'<itunes:image href="[^"]*?/(covers/[^"/]+)"', xml).group(1)


def shrink_cover(site_dir: Path, xml: str) -> str:
    cover = site_dir / podcast_cover(site_dir)
    Image.new("RGB", (1000, 800), (200, 220, 230)).save(cover, "PNG")
    return xml


def rename_cover(site_dir: Path, xml: str) -> str:
    cover = podcast_cover(site_dir)
    shutil.copy(site_dir / cover, site_dir / "covers" / "mijn cover.png")
    return xml.replace(f"/{cover}", "/covers/mijn cover.png")


MUTATIONS = {
    "artwork": [shrink_cover, rename_cover],
    "category": [lambda d, x: x.replace('text="Health &amp; Fitness"', 'text="Cooking"')],
    "owner email": [lambda d, x: re.sub(r"<itunes:email>[^<]*", "<itunes:email>", x)],
    "description": [
        lambda d, x: re.sub(
            r"<title>(Korte test \(in 4, uit 6\))</title>\s*<description>[^<]*",
            r"<title>\1</title><description>\1",
            x,
        )
    ],
    "unique GUIDs": [lambda d, x: x.replace("breathcast:kort:3-6", "breathcast:kort:4-6")],
    "enclosure length": [
        lambda d, x: re.sub(
            r'length="(\d+)" type="audio/mpeg"', r'length="1\1" type="audio/mpeg"', x, count=1
        )
    ],  # noqa: E501
    "duration": [
        lambda d, x: re.sub(r"<itunes:duration>(\d+)<", r"<itunes:duration>9\1<", x, count=1)
    ],  # noqa: E501
    "ASCII URLs": [lambda d, x: x.replace(f"{BASE}/covers/", f"{BASE}/hoesjes-é/", 1)],
}


@pytest.mark.parametrize(
    ("rule", "mutate"),
    [(rule, mutate) for rule, mutations in MUTATIONS.items() for mutate in mutations],
)
def test_the_checker_catches_each_rule(site, tmp_path, rule, mutate):
    site_dir = tmp_path / "site"
    shutil.copytree(site / "build" / "site", site_dir)
    xml = (site_dir / "feed.xml").read_text(encoding="utf-8")
    assert check_feed(xml, SiteFolder(site_dir)) == []  # the good feed passes
    problems = check_feed(mutate(site_dir, xml), SiteFolder(site_dir))
    assert {p.rule for p in problems} >= {rule}, problems
    assert all(str(p).startswith(f"{p.rule}: ") and p.fix for p in problems)


def test_check_feed_on_the_command_line(site, tmp_path):
    result = run(site, "check", "--feed")
    assert result.exit_code == 0 and "the feed keeps every rule" in result.output
    broken = tmp_path / "site"
    shutil.copytree(site / "build" / "site", broken)
    shrink_cover(broken, "")
    result = run(site, "check", "--feed", "--site", str(broken))
    assert result.exit_code == 1
    assert "artwork: the podcast's image is a PNG of 1000x800 px" in result.output
    assert check_site(tmp_path / "nothing")[0].rule == "a feed"


def test_publish_refuses_a_feed_apple_would_reject(site, tmp_path):
    project = tmp_path / "p"
    shutil.copytree(site / "scripts", project / "scripts")
    shutil.copytree(site / "build", project / "build", ignore=shutil.ignore_patterns("site"))
    manifest = (project / "build" / "manifest.json").read_text()
    (project / "build" / "manifest.json").write_text(
        manifest.replace(str(site / "scripts"), str(project / "scripts"))
    )
    (project / "breathcast.toml").write_text('ratios = ["4:6", "3:6"]\n')  # no owner email
    result = run(project, "publish", "--base-url", BASE, "--allow-offline-voice")
    assert result.exit_code == 1
    # Said before anything is written, with how to give it (it is then remembered).
    assert "Apple needs an owner email to reach you: pass --owner-email" in result.output
    assert not (project / "build" / "site" / "feed.xml").exists()
    assert not (project / "build" / "site" / "index.html").exists()


def test_site_files_are_readable_by_a_web_server(site):
    for path in (site / "build" / "site").rglob("*"):
        if path.is_file():
            assert path.stat().st_mode & 0o044 == 0o044, path  # group and others may read


@pytest.mark.slow
def test_the_page_orders_exercises_and_recommends_a_ratio(tmp_path):
    project = tmp_path / "p"
    (project / "scripts").mkdir(parents=True)
    (project / "scripts" / "a.md").write_text(
        SMALL_SCRIPT.replace("title: Korte test", "title: Later\norder: 2")
    )
    (project / "scripts" / "b.md").write_text(
        SMALL_SCRIPT.replace("title: Korte test", "title: Eerst\norder: 1\nrecommended: 3:6")
    )
    (project / "breathcast.toml").write_text(
        'ratios = ["4:6", "3:6"]\n[podcast]\nowner_email = "a@example.nl"\n'
    )
    assert run(project, "build", "--engine", "espeak").exit_code == 0
    assert run(project, "publish", "--base-url", BASE, "--allow-offline-voice").exit_code == 0
    html = (project / "build" / "site" / "index.html").read_text(encoding="utf-8")
    assert html.index("Eerst") < html.index("Later")
    first = html[html.index('id="titel-b"') :]
    assert "Nieuw? Begin met in 3, uit 6." in first
    assert first.index('id="b-3-6"') < first.index('id="b-4-6"')  # recommended first
    later = html[html.index('id="titel-a"') :]
    assert later.index('id="a-4-6"') < later.index('id="a-3-6"')  # as the project lists them
    assert "Nieuw?" not in later
