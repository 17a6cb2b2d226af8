"""Her project from the command line: `init` (into her documents by default), `studio` outside
a project (the project used last, or one made on her yes), and the `shortcut` launcher."""

import html
import os
import re
import shlex
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner
from conftest import run_cli

from breathcast.cli import cli
from breathcast.core import default_project, last_project, remember_project

ADDRESS = re.compile(r"De studio staat klaar op (http://127\.0\.0\.1:\d+/)")


def run_here(folder: Path, *args: str, input: str | None = None):
    """`breathcast ARGS…` in `folder`, without --project, as she types it."""
    old = Path.cwd()
    os.chdir(folder)
    try:
        return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)
    finally:
        os.chdir(old)


def test_init_makes_ademstudio_in_her_documents_and_says_so_in_dutch_first(tmp_path):
    result = run_here(tmp_path, "init")
    assert result.exit_code == 0, result.output
    folder = Path(os.environ["XDG_DOCUMENTS_DIR"]) / "Ademstudio"
    assert default_project() == folder
    assert len(list((folder / "scripts").glob("*.md"))) == 6
    first, second = result.output.splitlines()[:2]
    assert first.startswith(f"Je project staat klaar in {folder}: 6 oefeningen")
    assert second.startswith(f"made a project in {folder}")
    assert list(tmp_path.iterdir()) == []  # nothing in the folder she happened to be in


def test_init_twice_is_refused_in_both_languages_and_changes_nothing(tmp_path):
    assert run_cli(tmp_path / "p", "init").exit_code == 0  # --project names the folder
    settings = (tmp_path / "p" / "breathcast.toml").read_bytes()
    again = run_here(tmp_path, "init", str(tmp_path / "p"))
    assert again.exit_code == 1
    assert "staat al een project" in again.output and "already holds a project" in again.output
    assert (tmp_path / "p" / "breathcast.toml").read_bytes() == settings


def test_studio_outside_a_project_opens_the_one_used_last(tmp_path):
    project = tmp_path / "Anne de Vries" / "Ademstudio"
    assert run_cli(project, "init").exit_code == 0
    elsewhere = tmp_path / "ergens"
    elsewhere.mkdir()
    with studio_in(elsewhere) as (process, url, said):
        assert f"Ik open het project dat je het laatst gebruikte: {project}" in said
        page = html.unescape(requests.get(url, timeout=10).text)
        assert f"Je project staat in {project}</span>" in page
    assert list(elsewhere.iterdir()) == []


def test_studio_outside_any_project_makes_one_on_her_yes_and_opens_it(tmp_path):
    assert last_project() is None
    with studio_in(tmp_path, answer="\n") as (process, url, said):
        assert "Zal ik er een maken in" in said and "Make one in" in said
        folder = default_project()
        assert len(list((folder / "scripts").glob("*.md"))) == 6
        page = html.unescape(requests.get(url, timeout=10).text)
        assert f"Je project staat in {folder}</span>" in page
    assert last_project() == folder


def test_studio_outside_any_project_makes_nothing_on_her_no(tmp_path):
    result = run_here(tmp_path, "studio", "--no-browser", input="n\n")
    assert result.exit_code == 1
    assert "Er is niets gemaakt" in result.output
    assert not default_project().exists() and list(tmp_path.iterdir()) == []


def test_studio_in_a_project_remembers_it(tmp_path, project):
    remember_project(tmp_path / "nergens")
    with studio_in(project, "--port", "0") as (process, url, said):
        assert "laatst gebruikte" not in said
    assert last_project() == project.resolve()


