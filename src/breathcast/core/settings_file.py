"""The settings she changes in the studio (Instellingen), read and written back.

Every value is checked by the rules `load_config` uses (the project's settings with the new
value in them are read as `load_config` reads them; the site address as publish reads it),
so a value the studio takes is one the build and publish take. A bad value is refused at
its field, in Dutch, and nothing is written. What is written goes into the settings file
with tomlkit: her comments and every other byte stay; a setting that was only a comment
(`# language = "nl"`, as `init` writes them) gets its value on the line below it, under its
words.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from breathcast.core.breath import BreathPattern
from breathcast.core.categories import APPLE_CATEGORIES, CATEGORY_WORDS
from breathcast.core.config import (
    DEFAULT_RATIOS,
    ENGINE_CHOICES,
    ENGINE_WORDS,
    Config,
    load_config,
    public_address,
    settings_from,
)
from breathcast.core.errors import BreathcastError, ConfigError, SettingsError
from breathcast.core.files import atomic_write
from breathcast.core.said import Said

# What the studio's Instellingen shows: its name for each field -> (table, key) in the file.
FIELDS: dict[str, tuple[str, str]] = {
    "title": ("podcast", "title"),
    "description": ("podcast", "description"),
    "author": ("podcast", "author"),
    "owner_email": ("podcast", "owner_email"),
    "site_url": ("podcast", "site_url"),
    "cover": ("podcast", "cover"),
    "language": ("podcast", "language"),
    "category": ("podcast", "category"),
    "subcategory": ("podcast", "subcategory"),
    "ratios": ("", "ratios"),  # the first is the recommended one: the page offers it first
    "engine": ("", "engine"),
}
TOGETHER = ({"category", "subcategory"},)  # checked as one: a subcategory belongs to its category
LANGUAGES = {
    "nl": "Nederlands",
    "nl-BE": "Nederlands (België)",
    "en": "Engels",
    "de": "Duits",
    "fr": "Frans",
}
SUGGESTED_RATIOS = (*DEFAULT_RATIOS, "5:5", "4:8", "4:7:8")
# Said at the field when the rule that refused a value has no Dutch words of its own.
HINTS = {
    "owner_email": "Dit lijkt geen e-mailadres. Schrijf het als naam@voorbeeld.nl.",
    "site_url": "Schrijf het hele adres van je website, zoals https://jouwwebsite.nl/rust, "
    "zonder spaties en zonder letters met accenten.",
    "ratios": "Kies minstens één ademritme, geschreven als tellen in:tellen uit, zoals 4:6.",
    "category": "Kies een onderwerp uit de lijst.",
    "subcategory": "Kies een kleiner onderwerp uit de lijst, of geen.",
    "engine": "Kies een stem uit de lijst.",
    "cover": "Kies je plaatje opnieuw.",
}
GENERAL_HINT = "Dit kan de studio niet gebruiken. Kijk of het goed geschreven is."


@dataclass(frozen=True)
class Saved:
    """What a save changed: the settings as they are now, and the fields it wrote."""

    config: Config
    changed: tuple[str, ...]


def settings_values(config: Config) -> dict[str, Any]:
    """Every field of Instellingen with the value that holds now (a default where the file
    names none), as the form shows it."""
    values: dict[str, Any] = {}
    for name, (table, key) in FIELDS.items():
        value = getattr(getattr(config, table) if table else config, key)
        if name == "ratios":
            value = [str(p) for p in value]
        values[name] = str(value) if name == "engine" else value
    return values


def settings_choices(config: Config) -> dict[str, Any]:
    """What the form offers, each with its Dutch words: languages, Apple's categories, the
    ratios (the project's own first), the voices."""
    language = config.podcast.language
    languages = {**LANGUAGES, **({language: language} if language not in LANGUAGES else {})}
    ratios = dict.fromkeys([str(p) for p in config.ratios] + list(SUGGESTED_RATIOS))
    return {
        "languages": [{"value": k, "words": v} for k, v in languages.items()],
        "categories": [
            {
                "value": category,
                "words": CATEGORY_WORDS.get(category, category),
                "subcategories": [
                    {"value": sub, "words": CATEGORY_WORDS.get(sub, sub)} for sub in subs
                ],
            }
            for category, subs in APPLE_CATEGORIES.items()
        ],
        "ratios": [{"ratio": r, "words": BreathPattern.parse(r).in_words} for r in ratios],
        "engines": [{"value": str(e), "words": ENGINE_WORDS[e]} for e in ENGINE_CHOICES],
    }


def check_settings(config: Config, given: dict[str, Any]) -> dict[str, Any]:
    """The fields of `given` whose value differs from what holds now, each checked by the
    rules `load_config` uses; a `SettingsError` with a Dutch word at every field that is
    not right (and then nothing may be written)."""
    unknown = [name for name in given if name not in FIELDS]
    if unknown:
        raise SettingsError(
            Said(f"unknown settings: {', '.join(unknown)}", "Die instelling kent de studio niet."),
            {name: Said(f"unknown setting {name!r}", GENERAL_HINT) for name in unknown},
        )
    now = settings_values(config)
    changed = {}
    for name, value in given.items():
        value = _plain(name, value)
        if value != now[name]:
            changed[name] = value
    data = _raw(config.root)
    problems: dict[str, Said] = {}
    for name in changed:
        group = next((g for g in TOGETHER if name in g), {name})
        trial = {n: changed[n] for n in group if n in changed}
        try:
            checked = settings_from(_with(data, trial), config.root, config.source)
            if name == "site_url" and changed[name]:
                public_address(checked, changed[name])
        except BreathcastError as exc:
            problems[name] = _dutch(name, exc.said)
    if problems:
        raise SettingsError(
            Said(
                "these settings cannot be used, so nothing was saved: "
                + "; ".join(f"{name}: {said.en}" for name, said in problems.items()),
                "Er is nog niets bewaard: " + " ".join(s.nl for s in problems.values()),
            ),
            problems,
        )
    return changed


def save_settings(config: Config, given: dict[str, Any]) -> Saved:
    """Check `given` (see `check_settings`) and write what changed, in one write."""
    changed = check_settings(config, given)
    tables: dict[str, dict[str, Any]] = {}
    for name, value in changed.items():
        table, key = FIELDS[name]
        tables.setdefault(table, {})[key] = value
    if tables:
        write_settings(config.root, tables)
    return Saved(load_config(config.root), tuple(changed))


def write_settings(root: Path, tables: dict[str, dict[str, Any]]) -> None:
    """Write settings into the project's settings file (`""`: the top level), keeping her
    comments and every other byte; atomically, so a reader sees the old file or the new."""
    import tomlkit

    toml_path, pyproject = root / "breathcast.toml", root / "pyproject.toml"
    path = pyproject if not toml_path.is_file() and pyproject.is_file() else toml_path
    try:
        document = (
            tomlkit.parse(path.read_text(encoding="utf-8"))
            if path.is_file()
            else tomlkit.document()
        )
    except (OSError, UnicodeDecodeError, tomlkit.exceptions.ParseError) as exc:
        raise ConfigError(
            Said(
                f"{path}: cannot read the settings: {exc}",
                "De instellingen van je project zijn niet te lezen, dus er is niets bewaard.",
            )
        ) from exc
    settings = document
    if path == pyproject:
        settings = document.setdefault("tool", tomlkit.table()).setdefault(
            "breathcast", tomlkit.table()
        )
    for table, values in tables.items():
        section = settings if not table else settings.setdefault(table, tomlkit.table())
        for key, value in values.items():
            _put(section, key, value)
    atomic_write(path, tomlkit.dumps(document).encode("utf-8"))


def _put(section: Any, key: str, value: Any) -> None:
    """Set `key`: in its place if it is there; else under its commented line (`# key = …`)
    when the file has one; else at the end of its table."""
    container = getattr(section, "value", section)  # a table's body, or the document
    if key not in section:
        from tomlkit.items import Comment

        for index, (name, item) in enumerate(getattr(container, "body", [])):
            if name is None and isinstance(item, Comment) and _commented(item) == key:
                try:
                    container._insert_at(index + 1, key, value)  # tomlkit's own placement
                    return
                except (AttributeError, TypeError, ValueError):
                    break  # a tomlkit without it: at the end, as below
    section[key] = value


def _commented(comment: Any) -> str:
    """The key a commented setting line names (`# language = "nl"` -> `language`), or ""."""
    text = comment.as_string().strip().lstrip("#").strip()
    key, sep, _ = text.partition("=")
    return key.strip() if sep else ""


def _plain(name: str, value: Any) -> Any:
    """A value as the form sends it, as the settings file holds it."""
    if name == "ratios":
        if isinstance(value, str):
            value = [v for v in value.replace(",", " ").split() if v]
        return [str(v).strip() for v in value] if isinstance(value, list) else value
    if isinstance(value, str):
        value = value.strip()
        return value.rstrip("/") if name == "site_url" else value
    return value


def _raw(root: Path) -> dict[str, Any]:
    """The settings as the file holds them (not yet checked): what a new value goes into."""
    toml_path, pyproject = root / "breathcast.toml", root / "pyproject.toml"
    try:
        if toml_path.is_file():
            return tomllib.loads(toml_path.read_text(encoding="utf-8"))
        if pyproject.is_file():
            data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
            return data.get("tool", {}).get("breathcast", {})
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return {}  # load_config says what is wrong with it
    return {}


def _with(data: dict[str, Any], changed: dict[str, Any]) -> dict[str, Any]:
    """`data` with the changed fields put in (a copy: `data` stays as it is)."""
    data = {k: dict(v) if isinstance(v, dict) else v for k, v in data.items()}
    for name, value in changed.items():
        table, key = FIELDS[name]
        (data.setdefault(table, {}) if table else data)[key] = value
    return data


def _dutch(name: str, said: Said) -> Said:
    """The refusal at its field: the rule's own Dutch words, or the field's."""
    return said if said.nl != said.en else Said(said.en, HINTS.get(name, GENERAL_HINT))
