"""The studio's JSON: library values shaped for the page. Codes (StrEnum values) cross to the
page, and their Dutch words come from `vocabulary()`, so the page keeps no copy of them and
never matches English text."""

from __future__ import annotations

import json
from typing import Any

from starlette.responses import JSONResponse

from breathcast.build import Refusal, TextCheck, patterns_for
from breathcast.core import (
    ENGINE_WORDS,
    PHASE_WORDS,
    BreathcastError,
    BreathPattern,
    Config,
    ConflictError,
    Event,
    Job,
    PublishError,
    Said,
    ScriptError,
    SettingsError,
)
from breathcast.script import EPISODE_STATUS_WORDS, Length, Lexicon, Note, Script, parse_duration
from breathcast.sound import LOUDNESS_LEVEL_WORDS, Timeline, loudness_level
from breathcast.studio.status import (
    SCRIPT_STATUS_WORDS,
    Busy,
    ProjectState,
    ScriptState,
    ScriptStatus,
)
from breathcast.voice import TAKE_STATE_WORDS, ImportReport, TakeStore

REFUSAL_WORDS = {
    Refusal.LOCKED: "Er wordt al gebouwd.",
    Refusal.SETTINGS: "De instellingen kloppen niet.",
    Refusal.OTHER: "Bouwen kon niet beginnen.",
}

BUSY_HERE = {  # a job of this studio
    Job.BUILD: "Je oefeningen worden nu gebouwd.",
    Job.PUBLISH: "Je site wordt nu gepubliceerd.",
    Job.DEPLOY: "Je site wordt nu online gezet.",
    Job.CLEAN: "De gemaakte bestanden worden nu opgeruimd.",
}
BUSY_ELSEWHERE = {  # one in a terminal, or another studio
    job: f"{words.removesuffix('.')}, in een terminal of een ander venster. Even geduld; dit "
    "overzicht ververst vanzelf."
    for job, words in BUSY_HERE.items()
}


def vocabulary() -> dict[str, dict[str, str]]:
    """Every code the page is sent, with its Dutch words: the page's first payload."""
    return {
        "script_status": dict(SCRIPT_STATUS_WORDS),
        "episode_status": dict(EPISODE_STATUS_WORDS),
        "engine": dict(ENGINE_WORDS),
        "take_state": dict(TAKE_STATE_WORDS),
        "phase": {phase: words.name for phase, words in PHASE_WORDS.items()},
        "refusal": dict(REFUSAL_WORDS),
        "busy_here": dict(BUSY_HERE),
        "busy_elsewhere": dict(BUSY_ELSEWHERE),
        "loudness_level": dict(LOUDNESS_LEVEL_WORDS),
    }


def busy_now(job: Job | None) -> str:
    """Why a job cannot start: the one of this studio that runs."""
    return f"{BUSY_HERE.get(job, BUSY_HERE[Job.BUILD])} Wacht even tot dat klaar is."


def said(message: Said) -> dict[str, str]:
    return {"en": message.en, "nl": message.nl}


def ratio(pattern: BreathPattern | str) -> dict[str, str]:
    """A ratio with its words for listeners: {"ratio": "4:6", "words": "in 4, uit 6"}."""
    pattern = BreathPattern.parse(pattern) if isinstance(pattern, str) else pattern
    return {"ratio": str(pattern), "words": pattern.in_dutch}


def length(made: Length) -> dict[str, str]:
    """A length with its words: {"length": "3m", "length_short": "3 min", "length_words":
    "3 minuten"}."""
    return {"length": made.text, "length_short": made.short, "length_words": made.words}


def located(item: ScriptError | Note) -> dict[str, Any]:
    """An error or a piece of advice at its line, as the editor shows it."""
    return {"line": item.line, "message": item.detail.en, "nl": item.detail.nl}


def problem(exc: BreathcastError, status: int) -> JSONResponse:
    """A library error, for the page: in Dutch, at its line where it has one."""
    body: dict[str, Any] = {"error": exc.said.nl, "detail": exc.said.en}
    if isinstance(exc, ScriptError):
        body.update(error=exc.detail.nl, line=exc.line)
    if isinstance(exc, ConflictError):  # both versions stay: the page lets her choose
        body.update(disk_text=exc.disk_text, disk_version=exc.disk_version)
    if isinstance(exc, SettingsError):  # nothing saved: the words at each field
        body.update(fields={name: said.nl for name, said in exc.fields.items()})
    if isinstance(exc, PublishError) and exc.needs:  # the fields publish asks for, at once
        body.update(needs=list(exc.needs))
    return JSONResponse(body, status_code=status)


def checked(config: Config, result: TextCheck) -> dict[str, Any]:
    """A script's text checked as `breathcast check` does: errors and advice at their
    lines, the lines the voice says, the ratios it is built at and the voice it asks for."""
    script = result.script
    return {
        "errors": [located(e) for e in result.errors],
        "notes": [located(n) for n in result.notes],
        "spoken": spoken(config, script) if script is not None else [],
        "ratios": [ratio(p) for p in patterns_for(script, config)] if script else [],
        "lengths": [length(n) for n in script.lengths] if script else [],
        "engine": (script.engine if script else None) or config.engine,
        "front": front(config, script) if script else None,
    }


