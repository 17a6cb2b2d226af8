"""What travels with an episode, made from its timeline: transcript, chapters, cover art.

No speech recognition: the timeline knows when every line is spoken.
"""

from __future__ import annotations

import importlib.util
import io
import json
import re
from functools import cache
from pathlib import Path

from breathcast.core import (
    Config,
    ConfigError,
    Said,
    SettingsError,
    atomic_write,
    load_config,
    write_settings,
)
from breathcast.sound import Timeline

COVER_MIN_PX, COVER_MAX_PX = 1400, 3000
COVER_NAMES = ("cover.jpg", "cover.jpeg", "cover.png")


def timestamp(samples: int, sample_rate: int) -> str:
    """hh:mm:ss.mmm, as WebVTT and Vorbis chapter comments write a time."""
    ms = round(samples * 1000 / sample_rate)
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, ms = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}.{ms:03d}"


def webvtt(timeline: Timeline) -> str:
    """Every spoken line at the time it is heard."""
    sr = timeline.sample_rate
    cues = [
        f"{n}\n{timestamp(c.start, sr)} --> {timestamp(c.start + c.length, sr)}\n{c.text}"
        for n, c in enumerate(timeline.clips, start=1)
    ]
    return "WEBVTT\n\n" + "\n\n".join(cues) + "\n"


_CUE = re.compile(r"(\d+):(\d\d):(\d\d)\.(\d{3}) --> (\d+):(\d\d):(\d\d)\.(\d{3})\n(.+)")


def read_webvtt(text: str) -> list[tuple[float, float, str]]:
    """The cues of a transcript this module wrote: (start s, end s, text)."""

    def seconds(h: str, m: str, s: str, ms: str) -> float:
        return int(h) * 3600 + int(m) * 60 + int(s) + int(ms) / 1000

    return [(seconds(*c[:4]), seconds(*c[4:8]), c[8]) for c in _CUE.findall(text)]


def chapter_spans(timeline: Timeline) -> list[tuple[int, int, str]]:
    """(start ms, end ms, title) of every chapter; each ends where the next begins."""
    sr = timeline.sample_rate
    if not timeline.chapters:
        return []
    starts = [round(c.start * 1000 / sr) for c in timeline.chapters]
    ends = starts[1:] + [round(timeline.length * 1000 / sr)]
    return [(s, e, c.title) for s, e, c in zip(starts, ends, timeline.chapters, strict=True)]


def chapters_json(timeline: Timeline) -> str:
    """Podcasting 2.0 chapters (`application/json+chapters`)."""
    chapters = [{"startTime": s / 1000, "title": t} for s, _, t in chapter_spans(timeline)]
    return json.dumps({"version": "1.2.0", "chapters": chapters}, ensure_ascii=False, indent=1)


def cover_image(root: Path, configured: str, title: str, subtitle: str) -> tuple[bytes, str]:
    """The project's square cover (JPEG or PNG, 1400-3000 px), or a calm generated one."""
    candidates = [root / configured] if configured else [root / "music" / n for n in COVER_NAMES]
    for path in candidates:
        if not path.resolve().is_relative_to(root.resolve()):  # `..`, absolute, symlinks out
            raise ConfigError(
                f"cover = {configured!r} leads outside the project ({path.resolve()}); "
                "put the image in music/"
            )
        if not path.is_file():
            if configured:
                raise ConfigError(f"cover = {configured!r}: no such file")
            continue
        data = path.read_bytes()
        return data, cover_kind(data, str(path))
    return _generated_cover(title, subtitle), "image/png"


def cover_kind(data: bytes, name: str = "the image") -> str:
    """`image/jpeg` or `image/png` for a cover podcast apps take (square, JPEG or PNG, 1400
    to 3000 px); a `ConfigError` that says what it is otherwise."""
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as image:
            size, kind = image.size, image.format
    except OSError as exc:
        raise ConfigError(
            Said(
                f"{name}: not a readable image ({exc})",
                "Dit bestand is geen plaatje dat de studio kan lezen. Kies een JPEG- of "
                "PNG-bestand.",
            )
        ) from exc
    if (
        kind not in ("JPEG", "PNG")
        or size[0] != size[1]
        or not (COVER_MIN_PX <= size[0] <= COVER_MAX_PX)
    ):
        raise ConfigError(
            Said(
                f"{name} is a {kind} of {size[0]}x{size[1]} px; podcast apps need a square "
                f"JPEG or PNG of {COVER_MIN_PX} to {COVER_MAX_PX} px",
                f"Dit plaatje is {size[0]} bij {size[1]} pixels. Podcast-apps willen een "
                f"vierkant plaatje (JPEG of PNG) van {COVER_MIN_PX} tot {COVER_MAX_PX} pixels "
                "breed en hoog.",
            )
        )
    return "image/jpeg" if kind == "JPEG" else "image/png"


def put_cover(config: Config, data: bytes) -> Config:
    """Her own cover, checked as the build checks it, into music/ (`cover.jpg` or
    `cover.png`) and named as `[podcast] cover`; the settings as they are now. A cover that
    podcast apps would refuse is a `SettingsError` at the cover, and nothing is written."""
    try:
        kind = cover_kind(data, "the chosen image")
    except ConfigError as exc:  # said at the cover's field
        raise SettingsError(exc.said, {"cover": exc.said}) from exc
    name = f"music/cover{'.jpg' if kind == 'image/jpeg' else '.png'}"
    atomic_write(config.root / name, data)
    write_settings(config.root, {"podcast": {"cover": name}})
    return load_config(config.root)


@cache  # the same for every ratio of a script
def _generated_cover(title: str, subtitle: str) -> bytes:
    """1400 px square: a soft sea-and-sand gradient, the title, and the podcast's name."""
    import numpy as np
    from PIL import Image, ImageDraw, ImageFont

    size = COVER_MIN_PX
    t = np.linspace(0, 1, size)[:, None, None]
    top, bottom = np.array([214, 230, 232]), np.array([238, 226, 206])  # pale sea, warm sand
    pixels = (top * (1 - t) + bottom * t).repeat(size, axis=1).astype(np.uint8)
    image = Image.fromarray(pixels, "RGB")
    draw = ImageDraw.Draw(image)
    font_path = _dejavu_sans()
    draw.ellipse((500, 300, 900, 700), outline=(120, 150, 155), width=6)  # a calm circle: breath
    for text, size_px, y in ((title, 110, 860), (subtitle, 56, 1040)):
        font = ImageFont.truetype(font_path, size_px)
        while draw.textlength(text, font=font) > size * 0.86 and size_px > 24:
            size_px -= 4
            font = ImageFont.truetype(font_path, size_px)
        draw.text((size / 2, y), text, font=font, fill=(55, 75, 80), anchor="mm")
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def _dejavu_sans() -> str:
    """DejaVu Sans as matplotlib ships it, found without importing matplotlib (0.1 s saved)."""
    package = Path(importlib.util.find_spec("matplotlib").origin).parent
    return str(package / "mpl-data" / "fonts" / "ttf" / "DejaVuSans.ttf")
