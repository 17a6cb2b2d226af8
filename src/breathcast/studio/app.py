"""breathcast studio: the therapist's page, on her own computer. Thin: every route calls the
library (parse, check, voice, preview, build with events, publish) and turns its answer into
JSON or audio. The JSON API is documented in the README."""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import secrets
import tempfile
import threading
import time
from collections.abc import AsyncIterator
from dataclasses import asdict
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, StreamingResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from breathcast import publish as site
from breathcast.breath import BreathPattern
from breathcast.config import Config, load_config, remember
from breathcast.context import BuildContext
from breathcast.engines import Engine, choose_engine, get_engine
from breathcast.errors import (
    BreathcastError,
    ConflictError,
    PatternError,
    ScriptError,
    WorkspaceError,
)
from breathcast.lexicon import FILE_NAME as LEXICON_FILE
from breathcast.lexicon import Lexicon
from breathcast.manifest import Manifest
from breathcast.preview import Stretch, from_line, spoken_line, spoken_text, timeline_view
from breathcast.project import check_text, patterns_for
from breathcast.recording import import_reading, record_line
from breathcast.script import Script, Speech, parse_script
from breathcast.status import project_state
from breathcast.studio.runner import BuildRunner
from breathcast.studio.security import TOKEN_HEADER, TOO_LARGE_NL, BodyTooLarge, Guard
from breathcast.takes import TAKE_STATE_WORDS, TakeStore
from breathcast.workspace import Workspace

HERE = Path(__file__).resolve().parent
OFFLINE_RETRY_S = 60.0  # after Google did not answer, previews use espeak this long
MAX_SAY_CHARS = 300
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


class Studio:
    """What the routes share: the project, this run's token, the build, the engine memo."""

    def __init__(self, root: Path):
        self.root = root
        self.token = secrets.token_urlsafe(24)
        self.runner = BuildRunner(root)
        self.offline_until = 0.0
        self.closing = threading.Event()  # set when the studio stops: event streams end

    def config(self) -> Config:
        return load_config(self.root)  # read again each time: she may edit it

    def engine(self, context: BuildContext, script: Script, lines_of) -> Engine:
        """The script's engine for previews (her own voice: her takes, and espeak where she
        has none yet); after Google failed once, espeak for a minute instead of waiting on
        it again."""
        wanted = script.engine or context.config.engine
        name = "espeak" if wanted == "auto" and time.monotonic() < self.offline_until else wanted
        engine = choose_engine(
            name, context.config, lambda e: bool(lines_of(e)), lambda said: None, fill="espeak"
        )
        if wanted == "auto" and engine.name == "espeak":
            self.offline_until = time.monotonic() + OFFLINE_RETRY_S
        return engine


def _json(data, status: int = 200) -> JSONResponse:
    return JSONResponse(data, status_code=status)


def _problem(exc: BreathcastError, status: int = 400) -> JSONResponse:
    """A library error, for the page: Dutch where the library has it, and its line."""
    body = {"error": exc.said.nl, "detail": exc.said.en}
    if isinstance(exc, ScriptError):  # the page shows it at its line
        body.update(error=exc.detail.nl, line=exc.line)
    return _json(body, status)


async def _body(request: Request) -> dict:
    try:
        data = json.loads(await request.body() or b"{}")
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise WorkspaceError("the request is not a JSON object")
    return data


def _pattern(request: Request, script) -> BreathPattern:
    text = request.query_params.get("ratio")
    if not text:
        return patterns_for(script, load_config(request.app.state.studio.root))[0]
    return BreathPattern.parse(text)


def _audio(stretch: Stretch) -> StreamingResponse:
    return StreamingResponse(
        iterate_in_thread(stretch.wav()),
        media_type="audio/wav",
        headers={"Content-Length": str(stretch.size), "Cache-Control": "no-store"},
    )


async def iterate_in_thread(chunks):
    """Render each chunk in a worker thread, so the studio stays responsive while it plays."""
    sentinel = object()
    while (chunk := await run_in_threadpool(next, chunks, sentinel)) is not sentinel:
        yield chunk


