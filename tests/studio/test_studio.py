"""breathcast studio's JSON API, through Starlette's test client: every feature and every
request the studio must refuse."""

import json
import os
import socket
import subprocess
import time
import wave
from io import BytesIO
from pathlib import Path

import numpy as np
import pytest
from conftest import SMALL_SCRIPT, start_cli, studio_client
from measure import dominant_frequency, rms_db
from readings import make_reading
from starlette.testclient import TestClient

from breathcast.core import LOCK_NAME
from breathcast.studio.app import create_app
from breathcast.studio.security import MAX_BODY, body_limit
from breathcast.voice.takes import TAKE_RATE, wav_bytes

HOST = "testserver"
ORIGIN = f"http://{HOST}"


@pytest.fixture
def studio(project):
    (project / "breathcast.toml").write_text(
        '# my settings\nratios = ["4:6"]\nengine = "espeak"\n[podcast]\n'
        'owner_email = "anna@example.nl"\n'
    )
    with studio_client(project) as client:
        yield client


WITH_HER_VOICE = SMALL_SCRIPT.replace(
    "description: Een korte test.\n", "description: Een korte test.\nengine: opname\n"
)


def test_the_page_is_dutch_and_carries_this_runs_token(studio):
    response = studio.get("/")
    assert response.status_code == 200 and '<html lang="nl">' in response.text
    assert studio.studio.token in response.text
    assert "Je oefeningen" in response.text
    css = studio.get("/static/studio.css")
    assert css.status_code == 200 and "http" not in css.text  # no web fonts, no CDNs


def test_overview_lists_every_script_with_its_status(studio):
    data = studio.get("/api/overview").json()
    (script,) = data["scripts"]
    assert (script["voice"], script["takes_total"]) == ("espeak", 0)  # no take of hers yet
    assert (script["name"], script["title"], script["status"]) == (
        "kort.md",
        "Korte test",
        "never_built",
    )
    assert [(e["ratio"], e["words"]) for e in script["episodes"]] == [("4:6", "in 4, uit 6")]
    assert data["building"] is None and data["busy"] is False


def test_a_text_is_checked_as_she_types_with_errors_at_their_line(studio):
    text = SMALL_SCRIPT.replace("[adem 2x]", "[adem zes]")
    data = studio.post("/api/check", json={"name": "kort.md", "text": text}).json()
    (error,) = data["errors"]
    assert error["line"] == 12
    assert error["nl"].startswith("[adem …] heeft een aantal ademhalingen nodig")
    fixed = studio.post("/api/check", json={"name": "kort.md", "text": SMALL_SCRIPT}).json()
    assert fixed["errors"] == [] and [s["line"] for s in fixed["spoken"]] == [7, 8, 13]
    advice = studio.post(
        "/api/check", json={"name": "kort.md", "text": SMALL_SCRIPT.replace("# Begin\n", "")}
    ).json()
    assert advice["errors"] == [] and advice["ratios"] == [{"ratio": "4:6", "words": "in 4, uit 6"}]


def test_every_error_in_the_text_is_sent_at_once_one_per_line(studio):
    """The editor marks every line that is not right, not only the first."""
    text = SMALL_SCRIPT.replace("[adem 2x]", "[adem 4:6 x3]\n[pauze lang]")
    text = text.replace("title: Korte test\n", "title: Korte test\ncolour: blauw\n")
    data = studio.post("/api/check", json={"name": "kort.md", "text": text}).json()
    assert [e["line"] for e in data["errors"]] == [3, 13, 14]
    assert data["errors"][0]["nl"].startswith("colour: is geen bekende instelling")
    assert data["errors"][2]["nl"] == "[pauze …] heeft een duur nodig, zoals 5s, 1,5s of 2m"
    assert data["errors"][1]["nl"].endswith("Schrijf alleen hoe vaak: [adem 3x]")
    (studio.project / "scripts" / "kort.md").write_text(text)
    (card,) = studio.get("/api/overview").json()["scripts"]
    assert [e["line"] for e in card["errors"]] == [3, 13, 14]


def test_saving_keeps_the_previous_version_and_it_can_be_brought_back(studio):
    read = studio.get("/api/scripts/kort.md").json()
    assert read["text"] == SMALL_SCRIPT and len(read["version"]) == 16
    edited = SMALL_SCRIPT.replace("Dank je wel.", "Dank je wel, tot morgen.")
    saved = studio.put("/api/scripts/kort.md", json={"text": edited, "version": read["version"]})
    assert saved.status_code == 200 and saved.json()["version"] != read["version"]
    assert (studio.project / "scripts" / "kort.md").read_text() == edited
    (earlier,) = studio.get("/api/scripts/kort.md/history").json()
    old = studio.get(f"/api/scripts/kort.md/history/{earlier['id']}").json()["text"]
    assert old == SMALL_SCRIPT  # nothing she wrote is lost
    assert (studio.project / "history" / "kort.md" / earlier["id"]).is_file()
    restored = studio.put(
        "/api/scripts/kort.md", json={"text": old, "version": saved.json()["version"]}
    )
    assert restored.status_code == 200
    assert (studio.project / "scripts" / "kort.md").read_text() == SMALL_SCRIPT
    assert len(studio.get("/api/scripts/kort.md/history").json()) == 2


