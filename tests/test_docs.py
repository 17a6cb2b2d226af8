"""The README stays true: its commands, options and script format match the code."""

import re
import shlex

import click
from conftest import REPO

from breathcast.cli import cli
from breathcast.config import SoundSettings, VoiceSettings
from breathcast.script import BREATHE_NAMES, FRONT_MATTER_KEYS, PAUSE_NAMES

README = (REPO / "README.md").read_text(encoding="utf-8")


def shell_blocks() -> list[str]:
    return re.findall(r"```sh\n(.*?)```", README, flags=re.S)


def test_readme_starts_with_the_two_commands_and_ci_runs_the_second():
    build, tests = (block.strip() for block in shell_blocks()[:2])
    assert build == "pip install -e . && breathcast build"
    assert tests.startswith("pip install -e '.[test]'") and "pytest" in tests
    ci = [
        line
        for line in (REPO / ".ci" / "run").read_text().splitlines()
        if line.strip() and not line.startswith("#") and "pip install" in line
    ]
    assert ci == [tests]
    assert shlex.split(tests)  # well-formed shell


def test_every_command_and_option_is_documented():
    for name, command in cli.commands.items():
        assert command.help, f"{name} has no help text"
        assert f"### `breathcast {name}" in README, f"README lacks a section for {name}"
        for param in command.params:
            if isinstance(param, click.Option):
                assert any(f"`{opt}" in README for opt in param.opts), f"{name} {param.opts}"


def test_script_format_is_documented():
    for name in PAUSE_NAMES + BREATHE_NAMES:
        assert f"[{name} " in README
    for key in FRONT_MATTER_KEYS:
        assert f"`{key}" in README


def test_every_setting_is_documented():
    for cls in (VoiceSettings, SoundSettings):
        for field in cls.__dataclass_fields__:
            assert f"\n{field} = " in README, f"README lacks the setting {field}"
