"""The studio's routes, one module per resource; each module's `routes` list is its part of
the JSON API (documented in the README)."""
