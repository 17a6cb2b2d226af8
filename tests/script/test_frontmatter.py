"""Front matter: one table of keys, read at its lines, and one key set in a script's text with
every other byte kept (the studio's "Gebruik mijn eigen stem" does this on the server)."""

import pytest
from conftest import SMALL_SCRIPT

from breathcast.core import ScriptError
from breathcast.script.frontmatter import KEYS, set_key
from breathcast.script.parser import Script, parse_script

WITH_HER_VOICE = SMALL_SCRIPT.replace(
    "description: Een korte test.\n", "description: Een korte test.\nengine: opname\n"
)


def test_every_key_has_a_parser_and_a_script_field():
    assert len(KEYS) >= 10 and set(KEYS) <= set(Script.__dataclass_fields__)


def test_a_key_is_added_at_the_end_of_the_front_matter_and_nothing_else_moves():
    changed = set_key(SMALL_SCRIPT, "engine", "opname")
    assert changed == WITH_HER_VOICE
    assert parse_script(changed).engine == "opname"


def test_a_key_that_is_there_is_replaced_whatever_its_case_and_line_endings():
    text = "---\r\nTitle: Kort\r\nEngine:   espeak\r\n---\r\nHallo.\r\n"
    changed = set_key(text, "engine", "opname")
    assert changed == "---\r\nTitle: Kort\r\nengine: opname\r\n---\r\nHallo.\r\n"
    assert set_key(changed, "engine", None) == "---\r\nTitle: Kort\r\n---\r\nHallo.\r\n"


def test_a_script_without_front_matter_gets_one():
    changed = set_key("Hallo.\n", "title", "Kort")
    assert changed == "---\ntitle: Kort\n---\n\nHallo.\n"
    assert parse_script(changed).title == "Kort"


@pytest.mark.parametrize(
    ("key", "value", "said"),
    [
        ("engine", "robot", "engine: kies een van"),
        ("tempo", "3", "tempo: is een getal van 0.5 tot 2"),
        ("kleur", "blauw", "kleur: is geen bekende instelling"),
    ],
)
def test_a_value_its_key_cannot_take_is_refused_and_the_text_is_not_touched(key, value, said):
    with pytest.raises(ScriptError) as refused:
        set_key(SMALL_SCRIPT, key, value, "kort.md")
    assert refused.value.detail.nl.startswith(said)
