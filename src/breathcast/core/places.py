"""Where her project lives: the program and her project are two things. A project is a folder
of her own (`breathcast init` makes one, by default in her documents folder), and the studio
remembers the one she used last, in the user's config folder (`platformdirs`)."""

from __future__ import annotations

from contextlib import suppress
from pathlib import Path

from breathcast.core.files import atomic_write

PROJECT_NAME = "Ademstudio"  # the folder `init` makes in her documents, and the launcher's name
_LAST = "last-project.txt"  # in the config folder: the path of the project she used last


def default_project() -> Path:
    """Her documents folder's `Ademstudio` (Documenten, Documents, …, as her system names it)."""
    from platformdirs import user_documents_dir

    return Path(user_documents_dir()) / PROJECT_NAME


def config_folder() -> Path:
    """breathcast's own folder in the user's config (never her project's settings)."""
    from platformdirs import user_config_dir

    return Path(user_config_dir("breathcast", appauthor=False))


def is_project(folder: str | Path) -> bool:
    """A folder with a `breathcast.toml` or a `scripts/` folder is a project."""
    folder = Path(folder)
    return (folder / "breathcast.toml").is_file() or (folder / "scripts").is_dir()


def remember_project(folder: str | Path) -> None:
    """Keep `folder` as the project she used last; a config folder that cannot be written
    only means the next start asks again."""
    from breathcast.core.errors import OutputError

    with suppress(OutputError):
        atomic_write(config_folder() / _LAST, f"{Path(folder).resolve()}\n".encode())


def last_project() -> Path | None:
    """The project she used last, if it is still there (and still a project)."""
    try:
        text = (config_folder() / _LAST).read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return Path(text) if text and is_project(text) else None
