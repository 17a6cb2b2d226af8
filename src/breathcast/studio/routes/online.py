"""Putting the site online from the studio ("Zet online"): where it goes (tested first, the
password kept in rclone's own config), the deploy itself with live progress, whether what
is online is current, and the snippets that put an exercise on her blog."""

from __future__ import annotations

from dataclasses import asdict

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from breathcast.build import check_scripts, find_scripts, page_order
from breathcast.core import DeploySettings
from breathcast.site import deploy as online
from breathcast.studio import presenters
from breathcast.studio.choices import Choices
from breathcast.studio.http import answer, body, in_thread, studio_of

FIELDS = ("kind", "host", "port", "user", "path")


def _settings(data: dict) -> DeploySettings:
    values = {k: data.get(k) or DeploySettings.__dataclass_fields__[k].default for k in FIELDS}
    values["port"] = int(values["port"] or 0)
    return DeploySettings(**values)


async def state(request: Request) -> JSONResponse:
    """Where the site goes (no password), whether what is online is current, and for every
    exercise the snippet that puts its player on her blog."""
    config = studio_of(request).config()

    def read() -> dict:
        address = config.podcast.site_url.rstrip("/")
        site = config.path("build") / "site"
        scripts, _ = check_scripts(find_scripts(config))  # a script with an error has no player
        exercises = [  # in the page's order; only those with a player on the site: no 404s
            {"title": script.title, "slug": script.slug}
            for _, group in page_order(scripts)
            for script in group
            if (site / "embed" / f"{script.slug}.html").is_file()
        ]
        return {
            "settings": {
                **{k: getattr(config.deploy, k) for k in FIELDS},
                "kept": bool(config.deploy.remote),
            },  # fmt: skip
            "site_url": address,
            "previews": Choices.of(config).previews,
            "online": online.deployed(config),
            "published": (site / "feed.xml").is_file(),
            "embeds": [{**e, "page": f"{address}/embed/{e['slug']}.html"} for e in exercises]
            if address
            else [],  # fmt: skip
        }

    return answer(await in_thread(read))


async def previews(request: Request) -> JSONResponse:
    """Her yes (or no) to the computer voice on the site, kept as soon as she ticks it."""
    data = await body(request, "previews")
    return answer({"previews": studio_of(request).previews(data["previews"])})


async def test(request: Request) -> JSONResponse:
    """Reach the host in the form (or, with no password typed, the one that is kept)."""
    data = await body(request, "kind", "password")
    config, password = studio_of(request).config(), str(data["password"])
    settings = _settings(data) if password or data["kind"] == "folder" else None
    label = await in_thread(online.test_connection, config, settings, password)
    return answer({"ok": True, "target": label})


async def keep(request: Request) -> JSONResponse:
    data = await body(request, "kind", "password", "site_url")
    studio = studio_of(request)
    config = await in_thread(
        online.set_up, studio.config(), _settings(data), str(data["password"]),
        str(data["site_url"]).strip(),
    )  # fmt: skip
    return answer({"settings": asdict(config.deploy), "site_url": config.podcast.site_url})


async def start(request: Request) -> JSONResponse:
    data = await body(request)
    studio = studio_of(request)
    if studio.runner.running:
        return answer({"error": presenters.busy_now(studio.runner.job)}, 409)
    studio.runner.deploy(
        allow_offline=studio.previews(data.get("allow_preview")),  # kept for next time
        force=bool(data.get("force")),  # her yes: replace files of hers, or remove many
    )
    return answer({"started": True}, 202)


routes = [
    Route("/api/online", state),
    Route("/api/online/test", test, methods=["POST"]),
    Route("/api/online/settings", keep, methods=["POST"]),
    Route("/api/online/previews", previews, methods=["POST"]),
    Route("/api/online", start, methods=["POST"]),
]