def test_a_save_over_a_newer_disk_version_is_a_conflict_and_loses_nothing(studio):
    read = studio.get("/api/scripts/kort.md").json()
    on_disk = SMALL_SCRIPT.replace("Dank je wel.", "Veranderd in een andere editor.")
    (studio.project / "scripts" / "kort.md").write_text(on_disk)
    mine = SMALL_SCRIPT.replace("Dank je wel.", "Mijn eigen zin.")
    response = studio.put("/api/scripts/kort.md", json={"text": mine, "version": read["version"]})
    assert response.status_code == 409
    assert response.json()["disk_text"] == on_disk
    assert (studio.project / "scripts" / "kort.md").read_text() == on_disk  # survives
    kept = studio.post("/api/scripts/kort.md/keep", json={"text": mine})  # "keep the disk's"
    assert kept.status_code == 200
    versions = studio.get("/api/scripts/kort.md/history").json()
    texts = [studio.get(f"/api/scripts/kort.md/history/{v['id']}").json()["text"] for v in versions]
    assert mine in texts  # her text, stashed
    again = studio.put(
        "/api/scripts/kort.md", json={"text": mine, "version": response.json()["disk_version"]}
    )
    assert again.status_code == 200  # "keep mine": the disk's version goes to the history
    texts = [
        studio.get(f"/api/scripts/kort.md/history/{v['id']}").json()["text"]
        for v in studio.get("/api/scripts/kort.md/history").json()
    ]
    assert on_disk in texts


def wav_of(response) -> tuple[np.ndarray, int]:
    with wave.open(BytesIO(response.content)) as audio:
        frames = audio.readframes(audio.getnframes())
        return np.frombuffer(frames, "<i2").astype(np.float32) / 32768, audio.getframerate()


def test_a_line_and_the_episode_from_a_line_can_be_heard(studio):
    line = studio.get("/api/scripts/kort.md/line/8.wav")
    assert line.status_code == 200 and line.headers["content-type"] == "audio/wav"
    assert int(line.headers["content-length"]) == len(line.content)
    samples, rate = wav_of(line)
    assert rate == 44100 and 0.3 < samples.size / rate < 3.0
    assert 20 * np.log10(np.sqrt(np.mean(samples**2))) > -30  # speech, not silence
    whole = studio.get("/api/scripts/kort.md/from/7.wav?ratio=4:6")
    later = studio.get("/api/scripts/kort.md/from/13.wav?ratio=3:6")
    assert int(whole.headers["content-length"]) == len(whole.content)
    whole_samples, _ = wav_of(whole)
    later_samples, _ = wav_of(later)
    assert 25 < whole_samples.size / rate < 45
    assert later_samples.size < whole_samples.size - 20 * rate  # after the breathing block
    missing = studio.get("/api/scripts/kort.md/line/9.wav")
    assert missing.status_code == 400 and missing.json()["error"] == "op deze regel staat geen zin"


def test_a_line_that_moved_since_the_page_drew_it_is_found_by_its_words(studio):
    """Her length saved from the form puts three lines into the front matter: a row drawn
    before that still asks for line 7. By its words it is the line now on 10, not "op deze
    regel staat geen zin" (her whole path lost a play that way, once in CI)."""
    kort = studio.project / "scripts" / "kort.md"
    front = "title: Korte test\nlengths: 1m\nratios: 4:6\ngroup: Ademen"
    kort.write_text(SMALL_SCRIPT.replace("title: Korte test", front))
    moved = studio.get("/api/scripts/kort.md/line/7.wav", params={"text": "Adem rustig in."})
    assert moved.status_code == 200, moved.text
    now = studio.get("/api/scripts/kort.md/line/10.wav")
    assert moved.content == now.content  # the same line, sample for sample
    other = studio.get("/api/scripts/kort.md/line/7.wav", params={"text": "Iets anders."})
    assert other.status_code == 400  # words it does not have are still no line


def test_pronunciations_can_be_edited_and_heard(studio):
    empty = studio.get("/api/lexicon").json()
    assert (empty["text"], empty["version"], empty["entries"]) == ("", "", [])
    saved = studio.put("/api/lexicon", json={"text": "rustig = rus-tich\n", "version": ""}).json()
    assert saved["entries"] == [{"word": "rustig", "say": "rus-tich", "line": 1}]
    broken = studio.put(
        "/api/lexicon", json={"text": "rustig\n", "version": saved["version"]}
    ).json()
    assert broken["errors"][0]["nl"] == "schrijf elke regel als woord = zo spreek je het uit"
    before = studio.get("/api/say.wav", params={"text": "rustig"})
    after = studio.get("/api/say.wav", params={"text": "rus-tich"})
    assert before.status_code == after.status_code == 200
    assert before.content != after.content


