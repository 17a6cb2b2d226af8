"""The layering rule: the packages stand in one order, core → script → sound → voice → build →
site → {cli, studio}, and a package imports only packages to its left (the CLI may start the
studio). Every import counts, also one inside a function. The library never imports the front
ends' web and command-line stacks; only the CLI and the studio do."""

import ast
from pathlib import Path

import breathcast

PACKAGE = Path(breathcast.__file__).resolve().parent
ORDER = ("core", "script", "sound", "voice", "build", "site", "cli", "studio")
ALLOWED_RIGHT = {("cli", "studio")}  # `breathcast studio` starts it
FRONT_END_STACKS = {"click", "starlette", "uvicorn"}
FRONT_ENDS = {"cli", "studio"}


def imports(path: Path, inside: Path = PACKAGE) -> list[tuple[int, str]]:
    """(line, dotted module) of every import in `path` (a module of `inside`, breathcast's
    folder), relative ones resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = ("breathcast", *path.relative_to(inside).with_suffix("").parts[:-1])
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join([*package[: len(package) - node.level + 1], *filter(None, [base])])
            # `from breathcast.sound import tone` imports breathcast.sound.tone
            found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
    return found


def room(module: str) -> str | None:
    """The package of breathcast a dotted name lies in, or None (another library, or the
    package's own root: its version)."""
    parts = module.split(".")
    return parts[1] if parts[0] == "breathcast" and len(parts) > 1 and parts[1] in ORDER else None


def against_the_order(path: Path, inside: Path = PACKAGE) -> list[str]:
    here = room("breathcast." + ".".join(path.relative_to(inside).with_suffix("").parts))
    wrong = []
    for line, module in imports(path, inside):
        there = room(module)
        rightward = here and there and ORDER.index(there) > ORDER.index(here)
        if rightward and (here, there) not in ALLOWED_RIGHT:
            where = f"{path.relative_to(inside).as_posix()}:{line}"
            wrong.append(f"{where} imports {module} ({here} → {there})")
    return wrong


def test_every_module_lies_in_a_room():
    loose = [p.name for p in PACKAGE.glob("*.py") if p.name not in ("__init__.py", "__main__.py")]
    assert loose == []
    rooms = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()}
    assert rooms == set(ORDER)


def test_imports_run_one_way():
    modules = sorted(PACKAGE.rglob("*.py"))
    assert len(modules) > 60
    assert [w for p in modules for w in against_the_order(p)] == []


def test_the_rule_catches_an_import_against_the_order(tmp_path):
    """It would fail: an import of the build from the sound, even inside a function."""
    offender = tmp_path / "sound" / "offender.py"
    offender.parent.mkdir()
    offender.write_text("def f():\n    from breathcast.build.manifest import Manifest\n")
    assert against_the_order(offender, inside=tmp_path) == [
        "sound/offender.py:2 imports breathcast.build.manifest.Manifest (sound → build)"
    ]
    relative = tmp_path / "voice" / "relative.py"
    relative.parent.mkdir()
    relative.write_text("from ..site import publish\n")
    assert against_the_order(relative, inside=tmp_path) == [
        "voice/relative.py:1 imports breathcast.site.publish (voice → site)"
    ]


def test_the_library_imports_no_front_end_stack():
    modules = PACKAGE.rglob("*.py")
    library = [p for p in modules if p.relative_to(PACKAGE).parts[0] not in FRONT_ENDS]
    assert len(library) > 50  # really the library: every module but the front ends
    offenders = {
        str(p.relative_to(PACKAGE)): sorted(stacks)
        for p in library
        if (stacks := {m.split(".")[0] for _, m in imports(p)} & FRONT_END_STACKS)
    }
    assert offenders == {}


def test_the_rule_sees_the_front_ends_imports():
    """The check would catch an offender: it finds click where the CLI imports it."""
    assert any(m.startswith("click") for _, m in imports(PACKAGE / "cli" / "common.py"))
    assert any(m.startswith("starlette") for _, m in imports(PACKAGE / "studio" / "app.py"))
