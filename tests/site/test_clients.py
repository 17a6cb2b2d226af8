"""Real clients against the published site: gPodder's `gpo` and headless Chromium.

`.ci/run` installs both (Debian's gpodder and chromium). Elsewhere these tests skip, saying why.
"""

import html
import json
import os
import shutil
import sqlite3
import subprocess
import threading
import time
import urllib.request

import pytest
from conftest import closed_port, run_cli

from breathcast.site import make_server

CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


def run(project, *args):
    result = run_cli(project, *args)
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture
def served(project):
    """The small project built, published and served on 127.0.0.1."""
    (project / "breathcast.toml").write_text(
        'ratios = ["4:6", "3:6"]\n[podcast]\nowner_email = "anna@example.nl"\nevery_ratio = true\n'
    )
    run(project, "build", "--engine", "espeak")
    site = project / "build" / "site"
    server = make_server(site, port=0)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    run(project, "publish", "--base-url", base, "--allow-offline-voice")
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield project, site, base
    server.shutdown()
    server.server_close()


@pytest.mark.skipif(
    shutil.which("gpo") is None, reason="gPodder's gpo is not installed (apt-get install gpodder)"
)
@pytest.mark.slow
def test_gpodder_subscribes_downloads_and_follows_a_republished_edit(served, tmp_path):
    project, site, base = served
    env = {
        **os.environ,
        "GPODDER_HOME": str(tmp_path / "gpodder"),
        "GPODDER_DOWNLOAD_DIR": str(tmp_path / "downloads"),
    }

    def gpo(*args):
        result = subprocess.run(
            ["gpo", *args], env=env, capture_output=True, text=True, timeout=120
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    def episodes():
        with sqlite3.connect(tmp_path / "gpodder" / "Database") as db:
            return sorted(db.execute("SELECT guid, url FROM episode"))

    gpo("subscribe", f"{base}/feed.xml")
    gpo("update")
    assert "2 episodes downloaded" in gpo("download")
    downloads = sorted((tmp_path / "downloads").rglob("*.mp3"))
    assert len(downloads) == 2
    for path in downloads:
        assert path.read_bytes() == (site / "audio" / path.name).read_bytes()
    before = episodes()
    assert [guid for guid, _ in before] == ["breathcast:kort:3-6", "breathcast:kort:4-6"]

    script = project / "scripts" / "kort.md"
    script.write_text(script.read_text().replace("Dank je wel.", "Dank je wel, tot morgen."))
    run(project, "build", "--engine", "espeak")
    run(project, "publish", "--base-url", base, "--allow-offline-voice")
    gpo("update")
    after = episodes()
    assert [guid for guid, _ in after] == [guid for guid, _ in before]  # same GUIDs, no duplicates
    for (_, old_url), (_, new_url) in zip(before, after, strict=True):
        assert new_url != old_url and new_url.startswith(f"{base}/audio/kort-")
        urllib.request.urlopen(new_url).close()  # the new enclosure is really there


@pytest.mark.browser
@pytest.mark.skipif(
    shutil.which("chromium") is None, reason="chromium is not installed (apt-get install chromium)"
)
def test_the_page_in_headless_chromium(served, tmp_path):
    project, site, base = served
    shot = tmp_path / "page.png"
    subprocess.run(
        ["chromium", *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}",
         "--window-size=420,1400", f"--screenshot={shot}", f"{base}/index.html"],
        capture_output=True, timeout=90, check=True,
    )  # fmt: skip
    assert shot.stat().st_size > 10_000

    # Every <audio> loads its source; the page reports each duration back through its title.
    (site / "check-audio.html").write_text(CHECK_AUDIO, encoding="utf-8")
    port = closed_port()  # free now; chromium takes it
    browser = subprocess.Popen(
        ["chromium", *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile2'}",
         f"--remote-debugging-port={port}", f"{base}/check-audio.html"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        durations = None
        deadline = time.monotonic() + 60
        while durations is None and time.monotonic() < deadline:
            time.sleep(0.5)
            try:
                pages = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list"))
            except OSError:
                continue
            titles = [html.unescape(p["title"]) for p in pages if p.get("type") == "page"]
            durations = next((json.loads(t) for t in titles if t.startswith("[")), None)
    finally:
        browser.kill()
        browser.wait()
    assert durations is not None, "chromium never reported the audio durations"
    report = json.loads((project / "build" / "report.json").read_text())
    expected = {e["ratio"].replace(":", "-"): e["duration_s"] for e in report["episodes"]}
    assert len(durations) == len(expected) == 2
    for src, seconds in durations:
        ratio = src.split("kort-")[1][:3]
        assert isinstance(seconds, float), (src, seconds)
        assert seconds == pytest.approx(expected[ratio], abs=0.5)


CHECK_AUDIO = """<!doctype html><title>waiting</title><script>
fetch('index.html').then(r => r.text()).then(text => {
  const page = new DOMParser().parseFromString(text, 'text/html');
  const sources = [...page.querySelectorAll('audio')].map(a => a.getAttribute('src'));
  return Promise.all(sources.map(src => new Promise(resolve => {
    const audio = new Audio();
    audio.preload = 'metadata';
    audio.onloadedmetadata = () => resolve([src, audio.duration]);
    audio.onerror = () => resolve([src, 'error ' + (audio.error && audio.error.code)]);
    audio.src = src;
  })));
}).then(results => { document.title = JSON.stringify(results); });
</script>"""
