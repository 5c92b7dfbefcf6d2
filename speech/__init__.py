"""Speech in and out: the transcriber (faster-whisper), voice activity and end of turn (Silero VAD),
emotional TTS (Piper, Coqui), and the microphone/speaker session.

The names below load on first use (PEP 562), so `import speech.defaults` costs nothing.
"""

from perception.loading import lazy_exports

_EXPORTS = {"Audio": "perception.audio", "Synthesizer": "speech.synthesizer", "TTSBackend": "speech.synthesizer",
            "register_backend": "speech.synthesizer", "Transcriber": "speech.transcriber",
            "PACKAGED_PIPER_VOICE": "speech.defaults"}
__all__ = list(_EXPORTS)

__getattr__ = lazy_exports("speech", _EXPORTS)