def sse_stream(studio, then=lambda: None, seconds: float = 90):
    """The page's event stream, event by event. `then` runs once the greeting has arrived:
    from there on, no event can be missed (the sync point, not a sleep)."""
    deadline = time.monotonic() + seconds
    with studio.stream("GET", "/api/events") as stream:
        for line in stream.iter_lines():
            assert time.monotonic() < deadline, "the stream went quiet"
            if not line.startswith("data: "):
                continue
            data = json.loads(line[6:])
            if data["event"] == "hello":
                assert data["instance"] == studio.studio.token
                then()
                continue
            yield data


def sse_events(studio, until: str, then=lambda: None, seconds: float = 90) -> list[dict]:
    """The page's events up to and with the first `until`."""
    events = []
    for event in sse_stream(studio, then, seconds):
        events.append(event)
        if event["event"] == until:
            break
    return events


def test_a_build_streams_its_events_to_the_page(studio):
    def start():
        assert studio.post("/api/build", json={"scripts": ["kort.md"]}).status_code == 202

    events = sse_events(studio, "build_finished", start)
    kinds = [e["event"] for e in events]
    assert kinds[0] == "build_planned" and kinds[-1] == "build_finished"
    assert "episode_built" in kinds and "clip_voiced" in kinds
    (built,) = events[-1]["report"]["episodes"]
    assert (built["path"], built["title"]) == ("kort/kort-4-6.mp3", "Korte test")
    assert built["ratio_words"] == "in 4, uit 6"  # the page never composes Dutch itself
    started = next(e for e in events if e["event"] == "episode_started")
    assert started["ratio_words"] == "in 4, uit 6"
    data = studio.get("/api/overview").json()
    assert data["scripts"][0]["status"] == "preview_voice"  # built, with the espeak voice
    audio = studio.get("/api/episodes/kort/kort-4-6.mp3", headers={"Range": "bytes=0-99"})
    assert audio.status_code == 206 and len(audio.content) == 100
    timeline = studio.get("/api/scripts/kort.md/timeline?ratio=4:6").json()
    assert [c["title"] for c in timeline["chapters"]] == ["Begin", "Ademen"]
    assert [line["line"] for line in timeline["lines"]] == [7, 8, 13]
    assert {p["kind"] for p in timeline["phases"]} == {"in", "out"}


def test_a_build_can_be_cancelled_from_the_page(studio):
    (studio.project / "breathcast.toml").write_text(
        'ratios = ["4:6", "3:6", "4:4", "5:5"]\nengine = "espeak"\n'
    )

    def start_then_cancel_mid_file():
        assert studio.post("/api/build", json={}).status_code == 202
        assert studio.post("/api/build", json={}).status_code == 409  # one at a time
        deadline = time.monotonic() + 60
        while not any((studio.project / "build").rglob(".*.mp3.*.tmp")):  # an MP3 half-written
            assert time.monotonic() < deadline
            time.sleep(0.01)
        assert studio.post("/api/build/cancel", json={}).json() == {"cancelled": True}

    events = sse_events(studio, "build_finished", start_then_cancel_mid_file)
    report = events[-1]["report"]
    assert report["cancelled"] is True and len(report["episodes"]) < 4
    assert not list((studio.project / "build").rglob("*.tmp"))


def test_a_cli_build_in_progress_shows_as_busy(studio):
    (studio.project / "build").mkdir()
    sleeper = subprocess.Popen(["sleep", "30"])
    try:
        (studio.project / "build" / LOCK_NAME).write_text(
            json.dumps({"pid": sleeper.pid, "host": os.uname().nodename, "started": "10:00"})
        )
        building = studio.get("/api/overview").json()["building"]
        assert building == {"job": "build", "here": False, "started": "10:00"}  # a code

        def start():
            assert studio.post("/api/build", json={}).status_code == 202

        (refused,) = sse_events(studio, "build_refused", start, 30)
        assert refused["reason"] == "locked"  # a code: the page matches no English
        assert refused["message"]["nl"].startswith("Er wordt al gebouwd")
    finally:
        sleeper.kill()
        sleeper.wait()


def test_publish_asks_once_for_the_address_and_remembers_it(studio):
    assert studio.post("/api/build", json={}).status_code == 202
    studio.studio.runner.join(120)
    refused = studio.post("/api/publish", json={"site_url": "https://example.nl/rust"})
    assert refused.status_code == 422  # the episodes have the preview voice
    assert refused.json()["error"].startswith("sommige oefeningen hebben nog de computerstem")
    response = studio.post(
        "/api/publish", json={"site_url": "https://example.nl/rust", "allow_preview": True}
    )
    assert response.status_code == 200, response.text
    assert response.json() == {
        "page": "/site/index.html",
        "feed": "/site/feed.xml",
        "site_url": "https://example.nl/rust",
    }
    settings = (studio.project / "breathcast.toml").read_text()
    assert 'site_url = "https://example.nl/rust"' in settings and "# my settings" in settings
    assert studio.get("/site/index.html").status_code == 200
    again = studio.post("/api/publish", json={"allow_preview": True})  # remembered
    assert again.json()["site_url"] == "https://example.nl/rust"


