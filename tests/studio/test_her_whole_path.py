"""Her whole path, from an empty folder to an episode playing online, as she walks it: one
command (`breathcast init`), then only the studio in her browser. Instellingen, a new
exercise written in the editor with its lengths ticked in "Lengte en ademritmes", a line
heard, a build stopped and one finished, Publiceren, Zet online to a real SFTP host
(`rclone serve sftp`), and her page from that host playing in Chromium. No file is touched
by hand after `init`; every screen is Dutch, without English sentences or jargon (the
checker of test_every_word), and each is photographed at 390 and 1280 px."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from browser import Served, chromium, needs_chromium, watched
from conftest import start_cli
from test_every_word import unsaid

from breathcast.core import load_config

pytestmark = [*needs_chromium, pytest.mark.slow]

ADDRESS = re.compile(r"De studio staat klaar op (http://127\.0\.0\.1:\d+/)")
LOOKED = Path("/tmp/whole-path")  # the screenshots, for a person to look at
WIDTHS = ((1280, 900), (390, 844))
HER_TEXT = """\
# Aankomen
Fijn dat je er bent, samen met je kindje.
Ga rustig zitten, met je voeten op de grond.
[pauze 2s]

# Ademen
Adem rustig in. En nog rustiger uit.
[adem 4x]
Voel hoe je kindje met je mee ademt.
"""


class Studio:
    """`breathcast --project FOLDER studio --no-browser --port 0`, as a real process; what it
    prints is read all along, so it never waits on a full pipe."""

    def __init__(self, project: Path):
        self.process = start_cli(project, "studio", "--no-browser", "--port", "0", text=True)
        self.said: list[str] = []
        self.started = threading.Event()
        self.url = ""
        threading.Thread(target=self._read, daemon=True).start()
        if not self.started.wait(60) or not self.url:
            self.stop()
            pytest.fail("the studio did not start:\n" + "".join(self.said))

    def _read(self) -> None:
        for line in self.process.stdout:
            self.said.append(line)
            if not self.url and (found := ADDRESS.search(line)):
                self.url = found[1]
                self.started.set()
        self.started.set()  # it ended

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class Screens:
    """Each screen she sees: its words checked (Dutch, no jargon) and photographed at 1280
    and 390 px, into the test's folder and /tmp/whole-path/."""

    def __init__(self, page, folder: Path, project: Path):
        self.page, self.folder, self.project = page, folder, project
        self.count = 0
        self.problems: dict[str, list[str]] = {}  # what a screen should not say or do
        self.folder.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(LOOKED, ignore_errors=True)
        LOOKED.mkdir(parents=True)

    def look(self, name: str) -> None:
        self.count += 1
        for width, height in WIDTHS:
            self.page.set_viewport_size({"width": width, "height": height})
            text = self.page.locator("body").inner_text().replace(str(self.project), " ")
            found = unsaid(text)
            wide = self.page.evaluate("document.documentElement.scrollWidth")
            found += [f"{wide} px wide"] if wide > width else []  # nothing to scroll sideways
            if found:
                self.problems[f"{name} at {width} px"] = found
            path = self.folder / f"{self.count:02d}-{name}-{width}.png"
            self.page.screenshot(path=str(path), full_page=True)
            shutil.copy(path, LOOKED / path.name)
        self.page.set_viewport_size({"width": WIDTHS[0][0], "height": WIDTHS[0][1]})


def wait_text(page, selector: str, test: str, timeout: float = 60_000) -> None:
    """Until the text of `selector` passes `test`, JavaScript on `t` (its textContent)."""
    page.wait_for_function(
        f"() => {{ const n = document.querySelector({selector!r});"
        f" const t = n ? n.textContent : ''; return {test}; }}",
        timeout=timeout,
    )


