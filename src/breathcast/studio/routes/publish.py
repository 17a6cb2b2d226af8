"""Publishing from the studio: the address is asked for once and remembered, and so is her
yes to the computer voice."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from breathcast.core import load_config, public_address, remember
from breathcast.site import publish as site
from breathcast.studio.http import answer, body, in_thread, studio_of


async def publish(request: Request) -> JSONResponse:
    data = await body(request)
    studio = studio_of(request)
    config = studio.config()
    address = str(data.get("site_url") or config.podcast.site_url).strip()

    def run() -> None:
        public_address(config, address)  # refuse a bad address before saving it
        if address != config.podcast.site_url:
            remember(config, "podcast", {"site_url": address})
        previews = studio.previews(data.get("allow_preview"))  # her yes, kept for next time
        site.publish(load_config(studio.root), address, None, previews)

    await in_thread(run)
    return answer({"page": "/site/index.html", "feed": "/site/feed.xml", "site_url": address})


routes = [Route("/api/publish", publish, methods=["POST"])]
