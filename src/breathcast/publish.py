"""The static site: a Dutch download page and a podcast feed, ready for any static host.

    publish(config)  =  collect → render → check → write → prune

Every media file (audio, transcript, chapters, cover) is published under a content-hashed
ASCII name, so a name never changes its bytes: rebuilt audio gets a new URL while its GUID
stays the same, and unchanged audio keeps its URL. Nothing is written before the feed has
passed the checker, and nothing is removed before the new feed and page are in place, so the
site folder never holds a feed that points at a missing file.
"""

from __future__ import annotations

import email.utils
import hashlib
import json
import re
import shutil
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape

from breathcast.breath import BreathPattern
from breathcast.config import Config, PodcastSettings
from breathcast.episode import Episode, EpisodeKey, clock
from breathcast.errors import PublishError
from breathcast.feedcheck import check_feed
from breathcast.files import atomic_path, atomic_write
from breathcast.manifest import Manifest
from breathcast.project import patterns_for
from breathcast.script import Script, read_script, slugify
from breathcast.sidecars import cover_image, read_webvtt
from breathcast.words import Said

PUBLISHED_NAME = "published.json"  # first publication date of every GUID
FEED_NAME, PAGE_NAME = "feed.xml", "index.html"
# Written in this order, after the media they point to: the page's scripts before the page.
PAGES = ("sw.js", "site.js", FEED_NAME, PAGE_NAME)
MEDIA_FOLDERS = ("audio", "covers")  # hashed names only: pruned when nothing points at them
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

    @property
    def urls(self) -> tuple[str, ...]:
        return tuple(
            u for u in (self.audio, self.opus, self.transcript, self.chapters_url, self.image) if u
        )


@dataclass(frozen=True)
class Exercise:
    slug: str
    title: str
    description: str
    advice: str  # "Nieuw? Begin met in 4, uit 6."
    episodes: tuple[PublishedEpisode, ...]


@dataclass(frozen=True)
class Collected:
    """What the site will hold, gathered from the build without writing anything: every
    exercise and episode, and every media file they name with where its bytes are now."""

    site: Path
    base_url: str
    podcast: PodcastSettings
    opus_bps: int
    exercises: tuple[Exercise, ...]
    media: dict[str, Path | bytes]  # site-relative, content-hashed name -> its bytes
    cover: str  # the podcast's own cover, site-relative
    first_published: dict[str, str]  # GUID -> the date it first appeared in the feed

    @property
    def episodes(self) -> list[PublishedEpisode]:
        return [e for exercise in self.exercises for e in exercise.episodes]


@dataclass(frozen=True)
class Rendered:
    """The site as it will be: its media, and the pages made from them."""

    collected: Collected
    pages: dict[str, bytes]  # feed, page and its scripts, in the order they are written

    @property
    def site(self) -> Path:
        return self.collected.site

    @property
    def files(self) -> dict[str, Path | bytes]:
        """Every file of the new site by its site-relative name."""
        return {**self.collected.media, **self.pages}


def publish(
    config: Config,
    base_url: str | None = None,
    out: Path | None = None,
    allow_offline: bool = False,
) -> Path:
    """Publish every built episode into the site folder (default `build/site`). A
    `PublishError`, with not a byte of the site changed, when the feed would break a rule
    that podcast apps reject feeds for."""
    site = out or config.path("build") / "site"
    rendered = render(collect(config, site_address(config, base_url), site, allow_offline))
    check(rendered)
    write(rendered)
    prune(rendered)
    return site


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


