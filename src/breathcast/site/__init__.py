"""Putting them out: the page and the feed published from what was built, the feed's
rules checked, a local server, and the site put online (`deploy/`)."""
