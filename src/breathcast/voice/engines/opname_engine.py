"""Her own voice: every line is her take of it, cleaned. `opname` is Dutch for recording.

Takes come from `breathcast record` (a whole reading, cut per line, or one line at a time)
and live in `recordings/`. A line without a take is an error, unless the build fills the
gaps with another voice (`--fill espeak`): then it is a preview, and marked as one.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from breathcast.core import EngineError
from breathcast.sound import ffmpeg
from breathcast.voice.denoise import CLEANUP_VERSION, clean_take, words_only
from breathcast.voice.engines import Engine, SpeechAudio
from breathcast.voice.takes import TAKE_RATE, TakeStore


class OpnameEngine:
    name = "opname"
    concurrent = True  # her takes, read from files
    description = (
        "Her own recorded voice: one take per line, from `breathcast record` or the studio, "
        "cleaned (high-pass, learned noise reduction, de-esser). Final audio."
    )

    def __init__(self, store: TakeStore):
        self.store = store

    def identity(self) -> dict[str, Any]:
        return {"engine": self.name, "cleanup": CLEANUP_VERSION}

    def line_identity(self, text: str) -> dict[str, Any]:
        take = self.store.current(text)
        return {**self.identity(), "take": take.digest if take else None}

    def has_take(self, text: str) -> bool:
        return self.store.current(text) is not None

    def synthesize(self, text: str) -> SpeechAudio:
        take = self.store.current(text)
        if take is None:
            raise EngineError(
                "no take of this line yet; record it in the studio or with `breathcast record "
                "line`, or hear a preview with the gaps filled: --fill espeak"
            )
        try:
            pcm = self.store.audio(take)
        except (OSError, EOFError, ValueError) as exc:
            raise EngineError(
                f"its take {self.store.path_of(take)} cannot be read ({exc}); record the line again"
            ) from exc
        clean = words_only(clean_take(pcm, TAKE_RATE, self.store.noise(take)), TAKE_RATE)
        data = np.ascontiguousarray(clean, dtype="<f4").tobytes()
        return SpeechAudio((data,), tuple(ffmpeg.pcm_format(TAKE_RATE)))

    def probe(self) -> None:
        """Her voice needs no network and no program: a missing take is said per line."""


class FilledEngine:
    """Her takes where she has them, and `fill` voicing the rest: a preview, never to be
    mistaken for her finished episode (`fills` says which lines are not hers)."""

    name = "opname"

    def __init__(self, takes: OpnameEngine, fill: Engine):
        self.takes, self.fill = takes, fill
        self.description = f"{takes.description} Gaps voiced by {fill.name}."
        self.concurrent = fill.concurrent

    def identity(self) -> dict[str, Any]:
        return {**self.takes.identity(), "fill": self.fill.identity()}

    def fills(self, text: str) -> bool:
        return not self.takes.has_take(text)

    def line_identity(self, text: str) -> dict[str, Any]:
        hers = self.takes.line_identity(text)  # one look for her take
        return hers if hers["take"] else self.fill.line_identity(text)

    def synthesize(self, text: str) -> SpeechAudio:
        return (self.fill if self.fills(text) else self.takes).synthesize(text)

    def probe(self) -> None:
        self.fill.probe()
