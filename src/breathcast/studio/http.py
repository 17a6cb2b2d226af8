"""What every route does with a request and its answer: the studio it belongs to, a JSON
body with its fields, audio streamed as it is rendered, an upload written as it arrives."""

from __future__ import annotations

import contextlib
import json
import re
import tempfile
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, StreamingResponse

from breathcast.core import RequestError, Said
from breathcast.studio.preview import Stretch
from breathcast.studio.session import Studio

AUDIO_SUFFIXES = {  # what browsers record (MediaRecorder) and phones save
    "audio/webm": ".webm",
    "audio/ogg": ".ogg",
    "audio/mp4": ".m4a",
    "audio/x-m4a": ".m4a",
    "audio/aac": ".aac",
    "audio/mpeg": ".mp3",
    "audio/wav": ".wav",
    "audio/x-wav": ".wav",
    "audio/wave": ".wav",
    "audio/flac": ".flac",
}


def studio_of(request: Request) -> Studio:
    return request.app.state.studio


def answer(data: Any, status: int = 200) -> JSONResponse:
    return JSONResponse(data, status_code=status)


async def body(request: Request, *required: str) -> dict[str, Any]:
    """The request's JSON object, with every field in `required`; a `RequestError` (400)
    that says what is wrong otherwise."""
    try:
        data = json.loads(await request.body() or b"{}")
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise RequestError(
            Said("the request is not a JSON object", "Dit verzoek kan de studio niet lezen.")
        )
    missing = [name for name in required if name not in data]
    if missing:
        raise RequestError(
            Said(
                f"the request has no {', '.join(missing)}",
                "Er ontbreekt iets in dit verzoek; laad de pagina opnieuw.",
            )
        )
    return data


async def in_thread(work: Callable[..., Any], *args: Any) -> Any:
    """Library work (files, audio) off the event loop, so the studio stays responsive."""
    return await run_in_threadpool(work, *args)


def audio(stretch: Stretch) -> StreamingResponse:
    """A WAV file, rendered chunk by chunk while it plays; its length said upfront."""
    return StreamingResponse(
        _chunks_in_thread(stretch.wav()),
        media_type="audio/wav",
        headers={"Content-Length": str(stretch.size), "Cache-Control": "no-store"},
    )


async def _chunks_in_thread(chunks):
    sentinel = object()
    while (chunk := await run_in_threadpool(next, chunks, sentinel)) is not sentinel:
        yield chunk


@contextlib.asynccontextmanager
async def uploaded(request: Request) -> AsyncIterator[Path]:
    """The request's body (a recording) in a temporary file, written as it arrives; its
    name keeps the kind of audio (the browser's type, or the file name she chose)."""
    chosen = Path(request.query_params.get("filename", "")).suffix.lower()
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    suffix = chosen if re.fullmatch(r"\.[a-z0-9]{1,5}", chosen) else AUDIO_SUFFIXES.get(kind, "")
    with tempfile.TemporaryDirectory(prefix="breathcast-upload-") as folder:
        path = Path(folder) / f"opname{suffix}"
        with path.open("wb") as out:
            async for chunk in request.stream():
                out.write(chunk)
        yield path
