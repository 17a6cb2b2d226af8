"""Speech engines: tiny adapters behind one protocol, in one registry."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from breathcast.config import VoiceSettings
from breathcast.errors import EngineError
from breathcast.words import Said


@dataclass(frozen=True)
class SpeechAudio:
    """Encoded engine output, and the ffmpeg input options that decode it.

    An engine that splits long text (gTTS, at about 100 characters) returns one piece per
    request; the voice layer decodes and trims each piece, so the joins are seamless.
    """

    pieces: tuple[bytes, ...]
    input_args: tuple[str, ...]


class Engine(Protocol):
    name: str
    description: str  # what it sounds like, for `breathcast voices`

    def identity(self) -> dict[str, Any]:
        """Everything that changes the sound; part of every cache key."""

    def synthesize(self, text: str) -> SpeechAudio:
        """Voice one line, or raise `EngineError`."""

    def probe(self) -> None:
        """Raise `EngineError` (saying what to do) if the engine cannot be used right now."""


def _gtts(voice: VoiceSettings) -> Engine:
    from breathcast.engines.gtts_engine import GTTSEngine

    return GTTSEngine(voice)


def _espeak(voice: VoiceSettings) -> Engine:
    from breathcast.engines.espeak_engine import EspeakEngine

    return EspeakEngine(voice)


ENGINES: dict[str, Callable[[VoiceSettings], Engine]] = {"gtts": _gtts, "espeak": _espeak}


@dataclass(frozen=True)
class EngineStatus:
    name: str
    description: str
    options: dict[str, Any]
    usable: bool
    detail: str


def engine_statuses(voice: VoiceSettings) -> list[EngineStatus]:
    """Every engine, its sound-changing options, and whether it works right now."""
    statuses = []
    for name in sorted(ENGINES):
        engine = get_engine(name, voice)
        options: dict[str, Any] = {}
        try:
            options = {k: v for k, v in engine.identity().items() if k != "engine"}
            engine.probe()
            usable, detail = True, "works now"
        except EngineError as exc:
            usable, detail = False, str(exc)
        statuses.append(EngineStatus(name, engine.description, options, usable, detail))
    return statuses


OFFLINE_ENGINES = ("espeak",)  # previews: never to be mistaken for final audio


def choose_engine(
    name: str,
    voice: VoiceSettings,
    needs_synthesis: Callable[[Engine], bool],
    warn: Callable[[Said], None],
    probe: bool = True,
) -> Engine:
    """The one engine of a build. `auto` is gTTS when nothing needs synthesizing by it (no
    network needed at all) or when Google answers one probe; otherwise espeak, with one
    warning. Without `probe` (a dry run) `auto` assumes Google would answer."""
    if name != "auto":
        return get_engine(name, voice)
    gtts = get_engine("gtts", voice)
    if not probe or not needs_synthesis(gtts):
        return gtts
    try:
        gtts.probe()
        return gtts
    except EngineError as exc:
        warn(
            Said(
                f"{exc}, so this build uses the offline espeak voice: fine for a preview, "
                "robotic for listeners. For the final audio, run `breathcast build --engine "
                "gtts` online.",
                "Google is nu niet bereikbaar, dus deze keer spreekt de computerstem (espeak): "
                "goed om te oefenen, niet om te delen. Bouw opnieuw als je weer online bent.",
            )
        )
        return get_engine("espeak", voice)


def get_engine(name: str, voice: VoiceSettings) -> Engine:
    try:
        factory = ENGINES[name]
    except KeyError:
        raise EngineError(
            f"unknown engine {name!r}; choose one of: auto, {', '.join(sorted(ENGINES))}"
        ) from None
    return factory(voice)
