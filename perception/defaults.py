"""The names of the models this package ships, and the default fusion weights: what the settings
need, in a module that imports nothing (so `agent.settings` loads no model code)."""

PACKAGED_TEXT_EMOTION = "packaged:text-emotion"
PACKAGED_CAUSE = "packaged:emotion-cause"
PACKAGED_CRISIS = "packaged:crisis"
PACKAGED_FACE = "packaged:mini-xception-fer2013"
PACKAGED_SPEECH_EMOTION = "packaged:speech-emotion"
PACKAGED_WHISPER = "packaged:whisper-tiny.en"
PACKAGED_MINILM = "packaged:all-MiniLM-L6-v2"

#: How much each modality's reading counts in the fused estimate, before its own confidence.
DEFAULT_RELIABILITY = {"text": 1.0, "speech": 0.7, "face": 0.8}
