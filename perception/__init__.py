"""How the user feels and why: the label space, recognizers per modality, fusion, emotion causes."""

from perception.cause import CauseExtractor
from perception.emotions import (EMOTIONS, VAD, VAD_ANCHORS, Cause, EmotionEstimate, UserAffect,
                                 nearest_emotion)
from perception.face import FaceEmotionRecognizer
from perception.fusion import fuse
from perception.loading import ModelLoadError
from perception.speech_emotion import SpeechEmotionRecognizer
from perception.text import TextEmotionRecognizer

__all__ = ["EMOTIONS", "VAD", "VAD_ANCHORS", "Cause", "EmotionEstimate", "UserAffect",
           "nearest_emotion", "fuse", "ModelLoadError", "TextEmotionRecognizer", "CauseExtractor",
           "SpeechEmotionRecognizer", "FaceEmotionRecognizer"]
