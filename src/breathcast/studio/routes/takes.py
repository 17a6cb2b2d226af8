"""Her own voice: a take of one line through the microphone, listening to it, and a whole
reading cut into takes."""

from __future__ import annotations

from dataclasses import asdict

from starlette.requests import Request
from starlette.responses import JSONResponse, StreamingResponse
from starlette.routing import Route

from breathcast.core import EngineName
from breathcast.studio import presenters
from breathcast.studio.http import answer, audio, in_thread, studio_of, uploaded
from breathcast.voice import import_reading, record_line


async def listen(request: Request) -> StreamingResponse:
    number, text = request.path_params["line"], request.query_params.get("text")

    def prepare():
        preview = studio_of(request).preview(request.path_params["name"], engine=EngineName.OPNAME)
        return preview.line(number, text)

    return audio(await in_thread(prepare))


async def record(request: Request) -> JSONResponse:
    studio = studio_of(request)
    name, number = request.path_params["name"], request.path_params["line"]
    async with uploaded(request) as upload:

        def keep() -> dict:
            config, path = studio.config(), studio.workspace().path(name)
            text = request.query_params.get("text")
            take = record_line(config, path, number, upload, text, source="studio")
            script = studio.script(name)
            return {"take": asdict(take), "spoken": presenters.spoken(config, script)}

        return answer(await in_thread(keep))


async def reading(request: Request) -> JSONResponse:
    studio = studio_of(request)
    name = request.path_params["name"]
    async with uploaded(request) as upload:

        def cut() -> dict:
            config, path = studio.config(), studio.workspace().path(name)
            report = import_reading(config, path, upload)
            return presenters.imported(config, studio.script(name), report)

        return answer(await in_thread(cut))


routes = [
    Route("/api/scripts/{name}/takes/{line:int}.wav", listen),
    Route("/api/scripts/{name}/takes/{line:int}", record, methods=["POST"]),
    Route("/api/scripts/{name}/reading", reading, methods=["POST"]),
]
