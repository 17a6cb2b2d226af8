"""The static site: a Dutch download page and a podcast feed, ready for any static host.

Audio is published under content-hashed ASCII names, so rebuilt audio gets a new URL while
its GUID stays the same, and unchanged audio keeps its URL byte for byte.
"""

from __future__ import annotations

import email.utils
import hashlib
import json
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape

from breathcast.breath import BreathPattern
from breathcast.config import Config
from breathcast.episode import EpisodeKey, clock
from breathcast.errors import PublishError
from breathcast.files import atomic_write
from breathcast.manifest import Manifest
from breathcast.script import read_script
from breathcast.sidecars import cover_image

PUBLISHED_NAME = "published.json"  # first publication date of every GUID
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class PublishedEpisode:
    guid: str
    title: str
    description: str
    audio: str  # site-relative URLs
    transcript: str
    chapters_url: str
    size: int
    seconds: int
    pub_date: str
    counts: str
    anchor: str
    minutes: str
    size_mb: str
    offline: bool
    chapter_list: tuple[tuple[str, str], ...]


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("breathcast", "templates"),
        autoescape=select_autoescape(["html", "xml"]),
        trim_blocks=False,
    )
    env.filters["xml"] = lambda text: _XML_INVALID.sub("", str(text))
    return env


def _hashed_copy(source: Path, folder: Path, stem: str, digest: str, suffix: str) -> str:
    name = f"{stem}-{digest}{suffix}"
    target = folder / name
    if not target.is_file():
        atomic_write(target, source.read_bytes())
    return f"audio/{name}"


def publish(
    config: Config, base_url: str, out: Path | None = None, allow_offline: bool = False
) -> Path:
    """Write `index.html`, `feed.xml`, the cover and the audio into the site folder."""
    base_url = base_url.rstrip("/")
    if not re.fullmatch(r"https?://[\x21-\x7e]+", base_url):
        raise PublishError(f"--base-url {base_url!r} must be an ASCII http(s) URL")
    build_dir = config.path("build")
    site = out or build_dir / "site"
    manifest = Manifest.load(build_dir)
    if not manifest.entries:
        raise PublishError(f"nothing to publish in {build_dir}/; run `breathcast build` first")
    records = [manifest.episode(relative) for relative in sorted(manifest.entries)]
    offline = [r["path"] for r in records if r.get("offline_voice")]
    if offline and not allow_offline:
        raise PublishError(
            "these episodes have the offline espeak voice, not the final one: "
            + ", ".join(offline)
            + "; rebuild them online with `breathcast build --engine gtts`, "
            "or publish anyway with --allow-offline-voice"
        )
    audio = site / "audio"
    audio.mkdir(parents=True, exist_ok=True)
    published_file = site / PUBLISHED_NAME
    try:
        first_published = json.loads(published_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        first_published = {}
    now = email.utils.format_datetime(datetime.now(UTC))

    exercises: dict[str, dict] = {}
    episodes: list[PublishedEpisode] = []
    used: set[str] = set()
    for record in records:
        mp3 = build_dir / record["path"]
        if not mp3.is_file():
            continue
        script = read_script(record["script"])
        key = EpisodeKey(script.slug, BreathPattern.parse(record["ratio"]))
        data = mp3.read_bytes()
        digest = hashlib.sha256(data).hexdigest()[:8]
        stem = key.stem
        urls = [
            _hashed_copy(mp3, audio, stem, digest, ".mp3"),
            _hashed_copy(mp3.with_suffix(".vtt"), audio, stem, digest, ".vtt"),
            _hashed_copy(mp3.with_suffix(".chapters.json"), audio, stem, digest, ".chapters.json"),
        ]
        used.update(Path(url).name for url in urls)
        guid = key.guid  # never changes for this script and pattern
        first_published.setdefault(guid, now)
        chapters = json.loads(mp3.with_suffix(".chapters.json").read_text(encoding="utf-8"))
        seconds = round(record["duration_s"])
        episode = PublishedEpisode(
            guid=guid,
            title=key.title(script.title),
            description=f"{script.description} Adem {key.pattern.in_counts}.".strip(),
            audio=urls[0],
            transcript=urls[1],
            chapters_url=urls[2],
            size=len(data),
            seconds=seconds,
            pub_date=first_published[guid],
            counts=key.pattern.in_counts,
            anchor=stem,
            minutes=f"{clock(record['duration_s'])} min",
            size_mb=f"{len(data) / 1e6:.1f}".replace(".", ","),
            offline=bool(record.get("offline_voice")),
            chapter_list=tuple((clock(c["startTime"]), c["title"]) for c in chapters["chapters"]),
        )
        episodes.append(episode)
        exercise = exercises.setdefault(
            script.slug, {"title": script.title, "description": script.description, "episodes": []}
        )
        exercise["episodes"].append(episode)

    for stale in audio.iterdir():  # audio no episode points at any more
        if stale.name not in used:
            stale.unlink()
    cover_data, mime = cover_image(config.root, config.podcast.cover, config.podcast.title, "")
    cover = "cover.jpg" if mime == "image/jpeg" else "cover.png"
    atomic_write(site / cover, cover_data)
    podcast_guid = uuid.uuid5(uuid.NAMESPACE_URL, re.sub(r"^https?://", "", base_url) + "/feed.xml")
    env = _environment()
    context = {
        "podcast": config.podcast,
        "base_url": base_url,
        "cover": cover,
        "podcast_guid": podcast_guid,
        "episodes": episodes,
        "exercises": list(exercises.values()),
    }
    atomic_write(site / "feed.xml", env.get_template("feed.xml").render(context).encode("utf-8"))
    atomic_write(
        site / "index.html", env.get_template("index.html").render(context).encode("utf-8")
    )
    atomic_write(published_file, json.dumps(first_published, indent=1).encode("utf-8"))
    return site
