"""The static site: a Dutch download page and a podcast feed, ready for any static host.

    publish(config)  =  collect → render → check → write → prune

Every media file (audio, transcript, chapters, cover) is published under a content-hashed
ASCII name, so a name never changes its bytes: rebuilt audio gets a new URL while its GUID
stays the same, and unchanged audio keeps its URL. Nothing is written before the feed has
passed the checker, and nothing is removed before the new feed and page are in place, so the
site folder never holds a feed that points at a missing file.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape

from breathcast.core import (
    Config,
    Job,
    PublishError,
    Said,
    atomic_path,
    atomic_write,
    project_lock,
    public_address,
    together,
)
from breathcast.site.collect import PUBLISHED_NAME, Collected, Exercise, collect, previews_said
from breathcast.site.feedcheck import OWNER_RULE, check_feed

FEED_NAME, PAGE_NAME = "feed.xml", "index.html"
EMBED_FOLDER = "embed"  # a small player per exercise, for her blog (embed/<slug>.html)
# Written in this order, after the media they point to: the pages' scripts before the pages.
ASSETS = ("sw.js", "site.js", "embed.js")
PRUNED = ("audio", "covers", EMBED_FOLDER)  # what publish alone writes there, it may remove
STAND_IN = "https://example.invalid"  # renders the feed to check it while the address is asked
OWNER_NEEDED = Said(
    "Apple needs an owner email to reach you: pass --owner-email you@example.nl (it is remembered)",
    "Vul je e-mailadres in: Apple vraagt het om je podcast te kunnen tonen.",
)
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


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
    with project_lock(config.path("build"), Job.PUBLISH):  # never while a deploy reads the site
        needs: list[tuple[str, Said]] = []
        try:
            address = public_address(config, base_url)
        except PublishError as exc:  # said with all else that stands in the way
            needs.append(("site_url", exc.said))
            address = STAND_IN
        collected = collect(config, address, site, allow_offline=True)
        if collected.previews and not allow_offline:
            needs.append(("previews", previews_said(collected.previews)))
        rendered = render(collected)
        problems = check_feed(rendered.pages[FEED_NAME].decode("utf-8"), rendered.files)
        if any(p.rule == OWNER_RULE for p in problems):
            needs.append(("owner_email", OWNER_NEEDED))
            problems = [p for p in problems if p.rule != OWNER_RULE]
        if needs or problems:
            raise _refused(needs, problems)
        write(rendered)
        prune(rendered)
    return site


def _refused(needs: list[tuple[str, Said]], problems: list) -> PublishError:
    """Everything that stands in the way, at once: what she can give where she publishes
    (`needs`), then the feed's other problems."""
    said = together([s for _, s in needs], "\n")
    if problems:
        said = together([said, _problems_said(problems)] if needs else [_problems_said(problems)])
    return PublishError(said, needs=tuple(name for name, _ in needs))


def render(collected: Collected) -> Rendered:
    """The feed, the page, an embed page per exercise and their scripts, from what was
    collected."""
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
        "feed": collected.feed,
        "groups": collected.groups,
        "melody": collected.melody,
        "exercises": collected.exercises,
        "opus_bps": collected.opus_bps,
        "images": sorted({e.image for e in episodes}),
        "version": hashlib.sha256(
            "".join(u for e in episodes for u in e.urls).encode()
        ).hexdigest()[:12],
    }
    pages = {name: env.get_template(name).render(context).encode("utf-8") for name in ASSETS}
    embed = env.get_template("embed.html")
    for exercise in collected.exercises:
        html = embed.render(context, exercise=exercise)
        pages[f"{EMBED_FOLDER}/{exercise.slug}.html"] = html.encode("utf-8")
    for name in (FEED_NAME, PAGE_NAME):
        pages[name] = env.get_template(name).render(context).encode("utf-8")
    return Rendered(collected, pages)


def check(rendered: Rendered) -> None:
    """The feed against every rule that gets feeds rejected, on the files it will have."""
    problems = check_feed(rendered.pages[FEED_NAME].decode("utf-8"), rendered.files)
    if problems:
        raise PublishError(_problems_said(problems))


def _problems_said(problems: list) -> Said:
    return Said(
        en="the feed would be refused by podcast apps, so nothing was published:\n"
        + "\n".join(f"  - {problem}" for problem in problems),
        nl="Podcast-apps zouden je feed nu weigeren, dus er is nog niets gepubliceerd. "
        + " ".join(p.nl for p in problems),
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
    """Remove what nothing in the new site points at any more (the media and embed pages of
    what was rebuilt or removed); what was removed."""
    keep = set(rendered.files)
    removed = []
    for folder in PRUNED:
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
        loader=PackageLoader("breathcast.site", "templates"),
        autoescape=select_autoescape(["html", "xml"]),
        trim_blocks=False,
    )
    env.filters["xml"] = lambda text: _XML_INVALID.sub("", str(text))
    env.globals["embed_versions"] = _embed_versions
    return env


def _embed_versions(exercise: Exercise) -> list[dict]:
    """What the embed page's player switches between, its URLs from inside embed/."""
    return [
        {
            "length": e.length,
            "ratio": e.ratio_slug,
            "audio": f"../{e.audio}",
            "opus": f"../{e.opus}" if e.opus else "",
            "size_mb": e.size_mb,
            "opus_mb": e.opus_mb,
            "cues": [[round(start, 3), round(end, 3), text] for start, end, text in e.cues],
        }
        for e in exercise.episodes
    ]
