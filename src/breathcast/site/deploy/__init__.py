"""`breathcast deploy`: the published site onto her own host, so that at every moment the
remote feed and page point only at files that are complete there.

    report = deploy(config, DeployOptions.resolve(config), on_event=print)

Checks first, with nothing sent: the site is published and not older than the build, holds
no preview voice (unless allowed), names the public address it will live at, and the host
answers. Then the plan (`plan.py`) is carried out in its order, each file written under a
temporary name and renamed into place where the host can rename. A dropped connection stops
the run with what was sent and what was not; the remote still keeps the invariant, and the
next deploy finishes the job.
"""

from __future__ import annotations

import re
import secrets
import shutil
import tempfile
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from breathcast.build import MANIFEST_NAME, Manifest
from breathcast.core import (
    Cancel,
    Config,
    DeployError,
    Event,
    ForceNeededError,
    Job,
    Said,
    project_lock,
)
from breathcast.site.deploy.events import (
    DeployFinished,
    DeployPlanned,
    DeployRefused,
    DeployReport,
    FileSent,
)
from breathcast.site.deploy.plan import (
    MEDIA,
    STATE_NAME,
    Plan,
    SiteFile,
    State,
    plan,
    site_entries,
    site_files,
)
from breathcast.site.deploy.rclone import Rclone
from breathcast.site.deploy.record import deployed, record
from breathcast.site.deploy.setup import set_up, test_connection
from breathcast.site.deploy.state import remote_state
from breathcast.site.deploy.target import Target, target_of
from breathcast.site.deploy.verify import verify

__all__ = [
    "DeployFinished", "DeployOptions", "DeployPlanned", "DeployRefused", "DeployReport",
    "FileSent", "deploy", "deployed", "set_up", "test_connection",
]  # fmt: skip
TRANSFERS = 4  # media files sent at once, as rclone itself does


@dataclass(frozen=True)
class DeployOptions:
    site: Path  # the published site folder
    to: str | None = None  # --to REMOTE:PATH: any rclone remote, over the settings
    dry_run: bool = False  # say what would be sent, replaced and removed; send nothing
    verify: bool = False  # afterwards, read the feed from the public address and check it
    force: bool = False  # remove more than max_deletes files
    allow_offline: bool = False  # previews (espeak, or her voice with gaps filled) too
    grace: timedelta = timedelta(days=7)
    max_deletes: int = 50
    bandwidth: str = ""
    now: Callable[[], datetime] = lambda: datetime.now(UTC)  # a clock the tests can set

    @classmethod
    def resolve(cls, config: Config, **given) -> DeployOptions:
        settings = config.deploy
        return cls(
            site=given.pop("site", None) or config.path("build") / "site",
            grace=timedelta(days=settings.grace_days),
            max_deletes=settings.max_deletes,
            bandwidth=settings.bandwidth,
            **given,
        )


@dataclass
class _Progress:
    total: int
    done: int = 0
    sent: list[str] = field(default_factory=list)


def deploy(
    config: Config,
    options: DeployOptions,
    on_event: Callable[[Event], None] = lambda event: None,
    cancel: Cancel | None = None,
) -> DeployReport:
    """Check, plan and carry out a deploy; the report says what was done. A `DeployError`
    (nothing sent) when a check refuses. No build or publish of the project runs meanwhile,
    and what is sent is the site as it was planned."""
    cancel = cancel or Cancel()
    with project_lock(config.path("build"), Job.DEPLOY), tempfile.TemporaryDirectory() as copy:
        address = check_site(config, options)
        local = snapshot(options.site, Path(copy))
        with Rclone(options.bandwidth) as rclone:
            target = target_of(config, rclone, options.to)
            remote, state = remote_state(rclone, target)
            todo = plan(local, remote, state, options.now(), options.grace)
            over = len(todo.deletions) > options.max_deletes
            if (todo.clashes or over) and not (options.force or options.dry_run):
                raise ForceNeededError(_needs_force(todo, options))
            on_event(
                DeployPlanned(
                    target.label,
                    tuple(f.name for f in todo.sends),
                    todo.bytes,
                    todo.deletions,
                    tuple(todo.waiting),
                    todo.foreign,
                )
            )
            report = DeployReport(
                target.label,
                address,
                replaced=todo.replaced,
                clashes=todo.clashes,
                over_limit=over,
                waiting=tuple(todo.waiting),
                foreign=todo.foreign,
                first=not state.files,
                dry_run=options.dry_run,
            )
            if options.dry_run:
                report = replace(report, sent=tuple(f.name for f in todo.sends),
                                 bytes_sent=todo.bytes, removed=todo.deletions)  # fmt: skip
            else:
                report = _carry_out(rclone, target, todo, state, report, on_event, cancel)
        if report.ok and not report.dry_run:
            record(config, target, address, options.site, options.now())
            if options.verify:
                report = replace(report, verified=tuple(verify(address, local)))
    on_event(DeployFinished(report))
    return report


