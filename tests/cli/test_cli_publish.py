"""`publish` on the command line asks for what it needs as the studio does: all that stands in
the way at once, and --base-url and --owner-email remembered in the settings once they are
right (comments kept), so a later publish and deploy use them without being told again."""

import pytest
from conftest import SMALL_BACKGROUND
from conftest import run_cli as run

from breathcast.build import settings_text
from breathcast.core import load_config


@pytest.fixture
def built(project):
    settings = settings_text().replace('ratios = ["4:6", "4:4", "3:6"]', 'ratios = ["4:6"]')
    settings = settings.replace("[sound]\n", "[sound]\n" + SMALL_BACKGROUND[len("[sound]\n") :])
    (project / "breathcast.toml").write_text(settings, encoding="utf-8")
    assert run(project, "build", "--engine", "espeak").exit_code == 0
    return project


def test_publish_says_all_that_stands_in_the_way_at_once_and_remembers_what_it_is_given(
    built, tmp_path
):
    refused = run(built, "publish")
    assert refused.exit_code == 1
    said = refused.output
    assert "where will the site live? Pass --base-url" in said  # the address,
    assert "these episodes are previews" in said  # the previews,
    assert "Apple needs an owner email" in said and "--owner-email" in said  # and her e-mail
    assert "breathcast.toml" not in said  # never: go and edit a file
    assert not (built / "build" / "site" / "feed.xml").exists()

    before = (built / "breathcast.toml").read_text(encoding="utf-8")
    malformed = run(built, "publish", "--base-url", "ftp://anna.nl", "--allow-offline-voice")
    assert malformed.exit_code == 1 and "must be an ASCII http(s) URL" in malformed.output
    assert (built / "breathcast.toml").read_text(encoding="utf-8") == before  # not remembered
    published = run(
        built,
        "publish",
        "--base-url",
        "https://anna.nl/rust/",
        "--owner-email",
        "anna@example.nl",
        "--allow-offline-voice",
    )
    assert published.exit_code == 0, published.output
    after = (built / "breathcast.toml").read_text(encoding="utf-8")
    comments = [line for line in before.splitlines() if line.startswith("#")]
    assert comments == [line for line in after.splitlines() if line.startswith("#")]
    podcast = load_config(built).podcast
    assert (podcast.site_url, podcast.owner_email) == ("https://anna.nl/rust", "anna@example.nl")

    again = run(built, "publish", "--allow-offline-voice")  # remembered
    assert again.exit_code == 0, again.output
    folder = tmp_path / "online"
    deployed = run(built, "deploy", "--to", str(folder), "--allow-offline-voice")
    assert deployed.exit_code == 0, deployed.output  # it refused: no [podcast] site_url
    assert (folder / "feed.xml").is_file()
    assert "https://anna.nl/rust/" in (folder / "feed.xml").read_text(encoding="utf-8")
