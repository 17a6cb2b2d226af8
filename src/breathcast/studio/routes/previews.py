"""Hearing before building: one line, the episode from a line, a word as written, and the
episode's plan for the timeline picture."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, StreamingResponse
from starlette.routing import Route

from breathcast.core import RequestError, Said
from breathcast.script import Speech
from breathcast.studio import presenters
from breathcast.studio.http import answer, audio, in_thread, studio_of

MAX_SAY_CHARS = 300


async def line(request: Request) -> StreamingResponse:
    number, text = request.path_params["line"], request.query_params.get("text")

    def prepare():
        return studio_of(request).preview(request.path_params["name"], {number}).line(number, text)

    return audio(await in_thread(prepare))


async def from_here(request: Request) -> StreamingResponse:
    def prepare():
        studio = studio_of(request)
        preview = studio.preview(request.path_params["name"])
        pattern = studio.pattern(preview, request.query_params.get("ratio"))
        length = studio.length(preview, request.query_params.get("length"))
        return preview.from_line(pattern, request.path_params["line"], length)

    return audio(await in_thread(prepare))


async def timeline(request: Request) -> JSONResponse:
    def prepare() -> dict:
        studio = studio_of(request)
        preview = studio.preview(request.path_params["name"])
        pattern = studio.pattern(preview, request.query_params.get("ratio"))
        length = studio.length(preview, request.query_params.get("length"))
        return presenters.timeline(*preview.timeline(pattern, length))

    return answer(await in_thread(prepare))


async def say(request: Request) -> StreamingResponse:
    """A word as written, in the project's voice: the pronunciation list before and after."""
    text = " ".join(request.query_params.get("text", "").split())[:MAX_SAY_CHARS]
    if not text:
        raise RequestError(Said("nothing to say", "Er is niets om uit te spreken."))

    def prepare():
        return studio_of(request).preview_text(text).speech(Speech(text, 4))

    return audio(await in_thread(prepare))


routes = [
    Route("/api/scripts/{name}/line/{line:int}.wav", line),
    Route("/api/scripts/{name}/from/{line:int}.wav", from_here),
    Route("/api/scripts/{name}/timeline", timeline),
    Route("/api/say.wav", say),
]