@pytest.mark.parametrize(
    ("method", "path", "headers", "status"),
    [
        ("get", "/api/overview", {"host": "evil.example:8765"}, 400),  # DNS rebinding
        ("put", "/api/scripts/kort.md", {"origin": "https://evil.example"}, 403),  # cross-site
        ("put", "/api/scripts/kort.md", {"x-studio-token": ""}, 403),  # no token: not our page
        ("put", "/api/scripts/kort.md", {"x-studio-token": "from-an-earlier-run"}, 409),
        ("get", "/api/scripts/..%2Fbreathcast.toml", {}, 404),
        ("get", "/api/scripts/%2e%2e%2fbreathcast.toml", {}, 404),
        ("get", "/api/scripts/breathcast.toml", {}, 404),
        ("get", "/api/scripts/kort.md/history/..%2F..%2Fbreathcast.toml", {}, 404),
        ("get", "/api/episodes/../breathcast.toml", {}, 404),
        ("get", "/site/../breathcast.toml", {}, 404),
        ("get", "/static/../app.py", {}, 404),
    ],
)
def test_hostile_requests_are_refused(studio, method, path, headers, status):
    body = {"json": {"text": "x", "version": ""}} if method == "put" else {}
    response = getattr(studio, method)(path, headers=headers, **body)
    assert response.status_code == status, response.text
    assert (studio.project / "scripts" / "kort.md").read_text() == SMALL_SCRIPT


def test_a_stale_tab_is_told_to_reload(studio):
    response = studio.put(
        "/api/scripts/kort.md",
        json={"text": "x", "version": ""},
        headers={"x-studio-token": "from-an-earlier-run"},
    )
    assert "De studio is opnieuw gestart. Laad de pagina opnieuw" in response.json()["error"]


def test_request_bodies_have_limits(studio):
    huge = "Hallo.\n" * 400_000  # 2.8 MB
    response = studio.put("/api/scripts/kort.md", content=json.dumps({"text": huge, "version": ""}))
    assert response.status_code == 413
    assert (studio.project / "scripts" / "kort.md").read_text() == SMALL_SCRIPT
    # Sent in chunks with no length said upfront: counted as it arrives, refused the same way.
    chunks = (b"x" * 100_000 for _ in range(30))
    response = studio.put("/api/scripts/kort.md", content=chunks)
    assert response.status_code == 413 and response.json()["reason"] == "body too large"
    assert (studio.project / "scripts" / "kort.md").read_text() == SMALL_SCRIPT


def test_a_script_that_links_outside_is_refused(studio, tmp_path_factory):
    secret = tmp_path_factory.mktemp("elders") / "geheim.md"
    secret.write_text("geheim")
    (studio.project / "scripts" / "link.md").symlink_to(secret)
    assert studio.get("/api/scripts/link.md").status_code == 404
    response = studio.put("/api/scripts/link.md", json={"text": "x", "version": ""})
    assert response.status_code == 404 and secret.read_text() == "geheim"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.slow
def test_the_studio_command_starts_prints_its_address_and_stops_cleanly(project):
    port = free_port()
    proc = start_cli(project, "studio", "--no-browser", "--port", str(port), text=True)
    try:
        line = proc.stdout.readline()
        assert f"http://127.0.0.1:{port}/" in line
        import urllib.request

        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/ping") as response:
            assert json.load(response)["building"] is False
        # her browser tab keeps an event stream open; Ctrl-C must still stop without a trace
        stream = urllib.request.urlopen(f"http://127.0.0.1:{port}/api/events", timeout=10)
        assert stream.readline().startswith(b'data: {"event": "hello"')
    finally:
        proc.send_signal(2)  # Ctrl-C
        out, _ = proc.communicate(timeout=20)
    stream.read()  # the server ended the stream itself
    stream.close()
    assert proc.returncode == 0, out
    assert "De studio is gestopt." in out and "Traceback" not in out


def test_the_studio_on_a_busy_port_says_so(project):
    from conftest import run_cli

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run_cli(project, "studio", "--no-browser", "--port", str(port))
    assert result.exit_code == 1 and f"--port {port + 1}" in result.output


def test_the_studio_never_binds_beyond_this_computer():
    from breathcast.studio.server import HOST, listen

    sock = listen(0)
    try:
        assert sock.getsockname()[0] == HOST == "127.0.0.1"
    finally:
        sock.close()


