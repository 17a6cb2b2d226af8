"""Edit to ear in the studio: save one changed line, then the first audio byte of "speel vanaf
hier" at that line, over real HTTP, with a warm voice cache.

    python bench/studio.py

The studio runs in this process (uvicorn in a thread) on Water & Rust with the espeak voice,
and every clip already voiced except the edited line. Each round changes one line, saves it
(PUT), and times until the first bytes of audio arrive. Five rounds; the median is reported.
"""

from __future__ import annotations

import http.client
import json
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
LINE = "Neem deze paar minuten voor jezelf."


def main() -> None:
    import uvicorn

    sys.path.insert(0, str(REPO / "src"))
    from breathcast.build import BuildOptions, build
    from breathcast.core import load_config
    from breathcast.studio.app import create_app
    from breathcast.studio.server import listen

    project = Path(tempfile.mkdtemp(prefix="breathcast-studio-bench-"))
    (project / "scripts").mkdir()
    shutil.copy(REPO / "scripts" / "water-en-rust.md", project / "scripts")
    (project / "breathcast.toml").write_text('ratios = ["4:6"]\nengine = "espeak"\n')
    config = load_config(project)
    build(config, [], BuildOptions.resolve(config))  # voices every line: a warm cache
    sock = listen(0)
    port = sock.getsockname()[1]
    host = f"127.0.0.1:{port}"
    app = create_app(project, {host}, {f"http://{host}"})
    token = app.app.state.studio.token
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True).start()
    while not server.started:
        time.sleep(0.05)

    def request(method: str, path: str, body: dict | None = None):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        headers = {"X-Studio-Token": token, "Content-Type": "application/json"}
        conn.request(method, path, json.dumps(body) if body else None, headers)
        return conn, conn.getresponse()

    text = (project / "scripts" / "water-en-rust.md").read_text(encoding="utf-8")
    line = text[: text.index(LINE)].count("\n") + 1
    times = []
    for n in range(6):
        conn, response = request("GET", "/api/scripts/water-en-rust.md")
        version = json.loads(response.read())["version"]
        conn.close()
        edited = text.replace(LINE, f"Neem deze {n + 2} minuten voor jezelf.")
        started = time.perf_counter()
        conn, response = request(
            "PUT", "/api/scripts/water-en-rust.md", {"text": edited, "version": version}
        )
        response.read()
        conn.close()
        conn, response = request("GET", f"/api/scripts/water-en-rust.md/from/{line}.wav")
        first = response.read(44 + 4096)  # the WAV header and the first audio
        elapsed = time.perf_counter() - started
        conn.close()
        assert first.startswith(b"RIFF") and len(first) == 44 + 4096
        if n:  # the first round also starts espeak in this process
            times.append(elapsed)
    server.should_exit = True
    shutil.rmtree(project)
    print("Edit to ear in the studio (save one changed line, first audio of 'speel vanaf hier'):")
    print("| rounds | median | slowest |\n|---|---|---|")
    print(f"| {len(times)} | {statistics.median(times):.2f} s | {max(times):.2f} s |")


if __name__ == "__main__":
    main()
