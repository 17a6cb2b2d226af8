"""The page itself, and where the project stands: its scripts, and whether a build runs."""

from __future__ import annotations

import json

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse
from starlette.routing import Route

from breathcast.site import deployed
from breathcast.studio import presenters
from breathcast.studio.http import answer, in_thread, studio_of
from breathcast.studio.security import TOKEN_HEADER
from breathcast.studio.status import project_state

_templates = Environment(
    loader=PackageLoader("breathcast", "studio/templates"), autoescape=select_autoescape()
)


async def page(request: Request) -> HTMLResponse:
    """The studio's one page, with this run's token and the Dutch words of every code."""
    studio = studio_of(request)
    html = _templates.get_template("studio.html").render(
        token=studio.token,
        title=studio.config().podcast.title,
        folder=str(studio.root.resolve()),  # she always sees which folder she works in
        header=TOKEN_HEADER,
        vocabulary=json.dumps(presenters.vocabulary(), ensure_ascii=False),
    )
    return HTMLResponse(html, headers={"Cache-Control": "no-store"})


async def ping(request: Request) -> JSONResponse:
    studio = studio_of(request)
    return answer({"instance": studio.token, "building": studio.runner.running})


async def overview(request: Request) -> JSONResponse:
    studio = studio_of(request)
    config = studio.config()
    state = await in_thread(project_state, config)
    data = presenters.overview(state, config, await in_thread(studio.busy))
    return answer({**data, "online": deployed(config)})


routes = [
    Route("/", page),
    Route("/api/ping", ping),
    Route("/api/overview", overview),
]
