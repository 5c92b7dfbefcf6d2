"""How the user feels and why: the label space, recognizers per modality, fusion, emotion causes.

The names below load on first use (PEP 562), so `import perception.defaults` costs nothing.
"""

from perception.loading import lazy_exports

_EXPORTS = {**dict.fromkeys(["EMOTIONS", "VAD", "VAD_ANCHORS", "Cause", "EmotionEstimate", "UserAffect",
                             "nearest_emotion"], "perception.emotions"),
            "fuse": "perception.fusion", "ModelLoadError": "perception.loading",
            "TextEmotionRecognizer": "perception.text", "CauseExtractor": "perception.cause",
            "SpeechEmotionRecognizer": "perception.speech_emotion", "FaceEmotionRecognizer": "perception.face"}
__all__ = list(_EXPORTS)

__getattr__ = lazy_exports("perception", _EXPORTS)
