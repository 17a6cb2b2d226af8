"""What every route of one run of the studio shares: the project, this run's token, the
build runner, and which voice previews use."""

from __future__ import annotations

import os
import secrets
import socket
import threading
import time
from collections.abc import Callable, Collection
from pathlib import Path

from breathcast.build import MANIFEST_NAME, patterns_for
from breathcast.core import (
    BreathPattern,
    Config,
    EngineName,
    Job,
    RequestError,
    ScriptError,
    holder,
    load_config,
)
from breathcast.script import Length, Lexicon, Script, Speech, parse_script
from breathcast.studio.choices import Choices
from breathcast.studio.preview import Preview
from breathcast.studio.runner import Runner
from breathcast.studio.status import Busy
from breathcast.studio.workspace import Workspace
from breathcast.voice import Engine, VoicingContext, choose_engine, get_engine

OFFLINE_RETRY_S = 60.0  # after Google did not answer, previews use espeak this long


class Studio:
    def __init__(self, root: Path, clock: Callable[[], float] = time.monotonic):
        self.root = root
        self.token = secrets.token_urlsafe(24)
        self.runner = Runner(root)
        self.closing = threading.Event()  # set when the studio stops: event streams end
        self.clock = clock
        self.offline_until = 0.0  # previews do not wait on Google again before this

    def config(self) -> Config:
        return load_config(self.root)  # read again each time: she may edit it

    def workspace(self) -> Workspace:
        return Workspace(self.config())

    def script(self, name: str) -> Script:
        """Her saved script `name`, parsed (a `ScriptError` at its line if it cannot be)."""
        workspace = self.workspace()
        return parse_script(workspace.read(name).text, workspace.path(name))

    def preview(
        self,
        name: str,
        lines: Collection[int] | None = None,
        engine: EngineName | None = None,
    ) -> Preview:
        """Her saved script `name`, ready to be heard in its own voice (or `engine`). Only
        `lines` (None: all of them) are about to be heard: Google is asked only when one of
        those has not been voiced by it yet."""
        config = self.config()
        script = self.script(name)
        context = VoicingContext.open(config)
        if engine is not None:
            return Preview(context, script, get_engine(engine, config))

        def wanted(speech: Speech) -> bool:
            return lines is None or speech.line in lines

        return Preview(context, script, self._engine(context, script, wanted))

    def preview_text(self, text: str) -> Preview:
        """`text` as it is written (no pronunciations), in the project's voice."""
        context = VoicingContext.open(self.config(), Lexicon())
        script = parse_script(f"---\ntitle: uitspraak\n---\n{text}\n", "uitspraak")
        return Preview(context, script, self._engine(context, script, lambda speech: True))

    def pattern(self, preview: Preview, text: str | None) -> BreathPattern:
        """The ratio asked for, or else the script's first."""
        if text:
            return BreathPattern.parse(text)
        return patterns_for(preview.script, preview.context.config)[0]

    def length(self, preview: Preview, text: str | None) -> Length | None:
        """The length asked for (one of the script's `lengths:`), or else its first; None
        for a script made as written."""
        try:
            return preview.script.length(text)
        except ScriptError as exc:
            raise RequestError(exc.detail) from None

    def _engine(
        self, context: VoicingContext, script: Script, wanted: Callable[[Speech], bool]
    ) -> Engine:
        """The script's voice for previews (her own: her takes, and espeak where she has
        none yet). When Google did not answer, espeak for a minute instead of waiting on it
        at every line; then Google is asked again."""
        asked = script.engine or context.config.engine
        offline = asked == EngineName.AUTO and self.clock() < self.offline_until
        name = EngineName.ESPEAK if offline else asked

        def needs_synthesis(engine: Engine) -> bool:
            return any(wanted(s) for s in context.missing_lines(script, engine))

        engine = choose_engine(
            name, context.config, needs_synthesis, lambda said: None, fill=EngineName.ESPEAK
        )
        if name == EngineName.AUTO and engine.name == EngineName.ESPEAK:  # Google was asked
            self.offline_until = self.clock() + OFFLINE_RETRY_S
        return engine

    def previews(self, given: object = None) -> bool:
        """Whether publish and deploy may take exercises in the computer voice: `given` (her
        tick, true or false) is kept for the next time; None asks what she chose before."""
        config = self.config()
        choices = Choices.of(config)
        if isinstance(given, bool):
            choices = choices.with_(config, previews=given)
        return choices.previews

    def busy(self) -> Busy | None:
        """What holds the project now: a build or deploy of this studio (with the scripts it
        works on), or the job named in the lock (this studio's publish, or a terminal's)."""
        if self.runner.running and self.runner.job is not None:
            return Busy(self.runner.job, True, None, self.runner.working_on())
        held = holder(self.config().path("build"))
        if held is None:
            return None
        try:
            job = Job(held.get("job", Job.BUILD))
        except ValueError:  # a job of a later breathcast
            job = Job.BUILD
        here = held.get("pid") == os.getpid() and held.get("host") == socket.gethostname()
        return Busy(job, here, held.get("started"))

    def project_stamp(self) -> tuple:
        """Changes whenever a job starts or ends, here or in a terminal, and as a build here
        moves from one script to the next: the overview follows it."""
        out = self.config().path("build")
        try:
            built = (out / MANIFEST_NAME).stat().st_mtime_ns
        except OSError:
            built = 0
        busy = self.busy()
        return busy is not None, built, busy
