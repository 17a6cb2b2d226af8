"""Everything heard besides her voice, and the mix: the timeline, fitting to a length, the
pacing tone, the water bed, the melody, mixing, mastering, loudness, and encoding."""

from breathcast.core.faces import face

# The names the other rooms use, and the module each lives in. Loaded when first asked
# for, so importing one module of this room never loads the others.
PUBLIC = {
    "CHUNK": "mixer",
    "DUAL_MONO_LU": "loudness",
    "encode_normalized": "encode",
    "energy_profile": "kweight",
    "fit": "fitting",
    "heard_master": "loudness",
    "Loudness": "loudness",
    "loudness_curve": "loudness",
    "loudness_range": "loudness",
    "measure_file": "loudness",
    "melody_clip": "melody",
    "LOUDNESS_LEVEL_WORDS": "loudness",
    "loudness_level": "loudness",
    "LoudnessLevel": "loudness",
    "miss_warning": "loudness",
    "Mixer": "mixer",
    "plan": "timeline",
    "predict_lufs": "loudness",
    "raised_cosine": "dsp",
    "Source": "mixer",
    "speech_rms": "dsp",
    "target_mono_lufs": "loudness",
    "Timeline": "timeline",
    "to_pcm16": "mp3",
    "trim_silence": "dsp",
    "VERIFY_LOUDNESS_LU": "loudness",
    "VERIFY_PEAK_DB": "loudness",
}
__all__ = sorted(PUBLIC)
__getattr__, __dir__ = face(__name__, PUBLIC)
