"""Instellingen: every setting she changes, read and saved through the library (checked by
the rules the build uses, written with her comments kept), and her cover."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from breathcast.build import cover_image, put_cover
from breathcast.core import (
    SETTING_WORDS,
    RequestError,
    Said,
    save_settings,
    settings_choices,
    settings_values,
)
from breathcast.core.settings_file import FIELDS
from breathcast.studio.http import answer, body, in_thread, studio_of

COVER_UPLOAD = "/api/settings/cover"


def shown(config) -> dict:
    """The form: each field's value, its Dutch words, and what each choice offers."""
    return {
        "values": settings_values(config),
        "words": {name: SETTING_WORDS[table][key] for name, (table, key) in FIELDS.items()},
        "choices": settings_choices(config),
    }


async def read(request: Request) -> JSONResponse:
    return answer(await in_thread(shown, studio_of(request).config()))


async def save(request: Request) -> JSONResponse:
    data = await body(request, "values")
    if not isinstance(data["values"], dict):
        raise RequestError(Said("values must be an object", "Dit kan de studio niet lezen."))
    saved = await in_thread(save_settings, studio_of(request).config(), data["values"])
    return answer({**shown(saved.config), "changed": list(saved.changed)})


async def cover(request: Request) -> Response:
    """Her cover as it is now (or the calm one made from the title)."""
    config = studio_of(request).config()
    data, kind = await in_thread(
        cover_image, config.root, config.podcast.cover, config.podcast.title, ""
    )
    return Response(data, media_type=kind, headers={"Cache-Control": "no-store"})


async def upload_cover(request: Request) -> JSONResponse:
    """A new cover, checked as the build checks it, into music/ (refused at its field)."""
    data = await request.body()
    config = await in_thread(put_cover, studio_of(request).config(), data)
    return answer(shown(config))


routes = [
    Route("/api/settings", read),
    Route("/api/settings", save, methods=["POST"]),
    Route(COVER_UPLOAD, cover),
    Route(COVER_UPLOAD, upload_cover, methods=["POST"]),
]
