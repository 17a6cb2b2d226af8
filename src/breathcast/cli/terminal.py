"""How the CLI draws a build on a terminal: a progress bar, a line per episode, the summary."""

from __future__ import annotations

import textwrap
from pathlib import Path

import click

from breathcast.build import (
    BuildPlanned,
    BuildReport,
    ClipVoiced,
    EpisodeBuilt,
    EpisodeFailed,
    EpisodeSkipped,
    Warned,
)
from breathcast.core import Event
from breathcast.script import clock


def warn(message: str) -> None:
    click.secho(f"warning: {message}", fg="yellow", err=True)


class BuildView:
    """Draws a build's events on the terminal: a progress bar, a line per episode, warnings."""

    def __init__(self, out: Path, quiet: bool, verbose: bool, bar: bool):
        self.out, self.quiet, self.verbose = out, quiet, verbose
        self.bar = ProgressBar(enabled=bar)
        self.done = self.total = 0

    def __call__(self, event: Event) -> None:
        if isinstance(event, BuildPlanned):
            self.done, self.total = 0, event.todo
        elif isinstance(event, ClipVoiced):
            self.bar.step(f"voicing {Path(event.script).stem}", event.done, event.total)
        elif isinstance(event, EpisodeBuilt):
            e = event.episode
            self._advance()
            self._line(
                f"built   {self.out / e.path}  ({e.ratio}, {clock(e.duration_s)}, "
                f"{e.loudness_lufs:.1f} LUFS, {e.engine}; {e.reason})"
            )
        elif isinstance(event, EpisodeSkipped) and self.verbose:
            self._line(f"skipped {self.out / event.episode.path}  (up to date)")
        elif isinstance(event, EpisodeFailed):
            self._advance()
            self._line(f"failed  {event.failure.script}  {event.failure.ratio}".rstrip())
        elif isinstance(event, Warned):
            self.bar.clear()
            warn(event.message.en)

    def _advance(self) -> None:
        self.done += 1
        self.bar.step("rendering", self.done, self.total)

    def _line(self, text: str) -> None:
        if not self.quiet:
            self.bar.clear()
            click.echo(text)


def show_report(report: BuildReport) -> None:
    """The summary table, then every failure in full (file:line first)."""
    click.echo(summary_table(report))
    if report.cancelled:
        click.secho("\nThe build was cancelled; the episodes above are complete.", fg="yellow")
    if report.failures:
        click.secho(f"\n{len(report.failures)} script(s) failed:", fg="red", err=True)
        for failure in report.failures:
            click.echo(textwrap.indent(failure.error.en, "  "), err=True)


class ProgressBar:
    """One line that redraws itself on a terminal, and stays silent anywhere else."""

    WIDTH = 30

    def __init__(self, enabled: bool):
        self.enabled = enabled
        self.shown = False

    def step(self, phase: str, done: int, total: int) -> None:
        if not self.enabled or total <= 0:
            return
        filled = round(self.WIDTH * done / total)
        line = f"{phase:24.24} [{'#' * filled}{'.' * (self.WIDTH - filled)}] {done}/{total}"
        click.echo(f"\r{line}", nl=False)
        self.shown = True

    def clear(self) -> None:
        if self.shown:
            click.echo("\r\033[K", nl=False)
            self.shown = False


def summary_table(report: BuildReport) -> str:
    """One row per episode, then the failures: what a build did, at a glance."""
    header = ("episode", "ratio", "duration", "loudness", "engine", "clips new/cached", "status")
    rows = [header]
    for e in report.episodes:
        status = {"planned": "would build"}.get(e.status, e.status)
        if e.reason and e.status != "skipped":
            status += f" ({e.reason})"
        loudness = f"{e.loudness_lufs:.1f} LUFS" if e.status != "planned" else "-"
        clips = f"{e.clips_synthesized}/{e.clips_cached}" if e.status == "built" else "-"
        rows.append((e.path, e.ratio, clock(e.duration_s), loudness, e.engine, clips, status))
    for f in report.failures:
        rows.append((f.script, f.ratio, "", "", "", "", "failed"))
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(header) - 1)]
    lines = [
        "  ".join(str(v).ljust(w) for v, w in zip(row, widths, strict=False)) + "  " + row[-1]
        for row in rows
    ]
    counts = {
        k: sum(e.status == k for e in report.episodes) for k in ("built", "skipped", "planned")
    }
    tail = (
        f"{counts['built']} built, {counts['skipped']} skipped, "
        f"{len(report.failures)} failed"
        + (f", {counts['planned']} would build" if counts["planned"] else "")
    )
    return "\n".join(["", *lines, "", tail])


FOREIGN_SHOWN = 5  # her own files beside the site, named after the first deploy


class DeployView:
    """Draws a deploy on the terminal: what it will do, a bar by bytes, and the file sent."""

    def __init__(self, bar: bool):
        self.bar = ProgressBar(enabled=bar)

    def __call__(self, event: Event) -> None:
        from breathcast.site import DeployPlanned, FileSent

        if isinstance(event, DeployPlanned):
            click.echo(
                f"to {event.target}: {len(event.sends)} file(s) to send ({megabytes(event.bytes)}),"
                f" {len(event.removals)} to remove, {len(event.waiting)} kept for now"
            )
        elif isinstance(event, FileSent):
            self.bar.step("sending", event.done, max(event.total, 1))


def show_deploy(report) -> None:
    """What a deploy did (or would do), and where the site is."""
    verb = "would send" if report.dry_run else "sent"
    stopped = report.failed or report.cancelled
    if not report.sent and not report.removed and not stopped:
        click.echo(f"nothing changed: 0 bytes {verb}; {report.address}/ is current")
    for name in report.sent:
        note = "  (replaced)" if name in report.replaced else ""
        if name in report.clashes:
            note = "  (replaces a file breathcast did not put there" + (
                ": needs --force)" if report.dry_run else ")")
        click.echo(f"{verb:10} {name}{note}")
    for name in report.removed:
        click.echo(f"{'would remove' if report.dry_run else 'removed':10} {name}")
    if report.dry_run and report.over_limit:
        click.echo(f"{len(report.removed)} removals are more than [deploy] max_deletes: "
                   "the deploy needs --force")  # fmt: skip
    for name in report.waiting:
        click.echo(f"kept       {name}  (unused; removed once the grace period has passed)")
    if report.foreign:
        shown = report.foreign if report.first or report.dry_run else report.foreign[:FOREIGN_SHOWN]
        for name in shown:
            click.echo(f"stays      {name}  (not breathcast's: never touched)")
        if len(shown) < len(report.foreign):
            click.echo(f"stays      and {len(report.foreign) - len(shown)} more of yours")
    if report.sent:
        click.echo(f"{len(report.sent)} file(s), {megabytes(report.bytes_sent)} {verb}")
    if report.failed or report.cancelled:
        click.secho(
            f"stopped after {len(report.sent)} file(s); not sent: {len(report.not_sent)}. "
            "The site online still points only at complete files; deploy again to finish.",
            fg="yellow",
        )
    if report.failed:
        click.secho(f"error: {report.failed.en}", fg="red", err=True)
    for problem in report.verified or ():
        click.secho(f"error: {problem.en}", fg="red", err=True)
    if report.verified == ():
        click.echo(f"verified: {report.address}/feed.xml, the page and every file they name")
    if report.ok and not report.dry_run:
        click.echo(f"online: {report.address}/ (feed: {report.address}/feed.xml)")


def megabytes(size: int) -> str:
    return f"{size / 1e6:.1f} MB"