def create_app(root: Path, hosts: set[str], origins: set[str]) -> Guard:
    """The studio for the project at `root`, answering only on `hosts` (host:port) and taking
    writes only from `origins`."""
    studio = Studio(Path(root))
    env = Environment(
        loader=PackageLoader("breathcast", "studio/templates"), autoescape=select_autoescape()
    )

    async def page(request: Request) -> HTMLResponse:
        config = studio.config()
        html = env.get_template("studio.html").render(
            token=studio.token, title=config.podcast.title, header=TOKEN_HEADER
        )
        return HTMLResponse(html, headers={"Cache-Control": "no-store"})

    async def ping(request: Request) -> JSONResponse:
        return _json({"instance": studio.token, "building": studio.runner.running})

    async def overview(request: Request) -> JSONResponse:
        state = await run_in_threadpool(project_state, studio.config())
        data = asdict(state)
        data["building"] = data["building"] or studio.runner.running
        config = studio.config()
        data["site_url"] = config.podcast.site_url
        data["engine"] = config.engine
        return _json(data)

    async def read_script(request: Request) -> JSONResponse:
        workspace = Workspace(studio.config())
        document = workspace.read(request.path_params["name"])
        checked = _checked(studio.config(), workspace, document.name, document.text)
        return _json({**asdict(document), **checked})

    async def check(request: Request) -> JSONResponse:
        data = await _body(request)
        workspace = Workspace(studio.config())
        name = str(data.get("name", "nieuw.md"))
        return _json(_checked(studio.config(), workspace, name, str(data.get("text", ""))))

    async def save_script(request: Request) -> JSONResponse:
        data = await _body(request)
        workspace = Workspace(studio.config())
        name = request.path_params["name"]
        try:
            saved = workspace.save(name, str(data.get("text", "")), str(data.get("version", "")))
        except ConflictError as exc:
            return _json(
                {
                    "error": "Dit bestand is intussen ook ergens anders veranderd. Beide "
                    "versies staan hieronder: kies welke je houdt.",
                    "disk_text": exc.disk_text,
                    "disk_version": exc.disk_version,
                },
                409,
            )
        return _json({**asdict(saved), **_checked(studio.config(), workspace, name, saved.text)})

    async def keep(request: Request) -> JSONResponse:
        data = await _body(request)
        workspace = Workspace(studio.config())
        version = workspace.keep(request.path_params["name"], str(data["text"]).encode("utf-8"))
        return _json(asdict(version))

    async def history(request: Request) -> JSONResponse:
        workspace = Workspace(studio.config())
        return _json([asdict(v) for v in workspace.history(request.path_params["name"])])

    async def earlier(request: Request) -> JSONResponse:
        workspace = Workspace(studio.config())
        text = workspace.earlier(request.path_params["name"], request.path_params["version"])
        return _json({"text": text})

    def _saved(name: str):
        config = studio.config()
        workspace = Workspace(config)
        document = workspace.read(name)
        return config, parse_script(document.text, workspace.path(name))

    async def line_audio(request: Request) -> StreamingResponse:
        line, text = request.path_params["line"], request.query_params.get("text")

        def prepare() -> Stretch:
            config, script = _saved(request.path_params["name"])
            context = BuildContext.open(config)
            engine = studio.engine(
                context,
                script,
                lambda e: [
                    s
                    for s in context.missing_lines(script, e)
                    if s.line == line and text in (None, s.text)
                ],
            )
            return spoken_line(context, script, engine, line, text)

        return _audio(await run_in_threadpool(prepare))

    async def take_audio(request: Request) -> StreamingResponse:
        line, text = request.path_params["line"], request.query_params.get("text")

        def prepare() -> Stretch:
            config, script = _saved(request.path_params["name"])
            context = BuildContext.open(config)
            return spoken_line(context, script, get_engine("opname", config), line, text)

        return _audio(await run_in_threadpool(prepare))

    async def record_take(request: Request) -> JSONResponse:
        name, line = request.path_params["name"], request.path_params["line"]
        async with _uploaded(request) as upload:

            def keep() -> dict:
                config, script = _saved(name)
                text = request.query_params.get("text")
                take = record_line(config, script.path, line, upload, text, source="studio")
                return {"take": asdict(take), "spoken": _spoken(config, script)}

            return _json(await run_in_threadpool(keep))

    async def import_reading_file(request: Request) -> JSONResponse:
        name = request.path_params["name"]
        async with _uploaded(request) as upload:

            def run() -> dict:
                config, script = _saved(name)
                report = import_reading(config, script.path, upload)
                lines = [
                    {
                        "line": placed.speech.line,
                        "text": placed.speech.text,
                        "start_s": placed.placed.start_s,
                        "end_s": placed.placed.end_s,
                        "sure": placed.placed.confident,
                        "repeated_at_s": placed.placed.repeated_at_s,
                    }
                    for placed in report.lines
                ]
                return {
                    "new_takes": report.new_takes,
                    "lines": lines,
                    "spoken": _spoken(config, script),
                }

            return _json(await run_in_threadpool(run))

    async def from_here(request: Request) -> StreamingResponse:
        def prepare() -> Stretch:
            config, script = _saved(request.path_params["name"])
            context = BuildContext.open(config)
            engine = studio.engine(context, script, lambda e: context.missing_lines(script, e))
            pattern = _pattern(request, script)
            return from_line(context, script, pattern, engine, request.path_params["line"])

        return _audio(await run_in_threadpool(prepare))

    async def timeline(request: Request) -> JSONResponse:
        def prepare() -> dict:
            config, script = _saved(request.path_params["name"])
            context = BuildContext.open(config)
            engine = studio.engine(context, script, lambda e: context.missing_lines(script, e))
            return timeline_view(context, script, _pattern(request, script), engine)

        return _json(await run_in_threadpool(prepare))

    async def episode_audio(request: Request) -> FileResponse | JSONResponse:
        config = studio.config()
        relative = request.path_params["path"]
        opus = relative.endswith(".opus")
        mp3 = relative.removesuffix(".opus") + ".mp3" if opus else relative
        if mp3 not in Manifest.load(config.path("build")).entries:  # only what was built
            return _json({"error": "Deze aflevering is er (nog) niet."}, 404)
        media = "audio/ogg" if opus else "audio/mpeg"
        return FileResponse(config.path("build") / relative, media_type=media)

    async def read_lexicon(request: Request) -> JSONResponse:
        workspace = Workspace(studio.config())
        document = workspace.read(LEXICON_FILE)
        return _json({**asdict(document), **_lexicon_check(workspace, document.text)})

    async def save_lexicon(request: Request) -> JSONResponse:
        data = await _body(request)
        workspace = Workspace(studio.config())
        try:
            saved = workspace.save(LEXICON_FILE, str(data.get("text", "")), str(data["version"]))
        except ConflictError as exc:
            return _json(
                {"error": "De uitspraaklijst is intussen ergens anders veranderd.",
                 "disk_text": exc.disk_text, "disk_version": exc.disk_version},
                409,
            )  # fmt: skip
        return _json({**asdict(saved), **_lexicon_check(workspace, saved.text)})

    async def say(request: Request) -> StreamingResponse:
        text = " ".join(request.query_params.get("text", "").split())[:MAX_SAY_CHARS]
        if not text:
            return _json({"error": "Er is niets om uit te spreken."}, 400)

        def prepare() -> Stretch:
            config = studio.config()
            context = BuildContext.open(config, Lexicon())  # as written: no pronunciations
            script = parse_script(f"---\ntitle: uitspraak\n---\n{text}\n", "uitspraak")
            engine = studio.engine(context, script, lambda e: context.missing_lines(script, e))
            return spoken_text(context, script, engine, Speech(text, 4))

        return _audio(await run_in_threadpool(prepare))

    async def start_build(request: Request) -> JSONResponse:
        data = await _body(request)
        if studio.runner.running:
            return _json({"error": "Er wordt al gebouwd."}, 409)
        workspace = Workspace(studio.config())
        names = [str(n) for n in data.get("scripts", [])]
        paths = [str(workspace.path(n)) for n in names]
        studio.runner.start(paths, force=bool(data.get("force")))
        return _json({"started": True}, 202)

    async def cancel_build(request: Request) -> JSONResponse:
        return _json({"cancelled": studio.runner.stop()})

    async def events(request: Request) -> StreamingResponse:
        listener = studio.runner.listen()
        queue = listener[1]

        async def stream():
            try:
                yield f"event: hello\ndata: {json.dumps({'instance': studio.token})}\n\n"
                for data in list(studio.runner.last) if studio.runner.running else []:
                    yield f"data: {data}\n\n"
                quiet = 0.0
                while not studio.closing.is_set():
                    try:
                        data = await asyncio.wait_for(queue.get(), timeout=0.5)
                    except TimeoutError:
                        quiet += 0.5
                        if quiet >= 15:  # keeps proxies and the browser patient
                            quiet = 0.0
                            yield ": still here\n\n"
                        continue
                    quiet = 0.0
                    yield f"data: {data}\n\n"
            finally:
                studio.runner.listeners.discard(listener)

        return StreamingResponse(
            stream(), media_type="text/event-stream", headers={"Cache-Control": "no-store"}
        )

    async def publish(request: Request) -> JSONResponse:
        data = await _body(request)
        config = studio.config()
        address = str(data.get("site_url") or config.podcast.site_url).strip()

        def run() -> str:
            site.site_address(config, address)  # refuse a bad address before saving it
            if address != config.podcast.site_url:
                remember(config, "podcast", "site_url", address)
            allow = bool(data.get("allow_preview"))
            return str(site.publish(load_config(studio.root), address, None, allow))

        await run_in_threadpool(run)
        return _json({"page": "/site/index.html", "feed": "/site/feed.xml", "site_url": address})

    async def failed(request: Request, exc: BreathcastError) -> JSONResponse:
        """Every library error as JSON, in Dutch where the library has the words."""
        if isinstance(exc, WorkspaceError):
            return _problem(exc, 404)
        return _problem(exc, 400 if isinstance(exc, ScriptError | PatternError) else 422)

    routes = [
        Route("/", page),
        Route("/api/ping", ping),
        Route("/api/overview", overview),
        Route("/api/check", check, methods=["POST"]),
        Route("/api/scripts/{name}", read_script),
        Route("/api/scripts/{name}", save_script, methods=["PUT"]),
        Route("/api/scripts/{name}/keep", keep, methods=["POST"]),
        Route("/api/scripts/{name}/history", history),
        Route("/api/scripts/{name}/history/{version}", earlier),
        Route("/api/scripts/{name}/line/{line:int}.wav", line_audio),
        Route("/api/scripts/{name}/from/{line:int}.wav", from_here),
        Route("/api/scripts/{name}/takes/{line:int}.wav", take_audio),
        Route("/api/scripts/{name}/takes/{line:int}", record_take, methods=["POST"]),
        Route("/api/scripts/{name}/reading", import_reading_file, methods=["POST"]),
        Route("/api/scripts/{name}/timeline", timeline),
        Route("/api/episodes/{path:path}", episode_audio),
        Route("/api/lexicon", read_lexicon),
        Route("/api/lexicon", save_lexicon, methods=["PUT"]),
        Route("/api/say.wav", say),
        Route("/api/build", start_build, methods=["POST"]),
        Route("/api/build/cancel", cancel_build, methods=["POST"]),
        Route("/api/events", events),
        Route("/api/publish", publish, methods=["POST"]),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
        Mount("/site", StaticFiles(directory=studio.root / "build" / "site", check_dir=False)),
    ]

    async def too_large(request: Request, exc: BodyTooLarge) -> JSONResponse:
        """A body that outgrew its limit as it arrived (one without a length said upfront)."""
        return _json({"error": TOO_LARGE_NL, "reason": "body too large"}, 413)

    app = Starlette(
        routes=routes, exception_handlers={BreathcastError: failed, BodyTooLarge: too_large}
    )
    app.state.studio = studio
    return Guard(app, hosts, origins, studio.token)


