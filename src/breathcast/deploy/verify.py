"""`deploy --verify`: what a podcast app would find at the public address, checked. The feed
is read from there and parsed, and every enclosure (the Opus alternates too) must answer a
HEAD with 200 and the byte length the feed states."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import requests

from breathcast.feedcheck import enclosures
from breathcast.words import Said

TIMEOUT_S = 20.0


def verify(address: str) -> list[Said]:
    """Every problem an app would meet at `address`; empty when there is none."""
    feed_url = f"{address}/feed.xml"
    try:
        response = requests.get(feed_url, timeout=TIMEOUT_S)
        response.raise_for_status()
        channel = ET.fromstring(response.content).find("channel")
    except (requests.RequestException, ET.ParseError) as exc:
        return [
            Said(
                f"{feed_url} cannot be read ({exc}); is the host serving the folder at that "
                "address?",
                f"De feed is niet te lezen op {feed_url}. Klopt het adres van je website?",
            )
        ]
    problems = []
    for item in channel.findall("item") if channel is not None else []:
        problems += filter(None, (_head(url, length) for url, length in enclosures(item)))
    return problems


def _head(url: str, length: int) -> Said | None:
    try:
        answer = requests.head(url, timeout=TIMEOUT_S, allow_redirects=True)
    except requests.RequestException as exc:
        return Said(f"{url}: no answer ({exc})", f"{url} antwoordt niet.")
    size = answer.headers.get("Content-Length")
    if answer.status_code != 200 or size != str(length):
        return Said(
            f"{url} answers {answer.status_code} with {size} bytes; the feed says {length}",
            f"{url} klopt niet: de feed zegt {length} bytes, de website geeft {size}.",
        )
    return None
