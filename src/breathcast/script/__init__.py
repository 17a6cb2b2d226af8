"""Her words: a script read into steps (speech, pauses, breathing, chapters), its front
matter, directives, pronunciations, advice, and the episodes it makes."""

from breathcast.core.faces import face

# The names the other rooms use, and the module each lives in. Loaded when first asked
# for, so importing one module of this room never loads the others.
PUBLIC = {
    "BREATH_CUES": "directives",
    "Breathe": "directives",
    "Chapter": "directives",
    "clock": "episode",
    "Episode": "episode",
    "EPISODE_STATUS_WORDS": "episode",
    "EpisodeKey": "episode",
    "EpisodeStatus": "episode",
    "FadeOut": "directives",
    "Failure": "episode",
    "FILE_NAME": "lexicon",
    "FRONT_WORDS": "help",
    "leaving_order": "parts",
    "Length": "frontmatter",
    "Lexicon": "lexicon",
    "lint_lexicon": "lint",
    "lint_script": "lint",
    "loose_references": "parts",
    "MUSIC_FOLDER": "frontmatter",
    "normalize_text": "parser",
    "Note": "lint",
    "OptionalPart": "directives",
    "parse_duration": "frontmatter",
    "parse_lexicon": "lexicon",
    "parse_script": "parser",
    "Part": "parts",
    "Pause": "directives",
    "read_lexicon": "lexicon",
    "read_script": "parser",
    "Script": "parser",
    "script_parts": "parts",
    "set_key": "frontmatter",
    "slugify": "parser",
    "Speech": "directives",
    "Step": "directives",
    "WRITING": "help",
}
__all__ = sorted(PUBLIC)
__getattr__, __dir__ = face(__name__, PUBLIC)
