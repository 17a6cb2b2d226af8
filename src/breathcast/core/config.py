"""Project settings from `breathcast.toml`, or `[tool.breathcast]` in `pyproject.toml`."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, fields, replace
from enum import StrEnum
from pathlib import Path, PurePosixPath
from typing import Any

from breathcast.core.breath import BreathPattern
from breathcast.core.categories import category_problem
from breathcast.core.errors import ConfigError, PatternError, PublishError
from breathcast.core.said import Said

DEFAULT_RATIOS = ("4:6", "4:4", "3:6")


class EngineName(StrEnum):
    """A voice, as settings, scripts, reports and the studio's page name it."""

    AUTO = "auto"  # gTTS when Google answers, espeak otherwise
    GTTS = "gtts"
    ESPEAK = "espeak"
    OPNAME = "opname"  # her own recorded voice


ENGINE_WORDS = {  # how the studio names each voice
    EngineName.AUTO: "Google-stem als die bereikbaar is",
    EngineName.GTTS: "Google-stem",
    EngineName.ESPEAK: "computerstem (voorbeeld)",
    EngineName.OPNAME: "je eigen stem",
}
ENGINE_CHOICES = tuple(EngineName)
LOUDNESS_MODES = ("dual-mono", "mono")
MEDIUMS = ("podcast", "music", "audiobook", "newsletter", "blog")  # Podcasting 2.0's audio ones
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}")
_ADDRESS = re.compile(r"https?://[\x21-\x7e]+")  # an ASCII http(s) URL


@dataclass(frozen=True)
class VoiceSettings:
    lang: str = "nl"
    gtts_tld: str = "com"
    gtts_slow: bool = False
    gtts_timeout_s: float = 15.0
    espeak_voice: str = "nl"
    espeak_wpm: int = 135
    tempo: float = 1.0  # speaking speed without changing pitch; a script's `tempo:` wins
    tts_jobs: int = 4  # lines synthesized at once
    retry_budget_s: float = 120.0  # how long a build keeps retrying a failing engine


@dataclass(frozen=True)
class SoundSettings:
    sample_rate: int = 44100
    bitrate: str = "128k"
    opus: bool = True  # an Ogg Opus file beside every MP3, a quarter of its size
    opus_bitrate: str = "32k"
    loudness_lufs: float = -16.0  # integrated, ITU-R BS.1770-4, as heard (Apple Podcasts: -16)
    loudness_mode: str = "dual-mono"  # as heard from both speakers; "mono": one channel
    true_peak_dbtp: float = -1.0  # ceiling for the encoded MP3
    lead_in_s: float = 1.5  # silence before the first sound
    tail_s: float = 4.0  # silence after the last sound
    line_gap_s: float = 1.8  # after every spoken line: time to follow it (why: README)
    ellipsis_pause_s: float = 1.5  # extra, after a line ending in ... or …
    paragraph_pause_s: float = 1.2  # a blank line in the script: added to the gap
    speech_level_dbfs: float = -20.0  # RMS of every voiced clip
    speech_crest_db: float = 11.0  # clip peaks are limited to this far above that RMS
    tone_level_db: float = -12.5  # pacing tone RMS relative to speech (why: docs/sound.md)
    tone_low_hz: float = 196.0  # G3: end of the exhale
    tone_high_hz: float = 293.7  # D4: top of the inhale
    tone_hold_level: float = 0.5  # tone level on holds, as a share of its full level; 0 = silent
    chimes: bool = True  # a soft chime at the start of every phase
    chime_level_db: float = 0.0  # chime peak relative to the tone's full level
    bed_level_db: float = -26.0  # ambience RMS relative to speech
    ambient_fade_in_s: float = 8.0
    ambient_fade_out_s: float = 12.0
    music_crossfade_s: float = 3.0  # where a music bed loops
    cue_cycles: int = 2  # [adem 6x cues] speaks cues in this many first cycles
    melody: str = "chime"  # opens (and closes) every exercise; "" for none, or music/… her own
    melody_level_db: float = -11.5  # its RMS relative to speech: about 11 LU under the voice
    melody_gap_s: float = 1.2  # between the melody and the first (or after the last) words
    duck_db: float = -10.0  # tone and bed under speech
    duck_lookahead_s: float = 0.25  # they are already down when a voice starts
    duck_release_s: float = 0.6  # and come back up this slowly after it
    duck_hold_s: float = 3.5  # between lines closer than this they stay down (a blank line: 3 s)


