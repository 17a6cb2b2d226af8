"""A project's scripts: finding them, parsing them all, and the advice `check` gives."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from breathcast.breath import BreathPattern
from breathcast.config import Config
from breathcast.errors import BreathcastError, ScriptError
from breathcast.lexicon import FILE_NAME as LEXICON_FILE
from breathcast.lexicon import read_lexicon
from breathcast.lint import lint_lexicon, lint_script
from breathcast.script import Script, read_script


def find_scripts(config: Config, names: Sequence[str | Path] = ()) -> list[Path]:
    """The scripts named, or every `*.md` in the scripts folder."""
    if names:
        return [Path(n) for n in names]
    folder = config.path("scripts")
    scripts = sorted(folder.glob("*.md"))
    if not scripts:
        raise BreathcastError(f"no scripts found in {folder}/; add a .md script there")
    return scripts


def check_scripts(paths: Sequence[Path]) -> tuple[list[Script], list[ScriptError]]:
    """Parse every script, collecting all errors rather than stopping at the first."""
    scripts, errors = [], []
    slugs: dict[str, str] = {}
    for path in paths:
        try:
            script = read_script(path)
        except ScriptError as exc:
            errors.append(exc)
            continue
        if script.slug in slugs:
            errors.append(
                ScriptError(
                    path,
                    1,
                    f"its file name gives the same slug {script.slug!r} as {slugs[script.slug]}; "
                    "rename one of them",
                )
            )
            continue
        slugs[script.slug] = str(path)
        scripts.append(script)
    return scripts, errors


def patterns_for(
    script: Script, config: Config, overrides: Sequence[BreathPattern] = ()
) -> Sequence[BreathPattern]:
    """--ratio flags win over the script's front matter, which wins over the project."""
    return overrides or script.ratios or config.ratios


def pattern_warnings(patterns: Iterable[BreathPattern]) -> list[str]:
    """Advice on every distinct pattern that is less calming than it could be, once each."""
    return [f"ratio {note}" for p in dict.fromkeys(patterns) for note in p.warnings()]


@dataclass(frozen=True)
class CheckResult:
    scripts: list[Script]
    errors: list[ScriptError]
    advice: list[str]  # `file:line: …` notes that do not fail the check


def check_project(config: Config, names: Sequence[str | Path] = ()) -> CheckResult:
    """`breathcast check`: parse every script; errors, and advice (lint) that is not an error."""
    scripts, errors = check_scripts(find_scripts(config, names))
    advice = pattern_warnings(p for s in scripts for p in patterns_for(s, config))
    advice += [note for script in scripts for note in lint_script(script)]
    for script in scripts:
        offered = patterns_for(script, config)
        if script.recommended is not None and script.recommended not in offered:
            built = ", ".join(str(p) for p in offered)
            advice.append(
                f"{script.path}:{script.line_of('recommended')}: recommended: "
                f"{script.recommended} is not one of the ratios it is built at ({built}); "
                "the page can only offer what is built"
            )
    try:
        lexicon = read_lexicon(config.path("scripts") / LEXICON_FILE)
    except ScriptError as exc:
        errors.append(exc)
    else:
        if not names:  # an entry is only unused if no script at all says it
            advice += lint_lexicon(lexicon, scripts)
    return CheckResult(scripts, errors, advice)