def test_tomlkit_keeps_what_she_wrote_in_the_settings(tmp_path):
    from breathcast.core import load_config, remember

    (tmp_path / "breathcast.toml").write_text('# mine\nratios = ["4:6"]  # calm\n')
    remember(load_config(tmp_path), "podcast", {"site_url": "https://example.nl"})
    text = (tmp_path / "breathcast.toml").read_text()
    assert text.startswith('# mine\nratios = ["4:6"]  # calm\n')
    assert load_config(tmp_path).podcast.site_url == "https://example.nl"
    assert Path(tmp_path / "breathcast.toml").stat().st_mode & 0o044


def tone_wav(hz: float, seconds: float) -> bytes:
    t = np.arange(int(seconds * TAKE_RATE)) / TAKE_RATE
    quiet = np.zeros(int(0.3 * TAKE_RATE), np.float32)
    sound = (0.3 * np.sin(2 * np.pi * hz * t) * np.hanning(t.size) ** 0.1).astype(np.float32)
    return wav_bytes(np.concatenate([quiet, sound, quiet]))


def share_near(x: np.ndarray, rate: int, hz: float) -> float:
    """The share of the energy of `x` within 10 Hz of `hz`."""
    power = np.abs(np.fft.rfft(x)) ** 2
    freqs = np.fft.rfftfreq(x.size, 1 / rate)
    return float(power[np.abs(freqs - hz) <= 10].sum() / power.sum())


def spoken_states(studio) -> dict[int, str]:
    return {s["line"]: s["take"] for s in studio.get("/api/scripts/kort.md").json()["spoken"]}


@pytest.mark.slow
def test_she_records_a_line_hears_her_take_and_it_plays_in_the_episode(studio):
    assert spoken_states(studio) == {7: "missing", 8: "missing", 13: "missing"}
    # A take of 33 s of WAV (3.2 MB): larger than any JSON body may be, and still taken.
    long_take = tone_wav(440.0, 32.0)
    assert len(long_take) > MAX_BODY
    response = studio.post(
        "/api/scripts/kort.md/takes/7", content=long_take, headers={"Content-Type": "audio/wav"}
    )
    assert response.status_code == 200, response.text
    assert response.json()["take"]["source"] == "studio"
    assert {s["line"]: s["take"] for s in response.json()["spoken"]}[7] == "ok"
    # Then a short one: the latest take is the line's, and the earlier one is kept.
    studio.post("/api/scripts/kort.md/takes/7", content=tone_wav(440.0, 1.2))
    assert len(list((studio.project / "recordings" / "takes").glob("*/*.wav"))) == 2
    (card,) = studio.get("/api/overview").json()["scripts"]
    assert (card["takes_recorded"], card["takes_to_check"], card["takes_total"]) == (1, 0, 3)
    take, rate = wav_of(studio.get("/api/scripts/kort.md/takes/7.wav"))
    assert dominant_frequency(take, rate) == pytest.approx(440, abs=5)
    assert 1.0 < take.size / rate < 2.0
    # The script is voiced by espeak: line 7 is espeak's, until the script asks for her voice.
    espeak, _ = wav_of(studio.get("/api/scripts/kort.md/from/7.wav?ratio=4:6"))
    assert rms_db(espeak[: 3 * rate]) > -30 and share_near(espeak[: 3 * rate], rate, 440) < 0.2
    version = studio.get("/api/scripts/kort.md").json()["version"]
    text = SMALL_SCRIPT.replace("title: Korte test\n", "title: Korte test\nengine: opname\n")
    studio.put("/api/scripts/kort.md", content=json.dumps({"text": text, "version": version}))
    # (the front matter grew a line: the first spoken line is now line 8; from the heading
    # above it, the episode's opening melody would come first)
    hers, _ = wav_of(studio.get("/api/scripts/kort.md/from/8.wav?ratio=4:6"))
    take_span = hers[: int(1.6 * rate)]  # 0.4 s before the line, then her 1.2 s take
    assert share_near(take_span, rate, 440) > 0.9
    # A line without a take is previewed by espeak meanwhile (the build would refuse it).
    filled, _ = wav_of(studio.get("/api/scripts/kort.md/line/8.wav"))
    assert 0.3 < filled.size / rate < 3.0 and rms_db(filled) > -30


@pytest.mark.parametrize(
    ("line", "body", "expected"),
    [
        (7, b"not audio at all", "dit bestand is geen opname die ik kan lezen"),
        (7, wav_bytes(np.zeros(TAKE_RATE, np.float32)), "er staat geen geluid in deze opname"),
        (9, tone_wav(440.0, 1.0), "regel 9 heeft geen tekst om in te spreken"),
    ],
    ids=["no audio", "silence", "no line"],
)
def test_a_take_she_cannot_use_is_refused_in_dutch(studio, line, body, expected):
    response = studio.post(f"/api/scripts/kort.md/takes/{line}", content=body)
    assert response.status_code == 422
    assert response.json()["error"].startswith(expected)
    assert not (studio.project / "recordings" / "takes").exists()


