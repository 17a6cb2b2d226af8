"""The listener page in real Chromium (Playwright driving Debian's chromium): it follows the
voice, seeks where you tap, tells the lock screen the chapter, and keeps working offline.

`.ci/run` installs chromium. Without it (or without the playwright package) these tests skip,
saying why.
"""

from pathlib import Path

import pytest
from browser import (
    Served,
    accessibility_violations,
    chromium,
    needs_chromium,
    screenshot,
    watched,
)
from conftest import published_site

pytestmark = needs_chromium


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return published_site(tmp_path_factory.mktemp("page"))


@pytest.fixture
def browser():
    with chromium() as launched:
        yield launched


@pytest.mark.parametrize(("name", "width", "height"), [("phone", 390, 844), ("desktop", 1280, 900)])
def test_the_page_at_phone_and_desktop_width(site, browser, axe, name, width, height):
    served = Served(site)
    try:
        page = browser.new_page(viewport={"width": width, "height": height})
        errors, strangers = watched(page, served.url)
        page.goto(served.url)
        page.wait_for_load_state("networkidle")
        screenshot(page, f"page-{name}")
        assert page.locator("html").get_attribute("lang") == "nl"
        # Every version is on the page (2 of kort, 2 lengths x 2 ratios of lang), and one
        # player shows per exercise: the first length at the recommended ratio.
        assert page.locator("article.versie").count() == 6
        assert page.locator("article.versie:visible").evaluate_all("vs => vs.map(v => v.id)") == [
            "kort-4-6",
            "lang-4-6-1m",
        ]
        assert page.locator("h2.groep").all_text_contents() == ["Ademen", "Voor het slapen"]
        # Nothing wider than the screen: readable on a phone without sideways scrolling.
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        for details in page.locator("details:visible").all():
            details.locator("summary").click()  # check the folded parts too
        assert accessibility_violations(page, axe) == []
        assert (errors, strangers) == ([], [])
    finally:
        served.stop()


def test_the_text_follows_the_voice_and_a_tapped_line_seeks(site, browser):
    served = Served(site)
    try:
        page = browser.new_page()
        errors, strangers = watched(page, served.url)
        page.goto(served.url + "#kort-4-6")
        version = page.locator("#kort-4-6")
        version.locator("details.meelezen summary").click()
        lines = version.locator(".tekst li")
        starts = [float(s) for s in lines.evaluate_all("ls => ls.map(l => l.dataset.start)")]
        assert len(starts) == 3
        audio = version.locator("audio")
        audio.evaluate("(a, t) => { a.currentTime = t }", starts[1] + 0.2)
        page.wait_for_function(
            "() => document.querySelector('#kort-4-6 .tekst li[aria-current=true]')"
        )
        current = lines.evaluate_all("ls => ls.findIndex(l => l.getAttribute('aria-current'))")
        assert current == 1
        lines.nth(2).locator("button").click()  # tap the third line: it plays from there
        page.wait_for_function("() => !document.querySelector('#kort-4-6 audio').paused")
        time = audio.evaluate("a => a.currentTime")
        assert starts[2] <= time < starts[2] + 1.5
        assert lines.nth(2).get_attribute("aria-current") == "true"
        # The lock screen and the notification show the chapter being heard.
        page.wait_for_function("() => navigator.mediaSession.metadata !== null")
        metadata = page.evaluate(
            "() => { const m = navigator.mediaSession.metadata;"
            " return [m.title, m.artist, m.album, m.artwork.length] }"
        )
        assert metadata == ["Ademen", "Korte test · adem in 4, uit 6", "Rust & verbinding · "
                            "De eerste 1000 dagen", 1]  # fmt: skip
        version.locator("details.hoofdstukken summary").click()
        version.locator(".hoofdstukken button").first.click()  # a chapter seeks too
        page.wait_for_function("() => document.querySelector('#kort-4-6 audio').currentTime < 1")
        assert (errors, strangers) == ([], [])
    finally:
        served.stop()


