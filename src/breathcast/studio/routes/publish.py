"""Publishing from the studio: the address and her e-mail are asked for where she publishes,
once, and remembered; so is her yes to the computer voice."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from breathcast.core import save_settings
from breathcast.site import publish as site
from breathcast.studio.http import answer, body, in_thread, studio_of


async def publish(request: Request) -> JSONResponse:
    """Publish, with what she filled in where she publishes (the site address, her e-mail)
    checked and remembered first; whatever still stands in the way is said at once, with
    the fields it needs (`needs`)."""
    data = await body(request)
    studio = studio_of(request)
    given = {name: str(data.get(name) or "").strip() for name in ("site_url", "owner_email")}
    given = {name: value for name, value in given.items() if value}

    def run() -> str:
        config = studio.config()
        if given:
            config = save_settings(config, given).config  # at its field if it is not right
        previews = studio.previews(data.get("allow_preview"))  # her yes, kept for next time
        site.publish(config, None, None, previews)
        return config.podcast.site_url

    address = await in_thread(run)
    return answer({"page": "/site/index.html", "feed": "/site/feed.xml", "site_url": address})


routes = [Route("/api/publish", publish, methods=["POST"])]
