"""The studio writes files on her computer, so every request is treated as possibly hostile.

- Only the studio's own address in the `Host` header (a page elsewhere cannot reach it by
  renaming a domain to 127.0.0.1: DNS rebinding).
- A write needs the token of this run of the studio, which only the studio's own page has,
  and an `Origin` (when the browser sends one) of the studio itself: no other site can post.
- Bodies have size limits, counted as they arrive.
"""

from __future__ import annotations

import json
import re

from starlette.types import ASGIApp, Message, Receive, Scope, Send

TOKEN_HEADER = "x-studio-token"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
TOO_LARGE_NL = "Dit is te groot voor de studio."
MAX_BODY = 2_000_000  # JSON and script text: a script is a few kB
# Her voice, uploaded as recorded: a line (minutes of WAV at most) or a whole reading (an
# hour of stereo WAV is 600 MB). Written to disk as it arrives, never held in memory.
UPLOADS = [
    (re.compile(r"/api/scripts/[^/]+/takes/\d+"), 100_000_000),
    (re.compile(r"/api/scripts/[^/]+/reading"), 1_000_000_000),
    (re.compile(r"/api/settings/cover"), 50_000_000),  # her cover: up to 3000 px, as saved
]


def body_limit(method: str, path: str) -> int:
    if method == "POST":
        for route, limit in UPLOADS:
            if route.fullmatch(path):
                return limit
    return MAX_BODY


class Guard:
    def __init__(self, app: ASGIApp, hosts: set[str], origins: set[str], token: str):
        self.app, self.hosts, self.origins, self.token = app, hosts, origins, token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        if headers.get("host", "") not in self.hosts:
            await _refuse(send, 400, "Deze pagina hoort niet bij de studio.", "unknown host")
            return
        if scope["method"] not in SAFE_METHODS:
            origin = headers.get("origin")
            if origin is not None and origin not in self.origins:
                await _refuse(send, 403, "Dit verzoek komt niet van de studio.", "foreign origin")
                return
            if headers.get(TOKEN_HEADER) != self.token:
                await _refuse(
                    send,
                    409 if headers.get(TOKEN_HEADER) else 403,
                    "De studio is opnieuw gestart. Laad de pagina opnieuw om verder te gaan; je "
                    "tekst van daarnet staat nog in dit venster.",
                    "stale page",
                )
                return
        limit = body_limit(scope["method"], scope["path"])
        declared = headers.get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await _refuse(send, 413, TOO_LARGE_NL, "body too large")
            return
        await self.app(scope, _counted(receive, limit), send)


class BodyTooLarge(Exception):
    """Raised while a body arrives, once it passes its limit: the app answers 413."""


def _counted(receive: Receive, limit: int) -> Receive:
    seen = 0

    async def wrapped() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise BodyTooLarge()
        return message

    return wrapped


async def _refuse(send: Send, status: int, nl: str, reason: str) -> None:
    body = json.dumps({"error": nl, "reason": reason}, ensure_ascii=False).encode("utf-8")
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
