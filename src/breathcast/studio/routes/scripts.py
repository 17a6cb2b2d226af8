"""Her scripts: read, check while she types, save over a version, keep, history, and one
front-matter key set on the server."""

from __future__ import annotations

from dataclasses import asdict

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from breathcast.build import check_text
from breathcast.script import FRONT_WORDS, WRITING, set_key
from breathcast.studio import presenters
from breathcast.studio.http import answer, body, in_thread, studio_of
from breathcast.studio.workspace import Document


def _checked(request: Request, name: str, text: str) -> dict:
    config = studio_of(request).config()
    path = studio_of(request).workspace().path(name)
    return presenters.checked(config, check_text(config, path, text))


def _document(request: Request, document: Document) -> dict:
    return {**asdict(document), **_checked(request, document.name, document.text)}


async def read(request: Request) -> JSONResponse:
    document = studio_of(request).workspace().read(request.path_params["name"])
    return answer(await in_thread(_document, request, document))


async def check(request: Request) -> JSONResponse:
    data = await body(request, "text")
    name = str(data.get("name") or "nieuw.md")
    return answer(await in_thread(_checked, request, name, str(data["text"])))


async def save(request: Request) -> JSONResponse:
    data = await body(request, "text", "version")
    workspace = studio_of(request).workspace()
    saved = workspace.save(request.path_params["name"], str(data["text"]), str(data["version"]))
    return answer(await in_thread(_document, request, saved))


async def set_front_matter(request: Request) -> JSONResponse:
    """Keys of the front matter (`key` and `value`, or several as `keys`), set through the
    parser: every other byte stays, and a value the parser refuses saves nothing."""
    data = await body(request, "version")
    keys = data.get("keys")
    if not isinstance(keys, dict):
        keys = {str((await body(request, "key"))["key"]): data.get("value")}
    name = request.path_params["name"]
    workspace = studio_of(request).workspace()
    text = workspace.read(name).text
    for key, value in keys.items():
        value = None if value is None else str(value)
        text = set_key(text, str(key), value, workspace.path(name))
    saved = workspace.save(name, text, str(data["version"]))
    return answer(await in_thread(_document, request, saved))


async def writing_help(request: Request) -> JSONResponse:
    """Hulp: how to write an exercise, each part with a Dutch example (from the library, as
    the reference says it), and what each front-matter key is for."""
    return answer({"writing": [asdict(h) for h in WRITING], "front": FRONT_WORDS})


async def create(request: Request) -> JSONResponse:
    """Nieuwe oefening: a starting text under a name made from the title."""
    data = await body(request, "title")
    document = studio_of(request).workspace().create(str(data["title"]))
    return answer(await in_thread(_document, request, document))


async def copy(request: Request) -> JSONResponse:
    document = studio_of(request).workspace().copy(request.path_params["name"])
    return answer(await in_thread(_document, request, document))


async def remove(request: Request) -> JSONResponse:
    """Weghalen: into the bin, never deleted."""
    binned = studio_of(request).workspace().remove(request.path_params["name"])
    return answer(asdict(binned))


async def bin_contents(request: Request) -> JSONResponse:
    return answer([asdict(b) for b in studio_of(request).workspace().binned()])


async def restore(request: Request) -> JSONResponse:
    document = studio_of(request).workspace().restore(request.path_params["id"])
    return answer(await in_thread(_document, request, document))


async def keep(request: Request) -> JSONResponse:
    data = await body(request, "text")
    workspace = studio_of(request).workspace()
    version = workspace.keep(request.path_params["name"], str(data["text"]).encode("utf-8"))
    return answer(asdict(version))


async def history(request: Request) -> JSONResponse:
    workspace = studio_of(request).workspace()
    return answer([asdict(v) for v in workspace.history(request.path_params["name"])])


async def earlier(request: Request) -> JSONResponse:
    workspace = studio_of(request).workspace()
    text = workspace.earlier(request.path_params["name"], request.path_params["version"])
    return answer({"text": text})


routes = [
    Route("/api/check", check, methods=["POST"]),
    Route("/api/help", writing_help),
    Route("/api/scripts", create, methods=["POST"]),
    Route("/api/scripts/{name}/copy", copy, methods=["POST"]),
    Route("/api/scripts/{name}", remove, methods=["DELETE"]),
    Route("/api/bin", bin_contents),
    Route("/api/bin/{id}/restore", restore, methods=["POST"]),
    Route("/api/scripts/{name}", read),
    Route("/api/scripts/{name}", save, methods=["PUT"]),
    Route("/api/scripts/{name}/front", set_front_matter, methods=["POST"]),
    Route("/api/scripts/{name}/keep", keep, methods=["POST"]),
    Route("/api/scripts/{name}/history", history),
    Route("/api/scripts/{name}/history/{version}", earlier),
]