def collect(config: Config, base_url: str, site: Path, allow_offline: bool) -> Collected:
    """Every built episode, what the page and feed say of it, and the files it needs."""
    build_dir = config.path("build")
    manifest = Manifest.load(build_dir)
    if not manifest.entries:
        raise PublishError(f"nothing to publish in {build_dir}/; run `breathcast build` first")
    records = [manifest.episode(relative) for relative in sorted(manifest.entries)]
    previews = [r.path for r in records if r.preview]
    if previews and not allow_offline:
        raise PublishError(
            Said(
                en="these episodes are previews, not the final audio (the offline espeak voice, or "
                "your own voice with lines filled in by another): "
                + ", ".join(previews)
                + "; rebuild them online with `breathcast build --engine gtts`, record the "
                "missing lines (`breathcast takes` lists them), "
                "or publish anyway with --allow-offline-voice",
                nl="sommige oefeningen hebben nog de computerstem; bouw ze opnieuw als je online "
                "bent, of zet het vinkje voor voorbeelden aan",
            ),
        )
    try:
        first_published = json.loads((site / PUBLISHED_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        first_published = {}
    now = email.utils.format_datetime(datetime.now(UTC))
    podcast = config.podcast
    media: dict[str, Path | bytes] = {}
    scripts: dict[str, Script] = {}
    images: dict[str, tuple[bytes, str]] = {}  # each exercise's cover and its type, once
    by_script: dict[str, list[PublishedEpisode]] = {}
    for record in records:
        mp3 = build_dir / record.path
        if not mp3.is_file():
            continue
        if record.script not in scripts:
            script = scripts[record.script] = read_script(record.script)
            images[script.path] = cover_image(
                config.root, podcast.cover, script.title, podcast.title
            )
        script = scripts[record.script]
        key = EpisodeKey(script.slug, BreathPattern.parse(record.ratio))
        first_published.setdefault(key.guid, now)
        episode = _published(
            script, key, mp3, record, images[script.path], first_published[key.guid], media
        )
        by_script.setdefault(script.path, []).append(episode)
    cover_data, kind = cover_image(config.root, podcast.cover, podcast.title, "")
    cover = _media(media, "covers", slugify(podcast.title), cover_data, kind)
    return Collected(
        site=site,
        base_url=base_url,
        podcast=podcast,
        opus_bps=parse_rate(config.sound.opus_bitrate),
        exercises=tuple(_exercises(config, scripts, by_script)),
        media=media,
        cover=cover,
        first_published=first_published,
    )


def render(collected: Collected) -> Rendered:
    """The feed, the page and the page's scripts, from what was collected."""
    env = _environment()
    podcast, base_url, episodes = collected.podcast, collected.base_url, collected.episodes
    address = re.sub(r"^https?://", "", base_url) + "/" + FEED_NAME
    context = {
        "podcast": podcast,
        "owner_name": podcast.owner_name or podcast.author,
        "host": podcast.host or podcast.author,
        "base_url": base_url,
        "cover": collected.cover,
        "podcast_guid": uuid.uuid5(uuid.NAMESPACE_URL, address),
        "episodes": episodes,
        "exercises": collected.exercises,
        "opus_bps": collected.opus_bps,
        "images": sorted({e.image for e in episodes}),
        "version": hashlib.sha256(
            "".join(u for e in episodes for u in e.urls).encode()
        ).hexdigest()[:12],
    }
    pages = {name: env.get_template(name).render(context).encode("utf-8") for name in PAGES}
    return Rendered(collected, pages)


def check(rendered: Rendered) -> None:
    """The feed against every rule that gets feeds rejected, on the files it will have."""
    problems = check_feed(rendered.pages[FEED_NAME].decode("utf-8"), rendered.files)
    if problems:
        raise PublishError(
            Said(
                en="the feed would be refused by podcast apps, so nothing was published:\n"
                + "\n".join(f"  - {problem}" for problem in problems),
                nl="podcast-apps zouden de feed weigeren, dus er is nog niets gepubliceerd: "
                + "; ".join(f"{p.rule}: {p.fix}" for p in problems),
            ),
        )


def write(rendered: Rendered) -> None:
    """New media first (a hashed name that exists already holds these bytes), then the pages
    in their order, then the publication dates: each file complete when it appears."""
    site = rendered.site
    for name, source in rendered.collected.media.items():
        if not (site / name).is_file():
            _put(site / name, source)
    for name, data in rendered.pages.items():
        atomic_write(site / name, data)
    first = json.dumps(rendered.collected.first_published, indent=1)
    atomic_write(site / PUBLISHED_NAME, first.encode("utf-8"))


def prune(rendered: Rendered) -> list[Path]:
    """Remove the media that nothing in the new site points at any more; what was removed."""
    keep = set(rendered.collected.media)
    removed = []
    for folder in MEDIA_FOLDERS:
        for path in sorted((rendered.site / folder).glob("*")):
            if path.is_file() and f"{folder}/{path.name}" not in keep:
                path.unlink()
                removed.append(path)
    return removed


def _put(dest: Path, source: Path | bytes) -> None:
    if isinstance(source, bytes):
        atomic_write(dest, source)
        return
    with atomic_path(dest) as tmp:
        shutil.copyfile(source, tmp)


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("breathcast", "templates"),
        autoescape=select_autoescape(["html", "xml"]),
        trim_blocks=False,
    )
    env.filters["xml"] = lambda text: _XML_INVALID.sub("", str(text))
    return env


def _digest(source: Path | bytes) -> str:
    if isinstance(source, bytes):
        return hashlib.sha256(source).hexdigest()
    with source.open("rb") as handle:  # an hour of audio is read in pieces, not whole
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _media(
    media: dict[str, Path | bytes], folder: str, stem: str, source: Path | bytes, kind: str
) -> str:
    """Add `source` to the site's media as `folder/stem-<hash>.<kind's suffix>`; its name."""
    suffix = {"image/jpeg": ".jpg", "image/png": ".png"}.get(kind, kind)
    name = f"{folder}/{stem}-{_digest(source)[:8]}{suffix}"
    media[name] = source
    return name


def _published(
    script: Script,
    key: EpisodeKey,
    mp3: Path,
    record: Episode,
    image: tuple[bytes, str],
    date: str,
    media: dict[str, Path | bytes],
) -> PublishedEpisode:
    """What the page and feed say of one episode; its files go into `media`."""
    opus = mp3.with_suffix(".opus")
    has_opus = bool(record.opus_path) and opus.is_file()
    audio = _media(media, "audio", key.stem, mp3, ".mp3")
    stem = Path(audio).stem  # `<episode>-<hash of the MP3>`: the sidecars follow the audio
    transcript, chapters_url = f"audio/{stem}.vtt", f"audio/{stem}.chapters.json"
    vtt_file, chapters_file = mp3.with_suffix(".vtt"), mp3.with_suffix(".chapters.json")
    media[transcript], media[chapters_url] = vtt_file, chapters_file
    chapters = json.loads(chapters_file.read_bytes())
    vtt = vtt_file.read_text(encoding="utf-8")
    size, opus_size = mp3.stat().st_size, opus.stat().st_size if has_opus else 0
    seconds = record.duration_s
    return PublishedEpisode(
        guid=key.guid,
        title=key.title(script.title),
        description=f"{script.description} Adem {key.pattern.in_counts}.".strip(),
        audio=audio,
        opus=_media(media, "audio", key.stem, opus, ".opus") if has_opus else "",
        transcript=transcript,
        chapters_url=chapters_url,
        image=_media(media, "covers", script.slug, *image),
        size=size,
        opus_size=opus_size,
        seconds=round(seconds),
        pub_date=date,
        ratio=str(key.pattern),
        words=key.pattern.in_words,
        counts=key.pattern.in_counts,
        anchor=key.stem,
        minutes=f"{clock(seconds)} min",
        size_mb=f"{size / 1e6:.1f}".replace(".", ","),
        opus_mb=f"{opus_size / 1e6:.1f}".replace(".", ","),
        offline=record.preview,
        chapter_list=tuple(
            (c["startTime"], clock(c["startTime"]), c["title"]) for c in chapters["chapters"]
        ),
        cues=tuple(read_webvtt(vtt)),
    )


def parse_rate(text: str) -> int:
    """`32k` -> 32000 (bits per second)."""
    value = text.strip().lower()
    return int(float(value[:-1]) * 1000) if value.endswith("k") else int(value)


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
