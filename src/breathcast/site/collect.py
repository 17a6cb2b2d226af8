"""What the site will hold, gathered from the build without writing anything: every built
episode as the page and the feed describe it, and every file they name, under a
content-hashed ASCII name (a name never changes its bytes), with where its bytes are now.
"""

from __future__ import annotations

import email.utils
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from breathcast.build import (
    Manifest,
    check_scripts,
    cover_image,
    find_scripts,
    page_order,
    patterns_for,
    read_webvtt,
)
from breathcast.core import BreathPattern, Config, PodcastSettings, PublishError, Said
from breathcast.script import Episode, EpisodeKey, Script, clock, slugify

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
    ratio_slug: str  # "4-6"
    length: str  # "3m" (its `lengths:` entry), or "" when made as written
    length_words: str  # "3 minuten", or ""
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
class Choice:
    """One option of the page's two small choices: a length or a ratio."""

    value: str  # `3m`, `4-6`: what the versions are marked with
    label: str  # `3 min`, `in 4, uit 6`


@dataclass(frozen=True)
class Exercise:
    slug: str
    title: str
    description: str
    advice: str  # "Nieuw? Begin met in 4, uit 6."
    group: str  # "Ademen", "Voor het slapen", "Mini-momenten"; "" for none
    # Every version, the one the page preselects first (the script's first length, at its
    # recommended ratio), then by length and ratio as the script lists them.
    episodes: tuple[PublishedEpisode, ...]
    lengths: tuple[Choice, ...]  # empty: made as written, one length
    ratios: tuple[Choice, ...]


@dataclass(frozen=True)
class Collected:
    """What the site will hold, gathered from the build without writing anything: every
    exercise and episode, and every media file they name with where its bytes are now."""

    site: Path
    base_url: str
    podcast: PodcastSettings
    opus_bps: int
    groups: tuple[tuple[str, tuple[Exercise, ...]], ...]  # the page's groups, in its order
    feed: tuple[PublishedEpisode, ...]  # what the feed carries (see `[podcast] every_ratio`)
    melody: bool  # every exercise opens with the melody (the page says why)
    media: dict[str, Path | bytes]  # site-relative, content-hashed name -> its bytes
    cover: str  # the podcast's own cover, site-relative
    first_published: dict[str, str]  # GUID -> the date it first appeared in the feed
    previews: tuple[str, ...] = ()  # built files in a preview voice (allowed, or not asked)

    @property
    def exercises(self) -> list[Exercise]:
        return [exercise for _, members in self.groups for exercise in members]

    @property
    def episodes(self) -> list[PublishedEpisode]:
        return [e for exercise in self.exercises for e in exercise.episodes]


