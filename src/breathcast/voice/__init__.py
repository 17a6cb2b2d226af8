"""Her voice, or a computer's: the engines, the clip cache, her recorded takes, their
alignment to the script, and voicing a script into prepared clips."""

from breathcast.core.faces import face

# The names the other rooms use, and the module each lives in. Loaded when first asked
# for, so importing one module of this room never loads the others.
PUBLIC = {
    "CACHE_VERSION": "cache",
    "checklist": "recording",
    "choose_engine": "engines",
    "Engine": "engines",
    "engine_statuses": "engines",
    "FILL_ENGINES": "engines",
    "filled_lines": "voicing",
    "get_engine": "engines",
    "import_reading": "recording",
    "ImportReport": "recording",
    "OFFLINE_ENGINES": "engines",
    "PREPARE_VERSION": "voicing",
    "record_line": "recording",
    "TAKE_STATE_WORDS": "takes",
    "TakeState": "takes",
    "TakeStore": "takes",
    "VoicedScript": "voicing",
    "VoicingContext": "context",
}
__all__ = sorted(PUBLIC)
__getattr__, __dir__ = face(__name__, PUBLIC)
