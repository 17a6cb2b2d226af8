"""Tags as podcast apps and players read them back: ID3 in the MP3 (chapters in time order,
the cover as it was given) and the same as Vorbis comments in the Opus file."""

import base64
import io

import numpy as np
from mutagen.flac import Picture
from mutagen.id3 import ID3
from mutagen.oggopus import OggOpus
from PIL import Image

from breathcast.build.tags import EpisodeTags, write_opus_tags, write_tags
from breathcast.sound import ffmpeg
from breathcast.sound.mp3 import encode_mp3

SR = 44100
CHAPTERS = (
    (0, 61_000, "Aankomen"),
    (61_000, 62_500, "Een kort hoofdstuk"),
    (62_500, 70_000, "Ademen"),
)


def cover() -> tuple[bytes, str]:
    buffer = io.BytesIO()
    Image.new("RGB", (1400, 1400), (200, 220, 230)).save(buffer, "PNG")
    return buffer.getvalue(), "image/png"


TAGS = EpisodeTags(
    title="Water & Rust (in 4, uit 6)",
    artist="De eerste 1000 dagen",
    album="Rust & verbinding",
    genre="Meditation",
    comment="Stem: eigen opname",
    cover=cover(),
    chapters=CHAPTERS,
)


def test_id3_carries_every_tag_and_the_chapters_in_time_order(tmp_path):
    mp3 = tmp_path / "e.mp3"
    with mp3.open("wb") as out:
        encode_mp3([np.zeros(SR, np.float32)], out, SR, "128k")
    audio_bytes = mp3.read_bytes()
    write_tags(mp3, TAGS)
    tags = ID3(mp3)
    assert str(tags["TIT2"]) == TAGS.title and str(tags["TPE1"]) == TAGS.artist
    assert str(tags["TALB"]) == TAGS.album and str(tags["TCON"]) == TAGS.genre
    assert str(tags.getall("COMM")[0]) == TAGS.comment
    assert tags.getall("APIC")[0].data == TAGS.cover[0]  # the cover byte for byte
    (toc,) = tags.getall("CTOC")
    chapters = tags.getall("CHAP")  # in the order they stand in the file
    assert [(c.start_time, c.end_time, str(c.sub_frames["TIT2"])) for c in chapters] == list(
        CHAPTERS
    )  # time order, though the middle one is the smallest frame
    assert toc.child_element_ids == [c.element_id for c in chapters]
    assert mp3.read_bytes().endswith(audio_bytes)  # the audio itself is untouched


def test_the_opus_file_says_the_same_as_vorbis_comments(tmp_path):
    opus = tmp_path / "e.opus"
    pcm = np.zeros(SR, np.float32).tobytes()
    ffmpeg.run(
        [*ffmpeg.pcm_format(SR), "-i", "pipe:0", "-c:a", "libopus", str(opus)], pcm, "encode"
    )
    write_opus_tags(opus, TAGS)
    audio = OggOpus(opus)
    assert audio["TITLE"] == [TAGS.title] and audio["COMMENT"] == [TAGS.comment]
    picture = Picture(base64.b64decode(audio["METADATA_BLOCK_PICTURE"][0]))
    assert (picture.data, picture.width, picture.height) == (TAGS.cover[0], 1400, 1400)
    assert [audio[f"CHAPTER00{n}"][0] for n in (1, 2, 3)] == [
        "00:00:00.000",
        "00:01:01.000",
        "00:01:02.500",
    ]
    assert audio["CHAPTER002NAME"] == ["Een kort hoofdstuk"]
