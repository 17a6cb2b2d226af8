"""The rules that get podcast feeds rejected (Apple's first), checked against a feed and the
site folder it lives in. Each problem names its rule and says how to fix it."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from breathcast.build import COVER_MAX_PX, COVER_MIN_PX
from breathcast.core import EMAIL, category_problem

NS = {
    "itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd",
    "podcast": "https://podcastindex.org/namespace/1.0",
    "atom": "http://www.w3.org/2005/Atom",
}
PLAIN_NAME = re.compile(r"[A-Za-z0-9._-]+")
DURATION_SLACK_S = 1.0
AGAIN = "Er ging iets mis met de feed. Publiceer opnieuw; lukt het dan niet, vraag om hulp."
COVER = "Kies bij Instellingen een omslagfoto voor je podcast."
PLAIN = "Schrijf het adres van je site zonder spaties en zonder letters met accenten."
CATEGORY = "Kies bij Instellingen bij welk onderwerp je podcast hoort."
OWNER_RULE = "owner email"  # publish asks for it where she publishes


@dataclass(frozen=True)
class Problem:
    rule: str
    detail: str
    fix: str
    nl: str = ""  # what is wrong and what she does, in Dutch, in her words (no tag names)

    def __str__(self) -> str:
        return f"{self.rule}: {self.detail}; {self.fix}"


SiteFiles = Mapping[str, Path | bytes]  # a site's files by site-relative name: on disk, or not yet


class SiteFolder(Mapping[str, Path]):
    """The files of a site folder on disk, by their site-relative names."""

    def __init__(self, root: Path):
        self.root = root

    def __getitem__(self, name: str) -> Path:
        path = self.root / name
        if ".." in Path(name).parts or not path.is_file():
            raise KeyError(name)
        return path

    def __iter__(self) -> Iterator[str]:
        return (str(p.relative_to(self.root)) for p in self.root.rglob("*") if p.is_file())

    def __len__(self) -> int:
        return sum(1 for _ in self)


def size_of(entry: Path | bytes) -> int:
    return len(entry) if isinstance(entry, bytes) else entry.stat().st_size


def opened(entry: Path | bytes) -> BinaryIO:
    return io.BytesIO(entry) if isinstance(entry, bytes) else entry.open("rb")


@dataclass(frozen=True)
class _Feed:
    channel: ET.Element
    base: str  # the site's address, from the feed's own link to itself
    files: SiteFiles

    def local(self, url: str) -> Path | bytes | None:
        """The site's file that `url` points at, if it points into the site and is there."""
        if not url.startswith(self.base + "/"):
            return None
        return self.files.get(url.removeprefix(self.base + "/"))

    def items(self) -> list[ET.Element]:
        return self.channel.findall("item")


def check_site(site: Path) -> list[Problem]:
    """The rules, on a site that was published before (its feed.xml and files)."""
    try:
        xml = (site / "feed.xml").read_text(encoding="utf-8")
    except OSError:
        return [
            Problem(
                "a feed",
                f"{site}/feed.xml is missing",
                "run `breathcast publish`",
                "Er is nog geen feed. Publiceer eerst.",
            )
        ]
    return check_feed(xml, SiteFolder(site))


def check_feed(xml: str, files: SiteFiles) -> list[Problem]:
    """Every rule a feed and the site's files it names must keep: `files` is the site as it
    is on disk (`SiteFolder`), or as it will be once published."""
    try:
        root = ET.fromstring(xml)
    except ET.ParseError as exc:
        return [Problem("well-formed XML", str(exc), "report this: breathcast wrote it", AGAIN)]
    channel = root.find("channel")
    self_link = channel.find("atom:link", NS) if channel is not None else None
    if channel is None or self_link is None:
        return [Problem("RSS 2.0", "no channel with its own address", "publish it again", AGAIN)]
    feed = _Feed(channel, self_link.get("href", "").removesuffix("/feed.xml"), files)
    return [problem for rule in RULES for problem in rule(feed)]


def _artwork(feed: _Feed) -> Iterator[Problem]:
    from PIL import Image

    images = [("the podcast", feed.channel.find("itunes:image", NS))]
    images += [(item.findtext("title"), item.find("itunes:image", NS)) for item in feed.items()]
    for owner, element in images:
        if element is None:
            yield Problem("artwork", f"{owner} has no itunes:image", "give it a cover", COVER)
            continue
        url = element.get("href", "")
        name = url.rsplit("/", 1)[-1]
        if not PLAIN_NAME.fullmatch(name) or not name.lower().endswith((".jpg", ".jpeg", ".png")):
            yield Problem(
                "artwork",
                f"{owner}'s image {name!r} has no plain .jpg or .png name",
                "name the image with letters, digits, - and _ only",
                "De naam van de omslagfoto mag alleen letters, cijfers, - en _ hebben. " + COVER,
            )
        entry = feed.local(url)
        if entry is None:
            yield Problem(
                "artwork",
                f"{owner}'s image {url} is not in the site",
                "publish again",
                "De omslagfoto staat niet bij je site. Publiceer opnieuw.",
            )
            continue
        with opened(entry) as data, Image.open(data) as image:
            size, kind, mode = image.size, image.format, image.mode
        if (
            kind not in ("JPEG", "PNG")
            or size[0] != size[1]
            or not COVER_MIN_PX <= size[0] <= COVER_MAX_PX
            or mode not in ("RGB", "P", "L")
        ):
            yield Problem(
                "artwork",
                f"{owner}'s image is a {kind} of {size[0]}x{size[1]} px in {mode}",
                f"use a square RGB JPEG or PNG of {COVER_MIN_PX} to {COVER_MAX_PX} px "
                "([podcast] cover)",
                f"De omslagfoto is nu {size[0]} bij {size[1]} pixels. Podcast-apps willen een "
                f"vierkante foto (JPG of PNG) van {COVER_MIN_PX} tot {COVER_MAX_PX} pixels "
                "breed, in kleur. " + COVER,
            )


