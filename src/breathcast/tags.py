"""ID3 tags, written with mutagen: title, people, comment, cover art and chapters."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from mutagen.id3 import (
    APIC,
    CHAP,
    COMM,
    CTOC,
    ID3,
    TALB,
    TCON,
    TIT2,
    TPE1,
    CTOCFlags,
    ID3NoHeaderError,
    PictureType,
)


@dataclass(frozen=True)
class EpisodeTags:
    title: str
    artist: str
    album: str
    genre: str
    comment: str
    cover: tuple[bytes, str] | None = None  # (image data, MIME type)
    chapters: tuple[tuple[int, int, str], ...] = ()  # (start ms, end ms, title)


def write_tags(path: str | Path, tags: EpisodeTags) -> None:
    try:
        id3 = ID3(path)
    except ID3NoHeaderError:
        id3 = ID3()
    id3.clear()
    id3.add(TIT2(encoding=3, text=tags.title))
    id3.add(TPE1(encoding=3, text=tags.artist))
    id3.add(TALB(encoding=3, text=tags.album))
    id3.add(TCON(encoding=3, text=tags.genre))
    id3.add(COMM(encoding=3, lang="nld", desc="", text=tags.comment))
    if tags.cover:
        data, mime = tags.cover
        id3.add(APIC(encoding=3, mime=mime, type=PictureType.COVER_FRONT, desc="cover", data=data))
    if tags.chapters:
        ids = [f"chp{n}" for n in range(len(tags.chapters))]
        id3.add(
            CTOC(
                element_id="toc",
                flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED,
                child_element_ids=ids,
                sub_frames=[TIT2(encoding=3, text=tags.album)],
            )
        )
        for element_id, (start, end, title) in zip(ids, tags.chapters, strict=True):
            id3.add(
                CHAP(
                    element_id=element_id,
                    start_time=start,
                    end_time=end,
                    sub_frames=[TIT2(encoding=3, text=title)],
                )
            )
    id3.save(path, v2_version=3)
