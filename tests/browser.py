"""Real Chromium for the tests: Playwright driving Debian's chromium (its own browser
download is not reachable here), what a page logs and asks for, and axe-core's verdict.

`.ci/run` installs chromium; elsewhere the tests that need it skip before they start."""

from __future__ import annotations

import contextlib
import shutil
import threading
from pathlib import Path

import pytest

from breathcast.site import make_server

CHROMIUM_FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--autoplay-policy=no-user-gesture-required",
]  # fmt: skip
SHOTS = Path(__file__).resolve().parent.parent / "build" / "screenshots"
needs_chromium = [
    pytest.mark.browser,
    pytest.mark.skipif(
        shutil.which("chromium") is None,
        reason="chromium is not installed (apt-get install chromium)",
    ),
]


@contextlib.contextmanager
def chromium(*extra_flags: str):
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=shutil.which("chromium"), args=[*CHROMIUM_FLAGS, *extra_flags]
        )
        yield launched
        launched.close()


def watched(page, origin: str) -> tuple[list[str], list[str]]:
    """Console errors, and requests to anywhere but the site (or audio the page itself made:
    a `blob:` URL of the site's own origin)."""
    errors: list[str] = []
    strangers: list[str] = []
    page.on(
        "console",
        lambda m: errors.append(f"{m.text} {m.location['url']}") if m.type == "error" else None,
    )
    page.on("pageerror", lambda e: errors.append(str(e)))
    own = (origin, f"blob:{origin.rstrip('/')}/")
    page.on("request", lambda r: None if r.url.startswith(own) else strangers.append(r.url))
    return errors, strangers


def accessibility_violations(page, axe: Path) -> list[str]:
    """What axe-core (WCAG 2.1 A and AA rules) finds on the page, as `rule: target` lines."""
    page.add_script_tag(path=str(axe))
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a',"
        " 'wcag21aa']})"
    )
    assert len(result["passes"]) > 10  # it really checked: contrast, labels, lang, names…
    found = [f"{v['id']}: {n['target']}" for v in result["violations"] for n in v["nodes"]]
    print("\n".join(found))  # shown when a test fails
    return found


def screenshot(page, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


class Served:
    """A folder on 127.0.0.1, with HEAD and byte ranges (`breathcast serve`), in a thread."""

    def __init__(self, folder: Path):
        self.server = make_server(folder, 0)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
