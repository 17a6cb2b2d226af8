"""The layering rule the README states: the library never imports the front ends' web and
command-line stacks; only the CLI, the terminal view and the studio do."""

import ast
from pathlib import Path

import breathcast

PACKAGE = Path(breathcast.__file__).resolve().parent
FRONT_END_STACKS = {"click", "starlette", "uvicorn"}
FRONT_ENDS = {"terminal.py", "cli", "studio"}  # files or folders of the package


def imported(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return names


def test_the_library_imports_no_front_end_stack():
    modules = sorted(PACKAGE.rglob("*.py"))
    library = [p for p in modules if p.relative_to(PACKAGE).parts[0] not in FRONT_ENDS]
    assert len(library) > 30  # really the library: every module but the front ends
    offenders = {
        str(p.relative_to(PACKAGE)): sorted(imported(p) & FRONT_END_STACKS)
        for p in library
        if imported(p) & FRONT_END_STACKS
    }
    assert offenders == {}


def test_the_rule_sees_the_front_ends_imports():
    """The check would catch an offender: it finds click where the CLI imports it."""
    assert "click" in imported(PACKAGE / "cli" / "common.py")
    assert "starlette" in imported(PACKAGE / "studio" / "app.py")