def test_one_player_with_a_length_and_a_ratio_each_with_its_link(site, browser):
    served = Served(site)
    try:
        page = browser.new_page(viewport={"width": 412, "height": 900})
        errors, strangers = watched(page, served.url)
        page.goto(served.url)
        shown = "() => [...document.querySelectorAll('#lang article.versie')]" \
            ".filter(v => !v.hidden).map(v => v.id)"  # fmt: skip
        assert page.evaluate(shown) == ["lang-4-6-1m"]
        page.locator("label[for='length-lang-1m30s']").click()
        assert page.evaluate(shown) == ["lang-4-6-1m30s"]
        assert page.evaluate("location.hash") == "#lang-4-6-1m30s"  # the choice is a link
        page.locator("label[for='ratio-lang-3-6']").click()
        assert page.evaluate(shown) == ["lang-3-6-1m30s"]
        assert page.evaluate("location.hash") == "#lang-3-6-1m30s"
        minutes = page.locator("#lang-3-6-1m30s a[download]").first.text_content()
        assert "1:3" in minutes or "1:2" in minutes  # about a minute and a half
        # Opening a link chooses: the version, and both choices.
        page.goto(served.url + "#lang-4-6-1m")
        page.reload()
        assert page.evaluate(shown) == ["lang-4-6-1m"]
        assert page.locator("#length-lang-1m").is_checked()
        assert page.locator("#ratio-lang-4-6").is_checked()
        # Playing one version and choosing another: the first stops.
        page.locator("#lang-4-6-1m audio").evaluate("a => a.play()")
        page.wait_for_function("() => !document.querySelector('#lang-4-6-1m audio').paused")
        page.locator("label[for='length-lang-1m30s']").click()
        assert page.locator("#lang-4-6-1m audio").evaluate("a => a.paused")
        # At 412 px the badge stays on one line, whole.
        badge = page.locator("#kort-4-6 .label")
        assert badge.text_content() == "om mee te beginnen"
        assert badge.evaluate("b => b.getClientRects().length") == 1
        assert badge.evaluate("b => b.getBoundingClientRect().height") < 30
        assert page.evaluate("document.documentElement.scrollWidth") <= 412
        assert (errors, strangers) == ([], [])
    finally:
        served.stop()


def test_a_kept_exercise_plays_with_the_server_stopped(site, browser):
    served = Served(site)
    context = browser.new_context()
    page = context.new_page()
    errors, _ = watched(page, served.url)
    page.goto(served.url)
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=20000)
    keep = page.locator("#kort-4-6 button.bewaar")
    keep.click()
    page.wait_for_function(
        "() => document.querySelector('#kort-4-6 button.bewaar')"
        ".getAttribute('aria-pressed') === 'true'"
    )
    assert "ook zonder internet" in page.locator("#kort-4-6 .status").text_content()
    src = page.locator("#kort-4-6 audio").get_attribute("src")
    assert page.evaluate(
        "async (src) => Boolean(await (await caches.open('breathcast-audio'))"
        ".match(new URL(src, location.href).href))",
        src,
    )
    served.stop()  # no server any more: the phone is offline
    page.reload()
    assert page.locator("h1").text_content() == "Rust & verbinding"
    page.locator("#kort-4-6 audio").evaluate("a => a.play()")
    page.wait_for_function(
        "() => document.querySelector('#kort-4-6 audio').currentTime > 1.0", timeout=20000
    )
    duration = page.locator("#kort-4-6 audio").evaluate("a => a.duration")
    assert 40 < duration < 56  # the whole kept episode, served in ranges by the worker
    # The version that was not kept cannot load offline, and the page says so, kindly.
    page.locator("label[for='ratio-kort-3-6']").click()
    page.wait_for_function(
        "() => document.querySelector('#kort-3-6 .status').textContent.includes('bewaard')"
    )
    assert [e for e in errors if not e.startswith("Failed to load resource")] == []
    # Only audio that was not kept failed to load: this version, and the other exercise's.
    assert all("/audio/" in e and "/audio/kort-4-6-" not in e for e in errors), errors
    assert any("/audio/kort-3-6-" in e for e in errors)
    context.close()
