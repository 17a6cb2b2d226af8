"""What every part of breathcast stands on: what it says (`Said`), its errors, the
settings, safe file writes, the project's lock, breath patterns, categories and events."""

from breathcast.core.faces import face

# The names the other rooms use, and the module each lives in. Loaded when first asked
# for, so importing one module of this room never loads the others.
PUBLIC = {
    "at_line": "said",
    "atomic_path": "files",
    "atomic_write": "files",
    "AudioError": "errors",
    "BreathcastError": "errors",
    "BreathPattern": "breath",
    "BuildCancelled": "errors",
    "Cancel": "events",
    "category_problem": "categories",
    "Config": "config",
    "ConfigError": "errors",
    "ConflictError": "errors",
    "DEPLOY_KINDS": "config",
    "DeployError": "errors",
    "DeploySettings": "config",
    "EMAIL": "config",
    "ENGINE_CHOICES": "config",
    "ENGINE_WORDS": "config",
    "EngineError": "errors",
    "EngineName": "config",
    "Event": "events",
    "ForceNeededError": "errors",
    "holder": "lock",
    "Job": "lock",
    "load_config": "config",
    "LOCK_NAME": "lock",
    "PatternError": "errors",
    "Phase": "breath",
    "PHASE_WORDS": "breath",
    "PodcastSettings": "config",
    "project_lock": "lock",
    "ProjectLockedError": "errors",
    "public_address": "config",
    "PublishError": "errors",
    "RecordingError": "errors",
    "remember": "config",
    "RequestError": "errors",
    "Said": "said",
    "ScriptError": "errors",
    "ServeError": "errors",
    "SoundSettings": "config",
    "together": "said",
    "VoiceSettings": "config",
    "WorkspaceError": "errors",
}
__all__ = sorted(PUBLIC)
__getattr__, __dir__ = face(__name__, PUBLIC)