def snapshot(site: Path, into: Path) -> dict[str, SiteFile]:
    """The site to send, as it is now: every page copied into `into` and hashed there, so
    what is sent is what was planned; the media where they are (a name says its bytes)."""
    for name, path in site_entries(site):
        if not name.startswith(MEDIA):
            (into / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, into / name)
    return {**site_files(into), **site_files(site, pages=False)}


def _needs_force(todo: Plan, options: DeployOptions) -> Said:
    """Why this deploy waits for her say: files of hers it would replace, or more removals
    than she allows at once."""
    en, nl = [], []
    if todo.clashes:
        names = ", ".join(todo.clashes)
        en.append(f"the host already has {names}, which breathcast did not put there; check "
                  "that this is the site's own folder, then run with --force to replace them")
        nl.append(f"Op je website staat al {names}. Dat heeft de studio er niet neergezet. "
                  "Klopt de map? Dan kan de studio het vervangen.")  # fmt: skip
    if len(todo.deletions) > options.max_deletes:
        en.append(f"this deploy would remove {len(todo.deletions)} files from the host, more "
                  f"than [deploy] max_deletes = {options.max_deletes}; see the list with "
                  "--dry-run, then run it with --force")
        nl.append(f"Er zouden {len(todo.deletions)} bestanden van je website verdwijnen; dat is "
                  "meer dan gewoonlijk. Kijk het na voor je doorgaat.")  # fmt: skip
    return Said("; and ".join(en), " ".join(nl))


def check_site(config: Config, options: DeployOptions) -> str:
    """The checks before anything is sent; the public address the feed names."""
    site, build = options.site, config.path("build")
    feed = site / "feed.xml"
    if not feed.is_file() or not (site / "index.html").is_file():
        raise DeployError(
            Said(
                f"{site}/ holds no published site; run `breathcast publish` first",
                "Er is nog niets gepubliceerd; publiceer eerst.",
            )
        )
    manifest = build / MANIFEST_NAME
    if manifest.is_file() and manifest.stat().st_mtime_ns > feed.stat().st_mtime_ns:
        raise DeployError(
            Said(
                "the build is newer than the published site; run `breathcast publish` first, "
                "so what goes online is what you built",
                "Er is gebouwd na het publiceren; publiceer eerst opnieuw.",
            )
        )
    episodes = [entry.episode for entry in Manifest.load(build).entries.values()]
    previews = [e.path for e in episodes if e.preview]
    if previews and not options.allow_offline:
        raise DeployError(
            Said(
                "these episodes are previews, not the final audio: "
                + ", ".join(previews)
                + "; rebuild them with the final voice, or deploy anyway with "
                "--allow-offline-voice",
                "Sommige oefeningen hebben nog de computerstem. Bouw ze opnieuw met de echte "
                "stem, of zet het vinkje voor voorbeelden aan.",
            )
        )
    named = re.search(r'<atom:link href="([^"]+)/feed\.xml"', feed.read_text(encoding="utf-8"))
    address = config.podcast.site_url.rstrip("/")
    if not address or not named or named.group(1) != address:
        published_for = named.group(1) if named else "?"
        raise DeployError(
            Said(
                f"the site was published for {published_for}, but goes online at "
                f"{address or '(no [podcast] site_url)'}; set [podcast] site_url to the "
                "public address and publish again",
                f"De site is gepubliceerd voor {published_for}, maar komt online op "
                f"{address or '(geen adres)'}. Publiceer opnieuw met het juiste adres.",
            )
        )
    return address


