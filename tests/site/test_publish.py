"""The site: a Dutch download page, a feed that real parsers accept, and a server with ranges."""

import http.client
import re
import socket
import struct
import threading
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import feedparser
import podcastparser
import pytest
from conftest import run_cli as run
from mutagen.mp3 import MP3

from breathcast.site import make_server

BASE = "http://127.0.0.1:8765/rust"


@pytest.fixture
def site(project):
    (project / "breathcast.toml").write_text(
        'ratios = ["4:6", "3:6"]\n[podcast]\ntitle = "Rust & <verbinding> \\"nu\\""\n'
        'owner_email = "anna@example.nl"\n'
    )
    script = project / "scripts" / "kort.md"
    script.write_text(script.read_text().replace("title: Korte test", "title: Kort & <klein>"))
    assert run(project, "build", "--engine", "espeak").exit_code == 0
    return project


def publish(project):
    result = run(project, "publish", "--base-url", BASE, "--allow-offline-voice")
    assert result.exit_code == 0, result.output
    return project / "build" / "site"


def parsed(site_dir):
    with open(site_dir / "feed.xml", "rb") as handle:
        return podcastparser.parse(f"{BASE}/feed.xml", handle)


@pytest.mark.slow
def test_offline_voiced_episodes_are_refused_unless_allowed(site):
    result = run(site, "publish", "--base-url", BASE)
    assert result.exit_code == 1
    assert "offline espeak voice" in result.output and "--allow-offline-voice" in result.output
    assert not (site / "build" / "site" / "feed.xml").exists()


@pytest.mark.slow
def test_feed_parses_with_gpodders_parser_and_feedparser(site):
    site_dir = publish(site)
    podcast = parsed(site_dir)
    assert podcast["title"] == 'Rust & <verbinding> "nu"'
    cover = rf"{BASE}/covers/rust-verbinding-nu-[0-9a-f]{{8}}\.png"  # named by its bytes
    assert re.fullmatch(cover, podcast["cover_url"])
    episodes = {e["guid"]: e for e in podcast["episodes"]}
    assert set(episodes) == {"breathcast:kort:4-6"}  # by default: the ratio the page offers first
    settings = site / "breathcast.toml"
    settings.write_text(settings.read_text() + "every_ratio = true\n")  # in [podcast]
    podcast = parsed(publish(site))
    episodes = {e["guid"]: e for e in podcast["episodes"]}
    assert set(episodes) == {"breathcast:kort:4-6", "breathcast:kort:3-6"}
    for guid, episode in episodes.items():
        ratio = guid.rsplit(":", 1)[1]
        assert episode["title"] == f"Kort & <klein> (in {ratio[0]}, uit {ratio[2]})"
        (enclosure,) = episode["enclosures"]
        assert enclosure["mime_type"] == "audio/mpeg"
        local = site_dir / enclosure["url"].removeprefix(f"{BASE}/")
        assert enclosure["file_size"] == local.stat().st_size
        assert episode["total_time"] == pytest.approx(MP3(local).info.length, abs=1.0)
        assert (
            (site_dir / episode["transcript_url"].removeprefix(f"{BASE}/"))
            .read_text()
            .startswith("WEBVTT")
        )
        assert (site_dir / episode["chapters_json_url"].removeprefix(f"{BASE}/")).is_file()
        assert enclosure["url"].isascii() and f"kort-{ratio}-" in enclosure["url"]
    feed = feedparser.parse(str(site_dir / "feed.xml"))
    assert not feed.bozo
    assert {e.enclosures[0].length for e in feed.entries} == {
        str(e["enclosures"][0]["file_size"]) for e in episodes.values()
    }
    channel = ET.parse(site_dir / "feed.xml").getroot().find("channel")
    ns = {
        "itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd",
        "podcast": "https://podcastindex.org/namespace/1.0",
    }
    assert channel.find("itunes:explicit", ns).text == "false"
    assert channel.find("itunes:category", ns).get("text") == "Health & Fitness"
    assert channel.find("podcast:guid", ns).text
    for item in channel.iter("item"):
        assert item.find("podcast:transcript", ns).get("type") == "text/vtt"
        assert item.find("podcast:chapters", ns).get("type") == "application/json+chapters"
        assert item.find("pubDate").text.endswith("+0000")
        assert int(item.find("itunes:duration", ns).text) > 0


