"""The player for her blog (embed/<slug>.html) in real Chromium, inside an iframe on another
site, as WordPress shows it: it plays, the line being spoken follows along, the ratio can be
chosen, it fits the frame without scrolling, and axe-core finds nothing to fix."""

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
FRAME_HEIGHT = 270  # what the studio's snippet suggests

BLOG = """<!doctype html><html lang="nl"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Mijn blog</title>
<link rel="icon" href="data:,"></head>
<body style="font-family: sans-serif; margin: 1rem"><h1>Ademoefening Water &amp; Rust</h1>
<p>Download gratis mijn ademoefening.</p>
<iframe src="{src}" title="Korte test" width="{width}" height="{height}"
        style="border:0"></iframe></body></html>"""


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return published_site(tmp_path_factory.mktemp("embed"))


@pytest.fixture
def browser():
    with chromium() as launched:
        yield launched


@pytest.mark.parametrize("width", [280, 320, 600])
def test_the_player_on_her_blog(site, browser, axe, tmp_path, width):
    served = Served(site)
    blog_folder = tmp_path / "blog"
    blog_folder.mkdir()
    blog = Served(blog_folder)  # another port: another origin, as her blog is
    (blog_folder / "index.html").write_text(
        BLOG.format(src=f"{served.url}embed/kort.html", width=width, height=FRAME_HEIGHT)
    )
    try:
        page = browser.new_page(viewport={"width": width + 40, "height": 700})
        errors, strangers = watched(page, blog.url)
        strangers_allowed = served.url
        page.goto(blog.url)
        frame = page.frame_locator("iframe").locator("body")
        frame.locator("audio").wait_for()
        player = next(f for f in page.frames if f.url.endswith("embed/kort.html"))
        # It fits the frame: nothing scrolls inside it.
        height = player.evaluate("document.documentElement.scrollHeight")
        assert height <= FRAME_HEIGHT, height
        assert player.evaluate("document.documentElement.scrollWidth") <= width
        # The recommended ratio first, then the others; choosing one changes what plays.
        options = player.locator("#ritme option").all_text_contents()
        assert options == ["in 4, uit 6", "in 3, uit 6"]
        first = player.evaluate("document.querySelector('#speler').src")
        player.select_option("#ritme", "3-6")
        assert player.evaluate("document.querySelector('#speler').src") != first
        assert "kort-3-6-" in player.get_attribute("#download", "href")
        # It plays, and the line being spoken is shown.
        cues = player.evaluate("JSON.parse(document.querySelector('#versies').textContent)[1].cues")
        start, _, text = cues[1]
        player.evaluate(f"(() => {{ const a = document.querySelector('#speler');"
                        f" a.currentTime = {start + 0.2}; a.play(); }})()")  # fmt: skip
        player.wait_for_function("() => !document.querySelector('#speler').paused")
        player.wait_for_function(f"() => document.querySelector('#nu').textContent === {text!r}")
        screenshot(page, f"embed-{width}")
        assert accessibility_violations(player, axe) == []
        assert errors == []
        assert [s for s in strangers if not s.startswith(strangers_allowed)] == []
    finally:
        served.stop()
        blog.stop()


@pytest.mark.parametrize("width", [280, 600])
def test_the_player_chooses_a_length_and_a_ratio(site, browser, axe, tmp_path, width):
    served = Served(site)
    blog_folder = tmp_path / "blog"
    blog_folder.mkdir()
    blog = Served(blog_folder)
    (blog_folder / "index.html").write_text(
        BLOG.format(src=f"{served.url}embed/lang.html", width=width, height=FRAME_HEIGHT)
    )
    try:
        page = browser.new_page(viewport={"width": width + 40, "height": 700})
        errors, _ = watched(page, blog.url)
        page.goto(blog.url)
        page.frame_locator("iframe").locator("audio").wait_for()
        player = next(f for f in page.frames if f.url.endswith("embed/lang.html"))
        assert player.evaluate("document.documentElement.scrollHeight") <= FRAME_HEIGHT
        assert player.evaluate("document.documentElement.scrollWidth") <= width
        assert player.locator("#lengte option").all_text_contents() == ["1 min", "1,5 min"]
        assert "lang-4-6-1m-" in player.get_attribute("#download", "href")
        player.select_option("#lengte", "1m30s")
        assert "lang-4-6-1m30s-" in player.get_attribute("#download", "href")
        player.select_option("#ritme", "3-6")
        assert "lang-3-6-1m30s-" in player.get_attribute("#download", "href")
        assert "lang-3-6-1m30s-" in player.evaluate("document.querySelector('#speler').src")
        screenshot(page, f"embed-lengths-{width}")
        assert accessibility_violations(player, axe) == []
        assert errors == []
    finally:
        served.stop()
        blog.stop()
