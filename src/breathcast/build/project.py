"""A project's scripts: finding them, parsing them all, and the advice `check` gives."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from breathcast.core import BreathcastError, BreathPattern, Config, Said, ScriptError
from breathcast.script import FILE_NAME as LEXICON_FILE
from breathcast.script import (
    Note,
    Script,
    lint_lexicon,
    lint_script,
    parse_script,
    read_lexicon,
    read_script,
)


def locate(config: Config, name: str | Path) -> Path:
    """A script named on the command line: as given, or else inside the project folder (so
    `--project ~/rust build scripts/kort.md` works from anywhere)."""
    path = Path(name)
    if path.exists() or path.is_absolute():
        return path
    inside = config.root / path
    return inside if inside.exists() else path


def find_scripts(config: Config, names: Sequence[str | Path] = ()) -> list[Path]:
    """The scripts named, or every `*.md` in the scripts folder."""
    if names:
        return [locate(config, n) for n in names]
    folder = config.path("scripts")
    scripts = sorted(folder.glob("*.md"))
    if not scripts:
        raise BreathcastError(f"no scripts found in {folder}/; add a .md script there")
    return scripts


def page_order(scripts: Iterable[Script]) -> list[tuple[str, list[Script]]]:
    """The exercises as the page and the studio list them: by `order:` (unnumbered ones
    after, by title), gathered under their `group:`, each group where its first one is."""
    groups: dict[str, list[Script]] = {}
    for script in sorted(scripts, key=lambda s: (s.order is None, s.order or 0, s.title)):
        groups.setdefault(script.group, []).append(script)
    return list(groups.items())


def check_scripts(paths: Sequence[Path]) -> tuple[list[Script], list[ScriptError]]:
    """Parse every script, collecting all errors rather than stopping at the first."""
    scripts, errors = [], []
    slugs: dict[str, str] = {}
    for path in paths:
        try:
            script = read_script(path)
        except ScriptError as exc:
            errors += exc.each()  # every line that is not right, not only the first
            continue
        if script.slug in slugs:
            errors.append(
                ScriptError(
                    path,
                    1,
                    Said(
                        en=f"its file name gives the same slug {script.slug!r} as "
                        f"{slugs[script.slug]}; rename one of them",
                        nl=f"deze bestandsnaam lijkt te veel op {Path(slugs[script.slug]).name}; "
                        "geef een van beide een andere naam",
                    ),
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


def pattern_warnings(patterns: Iterable[BreathPattern]) -> list[Said]:
    """Advice on every distinct pattern that is less calming than it could be, once each."""
    return [_ratio_advice(note) for p in dict.fromkeys(patterns) for note in p.advice()]


def _ratio_advice(note: Said) -> Said:
    return Said(f"ratio {note.en}", f"ademritme {note.nl}")


@dataclass(frozen=True)
class CheckResult:
    scripts: list[Script]
    errors: list[ScriptError]
    advice: list[Said]  # notes that do not fail the check, `file:line` first where they have one


def check_project(config: Config, names: Sequence[str | Path] = ()) -> CheckResult:
    """`breathcast check`: parse every script; errors, and advice (lint) that is not an error."""
    scripts, errors = check_scripts(find_scripts(config, names))
    advice = pattern_warnings(p for s in scripts for p in patterns_for(s, config))
    advice += [note.said for script in scripts for note in script_notes(script, config)]
    errors += [e for script in scripts for e in length_errors(config, script)]
    try:
        lexicon = read_lexicon(config.path("scripts") / LEXICON_FILE)
    except ScriptError as exc:
        errors.append(exc)
    else:
        if not names:  # an entry is only unused if no script at all says it
            advice += [note.said for note in lint_lexicon(lexicon, scripts)]
    return CheckResult(scripts, errors, advice)


def length_errors(config: Config, script: Script) -> list[ScriptError]:
    """The lengths a script cannot be made in, at its ratios, from its lines' lengths as the
    voice cache knows them (or as guessed from their characters): what the build would
    refuse, said before anything is voiced."""
    if not script.lengths:
        return []
    # The build's own modules (numpy): only for a script that has lengths.
    from breathcast.build.produce import episode_plan
    from breathcast.core import EngineName
    from breathcast.voice import VoicingContext, get_engine

    context = VoicingContext.open(config)
    asked = script.engine or config.engine
    engine = get_engine(EngineName.GTTS if asked == EngineName.AUTO else asked, config)
    clips = context.estimate_lengths(script, engine)
    found: dict[str, ScriptError] = {}
    for pattern in patterns_for(script, config):
        for length in script.lengths:
            try:
                episode_plan(script, pattern, clips, config, length)
            except ScriptError as exc:
                found.setdefault(length.text, exc)  # the first ratio that cannot: one is enough
    return list(found.values())


def script_notes(script: Script, config: Config, with_patterns: bool = False) -> list[Note]:
    """The advice on one script; `with_patterns` adds its breath patterns' own, at the line
    that chose them (for the studio, which checks one script at a time)."""
    notes = lint_script(script)
    offered = patterns_for(script, config)
    if script.recommended is not None and script.recommended not in offered:
        built = ", ".join(str(p) for p in offered)
        notes.append(
            Note(
                script.path,
                script.line_of("recommended"),
                Said(
                    f"recommended: {script.recommended} is not one of the ratios it is built "
                    f"at ({built}); the page can only offer what is built",
                    f"recommended: {script.recommended} wordt niet gemaakt (wel: {built}); de "
                    "pagina kan alleen aanraden wat er is",
                ),
            )
        )
    if with_patterns:
        line = script.line_of("ratios")
        for pattern in offered:
            notes += [Note(script.path, line, _ratio_advice(note)) for note in pattern.advice()]
    return notes


@dataclass(frozen=True)
class TextCheck:
    """One script's text checked as `check` would: its errors (every line that is not
    right, one each) and its advice, each at a line."""

    script: Script | None
    errors: list[ScriptError]
    notes: list[Note]


def check_text(config: Config, path: str | Path, text: str) -> TextCheck:
    """Parse and lint a script's text that may not be saved yet (the studio, as she types)."""
    try:
        script = parse_script(text, path)
    except ScriptError as exc:
        return TextCheck(None, exc.each(), [])
    errors = length_errors(config, script)
    return TextCheck(script, errors, script_notes(script, config, with_patterns=True))
