"""Her pronunciation list: read and save, each entry checked as she writes."""

from __future__ import annotations

from dataclasses import asdict

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from breathcast.core import ScriptError
from breathcast.script import FILE_NAME, parse_lexicon
from breathcast.studio import presenters
from breathcast.studio.http import answer, body, studio_of
from breathcast.studio.workspace import Document, Workspace


def _shown(workspace: Workspace, document: Document) -> dict:
    try:
        parsed = parse_lexicon(document.text, workspace.path(FILE_NAME))
    except ScriptError as exc:
        return {**asdict(document), **presenters.lexicon(exc)}
    return {**asdict(document), **presenters.lexicon(parsed)}


async def read(request: Request) -> JSONResponse:
    workspace = studio_of(request).workspace()
    return answer(_shown(workspace, workspace.read(FILE_NAME)))


async def save(request: Request) -> JSONResponse:
    data = await body(request, "text", "version")
    workspace = studio_of(request).workspace()
    saved = workspace.save(FILE_NAME, str(data["text"]), str(data["version"]))
    return answer(_shown(workspace, saved))


routes = [
    Route("/api/lexicon", read),
    Route("/api/lexicon", save, methods=["PUT"]),
]
