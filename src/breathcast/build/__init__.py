"""Making the episodes: a build of a project, each episode produced, the manifest of
what was made from what, tags, sidecars, housekeeping and the timeline plot."""
