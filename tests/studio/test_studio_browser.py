"""The studio in real Chromium (Playwright driving Debian's chromium), as the therapist uses it:
type, see "regel N", fix it, save, listen to a line and from a line, build, all in Dutch.

`.ci/run` installs chromium. Without it (or the playwright package) these tests skip, saying why.
"""

import io
import json
import re
import threading
import time
import wave

import numpy as np
import pytest
from browser import accessibility_violations, chromium, needs_chromium, screenshot, watched
from measure import best_match

pytestmark = needs_chromium


class RunningStudio:
    """The studio on a real port, in a thread, as `breathcast studio` runs it."""

    def __init__(self, project, port: int = 0):
        import uvicorn

        from breathcast.studio.app import create_app
        from breathcast.studio.server import listen

        sock = listen(port)
        self.port = sock.getsockname()[1]
        hosts = {f"127.0.0.1:{self.port}", f"localhost:{self.port}"}
        self.app = create_app(project, hosts, {f"http://{h}" for h in hosts})
        config = uvicorn.Config(
            self.app, log_level="warning", lifespan="off", timeout_graceful_shutdown=1
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [sock]}, daemon=True
        )
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            assert time.monotonic() < deadline
            time.sleep(0.05)
        self.url = f"http://127.0.0.1:{self.port}/"

    def stop(self) -> None:
        runner = self.app.app.state.studio.runner
        runner.stop()
        runner.join(60)
        self.server.should_exit = True
        self.thread.join(10)


@pytest.fixture
def studio_url(project):
    (project / "breathcast.toml").write_text('ratios = ["4:6", "3:6"]\nengine = "espeak"\n')
    running = RunningStudio(project)
    yield running.url, project
    running.stop()


@pytest.fixture
def browser():
    with chromium() as launched:
        yield launched


