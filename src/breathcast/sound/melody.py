"""The recurring melody that opens every exercise (and closes all but the bedtime ones): a few
soft bell notes in the chime's timbre, falling by a minor third, the interval children's
songs and lullabies are built on. The same samples in every episode: hearing it again is
part of the ritual (her blog: "herkenning geeft veiligheid").

`[sound] melody` turns it off ("") or puts her own short file from music/ in its place.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path, PurePosixPath

import numpy as np

from breathcast.core import ConfigError, Said, SoundSettings
from breathcast.script import MUSIC_FOLDER
from breathcast.sound import ffmpeg
from breathcast.sound.dsp import raised_cosine, speech_rms, trim_silence

SYNTHESIZED = "chime"
G4, A4, E4 = 392.00, 440.00, 329.63
# (pitch, onset in seconds): sol-mi, then sol-la-sol-mi, unhurried.
NOTES = ((G4, 0.0), (E4, 0.8), (G4, 1.9), (A4, 2.5), (G4, 3.1), (E4, 3.9))
RING_S = 1.4  # the last note rings this long: 5.3 s in all
DECAY_S = 0.55  # each note's ring-out, like the chime's, a little longer
ATTACK_S = 0.012
RELEASE_S = 0.25
LONGEST_OWN_S = 8.0  # her own melody is cut to this, with a soft end


def melody_clip(sound: SoundSettings, root: Path) -> np.ndarray | None:
    """The melody at its level under the voice, or None when `[sound] melody` is off."""
    if not sound.melody:
        return None
    if sound.melody == SYNTHESIZED:
        clip = _synthesized(sound.sample_rate)
    else:
        path = root / sound.melody
        stamp = path.stat().st_mtime_ns if path.is_file() else 0
        clip = _own(root, sound.melody, sound.sample_rate, stamp)
    target = 10 ** ((sound.speech_level_dbfs + sound.melody_level_db) / 20)
    rms = speech_rms(clip, sound.sample_rate)
    return (clip * np.float32(target / rms if rms > 0 else 0.0)).astype(np.float32)


@lru_cache(maxsize=4)
def _synthesized(sample_rate: int) -> np.ndarray:
    last = NOTES[-1][1]
    n = round((last + RING_S) * sample_rate)
    out = np.zeros(n)
    for pitch, onset in NOTES:
        start = round(onset * sample_rate)
        t = np.arange(n - start) / sample_rate
        envelope = np.exp(-t / DECAY_S)
        attack = round(ATTACK_S * sample_rate)
        envelope[:attack] *= raised_cosine(attack)
        # A sine and a faint inharmonic partial that dies away first: the chime's timbre.
        wave = np.sin(2 * np.pi * pitch * t)
        wave += 0.15 * np.exp(-t / 0.1) * np.sin(2 * np.pi * 2.76 * pitch * t)
        out[start:] += envelope * wave
    release = round(RELEASE_S * sample_rate)
    out[-release:] *= raised_cosine(release)[::-1]  # it ends on zero: no click
    clip = out.astype(np.float32)
    clip.flags.writeable = False  # the same array for every episode of this process
    return clip


@lru_cache(maxsize=4)
def _own(root: Path, value: str, sample_rate: int, stamp: int) -> np.ndarray:
    """Her own melody from music/, trimmed of silence, at most LONGEST_OWN_S, soft edges
    (decoded once a process for each version of the file, `stamp`)."""
    parts = PurePosixPath(value).parts
    path = (root / value).resolve()
    if (
        ".." in parts
        or parts[:1] != (MUSIC_FOLDER,)
        or not path.is_relative_to((root / MUSIC_FOLDER).resolve())
    ):
        raise ConfigError(
            Said(
                f"[sound] melody = {value!r} leads outside {MUSIC_FOLDER}/ (a link?); put the "
                f"file itself in {MUSIC_FOLDER}/",
                f"de melodie is een bestand in de map {MUSIC_FOLDER}",
            )
        )
    if not path.is_file():
        raise ConfigError(
            Said(
                f"[sound] melody = {value!r} in the settings: there is no such file; put it "
                f'in {MUSIC_FOLDER}/, or set melody = "chime"',
                f"de melodie {value} staat niet in de map {MUSIC_FOLDER}",
            )
        )
    clip = trim_silence(ffmpeg.decode_file(path, sample_rate), sample_rate)
    clip = clip[: round(LONGEST_OWN_S * sample_rate)].astype(np.float32)
    edge = min(round(RELEASE_S * sample_rate), clip.size // 2)
    if edge:
        clip[:edge] *= raised_cosine(edge).astype(np.float32)
        clip[-edge:] *= raised_cosine(edge)[::-1].astype(np.float32)
    return clip
