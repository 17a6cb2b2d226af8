"""One job at a time (a build, or putting the site online), in a thread of the studio; its
typed events fanned out to every page that listens (server-sent events), and a cancel
button that reaches it."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from breathcast.build import BuildOptions, BuildRefused, Underway, build
from breathcast.core import BreathcastError, Cancel, Config, Event, Job, SoundSettings, load_config
from breathcast.site.deploy import DeployOptions, DeployRefused, deploy
from breathcast.studio import presenters

Listener = tuple[asyncio.AbstractEventLoop, "asyncio.Queue[str]"]


class Runner:
    def __init__(self, root: Path):
        self.root = root
        self.cancel: Cancel | None = None
        self.thread: threading.Thread | None = None
        self.job: Job | None = None  # what runs (or ran last): a build or a deploy
        self.underway = Underway()  # the scripts the running build works on now
        self.listeners: set[Listener] = set()
        self.last: list[str] = []  # this (or the last) job's events, for a page that joins
        self._lock = threading.Lock()  # between the job's thread and a page that joins
        self.target_lufs = SoundSettings().loudness_lufs  # the job's, once its settings are read

    @property
    def running(self) -> bool:
        return self.thread is not None and self.thread.is_alive()

    def build(self, scripts: Sequence[str], force: bool = False) -> None:
        """Start a build of `scripts` (paths; empty: all). The caller checks `running`."""

        def work(config: Config, cancel: Cancel) -> None:
            options = BuildOptions.resolve(config, force=force)
            build(config, list(scripts), options, on_event=self._send, cancel=cancel)

        self._start(Job.BUILD, work, BuildRefused.of)

    def deploy(self, **given) -> None:
        """Start putting the published site online (`DeployOptions` as `given`)."""

        def work(config: Config, cancel: Cancel) -> None:
            options = DeployOptions.resolve(config, **given)
            deploy(config, options, on_event=self._send, cancel=cancel)

        self._start(Job.DEPLOY, work, DeployRefused.of)

    def _start(
        self,
        job: Job,
        work: Callable[[Config, Cancel], None],
        refused: Callable[[BreathcastError], Event],
    ) -> None:
        self.cancel = cancel = Cancel()
        with self._lock:
            self.last = []
            self.job, self.underway = job, Underway()

        def run() -> None:
            try:
                config = load_config(self.root)
                self.target_lufs = config.sound.loudness_lufs
                work(config, cancel)
            except BreathcastError as exc:  # another build holds the lock, a check refused
                self._send(refused(exc))

        self.thread = threading.Thread(target=run, name="studio-job")
        self.thread.start()

    def working_on(self) -> frozenset[str]:
        """The file names of the scripts the running build works on right now."""
        with self._lock:
            scripts = self.underway.scripts if self.running else frozenset()
        return frozenset(Path(script).name for script in scripts)

    def stop(self) -> bool:
        if self.running and self.cancel is not None:
            self.cancel.cancel()
            return True
        return False

    def join(self, timeout: float | None = None) -> None:
        if self.thread is not None:
            self.thread.join(timeout)

    @contextmanager
    def subscribe(self, hello: dict) -> Iterator[asyncio.Queue[str]]:
        """A queue, on the caller's event loop, of every event from now on, as JSON. Its first
        item is `hello`: once a page has read it, nothing that follows can be missed. A build
        already running comes next, from its first event."""
        queue: asyncio.Queue[str] = asyncio.Queue()
        listener = (asyncio.get_running_loop(), queue)
        queue.put_nowait(json.dumps(hello, ensure_ascii=False))
        with self._lock:
            for data in self.last if self.running else []:
                queue.put_nowait(data)
            self.listeners.add(listener)
        try:
            yield queue
        finally:
            with self._lock:
                self.listeners.discard(listener)

    def _send(self, event: Event) -> None:
        data = presenters.event(event, self.target_lufs)
        with self._lock:
            self.last.append(data)
            self.underway.see(event)
            listeners = list(self.listeners)
        for listener in listeners:
            loop, queue = listener
            try:
                loop.call_soon_threadsafe(queue.put_nowait, data)
            except RuntimeError:  # that page's connection (and loop) is gone
                with self._lock:
                    self.listeners.discard(listener)
