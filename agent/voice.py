"""Voice sessions: the agent heard through a microphone and spoken through a speaker, or one turn
from a file to a file (headless).

The live loop feeds microphone blocks to the end-of-turn detector; each finished user turn runs
in a worker thread (`EmpatheticAgent.stream` with voice), whose spoken sentences go to the player as
they come. Meanwhile the loop keeps listening: if the user starts talking while the agent speaks
(barge-in), playback stops at once and the rest of that reply is not played (the turn is still
remembered). Without echo cancellation the microphone also hears the speaker, so use headphones,
or push-to-talk.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Callable

import numpy as np

from agent.sdk import AudioChunk, EmpatheticAgent, Reply, StreamEvent
from agent.settings import SpeechSection
from perception.audio import SAMPLE_RATE, to_mono_16k
from speech.devices import Microphone, Player, check_devices
from speech.turn_detector import TurnDetector

EventHandler = Callable[[StreamEvent], None]


def voice_turn_from_file(agent: EmpatheticAgent, source: Path, target: Path | None, user_id: str,
                         session_id: str, on_event: EventHandler, image: list | None = None) -> Reply:
    """Headless: hear `source` (and see `image`, frames of the user), answer, write the spoken reply
    to `target` (WAV/FLAC/OGG by suffix)."""
    reply = None
    for event in agent.stream(audio=str(source), user_id=user_id, session_id=session_id, voice=True, image=image):
        on_event(event)
        reply = getattr(event, "reply", reply)
    if target is not None and reply is not None and reply.audio is not None:
        reply.audio.save(target)
    return reply


class TurnListener:
    """End of turn for audio that arrives in pieces from elsewhere (a browser's microphone stream):
    `feed(samples, sample_rate)` gives the finished turn (16 kHz mono) once the user has paused for
    `silence_ms`, else None."""

    def __init__(self, speech: SpeechSection):
        self.detector = TurnDetector(silence_ms=speech.silence_ms, min_speech_ms=speech.min_speech_ms,
                                     max_turn_s=speech.max_turn_s)

    def feed(self, samples: np.ndarray, sample_rate: int) -> np.ndarray | None:
        finished = None
        for event in self.detector.feed(to_mono_16k(samples, sample_rate)):
            if event.kind == "turn_end":
                finished = event.audio
        return finished


class LiveVoiceSession:
    def __init__(self, agent: EmpatheticAgent, user_id: str, session_id: str, on_event: EventHandler,
                 on_status: Callable[[str], None]):
        check_devices()
        s = agent.settings.speech
        self.agent, self.user_id, self.session_id = agent, user_id, session_id
        self.on_event, self.on_status = on_event, on_status
        self.detector = TurnDetector(silence_ms=s.silence_ms, min_speech_ms=s.min_speech_ms, max_turn_s=s.max_turn_s)
        self.player = Player()
        self.interrupted = threading.Event()
        self.turn: threading.Thread | None = None

    def _run_turn(self, audio) -> None:
        self.interrupted.clear()
        try:
            for event in self.agent.stream(audio=(audio, SAMPLE_RATE), user_id=self.user_id,
                                           session_id=self.session_id, voice=True):
                if isinstance(event, AudioChunk):
                    if not self.interrupted.is_set():
                        self.player.play(event.audio)
                    continue
                self.on_event(event)
        except Exception as exc:  # shown, and the session goes on listening
            self.on_status(f"that turn failed: {exc}")

    @property
    def busy(self) -> bool:
        return self.player.playing or (self.turn is not None and self.turn.is_alive())

    def barge_in(self) -> None:
        self.interrupted.set()
        self.player.stop()
        self.on_status("(interrupted: listening)")

    def run_hands_free(self, stop: threading.Event | None = None) -> None:
        """Listen until Ctrl-C (or until `stop` is set)."""
        stop = stop or threading.Event()
        self.on_status("listening (speak; Ctrl-C to leave)")
        with Microphone() as mic:
            while not stop.is_set():
                block = mic.read()
                if block is None:
                    continue
                for event in self.detector.feed(block):
                    if event.kind == "speech_start" and self.busy:
                        self.barge_in()
                    elif event.kind == "turn_end":
                        if self.turn is not None and self.turn.is_alive():
                            self.turn.join()  # one turn at a time: the next waits for the last to be saved
                        self.turn = threading.Thread(target=self._run_turn, args=(event.audio,), daemon=True)
                        self.turn.start()

    def run_push_to_talk(self, wait_for_key: Callable[[str], object]) -> None:
        import numpy as np

        while True:
            wait_for_key("press Enter and speak; Enter again when done (Ctrl-C to leave)")
            if self.busy:
                self.barge_in()
            blocks: list = []
            done = threading.Event()
            with Microphone() as mic:
                threading.Thread(target=lambda: (wait_for_key(""), done.set()), daemon=True).start()
                while not done.is_set():
                    block = mic.read(timeout=0.1)
                    if block is not None:
                        blocks.append(block)
            if blocks:
                self.turn = threading.Thread(target=self._run_turn, args=(np.concatenate(blocks),), daemon=True)
                self.turn.start()
                self.turn.join()

    def close(self) -> None:
        self.player.close()
