"""What she chose in the studio that is no setting of the exercises: kept per project, in
its build folder, so another visit (a reload, the studio started again) finds it as she left
it. Emptying the build folder forgets it, and the safe answer (no) comes back."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields, replace

from breathcast.core import Config, atomic_write

CHOICES_NAME = "studio.json"


@dataclass(frozen=True)
class Choices:
    # Publish, and put online, exercises made with the computer voice: her yes, for trying
    # it out (publish and deploy refuse them otherwise).
    previews: bool = False

    @classmethod
    def of(cls, config: Config) -> Choices:
        """Her choices in this project; the defaults where there are none (or they cannot be
        read)."""
        try:
            kept = json.loads((config.path("build") / CHOICES_NAME).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls()
        known = {f.name: type(getattr(cls(), f.name)) for f in fields(cls)}
        if not isinstance(kept, dict):
            return cls()
        return cls(**{k: v for k, v in kept.items() if k in known and isinstance(v, known[k])})

    def with_(self, config: Config, **changed) -> Choices:
        """These choices with `changed`, kept in the project."""
        choices = replace(self, **changed)
        if choices != self or not (config.path("build") / CHOICES_NAME).is_file():
            folder = config.path("build")
            folder.mkdir(parents=True, exist_ok=True)
            atomic_write(folder / CHOICES_NAME, json.dumps(asdict(choices)).encode("utf-8"))
        return choices
