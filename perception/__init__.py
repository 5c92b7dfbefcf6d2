"""How the user feels and why: the label space, recognizers per modality, fusion, emotion causes.

The names below load on first use (PEP 562), so `import perception.defaults` costs nothing.
"""

from importlib import import_module

_EXPORTS = {**dict.fromkeys(["EMOTIONS", "VAD", "VAD_ANCHORS", "Cause", "EmotionEstimate", "UserAffect",
                             "nearest_emotion"], "perception.emotions"),
            "fuse": "perception.fusion", "ModelLoadError": "perception.loading",
            "TextEmotionRecognizer": "perception.text", "CauseExtractor": "perception.cause",
            "SpeechEmotionRecognizer": "perception.speech_emotion", "FaceEmotionRecognizer": "perception.face"}
__all__ = list(_EXPORTS)


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module 'perception' has no attribute {name!r}")
    return getattr(import_module(_EXPORTS[name]), name)
