"""The settings she changes in the studio: checked by the rules load_config uses, refused at
their field in Dutch with nothing written, and written with tomlkit so that every comment and
every other byte of her settings file stays."""

import difflib

import pytest

from breathcast.build import settings_text
from breathcast.core import (
    EngineName,
    SettingsError,
    load_config,
    remember,
    save_settings,
    settings_choices,
    settings_values,
)


@pytest.fixture
def her_project(tmp_path):
    """A project as `breathcast init` makes it: every setting explained, most of them comments."""
    (tmp_path / "breathcast.toml").write_text(settings_text(), encoding="utf-8")
    return tmp_path


def changed_lines(before: str, after: str) -> list[str]:
    return [
        line
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), n=0, lineterm="")
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


def test_what_she_changes_is_written_and_every_other_byte_stays(her_project):
    path = her_project / "breathcast.toml"
    before = path.read_text(encoding="utf-8")
    saved = save_settings(
        load_config(her_project),
        {
            "title": "Adem met Anna",
            "owner_email": "anna@example.nl",
            "site_url": "https://anna.nl/rust/",
            "language": "nl-BE",
            "category": "Kids & Family",
            "subcategory": "Parenting",
            "ratios": ["3:6", "4:6"],  # 3:6 recommended: it comes first
            "engine": "espeak",
            "author": "De eerste 1000 dagen",  # as it was: not written
        },
    )
    after = path.read_text(encoding="utf-8")
    assert changed_lines(before, after) == [
        '-ratios = ["4:6", "4:4", "3:6"]',
        '+ratios = ["3:6", "4:6"]',
        '+engine = "espeak"',
        '-title = "Rust & verbinding"',
        '+title = "Adem met Anna"',
        '+language = "nl-BE"',
        '-site_url = ""',
        '+site_url = "https://anna.nl/rust"',
        '+category = "Kids & Family"',
        '+subcategory = "Parenting"',
        '-owner_email = ""',
        '+owner_email = "anna@example.nl"',
    ]
    # A setting that was a comment gets its value right under it, beneath its words.
    assert '# language = "nl"\nlanguage = "nl-BE"\n' in after
    assert set(saved.changed) == {
        "title", "owner_email", "site_url", "language", "category", "subcategory", "ratios",
        "engine",
    }  # fmt: skip
    config = load_config(her_project)
    assert config.podcast.title == "Adem met Anna" and config.podcast.language == "nl-BE"
    assert config.podcast.site_url == "https://anna.nl/rust"
    assert (config.podcast.category, config.podcast.subcategory) == ("Kids & Family", "Parenting")
    assert [str(p) for p in config.ratios] == ["3:6", "4:6"] and config.engine == EngineName.ESPEAK
    assert settings_values(config)["ratios"] == ["3:6", "4:6"]


def test_a_bad_value_is_refused_at_its_field_in_dutch_and_nothing_is_written(her_project):
    path = her_project / "breathcast.toml"
    before = path.read_bytes()
    with pytest.raises(SettingsError) as refused:
        save_settings(
            load_config(her_project),
            {
                "title": "Een goede titel",  # fine, but not written alone either
                "owner_email": "anna at example",
                "site_url": "https://anna.nl/rüst",
                "ratios": [],
                "category": "Wellness",
                "engine": "robot",
            },
        )
    fields = refused.value.fields
    assert set(fields) == {"owner_email", "site_url", "ratios", "category", "engine"}
    assert (
        fields["owner_email"].nl == "Dit lijkt geen e-mailadres. Schrijf het als naam@voorbeeld.nl."
    )
    for said in fields.values():
        assert said.nl != said.en and "toml" not in said.nl and "[podcast]" not in said.nl
    assert path.read_bytes() == before
    # A subcategory belongs to its category: the two are checked together.
    config = save_settings(load_config(her_project), {"category": "Arts", "subcategory": ""})
    assert config.config.podcast.category == "Arts"
    with pytest.raises(SettingsError) as wrong:
        save_settings(config.config, {"subcategory": "Parenting"})
    assert set(wrong.value.fields) == {"subcategory"}


def test_nothing_changed_writes_nothing(her_project):
    path = her_project / "breathcast.toml"
    before = path.stat().st_mtime_ns, path.read_bytes()
    config = load_config(her_project)
    saved = save_settings(config, settings_values(config))
    assert saved.changed == () and (path.stat().st_mtime_ns, path.read_bytes()) == before


def test_publishing_remembers_its_address_under_its_words(her_project):
    remember(load_config(her_project), "podcast", {"cover": "music/cover.png"})
    text = (her_project / "breathcast.toml").read_text(encoding="utf-8")
    assert '# cover = ""\ncover = "music/cover.png"\n' in text


def test_the_choices_carry_their_dutch_words(her_project):
    choices = settings_choices(load_config(her_project))
    health = next(c for c in choices["categories"] if c["value"] == "Health & Fitness")
    assert health["words"] == "Gezondheid en fitness"
    assert {"value": "Mental Health", "words": "Mentale gezondheid"} in health["subcategories"]
    assert [r["ratio"] for r in choices["ratios"]][:3] == ["4:6", "4:4", "3:6"]
    assert {"value": "espeak", "words": "computerstem (voorbeeld)"} in choices["engines"]
    assert {"value": "nl", "words": "Nederlands"} in choices["languages"]
