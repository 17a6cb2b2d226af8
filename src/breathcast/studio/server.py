"""`breathcast studio`: the studio on 127.0.0.1, with uvicorn, until Ctrl-C."""

from __future__ import annotations

import socket
import threading
import webbrowser
from collections.abc import Callable
from pathlib import Path

from breathcast.core import load_config
from breathcast.site import port_error

HOST = "127.0.0.1"  # her computer only: never the network


def listen(port: int) -> socket.socket:
    """A socket on 127.0.0.1:`port` (0: any free port), or a `ServeError` that says why not."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    # A restarted studio takes its port back at once (no wait for old connections to close);
    # on Linux a second live listener is still refused.
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((HOST, port))
    except OSError as exc:
        sock.close()
        raise port_error(exc, HOST, port) from exc
    sock.listen(64)
    return sock


def serve_studio(
    root: Path, port: int, open_browser: bool, echo: Callable[[str], None] = print
) -> None:
    import uvicorn

    from breathcast.studio.app import create_app

    load_config(root)  # a broken breathcast.toml is said now, not on the first click
    sock = listen(port)
    port = sock.getsockname()[1]
    hosts = {f"{HOST}:{port}", f"localhost:{port}"}
    app = create_app(root, hosts, {f"http://{host}" for host in hosts})
    url = f"http://{HOST}:{port}/"
    echo(f"De studio staat klaar op {url}  (Ctrl-C stopt hem)")
    if open_browser:
        threading.Timer(0.3, webbrowser.open, args=[url]).start()
    studio = app.app.state.studio

    class StudioServer(uvicorn.Server):
        async def shutdown(self, sockets=None):
            studio.closing.set()  # open event streams end, so no connection is cut mid-answer
            await super().shutdown(sockets)

    config = uvicorn.Config(app, log_level="warning", lifespan="off", timeout_graceful_shutdown=2)
    try:
        StudioServer(config).run(sockets=[sock])
    except KeyboardInterrupt:
        pass  # Ctrl-C: uvicorn has shut down gracefully and passes the signal on
    finally:
        runner = studio.runner
        if runner.stop():
            echo("De build wordt gestopt; wat af was, blijft bewaard.")
        runner.join(30)
        sock.close()
        echo("De studio is gestopt.")
