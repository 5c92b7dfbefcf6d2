"""Speech in and out: the transcriber (faster-whisper), voice activity and end of turn (Silero VAD),
emotional TTS (Piper, Coqui), and the microphone/speaker session."""

from speech.audio_out import Audio
from speech.synthesizer import PACKAGED_PIPER_VOICE, Synthesizer, TTSBackend, register_backend
from speech.transcriber import Transcriber
from speech import coqui_backend, piper_backend  # noqa: F401,E402  (register "coqui", "piper")

__all__ = ["Audio", "Synthesizer", "Transcriber", "TTSBackend", "register_backend", "PACKAGED_PIPER_VOICE"]
