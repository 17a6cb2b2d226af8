"""What every part of breathcast stands on: what it says (`Said`), its errors, the
settings, safe file writes, the project's lock, breath patterns, categories and events."""