def test_uploads_have_their_own_limits():
    assert body_limit("POST", "/api/scripts/kort.md/takes/7") == 100_000_000
    assert body_limit("POST", "/api/scripts/kort.md/reading") == 1_000_000_000
    assert body_limit("PUT", "/api/scripts/kort.md/takes/7") == MAX_BODY
    assert body_limit("POST", "/api/scripts/kort.md/takes/7/../../x") == MAX_BODY


def test_a_whole_reading_is_imported_from_the_studio(studio):
    texts = ["Adem rustig in.", "En weer uit.", "Dank je wel."]
    reading = make_reading(texts, seed=4, comma=False, repeat=False)
    response = studio.post(
        "/api/scripts/kort.md/reading?filename=Lezing%201.WAV", content=reading.wav()
    )
    assert response.status_code == 200, response.text
    data = response.json()
    assert data["new_takes"] == 3
    for line, (start, end) in zip(data["lines"], reading.truth, strict=True):
        assert line["sure"] and line["repeated_at_s"] is None
        assert (line["start_s"], line["end_s"]) == pytest.approx((start, end), abs=0.12)
    assert spoken_states(studio) == {7: "ok", 8: "ok", 13: "ok"}
    (kept,) = (studio.project / "recordings" / "readings").iterdir()
    assert kept.suffix == ".wav" and kept.read_bytes() == reading.wav()


# The studio in parts: answers to malformed requests, the front matter set on the server,
# codes and their words, the configured build folder, previews' voice, and builds elsewhere.


@pytest.mark.parametrize(
    ("body", "said"),
    [
        (b"{not json", "Dit verzoek kan de studio niet lezen."),
        (b'["a list"]', "Dit verzoek kan de studio niet lezen."),
        (b'{"text": "x"}', "Er ontbreekt iets in dit verzoek; laad de pagina opnieuw."),
    ],
    ids=["not JSON", "not an object", "no version"],
)
def test_a_malformed_request_is_a_400_in_dutch_and_changes_nothing(studio, body, said):
    response = studio.put("/api/scripts/kort.md", content=body)
    assert response.status_code == 400
    assert response.json()["error"] == said
    assert (studio.project / "scripts" / "kort.md").read_text() == SMALL_SCRIPT


def test_her_voice_is_set_in_the_front_matter_by_the_studio(studio):
    read = studio.get("/api/scripts/kort.md").json()
    body = {"key": "engine", "value": "opname", "version": read["version"]}
    answer = studio.post("/api/scripts/kort.md/front", json=body)
    assert answer.status_code == 200 and answer.json()["engine"] == "opname"
    on_disk = (studio.project / "scripts" / "kort.md").read_text()
    assert on_disk == WITH_HER_VOICE
    stale = studio.post("/api/scripts/kort.md/front", json=body)  # an old version: both kept
    assert stale.status_code == 409 and stale.json()["disk_text"] == on_disk
    wrong = {"key": "engine", "value": "robot", "version": answer.json()["version"]}
    refused = studio.post("/api/scripts/kort.md/front", json=wrong)
    assert refused.status_code == 400 and refused.json()["error"].startswith("engine: kies een")


def test_the_page_gets_every_code_with_its_dutch_words(studio):
    from breathcast.studio.presenters import vocabulary

    page = studio.get("/").text
    words = vocabulary()
    assert words["script_status"]["never_built"] == "Nog niet gebouwd"
    assert words["engine"]["espeak"] == "computerstem (voorbeeld)"
    assert words["take_state"]["missing"] == "nog niet opgenomen"
    assert words["refusal"]["locked"]
    assert 'data-vocabulary="{&#34;script_status&#34;' in page  # escaped into the attribute
    assert "Nog niet gebouwd" in page


def test_the_published_site_is_served_from_the_configured_build_folder(studio):
    (studio.project / "breathcast.toml").write_text(
        'ratios = ["4:6"]\nengine = "espeak"\nbuild_dir = "uit"\n'
        '[podcast]\nowner_email = "anna@example.nl"\n'
    )
    app = create_app(studio.project, {HOST}, {ORIGIN})
    with TestClient(app, base_url=ORIGIN) as client:
        client.headers["x-studio-token"] = app.app.state.studio.token
        assert client.post("/api/build", json={}).status_code == 202
        app.app.state.studio.runner.join(120)
        published = client.post(
            "/api/publish", json={"site_url": "https://example.nl/rust", "allow_preview": True}
        )
        assert published.status_code == 200, published.text
        assert (studio.project / "uit" / "site" / "index.html").is_file()
        assert client.get("/site/index.html").status_code == 200
        assert client.get("/site/feed.xml").text.startswith("<?xml")