def _category(feed: _Feed) -> Iterator[Problem]:
    element = feed.channel.find("itunes:category", NS)
    if element is None:
        yield Problem("category", "the feed names no category", "set [podcast] category", CATEGORY)
        return
    sub = element.find("itunes:category", NS)
    problem = category_problem(element.get("text", ""), "" if sub is None else sub.get("text", ""))
    if problem:
        yield Problem("category", problem, "set [podcast] category and subcategory", CATEGORY)


def _owner(feed: _Feed) -> Iterator[Problem]:
    address = feed.channel.findtext("itunes:owner/itunes:email", "", NS).strip()
    if not EMAIL.fullmatch(address):
        yield Problem(
            OWNER_RULE,
            "the feed has no owner email" if not address else f"{address!r} is no email",
            "set [podcast] owner_email in breathcast.toml: Apple writes to it",
            "Vul bij Instellingen je e-mailadres in: Apple gebruikt het om je te bereiken.",
        )


def _descriptions(feed: _Feed) -> Iterator[Problem]:
    for element in [feed.channel, *feed.items()]:
        title = (element.findtext("title") or "").strip()
        text = (element.findtext("description") or "").strip()
        if not text or text.casefold() == title.casefold():
            yield Problem(
                "description",
                f"{title!r} has " + ("no description" if not text else "its title as description"),
                "write a description ([podcast] description, or the script's description:)",
                _description_nl(element is feed.channel, title, bool(text)),
            )


def _description_nl(podcast: bool, title: str, written: bool) -> str:
    what = "je podcast" if podcast else f"‘{title}’"
    wrong = (
        "staat nog geen beschrijving" if not written else "is de beschrijving gelijk aan de titel"
    )
    if podcast:
        return f"Bij {what} {wrong}. Schrijf bij Instellingen een paar zinnen over je podcast."
    return (
        f"Bij {what} {wrong}. Schrijf bovenaan de oefening een regel description: met een "
        "zin over wat je luisteraar ermee doet."
    )


def _unique(feed: _Feed) -> Iterator[Problem]:
    for what, values in (
        ("enclosure URL", [i.find("enclosure").get("url") for i in feed.items()]),
        ("GUID", [i.findtext("guid") for i in feed.items()]),
    ):
        for value in {v for v in values if values.count(v) > 1}:
            yield Problem(
                f"unique {what}s",
                f"{value} is used twice",
                "rename one of the scripts",
                "Twee oefeningen krijgen hetzelfde adres. Geef er een een andere naam.",
            )


def enclosures(item: ET.Element) -> list[tuple[str, int]]:
    """An item's audio: (URL, declared length) of its enclosure and of every alternate."""
    found = [(item.find("enclosure"), item.find("enclosure"))]
    found += [(a.find("podcast:source", NS), a) for a in item.findall(
        "podcast:alternateEnclosure", NS)]  # fmt: skip
    return [
        (source.get("url") or source.get("uri", ""), int(declared.get("length", "-1")))
        for source, declared in found
    ]


def _lengths(feed: _Feed) -> Iterator[Problem]:
    for item in feed.items():
        for url, length in enclosures(item):
            entry = feed.local(url)
            actual = size_of(entry) if entry is not None else None
            if actual != length:
                yield Problem(
                    "enclosure length",
                    f"{url} is declared {length} bytes but is {actual}",
                    "publish again, so the feed describes the files beside it",
                    "Een geluidsbestand is anders dan de feed zegt. Publiceer opnieuw.",
                )


def _durations(feed: _Feed) -> Iterator[Problem]:
    from mutagen import File

    for item in feed.items():
        entry = feed.local(item.find("enclosure").get("url", ""))
        if entry is None:
            continue  # the length rule says so
        with opened(entry) as data:
            audio = File(data)
        declared = float(item.findtext("itunes:duration", "0", NS))
        if audio is None or abs(audio.info.length - declared) > DURATION_SLACK_S:
            actual = f"{audio.info.length:.1f} s" if audio is not None else "unreadable"
            yield Problem(
                "duration",
                f"{item.findtext('title')!r} says {declared:g} s, its audio is {actual}",
                "publish again after the build",
                f"‘{item.findtext('title')}’ duurt anders dan de feed zegt. Bouw en publiceer "
                "opnieuw.",
            )


def _ascii_urls(feed: _Feed) -> Iterator[Problem]:
    for element in feed.channel.iter():
        for attribute in ("href", "url", "uri"):
            value = element.get(attribute)
            if value is not None and not value.isascii():
                yield Problem(
                    "ASCII URLs", f"{value!r} is not ASCII", "use an ASCII --base-url", PLAIN
                )
    for text in [feed.channel.findtext("link", "")]:
        if not text.isascii():
            yield Problem("ASCII URLs", f"{text!r} is not ASCII", "use an ASCII --base-url", PLAIN)


RULES: tuple[Callable[[_Feed], Iterator[Problem]], ...] = (
    _artwork,
    _category,
    _owner,
    _descriptions,
    _unique,
    _lengths,
    _durations,
    _ascii_urls,
)
