"""Everything heard besides her voice, and the mix: the timeline, fitting to a length, the
pacing tone, the water bed, the melody, mixing, mastering, loudness, and encoding."""