def front(config: Config, script: Script) -> dict[str, Any]:
    """What the exercise's own form shows: its lengths, its own ratios (empty: the
    project's), its group, and the project's ratios to choose from."""
    return {
        "lengths": [length(n) for n in script.lengths],
        "ratios": [str(p) for p in script.ratios],
        "group": script.group,
        "project_ratios": [ratio(p) for p in config.ratios],
    }


def spoken(config: Config, script: Script) -> list[dict[str, Any]]:
    """Everything the voice says, in order (the lines, then each breathing cue), with where
    her take of it stands."""
    said_lines = len(script.speech)
    return [
        {
            "line": line.speech.line,
            "text": line.speech.text,
            "cue": index >= said_lines,
            "take": line.state,
            "take_source": line.take.source if line.take else None,
        }
        for index, line in enumerate(TakeStore.of(config).lines(script))
    ]


def overview(state: ProjectState, config: Config, busy: Busy | None) -> dict[str, Any]:
    """Every script where it stands ("building" only for those a build here works on now),
    and what holds the project: `building` is {job, here, started}, or None."""
    working = busy.scripts if busy else frozenset()
    return {
        "scripts": [_script_state(script, script.name in working) for script in state.scripts],
        "building": {"job": busy.job, "here": busy.here, "started": busy.started} if busy else None,
        "busy": busy is not None,
        "site_url": config.podcast.site_url,
        "engine": config.engine,
    }


def _script_state(script: ScriptState, working: bool = False) -> dict[str, Any]:
    return {
        "name": script.name,
        "title": script.title,
        "status": ScriptStatus.BUILDING if working else script.status,
        "group": script.group,
        "errors": [located(e) for e in script.errors],
        "voice": script.voice,
        "takes_recorded": script.takes_recorded,
        "takes_to_check": script.takes_to_check,
        "takes_total": script.takes_total,
        "episodes": [
            {
                **ratio(e.ratio),
                **(length(e.length) if e.length else {"length": None}),
                "target_s": e.length.seconds if e.length else None,
                "path": e.path,
                "built": e.built,
                "up_to_date": e.up_to_date,
                "duration_s": e.duration_s,
                "engine": e.engine,
                "offline_voice": e.offline_voice,
                "built_at": e.built_at,
                "reasons": e.reasons,
            }
            for e in script.episodes
        ],
    }


def timeline(plan: Timeline, bed_db) -> dict[str, Any]:
    """The episode's plan for the studio's picture: chapters, spoken lines (with their line in
    the script), breath phases and the level of the tone and bed, all in seconds."""
    sr = plan.sample_rate
    return {
        **ratio(plan.pattern),
        "duration": plan.duration_s,
        "chapters": [
            {"start": c.start / sr, "title": c.title, "line": c.line} for c in plan.chapters
        ],
        "lines": [
            {
                "start": c.start / sr,
                "end": (c.start + c.length) / sr,
                "text": c.text,
                "line": c.line,
            }
            for c in plan.clips
        ],
        "phases": [
            {"start": p.start / sr, "end": (p.start + p.length) / sr, "kind": p.kind}
            for b in plan.blocks
            for p in b.phases
        ],
        "bed": [[round(i * 0.5, 2), round(float(v), 1)] for i, v in enumerate(bed_db)],
    }


def imported(config: Config, script: Script, report: ImportReport) -> dict[str, Any]:
    return {
        "new_takes": report.new_takes,
        "lines": [
            {
                "line": placed.speech.line,
                "text": placed.speech.text,
                "start_s": placed.placed.start_s,
                "end_s": placed.placed.end_s,
                "sure": placed.placed.confident,
                "repeated_at_s": placed.placed.repeated_at_s,
            }
            for placed in report.lines
        ],
        "spoken": spoken(config, script),
    }


def lexicon(parsed: Lexicon | ScriptError) -> dict[str, Any]:
    if isinstance(parsed, ScriptError):
        return {"errors": [located(parsed)], "entries": []}
    entries = [{"word": w, "say": s, "line": n} for w, s, n in parsed.entries]
    return {"errors": [], "entries": entries}


def event(built: Event, target_lufs: float) -> str:
    """A build event as the page reads it: the library's JSON, and wherever it names a
    ratio or a length (an episode started, planned, built, in the report), their words; an
    episode's loudness as a code (even, softer, louder than `target_lufs`), never in LUFS."""
    return json.dumps(_with_words(built.to_dict(), target_lufs), ensure_ascii=False)


def _with_words(value: Any, target_lufs: float) -> Any:
    if isinstance(value, list | tuple):
        return [_with_words(v, target_lufs) for v in value]
    if not isinstance(value, dict):
        return value
    out = {k: _with_words(v, target_lufs) for k, v in value.items()}
    if isinstance(out.get("loudness_lufs"), int | float):
        out["loudness_level"] = loudness_level(out["loudness_lufs"], target_lufs)
    if isinstance(out.get("ratio"), str) and out["ratio"]:
        out["ratio_words"] = BreathPattern.parse(out["ratio"]).in_dutch
    if isinstance(out.get("length"), str) and out["length"]:
        seconds = parse_duration(out["length"])
        out["length_words"] = Length(out["length"], seconds).words if seconds else out["length"]
    return out
