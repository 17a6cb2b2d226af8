"""Her words: a script read into steps (speech, pauses, breathing, chapters), its front
matter, directives, pronunciations, advice, and the episodes it makes."""
