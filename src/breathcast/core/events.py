"""What every long job says and hears: typed events out, a cancel request in. A build, a
deploy and the studio's previews all speak in these.

Events are small frozen values. The CLI draws its progress bar, its lines and its summary from
them; the studio streams them to the browser, each as one JSON object (`event.to_json()`).
"""

from __future__ import annotations

import json
import threading
from dataclasses import asdict
from typing import Any

from breathcast.core.errors import BuildCancelled
from breathcast.core.said import Said


class Event:
    """Base of every event; `kind` names it in JSON (`episode_built`, …)."""

    kind = "event"

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)  # type: ignore[call-overload]  # every event is a dataclass
        return {"event": self.kind, **data}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False)


class Cancel:
    """A request to stop a build, from any thread. The build stops at its next chunk or line,
    removes the file it was writing, and reports what it finished."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def requested(self) -> bool:
        return self._event.is_set()

    def check(self) -> None:
        if self._event.is_set():
            raise BuildCancelled(
                Said(
                    "the build was cancelled; what it finished is kept",
                    "de build is gestopt; wat al klaar was, blijft bewaard",
                )
            )