def _carry_out(rclone, target, todo, state, report, on_event, cancel) -> DeployReport:
    """The plan, in its order: the record names what is about to be sent, leftovers away, the
    media (TRANSFERS at a time: they point at nothing), then the pages one by one in their
    order, the record of what is there, and removals last."""
    progress = _Progress(todo.bytes)
    lock = threading.Lock()
    broke = threading.Event()  # one transfer failed: the others do not start

    def send(file: SiteFile) -> None:
        if cancel.requested or broke.is_set():
            return
        try:
            _send(rclone, target, file)
        except DeployError:
            broke.set()
            raise
        with lock:
            progress.done += file.size
            progress.sent.append(file.name)
            on_event(FileSent(file.name, file.size, progress.done, progress.total))

    media = [f for f in todo.sends if f.media]
    pages = [f for f in todo.sends if not f.media]
    try:
        if todo.claim != state:  # whatever is sent is breathcast's, even if the run breaks
            _put_state(rclone, target, todo.claim)
        for name in todo.leftovers:  # halves of an interrupted deploy, never pointed at
            rclone.call("operations/deletefile", fs=target.fs, remote=name)
        with ThreadPoolExecutor(TRANSFERS) as pool:
            for done in [pool.submit(send, file) for file in media]:
                done.result()  # the first failure stops the run: no page goes out after it
        for file in pages:
            send(file)
        if cancel.requested:
            return _stopped(report, todo, progress, cancelled=True)
        if todo.state != todo.claim:  # what is there now, before anything is removed
            _put_state(rclone, target, todo.state)
        for name in todo.removals:
            rclone.call("operations/deletefile", fs=target.fs, remote=name)
    except DeployError as exc:
        return _stopped(report, todo, progress, failed=exc.said)
    return replace(report, sent=tuple(progress.sent), bytes_sent=progress.done,
                   removed=todo.deletions)  # fmt: skip


def _stopped(report, todo, progress, cancelled=False, failed=None) -> DeployReport:
    not_sent = tuple(f.name for f in todo.sends if f.name not in progress.sent)
    return replace(report, sent=tuple(progress.sent), bytes_sent=progress.done,
                   not_sent=not_sent, cancelled=cancelled, failed=failed)  # fmt: skip


def _send(rclone: Rclone, target: Target, file: SiteFile) -> None:
    """One file, complete under its name the moment it appears there."""
    # Always transferred: a page of the same size as the one it replaces (a changed hash in a
    # URL) must not pass for it on hosts that keep no exact times.
    settings: dict = {"IgnoreTimes": True}
    if target.takes_headers:
        headers = {"Content-Type": file.content_type, "Cache-Control": file.cache_control}
        settings["UploadHeaders"] = [{"Key": k, "Value": v} for k, v in headers.items()]
    folder, _, name = file.name.rpartition("/")
    landing = file.name
    if target.renames:
        landing = f"{folder}/" * bool(folder) + f".{name}.breathcast-{secrets.token_hex(6)}.tmp"
    rclone.call("operations/copyfile", srcFs=str(file.path.parent), srcRemote=file.path.name,
                dstFs=target.fs, dstRemote=landing, _config=settings)  # fmt: skip
    if landing != file.name:
        rclone.call("operations/movefile", srcFs=target.fs, srcRemote=landing,
                    dstFs=target.fs, dstRemote=file.name, _config=settings)  # fmt: skip


def _put_state(rclone: Rclone, target: Target, state: State) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / STATE_NAME
        path.write_bytes(state.to_json())
        _send(rclone, target, SiteFile(STATE_NAME, path.stat().st_size, "", path))