def _checked(config: Config, workspace: Workspace, name: str, text: str) -> dict:
    """The same parser and advice as `breathcast check`, at their lines, in Dutch."""
    result = check_text(config, workspace.path(name), text)
    spoken = _spoken(config, result.script) if result.script is not None else []
    patterns = [str(p) for p in patterns_for(result.script, config)] if result.script else []
    return {
        "errors": [
            {"line": e.line, "message": e.detail.en, "nl": e.detail.nl} for e in result.errors
        ],
        "notes": [
            {"line": n.line, "message": n.detail.en, "nl": n.detail.nl} for n in result.notes
        ],
        "spoken": spoken,
        "ratios": patterns,
        "engine": (result.script.engine if result.script else None) or config.engine,
    }


def _spoken(config: Config, script: Script) -> list[dict]:
    """Everything the voice says, in order (the lines, then each breathing cue), with where
    her take of it stands."""
    said = len(script.speech)
    return [
        {
            "line": line.speech.line,
            "text": line.speech.text,
            "cue": index >= said,
            "take": line.state.value,
            "take_words": TAKE_STATE_WORDS[line.state],
            "take_source": line.take.source if line.take else None,
        }
        for index, line in enumerate(TakeStore.of(config).lines(script))
    ]


@contextlib.asynccontextmanager
async def _uploaded(request: Request) -> AsyncIterator[Path]:
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


def _lexicon_check(workspace: Workspace, text: str) -> dict:
    from breathcast.lexicon import parse_lexicon

    try:
        lexicon = parse_lexicon(text, workspace.path(LEXICON_FILE))
    except ScriptError as exc:
        return {
            "errors": [{"line": exc.line, "message": exc.detail.en, "nl": exc.detail.nl}],
            "entries": [],
        }
    return {
        "errors": [],
        "entries": [{"word": w, "say": s, "line": n} for w, s, n in lexicon.entries],
    }
