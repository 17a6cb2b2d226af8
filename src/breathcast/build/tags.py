"""Tags, written with mutagen: title, people, comment, cover art and chapters, as ID3 in the
MP3 and as Vorbis comments in the Ogg Opus file."""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from pathlib import Path

from mutagen.flac import Picture
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
from mutagen.id3._tags import save_frame  # the one frame writer mutagen itself uses
from mutagen.oggopus import OggOpus

from breathcast.build.sidecars import timestamp


class _ChaptersInOrder(ID3):
    """ID3 that writes its CHAP frames in time order.

    mutagen orders frames by size when it saves, which scrambles chapters for readers that go
    by the frames' order and ignore the CTOC (ffmpeg, and everything built on it).
    """

    def _write(self, config):
        chapters = sorted(self.getall("CHAP"), key=lambda frame: frame.start_time)
        self.delall("CHAP")
        try:
            head = super()._write(config)
        finally:
            for frame in chapters:
                self.add(frame)
        return head + b"".join(save_frame(frame, config=config) for frame in chapters)


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
        id3 = _ChaptersInOrder(path)
    except ID3NoHeaderError:
        id3 = _ChaptersInOrder()
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


def write_opus_tags(path: str | Path, tags: EpisodeTags) -> None:
    """The same tags as Vorbis comments: the cover as a METADATA_BLOCK_PICTURE, and chapters
    as CHAPTERnnn / CHAPTERnnnNAME, which ffmpeg and most Ogg players read."""
    from PIL import Image  # only for the cover's size

    audio = OggOpus(path)
    audio.tags.clear()
    audio["TITLE"] = tags.title
    audio["ARTIST"] = tags.artist
    audio["ALBUM"] = tags.album
    audio["GENRE"] = tags.genre
    audio["COMMENT"] = tags.comment
    if tags.cover:
        data, mime = tags.cover
        picture = Picture()
        picture.type, picture.mime, picture.desc, picture.data = 3, mime, "cover", data
        with Image.open(io.BytesIO(data)) as image:
            picture.width, picture.height = image.size
            picture.depth = 24
        audio["METADATA_BLOCK_PICTURE"] = base64.b64encode(picture.write()).decode("ascii")
    for n, (start, _end, title) in enumerate(tags.chapters, start=1):
        audio[f"CHAPTER{n:03d}"] = timestamp(start, 1000)  # start is in milliseconds
        audio[f"CHAPTER{n:03d}NAME"] = title
    audio.save()
