"""The static site: a Dutch download page and a podcast feed, ready for any static host.

Audio is published under content-hashed ASCII names, so rebuilt audio gets a new URL while
its GUID stays the same, and unchanged audio keeps its URL byte for byte. The feed is checked
against the rules that get feeds rejected before anything of the page or feed is written.
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
from breathcast.episode import Episode, EpisodeKey, clock
from breathcast.errors import PublishError
from breathcast.feedcheck import check_feed
from breathcast.files import atomic_write
from breathcast.manifest import Manifest
from breathcast.project import patterns_for
from breathcast.script import Script, read_script
from breathcast.sidecars import cover_image, read_webvtt

PUBLISHED_NAME = "published.json"  # first publication date of every GUID
SITE_ASSETS = ("sw.js", "site.js")  # the page's own scripts, copied as they are
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_BASE_URL = re.compile(r"https?://[\x21-\x7e]+")


@dataclass(frozen=True)
class PublishedEpisode:
    guid: str
    title: str
    description: str
    audio: str  # site-relative URLs
    opus: str  # "" when the build made no Opus file
    transcript: str
    chapters_url: str
    image: str
    size: int
    opus_size: int
    seconds: int
    pub_date: str
    ratio: str  # "4:6"
    words: str  # "in 4, uit 6"
    counts: str  # "in 4 tellen, uit 6 tellen"
    anchor: str
    minutes: str
    size_mb: str
    opus_mb: str
    offline: bool
    chapter_list: tuple[tuple[float, str, str], ...]  # (start s, m:ss, title)
    cues: tuple[tuple[float, float, str], ...]  # (start s, end s, text): follow along


@dataclass(frozen=True)
class Exercise:
    slug: str
    title: str
    description: str
    advice: str  # "Nieuw? Begin met in 4, uit 6."
    episodes: tuple[PublishedEpisode, ...]


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("breathcast", "templates"),
        autoescape=select_autoescape(["html", "xml"]),
        trim_blocks=False,
    )
    env.filters["xml"] = lambda text: _XML_INVALID.sub("", str(text))
    return env


def _hashed(data: bytes, stem: str) -> str:
    """`stem` with the content's hash: a name that changes with what it names."""
    return f"{stem}-{hashlib.sha256(data).hexdigest()[:8]}"


def _write_once(data: bytes, folder: Path, name: str) -> str:
    """`data` as `folder/name` (a hashed name: written once, kept while it is used)."""
    if not (folder / name).is_file():
        atomic_write(folder / name, data)
    return f"{folder.name}/{name}"


def site_address(config: Config, base_url: str | None) -> str:
    """--base-url, else `[podcast] site_url`; ASCII http(s) either way."""
    address = (base_url or config.podcast.site_url).rstrip("/")
    if not address:
        raise PublishError(
            "where will the site live? Pass --base-url https://example.nl/rust, or set "
            "[podcast] site_url in breathcast.toml"
        )
    if not _BASE_URL.fullmatch(address):
        raise PublishError(f"--base-url {address!r} must be an ASCII http(s) URL")
    return address


