"""Building from the studio: start, stop, the events of every build as they happen (and a
word when a build elsewhere starts or ends), and the episodes it made."""

from __future__ import annotations

import asyncio
import json

from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, StreamingResponse
from starlette.routing import Route

from breathcast.build import Manifest
from breathcast.core import Said, WorkspaceError
from breathcast.studio import presenters
from breathcast.studio.http import answer, body, studio_of

POLL_S = 0.5  # how often an event stream looks at the project for builds elsewhere
KEEPALIVE_S = 15.0  # a comment this often keeps proxies and the browser patient


async def start(request: Request) -> JSONResponse:
    data = await body(request)
    studio = studio_of(request)
    if studio.runner.running:
        return answer({"error": presenters.busy_now(studio.runner.job)}, 409)
    workspace = studio.workspace()
    paths = [str(workspace.path(str(name))) for name in data.get("scripts", [])]
    studio.runner.build(paths, force=bool(data.get("force")))
    return answer({"started": True}, 202)


async def cancel(request: Request) -> JSONResponse:
    """Stop what runs: a build, or putting the site online. What finished is kept."""
    return answer({"cancelled": studio_of(request).runner.stop()})


async def events(request: Request) -> StreamingResponse:
    """Server-sent events: first a greeting with this run's token (once a page has read it,
    it misses nothing that follows), then every build event, and `project_changed` when a
    build here or elsewhere (a terminal) starts or ends."""
    studio = studio_of(request)

    async def stream():
        hello = {"event": "hello", "instance": studio.token}
        with studio.runner.subscribe(hello) as queue:
            stamp = studio.project_stamp()
            quiet = 0.0
            while not studio.closing.is_set():
                try:
                    data = await asyncio.wait_for(queue.get(), timeout=POLL_S)
                except TimeoutError:
                    quiet += POLL_S
                    now = studio.project_stamp()
                    if now != stamp:
                        stamp = now
                        changed = {"event": "project_changed", "building": now[0]}
                        yield f"data: {json.dumps(changed)}\n\n"
                    elif quiet >= KEEPALIVE_S:
                        quiet = 0.0
                        yield ": still here\n\n"
                    continue
                quiet = 0.0
                yield f"data: {data}\n\n"

    return StreamingResponse(
        stream(), media_type="text/event-stream", headers={"Cache-Control": "no-store"}
    )


async def episode(request: Request) -> FileResponse:
    """An episode the build made (MP3 or Opus), with byte ranges; nothing else."""
    config = studio_of(request).config()
    relative = request.path_params["path"]
    opus = relative.endswith(".opus")
    mp3 = relative.removesuffix(".opus") + ".mp3" if opus else relative
    if mp3 not in Manifest.load(config.path("build")).entries:  # only what was built
        raise WorkspaceError(Said(f"no episode {relative}", "Deze aflevering is er (nog) niet."))
    media = "audio/ogg" if opus else "audio/mpeg"
    return FileResponse(config.path("build") / relative, media_type=media)


routes = [
    Route("/api/build", start, methods=["POST"]),
    Route("/api/build/cancel", cancel, methods=["POST"]),
    Route("/api/events", events),
    Route("/api/episodes/{path:path}", episode),
]
