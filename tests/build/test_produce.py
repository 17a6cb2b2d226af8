"""One episode, start to finish: an Episode and its files when it works, a Failure said in
both languages when it cannot, and nothing half-written when it is stopped."""

import pytest

from breathcast.build.produce import EpisodeJob, make_episode
from breathcast.core import BreathPattern, BuildCancelled, load_config
from breathcast.script import Episode, EpisodeKey, EpisodeStatus, Failure, read_script
from breathcast.voice import VoicingContext, get_engine


@pytest.fixture
def job(project):
    config = load_config(project)
    script = read_script(project / "scripts" / "kort.md")
    voiced = VoicingContext.open(config).voice(script, get_engine("espeak", config), jobs=2)
    key = EpisodeKey(script.slug, BreathPattern.parse("4:6"))
    return EpisodeJob(script, key, voiced, config, project / "build" / key.path)


def test_an_episode_and_every_file_beside_it(job):
    episode, warnings = make_episode(job, lambda: False)
    assert isinstance(episode, Episode) and warnings == []
    assert (episode.path, episode.title, episode.status) == (
        "kort/kort-4-6.mp3", "Korte test", EpisodeStatus.BUILT)  # fmt: skip
    assert episode.loudness_lufs == pytest.approx(-16.0, abs=0.5)
    assert episode.true_peak_dbtp <= -1.0 and episode.offline_voice
    for suffix in (".mp3", ".opus", ".vtt", ".chapters.json"):
        assert job.dest.with_suffix(suffix).stat().st_size > 0


@pytest.mark.slow
def test_stopped_mid_file_it_leaves_nothing(job):
    asked = []

    def stopped() -> bool:  # yes, at the third chunk
        asked.append(1)
        return len(asked) >= 3

    with pytest.raises(BuildCancelled):
        make_episode(job, stopped)
    assert not job.dest.parent.exists() or not any(job.dest.parent.iterdir())  # no temp file


def test_an_episode_that_cannot_be_made_is_a_failure_said_twice(job, monkeypatch):
    monkeypatch.setattr("breathcast.build.produce.predicted_lufs", lambda *a: float("-inf"))
    failure, _ = make_episode(job, lambda: False)
    assert isinstance(failure, Failure) and failure.ratio == "4:6"
    assert "silent" in failure.error.en and failure.error.nl
    assert not job.dest.exists()