def publish(
    config: Config,
    base_url: str | None = None,
    out: Path | None = None,
    allow_offline: bool = False,
) -> Path:
    """Write `index.html`, `feed.xml`, the covers, the audio and the page's scripts into the
    site folder; a `PublishError` (and nothing of the page or feed written) when the feed
    would break one of the rules podcast apps reject feeds for."""
    base_url = site_address(config, base_url)
    build_dir = config.path("build")
    site = out or build_dir / "site"
    manifest = Manifest.load(build_dir)
    if not manifest.entries:
        raise PublishError(f"nothing to publish in {build_dir}/; run `breathcast build` first")
    records = [manifest.episode(relative) for relative in sorted(manifest.entries)]
    previews = [r["path"] for r in records if Episode(**r).preview]
    if previews and not allow_offline:
        raise PublishError(
            "these episodes are previews, not the final audio (the offline espeak voice, or "
            "your own voice with lines filled in by another): "
            + ", ".join(previews)
            + "; rebuild them online with `breathcast build --engine gtts`, record the "
            "missing lines (`breathcast takes` lists them), "
            "or publish anyway with --allow-offline-voice",
            nl="sommige oefeningen hebben nog de computerstem; bouw ze opnieuw als je online "
            "bent, of zet het vinkje voor voorbeelden aan",
        )
    published_file = site / PUBLISHED_NAME
    try:
        first_published = json.loads(published_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        first_published = {}
    now = email.utils.format_datetime(datetime.now(UTC))
    podcast = config.podcast

    scripts: dict[str, Script] = {}
    images: dict[str, tuple[bytes, str]] = {}  # each exercise's cover and its type, once
    by_script: dict[str, list[PublishedEpisode]] = {}
    used: set[str] = set()
    for record in records:
        mp3 = build_dir / record["path"]
        if not mp3.is_file():
            continue
        if record["script"] not in scripts:
            script = scripts[record["script"]] = read_script(record["script"])
            images[record["script"]] = cover_image(
                config.root, config.podcast.cover, script.title, config.podcast.title
            )
        script, image = scripts[record["script"]], images[record["script"]]
        key = EpisodeKey(script.slug, BreathPattern.parse(record["ratio"]))
        first_published.setdefault(key.guid, now)
        episode = _published(site, script, key, mp3, record, image, first_published[key.guid])
        used.update(Path(url).name for url in _urls(episode))
        by_script.setdefault(script.path, []).append(episode)

    for folder in (site / "audio", site / "covers"):  # what no episode points at any more
        for stale in folder.iterdir() if folder.is_dir() else ():
            if stale.name not in used:
                stale.unlink()
    cover_data, mime = cover_image(config.root, podcast.cover, podcast.title, "")
    cover = "cover.jpg" if mime == "image/jpeg" else "cover.png"
    atomic_write(site / cover, cover_data)
    exercises = _exercises(config, scripts, by_script)
    episodes = [e for exercise in exercises for e in exercise.episodes]
    podcast_guid = uuid.uuid5(uuid.NAMESPACE_URL, re.sub(r"^https?://", "", base_url) + "/feed.xml")
    env = _environment()
    context = {
        "podcast": podcast,
        "owner_name": podcast.owner_name or podcast.author,
        "host": podcast.host or podcast.author,
        "base_url": base_url,
        "cover": cover,
        "podcast_guid": podcast_guid,
        "episodes": episodes,
        "exercises": exercises,
        "opus_bps": parse_rate(config.sound.opus_bitrate),
        "images": sorted({e.image for e in episodes}),
        "version": hashlib.sha256("".join(_urls_all(episodes)).encode()).hexdigest()[:12],
    }
    feed = env.get_template("feed.xml").render(context)
    problems = check_feed(feed, site)
    if problems:
        raise PublishError(
            "the feed would be refused by podcast apps, so nothing was published:\n"
            + "\n".join(f"  - {problem}" for problem in problems),
            nl="podcast-apps zouden de feed weigeren, dus er is nog niets gepubliceerd: "
            + "; ".join(f"{p.rule}: {p.fix}" for p in problems),
        )
    for asset in SITE_ASSETS:
        atomic_write(site / asset, env.get_template(asset).render(context).encode("utf-8"))
    atomic_write(site / "feed.xml", feed.encode("utf-8"))
    atomic_write(
        site / "index.html", env.get_template("index.html").render(context).encode("utf-8")
    )
    atomic_write(published_file, json.dumps(first_published, indent=1).encode("utf-8"))
    return site


def _published(
    site: Path,
    script: Script,
    key: EpisodeKey,
    mp3: Path,
    record: dict,
    image: tuple[bytes, str],
    date: str,
) -> PublishedEpisode:
    """One episode's files copied under hashed names, and what the page and feed say of it."""
    audio = site / "audio"
    data = mp3.read_bytes()
    stem = _hashed(data, key.stem)  # the sidecars follow the audio
    opus_file = mp3.with_suffix(".opus")
    opus_data = opus_file.read_bytes() if record.get("opus_path") and opus_file.is_file() else b""
    chapters_data = mp3.with_suffix(".chapters.json").read_bytes()
    chapters = json.loads(chapters_data)
    vtt = mp3.with_suffix(".vtt").read_bytes()
    seconds = record["duration_s"]
    suffix = ".jpg" if image[1] == "image/jpeg" else ".png"
    return PublishedEpisode(
        guid=key.guid,
        title=key.title(script.title),
        description=f"{script.description} Adem {key.pattern.in_counts}.".strip(),
        audio=_write_once(data, audio, f"{stem}.mp3"),
        opus=_write_once(opus_data, audio, f"{_hashed(opus_data, key.stem)}.opus")
        if opus_data
        else "",
        transcript=_write_once(vtt, audio, f"{stem}.vtt"),
        chapters_url=_write_once(chapters_data, audio, f"{stem}.chapters.json"),
        image=_write_once(image[0], site / "covers", f"{_hashed(image[0], script.slug)}{suffix}"),
        size=len(data),
        opus_size=len(opus_data),
        seconds=round(seconds),
        pub_date=date,
        ratio=str(key.pattern),
        words=key.pattern.in_words,
        counts=key.pattern.in_counts,
        anchor=key.stem,
        minutes=f"{clock(seconds)} min",
        size_mb=f"{len(data) / 1e6:.1f}".replace(".", ","),
        opus_mb=f"{len(opus_data) / 1e6:.1f}".replace(".", ","),
        offline=Episode(**record).preview,
        chapter_list=tuple(
            (c["startTime"], clock(c["startTime"]), c["title"]) for c in chapters["chapters"]
        ),
        cues=tuple(read_webvtt(vtt.decode("utf-8"))),
    )


def parse_rate(text: str) -> int:
    """`32k` -> 32000 (bits per second)."""
    value = text.strip().lower()
    return int(float(value[:-1]) * 1000) if value.endswith("k") else int(value)


def _urls(episode: PublishedEpisode) -> list[str]:
    return [u for u in (episode.audio, episode.opus, episode.transcript, episode.chapters_url,
                        episode.image) if u]  # fmt: skip


def _urls_all(episodes: list[PublishedEpisode]) -> list[str]:
    return [url for episode in episodes for url in _urls(episode)]


def _exercises(
    config: Config, scripts: dict[str, Script], by_script: dict[str, list[PublishedEpisode]]
) -> list[Exercise]:
    """Exercises in their `order:` (unnumbered ones after, by title), each with its
    recommended ratio first and the others as the script or the project lists them."""
    exercises = []
    ordered = sorted(scripts.values(), key=lambda s: (s.order is None, s.order or 0, s.title))
    for script in ordered:
        listed = [str(p) for p in patterns_for(script, config)]
        episodes = sorted(
            by_script.get(script.path, []),
            key=lambda e: listed.index(e.ratio) if e.ratio in listed else len(listed),
        )
        if not episodes:
            continue
        recommended = str(script.recommended) if script.recommended else None
        first = [e for e in episodes if e.ratio == recommended]
        rest = [e for e in episodes if e.ratio != recommended]
        advice = f"Nieuw? Begin met {first[0].words}." if first else ""
        exercises.append(
            Exercise(script.slug, script.title, script.description, advice, (*first, *rest))
        )
    return exercises
