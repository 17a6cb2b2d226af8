"""Making the episodes: a build of a project, each episode produced, the manifest of
what was made from what, tags, sidecars, housekeeping and the timeline plot; and a new
project, with her exercises as starters."""

from breathcast.core.faces import face

# The names the other rooms use, and the module each lives in. Loaded when first asked
# for, so importing one module of this room never loads the others.
PUBLIC = {
    "build": "builder",
    "BuildOptions": "builder",
    "BuildPlanned": "events",
    "BuildRefused": "events",
    "BuildReport": "events",
    "check_project": "project",
    "check_scripts": "project",
    "check_text": "project",
    "clean_outputs": "housekeeping",
    "ClipVoiced": "events",
    "cover_image": "sidecars",
    "COVER_MAX_PX": "sidecars",
    "COVER_MIN_PX": "sidecars",
    "cover_kind": "sidecars",
    "episode_mixer": "produce",
    "EpisodeBuilt": "events",
    "EpisodeFailed": "events",
    "EpisodeSkipped": "events",
    "find_scripts": "project",
    "init_project": "starter",
    "locate": "project",
    "Manifest": "manifest",
    "MANIFEST_NAME": "manifest",
    "NewProject": "starter",
    "page_order": "project",
    "patterns_for": "project",
    "plot_script": "plot",
    "predicted_lufs": "produce",
    "put_cover": "sidecars",
    "read_webvtt": "sidecars",
    "Refusal": "events",
    "script_inputs": "manifest",
    "settings_text": "starter",
    "starter_files": "starter",
    "TextCheck": "project",
    "Underway": "events",
    "Warned": "events",
    "watch": "housekeeping",
}
__all__ = sorted(PUBLIC)
__getattr__, __dir__ = face(__name__, PUBLIC)