@dataclass(frozen=True)
class PodcastSettings:
    """Who publishes the exercises: tags, cover art, the page and the feed."""

    title: str = "Rust & verbinding"
    author: str = "De eerste 1000 dagen"
    description: str = "Korte oefeningen voor rust en verbinding, van zwangerschap tot twee jaar."
    language: str = "nl"
    genre: str = "Meditation"
    cover: str = ""  # a square JPEG or PNG in music/, 1400-3000 px; empty: music/cover.*
    site_url: str = ""  # where the site lives, e.g. https://example.nl/rust (publish asks once)
    category: str = "Health & Fitness"  # one of Apple's categories
    subcategory: str = "Mental Health"  # one of its subcategories, or ""
    owner_name: str = ""  # itunes:owner: Apple writes to this person; default: the author
    owner_email: str = ""  # required by Apple, and the podcast:locked owner
    host: str = ""  # podcast:person with the role host: the voice; default: the author
    type: str = "episodic"  # itunes:type: episodic or serial
    medium: str = "podcast"  # podcast:medium
    locked: bool = True  # podcast:locked: other hosts may not import the feed
    every_ratio: bool = False  # the feed: every ratio of each length, not only the recommended
    funding_url: str = ""  # podcast:funding: a page where listeners can support the work
    funding_text: str = "Steun dit werk"
    apple_verify: str = ""  # podcast:txt applepodcastsverify, to claim the feed in Apple's tools
    new_feed_url: str = ""  # itunes:new-feed-url: set once the feed has moved


DEPLOY_KINDS = ("sftp", "ftp", "ftps", "webdav", "s3", "folder")


@dataclass(frozen=True)
class DeploySettings:
    """Where `breathcast deploy` puts the site. No secret is ever kept here: a password lives
    in rclone's own config (`deploy --setup` puts it there) or in BREATHCAST_DEPLOY_PASSWORD."""

    kind: str = ""  # sftp, ftp, ftps, webdav, s3 or folder; "" with `remote`
    host: str = ""  # ftp.example.nl; for webdav and s3 the address, https://…
    port: int = 0  # 0: the kind's usual port
    user: str = ""  # for s3: the access key id
    path: str = ""  # the folder on the host (s3: bucket/folder; folder: a path here)
    remote: str = ""  # a remote from rclone's own config, which holds its password
    grace_days: float = 7.0  # audio the feed no longer names stays this long (apps cache feeds)
    max_deletes: int = 50  # refuse to remove more files than this at once, without --force
    bandwidth: str = ""  # e.g. "2M": cap the upload, so her connection stays usable


@dataclass(frozen=True)
class Config:
    root: Path = Path(".")
    source: str = "defaults"
    ratios: tuple[BreathPattern, ...] = field(
        default_factory=lambda: tuple(BreathPattern.parse(r) for r in DEFAULT_RATIOS)
    )
    engine: EngineName = EngineName.AUTO
    scripts_dir: str = "scripts"
    voice_dir: str = "voice"
    build_dir: str = "build"
    recordings_dir: str = "recordings"  # her own voice: readings and takes, never cleaned
    voice: VoiceSettings = field(default_factory=VoiceSettings)
    sound: SoundSettings = field(default_factory=SoundSettings)
    podcast: PodcastSettings = field(default_factory=PodcastSettings)
    deploy: DeploySettings = field(default_factory=DeploySettings)

    def path(self, name: str) -> Path:
        return self.root / getattr(self, f"{name}_dir")


