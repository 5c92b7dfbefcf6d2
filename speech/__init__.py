"""Speech in and out (ASR, voice activity, emotional TTS, microphone and speaker).

Empty for now: the voice capability (transcriber, speech emotion, synthesizer) lands here next.
"""
