"""Hearing before building: a line on its own, the episode from a line, and the plan the
timeline picture draws; each a WAV whose length is known before it is rendered."""

import io
import wave

import numpy as np
import pytest

from breathcast.core import BreathPattern, ScriptError, load_config
from breathcast.script import read_script
from breathcast.studio.preview import LEAD_S, Preview
from breathcast.voice import VoicingContext, get_engine

PATTERN = BreathPattern.parse("4:6")


@pytest.fixture
def preview(project):
    config = load_config(project)
    script = read_script(project / "scripts" / "kort.md")
    return Preview(VoicingContext.open(config), script, get_engine("espeak", config))


def heard(stretch) -> np.ndarray:
    data = b"".join(stretch.wav())
    assert len(data) == stretch.size  # the length said upfront is the length sent
    with wave.open(io.BytesIO(data)) as audio:
        assert (audio.getnchannels(), audio.getframerate()) == (1, stretch.sample_rate)
        frames = audio.readframes(audio.getnframes())
    return np.frombuffer(frames, "<i2").astype(np.float64) / 32768


def test_a_line_is_its_clip_at_the_speech_level(preview):
    pcm = heard(preview.line(8))  # "En weer uit."
    plan, _ = preview.timeline(PATTERN)
    (clip,) = [c for c in plan.clips if c.line == 8]
    assert pcm.size == clip.length
    speech_rms = 20 * np.log10(np.sqrt(np.mean(pcm**2)))
    assert -32 < speech_rms < -16  # levelled as the episode levels speech, not silence


def test_the_episode_from_a_line_starts_just_before_it_and_runs_to_the_end(preview):
    plan, bed_db = preview.timeline(PATTERN)
    (clip,) = [c for c in plan.clips if c.line == 13]
    stretch = preview.from_line(PATTERN, 13)
    assert stretch.start == clip.start - round(LEAD_S * plan.sample_rate)
    assert stretch.stop == plan.length
    pcm = heard(stretch)
    assert pcm.size == plan.length - stretch.start
    assert np.max(np.abs(pcm)) <= 10 ** (-1.0 / 20)  # mastered under its ceiling
    assert bed_db.size == pytest.approx(plan.duration_s * 2, abs=1)  # every half second


def test_a_line_with_nothing_spoken_is_an_error_at_that_line(preview):
    with pytest.raises(ScriptError) as error:
        preview.line(9)
    assert (error.value.line, error.value.detail.nl) == (9, "op deze regel staat geen zin")
