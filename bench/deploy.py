"""Putting the site online, timed against a plain `rclone copy` of the same folder to the same
host: rclone's own SFTP server on 127.0.0.1, so the network adds nothing and what is measured
is breathcast's own cost (its checks, its plan, a rename per file, the removals).

    python bench/deploy.py

- the whole site of the shipped scripts at three ratios (six episodes) to an empty host,
  `breathcast deploy` against `rclone copy site host:` (median of 3 each);
- a deploy with nothing changed (median of 5);
- after one edited line of Water & Rust: the bytes sent against the bytes of what changed
  (the files publish made new, and the pages).
The espeak voice is used, so it runs offline.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from hosts import PASSWORD, USER, Host  # noqa: E402

from breathcast.site.deploy.rclone import rclone_exe  # noqa: E402
from breathcast.site.deploy.target import PASSWORD_ENV  # noqa: E402


def breathcast(project: Path, *args: str) -> tuple[float, str]:
    command = [sys.executable, "-m", "breathcast", "--project", str(project), *args]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"breathcast {args} failed:\n{done.stdout}{done.stderr}")
    return time.perf_counter() - started, done.stdout


def plain_copy(site: Path, host: Host) -> float:
    """rclone copy of the site folder: the floor, one process, its own parallel transfers."""
    remote = f":sftp,host=127.0.0.1,port={host.port},user={USER}:plain"
    obscured = subprocess.run([rclone_exe(), "obscure", PASSWORD], capture_output=True,
                              text=True, check=True).stdout.strip()  # fmt: skip
    started = time.perf_counter()
    subprocess.run([rclone_exe(), "copy", str(site), remote, "--exclude", "published.json"],
                   env={**os.environ, "RCLONE_SFTP_PASS": obscured}, check=True)  # fmt: skip
    return time.perf_counter() - started


def main() -> None:
    root = Path(tempfile.mkdtemp(prefix="breathcast-bench-deploy-"))
    project = root / "project"
    shutil.copytree(REPO / "scripts", project / "scripts")
    with Host("sftp", root / "host") as host:
        settings = host.settings()
        (project / "breathcast.toml").write_text(
            'ratios = ["4:6", "4:4", "3:6"]\nengine = "espeak"\n[podcast]\n'
            'owner_email = "anna@example.nl"\nsite_url = "https://example.nl/rust"\n[deploy]\n'
            f'kind = "sftp"\nhost = "127.0.0.1"\nport = {host.port}\nuser = "{USER}"\n'
            f'path = "{settings.path}"\ngrace_days = 0\n'
        )
        os.environ[PASSWORD_ENV] = PASSWORD
        breathcast(project, "build", "-q")
        breathcast(project, "publish", "--allow-offline-voice")
        site = project / "build" / "site"
        size = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
        whole, plain = [], []
        for _ in range(3):
            host.stop()  # an empty host each time (its server caches what it listed)
            shutil.rmtree(host.folder(), ignore_errors=True)
            shutil.rmtree(host.root / "plain", ignore_errors=True)
            host.start()
            whole.append(breathcast(project, "deploy", "--allow-offline-voice")[0])
            plain.append(plain_copy(site, host))
        unchanged = [breathcast(project, "deploy", "--allow-offline-voice") for _ in range(5)]
        before = {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}
        script = project / "scripts" / "water-en-rust.md"
        script.write_text(script.read_text().replace("Neem deze paar minuten", "Neem deze minuten"))
        breathcast(project, "build", "-q")
        breathcast(project, "publish", "--allow-offline-voice")
        changed = sum(
            p.stat().st_size
            for p in site.rglob("*")
            if p.is_file() and p.name != "published.json"
            and before.get(p.relative_to(site)) != p.read_bytes()
        )  # fmt: skip
        seconds, out = breathcast(project, "deploy", "--allow-offline-voice")
    sent = float(out.split(" MB sent")[0].rsplit(" ", 1)[1]) * 1e6
    print(f"Deploy to rclone's SFTP server on 127.0.0.1, 6 episodes, {size / 1e6:.1f} MB:")
    print("| deploy | time | against |\n|---|---|---|")
    deployed, copied = statistics.median(whole), statistics.median(plain)
    print(f"| the whole site, median of 3 | {deployed:.2f} s | plain `rclone copy`: "
          f"{copied:.2f} s, {deployed / copied:.2f}x |")  # fmt: skip
    print(f"| nothing changed, median of 5 | {statistics.median(t for t, _ in unchanged):.2f} s "
          f"| sends 0 bytes |")  # fmt: skip
    print(f"| one line edited | {seconds:.2f} s | sent {sent / 1e6:.2f} MB for "
          f"{changed / 1e6:.2f} MB changed: {sent / changed:.2f}x |")  # fmt: skip
    shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
