"""Speech engines: tiny adapters behind one protocol, in one registry."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from breathcast.core import Config, EngineError, Said


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
    # Whether lines may be voiced at once. Not for espeak-ng: its wave generator keeps state
    # from one line to the next, so its lines are voiced one by one, in the script's order.
    concurrent: bool

    def identity(self) -> dict[str, Any]:
        """Everything that changes the sound; part of every cache key."""

    def line_identity(self, text: str) -> dict[str, Any]:
        """Everything that changes the sound of this one line (her take of it, say); its
        "engine" names who voices it. A synthesizer's lines all share `identity()`."""

    def synthesize(self, text: str) -> SpeechAudio:
        """Voice one line, or raise `EngineError`."""

    def probe(self) -> None:
        """Raise `EngineError` (saying what to do) if the engine cannot be used right now."""


def _gtts(config: Config) -> Engine:
    from breathcast.voice.engines.gtts_engine import GTTSEngine

    return GTTSEngine(config.voice)


def _espeak(config: Config) -> Engine:
    from breathcast.voice.engines.espeak_engine import EspeakEngine

    return EspeakEngine(config.voice)


def _opname(config: Config) -> Engine:
    from breathcast.voice.engines.opname_engine import OpnameEngine
    from breathcast.voice.takes import TakeStore

    return OpnameEngine(TakeStore.of(config))


ENGINES: dict[str, Callable[[Config], Engine]] = {
    "gtts": _gtts,
    "espeak": _espeak,
    "opname": _opname,
}


@dataclass(frozen=True)
class EngineStatus:
    name: str
    description: str
    options: dict[str, Any]
    usable: bool
    detail: str


def engine_statuses(config: Config) -> list[EngineStatus]:
    """Every engine, its sound-changing options, and whether it works right now."""
    statuses = []
    for name in sorted(ENGINES):
        engine = get_engine(name, config)
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
FILL_ENGINES = ("espeak", "gtts")  # what may voice the lines she has not recorded, in a preview


def choose_engine(
    name: str,
    config: Config,
    needs_synthesis: Callable[[Engine], bool],
    warn: Callable[[Said], None],
    probe: bool = True,
    fill: str | None = None,
) -> Engine:
    """The engine of a build (or of one script in it). `auto` is gTTS when nothing needs
    synthesizing by it (no network needed at all) or when Google answers one probe;
    otherwise espeak, with one warning. Without `probe` (a dry run) `auto` assumes Google
    would answer. `fill` (espeak or gtts) voices the lines her own voice (`opname`) has no
    take of yet: a preview."""
    if name == "opname" and fill:
        from breathcast.voice.engines.opname_engine import FilledEngine

        return FilledEngine(get_engine("opname", config), get_engine(fill, config))
    if name != "auto":
        return get_engine(name, config)
    gtts = get_engine("gtts", config)
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
                "Google is nu niet bereikbaar, dus deze keer spreekt de computerstem: "
                "goed om te oefenen, niet om te delen. Bouw opnieuw als je weer online bent.",
            )
        )
        return get_engine("espeak", config)


def get_engine(name: str, config: Config) -> Engine:
    try:
        factory = ENGINES[name]
    except KeyError:
        raise EngineError(
            f"unknown engine {name!r}; choose one of: auto, {', '.join(sorted(ENGINES))}"
        ) from None
    return factory(config)