def test_shortcut_makes_a_desktop_entry_whose_exec_line_opens_the_studio_on_her_project(
    tmp_path,
):
    # A name with every character a desktop file or a shell treats specially.
    project = tmp_path / "Anne's map 100% $rust"
    assert run_cli(project, "init").exit_code == 0
    result = run_here(tmp_path, "shortcut")  # no --project: the one made last
    assert result.exit_code == 0, result.output
    menu = Path(os.environ["XDG_DATA_HOME"]) / "applications" / "ademstudio.desktop"
    desktop = Path(os.environ["XDG_DESKTOP_DIR"]) / "Ademstudio.desktop"
    assert f"  {menu}" in result.output and f"  {desktop}" in result.output
    assert result.output.startswith('De snelkoppeling "Ademstudio" staat klaar')
    entry = desktop.read_text(encoding="utf-8")
    assert entry == menu.read_text(encoding="utf-8")
    assert os.access(desktop, os.X_OK)
    fields = dict(line.split("=", 1) for line in entry.splitlines()[1:])
    assert entry.startswith("[Desktop Entry]\n")
    assert [fields[k] for k in ("Type", "Name", "Terminal")] == [
        "Application",
        "Ademstudio",
        "true",
    ]
    assert Path(fields["Icon"]).is_file()
    argv = exec_arguments(fields["Exec"])
    assert argv == [sys.executable, "-m", "breathcast", "--project", str(project), "studio"]

    # Run as the desktop would (its own port, so a studio she runs is left alone): her
    # browser opens the studio, which works in her project.
    opened = tmp_path / "browser.txt"
    browser = tmp_path / "browser.sh"
    browser.write_text(f'#!/bin/sh\necho "$1" > {shlex.quote(str(opened))}\n')
    browser.chmod(0o755)
    env = {**os.environ, "BROWSER": f"{browser} %s", "PYTHONUNBUFFERED": "1"}
    with studio_process([*argv, "--port", "0"], tmp_path, env) as (process, url, said):
        page = html.unescape(requests.get(url, timeout=10).text)
        assert f"Je project staat in {project}</span>" in page
        deadline = time.monotonic() + 10
        while not opened.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert opened.read_text().strip() == url


def test_shortcut_without_any_project_says_to_make_one_first(tmp_path):
    result = run_here(tmp_path, "shortcut")
    assert result.exit_code == 1
    assert "breathcast init" in result.output and "Er is nog geen project" in result.output
    assert not list(Path(os.environ["XDG_DESKTOP_DIR"]).iterdir())


def exec_arguments(line: str) -> list[str]:
    """An Exec value as the desktop-entry spec reads it: first the string escapes (`\\\\`),
    then the arguments: split at spaces, a quoted one taking `\\` before `"`, `` ` ``, `$`
    and `\\`; `%%` is a literal `%`."""
    text = re.sub(r"\\(.)", lambda m: {"s": " ", "n": "\n", "t": "\t"}.get(m[1], m[1]), line)
    args, current, quoted, chars = [], None, False, iter(text)
    for char in chars:
        if quoted:
            if char == "\\":
                char = next(chars)
                assert char in '"`$\\', f"{char!r} may not be escaped"
            elif char == '"':
                quoted = False
                continue
            current += char
        elif char == " ":
            if current is not None:
                args.append(current)
            current = None
        elif char == '"':
            quoted, current = True, current or ""
        else:
            current = (current or "") + char
    assert not quoted
    args += [current] if current is not None else []
    return [arg.replace("%%", "%") for arg in args]


@contextmanager
def studio_in(folder: Path, *args: str, answer: str = ""):
    """`breathcast studio` started in `folder` (no --project), answering `answer`; yields the
    process, the studio's address and everything it said before it."""
    command = [sys.executable, "-m", "breathcast", "studio", "--no-browser", *args]
    if "--port" not in args:
        command += ["--port", "0"]
    with studio_process(command, folder, {**os.environ, "PYTHONUNBUFFERED": "1"}, answer) as s:
        yield s


@contextmanager
def studio_process(command: list[str], cwd: Path, env: dict, answer: str = ""):
    process = subprocess.Popen(
        command, cwd=cwd, env=env, text=True,
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        process.stdin.write(answer)
        process.stdin.close()
        said = ""
        for line in process.stdout:
            said += line
            if found := ADDRESS.search(line):
                break
        else:
            pytest.fail(f"the studio did not start:\n{said}")
        yield process, found[1], said
    finally:
        process.terminate()
        process.wait(20)
        process.stdout.close()
