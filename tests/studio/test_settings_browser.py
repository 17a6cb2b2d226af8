"""Instellingen and the exercise's own form in real Chromium, as she uses them: fill in her
settings (a wrong e-mail is said at its field, and nothing is saved), set an exercise's
lengths and ratios with tick boxes, and publish, which asks for nothing more. The settings
file keeps every comment; no screen shows jargon or English."""

import re

import pytest
from browser import chromium, needs_chromium, screenshot, watched
from test_settings import HER_SETTINGS
from test_studio_browser import RunningStudio

from breathcast.core import load_config

pytestmark = needs_chromium
JARGON = re.compile(r"toml|espeak|LUFS|build/site|sftp://|music/|\[podcast\]|owner_email", re.I)


@pytest.fixture
def studio_url(project):
    (project / "breathcast.toml").write_text(HER_SETTINGS, encoding="utf-8")
    running = RunningStudio(project)
    yield running.url, project
    running.stop()


def test_she_fills_in_her_settings_and_an_exercises_lengths_then_publishes(studio_url):
    url, project = studio_url
    before = (project / "breathcast.toml").read_text(encoding="utf-8")
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        errors, strangers = watched(page, url)
        page.goto(url)
        page.get_by_role("link", name="Instellingen").click()
        settings = page.locator('[data-view="instellingen"]')
        page.wait_for_function("() => document.querySelector('#instelling-title').value !== ''")
        settings.get_by_label("Naam van je podcast").fill("Adem met Anna")
        settings.get_by_label("Je e-mailadres").fill("anna bij example")
        settings.get_by_label("Het adres van je website").fill("https://anna.nl/rust")
        settings.get_by_label("Onderwerp in Apple Podcasts").select_option(
            label="Kinderen en gezin"
        )
        settings.get_by_label("Kleiner onderwerp").select_option(label="Opvoeding")
        settings.get_by_label("in 3, uit 6 aanraden").check()  # offered too, and first
        settings.get_by_label("Wie leest je oefeningen voor?").select_option(
            label="computerstem (voorbeeld)"
        )
        settings.get_by_role("button", name="Bewaren").click()
        wrong = page.locator("#fout-owner_email")
        wrong.wait_for()
        assert (
            wrong.text_content() == "Dit lijkt geen e-mailadres. Schrijf het als naam@voorbeeld.nl."
        )
        assert page.locator("#instelling-owner_email").get_attribute("aria-invalid") == "true"
        assert (project / "breathcast.toml").read_text(encoding="utf-8") == before  # nothing
        settings.get_by_label("Je e-mailadres").fill("anna@example.nl")
        settings.get_by_role("button", name="Bewaren").click()
        page.wait_for_function(
            "() => document.querySelector('#instellingen-status').textContent === 'Bewaard.'"
        )
        assert page.locator(".veldfout").count() == 0
        section = settings.inner_text()
        assert not JARGON.search(section), JARGON.search(section)
        screenshot(page, "studio-settings-desktop")
        page.set_viewport_size({"width": 390, "height": 844})
        screenshot(page, "studio-settings-phone")
        page.set_viewport_size({"width": 1280, "height": 900})

        after = (project / "breathcast.toml").read_text(encoding="utf-8")
        comments = [line for line in before.splitlines() if line.startswith("#")]
        assert comments == [line for line in after.splitlines() if line.startswith("#")]
        config = load_config(project)
        assert config.podcast.title == "Adem met Anna"
        assert config.podcast.owner_email == "anna@example.nl"
        assert config.podcast.site_url == "https://anna.nl/rust"
        assert (config.podcast.category, config.podcast.subcategory) == (
            "Kids & Family",
            "Parenting",
        )
        assert [str(p) for p in config.ratios] == ["3:6", "4:6"]
        assert config.engine == "espeak"

        # The exercise: one length of a minute and only the recommended ratio, as tick boxes.
        page.goto(url + "#/bewerken/kort.md")
        form = page.locator("#oefening-form")
        form.wait_for()
        form.locator("summary").click()  # folded, under its name
        form.get_by_label("Andere lengte, in minuten").fill("1")
        form.get_by_role("button", name="Erbij").click()
        form.get_by_label("in 4, uit 6").uncheck()
        form.get_by_label("Onder welk kopje op je pagina?").fill("Ademen")
        form.get_by_role("button", name="Bewaren").click()
        page.wait_for_function("() => document.querySelector('#tekst').value.includes('group:')")
        text = (project / "scripts" / "kort.md").read_text(encoding="utf-8")
        assert "lengths: 1m\nratios: 3:6\ngroup: Ademen\n---\n" in text
        assert page.locator("#tekst").input_value() == text
        assert form.get_by_label("1 minuut").is_checked()
        editor_text = page.locator(".zijkant").inner_text()
        assert not JARGON.search(editor_text)
        screenshot(page, "studio-editor-lengths-desktop")
        page.set_viewport_size({"width": 390, "height": 844})
        screenshot(page, "studio-editor-lengths-phone")
        page.set_viewport_size({"width": 1280, "height": 900})

        # Build it, and publish: nothing more is asked (her e-mail field stays away).
        page.locator("#bouw-dit").click()
        page.wait_for_function(
            "() => document.querySelector('#bouwstatus').textContent.startsWith('Klaar')",
            timeout=120_000,
        )
        page.locator("#sluiten").click()
        page.get_by_role("link", name="Publiceren").click()
        page.wait_for_function("() => document.querySelector('#adres').value !== ''")
        assert page.locator("#adres").input_value() == "https://anna.nl/rust"
        assert page.locator("#eigenaar-veld").is_hidden()
        page.wait_for_function("() => document.querySelector('#online-stand').textContent")
        page.locator("#voorbeelden").check()
        page.locator("#publiceer-form").get_by_role("button", name="Publiceren").click()
        page.wait_for_function(
            "() => !document.querySelector('#gepubliceerd').textContent.startsWith('Bezig')",
            timeout=60_000,
        )
        assert page.locator("#gepubliceerd").inner_text().startswith("Gepubliceerd.")
        assert (project / "build" / "site" / "feed.xml").is_file()
        assert "anna@example.nl" in (project / "build" / "site" / "feed.xml").read_text()
        refusal = "status of 400 (Bad Request) " + url + "api/settings"  # the wrong e-mail
        assert [e for e in errors if refusal not in e] == [] and strangers == []