@pytest.mark.slow
def test_guids_never_change_and_urls_follow_the_bytes(site):
    site_dir = publish(site)
    first = {e["guid"]: e for e in parsed(site_dir)["episodes"]}
    site_dir = publish(site)  # unchanged: byte-for-byte the same URLs
    again = {e["guid"]: e for e in parsed(site_dir)["episodes"]}
    assert {g: e["enclosures"] for g, e in again.items()} == {
        g: e["enclosures"] for g, e in first.items()
    }
    script = site / "scripts" / "kort.md"
    script.write_text(script.read_text().replace("Dank je wel.", "Dank je wel, tot morgen."))
    assert run(site, "build", "--engine", "espeak").exit_code == 0
    site_dir = publish(site)
    rebuilt = {e["guid"]: e for e in parsed(site_dir)["episodes"]}
    assert set(rebuilt) == set(first)
    for guid in first:
        assert rebuilt[guid]["enclosures"][0]["url"] != first[guid]["enclosures"][0]["url"]
        assert rebuilt[guid]["published"] == first[guid]["published"]
    assert len(list((site_dir / "audio").glob("*.mp3"))) == 2  # the old audio is gone


@pytest.mark.slow
def test_page_is_dutch_escaped_and_self_contained(site):
    html = (publish(site) / "index.html").read_text(encoding="utf-8")
    assert '<html lang="nl">' in html
    assert "Kort &amp; &lt;klein&gt;" in html and "<klein>" not in html
    assert "in 4 tellen, uit 6 tellen" in html and "in 3 tellen, uit 6 tellen" in html
    assert html.count("<audio controls") == 2 and "Uitgeschreven tekst" in html
    assert 'src="http' not in html and 'href="http' not in html  # no external requests


@pytest.fixture
def server(site):
    site_dir = publish(site)
    srv = make_server(site_dir, port=0)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield site_dir, srv.server_address
    srv.shutdown()
    srv.server_close()


def request(address, method, path, headers=None):
    conn = http.client.HTTPConnection(*address, timeout=10)
    conn.request(method, path, headers=headers or {})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response, body


@pytest.mark.slow
def test_server_answers_head_and_byte_ranges_on_localhost_only(server):
    site_dir, address = server
    assert address[0] == "127.0.0.1"
    mp3 = next((site_dir / "audio").glob("*.mp3"))
    data = mp3.read_bytes()
    path = f"/audio/{mp3.name}"
    head, body = request(address, "HEAD", path)
    assert (head.status, body) == (200, b"")
    assert int(head.getheader("Content-Length")) == len(data)
    assert head.getheader("Accept-Ranges") == "bytes"
    assert head.getheader("Content-Type") == "audio/mpeg"
    part, body = request(address, "GET", path, {"Range": "bytes=100-199"})
    assert part.status == 206 and body == data[100:200]
    assert part.getheader("Content-Range") == f"bytes 100-199/{len(data)}"
    tail, body = request(address, "GET", path, {"Range": "bytes=-50"})
    assert tail.status == 206 and body == data[-50:]
    past, _ = request(address, "GET", path, {"Range": f"bytes={len(data)}-"})
    assert past.status == 416 and past.getheader("Content-Range") == f"bytes */{len(data)}"
    for sneaky in (
        "/../breathcast.toml",
        "/audio/%2e%2e/%2e%2e/breathcast.toml",
        "/..%2f..%2fbreathcast.toml",
    ):
        response, _ = request(address, "GET", sneaky)
        assert response.status == 404, sneaky


