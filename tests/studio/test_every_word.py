"""Every word she reads: each refusal of publishing, the address, putting online and the
build's warnings, driven through the studio's API, is Dutch that reads as Dutch. No English
sentence, none of the words only a programmer knows (LUFS, espeak, breathcast.toml, sftp://),
and a decimal comma in every number."""

import re

import pytest
from conftest import SMALL_SCRIPT, studio_client
from test_studio import sse_events

from breathcast.core import BreathPattern

HOST = "testserver"
ORIGIN = f"http://{HOST}"

# Words of English sentences that Dutch never uses on its own.
ENGLISH = re.compile(
    r"\b(the|and|with|your|you|please|run|use|set|must|should|would|cannot|can't|not|no|"
    r"has|have|this|that|which|when|from|into|only|found|missing|expected|folder|rebuild|"
    r"episodes?|previews?|measures|left out|longer|voice|host|refused|publish|deploy)\b",
    re.IGNORECASE,
)
JARGON = (
    "LUFS", "dBTP", "espeak", "breathcast.toml", "toml", "build/site", "sftp://", "Opus",
    "--", "[podcast]", "[deploy]", "site_url", "owner_email", "tone_level_db", "itunes",
    "ASCII", "URL", "ratio",
)  # fmt: skip
# What a message may quote as she wrote it or as it is named: an address, a file, a directive.
QUOTED = re.compile(r"https?://\S+|\S+\.(?:mp3|md|xml|html|jpg|png)\b|\[[^\]]*\]|'[^']*'")


def unsaid(message: str) -> list[str]:
    """What in `message` she should not read: English words, jargon, a decimal point."""
    plain = QUOTED.sub(" ", message)
    found = [m.group(0) for m in ENGLISH.finditer(plain)]
    found += [word for word in JARGON if word.lower() in plain.lower()]
    found += re.findall(r"\d\.\d", plain)
    return found


def assert_dutch(message: str) -> None:
    assert message.strip(), "nothing said"
    assert unsaid(message) == [], message


def test_the_test_itself_tells_english_and_jargon_from_dutch():
    assert unsaid("set [podcast] owner_email in breathcast.toml: Apple writes to it")
    assert unsaid("kort-4-6.mp3 klinkt als -16.6 LUFS")
    assert unsaid("Google is nu niet bereikbaar, dus spreekt de computerstem (espeak)")
    assert unsaid("") == [] and unsaid("Vul je e-mailadres in; Apple schrijft je daar.") == []
    assert unsaid("Het adres https://example.nl/rust.v2 klopt, en [pauze 1.5s] ook.") == []


@pytest.fixture
def studio(project):
    with studio_client(project) as client:
        yield client


def settings(project, text: str) -> None:
    (project / "breathcast.toml").write_text('ratios = ["4:6"]\nengine = "espeak"\n' + text)


def refused(response) -> str:
    assert 400 <= response.status_code < 500, response.text
    return response.json()["error"]


def test_publishing_refusals_are_dutch(studio):
    settings(studio.project, '[podcast]\nowner_email = "anna@example.nl"\n')
    for site_url in ("", "ftp://example.nl/rust", "https://voorbeeld.nl/rüst"):  # the address
        assert_dutch(refused(studio.post("/api/publish", json={"site_url": site_url})))
    nothing_built = studio.post("/api/publish", json={"site_url": "https://example.nl/rust"})
    assert_dutch(refused(nothing_built))
    assert studio.post("/api/build", json={}).status_code == 202
    studio.studio.runner.join(120)
    previews = studio.post("/api/publish", json={"site_url": "https://example.nl/rust"})
    assert_dutch(refused(previews))
    # The feed's rules: no owner e-mail, and a description that only repeats the title.
    settings(studio.project, '[podcast]\ntitle = "Rust"\ndescription = "Rust"\n')
    feed = studio.post(
        "/api/publish", json={"site_url": "https://example.nl/rust", "allow_preview": True}
    )
    assert_dutch(refused(feed))


def test_putting_online_refusals_are_dutch(studio):
    settings(studio.project, '[podcast]\nowner_email = "anna@example.nl"\n')
    no_host = studio.post("/api/online/test", json={"kind": "sftp", "password": "geheim"})
    assert_dutch(refused(no_host))
    bad_address = studio.post(
        "/api/online/settings",
        json={"kind": "folder", "path": str(studio.project / "online"), "password": "",
              "site_url": "ftp://example.nl"},
    )  # fmt: skip
    assert_dutch(refused(bad_address))

    def deploy():
        assert studio.post("/api/online", json={}).status_code == 202

    (event,) = [e for e in sse_events(studio, "deploy_refused", deploy, 60) if "message" in e]
    assert_dutch(event["message"]["nl"])  # nothing published yet


@pytest.mark.slow
def test_the_builds_warnings_are_dutch(studio):
    """Google not reached (the computer voice speaks), a cue too long for its phase, and an
    episode that comes out softer than the rest: said as she would say it."""
    (studio.project / "breathcast.toml").write_text(
        'ratios = ["4:6", "0.5:1.5"]\nengine = "auto"\n'
    )
    script = studio.project / "scripts" / "kort.md"
    script.write_text(SMALL_SCRIPT.replace("[adem 2x]", "[adem 4x cues]"))

    def build():
        assert studio.post("/api/build", json={}).status_code == 202

    events = sse_events(studio, "build_finished", build, 120)
    warnings = [e["message"]["nl"] for e in events if e["event"] == "warning"]
    warnings += [w["nl"] for w in events[-1]["report"].get("warnings", []) if isinstance(w, dict)]
    assert any("computerstem" in w for w in warnings), warnings
    assert any("Adem in." in w for w in warnings), warnings
    assert any("zachter" in w or "luider" in w for w in warnings), warnings
    for warning in warnings:
        assert_dutch(warning)
    episodes = events[-1]["report"]["episodes"]
    assert [e["ratio_words"] for e in episodes] == ["in 4, uit 6", "in 0,5, uit 1,5"]


def test_ratios_are_shown_with_a_decimal_comma_and_titles_keep_theirs(studio):
    """The studio shows `in 4,5, uit 5,5`; an episode's title (and so the feed, the tags)
    keeps `in 4.5, uit 5.5` as it was published."""
    (studio.project / "breathcast.toml").write_text('ratios = ["4.5:5.5"]\nengine = "espeak"\n')
    checked = studio.post("/api/check", json={"name": "kort.md", "text": SMALL_SCRIPT}).json()
    assert checked["ratios"] == [{"ratio": "4.5:5.5", "words": "in 4,5, uit 5,5"}]
    (card,) = studio.get("/api/overview").json()["scripts"]
    assert [e["words"] for e in card["episodes"]] == ["in 4,5, uit 5,5"]
    assert BreathPattern.parse("4.5:5.5").in_words == "in 4.5, uit 5.5"  # titles, unchanged
