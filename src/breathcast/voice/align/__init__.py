"""Find each line of a script in one reading of it, the way aeneas made standard.

The script is voiced offline (espeak), both it and the reading become MFCC frames, and dynamic
time warping finds the cheapest monotone path between them: first coarsely (200 ms frames) in
a wide band around the diagonal, then finely (20 ms) in a narrow band around the coarse path,
so the work grows with the length of the reading, not with its square. Each line's ends,
carried over the path, are then snapped to the nearest pause in the reading, where a cut is
clean. Last, every line's stretch is checked on its own: a stretch that holds the line twice
(a slip, then the line again) keeps the last reading, and a line that matches its voice
poorly is flagged for her to listen to.

Pure numpy, no files: `align_reading` takes the reading's samples and the reference clips.
Hand-written DTW because the libraries that do it (dtw-python, dtaidistance, librosa) fill the
whole N×M matrix (a 12-minute reading at 20 ms is 36,000² cells) or need numba.

The package in parts: `features` (MFCCs, level and voicing per 10 ms frame), `dtw` (the
banded warp), `pauses` (where she is silent, and where a take's speech is), `place` (the
lines on the path, snapped to pauses, false starts dropped), and `spans` (runs of frames).
"""

from breathcast.voice.align.dtw import dtw
from breathcast.voice.align.pauses import speech_span
from breathcast.voice.align.place import Placed, align_reading

__all__ = ["Placed", "align_reading", "dtw", "speech_span"]