def test_previews_wait_on_google_again_a_minute_after_it_failed(project, monkeypatch):
    """Google did not answer: espeak for a minute, however often she listens; then Google."""
    from fake_gtts import FakeGoogle

    from breathcast.studio.session import OFFLINE_RETRY_S, Studio
    from breathcast.voice.engines.gtts_engine import ENDPOINT_ENV

    now = [1000.0]
    studio = Studio(project, clock=lambda: now[0])
    assert studio.preview("kort.md", {7}).engine.name == "espeak"  # Google is unreachable
    until = studio.offline_until
    assert until == 1000.0 + OFFLINE_RETRY_S
    for _ in range(5):  # she keeps listening: no waiting on Google, and no moving the hour
        now[0] += 10
        assert studio.preview("kort.md", {7}).engine.name == "espeak"
        assert studio.offline_until == until
    now[0] = until + 1
    with FakeGoogle() as google:
        monkeypatch.setenv(ENDPOINT_ENV, google.url)
        assert studio.preview("kort.md", {7}).engine.name == "gtts"  # asked again, and it answers
        assert google.requests  # really asked


@pytest.mark.slow
def test_a_build_in_a_terminal_refreshes_the_overview(studio):
    """The page hears `project_changed` while a build elsewhere runs, and once it has ended,
    so the overview follows it without a reload."""
    terminal = []

    def build_in_a_terminal():
        terminal.append(start_cli(studio.project, "build", "--engine", "espeak"))

    changes = []
    for event in sse_stream(studio, build_in_a_terminal, seconds=60):
        if event["event"] == "project_changed":
            changes.append(event["building"])
            if True in changes and not event["building"]:  # the lock is free: it has ended
                break
    assert terminal[0].wait(timeout=60) == 0
    assert changes and changes[-1] is False  # it said so when the build had ended
    assert studio.get("/api/overview").json()["scripts"][0]["status"] == "preview_voice"


def test_she_starts_copies_removes_and_restores_an_exercise(studio):
    created = studio.post("/api/scripts", json={"title": "Rust & Ruimte: voor 't voeden"})
    assert created.status_code == 200, created.text
    new = created.json()
    # A name from the title, in ASCII, inside scripts/; a starting text that checks clean.
    assert new["name"] == "rust-en-ruimte-voor-t-voeden.md"
    assert (
        (studio.project / "scripts" / new["name"])
        .read_text()
        .startswith("---\ntitle: Rust & Ruimte: voor 't voeden\n")
    )
    assert new["errors"] == [] and new["spoken"] and new["ratios"]
    again = studio.post("/api/scripts", json={"title": "Rust & ruimte: voor 't voeden"}).json()
    assert again["name"] == "rust-en-ruimte-voor-t-voeden-2.md"  # unique, never overwritten
    copy = studio.post("/api/scripts/kort.md/copy").json()
    assert copy["name"] == "korte-test-kopie.md"
    assert "title: Korte test (kopie)\n" in copy["text"]
    assert copy["text"].replace(" (kopie)", "") == SMALL_SCRIPT
    names = [s["name"] for s in studio.get("/api/overview").json()["scripts"]]
    assert sorted(names) == sorted(["kort.md", "korte-test-kopie.md", new["name"], again["name"]])
    # Weghalen: into the bin, out of the overview, never deleted; and back.
    removed = studio.delete("/api/scripts/kort.md").json()
    assert removed["name"] == "kort.md" and removed["title"] == "Korte test"
    assert not (studio.project / "scripts" / "kort.md").exists()
    assert (studio.project / "bin" / removed["id"]).read_text() == SMALL_SCRIPT
    names = [s["name"] for s in studio.get("/api/overview").json()["scripts"]]
    assert "kort.md" not in names
    assert [b["id"] for b in studio.get("/api/bin").json()] == [removed["id"]]
    restored = studio.post(f"/api/bin/{removed['id']}/restore").json()
    assert restored["name"] == "kort.md" and restored["text"] == SMALL_SCRIPT
    assert studio.get("/api/bin").json() == []
    # Names that lead anywhere else are refused.
    assert studio.post("/api/bin/..%2Fscripts%2Fkort.md/restore").status_code == 404
    assert studio.post("/api/scripts", json={"title": "   "}).status_code == 400
    assert studio.delete("/api/scripts/..%2Fbreathcast.toml").status_code == 404


