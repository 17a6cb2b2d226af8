"""ID3 tags, written with mutagen."""

from __future__ import annotations

from pathlib import Path

from mutagen.id3 import COMM, ID3, TIT2, ID3NoHeaderError


def write_tags(path: str | Path, title: str, comment: str) -> None:
    try:
        tags = ID3(path)
    except ID3NoHeaderError:
        tags = ID3()
    tags.setall("TIT2", [TIT2(encoding=3, text=title)])
    tags.setall("COMM", [COMM(encoding=3, lang="nld", desc="", text=comment)])
    tags.save(path, v2_version=3)
