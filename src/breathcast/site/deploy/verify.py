"""`deploy --verify`: what a podcast app and a listener would find at the public address,
checked. The feed and the page are read from there, and every file they name (the audio
and its alternates, transcripts, chapters, covers, the page's scripts and embed pages), and
every other file of the site that was sent, must answer a HEAD with 200 and its bytes."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import unquote

import requests

from breathcast.core import Said
from breathcast.site.deploy.plan import SiteFile

TIMEOUT_S = 20.0
AT_ONCE = 8  # HEAD requests in flight
_ATTRIBUTE = re.compile(r'\b(?:url|href|src|uri)="([^"]+)"')


def verify(address: str, site: dict[str, SiteFile]) -> list[Said]:
    """Every problem an app or a browser would meet at `address`; empty when there is none.
    `site` is what was sent: name -> its file here (for its size)."""
    pages = {}
    for name in ("feed.xml", "index.html"):
        url = f"{address}/{name}"
        try:
            response = requests.get(url, timeout=TIMEOUT_S)
            response.raise_for_status()
        except requests.RequestException as exc:
            return [
                Said(
                    f"{url} cannot be read ({exc}); is the host serving the folder at that "
                    "address?",
                    f"{url} is niet te lezen. Klopt het adres van je website?",
                )
            ]
        pages[name] = response.text
    wanted = {n: f.size for n, f in site.items()}
    for text in pages.values():
        for reference in named(text, address):
            wanted.setdefault(reference, None)
    with ThreadPoolExecutor(AT_ONCE) as pool:
        found = pool.map(_head, [f"{address}/{n}" for n in sorted(wanted)],
                         [wanted[n] for n in sorted(wanted)])  # fmt: skip
        return [problem for problem in found if problem is not None]


def named(text: str, address: str) -> set[str]:
    """The site-relative names of the files a feed or page points to on this site: its own
    absolute URLs and its relative links (no other site, no anchor, no mail address)."""
    names = set()
    for value in _ATTRIBUTE.findall(text):
        value = value.replace("&amp;", "&").split("#")[0].split("?")[0]
        if value.startswith(address + "/"):
            value = value[len(address) + 1 :]
        elif ":" in value or value.startswith(("/", ".")):
            continue
        if value and not value.endswith("/"):
            names.add(unquote(value))
    return names


def _head(url: str, length: int | None) -> Said | None:
    try:
        answer = requests.head(url, timeout=TIMEOUT_S, allow_redirects=True)
    except requests.RequestException as exc:
        return Said(f"{url}: no answer ({exc})", f"{url} antwoordt niet.")
    size = answer.headers.get("Content-Length")
    if answer.status_code != 200 or (length is not None and size != str(length)):
        expected = f"; it has {length} bytes here" if length is not None else ""
        return Said(
            f"{url} answers {answer.status_code} with {size} bytes{expected}",
            f"{url} is niet goed te vinden op je website (de website antwoordt "
            f"{answer.status_code}).",
        )
    return None