def test_publish_shows_every_field_it_needs_at_once(studio_url):
    url, project = studio_url
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        errors, _ = watched(page, url)
        page.goto(url)
        page.locator("#alles-bouwen").click()
        page.wait_for_function(
            "() => document.querySelector('#bouwstatus').textContent.startsWith('Klaar')",
            timeout=120_000,
        )
        page.locator("#sluiten").click()
        page.get_by_role("link", name="Publiceren").click()
        email = page.locator("#eigenaar")
        email.wait_for()  # no e-mail yet: asked right here
        page.wait_for_function("() => document.querySelector('#online-stand').textContent")
        page.locator("#voorbeelden").uncheck()
        page.locator("#publiceer-form").get_by_role("button", name="Publiceren").click()
        page.locator("#gepubliceerd.fout-melding").wait_for()
        said = page.locator("#gepubliceerd").inner_text()
        for words in ("Waar komt je site te staan?", "computerstem", "Vul je e-mailadres in"):
            assert words in said
        assert not JARGON.search(said)
        for field in ("#adres", "#eigenaar", "#voorbeelden"):
            assert page.locator(field).get_attribute("aria-invalid") == "true", field
        screenshot(page, "studio-publish-needs-desktop")
        page.set_viewport_size({"width": 390, "height": 844})
        screenshot(page, "studio-publish-needs-phone")
        page.locator("#adres").fill("https://anna.nl/rust")
        email.fill("anna@example.nl")
        page.locator("#voorbeelden").check()
        page.locator("#publiceer-form").get_by_role("button", name="Publiceren").click()
        page.wait_for_function(
            "() => document.querySelector('#gepubliceerd').textContent.startsWith('Gepubliceerd')",
            timeout=60_000,
        )
        podcast = load_config(project).podcast
        assert (podcast.site_url, podcast.owner_email) == (
            "https://anna.nl/rust",
            "anna@example.nl",
        )
        refusal = "status of 422 (Unprocessable Entity) " + url + "api/publish"  # asked, at once
        assert [e for e in errors if refusal not in e] == []