def collect(config: Config, base_url: str, site: Path, allow_offline: bool) -> Collected:
    """Every built episode of every script, what the page and feed say of it, and the files
    it needs. A script with an error stops it: fix it, or move it out of scripts/."""
    build_dir = config.path("build")
    manifest = Manifest.load(build_dir, config.root)
    if not manifest.entries:
        raise PublishError(
            Said(
                f"nothing to publish in {build_dir}/; run `breathcast build` first",
                "Er is nog niets gebouwd om te publiceren. Bouw eerst je oefeningen, bij Je "
                "oefeningen met Alles bouwen.",
            )
        )
    scripts, errors = check_scripts(find_scripts(config))
    if errors:
        raise errors[0]
    ordered = page_order(scripts)
    built: dict[str, list[tuple[EpisodeKey, Episode]]] = {}  # script path -> its versions
    for _, group in ordered:
        for script in group:
            for pattern in patterns_for(script, config):
                for key in manifest.keys(script, pattern):
                    record = manifest.entries.get(key.path)
                    if record is not None and (build_dir / key.path).is_file():
                        built.setdefault(script.path, []).append((key, record.episode))
    previews = tuple(r.path for versions in built.values() for _, r in versions if r.preview)
    if previews and not allow_offline:
        raise PublishError(previews_said(previews), needs=("previews",))
    try:
        first_published = json.loads((site / PUBLISHED_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        first_published = {}
    now = email.utils.format_datetime(datetime.now(UTC))
    podcast = config.podcast
    media: dict[str, Path | bytes] = {}
    groups = []
    for group, members in ordered:
        exercises = []
        for script in (s for s in members if s.path in built):
            image = cover_image(config.root, podcast.cover, script.title, podcast.title)
            episodes = []
            for key, record in built[script.path]:
                first_published.setdefault(key.guid, now)
                date = first_published[key.guid]
                mp3 = build_dir / key.path
                episodes.append(_published(script, key, mp3, record, image, date, media))
            exercises.append(_exercise(script, episodes, patterns_for(script, config)))
        if exercises:
            groups.append((group, tuple(exercises)))
    cover_data, kind = cover_image(config.root, podcast.cover, podcast.title, "")
    cover = _media(media, "covers", slugify(podcast.title), cover_data, kind)
    return Collected(
        site=site,
        base_url=base_url,
        podcast=podcast,
        opus_bps=parse_rate(config.sound.opus_bitrate),
        groups=tuple(groups),
        feed=tuple(_in_feed([e for _, g in groups for e in g], podcast.every_ratio)),
        melody=bool(config.sound.melody),
        media=media,
        cover=cover,
        first_published=first_published,
        previews=previews,
    )


def previews_said(previews: Sequence[str]) -> Said:
    """Why episodes in a preview voice wait, and what to do."""
    return Said(
        en="these episodes are previews, not the final audio (the offline espeak voice, or "
        "your own voice with lines filled in by another): "
        + ", ".join(previews)
        + "; rebuild them online with `breathcast build --engine gtts`, record the "
        "missing lines (`breathcast takes` lists them), "
        "or publish anyway with --allow-offline-voice",
        nl="sommige oefeningen hebben nog de computerstem; bouw ze opnieuw als je online "
        "bent, of zet het vinkje voor voorbeelden aan",
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
        ratio_slug=key.pattern.slug,
        length=key.length.slug if key.length else "",
        length_words=key.length.words if key.length else "",
        words=key.pattern.in_dutch,  # the page; titles keep in_words
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
    return round(float(value[:-1]) * 1000) if value.endswith("k") else int(value)  # as ffmpeg


def _exercise(
    script: Script, episodes: list[PublishedEpisode], listed: Sequence[BreathPattern]
) -> Exercise:
    """One exercise with its versions; the page preselects the first: the script's first
    length, at its recommended ratio (or the first it lists)."""
    ratios = [p.slug for p in listed]
    lengths = [length.slug for length in script.lengths]
    recommended = script.recommended.slug if script.recommended else None
    first_ratio = recommended if recommended in {e.ratio_slug for e in episodes} else None
    first_ratio = first_ratio or min(
        (e.ratio_slug for e in episodes), key=lambda r: _rank(ratios, r)
    )
    first_length = min((e.length for e in episodes), key=lambda n: _rank(lengths, n))

    def order(e: PublishedEpisode) -> tuple:
        preselected = (e.length, e.ratio_slug) == (first_length, first_ratio)
        return (
            not preselected,
            _rank(lengths, e.length),
            e.ratio_slug != first_ratio,
            _rank(ratios, e.ratio_slug),
        )

    episodes = sorted(episodes, key=order)
    words = {e.ratio_slug: e.words for e in episodes}
    made = {e.length for e in episodes}
    return Exercise(
        slug=script.slug,
        title=script.title,
        description=script.description,
        advice=f"Nieuw? Begin met {words[recommended]}." if recommended in words else "",
        group=script.group,
        episodes=tuple(episodes),
        lengths=tuple(Choice(n.slug, n.short) for n in script.lengths if n.slug in made),
        ratios=tuple(
            Choice(r, words[r])
            for r in sorted(words, key=lambda r: (r != first_ratio, _rank(ratios, r)))
        ),
    )


def _rank(listed: list[str], value: str) -> int:
    return listed.index(value) if value in listed else len(listed)


def _in_feed(exercises: list[Exercise], every_ratio: bool) -> list[PublishedEpisode]:
    """By default one item per exercise and length, at the ratio the page preselects: the
    feed stays listenable. `every_ratio` puts every version in."""
    if every_ratio:
        return [e for exercise in exercises for e in exercise.episodes]
    return [
        e
        for exercise in exercises
        for e in exercise.episodes
        if e.ratio_slug == exercise.episodes[0].ratio_slug
    ]
