"""One build at a time, in a thread of the studio; its typed events fanned out to every page
that listens (server-sent events), and a cancel button that reaches it."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Sequence
from pathlib import Path

from breathcast.build import BuildOptions, build
from breathcast.config import load_config
from breathcast.errors import BreathcastError
from breathcast.events import BuildEvent, Cancel


class BuildRunner:
    def __init__(self, root: Path):
        self.root = root
        self.cancel: Cancel | None = None
        self.thread: threading.Thread | None = None
        self.listeners: set[tuple[asyncio.AbstractEventLoop, asyncio.Queue[str]]] = set()
        self.last: list[str] = []  # this (or the last) build's events, for a page that joins

    @property
    def running(self) -> bool:
        return self.thread is not None and self.thread.is_alive()

    def start(self, scripts: Sequence[str], force: bool = False) -> None:
        """Start a build of `scripts` (paths; empty: all). The caller checks `running`."""
        self.cancel = Cancel()
        self.last = []
        self.thread = threading.Thread(
            target=self._run, args=(list(scripts), force, self.cancel), name="studio-build"
        )
        self.thread.start()

    def stop(self) -> bool:
        if self.running and self.cancel is not None:
            self.cancel.cancel()
            return True
        return False

    def _run(self, scripts: list[str], force: bool, cancel: Cancel) -> None:
        try:
            config = load_config(self.root)
            options = BuildOptions.resolve(config, force=force)
            build(config, scripts, options, on_event=self._send_event, cancel=cancel)
        except BreathcastError as exc:  # another build holds the lock, a broken setting
            self._send(json.dumps({"event": "build_refused", "message": str(exc)}))

    def _send_event(self, event: BuildEvent) -> None:
        self._send(event.to_json())

    def listen(self) -> tuple[asyncio.AbstractEventLoop, asyncio.Queue[str]]:
        """A queue that gets every event from now on, on the caller's event loop."""
        listener = (asyncio.get_running_loop(), asyncio.Queue())
        self.listeners.add(listener)
        return listener

    def _send(self, data: str) -> None:
        self.last.append(data)
        for listener in list(self.listeners):
            loop, queue = listener
            try:
                loop.call_soon_threadsafe(queue.put_nowait, data)
            except RuntimeError:  # that page's connection (and loop) is gone
                self.listeners.discard(listener)

    def join(self, timeout: float | None = None) -> None:
        if self.thread is not None:
            self.thread.join(timeout)