def test_she_edits_hears_and_builds_in_her_browser(studio_url, browser, axe):
    url, project = studio_url
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors, strangers = watched(page, url)
    page.goto(url)
    card = page.locator(".kaart", has_text="Korte test")
    assert "Nog niet gebouwd" in card.text_content() and "Stem:" not in card.text_content()
    screenshot(page, "studio-overview-desktop")
    card.get_by_role("link", name="Bewerken").click()
    editor = page.locator("#tekst")
    editor.wait_for()
    page.wait_for_function("() => document.querySelector('#tekst').value.includes('Korte test')")

    # An unknown directive on a line of its own: "regel 15" appears, at that line, in Dutch.
    editor.click()
    page.keyboard.press("Control+End")
    page.keyboard.type("\n[wolk 3s]")
    problem = page.locator("#meldingen li.fout")
    problem.wait_for()
    assert problem.text_content().startswith("regel 15: [wolk] is geen bekende aanwijzing")
    assert page.locator("#nummers div.fout").text_content().strip() == "15"
    # Fixed: the message goes.
    page.keyboard.press("Backspace")
    for _ in range(len("[wolk 3s]")):
        page.keyboard.press("Backspace")
    page.wait_for_selector("#meldingen li.fout", state="detached")
    assert page.locator("#nummers div.fout").count() == 0
    advice = page.locator("#meldingen li.advies").text_content()  # what stays is advice
    assert advice.startswith("regel 12: een ademblok zonder zin ervoor")

    # One line changed, and saved.
    text = editor.input_value().replace("Dank je wel.", "Dank je wel, tot morgen.").rstrip() + "\n"
    editor.fill(text)
    page.locator("#opslaan").click()
    page.wait_for_function(
        "() => document.querySelector('#opslagstatus').textContent === 'Opgeslagen'"
    )
    assert (project / "scripts" / "kort.md").read_text() == text
    screenshot(page, "studio-editor-desktop")

    # Hear the changed line, then the episode from the first line: the audio gets a duration.
    player = page.locator("#luister")
    page.get_by_role("button", name="Speel zin, regel 13").click()
    page.wait_for_function("() => isFinite(document.querySelector('#luister').duration)")
    line_seconds = player.evaluate("a => a.duration")
    assert 0.5 < line_seconds < 4
    page.get_by_role("button", name="Speel vanaf hier, regel 7").click()
    page.wait_for_function(
        "() => document.querySelector('#luister').duration > 20"
        " && isFinite(document.querySelector('#luister').duration)"
    )
    assert "Vanaf regel 7" in page.locator("#speelt").text_content()

    # Build, and watch the progress reach the end: "Stoppen" while it runs, then "Sluiten".
    page.evaluate(
        """() => {
          window.buttons = [];
          const note = () => window.buttons.push(["#stoppen", "#sluiten"].map(
            (id) => !document.querySelector(id).hidden));
          for (const id of ["#stoppen", "#sluiten"]) {
            new MutationObserver(note).observe(document.querySelector(id), {attributes: true});
          }
        }"""
    )
    page.locator("#bouw-dit").click()
    page.wait_for_function(
        "() => document.querySelector('#bouwstatus').textContent.startsWith('Klaar')",
        timeout=120_000,
    )
    shown = page.evaluate("window.buttons")  # [stoppen visible, sluiten visible], as it went
    assert [True, False] in shown and shown[-1] == [False, True], shown
    bar = page.locator("#voortgang")
    assert bar.evaluate("b => b.value === b.max && b.max === 2")
    assert "gemaakt" in page.locator("#samenvatting").text_content()
    assert list((project / "build" / "kort").glob("*.mp3"))
    assert accessibility_violations(page, axe) == []
    page.locator("#sluiten").click()
    assert page.locator("#bouwen").is_hidden()  # closed: the panel no longer covers the page
    # Back on the overview, the card says what was made, with which voice, and how long.
    page.get_by_role("link", name="Je oefeningen").click()
    page.wait_for_function("() => document.querySelector('.kaart').textContent.includes('Stem:')")
    card_text = card.text_content()
    assert "Voorbeeld met computerstem" in card_text and "Nog niet gebouwd" not in card_text
    assert re.search(r"in 4, uit 6 · 0:[0-5]\d · gebouwd ", card_text), card_text
    screenshot(page, "studio-overview-built-desktop")
    # Beluisteren: inhale and exhale in their own colours (an exhale was drawn black).
    card.get_by_role("link", name="Beluisteren").click()
    page.locator(".tijdlijn rect.out").first.wait_for()
    fills = page.evaluate(
        """() => ["in", "out"].map((kind) =>
          getComputedStyle(document.querySelector(`.tijdlijn rect.${kind}`)).fill)"""
    )
    assert fills == ["rgb(74, 134, 197)", "rgb(94, 154, 76)"]  # --in, --uit
    screenshot(page, "studio-episode-desktop")
    assert (errors, strangers) == ([], [])