def test_from_an_empty_folder_to_her_episode_playing_online(tmp_path, monkeypatch):
    from hosts import PASSWORD, USER, Host

    monkeypatch.setenv("RCLONE_CONFIG", str(tmp_path / "rclone.conf"))
    project = tmp_path / "Ademstudio"
    made = subprocess.run(
        [sys.executable, "-m", "breathcast", "init", str(project)],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert made.returncode == 0, made.stdout + made.stderr
    assert made.stdout.startswith(f"Je project staat klaar in {project}")

    host = Host("sftp", tmp_path / "host").start()
    served = Served(host.root)  # her website: what the host holds, as a browser gets it
    address = f"{served.url}rust"
    studio = Studio(project)
    try:
        with chromium() as browser:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            errors, strangers = watched(page, studio.url)
            screens = Screens(page, tmp_path / "screens", project)
            walk(page, screens, studio.url, project, host, address, USER, PASSWORD)
            assert errors == [] and strangers == [], (errors, strangers)

            # Her page, from her website: an episode plays.
            listener = browser.new_page(viewport={"width": 1280, "height": 900})
            errors, strangers = watched(listener, served.url)
            listener.goto(address + "/")
            screens.page = listener
            screens.look("online-pagina")
            audio = listener.locator("audio").first
            audio.evaluate("a => a.play()")
            listener.wait_for_function(
                "() => document.querySelector('audio').currentTime > 0.5", timeout=20_000
            )
            assert audio.evaluate("a => a.duration") > 30
            assert errors == [] and strangers == [], (errors, strangers)
        assert screens.problems == {}  # every screen Dutch, without jargon, and fits
    finally:
        studio.stop()
        served.stop()
        host.stop()
    config = load_config(project)  # all she chose, written by the studio
    assert (config.podcast.title, config.podcast.author) == ("Adem met Anna", "Anna de Vries")
    assert (config.podcast.owner_email, config.podcast.site_url) == ("anna@example.nl", address)
    assert (config.engine, config.deploy.kind, config.deploy.path) == ("espeak", "sftp", "rust")
    for path in project.rglob("*"):
        if path.is_file():
            assert PASSWORD.encode() not in path.read_bytes(), path


def walk(page, screens, url, project, host, address, user, password) -> None:
    # The studio opens on her six exercises.
    page.goto(url)
    page.locator(".kaart").nth(5).wait_for()
    assert page.locator("#projectmap").text_content() == f"Je project staat in {project}"
    screens.look("oefeningen")

    # Instellingen: her podcast, her name and e-mail, her site's address, the computer voice.
    page.get_by_role("link", name="Instellingen").click()
    settings = page.locator('[data-view="instellingen"]')
    page.wait_for_function("() => document.querySelector('#instelling-title').value !== ''")
    settings.get_by_label("Naam van je podcast").fill("Adem met Anna")
    settings.get_by_label("Jouw naam").fill("Anna de Vries")
    settings.get_by_label("Je e-mailadres").fill("anna@example.nl")
    settings.get_by_label("Het adres van je website").fill(address)
    settings.get_by_label("Wie leest je oefeningen voor?").select_option(
        label="computerstem (voorbeeld)"
    )
    settings.get_by_role("button", name="Bewaren").click()
    wait_text(page, "#instellingen-status", "t === 'Bewaard.'")
    page.wait_for_function(  # her cover, made anew with her podcast's name
        "() => { const i = document.querySelector('#instelling-plaatje');"
        " return i.complete && i.naturalWidth > 0; }"
    )
    assert page.locator(".merk .project").text_content() == "Adem met Anna"  # at the top too
    screens.look("instellingen")

    # A new exercise: its title, then her own text in the editor, saved.
    page.get_by_role("link", name="Je oefeningen").click()
    page.get_by_label("Nieuwe oefening").fill("Rust voor het voeden")
    page.get_by_role("button", name="Maken", exact=True).click()
    editor = page.locator("#tekst")
    page.wait_for_function(
        "() => document.querySelector('#tekst').value.includes('Rust voor het voeden')"
    )
    name = page.locator("#bestandsnaam").text_content()
    assert name == "rust-voor-het-voeden.md"
    front = editor.input_value().split("---\n")[1]
    front = front.replace(
        "Schrijf hier in een of twee zinnen waar deze oefening bij helpt.",
        "Even landen met je kindje, voor het voeden.",
    )
    editor.fill(f"---\n{front}---\n\n{HER_TEXT}")
    page.locator("#opslaan").click()
    wait_text(page, "#opslagstatus", "t === 'Opgeslagen'")
    page.locator("#meldingen li.ok").wait_for()  # nothing wrong in it

    # Its lengths and ratio, ticked in "Lengte en ademritmes".
    form = page.locator("#oefening-form")
    form.locator("summary").click()  # folded, under its name
    form.get_by_label("3 minuten").check()
    form.get_by_label("in 4, uit 4").uncheck()
    form.get_by_label("in 3, uit 6").uncheck()
    form.get_by_label("Onder welk kopje op je pagina?").fill("Ademen")
    form.get_by_role("button", name="Bewaren").click()
    wait_text(page, "#oefening-status", "t === 'Bewaard in je oefening.'")
    text = (project / "scripts" / name).read_text(encoding="utf-8")
    assert "lengths: 3m\nratios: 4:6\ngroup: Ademen\n---\n" in text, text
    assert editor.input_value() == text

    # Hear a line: the computer voice says it. The form's three new lines moved it down: its
    # row is drawn again with its new number once the studio has read the saved text.
    number = text.splitlines().index(next(t for t in text.splitlines() if "Fijn dat je" in t))
    line = page.locator(f'#zinnen li[data-line="{number + 1}"]', has_text="Fijn dat je er bent")
    line.get_by_role("button", name=re.compile("^Speel zin")).click()
    page.wait_for_function("() => isFinite(document.querySelector('#luister').duration)")
    assert page.locator("#luister").evaluate("a => a.duration") > 0.5
    screens.look("bewerken")

    # Alles bouwen, and stopped: what was made stays.
    page.get_by_role("link", name="Je oefeningen").click()
    page.locator(".kaart", has_text="Rust voor het voeden").wait_for()
    page.locator("#alles-bouwen").click()
    stop = page.locator("#stoppen")
    stop.wait_for()
    assert page.locator("#sluiten").is_hidden()
    screens.look("bouwen-bezig")
    stop.click()
    wait_text(page, "#bouwstatus", "t.startsWith('Gestopt')", timeout=60_000)
    assert stop.is_hidden() and page.locator("#sluiten").is_visible()
    assert page.locator("#voortgang").evaluate("b => b.value < b.max")  # not shown as done
    screens.look("bouwen-gestopt")
    page.locator("#sluiten").click()
    assert page.locator("#bouwen").is_hidden()

    # Her new exercise built to the end, and the panel closed.
    card = page.locator(".kaart", has_text="Rust voor het voeden")
    card.get_by_role("button", name="Bouwen").click()
    wait_text(page, "#bouwstatus", "t.startsWith('Klaar')", timeout=60_000)
    assert stop.is_hidden()
    screens.look("bouwen-klaar")
    page.locator("#sluiten").click()
    assert page.locator("#bouwen").is_hidden()
    card.get_by_text("Voorbeeld met computerstem").wait_for()
    screens.look("oefeningen-gebouwd")

    # Publiceren: the address is known, and she allows the computer voice.
    page.get_by_role("link", name="Publiceren").click()
    page.wait_for_function("() => document.querySelector('#adres').value !== ''")
    assert page.locator("#adres").input_value() == address
    assert page.locator("#eigenaar-veld").is_hidden()  # her e-mail is known too
    wait_text(page, "#online-stand", "t !== ''")
    with page.expect_response(lambda r: r.url.endswith("/api/online/previews")):
        page.get_by_role("checkbox", name=re.compile("computerstem")).check()
    page.locator("#publiceer-form").get_by_role("button", name="Publiceren").click()
    wait_text(page, "#gepubliceerd", "t.startsWith('Gepubliceerd.')")

    # Zet online, to her SFTP host: the connection tested first.
    where = page.locator("#online-form")
    where.get_by_label("Soort website").select_option("sftp")
    where.get_by_label("Server").fill("127.0.0.1")
    where.get_by_label("Poort").fill(str(host.port))
    where.get_by_label("Gebruikersnaam").fill(user)
    where.get_by_label("Wachtwoord").fill(password)
    where.get_by_label("Map").fill("rust")
    assert where.get_by_label("Het adres waarop je site dan te zien is").input_value() == address
    page.get_by_role("button", name="Test de verbinding").click()
    wait_text(page, "#verbinding", "t.startsWith('Het lukt:')")
    page.get_by_role("button", name="Zet online").click()
    wait_text(page, "#online-klaar", "t.startsWith('Klaar:')")
    wait_text(page, "#online-stand", "t.startsWith('Online sinds')")
    screens.look("online")
    assert (host.folder() / "feed.xml").read_bytes() == (
        project / "build" / "site" / "feed.xml"
    ).read_bytes()
