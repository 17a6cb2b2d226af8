"""Her six exercises as shipped: every line maps to a step, and each is an exercise on the
page that names the sentence of hers it comes from."""

import re

import pytest
from conftest import REPO

from breathcast.script import (
    Breathe,
    Chapter,
    FadeOut,
    OptionalPart,
    Pause,
    Speech,
    normalize_text,
    parse_duration,
    read_script,
)

SHIPPED = sorted((REPO / "scripts").glob("*.md"))
SEED = REPO.parent / "shared" / "seed"
_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"})


@pytest.mark.parametrize("path", SHIPPED, ids=[p.name for p in SHIPPED])
def test_shipped_scripts_round_trip_to_their_source_lines(path):
    """Every body line of the file maps to exactly one step, and every step back to its line."""
    script = read_script(path)
    lines = path.read_text(encoding="utf-8").splitlines()
    for step in script.steps:
        source = lines[step.line - 1].strip()
        if isinstance(step, Speech):
            assert normalize_text(source) == step.text
        elif isinstance(step, Chapter):
            assert source == f"# {step.title}"
            if step.optional:  # `[optioneel]` or `[optioneel 2]` right under its heading
                assert lines[step.line].strip() == f"[optioneel {step.rank or ''}]".replace(
                    " ]", "]"
                )
        elif isinstance(step, OptionalPart):
            assert source == f"[optioneel {step.rank or ''}]".replace(" ]", "]")
        elif isinstance(step, Pause) and step.seconds is None:
            assert source == ""
        elif isinstance(step, Pause | FadeOut):
            assert parse_duration(source.strip("[]").split()[1]) == step.seconds
        else:
            assert source.startswith("[adem ")
    body_start = lines.index("---", 1) + 1
    meaningful = {n for n in range(body_start + 1, len(lines) + 1) if lines[n - 1].strip()}
    marks = {s.line + 1 for s in script.steps if isinstance(s, Chapter) and s.optional}
    marks |= {s.line for s in script.steps if isinstance(s, OptionalPart)}
    assert meaningful == marks | {
        s.line for s in script.steps if not (isinstance(s, Pause) and s.seconds is None)
    }


@pytest.mark.parametrize("path", SHIPPED, ids=[p.name for p in SHIPPED])
def test_shipped_scripts_are_exercises_on_the_page_from_her_words(path):
    """Each has a title, a description and its group on the page; the long ones have
    chapters, pauses and breathing blocks; and each names, in a comment, the sentence of
    hers it comes from."""
    script = read_script(path)
    assert script.title and script.description and script.group
    assert any(isinstance(s, Breathe) for s in script.steps)
    if script.lengths:
        assert sum(isinstance(s, Chapter) for s in script.steps) >= 4
        assert sum(isinstance(s, Breathe) for s in script.steps) >= 2
        assert sum(isinstance(s, Pause) and s.seconds is not None for s in script.steps) >= 3
        assert isinstance(script.steps[0], Chapter)
    assert seed_sentences(path), f'{path.name} names no seed sentence (# bron: "…")'


@pytest.mark.parametrize("path", SHIPPED, ids=[p.name for p in SHIPPED])
def test_the_sentences_they_name_are_hers(path):
    """Every sentence a script names in `# bron:` stands in her text (../shared/seed)."""
    seed_files = sorted(SEED.glob("*.txt")) if SEED.is_dir() else []
    if not seed_files:
        pytest.skip(f"her text is not beside the repository ({SEED}); cannot check the sources")
    seed = " ".join(f.read_text(encoding="utf-8") for f in seed_files).translate(_QUOTES)
    for sentence in seed_sentences(path):
        assert " ".join(sentence.split()) in " ".join(seed.split()), sentence


def seed_sentences(path) -> list[str]:
    """The quoted sentences of her `# bron:` line in a script's front matter."""
    front = path.read_text(encoding="utf-8").split("---")[1]
    sources = re.findall(r"^# bron: (.+)$", front, re.MULTILINE)
    return re.findall(r'"([^"]{12,})"', sources[0].translate(_QUOTES)) if sources else []
