"""Looking after a project between builds: `clean` and `watch`."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from breathcast.build.builder import BuildOptions, build
from breathcast.build.events import BuildReport
from breathcast.core import (
    LOCK_NAME,
    BreathcastError,
    Config,
    Event,
    Job,
    load_config,
    project_lock,
)
from breathcast.script import FILE_NAME as LEXICON_FILE
from breathcast.script import Failure


def clean_outputs(config: Config, voice_too: bool = False) -> list[Path]:
    """Empty the build folder (keeping its placeholder), and the voice cache if asked."""
    folders = [config.path("build")] + ([config.path("voice")] if voice_too else [])
    with project_lock(config.path("build"), Job.CLEAN):
        for folder in folders:
            for item in folder.iterdir() if folder.is_dir() else ():
                if item.name in (".gitkeep", LOCK_NAME):
                    continue
                shutil.rmtree(item) if item.is_dir() and not item.is_symlink() else item.unlink()
    return folders


def watch(
    config: Config,
    options: Callable[[Config], BuildOptions],
    on_event: Callable[[Event], None],
    stop: Any = None,
) -> Iterator[BuildReport]:
    """Rebuild a script's episodes whenever it is saved; yield each build's report.

    The settings are read again before every build, and `options` resolves the build's options
    from them. Saving `uitspraak.txt` rebuilds every script (the build itself skips what did
    not change). A broken edit is a failed build in the report; watching goes on.
    """
    from watchfiles import watch as watch_files  # only this command needs it

    folder = config.path("scripts")
    for changes in watch_files(folder, stop_event=stop, debounce=400, raise_interrupt=False):
        changed = {Path(path) for _, path in changes}
        scripts = sorted(p for p in changed if p.suffix == ".md" and p.is_file())
        if any(p.name == LEXICON_FILE for p in changed):
            scripts = []  # every script
        elif not scripts:
            continue
        try:
            fresh = load_config(config.root)
            yield build(fresh, scripts, options(fresh), on_event)
        except BreathcastError as exc:  # e.g. another build holds the lock: try again next save
            yield BuildReport(failures=(Failure(str(folder), exc.said),))
