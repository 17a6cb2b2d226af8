"""Her recorded takes, made clean: rumble and hum out, the room's steady noise out, sharp s'es
softened. One ffmpeg chain, run once per take and cached like every prepared clip.

The noise is learned, not guessed: afftdn samples a noise profile from a stretch of the
recording where she says nothing (the quietest half second of the reading), played just
before the take, and then removes that noise from the take.
"""

from __future__ import annotations

import numpy as np

from breathcast.sound import ffmpeg
from breathcast.voice.align import speech_span

CLEANUP_VERSION = 2  # bump when the chain changes what it makes
HIGHPASS_HZ = 80  # below her voice: rumble, handling noise, mains hum
REDUCTION_DB = 20  # how far afftdn lowers the noise it learned
PROFILE_S = 0.5  # the noise profile: this much of the quietest stretch
SHORTEST_PROFILE_S = 0.2  # less than this is not enough to learn a noise from
DEESS_INTENSITY = 0.4


def quietest_start(pcm: np.ndarray, sample_rate: int, seconds: float = PROFILE_S) -> int | None:
    """Where the quietest `seconds` of `pcm` begin (in 10 ms steps); None if it is shorter."""
    size = int(seconds * sample_rate)
    if pcm.size < size or size <= 0:
        return None
    hop = max(1, sample_rate // 100)
    frames, width = pcm.size // hop, max(1, size // hop)
    power = np.empty(frames)
    for first in range(0, frames, 4096):  # a block at a time: a long reading stays small
        last = min(frames, first + 4096)
        block = pcm[first * hop : last * hop].reshape(-1, hop).astype(np.float64)
        power[first : first + len(block)] = np.einsum("ij,ij->i", block, block)
    energy = np.concatenate([[0.0], np.cumsum(power)])
    return int(np.argmin(energy[width:] - energy[:-width])) * hop


def level_dbfs(pcm: np.ndarray) -> float:
    return float(10 * np.log10(np.mean(np.square(pcm, dtype=np.float64)) + 1e-20))


def clean_take(pcm: np.ndarray, sample_rate: int, noise: np.ndarray | None) -> np.ndarray:
    """`pcm` high-passed, de-noised with the profile learned from `noise` (or from the take's
    own quietest stretch when there is none), and de-essed; the same length."""
    if noise is None or noise.size < SHORTEST_PROFILE_S * sample_rate:
        start = quietest_start(pcm, sample_rate, SHORTEST_PROFILE_S)
        size = int(SHORTEST_PROFILE_S * sample_rate)
        noise = None if start is None else pcm[start : start + size]
    chain = [f"highpass=f={HIGHPASS_HZ}"]
    lead = np.zeros(0, np.float32)
    if noise is not None:
        lead = noise.astype(np.float32)
        learn = lead.size / sample_rate - 0.02  # stop just before the take itself begins
        floor = min(-20.0, max(-80.0, level_dbfs(lead)))
        chain += [
            f"asendcmd=c='0.0 afftdn@take sn start;{learn:.3f} afftdn@take sn stop'",
            f"afftdn@take=nr={REDUCTION_DB}:nf={floor:.1f}:gs=5",
        ]
    chain.append(f"deesser=i={DEESS_INTENSITY}")
    out = ffmpeg.filter_pcm(np.concatenate([lead, pcm]), sample_rate, ",".join(chain))
    return out[lead.size : lead.size + pcm.size]


def words_only(pcm: np.ndarray, sample_rate: int) -> np.ndarray:
    """A cleaned take cut to its words (a soft onset and a fading last word included): the
    script's pauses are then exactly the pauses she is heard to make, and a breathing cue
    starts on its phase. The room around her words stays in the take itself."""
    span = speech_span(pcm, sample_rate)
    return pcm[span.start : span.end]
