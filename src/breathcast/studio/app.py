"""breathcast studio: the therapist's page, on her own computer. Thin: every route (in
`routes/`, one module per resource) calls the library and shapes its answer with
`presenters`; every library error becomes one JSON answer here. The API is in the README."""

from __future__ import annotations

from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from breathcast.core import (
    BreathcastError,
    ConflictError,
    PatternError,
    ProjectLockedError,
    RequestError,
    ScriptError,
    SettingsError,
    WorkspaceError,
)
from breathcast.studio import presenters
from breathcast.studio.routes import (
    build,
    lexicon,
    online,
    previews,
    project,
    publish,
    scripts,
    settings,
    takes,
)
from breathcast.studio.security import TOO_LARGE_NL, BodyTooLarge, Guard
from breathcast.studio.session import Studio

HERE = Path(__file__).resolve().parent
STATUS = {  # the answer for each kind of library error; any other is 422
    WorkspaceError: 404,
    ConflictError: 409,
    ProjectLockedError: 409,  # a build, publish or deploy is running
    ScriptError: 400,
    PatternError: 400,
    RequestError: 400,
    SettingsError: 400,  # said at its fields; nothing was saved
}


def create_app(root: Path, hosts: set[str], origins: set[str]) -> Guard:
    """The studio for the project at `root`, answering only on `hosts` (host:port) and taking
    writes only from `origins`."""
    studio = Studio(Path(root))
    site = studio.config().path("build") / "site"
    routes = [
        *project.routes,
        *scripts.routes,
        *previews.routes,
        *takes.routes,
        *lexicon.routes,
        *build.routes,
        *publish.routes,
        *online.routes,
        *settings.routes,
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
        Mount("/site", StaticFiles(directory=site, check_dir=False)),
    ]
    app = Starlette(
        routes=routes, exception_handlers={BreathcastError: failed, BodyTooLarge: too_large}
    )
    app.state.studio = studio
    return Guard(app, hosts, origins, studio.token)


async def failed(request: Request, exc: BreathcastError) -> JSONResponse:
    """Every library error as JSON, in Dutch, at its line where it has one."""
    status = next((code for kind, code in STATUS.items() if isinstance(exc, kind)), 422)
    return presenters.problem(exc, status)


async def too_large(request: Request, exc: BodyTooLarge) -> JSONResponse:
    """A body that outgrew its limit as it arrived (one without a length said upfront)."""
    return JSONResponse({"error": TOO_LARGE_NL, "reason": "body too large"}, status_code=413)
