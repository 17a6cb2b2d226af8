"""Hulp: how to write an exercise, from the library's own table. Every example reads well in
the parser, every form is in the reference, every front-matter key has its words, and the
studio's Hulp page shows it all, at a phone's width and a desk's."""

from pathlib import Path

from browser import accessibility_violations, chromium, needs_chromium, screenshot, watched
from starlette.testclient import TestClient

from breathcast.script import FRONT_WORDS, WRITING, parse_script
from breathcast.script.frontmatter import KEYS
from breathcast.script.help import example_script
from breathcast.studio.app import create_app

REFERENCE = (Path(__file__).resolve().parents[2] / "docs" / "reference.md").read_text()
# Every directive and part of the format she can write, as the Hulp page names it.
FORMS = (
    "[pauze 5s]", "[adem 6x]", "[adem 2m]", "[adem 2m cues]", "[optioneel]", "[optioneel 2]",
    "[uitfaden 5m]", "# Hoofdstuk", "Een lege regel", "melody: under",
)  # fmt: skip


def test_the_help_names_every_part_of_the_format_with_an_example_that_reads_well():
    assert {entry.form for entry in WRITING} >= set(FORMS)
    for entry in WRITING:
        script = parse_script(example_script(entry), "voorbeeld.md")  # no ScriptError
        assert script.speech, entry.form
        assert entry.text.strip() and entry.example.strip() and entry.title.strip()
    assert set(FRONT_WORDS) == set(KEYS)  # every front-matter key, in her words


def test_the_reference_says_what_the_help_says():
    for entry in WRITING:
        if entry.form.startswith(("[", "melody")):
            assert f"`{entry.form}`" in REFERENCE, entry.form


def test_the_studio_serves_the_help(project):
    app = create_app(project, {"testserver"}, {"http://testserver"})
    with TestClient(app, base_url="http://testserver") as client:
        data = client.get("/api/help").json()
        page = client.get("/").text
    assert [e["form"] for e in data["writing"]] == [e.form for e in WRITING]
    assert data["front"]["melody"].startswith("under:")
    assert 'href="#/hulp"' in page and 'data-view="hulp"' in page


@needs_chromium[0]
@needs_chromium[1]
def test_the_hulp_page_in_her_browser(project, axe):
    from test_studio_browser import RunningStudio

    running = RunningStudio(project)
    try:
        with chromium() as browser:
            for width, name in ((390, "phone"), (1280, "desktop")):
                page = browser.new_page(viewport={"width": width, "height": 900})
                errors, strangers = watched(page, running.url.rstrip("/"))
                page.goto(running.url)
                page.get_by_role("link", name="Hulp").click()
                heading = page.get_by_role("heading", name="Hulp bij het schrijven")
                heading.wait_for()
                page.locator("#hulp-lijst article").first.wait_for()
                assert page.url.endswith("#/hulp")
                for form in FORMS:
                    assert page.get_by_label(f"Voorbeeld: {form}", exact=True).is_visible()
                assert "[adem 3x], niet [adem 4:6 x3]" in page.inner_text("#hulp-lijst")
                assert page.locator("#hulp-bovenaan dt").count() == len(KEYS)
                overflow = page.evaluate("document.documentElement.scrollWidth > innerWidth")
                assert not overflow, f"the page is wider than {width} px"
                screenshot(page, f"studio-hulp-{name}")
                assert accessibility_violations(page, axe) == []
                assert errors == [] and strangers == []
                page.close()
    finally:
        running.stop()