def load_config(root: str | Path = ".") -> Config:
    """Read the project's settings; defaults for everything not given."""
    root = Path(root)
    toml_path, pyproject = root / "breathcast.toml", root / "pyproject.toml"
    if toml_path.is_file():
        data, source = _read_toml(toml_path), toml_path.name
    elif pyproject.is_file():
        data = _read_toml(pyproject).get("tool", {}).get("breathcast", {})
        source = f"{pyproject.name} [tool.breathcast]"
    else:
        data, source = {}, "defaults"
    return _from_dict(data, root, source)


def settings_from(data: dict[str, Any], root: Path, source: str) -> Config:
    """Settings as `load_config` reads them from a file's table: every rule it keeps."""
    return _from_dict(data, root, source)


def _check_folders(config: Config, source: str) -> None:
    """The folders breathcast empties (`clean`: the build; `clean --voice`: the voice cache)
    are folders of their own inside the project, never the project itself, and never hold
    or lie inside her scripts or recordings: emptying them must never cost her a word."""
    hers = {PurePosixPath(config.scripts_dir), PurePosixPath(config.recordings_dir)}
    for name in ("build", "voice"):
        value = getattr(config, f"{name}_dir")
        folder = PurePosixPath(value.replace("\\", "/"))
        inside = [h for h in hers if h == folder or folder in h.parents or h in folder.parents]
        if folder.is_absolute() or ".." in folder.parts or folder.parts in ((), (".",)) or inside:
            raise ConfigError(
                Said(
                    f"{source}: {name}_dir = {value!r}; breathcast empties that folder, so it "
                    "must be a folder of its own inside the project, apart from the scripts and "
                    f"recordings (the default is {name!r})",
                    f"De map voor {'de gemaakte bestanden' if name == 'build' else 'de stem'} "
                    "moet een eigen map in je project zijn, los van je oefeningen en opnames.",
                )
            )


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the settings: {exc}") from exc


def _from_dict(data: dict[str, Any], root: Path, source: str) -> Config:
    data = dict(data)
    voice = _section(VoiceSettings, data.pop("voice", {}), source, "voice")
    sound = _section(SoundSettings, data.pop("sound", {}), source, "sound")
    podcast = _section(PodcastSettings, data.pop("podcast", {}), source, "podcast")
    deploy = _section(DeploySettings, data.pop("deploy", {}), source, "deploy")
    ratios = data.pop("ratios", None)
    skip = ("root", "source", "ratios", "voice", "sound", "podcast", "deploy")
    config = _section(Config, data, source, None, skip=skip)
    config = replace(
        config, root=root, source=source, voice=voice, sound=sound, podcast=podcast, deploy=deploy
    )
    _check_folders(config, source)
    if deploy.kind and deploy.kind not in DEPLOY_KINDS:
        raise ConfigError(
            f"{source}: [deploy] kind = {deploy.kind!r}; choose one of {', '.join(DEPLOY_KINDS)}"
        )
    problem = category_problem(config.podcast.category, config.podcast.subcategory)
    if problem:
        raise ConfigError(f"{source}: [podcast] category: {problem}")
    if config.podcast.type not in ("episodic", "serial"):
        raise ConfigError(f"{source}: [podcast] type = {config.podcast.type!r}; choose episodic")
    if config.podcast.medium not in MEDIUMS:
        raise ConfigError(
            f"{source}: [podcast] medium = {config.podcast.medium!r}; choose one of "
            + ", ".join(MEDIUMS)
        )
    if config.podcast.owner_email and not EMAIL.fullmatch(config.podcast.owner_email):
        raise ConfigError(
            f"{source}: [podcast] owner_email = {config.podcast.owner_email!r} is not an email "
            "address; write it as name@example.nl"
        )
    if config.sound.loudness_mode not in LOUDNESS_MODES:
        raise ConfigError(
            f"{source}: loudness_mode = {config.sound.loudness_mode!r} in [sound]; choose "
            f"{' or '.join(LOUDNESS_MODES)} (dual-mono: measured as heard from two speakers)"
        )
    melody = PurePosixPath(config.sound.melody)
    if config.sound.melody not in ("", "chime") and (
        melody.is_absolute() or ".." in melody.parts or melody.parts[:1] != ("music",)
    ):
        raise ConfigError(
            f'{source}: melody = {config.sound.melody!r} in [sound]; choose "chime", "" (none), '
            'or a short file of your own inside music/, e.g. "music/liedje.mp3"'
        )
    if config.engine not in ENGINE_CHOICES:
        raise ConfigError(
            f"{source}: engine = {config.engine!r}; choose one of {', '.join(ENGINE_CHOICES)}"
        )
    config = replace(config, engine=EngineName(config.engine))
    if ratios is not None:
        config = replace(config, ratios=parse_ratios(ratios, source))
    return config


