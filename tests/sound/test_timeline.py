import pytest

from breathcast.core import BreathPattern, SoundSettings
from breathcast.script import parse_script
from breathcast.sound import plan
from breathcast.sound.mp3 import FRAME_SAMPLES

SR = 44100
SOUND = SoundSettings()
SCRIPT = parse_script(
    "---\ntitle: T\n---\n# Een\nHallo.\n\nNog een.\n[pauze 3s]\n# Twee\n[adem 3x]\nKlaar.\n", "t.md"
)
LENGTHS = {"Hallo.": 40000, "Nog een.": 50000, "Klaar.": 30000}


def test_offsets_are_exact_sums():
    t = plan(SCRIPT, LENGTHS, BreathPattern.parse("4:6"), SOUND)
    gap, para = round(SOUND.line_gap_s * SR), round(SOUND.paragraph_pause_s * SR)
    lead = round(SOUND.lead_in_s * SR)
    starts = [c.start for c in t.clips]
    assert starts[0] == lead
    assert starts[1] == lead + 40000 + gap + para
    block = t.blocks[0]
    assert block.start == starts[1] + 50000 + gap + 3 * SR
    assert block.length == 30 * SR
    assert starts[2] == block.start + block.length + gap
    # The tail, rounded up to whole MP3 frames.
    end = starts[2] + 30000 + gap + round(SOUND.tail_s * SR)
    assert t.length % FRAME_SAMPLES == 0 and 0 <= t.length - end < FRAME_SAMPLES
    assert [c.line for c in t.clips] == [5, 7, 11]


def test_first_chapter_starts_at_zero_and_later_ones_at_their_sound():
    t = plan(SCRIPT, LENGTHS, BreathPattern.parse("4:6"), SOUND)
    assert [(c.title, c.start) for c in t.chapters] == [("Een", 0), ("Twee", t.blocks[0].start)]


@pytest.mark.parametrize("ratio", ["4:6", "3:6", "4.5:5.5", "4:7:8", "4-4-4-4", "3.3:4.7"])
def test_phases_tile_the_block_without_drift(ratio):
    pattern = BreathPattern.parse(ratio)
    script = parse_script("---\ntitle: T\n---\nHallo.\n[adem 40x]\n", "t.md")
    block = plan(script, {"Hallo.": 1000}, pattern, SOUND).blocks[0]
    assert block.cycles == 40
    assert len(block.phases) == 40 * len(pattern.phases)
    cursor = block.start
    for phase in block.phases:
        assert phase.start == cursor
        cursor += phase.length
    assert cursor == block.start + block.length
    assert block.length == round(40 * pattern.cycle_s * SR)
    for phase, (kind, seconds) in zip(block.phases, pattern.phases * 40, strict=True):
        assert phase.kind == kind
        assert abs(phase.length - seconds * SR) <= 1  # rounding never accumulates


def test_breathing_by_duration_depends_on_the_ratio():
    script = parse_script("---\ntitle: T\n---\nHallo.\n[adem 2m]\n", "t.md")
    blocks = {
        r: plan(script, {"Hallo.": 10}, BreathPattern.parse(r), SOUND).blocks[0]
        for r in ("4:6", "3:6", "4:4")
    }
    assert {r: b.cycles for r, b in blocks.items()} == {"4:6": 12, "3:6": 13, "4:4": 15}


def test_spoken_cues_open_the_phases_of_the_first_cycles():
    script = parse_script("---\ntitle: T\n---\nHallo.\n[adem 4x cues]\n", "t.md")
    assert [s.text for s in script.spoken] == ["Hallo.", "Adem in.", "Vasthouden.", "En uit."]
    lengths = {"Hallo.": 1000, "Adem in.": SR, "En uit.": SR, "Vasthouden.": SR}
    t = plan(script, lengths, BreathPattern.parse("4:6"), SOUND)
    block = t.blocks[0]
    cues = [c for c in t.clips if c.text != "Hallo."]
    assert [(c.start, c.text, c.line) for c in cues] == [
        (p.start, "Adem in." if p.kind == "in" else "En uit.", 5) for p in block.phases[:4]
    ]
    assert t.warnings == ()


def test_a_cue_longer_than_its_phase_is_dropped_with_a_warning():
    script = parse_script("---\ntitle: T\n---\nHallo.\n[adem 2x cues]\n", "s.md")
    lengths = {"Hallo.": 1000, "Adem in.": SR, "En uit.": SR, "Vasthouden.": 2 * SR}
    t = plan(script, lengths, BreathPattern.parse("4:1.5:6"), SOUND)
    assert [c.text for c in t.clips[1:]] == ["Adem in.", "En uit.", "Adem in.", "En uit."]
    assert tuple(str(w) for w in t.warnings) == (
        "s.md:5: the cue 'Vasthouden.' (2.0 s) is longer than its 1.5 s phase, so it is left out",
    )
    assert t.warnings[0].nl.startswith("s.md, regel 5: het woordje ‘Vasthouden.’ duurt 2 seconden")
