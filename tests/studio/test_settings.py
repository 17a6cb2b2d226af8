"""Instellingen and the exercise's own form, through the studio's JSON API: every setting
written with her comments kept, refused at its field in Dutch with nothing written; her
cover checked as the build checks it; an exercise's lengths, ratios and group written
through the parser; and publish asking for all it needs at once, where it is needed."""

import io

import pytest
from conftest import SMALL_BACKGROUND, studio_client
from PIL import Image

from breathcast.build import settings_text
from breathcast.core import load_config

HOST = "testserver"
ORIGIN = f"http://{HOST}"
HER_SETTINGS = (
    settings_text()
    .replace('ratios = ["4:6", "4:4", "3:6"]', 'ratios = ["4:6"]\nengine = "espeak"')
    .replace("[sound]\n", "[sound]\n" + SMALL_BACKGROUND.removeprefix("[sound]\n"), 1)
)


@pytest.fixture
def studio(project):
    (project / "breathcast.toml").write_text(HER_SETTINGS, encoding="utf-8")
    with studio_client(project) as client:
        yield client


def image(width: int, height: int, kind: str = "PNG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (214, 230, 232)).save(out, kind)
    return out.getvalue()


def test_instellingen_shows_every_setting_with_its_dutch_choices(studio):
    data = studio.get("/api/settings").json()
    assert data["values"]["title"] == "Rust & verbinding" and data["values"]["ratios"] == ["4:6"]
    assert data["values"]["engine"] == "espeak" and data["values"]["owner_email"] == ""
    words = {c["value"]: c["words"] for c in data["choices"]["categories"]}
    assert words["Health & Fitness"] == "Gezondheid en fitness"
    assert data["words"]["owner_email"].startswith("Jouw e-mailadres")


def test_saved_settings_keep_her_comments_and_a_bad_one_saves_nothing(studio):
    path = studio.project / "breathcast.toml"
    before = path.read_text(encoding="utf-8")
    refused = studio.post(
        "/api/settings",
        json={"values": {"title": "Adem met Anna", "owner_email": "anna", "ratios": ["4:6", "9"]}},
    )
    assert refused.status_code == 400
    fields = refused.json()["fields"]
    assert set(fields) == {"owner_email", "ratios"}
    assert fields["owner_email"] == "Dit lijkt geen e-mailadres. Schrijf het als naam@voorbeeld.nl."
    assert path.read_text(encoding="utf-8") == before  # not the title either
    saved = studio.post(
        "/api/settings",
        json={"values": {"title": "Adem met Anna", "owner_email": "anna@example.nl",
                         "ratios": ["3:6", "4:6"], "category": "Kids & Family",
                         "subcategory": "Parenting"}},
    )  # fmt: skip
    assert saved.status_code == 200, saved.text
    assert set(saved.json()["changed"]) == {
        "title", "owner_email", "ratios", "category", "subcategory"
    }  # fmt: skip
    after = path.read_text(encoding="utf-8")
    comments = [line for line in before.splitlines() if line.startswith("#")]
    assert comments == [line for line in after.splitlines() if line.startswith("#")]
    config = load_config(studio.project)
    assert (
        config.podcast.owner_email == "anna@example.nl" and config.podcast.title == "Adem met Anna"
    )
    assert [str(p) for p in config.ratios] == ["3:6", "4:6"]


def test_her_cover_is_checked_as_the_build_checks_it(studio):
    refused = studio.post("/api/settings/cover", content=image(800, 600))
    assert refused.status_code == 400
    assert refused.json()["fields"]["cover"].startswith("Dit plaatje is 800 bij 600 pixels.")
    assert not (studio.project / "music").exists() or not any((studio.project / "music").iterdir())
    assert load_config(studio.project).podcast.cover == ""
    cover = image(1400, 1400, "JPEG")
    taken = studio.post("/api/settings/cover", content=cover)
    assert taken.status_code == 200, taken.text
    assert taken.json()["values"]["cover"] == "music/cover.jpg"
    assert (studio.project / "music" / "cover.jpg").read_bytes() == cover
    shown = studio.get("/api/settings/cover")
    assert shown.headers["content-type"] == "image/jpeg" and shown.content == cover


def test_an_exercises_lengths_ratios_and_group_are_written_through_the_parser(studio):
    read = studio.get("/api/scripts/kort.md").json()
    assert read["front"] == {
        "lengths": [], "ratios": [], "group": "",
        "project_ratios": [{"ratio": "4:6", "words": "in 4, uit 6"}],
    }  # fmt: skip
    keys = {"lengths": "1m, 2m", "ratios": "4:6, 3:6", "group": "Ademen"}
    saved = studio.post(
        "/api/scripts/kort.md/front", json={"keys": keys, "version": read["version"]}
    )
    assert saved.status_code == 200, saved.text
    text = (studio.project / "scripts" / "kort.md").read_text()
    assert text.startswith(
        "---\ntitle: Korte test\ndescription: Een korte test.\n"
        "lengths: 1m, 2m\nratios: 4:6, 3:6\ngroup: Ademen\n---\n"
    )
    front = saved.json()["front"]
    assert [n["length_words"] for n in front["lengths"]] == ["1 minuut", "2 minuten"]
    assert front["ratios"] == ["4:6", "3:6"] and front["group"] == "Ademen"
    bad = studio.post(
        "/api/scripts/kort.md/front",
        json={"keys": {"lengths": "2m", "ratios": "vier"}, "version": saved.json()["version"]},
    )
    assert bad.status_code == 400 and "ademritme" in bad.json()["error"]
    assert (studio.project / "scripts" / "kort.md").read_text() == text  # nothing written
    back = studio.post(
        "/api/scripts/kort.md/front",
        json={"keys": {"lengths": None, "ratios": None, "group": None},
              "version": saved.json()["version"]},
    )  # fmt: skip
    assert back.status_code == 200
    assert (studio.project / "scripts" / "kort.md").read_text() == read["text"]


def test_publish_asks_for_everything_it_needs_at_once_and_remembers_it(studio):
    assert studio.post("/api/build", json={}).status_code == 202
    studio.studio.runner.join(120)
    refused = studio.post("/api/publish", json={"allow_preview": False})
    assert refused.status_code == 422
    body = refused.json()
    assert body["needs"] == ["site_url", "previews", "owner_email"]  # all three, at once
    for words in ("Waar komt je site te staan?", "computerstem", "Vul je e-mailadres in"):
        assert words in body["error"]
    for jargon in ("toml", "[podcast]", "--base-url", "owner_email"):
        assert jargon not in body["error"]
    assert not (studio.project / "build" / "site" / "feed.xml").exists()
    bad = studio.post("/api/publish", json={"owner_email": "anna", "allow_preview": True})
    assert bad.status_code == 400 and set(bad.json()["fields"]) == {"owner_email"}
    published = studio.post(
        "/api/publish",
        json={"site_url": "https://anna.nl/rust", "owner_email": "anna@example.nl",
              "allow_preview": True},
    )  # fmt: skip
    assert published.status_code == 200, published.text
    config = load_config(studio.project)
    assert config.podcast.site_url == "https://anna.nl/rust"
    assert config.podcast.owner_email == "anna@example.nl"
    assert "# Jouw e-mailadres" in (studio.project / "breathcast.toml").read_text()
