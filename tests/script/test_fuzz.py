"""The parser under arbitrary input: only ScriptError, with a line inside the file, ever."""


import pytest
from conftest import REPO
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from breathcast.core import ScriptError
from breathcast.script import parse_script

SHIPPED = [p.read_bytes() for p in sorted((REPO / "scripts").glob("*.md"))]
FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def parses_or_points_inside(data: bytes | str) -> None:
    try:
        script = parse_script(data, "fuzz.md")
    except ScriptError as exc:
        text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
        lines = max(1, len(text.splitlines()))
        assert 1 <= exc.line <= lines, (exc.line, lines)
        assert str(exc).startswith(f"fuzz.md:{exc.line}: ")
        assert exc.detail.nl != exc.detail.en  # every error is also said in Dutch
    else:
        assert script.title and script.speech


@FUZZ
@given(st.text())
def test_arbitrary_text(text):
    parses_or_points_inside(text)


@FUZZ
@given(st.binary())
def test_arbitrary_bytes(data):
    parses_or_points_inside(data)


LINES = st.sampled_from(
    ["", "---", "title: T", "# Kop", "[pauze 3s]", "[adem 4x cues]", "[adem 2m]", "[pauze 700s]",
     "[adem]", "[", "]", "ratios: 4:6, 0:1", "ambient: ../x", "tempo: 9", "Hallo.", "\ufeff",
     "\x00",
     "[pause 1m30s]", "[breathe 0x]", "description: x", "#", "[pauze 1,5s]"]
)  # fmt: skip


@FUZZ
@given(st.lists(LINES, max_size=30))
def test_directive_soup(lines):
    parses_or_points_inside("\n".join(lines))


@pytest.mark.slow
@FUZZ
@given(st.sampled_from(SHIPPED), st.data())
def test_mutated_real_scripts(original, data):
    """A real script with bytes deleted, replaced or inserted somewhere."""
    buffer = bytearray(original)
    for _ in range(data.draw(st.integers(1, 5))):
        at = data.draw(st.integers(0, len(buffer) - 1))
        action = data.draw(st.sampled_from(["delete", "replace", "insert"]))
        byte = data.draw(st.integers(0, 255))
        if action == "delete":
            del buffer[at]
        elif action == "replace":
            buffer[at] = byte
        else:
            buffer.insert(at, byte)
    parses_or_points_inside(bytes(buffer))
