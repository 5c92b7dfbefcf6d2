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
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Callable

import numpy as np

from agent.events import AudioChunk, Reply, StreamEvent
from agent.sdk import EmpatheticAgent
from perception.audio import SAMPLE_RATE, to_mono_16k
from speech.devices import Microphone, Player, check_devices
from speech.transcriber import Transcript
from speech.turn_detector import TurnDetector, TurnEvent

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


class TurnTaker:
    """End of turn on a live stream (a microphone, a browser's microphone stream), with early
    transcription: `feed(samples, sample_rate)` gives the detector's events, and a `"turn_end"`
    event carries the `transcript` already made when the user paused for `early_transcribe_ms` and
    did not speak again (None otherwise: the turn transcribes its audio itself). Whisper's ~0.4 s on
    a CPU then runs while the rest of the end-of-turn silence is still being confirmed."""

    def __init__(self, agent: EmpatheticAgent):
        s = agent.settings.speech
        self.agent = agent
        self.detector = TurnDetector(silence_ms=s.silence_ms, pause_ms=s.early_transcribe_ms,
                                     min_speech_ms=s.min_speech_ms, max_turn_s=s.max_turn_s)
        self._early: tuple[int, Future] | None = None  # (samples transcribed, the transcription)
        self.last_transcript: Transcript | None = None  # of the last finished turn, for callers that
        # hand its audio on by another way (the web page sends it through an audio component)

    def feed(self, samples: np.ndarray, sample_rate: int = SAMPLE_RATE) -> list[TurnEvent]:
        events = []
        for event in self.detector.feed(to_mono_16k(samples, sample_rate)):
            if event.kind == "pause":  # maybe the end: transcribe now (wasted if the user goes on)
                self._early = (len(event.audio), _EARLY_ASR.submit(self.agent.transcribe, (event.audio, SAMPLE_RATE)))
            elif event.kind == "turn_end":
                self.last_transcript = self._early_transcript(event)
                events.append(replace(event, transcript=self.last_transcript))
            else:
                events.append(event)
        return events

    def _early_transcript(self, turn: TurnEvent) -> Transcript | None:
        early, self._early = self._early, None
        if early is None or turn.paused_samples != early[0]:
            return None  # no pause, or the user spoke after it: the turn's audio is new
        try:
            transcript = early[1].result()
        except Exception:  # noqa: BLE001 - the turn transcribes again and reports the error itself
            return None
        return replace(transcript, duration=len(turn.audio) / SAMPLE_RATE)


_EARLY_ASR = ThreadPoolExecutor(max_workers=2, thread_name_prefix="empathica-early-asr")


class LiveVoiceSession:
    def __init__(self, agent: EmpatheticAgent, user_id: str, session_id: str, on_event: EventHandler,
                 on_status: Callable[[str], None]):
        check_devices()
        self.agent, self.user_id, self.session_id = agent, user_id, session_id
        self.on_event, self.on_status = on_event, on_status
        self.turns = TurnTaker(agent)
        self.player = Player()
        self.interrupted = threading.Event()
        self.turn: threading.Thread | None = None

    def _run_turn(self, audio, transcript: Transcript | None = None) -> None:
        self.interrupted.clear()
        try:
            for event in self.agent.stream(audio=(audio, SAMPLE_RATE), user_id=self.user_id,
                                           session_id=self.session_id, voice=True, transcript=transcript):
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
                for event in self.turns.feed(block):
                    if event.kind == "speech_start" and self.busy:
                        self.barge_in()
                    elif event.kind == "turn_end":
                        if self.turn is not None and self.turn.is_alive():
                            self.turn.join()  # one turn at a time: the next waits for the last to be saved
                        self.turn = threading.Thread(target=self._run_turn, args=(event.audio, event.transcript),
                                                     daemon=True)
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
        self.interrupted.set()  # a turn still writing sends no more sound to the player
        self.player.close()
