"""The docs stay true: the README starts with the two commands CI runs, and the reference
(docs/reference.md) names every command, option, directive, front-matter key, setting and
error class the code has; every page the README links to exists."""

import re
import shlex

import click
from conftest import REPO

from breathcast.cli import cli
from breathcast.core import (
    Config,
    DeploySettings,
    PodcastSettings,
    SoundSettings,
    VoiceSettings,
    errors,
)
from breathcast.script.directives import BREATHE_NAMES, PAUSE_NAMES
from breathcast.script.frontmatter import KEYS as FRONT_MATTER_KEYS

README = (REPO / "README.md").read_text(encoding="utf-8")
REFERENCE = (REPO / "docs" / "reference.md").read_text(encoding="utf-8")


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


def section(heading_prefix: str) -> str:
    """The reference from a heading that starts with `heading_prefix` to the next heading."""
    start = REFERENCE.index(heading_prefix)
    following = re.search(r"\n#{2,3} ", REFERENCE[start + len(heading_prefix) :])
    end = start + len(heading_prefix) + following.start() if following else len(REFERENCE)
    return REFERENCE[start:end]


def test_every_command_and_option_is_documented_in_its_own_section():
    for name, command in cli.commands.items():
        assert command.help, f"{name} has no help text"
        text = section(f"### `breathcast {name}")
        for param in command.params:
            if isinstance(param, click.Option):
                assert any(f"`{opt}" in text for opt in param.opts), f"{name} {param.opts}"


def test_every_error_class_is_in_the_error_table():
    table = section("## Errors")
    classes = [
        obj
        for obj in vars(errors).values()
        if isinstance(obj, type) and issubclass(obj, errors.BreathcastError)
    ]
    assert len(classes) >= 10
    for cls in classes:
        assert f"| `{cls.__name__}` |" in table, f"the error table lacks {cls.__name__}"


def test_script_format_is_documented():
    for name in PAUSE_NAMES + BREATHE_NAMES:
        assert f"[{name} " in REFERENCE
    for key in FRONT_MATTER_KEYS:
        assert f"`{key}" in REFERENCE


def test_every_setting_is_documented():
    settings = section("## Settings")
    for cls in (VoiceSettings, SoundSettings, PodcastSettings, DeploySettings):
        for field in cls.__dataclass_fields__:
            assert f"\n{field} = " in settings, f"README lacks the setting {field}"
    tables = ("voice", "sound", "podcast", "deploy")
    top_level = [f for f in Config.__dataclass_fields__ if f not in ("root", "source", *tables)]
    for key in top_level:
        assert f"\n{key} = " in settings, f"README lacks the top-level key {key}"
    for table in tables:
        assert f"\n[{table}]" in settings, f"README lacks the [{table}] table"


def test_the_readme_is_short_and_every_page_it_links_to_is_there():
    assert len(README.splitlines()) <= 150
    links = re.findall(r"\]\(((?:docs|bench)/[^)#]+|CHANGELOG\.md)\)", README)
    assert {"docs/gids.md", "docs/reference.md", "docs/architecture.md", "docs/security.md",
            "bench/RESULTS.md", "CHANGELOG.md"} <= set(links)  # fmt: skip
    for link in links:
        assert (REPO / link).is_file(), link
