"""What the site will hold, gathered from the build without writing anything: every built
episode as the page and the feed describe it, and every file they name, under a
content-hashed ASCII name (a name never changes its bytes), with where its bytes are now.
"""

from __future__ import annotations

import email.utils
import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from breathcast.breath import BreathPattern
from breathcast.config import Config, PodcastSettings
from breathcast.episode import Episode, EpisodeKey, clock
from breathcast.errors import PublishError
from breathcast.manifest import Manifest
from breathcast.project import patterns_for
from breathcast.script import Script, read_script, slugify
from breathcast.sidecars import cover_image, read_webvtt
from breathcast.words import Said

PUBLISHED_NAME = "published.json"  # first publication date of every GUID


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