def parse_ratios(values: Any, source: str) -> tuple[BreathPattern, ...]:
    if isinstance(values, str) or not isinstance(values, list) or not values:
        raise ConfigError(
            f'{source}: ratios must be a non-empty list, e.g. ratios = ["4:6", "4:4"]'
        )
    try:
        return tuple(BreathPattern.parse(str(v)) for v in values)
    except PatternError as exc:
        raise ConfigError(f"{source}: {exc}") from exc


def _section(cls, values: Any, source: str, name: str | None, skip: tuple[str, ...] = ()):
    where = f"[{name}]" if name else "the top level"
    if not isinstance(values, dict):
        raise ConfigError(f"{source}: {where} must be a table of settings")
    known = {f.name: f for f in fields(cls) if f.name not in skip}
    kwargs = {}
    for key, value in values.items():
        if key not in known:
            raise ConfigError(
                f"{source}: unknown setting {key!r} in {where}; known: {', '.join(sorted(known))}"
            )
        default = getattr(cls(), key)
        expected = (int, float) if isinstance(default, float) else type(default)
        if isinstance(default, StrEnum):
            expected = str  # a code, checked where it is known

        if isinstance(value, bool) != isinstance(default, bool) or not isinstance(value, expected):
            raise ConfigError(
                f"{source}: {key} = {value!r} in {where} should be a {type(default).__name__}"
            )
        kwargs[key] = float(value) if isinstance(default, float) else value
    return cls(**kwargs)


def remember(config: Config, table: str, values: dict[str, Any]) -> None:
    """Write settings of one table into the project's settings file, keeping its comments
    and layout (the studio saves the site address this way, once)."""
    from breathcast.core.settings_file import write_settings

    write_settings(config.root, {table: values})


def public_address(config: Config, base_url: str | None) -> str:
    """--base-url, else `[podcast] site_url`; ASCII http(s) either way. Refused with
    `needs=("site_url",)`: she gives it where she publishes, and it is remembered."""
    address = (base_url or config.podcast.site_url).rstrip("/")
    if not address:
        raise PublishError(
            Said(
                "where will the site live? Pass --base-url https://example.nl/rust (it is "
                "remembered)",
                "Waar komt je site te staan? Vul het adres van je website in, zoals "
                "https://jouwwebsite.nl/rust.",
            ),
            needs=("site_url",),
        )
    if not _ADDRESS.fullmatch(address):
        raise PublishError(
            Said(
                f"--base-url {address!r} must be an ASCII http(s) URL",
                "Dit adres kan de studio niet gebruiken. Schrijf het hele adres van je "
                "website, zoals https://jouwwebsite.nl/rust, zonder spaties en zonder "
                "letters met accenten.",
            ),
            needs=("site_url",),
        )
    return address