def test_the_studio_on_a_phone_sized_window(studio_url, browser, axe):
    url, project = studio_url
    page = browser.new_page(viewport={"width": 390, "height": 844})
    errors, strangers = watched(page, url)
    page.goto(url + "#/bewerken/kort.md")
    page.wait_for_function("() => document.querySelector('#zinnen li')")
    screenshot(page, "studio-editor-phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.goto(url)
    page.locator(".kaart").wait_for()
    screenshot(page, "studio-overview-phone")
    assert accessibility_violations(page, axe) == []
    assert (errors, strangers) == ([], [])


def test_an_open_tab_learns_that_the_studio_stopped_or_restarted(project, browser):
    (project / "breathcast.toml").write_text('ratios = ["4:6"]\nengine = "espeak"\n')
    first = RunningStudio(project)
    page = browser.new_page()
    page.goto(first.url + "#/bewerken/kort.md")
    page.wait_for_function("() => document.querySelector('#tekst').value.includes('Korte')")
    page.locator("#tekst").press("End")
    page.keyboard.type(" (nog niet bewaard)")
    first.stop()
    page.evaluate("() => window.dispatchEvent(new Event('focus'))")
    banner = page.locator("#melding")
    page.wait_for_function("() => !document.querySelector('#melding').hidden")
    assert banner.text_content().startswith("De studio is gestopt. Start hem opnieuw")
    second = RunningStudio(project, first.port)  # the same address, a new run
    try:
        page.evaluate("() => window.dispatchEvent(new Event('focus'))")
        page.wait_for_function(
            "() => document.querySelector('#melding').textContent.includes('opnieuw gestart')"
        )
        assert "(nog niet bewaard)" in page.locator("#tekst").input_value()  # nothing lost
        saving = "/api/scripts/kort.md"
        with page.expect_response(lambda r: r.url.endswith(saving)) as answered:
            page.locator("#opslaan").click()  # a save from the old page is refused, not applied
        assert answered.value.status == 409
        assert "(nog niet bewaard)" not in (project / "scripts" / "kort.md").read_text()
        assert "Laad de pagina opnieuw" in banner.text_content()
    finally:
        second.stop()


@pytest.fixture
def browser_with_microphone():
    """Chromium with its test microphone (a beep every half second), allowed without asking."""
    with chromium("--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream") as b:
        yield b


def wav_samples(data: bytes) -> tuple[np.ndarray, int]:
    with wave.open(io.BytesIO(data)) as audio:
        frames = audio.readframes(audio.getnframes())
        return np.frombuffer(frames, "<i2").astype(np.float64) / 32768, audio.getframerate()


@pytest.mark.parametrize("width", [1280, 390])
def test_she_records_a_line_keeps_it_and_hears_it_in_the_episode(
    studio_url, browser_with_microphone, axe, width
):
    url, project = studio_url
    page = browser_with_microphone.new_page(viewport={"width": width, "height": 900})
    errors, strangers = watched(page, url)
    page.goto(url + "#/bewerken/kort.md")
    page.wait_for_selector("#zinnen li")
    row = page.locator('#zinnen li[data-line="7"]')
    assert "nog niet opgenomen" in row.text_content()

    # Record, listen back, and record again: nothing reaches the studio before she keeps it.
    row.get_by_role("button", name="Opnemen, regel 7").click()
    page.get_by_role("timer").wait_for()
    time.sleep(1.0)
    row.get_by_role("button", name="Stop").click()
    row.get_by_role("button", name="Opnieuw").click()
    time.sleep(2.0)
    screenshot(page, f"studio-recording-{width}")
    row.get_by_role("button", name="Stop").click()
    row.locator("audio").wait_for()
    screenshot(page, f"studio-listen-back-{width}")
    assert not (project / "recordings").exists()
    row.get_by_role("button", name="Bewaar").click()
    page.wait_for_selector('#zinnen li[data-line="7"][data-take="ok"]')
    assert "1 van de 3 zinnen" in page.locator("#opnames-stand").text_content()

    # One take, of this line, from the studio, as long as she recorded (2 s, and a little).
    (sidecar,) = (project / "recordings" / "takes").glob("*/*.json")
    take = json.loads(sidecar.read_text())
    assert (take["line"], take["text"], take["source"]) == (7, "Adem rustig in.", "studio")
    assert 1.8 <= take["seconds"] <= 3.0

    # Her voice for this exercise, and "speel vanaf hier" plays her take (espeak fills the rest).
    page.get_by_role("button", name="Gebruik mijn eigen stem voor deze oefening").click()
    page.wait_for_function(
        "() => document.querySelector('#opslagstatus').textContent === 'Opgeslagen'"
    )
    assert "engine: opname" in (project / "scripts" / "kort.md").read_text()
    # The heading grew a line: her line is line 8 now, and its take went along with its text.
    page.get_by_role("button", name="Speel vanaf hier, regel 8").click()
    page.wait_for_function(
        "() => document.querySelector('#luister').duration > 5"
        " && isFinite(document.querySelector('#luister').duration)"
    )
    hers, rate = wav_samples(page.request.get(url + "api/scripts/kort.md/takes/8.wav").body())
    played, _ = wav_samples(page.request.get(url + "api/scripts/kort.md/from/8.wav").body())
    assert best_match(hers, played[: 8 * rate]) > 0.95
    espeak, _ = wav_samples(page.request.get(url + "api/scripts/kort.md/from/9.wav").body())
    assert best_match(hers, espeak[: 8 * rate]) < 0.5  # the next line is not her take
    screenshot(page, f"studio-recorded-{width}")
    page.get_by_role("link", name="Je oefeningen").click()
    card = page.locator(".kaart", has_text="Korte test")
    card.get_by_text("Eigen stem: 1 van de 3 zinnen opgenomen").wait_for()
    screenshot(page, f"studio-overview-takes-{width}")
    assert accessibility_violations(page, axe) == []
    assert (errors, strangers) == ([], [])


@pytest.mark.slow
@pytest.mark.parametrize("width", [1280, 390])
def test_she_puts_her_site_online_from_the_studio(
    project, browser, axe, tmp_path, monkeypatch, width
):
    """Publiceren, then Zet online to her SFTP host: the connection tested first, her own
    page there replaced only after she says yes, the files sent with live progress, and links
    to her page and feed at the end. The password stays out of the project."""
    from conftest import run_cli
    from hosts import PASSWORD, USER, Host

    monkeypatch.setenv("RCLONE_CONFIG", str(tmp_path / "rclone.conf"))
    (project / "breathcast.toml").write_text(
        'ratios = ["4:6"]\nengine = "espeak"\n[podcast]\nowner_email = "anna@example.nl"\n'
    )
    assert run_cli(project, "build").exit_code == 0
    hers = tmp_path / "host" / "rust" / "index.html"  # her own page, in the folder she names
    hers.parent.mkdir(parents=True)
    hers.write_bytes(b"<h1>Praktijk Anna</h1>")
    with Host("sftp", tmp_path / "host") as host:
        address = "https://jouwwebsite.nl/rust"
        running = RunningStudio(project)
        try:
            page = browser.new_page(viewport={"width": width, "height": 900})
            errors, strangers = watched(page, running.url)
            page.goto(running.url + "#/publiceren")
            page.locator("#adres").fill(address)
            page.locator("#voorbeelden").check()  # the computer voice, to try it out
            page.get_by_role("button", name="Publiceren").click()
            page.get_by_text("Gepubliceerd.").wait_for()
            page.locator("#soort").select_option("sftp")
            page.locator("#host").fill("127.0.0.1")
            page.locator("#poort").fill(str(host.port))
            page.locator("#gebruiker").fill(USER)
            page.locator("#wachtwoord").fill("fout")
            page.locator("#map").fill("rust")
            page.locator("#online-adres").fill(address)
            page.get_by_role("button", name="Test de verbinding").click()
            page.wait_for_function(
                "() => document.querySelector('#verbinding').textContent.includes('wachtwoord')"
            )  # a wrong password, said in Dutch, and nothing kept or sent
            assert [p.name for p in hers.parent.iterdir()] == ["index.html"]
            page.locator("#wachtwoord").fill(PASSWORD)
            page.get_by_role("button", name="Test de verbinding").click()
            page.get_by_text("Het lukt:").wait_for()
            page.get_by_role("button", name="Zet online").click()
            question = page.locator("#online-klaar .vraag")
            question.get_by_text("Wil je toch doorgaan?").wait_for()
            assert "index.html" in question.text_content() and hers.read_bytes().startswith(b"<h1>")
            screenshot(page, f"studio-online-vraag-{width}")
            question.get_by_role("button", name="Ja, ga door").click()
            page.wait_for_function(
                "() => document.querySelector('#online-klaar').textContent.startsWith('Klaar:')",
                timeout=60_000,
            )
            assert page.locator("#online-balk").evaluate("b => b.value === b.max")
            links = page.locator("#online-klaar a")
            assert links.nth(1).get_attribute("href") == f"{address}/feed.xml"
            assert (host.folder() / "feed.xml").read_bytes() == (
                project / "build" / "site" / "feed.xml").read_bytes()  # fmt: skip
            page.locator("#online-stand").get_by_text("Online sinds").wait_for()
            snippet = page.get_by_role("textbox", name="Speler voor Korte test").input_value()
            assert f'src="{address}/embed/kort.html"' in snippet
            screenshot(page, f"studio-online-{width}")
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            assert accessibility_violations(page, axe) == []
            refused = [e for e in errors if "422" in e and "/api/online/test" in e]
            assert len(refused) == 1  # the wrong password, on purpose; nothing else went wrong
            assert ([e for e in errors if e not in refused], strangers) == ([], [])
        finally:
            running.stop()
    for path in project.rglob("*"):
        if path.is_file():
            assert PASSWORD.encode() not in path.read_bytes(), path


def test_a_card_sums_up_its_versions_in_dutch_and_a_length_menu_only_where_there_are_lengths(
    project, browser, axe
):
    """Each card says how many versions are ready ("4 versies, nog niet gebouwd", later "4 van
    6 klaar"), not every version on a line of its own; the "Lengte" menu shows only for an
    exercise with lengths; Beluisteren says what was asked as a clock ("gevraagd 1:30")."""
    from conftest import SMALL_SCRIPT, run_cli

    toml = project / "breathcast.toml"
    toml.write_text('ratios = ["4:6", "3:6"]\nengine = "espeak"\n')
    lengths = SMALL_SCRIPT.replace("title: Korte test", "title: Korte test\nlengths: 1m, 1m30s")
    (project / "scripts" / "kort.md").write_text(lengths)
    (project / "scripts" / "zo.md").write_text(SMALL_SCRIPT.replace("Korte test", "Zo lang"))
    running = RunningStudio(project)
    try:
        for width in (1280, 390):
            page = browser.new_page(viewport={"width": width, "height": 900})
            errors, strangers = watched(page, running.url)
            page.goto(running.url)
            card = page.locator(".kaart", has_text="Korte test")
            card.wait_for()
            seen = card.inner_text()  # what she sees: a summary, not a line per version
            assert "4 versies, nog niet gebouwd" in seen, seen
            assert seen.count("nog niet gebouwd") == 1, seen
            screenshot(page, f"studio-overview-versions-{width}")
            page.goto(running.url + "#/bewerken/zo.md")
            page.wait_for_function("() => document.querySelector('#zinnen li')")
            assert page.locator("#lengte-kies").is_hidden()  # no lengths: no empty menu
            page.goto(running.url + "#/bewerken/kort.md")
            page.wait_for_function("() => document.querySelector('#lengte option')")
            assert page.locator("#lengte-kies").is_visible()
            screenshot(page, f"studio-editor-lengths-{width}")
            assert (errors, strangers) == ([], [])
            page.close()
        assert run_cli(project, "build", str(project / "scripts" / "kort.md")).exit_code == 0
        toml.write_text('ratios = ["4:6", "3:6", "4:4"]\nengine = "espeak"\n')  # 2 more
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        errors, strangers = watched(page, running.url)
        page.goto(running.url)
        card = page.locator(".kaart", has_text="Korte test")
        card.wait_for()
        assert "4 van 6 versies klaar" in card.inner_text(), card.inner_text()
        versions = card.locator("details", has_text="Alle versies")
        versions.locator("summary").click()  # every version, for the curious
        assert versions.locator("li").count() == 6
        screenshot(page, "studio-overview-versions-open-1280")
        page.goto(running.url + "#/aflevering/kort.md")
        uitleg = "() => document.querySelector('#aflevering-uitleg').textContent"
        page.wait_for_function(f"() => ({uitleg})().includes('gevraagd')")  # the first version
        first = page.locator("#aflevering-uitleg").text_content()
        choice = page.locator("#aflevering-ritme")
        index = choice.evaluate("s => [...s.options].findIndex((o) => o.dataset.length == '1m30s')")
        choice.select_option(index=index)
        page.wait_for_function(f"first => ({uitleg})() !== first", arg=first)
        told = page.locator("#aflevering-uitleg").text_content()
        assert told.startswith("gevraagd 1:30, het werd ") and "1m30s" not in told, told
        screenshot(page, "studio-episode-length-1280")
        assert accessibility_violations(page, axe) == []
        assert (errors, strangers) == ([], [])
    finally:
        running.stop()


def test_every_warning_of_a_build_stays_and_a_failed_connection_is_said_plainly(
    project, browser, axe, tmp_path, monkeypatch
):
    """The build's summary keeps the warnings said before it planned (Google not reachable,
    the ratio's advice) when others arrive as it goes (a cue left out); a connection that
    fails is said in a red box in Dutch, with what to do, not in small grey letters."""
    from conftest import SMALL_SCRIPT, closed_port

    monkeypatch.setenv("RCLONE_CONFIG", str(tmp_path / "rclone.conf"))
    (project / "breathcast.toml").write_text('ratios = ["0.5:1.5"]\n')  # auto: Google first
    cues = SMALL_SCRIPT.replace("[adem 2x]", "[adem 2x cues]")  # "Adem in" outlasts 0.5 s
    (project / "scripts" / "kort.md").write_text(cues)
    running = RunningStudio(project)
    try:
        for width in (1280, 390):
            page = browser.new_page(viewport={"width": width, "height": 900})
            errors, strangers = watched(page, running.url)
            page.goto(running.url)
            page.locator(".kaart").first.wait_for()
            if width == 390:  # a line changed: voiced again, so Google is asked again
                kort = project / "scripts" / "kort.md"
                kort.write_text(cues.replace("Dank je wel.", "Dank je wel, tot morgen."))
            page.locator("#alles-bouwen").click()
            page.wait_for_function(
                "() => document.querySelector('#bouwstatus').textContent.startsWith('Klaar')",
                timeout=120_000,
            )
            said = page.locator("#samenvatting").inner_text()
            assert "Google is nu niet bereikbaar" in said, said  # said before the plan
            assert "0,5:1,5 is 30 ademhalingen per minuut" in said, said
            assert "het woordje ‘Adem in.’" in said, said  # said as the build went
            loudness = page.locator("#samenvatting tbody td:nth-child(4)").all_inner_texts()
            assert set(loudness) <= {"even luid als de rest", "iets zachter", "iets luider"}
            assert loudness and "LUFS" not in said  # it showed "-16.0 LUFS"
            screenshot(page, f"studio-build-warnings-{width}")
            page.locator("#sluiten").click()

            page.goto(running.url + "#/publiceren")
            page.locator("#soort").select_option("sftp")
            page.locator("#host").fill("127.0.0.1")
            page.locator("#poort").fill(str(closed_port()))
            page.locator("#gebruiker").fill("anna")
            page.locator("#wachtwoord").fill("geheim")
            page.locator("#map").fill("rust")
            page.get_by_role("button", name="Test de verbinding").click()
            problem = page.locator("#verbinding")
            page.wait_for_function(
                "() => document.querySelector('#verbinding').textContent.includes('poort')",
                timeout=60_000,
            )
            told = problem.text_content()
            assert told.startswith("De website antwoordt niet op deze poort. Kijk"), told
            look = problem.evaluate(
                """p => { const s = getComputedStyle(p);
                  return [s.color, s.backgroundColor, parseFloat(s.fontSize)]; }"""
            )
            body = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
            assert look[:2] == ["rgb(155, 44, 28)", "rgb(251, 234, 230)"], look  # --fout
            assert look[2] >= body, look  # not small print
            problem.scroll_into_view_if_needed()
            screenshot(page, f"studio-connection-error-{width}")
            assert accessibility_violations(page, axe) == []
            refused = [e for e in errors if "422" in e and "/api/online/test" in e]
            assert len(refused) == 1  # the connection that failed, on purpose
            assert ([e for e in errors if e not in refused], strangers) == ([], [])
            page.close()
    finally:
        running.stop()


def test_her_yes_to_the_computer_voice_is_remembered_for_publishing_and_putting_online(
    project, browser, axe
):
    """The tick box for the computer voice stands above both Publiceren and Zet online (both
    need it), and the studio keeps her choice: a reload, or the studio started again, finds
    it as she left it (it was unticked on every visit, and sat inside the publish form)."""
    from conftest import run_cli

    (project / "breathcast.toml").write_text(
        'ratios = ["4:6"]\nengine = "espeak"\n[podcast]\nowner_email = "anna@example.nl"\n'
    )
    assert run_cli(project, "build").exit_code == 0
    running = RunningStudio(project)
    try:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        errors, strangers = watched(page, running.url)
        page.goto(running.url + "#/publiceren")
        box = page.get_by_role("checkbox", name=re.compile("computerstem"))
        box.wait_for()
        assert page.locator("#publiceer-form #voorbeelden").count() == 0  # not the form's alone
        assert not box.is_checked()
        with page.expect_response(lambda r: "/api/" in r.url and r.request.method != "GET"):
            box.check()
        page.reload()
        page.wait_for_function("() => document.querySelector('#voorbeelden').checked")
        page.locator("#adres").fill("https://jouwwebsite.nl/rust")
        page.get_by_role("button", name="Publiceren").click()
        page.get_by_text("Gepubliceerd.").wait_for()
        screenshot(page, "studio-publish-previews-1280")
        assert (errors, strangers) == ([], [])
        page.close()
    finally:
        running.stop()
    again = RunningStudio(project)  # the studio started again: her choice is still there
    try:
        for width in (390, 1280):
            page = browser.new_page(viewport={"width": width, "height": 900})
            errors, strangers = watched(page, again.url)
            page.goto(again.url + "#/publiceren")
            page.wait_for_function("() => document.querySelector('#voorbeelden').checked")
            screenshot(page, f"studio-publish-remembered-{width}")
            assert accessibility_violations(page, axe) == []
            assert (errors, strangers) == ([], [])
            page.close()
    finally:
        again.stop()


def test_what_she_ticks_and_types_while_the_page_still_loads_stays(project, browser):
    """The page asks the studio for her settings and her choice as it opens; she may tick
    and type before the answers come. They came after, and undid the tick (a CI run failed on
    "Clicking the checkbox did not change its state") and could put the saved address over
    the one she typed. The answers are held here until she has done both."""
    (project / "breathcast.toml").write_text(
        'ratios = ["4:6"]\nengine = "espeak"\n[podcast]\nsite_url = "https://oud.nl/rust"\n'
    )
    running = RunningStudio(project)
    try:
        page = browser.new_page(viewport={"width": 390, "height": 900})
        held = []

        def answer_late(path: str):
            """The held request for `path`, once it is held (it is asked for after the one
            before is answered)."""
            while not any(route.request.url.endswith(path) for route in held):
                page.wait_for_timeout(10)  # polls for the request, not a fixed wait
            return next(route for route in held if route.request.url.endswith(path))

        page.route(re.compile(r"/api/(settings|online)$"), lambda route: held.append(route))
        page.goto(running.url + "#/publiceren")
        settings = answer_late("/api/settings")
        page.locator("#adres").fill("https://jouwwebsite.nl/rust")
        settings.continue_()  # her saved address arrives after she typed one
        online = answer_late("/api/online")
        kept = online.fetch()  # what the studio kept, answered before she ticks
        with page.expect_response(re.compile(r"/api/online/previews$")):
            page.locator("#voorbeelden").check()
        with page.expect_response(re.compile(r"/api/online$")):
            online.fulfill(response=kept)  # and arriving after it
        assert page.locator("#voorbeelden").is_checked()
        assert page.locator("#adres").input_value() == "https://jouwwebsite.nl/rust"
        page.close()
    finally:
        running.stop()


def test_during_her_build_the_overview_says_so_and_only_that_exercise_is_busy(
    project, browser, axe
):
    """Her own build: "Je oefeningen worden nu gebouwd", with a way to see it, and "Bezig" on
    the exercise being built only (it said a terminal was building, and every card was
    busy)."""
    from conftest import SMALL_SCRIPT

    (project / "breathcast.toml").write_text(
        'ratios = ["4:6", "3:6", "4:4", "5:5"]\nengine = "espeak"\n'
    )
    longer = SMALL_SCRIPT.replace("title: Korte test", "title: Korte test\nlengths: 1m, 2m")
    (project / "scripts" / "kort.md").write_text(longer)
    (project / "scripts" / "b.md").write_text(SMALL_SCRIPT.replace("Korte test", "Bos"))
    running = RunningStudio(project)
    try:
        for width in (1280, 390):
            page = browser.new_page(viewport={"width": width, "height": 900})
            errors, strangers = watched(page, running.url)
            page.goto(running.url)
            page.locator(".kaart").nth(1).wait_for()
            page.evaluate(
                """() => {
                  window.seen = [];
                  const note = () => window.seen.push({
                    banner: document.querySelector('#bezig').hidden ? null
                      : document.querySelector('#bezig').textContent,
                    busy: [...document.querySelectorAll('.kaart')]
                      .filter((k) => k.querySelector('.status.building'))
                      .map((k) => k.querySelector('a').textContent)});
                  for (const id of ['#oefeningen', '#bezig']) new MutationObserver(note)
                    .observe(document.querySelector(id), {subtree: true, childList: true,
                                                          attributes: true});
                }"""
            )
            if width == 390:  # built already: once more, from nothing
                page.request.post(
                    running.url + "api/build",
                    data={"scripts": ["kort.md"], "force": True},
                    headers={"x-studio-token": running.app.app.state.studio.token},
                )
            else:
                page.locator(".kaart", has_text="Korte test").get_by_role(
                    "button", name="Bouwen"
                ).click()
            page.locator(".kaart .status.building").wait_for(timeout=60_000)
            banner = page.locator("#bezig")
            assert banner.text_content().startswith("Je oefeningen worden nu gebouwd."), (
                banner.text_content()
            )
            screenshot(page, f"studio-overview-building-{width}")
            page.locator("#sluiten").wait_for(state="hidden")
            banner.get_by_role("button", name="Bekijk hoe het gaat").click()
            assert page.locator("#bouwen").is_visible()
            page.wait_for_function(
                "() => document.querySelector('#bouwstatus').textContent.startsWith('Klaar')",
                timeout=180_000,
            )
            page.wait_for_function(
                "() => document.querySelector('#bezig').hidden"
                " && !document.querySelector('.kaart .status.building')"
            )
            seen = page.evaluate("window.seen")
            during = [s for s in seen if s["banner"]]
            assert during and all("terminal" not in s["banner"] for s in during), during
            assert {t for s in seen for t in s["busy"]} == {"Korte test"}, seen  # never Bos
            assert accessibility_violations(page, axe) == []
            assert (errors, strangers) == ([], [])
            page.close()
    finally:
        running.stop()


def test_a_deploy_elsewhere_is_called_a_deploy_not_a_build(project, browser):
    """The lock names its job: a deploy in a terminal reads "online gezet", not "gebouwd"."""
    import os
    import subprocess

    (project / "build").mkdir()
    sleeper = subprocess.Popen(["sleep", "60"])
    running = RunningStudio(project)
    try:
        (project / "build" / ".breathcast.lock").write_text(
            json.dumps(
                {
                    "pid": sleeper.pid,
                    "host": os.uname().nodename,
                    "started": "10:00",
                    "job": "deploy",
                }
            )  # fmt: skip
        )
        for width in (1280, 390):
            page = browser.new_page(viewport={"width": width, "height": 900})
            errors, strangers = watched(page, running.url)
            page.goto(running.url)
            page.locator("#bezig").wait_for()
            said = page.locator("#bezig").text_content()
            assert said.startswith("Je site wordt nu online gezet, in een terminal of een"), said
            assert "gebouwd" not in said and page.locator(".status.building").count() == 0
            screenshot(page, f"studio-overview-deploy-elsewhere-{width}")
            assert (errors, strangers) == ([], [])
            page.close()
    finally:
        running.stop()
        sleeper.kill()
        sleeper.wait()
