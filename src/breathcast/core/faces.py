"""A room's public face, loaded lazily: `from breathcast.sound import Mixer` imports the one
module that holds `Mixer` when it is first asked for (PEP 562), so the command line's quick
commands never load the audio stack just to start."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any


def face(package: str, public: dict[str, str]) -> tuple[Callable[[str], Any], Callable[[], list]]:
    """`__getattr__` and `__dir__` for `package`, whose `public` maps each name to the module
    (relative to the package) that holds it."""

    def __getattr__(name: str) -> Any:
        if name not in public:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(f"{package}.{public[name]}"), name)

    def __dir__() -> list[str]:
        return sorted(public)

    return __getattr__, __dir__
