"""Microphone and speaker through sounddevice (PortAudio), imported only when a live session starts.

Without PortAudio (Debian: `apt install libportaudio2`) or without any audio device, `open_audio`
raises `AudioDeviceError` with what to do instead: `empathica voice --input in.wav --output out.wav`
runs a turn from a file to a file on machines without sound.
"""

from __future__ import annotations

import queue
import threading
import numpy as np

from perception.audio import SAMPLE_RATE
from perception.audio import Audio

BLOCK = 512  # 32 ms at 16 kHz, one Silero window


class AudioDeviceError(RuntimeError):
    """No usable microphone or speaker."""


HEADLESS_HINT = "for a machine without sound, run one turn from a file: empathica voice --input in.wav --output out.wav"


def sounddevice_module():
    try:
        import sounddevice
    except OSError as exc:  # the Python package is there, the PortAudio library is not
        raise AudioDeviceError(f"no audio system: {exc} (Debian/Ubuntu: sudo apt install libportaudio2); "
                               + HEADLESS_HINT) from exc
    return sounddevice


def check_devices() -> None:
    sd = sounddevice_module()
    try:
        inputs = [d for d in sd.query_devices() if d["max_input_channels"] > 0]
        outputs = [d for d in sd.query_devices() if d["max_output_channels"] > 0]
    except Exception as exc:  # PortAudio errors
        raise AudioDeviceError(f"cannot list audio devices: {exc}; " + HEADLESS_HINT) from exc
    if not inputs or not outputs:
        missing = "microphone" if not inputs else "speaker"
        raise AudioDeviceError(f"no {missing} found; " + HEADLESS_HINT)


class Microphone:
    """16 kHz mono blocks from the default input device, as a stream of numpy arrays."""

    def __init__(self) -> None:
        self.sd = sounddevice_module()
        self.blocks: queue.Queue[np.ndarray] = queue.Queue()
        self.stream = self.sd.InputStream(samplerate=SAMPLE_RATE, channels=1, dtype="float32",
                                          blocksize=BLOCK, callback=self._callback)

    def _callback(self, data, frames, time_info, status) -> None:
        self.blocks.put(data[:, 0].copy())

    def __enter__(self) -> "Microphone":
        self.stream.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stream.stop()
        self.stream.close()

    def read(self, timeout: float = 0.5) -> np.ndarray | None:
        try:
            return self.blocks.get(timeout=timeout)
        except queue.Empty:
            return None


class Player:
    """Plays queued `Audio` in a background thread; `stop()` cuts it off at once (barge-in)."""

    def __init__(self) -> None:
        self.sd = sounddevice_module()
        self.pending: queue.Queue[Audio | None] = queue.Queue()
        self.stopped = threading.Event()
        self.busy = threading.Event()
        self.closed = False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def play(self, audio: Audio) -> None:
        if self.closed:  # (a turn that finishes after the session closed plays nothing)
            return
        self.stopped.clear()
        self.busy.set()
        self.pending.put(audio)

    def _run(self) -> None:
        while True:
            audio = self.pending.get()
            if audio is None:
                return
            if not self.stopped.is_set():
                self.sd.play(audio.samples, audio.sample_rate)
                while self.sd.get_stream().active and not self.stopped.is_set():
                    self.stopped.wait(0.02)
                if self.stopped.is_set():
                    self.sd.stop()
            if self.pending.empty():
                self.busy.clear()

    @property
    def playing(self) -> bool:
        return self.busy.is_set()

    def stop(self) -> None:
        self.stopped.set()
        while not self.pending.empty():
            self.pending.get_nowait()
        self.busy.clear()

    def close(self, timeout: float = 5.0) -> None:
        """Stop and wait for the playing thread, so that no PortAudio call is left running when
        sounddevice terminates PortAudio at interpreter exit."""
        self.closed = True
        self.stop()
        self.pending.put(None)
        self.thread.join(timeout)
        if self.thread.is_alive():
            import warnings

            warnings.warn(f"the speaker thread did not stop within {timeout:.0f} s of closing")