def test_the_overview_and_previews_know_every_length(studio):
    lengths = SMALL_SCRIPT.replace("title: Korte test", "title: Korte test\nlengths: 1m, 1m30s")
    (studio.project / "scripts" / "kort.md").write_text(lengths)
    (studio.project / "scripts" / "b.md").write_text(
        SMALL_SCRIPT.replace("title: Korte test", "title: Eerst\norder: 1\ngroup: Ademen")
    )
    data = studio.get("/api/overview").json()
    assert [s["name"] for s in data["scripts"]] == ["b.md", "kort.md"]  # the page's order
    assert data["scripts"][0]["group"] == "Ademen"
    episodes = data["scripts"][1]["episodes"]
    assert [(e["length"], e["length_words"], e["target_s"]) for e in episodes] == [
        ("1m", "1 minuut", 60.0),
        ("1m30s", "1,5 minuut", 90.0),
    ]
    checked = studio.get("/api/scripts/kort.md").json()
    assert [n["length"] for n in checked["lengths"]] == ["1m", "1m30s"]
    for length, seconds in (("1m", 60.0), ("1m30s", 90.0)):
        plan = studio.get(f"/api/scripts/kort.md/timeline?ratio=4:6&length={length}").json()
        assert abs(plan["duration"] - seconds) <= 5.0
        heard, rate = wav_of(studio.get(f"/api/scripts/kort.md/from/6.wav?length={length}"))
        assert abs(heard.size / rate - seconds) <= 5.0  # from the first line: all of it
    refused = studio.get("/api/scripts/kort.md/timeline?length=3m")
    assert refused.status_code == 400 and "geen lengte 3m" in refused.json()["error"]


def test_a_new_exercise_never_takes_a_removed_ones_name_and_long_titles_fit(studio):
    studio.delete("/api/scripts/kort.md")
    new = studio.post("/api/scripts", json={"title": "Kort"}).json()
    assert new["name"] == "kort-2.md"  # kort.md's episodes and GUIDs stay the removed one's
    title = "Een heel lange titel voor een oefening die maar niet ophoudt met doorgaan, echt"
    first = studio.post("/api/scripts", json={"title": title})
    second = studio.post("/api/scripts", json={"title": title})
    assert first.status_code == second.status_code == 200
    assert first.json()["name"] != second.json()["name"]
    copy = studio.post(f"/api/scripts/{first.json()['name']}/copy").json()
    assert "(kopie)\n" in copy["text"]


def test_her_blog_snippets_are_only_for_players_on_the_site_in_the_pages_order(studio):
    """Op je blog: a snippet only where the site has the player (one for an exercise never
    published put a 404 on her blog), in the order of the page (it was by file name)."""
    scripts = studio.project / "scripts"
    for name, title, order in (("avond", "Avond", 2), ("bed", "Bed", 1), ("nieuw", "Nieuw", 3)):
        (scripts / f"{name}.md").write_text(f"---\ntitle: {title}\norder: {order}\n---\nHallo.\n")
    (scripts / "kapot.md").write_text("---\ntitle: Kapot\n---\n[wolk 3s]\n")
    embed = studio.project / "build" / "site" / "embed"
    embed.mkdir(parents=True)
    for slug in ("avond", "bed", "kort", "kapot"):  # published; nieuw is not
        (embed / f"{slug}.html").write_text("<p>speler</p>")
    toml = studio.project / "breathcast.toml"
    toml.write_text(toml.read_text() + 'site_url = "https://example.nl/rust"\n')
    embeds = studio.get("/api/online").json()["embeds"]
    assert [e["slug"] for e in embeds] == ["bed", "avond", "kort"]  # ordered, then by title
    assert embeds[0] == {"title": "Bed", "slug": "bed",
                         "page": "https://example.nl/rust/embed/bed.html"}  # fmt: skip


def test_an_exercise_saved_with_an_error_keeps_its_last_good_title_and_group(studio):
    """A typo in the text must not turn "Slapen · Zachte nacht" into "kort", last and alone:
    the card keeps the title and group it had when it last read well, with the error."""
    scripts = studio.project / "scripts"
    (scripts / "b.md").write_text("---\ntitle: Bos\norder: 2\ngroup: Slapen\n---\nHallo.\n")
    read = studio.get("/api/scripts/kort.md").json()
    good = SMALL_SCRIPT.replace("title: Korte test", "title: Zachte nacht\norder: 1\ngroup: Slapen")
    saved = studio.put("/api/scripts/kort.md", json={"text": good, "version": read["version"]})
    broken = good.replace("[adem 2x]", "[wolk 3s]").replace("title: Zachte nacht", "title: Nieuw")
    again = studio.put(
        "/api/scripts/kort.md", json={"text": broken, "version": saved.json()["version"]}
    )
    assert again.status_code == 200 and again.json()["errors"][0]["line"] == 14
    scripts_shown = studio.get("/api/overview").json()["scripts"]
    assert [(s["name"], s["title"], s["group"], s["status"]) for s in scripts_shown] == [
        ("kort.md", "Zachte nacht", "Slapen", "has_errors"),  # in its place, as it last read
        ("b.md", "Bos", "Slapen", "never_built"),
    ]
    (error,) = scripts_shown[0]["errors"]
    assert error["line"] == 14 and error["nl"].startswith("[wolk] is geen bekende aanwijzing")
    # Never read well (made broken in another editor): its title as written, still marked.
    (scripts / "c.md").write_text("---\ntitle: Kapot\ngroup: Slapen\n---\n[wolk 3s]\n")
    shown = {s["name"]: s for s in studio.get("/api/overview").json()["scripts"]}
    assert (shown["c.md"]["title"], shown["c.md"]["status"]) == ("Kapot", "has_errors")
