"""The `breathcast` command: each command parses its options, calls one library function and
shows its result; commands are grouped by family in the modules beside this one."""

from breathcast.cli import (  # noqa: F401  (each registers its commands)
    making,
    project,
    publishing,
    voice,
)
from breathcast.cli.common import cli


def main() -> None:
    cli(prog_name="breathcast")
