import pytest

from breathcast.core import BreathcastError, BreathPattern, PatternError


@pytest.mark.parametrize(
    ("text", "parts", "cycle"),
    [
        ("4:6", (4, 0, 6, 0), 10),
        ("4-6", (4, 0, 6, 0), 10),
        ("4.5:5.5", (4.5, 0, 5.5, 0), 10),
        ("4,5:5,5", (4.5, 0, 5.5, 0), 10),
        ("4:7:8", (4, 7, 8, 0), 19),
        ("4-4-4-4", (4, 4, 4, 4), 16),
        (" 3 : 6 ", (3, 0, 6, 0), 9),
        ("1:1", (1, 0, 1, 0), 2),
        ("30:30", (30, 0, 30, 0), 60),
    ],
)
def test_parses_every_form(text, parts, cycle):
    pattern = BreathPattern.parse(text)
    assert (pattern.inhale, pattern.hold_in, pattern.exhale, pattern.hold_out) == parts
    assert pattern.cycle_s == pytest.approx(cycle)


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("4", "must look like IN:OUT"),
        ("4:6:1:1:1", "must look like IN:OUT"),
        ("", "must look like IN:OUT"),
        ("0:6", "more than 0 seconds"),
        ("4:0:6", "more than 0 seconds"),
        ("-4:6", "not a positive number"),
        ("a:6", "not a positive number"),
        ("4:six", "not a positive number"),
        ("0.5:1", "use between 2 and 60 s"),
        ("30:31", "use between 2 and 60 s"),
    ],
)
def test_rejects_with_a_clear_message(text, needle):
    with pytest.raises(PatternError, match=needle) as info:
        BreathPattern.parse(text)
    assert isinstance(info.value, BreathcastError)


def test_phases_skip_missing_holds_and_keep_order():
    assert BreathPattern.parse("4:6").phases == (("in", 4), ("out", 6))
    assert BreathPattern.parse("4:7:8").phases == (("in", 4), ("hold_in", 7), ("out", 8))
    assert [k for k, _ in BreathPattern.parse("4-4-4-4").phases] == [
        "in",
        "hold_in",
        "out",
        "hold_out",
    ]


@pytest.mark.parametrize(
    ("text", "label", "slug"),
    [
        ("4:6", "4:6", "4-6"),
        ("4.5-5.5", "4.5:5.5", "4.5-5.5"),
        ("4:7:8", "4:7:8", "4-7-8"),
        ("4:4:4:4", "4:4:4:4", "4-4-4-4"),
    ],
)
def test_label_and_slug_round_trip(text, label, slug):
    pattern = BreathPattern.parse(text)
    assert str(pattern) == label
    assert pattern.slug == slug
    assert BreathPattern.parse(str(pattern)) == pattern


@pytest.mark.parametrize(
    ("text", "needles"),
    [
        ("4:6", []),
        ("4:4", []),
        ("4:7:8", []),
        ("4-4-4-4", []),
        ("2:3", ["12.0 breaths/min; slow breathing is < 10/min"]),
        ("5:4", ["shorter than in (5 s); a longer exhale is what calms"]),
        ("4:8:8", ["holds the breath for 8 s"]),
        ("3:1:1:1", ["shorter than in"]),
        ("2:1:1", ["15.0 breaths/min", "shorter than in"]),
    ],
)
def test_warnings_explain_what_is_less_calming(text, needles):
    notes = BreathPattern.parse(text).advice()
    assert len(notes) == len(needles)
    for note, needle in zip(notes, needles, strict=True):
        assert needle in note.en and note.nl != note.en  # said in Dutch too


def test_in_words_for_listeners():
    assert BreathPattern.parse("4:6").in_words == "in 4, uit 6"
    assert BreathPattern.parse("4.5:5.5").in_words == "in 4.5, uit 5.5"
    assert BreathPattern.parse("4:7:8").in_words == "in 4, vast 7, uit 8"
    assert BreathPattern.parse("4-4-4-4").in_words == "in 4, vast 4, uit 4, vast 4"


@pytest.mark.parametrize(("text", "said"), [("2:1", "20"), ("2.5:3", "10,9")])
def test_advice_writes_numbers_as_dutch_does(text, said):
    """Dutch notation: "20 ademhalingen", "10,9 ademhalingen", never "20.0"."""
    fast = BreathPattern.parse(text).advice()[0]
    assert f"is {said} ademhalingen per minuut;" in fast.nl