@pytest.mark.slow
@pytest.mark.parametrize("ranged", [False, True])
def test_a_player_that_drops_a_download_is_no_error(server, capfd, ranged):
    """Podcast players stop and skip mid-file; the server must not print a traceback."""
    site_dir, address = server
    mp3 = site_dir / "audio" / "lang.mp3"
    mp3.write_bytes(bytes(range(256)) * 32768)  # 8 MB: more than any socket buffer holds
    client = socket.socket()
    client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # so the server must wait
    client.connect(address)
    headers = "Range: bytes=0-\r\n" if ranged else ""
    client.sendall(f"GET /audio/{mp3.name} HTTP/1.1\r\nHost: x\r\n{headers}\r\n".encode())
    assert client.recv(1024).startswith(b"HTTP/1.")
    client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    client.close()  # a reset, mid-file
    time.sleep(0.5)
    response, body = request(address, "GET", f"/audio/{mp3.name}")  # and it still serves
    assert response.status == 200 and body == mp3.read_bytes()
    assert "Traceback" not in capfd.readouterr().err


# Publish in steps: collect, render, check, write, prune.


def site_bytes(site_dir: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(site_dir)): p.read_bytes() for p in site_dir.rglob("*") if p.is_file()
    }


def pointed_at(site_dir: Path) -> set[str]:
    """Every file of the site that its feed and its page point to, site-relative."""
    names = set()
    feed = (site_dir / "feed.xml").read_text(encoding="utf-8")
    names |= {m for m in re.findall(rf'(?:url|href|uri)="{re.escape(BASE)}/([^"#]+)"', feed)}
    page = (site_dir / "index.html").read_text(encoding="utf-8")
    names |= {m for m in re.findall(r'(?:src|href|data-audio)="([^":#]+)"', page)}
    return names


def missing(site_dir: Path) -> list[str]:
    if not (site_dir / "feed.xml").exists():
        return []
    return sorted(n for n in pointed_at(site_dir) if not (site_dir / n).is_file())


@pytest.mark.slow
def test_every_file_the_feed_and_page_name_exists_at_every_step(site, monkeypatch):
    import breathcast.site.publish as publishing

    site_dir = publish(site)
    first = pointed_at(site_dir)
    assert {n for n in first if n.endswith(".mp3")} and missing(site_dir) == []
    script = site / "scripts" / "kort.md"
    script.write_text(script.read_text().replace("Dank je wel.", "Dank je wel, tot morgen."))
    assert run(site, "build", "--engine", "espeak").exit_code == 0
    steps: list[str] = []

    def checked(step):
        def wrapper(*args, **kwargs):
            result = step(*args, **kwargs)
            steps.append(str(args[0]))
            assert missing(site_dir) == [], f"after writing {args[0]}"
            return result

        return wrapper

    unlink = Path.unlink
    monkeypatch.setattr(publishing, "atomic_write", checked(publishing.atomic_write))
    monkeypatch.setattr(publishing, "_put", checked(publishing._put))
    monkeypatch.setattr(Path, "unlink", checked(unlink))
    publish(site)
    monkeypatch.undo()
    assert len(steps) > 10  # new audio, sidecars, pages and removals: each step was checked
    again = pointed_at(site_dir)
    assert again != first and missing(site_dir) == []
    gone = {n for n in first - again if n.startswith("audio/")}
    assert gone and not any((site_dir / n).exists() for n in gone)  # pruned, last


@pytest.mark.slow
def test_a_refused_publish_changes_not_a_byte_of_the_site(site):
    site_dir = publish(site)
    before = site_bytes(site_dir)
    script = site / "scripts" / "kort.md"
    script.write_text(script.read_text().replace("Dank je wel.", "Dank je wel, tot morgen."))
    assert run(site, "build", "--engine", "espeak").exit_code == 0
    toml = site / "breathcast.toml"
    toml.write_text(toml.read_text().replace('owner_email = "anna@example.nl"\n', ""))
    result = run(site, "publish", "--base-url", BASE, "--allow-offline-voice")
    assert result.exit_code == 1 and "owner email" in result.output
    assert site_bytes(site_dir) == before  # nothing written, nothing removed
    assert missing(site_dir) == []  # the old feed's enclosures all still exist
