"""A project of her own, apart from the program: `breathcast init` makes a folder with her
exercises as starters, a `breathcast.toml` with every setting explained in plain Dutch, and
`music/`. Nothing that is already there is ever overwritten.

The starters are the repository's `scripts/*.md`, kept in one place: the wheel carries them as
`breathcast/starters/` (pyproject's force-include), and a checkout reads `scripts/` itself."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, fields
from importlib import resources
from pathlib import Path

from breathcast.core import (
    SETTING_WORDS,
    Config,
    DeploySettings,
    PodcastSettings,
    ProjectExistsError,
    Said,
    SoundSettings,
    VoiceSettings,
    atomic_write,
    remember_project,
)
from breathcast.core.setting_words import TABLE_WORDS

_CHECKOUT = Path(__file__).resolve().parents[3]  # src/breathcast/build/starter.py -> the repo
_TABLES = {
    "voice": VoiceSettings,
    "sound": SoundSettings,
    "podcast": PodcastSettings,
    "deploy": DeploySettings,
}
# Written as values, not as comments: what she (or the studio) fills in first.
_SET = {("", "ratios"), ("podcast", "title"), ("podcast", "author"), ("podcast", "description"),
        ("podcast", "owner_email"), ("podcast", "site_url")}  # fmt: skip
_HEADER = """\
# De instellingen van je Ademstudio.
#
# Je hoeft dit bestand niet te openen: de studio zet hier zelf in wat je kiest.
# Een regel die met # begint, doet niets; dan geldt de waarde die erachter staat.
# Wil je toch iets veranderen? Haal dan het # aan het begin weg en pas de waarde aan.
"""


@dataclass(frozen=True)
class NewProject:
    """What `init_project` made: the folder, and every file and folder it wrote there."""

    folder: Path
    written: tuple[Path, ...]

    @property
    def said(self) -> Said:
        starters = sum(1 for p in self.written if p.suffix == ".md")
        return Said(
            f"made a project in {self.folder}: {starters} exercises in scripts/, "
            "breathcast.toml (the settings) and music/. Start the studio with: "
            "breathcast studio",
            f"Je project staat klaar in {self.folder}: {starters} oefeningen in scripts/, de "
            "instellingen (breathcast.toml) en de map music/ voor je eigen muziek. Open de "
            "studio met: breathcast studio",
        )


def starter_files() -> dict[str, bytes]:
    """Her exercises by file name, as the program ships them."""
    shipped = resources.files("breathcast") / "starters"
    if shipped.is_dir():
        found = {f.name: f.read_bytes() for f in shipped.iterdir() if f.name.endswith(".md")}
    else:  # a checkout (an editable install): the repository's own scripts/
        folder = _CHECKOUT / "scripts"
        found = {p.name: p.read_bytes() for p in folder.glob("*.md")} if folder.is_dir() else {}
    return dict(sorted(found.items()))


def settings_text() -> str:
    """A `breathcast.toml` that holds every setting at its default, each under its plain
    Dutch words; all but the few she fills in first are comments."""
    import tomlkit

    defaults = Config()
    blocks = [_HEADER]
    top = [f.name for f in fields(Config) if f.name not in ("root", "source", *_TABLES)]
    values = {name: getattr(defaults, name) for name in top}
    values["ratios"] = [str(p) for p in defaults.ratios]
    values["engine"] = str(defaults.engine)
    blocks.append(_settings("", values, tomlkit))
    for table, cls in _TABLES.items():
        settings = getattr(defaults, table)
        values = {f.name: getattr(settings, f.name) for f in fields(cls)}
        heading = _comment(TABLE_WORDS[table])
        blocks.append(f"[{table}]\n{heading}\n\n" + _settings(table, values, tomlkit))
    return "\n".join(blocks)


def _settings(table: str, values: dict, tomlkit) -> str:
    settings = []
    for key, value in values.items():
        line = f"{key} = {tomlkit.item(value).as_string()}"
        line = line if (table, key) in _SET else f"# {line}"
        settings.append(f"{_comment(SETTING_WORDS[table][key])}\n{line}\n")
    return "\n".join(settings)


def _comment(words: str) -> str:
    return "\n".join(f"# {line}" for line in textwrap.wrap(words, 90))


def _refusal(folder: Path, why_en: str, why_nl: str) -> ProjectExistsError:
    return ProjectExistsError(
        Said(
            f"{folder} {why_en}; nothing was changed. To work in it: breathcast --project "
            f'"{folder}" studio. For a new project, name an empty or new folder: breathcast '
            'init "FOLDER"',
            f"In {folder} {why_nl}; er is niets veranderd. Werk je daarin verder, open dan de "
            f'studio met: breathcast --project "{folder}" studio. Wil je een nieuw project, '
            'kies dan een lege of nieuwe map: breathcast init "MAP"',
        )
    )


def init_project(folder: Path) -> NewProject:
    """Make a project in `folder` (made if needed): her exercises in `scripts/`, a commented
    `breathcast.toml`, and `music/`. A folder that already holds a project (settings, or
    exercises in `scripts/`) is refused as a whole; nothing that exists is ever overwritten.
    The new project is the one the studio opens next."""
    folder = Path(folder).expanduser().resolve()
    if folder.exists() and not folder.is_dir():
        raise _refusal(folder, "is a file, not a folder", "staat een bestand, geen map")
    scripts = folder / "scripts"
    if (folder / "breathcast.toml").exists():
        raise _refusal(folder, "already holds a project (breathcast.toml)", "staat al een project")
    if scripts.is_dir() and any(scripts.iterdir()):
        raise _refusal(
            folder, "already holds exercises in scripts/", "staan al oefeningen (in scripts/)"
        )
    starters = starter_files()
    written: list[Path] = []
    for name, data in starters.items():
        atomic_write(scripts / name, data)
        written.append(scripts / name)
    atomic_write(folder / "breathcast.toml", settings_text().encode("utf-8"))
    written.append(folder / "breathcast.toml")
    music = folder / "music"
    if not music.is_dir():
        music.mkdir(parents=True)
        written.append(music)
    remember_project(folder)
    return NewProject(folder, tuple(written))
