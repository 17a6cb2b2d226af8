"""What the terminal prints of a build and a deploy: each line as she reads it."""

import pytest

from breathcast.build import BuildReport, EpisodeBuilt, EpisodeFailed, EpisodeSkipped, Warned
from breathcast.cli.terminal import BuildView, megabytes, show_deploy, show_report
from breathcast.core import Said
from breathcast.script import Episode, Failure
from breathcast.site.deploy.events import DeployReport

SITE = "https://rust.nl"
FOREIGN = tuple(f"oud/{n}.html" for n in range(7))


def episode(path, status="built", reason="it was never built", **fields):
    return Episode(script="scripts/kort.md", ratio="4:6", path=path, duration_s=48.9,
                   opus_path="", engine="espeak", clips_synthesized=3, clips_cached=1,
                   offline_voice=True, loudness_lufs=-16.04, loudness_mono_lufs=-19.0,
                   loudness_range_lu=5.0, true_peak_dbtp=-1.5, status=status, reason=reason,
                   **fields)  # fmt: skip


def deploy(capsys, **fields) -> tuple[list[str], list[str]]:
    show_deploy(DeployReport("sftp:rust.nl", SITE, **fields))
    out, err = capsys.readouterr()
    return out.splitlines(), err.splitlines()


def test_megabytes_are_millions_of_bytes_to_one_decimal():
    assert [megabytes(n) for n in (0, 999_999, 1_048_576, 2_097_152, 12_340_000)] == [
        "0.0 MB", "1.0 MB", "1.0 MB", "2.1 MB", "12.3 MB"]  # fmt: skip


def test_a_dry_run_marks_her_files_it_would_replace_and_too_many_removals(capsys):
    out, err = deploy(capsys, dry_run=True, sent=("audio/a.mp3", "index.html", "feed.xml"),
                      bytes_sent=1_500_000, replaced=("index.html", "feed.xml"),
                      clashes=("index.html",), removed=("audio/x.mp3", "audio/y.mp3"),
                      over_limit=True)  # fmt: skip
    assert out == [
        "would send audio/a.mp3",
        "would send index.html  (replaces a file breathcast did not put there: needs --force)",
        "would send feed.xml  (replaced)",
        "would remove audio/x.mp3",
        "would remove audio/y.mp3",
        "2 removals are more than [deploy] max_deletes: the deploy needs --force",
        "3 file(s), 1.5 MB would send",
    ]
    assert err == []


def test_a_forced_deploy_says_what_it_replaced_and_where_the_site_is(capsys):
    out, _ = deploy(capsys, sent=("index.html",), bytes_sent=20_000, replaced=("index.html",),
                    clashes=("index.html",), removed=("audio/x.mp3",))  # fmt: skip
    assert out == ["sent       index.html  (replaces a file breathcast did not put there)",
                   "removed    audio/x.mp3", "1 file(s), 0.0 MB sent",
                   f"online: {SITE}/ (feed: {SITE}/feed.xml)"]  # fmt: skip


@pytest.mark.parametrize(("first", "dry_run", "shown"), [(True, False, 7), (False, True, 7),
                                                         (False, False, 5)])  # fmt: skip
def test_her_own_files_are_all_named_on_a_first_deploy_then_five(capsys, first, dry_run, shown):
    out, _ = deploy(capsys, foreign=FOREIGN, first=first, dry_run=dry_run)
    stays = [line for line in out if line.startswith("stays")]
    assert stays[:shown] == [f"stays      {n}  (not breathcast's: never touched)"
                             for n in FOREIGN[:shown]]  # fmt: skip
    assert stays[shown:] == ([] if shown == 7 else ["stays      and 2 more of yours"])


def test_nothing_to_do_says_so_and_kept_files_wait_their_grace(capsys):
    out, _ = deploy(capsys, waiting=("audio/oud-1234abcd.mp3",), verified=())
    assert out == [f"nothing changed: 0 bytes sent; {SITE}/ is current",
                   "kept       audio/oud-1234abcd.mp3  (unused; removed once the grace period "
                   "has passed)", f"verified: {SITE}/feed.xml, the page and every file they name",
                   f"online: {SITE}/ (feed: {SITE}/feed.xml)"]  # fmt: skip


def test_a_failed_run_says_what_was_not_sent_and_never_that_it_is_online(capsys):
    out, err = deploy(capsys, sent=("audio/a.mp3",), bytes_sent=800_000,
                      not_sent=("index.html", "feed.xml"), failed=Said("the host is full"))
    assert out == ["sent       audio/a.mp3", "1 file(s), 0.8 MB sent",
                   "stopped after 1 file(s); not sent: 2. The site online still points only at "
                   "complete files; deploy again to finish."]  # fmt: skip
    assert err == ["error: the host is full"]


def test_a_verify_that_finds_problems_prints_each_and_no_online_line(capsys):
    out, err = deploy(capsys, verified=(Said("feed.xml: 404"), Said("index.html: 404")))
    assert err == ["error: feed.xml: 404", "error: index.html: 404"]
    assert [line for line in out if "online" in line or "verified" in line] == []


def test_a_deploy_stopped_before_its_first_file_never_calls_the_site_current(capsys):
    out, _ = deploy(capsys, cancelled=True, not_sent=("audio/a.mp3", "feed.xml"))
    assert not any("is current" in line for line in out)


def test_the_summary_has_a_row_per_episode_then_the_failures_and_counts(capsys):
    episodes = (episode("kort/kort-4-6.mp3"), episode("k/k-3-6.mp3", "skipped", "new"),
                episode("k/k-5-7.mp3", "planned", "script changed"))
    failure = Failure("scripts/lang.md", Said("scripts/lang.md:4: no title\nsee"), "4:6")
    report = BuildReport("espeak", episodes, (failure,), cancelled=True)
    show_report(report)
    out, err = capsys.readouterr()
    assert out.splitlines()[1:] == [
        "episode            ratio  duration  loudness    engine  clips new/cached  status",
        "kort/kort-4-6.mp3  4:6    0:48      -16.0 LUFS  espeak  3/1               built (it was "
        "never built)",
        "k/k-3-6.mp3        4:6    0:48      -16.0 LUFS  espeak  -                 skipped",
        "k/k-5-7.mp3        4:6    0:48      -           espeak  -                 would build "
        "(script changed)",
        f"{'scripts/lang.md    4:6':74}failed",  # under "status", the columns left empty
        "", "1 built, 1 skipped, 1 failed, 1 would build", "",
        "The build was cancelled; the episodes above are complete."]  # fmt: skip
    assert err.splitlines() == ["", "1 script(s) failed:", "  scripts/lang.md:4: no title",
                                "  see"]  # fmt: skip


def test_the_build_view_prints_a_line_per_episode_unless_quiet(capsys, tmp_path):
    events = [EpisodeBuilt(episode("kort/kort-4-6.mp3")), EpisodeSkipped(episode("k/k.mp3")),
              EpisodeFailed(Failure("scripts/lang.md", Said("x"))), Warned(Said("too loud"))]
    for quiet, verbose in ((False, True), (True, False)):
        view = BuildView(tmp_path, quiet=quiet, verbose=verbose, bar=False)
        for event in events:
            view(event)
    out, err = capsys.readouterr()
    assert out.splitlines() == [
        f"built   {tmp_path}/kort/kort-4-6.mp3  (4:6, 0:48, -16.0 LUFS, espeak; it was never "
        "built)", f"skipped {tmp_path}/k/k.mp3  (up to date)", "failed  scripts/lang.md"]
    assert err.splitlines() == ["warning: too loud"] * 2  # warnings even when quiet
