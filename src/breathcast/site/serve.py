"""A local static server for the site: HEAD and byte ranges, as podcast apps expect.

Python's `http.server` answers neither ranges nor 416; this handler adds both. It serves one
folder, on 127.0.0.1 unless told otherwise, and never a path outside that folder.
"""

from __future__ import annotations

import errno
import os
import re
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from breathcast.core import ServeError

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


class RangeRequestHandler(SimpleHTTPRequestHandler):
    extensions_map = {
        **SimpleHTTPRequestHandler.extensions_map,
        ".mp3": "audio/mpeg",
        ".opus": "audio/ogg",
        ".js": "text/javascript",
        ".vtt": "text/vtt",
        ".xml": "application/rss+xml",
        ".json": "application/json",
    }

    def send_head(self):
        header = self.headers.get("Range")
        path = self.translate_path(self.path)
        if header is None or not os.path.isfile(path):
            return super().send_head()
        size = os.path.getsize(path)
        match = _RANGE.match(header.strip())
        if not match or (not match.group(1) and not match.group(2)):
            return super().send_head()  # a form we do not serve in part: the whole file
        first, last = match.groups()
        if first:
            start, end = int(first), min(int(last), size - 1) if last else size - 1
        else:
            start, end = max(0, size - int(last)), size - 1
        if start >= size or start > end:
            self.send_response(HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE)
            self.send_header("Content-Range", f"bytes */{size}")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        handle = open(path, "rb")  # noqa: SIM115 - closed by copyfile's caller
        handle.seek(start)
        self.send_response(HTTPStatus.PARTIAL_CONTENT)
        self.send_header("Content-Type", self.guess_type(path))
        self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        self.send_header("Content-Length", str(end - start + 1))
        self.end_headers()
        self._remaining = end - start + 1
        return handle

    def end_headers(self):
        self.send_header("Accept-Ranges", "bytes")
        super().end_headers()

    def copyfile(self, source, outputfile):
        remaining, self._remaining = getattr(self, "_remaining", None), None
        try:
            if remaining is None:
                return super().copyfile(source, outputfile)
            while remaining > 0:
                chunk = source.read(min(64 * 1024, remaining))
                if not chunk:
                    break
                outputfile.write(chunk)
                remaining -= len(chunk)
        except (BrokenPipeError, ConnectionResetError):
            # A player that skips ahead or stops drops its connection mid-file: that is normal.
            self.close_connection = True

    def log_message(self, format, *args):  # quiet: one line per request is noise here
        pass


def make_server(
    folder: str | Path, port: int = 8000, host: str = "127.0.0.1"
) -> ThreadingHTTPServer:
    handler = partial(RangeRequestHandler, directory=str(Path(folder).resolve()))
    try:
        return ThreadingHTTPServer((host, port), handler)
    except OSError as exc:
        raise port_error(exc, host, port) from exc


def port_error(exc: OSError, host: str, port: int) -> ServeError:
    """Why `port` cannot be listened on, and what to do (for `serve` and the studio)."""
    if exc.errno == errno.EADDRINUSE:
        return ServeError(
            f"port {port} on {host} is already in use (another breathcast serve or studio?); "
            f"stop that one, or choose another port with --port {port + 1}"
        )
    return ServeError(f"cannot listen on {host}:{port}: {exc.strerror or exc}")
