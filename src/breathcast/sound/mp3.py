"""MP3 encoding in this process, with LAME (`lameenc`), and the header players need.

LAME runs in a thread of its own and releases the GIL, so it encodes one chunk while the
caller renders the next. `lameenc` returns bare MPEG frames, so the first frame of the file is
written here: a Xing "Info" frame with a LAME tag that carries the frame count and the encoder
delay and padding. With it players know the exact length, and decoders trim the delay and the
padding away, so the decoded audio is sample for sample what was encoded (gapless).
"""

from __future__ import annotations

import queue
import re
import struct
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import BinaryIO

import numpy as np

from breathcast.core import AudioError

LAME_QUALITY = 3  # LAME's own default, which ffmpeg's libmp3lame also uses: 0 best, 9 fastest
FRAME_SAMPLES = 1152  # samples in one MPEG-1 Layer III frame
# Samples LAME puts before the audio (checked by the tests, to the sample); a decoder adds 529
# more, so 1105 in all where no LAME tag says so.
ENCODER_DELAY = 576
BITRATES_KBPS = (32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320)  # MPEG-1
MPEG1_RATES = (44100, 48000, 32000)
QUEUED_CHUNKS = 2  # rendered chunks waiting for the encoder: memory stays flat


def parse_bitrate(text: str) -> int:
    """`128k` (or `128000`) -> 128 kbps, one of the rates MPEG-1 Layer III has."""
    match = re.fullmatch(r"\s*(\d+)\s*(k?)\s*", str(text).lower())
    kbps = (int(match.group(1)) if match.group(2) else int(match.group(1)) // 1000) if match else 0
    if kbps not in BITRATES_KBPS:
        choices = ", ".join(f"{k}k" for k in BITRATES_KBPS if k >= 96)
        raise AudioError(
            f"bitrate = {text!r} is not an MP3 bitrate; set [sound] bitrate to one of {choices}"
        )
    return kbps


@dataclass(frozen=True)
class Mp3Stream:
    """What was written: the frame count and the samples, for the header and the checks."""

    frames: int
    samples: int
    audio_bytes: int


def crc16(data: bytes, crc: int = 0) -> int:
    """CRC-16 as the LAME tag uses it (polynomial 0x8005, reflected; CRC-16/ARC)."""
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc


def frame_size(kbps: int, sample_rate: int) -> int:
    """Bytes in one MPEG-1 Layer III frame without padding."""
    return 144000 * kbps // sample_rate


def info_frame(kbps: int, sample_rate: int, stream: Mp3Stream) -> bytes:
    """The Xing "Info" frame with a LAME tag, for a CBR mono stream of `stream.frames` frames.

    Layout: frame header, 17 bytes of (empty) side information, the Xing fields (frames,
    bytes, a linear table of contents, quality), then the 36-byte LAME tag whose encoder
    delay and padding fields (12 bits each) are what decoders read to trim the edges.
    """
    size = frame_size(kbps, sample_rate)
    header = (
        (0x7FF << 21)  # frame sync
        | (0b11 << 19)  # MPEG-1
        | (0b01 << 17)  # Layer III
        | (1 << 16)  # no CRC
        | (BITRATES_KBPS.index(kbps) + 1) << 12
        | MPEG1_RATES.index(sample_rate) << 10
        | (0b11 << 6)  # single channel
    )
    total = size + stream.audio_bytes
    padding = stream.frames * FRAME_SAMPLES - ENCODER_DELAY - stream.samples
    frame = bytearray(size)
    frame[0:4] = struct.pack(">I", header)
    at = 4 + 17  # the Xing fields follow the side information of a mono MPEG-1 frame
    toc = bytes(i * 256 // 100 for i in range(100))
    xing = b"Info" + struct.pack(">IIII", 0x0F, stream.frames, total, 0)[:12] + toc
    xing += struct.pack(">I", 100 - 10 * LAME_QUALITY)
    frame[at : at + len(xing)] = xing
    at += len(xing)
    tag = b"LAME3.100" + bytes([0x01, 0x00])  # tag revision 0, CBR; lowpass unknown
    tag += struct.pack(">IHH", 0, 0, 0)  # no peak or ReplayGain: loudness is in the audio
    tag += bytes([0x00, min(kbps, 255)])
    tag += bytes(
        [ENCODER_DELAY >> 4, (ENCODER_DELAY & 0xF) << 4 | padding >> 8 & 0xF, padding & 0xFF]
    )
    tag += bytes([0x00, 0x00]) + struct.pack(">H", 0)  # misc, MP3 gain, preset
    tag += struct.pack(">IH", total, 0)  # music length; its CRC is optional, and left 0
    frame[at : at + len(tag)] = tag
    at += len(tag)
    frame[at : at + 2] = struct.pack(">H", crc16(frame[:at]))
    return bytes(frame)


class FrameCounter:
    """Counts the MPEG frames of a stream that arrives in pieces, from their headers."""

    def __init__(self) -> None:
        self.frames = self.bytes = 0
        self._next = 0  # where the next frame header starts, in the whole stream
        self._kept, self._kept_at = b"", 0  # the bytes from _kept_at on that are still needed

    def feed(self, data: bytes) -> None:
        self._kept += data
        self.bytes += len(data)
        while self._next + 4 <= self.bytes:
            at = self._next - self._kept_at
            (header,) = struct.unpack(">I", self._kept[at : at + 4])
            if header >> 21 != 0x7FF:
                raise AudioError(f"the MP3 encoder wrote no frame header at byte {self._next}")
            kbps = BITRATES_KBPS[(header >> 12 & 0xF) - 1]
            rate = MPEG1_RATES[header >> 10 & 0b11]
            self._next += frame_size(kbps, rate) + (header >> 9 & 1)
            self.frames += 1
        keep_from = min(self._next, self.bytes)
        self._kept = self._kept[keep_from - self._kept_at :]
        self._kept_at = keep_from


# LAME's own low-pass by bitrate (lame.c, optimum_bandwidth): what it leaves out of the file
# is left out of its loudness too. Mono counts double (128 kbps mono cuts at 19.7 kHz, as
# measured on white noise: -0.5 dB at 19-20 kHz, -17 dB at 20-21 kHz).
LAME_LOWPASS_HZ = ((8, 2000), (16, 3700), (24, 3900), (32, 5500), (40, 7000), (48, 7500),
                   (56, 10000), (64, 11000), (80, 13500), (96, 15100), (112, 15600),
                   (128, 17000), (160, 17500), (192, 18600), (224, 19400), (256, 19700),
                   (320, 20500))  # fmt: skip


def lowpass_hz(bitrate: str, channels: int = 1) -> float:
    """Where LAME cuts the highs off at `bitrate`."""
    kbps = parse_bitrate(bitrate) * (2 if channels == 1 else 1)
    return float(min(LAME_LOWPASS_HZ, key=lambda pair: abs(pair[0] - kbps))[1])


def to_pcm16(chunk: np.ndarray) -> bytes:
    """Float samples (full scale 1.0) as 16-bit little-endian PCM, rounded and clipped."""
    scaled = np.multiply(chunk, 32767.0, dtype=np.float32)
    np.clip(scaled, -32768.0, 32767.0, out=scaled)
    return np.rint(scaled, out=scaled).astype("<i2").tobytes()


def encode_mp3(
    chunks: Iterable[np.ndarray],
    dest: BinaryIO,
    sample_rate: int,
    bitrate: str,
    pcm_listeners: Sequence[BinaryIO] = (),
) -> Mp3Stream:
    """Encode mono float chunks into `dest` (a seekable file, empty), as they come.

    Each chunk is made 16-bit once, here; LAME encodes it in a thread of its own (it releases
    the GIL), and every `pcm_listener` (a second encoder's stdin, say) gets the same bytes
    from a thread of its own, so neither waits on the other. The queues between them are
    bounded: memory stays flat. An error on any side stops them all and is raised here.
    """
    import lameenc  # only the build needs it

    kbps = parse_bitrate(bitrate)
    if sample_rate not in MPEG1_RATES:
        raise AudioError(
            f"sample_rate = {sample_rate}: MP3 episodes need 44100, 48000 or 32000 Hz; "
            "keep [sound] sample_rate = 44100"
        )
    encoder = lameenc.Encoder()
    encoder.set_bit_rate(kbps)
    encoder.set_in_sample_rate(sample_rate)
    encoder.set_channels(1)
    encoder.set_quality(LAME_QUALITY)
    dest.write(bytes(frame_size(kbps, sample_rate)))  # room for the Info frame
    frames = FrameCounter()
    samples = 0
    failed: list[BaseException] = []

    def encode(chunk: bytes) -> None:
        nonlocal samples
        samples += len(chunk) // 2
        data = bytes(encoder.encode(chunk))
        dest.write(data)
        frames.feed(data)

    def flush() -> None:
        if samples:  # lameenc refuses to flush what never started
            data = bytes(encoder.flush())
            dest.write(data)
            frames.feed(data)

    workers: list[_Worker] = []
    try:  # every worker that started is closed, whatever happens
        workers.append(_Worker("mp3-encoder", encode, flush, failed))
        for listener in pcm_listeners:
            workers.append(_Worker("pcm-listener", listener.write, None, failed))
        for chunk in chunks:
            if failed:
                break
            data = to_pcm16(chunk)  # here, once, so the other threads only encode and write
            for worker in workers:
                worker.put(data)
    finally:
        for worker in workers:
            worker.close()
    if failed:
        raise failed[0]
    if not samples:
        raise AudioError("there was no audio to encode")
    stream = Mp3Stream(frames.frames, samples, frames.bytes)
    dest.seek(0)
    dest.write(info_frame(kbps, sample_rate, stream))
    dest.seek(0, 2)
    return stream


class _Worker:
    """A thread that hands each item of a bounded queue to `work`, then calls `done`; the
    first failure is put in `failed`, and the rest of the queue is drained so that no one
    putting waits forever."""

    def __init__(self, name: str, work, done, failed: list[BaseException]):
        self.queue: queue.Queue[bytes | None] = queue.Queue(QUEUED_CHUNKS)
        self.work, self.done, self.failed = work, done, failed
        self.thread = threading.Thread(target=self._run, name=name, daemon=True)
        self.thread.start()

    def put(self, item: bytes) -> None:
        self.queue.put(item)

    def close(self) -> None:
        self.queue.put(None)
        self.thread.join()

    def _run(self) -> None:
        item: bytes | None = b""
        try:
            while (item := self.queue.get()) is not None:
                self.work(item)
            if self.done is not None:
                self.done()
        except BaseException as exc:  # handed to the caller, who raises it
            self.failed.append(exc)
            while item is not None:
                item = self.queue.get()
