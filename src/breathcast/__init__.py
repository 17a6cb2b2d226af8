"""breathcast: turn written Dutch guided meditations into finished, publishable audio."""

__version__ = "0.1.0"

# Bump when a change in planning or rendering changes the bytes of an episode.
RENDER_VERSION = 7  # 7: 1.8 s between lines, optional paragraphs, melody under the words
