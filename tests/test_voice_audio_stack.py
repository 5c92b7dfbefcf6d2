"""`empathica voice` live, through a real audio stack: Debian's PulseAudio with two null sinks, a
"microphone" the test plays a recording into (the agent records its monitor) and "speakers" the
agent plays into (the test records their monitor); PortAudio (sounddevice) reaches PulseAudio through
ALSA's pulse plugin, as on a desktop. The test speaks a turn, hears the spoken reply, speaks over the
next reply (barge-in) and checks that the playback stopped and the interruption became the next turn.

Needs `pulseaudio`, `pulseaudio-utils`, `libasound2-plugins` and `libportaudio2` (`.ci/run` installs
them); skipped, saying so, where they are missing. The LLM is the loopback chat server of
`test_voice.py` (a test fake at the edge); everything else is the real command.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import warnings
import time

import numpy as np
import pytest

from perception.audio import SAMPLE_RATE
from speech import Synthesizer
from agent.evaluation.speech_measures import word_error_rate
from speech.transcriber import Transcriber
from test_voice import REPLY, REPLY_AGAIN, SAID, llm_url, said  # noqa: F401 - fixtures

PULSE_TOOLS = ("pulseaudio", "pactl", "paplay", "parec")
LOUD = 0.01  # RMS of a 32 ms block that counts as sound on the speakers


@pytest.fixture
def pulse(tmp_path):
    """A throwaway PulseAudio server with the two null sinks; the environment that reaches it."""
    missing = [tool for tool in PULSE_TOOLS if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"no {', '.join(missing)}: apt install pulseaudio pulseaudio-utils libasound2-plugins")
    run_dir = tmp_path / "pulse"
    run_dir.mkdir()
    env = {**os.environ, "PULSE_RUNTIME_PATH": str(run_dir), "PULSE_STATE_PATH": str(run_dir),
           "PULSE_SERVER": f"unix:{run_dir}/native"}
    subprocess.run(["pulseaudio", "--daemonize=yes", "-n", "--exit-idle-time=-1", "--use-pid-file=yes",
                    f"--log-target=file:{run_dir}/log",
                    f"--load=module-native-protocol-unix socket={run_dir}/native auth-anonymous=1",
                    "--load=module-null-sink sink_name=speakers rate=16000 channels=1",
                    "--load=module-null-sink sink_name=microphone rate=16000 channels=1"],
                   env=env, check=True, timeout=30)
    try:
        subprocess.run(["pactl", "set-default-source", "microphone.monitor"], env=env, check=True, timeout=30)
        subprocess.run(["pactl", "set-default-sink", "speakers"], env=env, check=True, timeout=30)
        yield env
    finally:
        subprocess.run(["pulseaudio", "--kill"], env=env, timeout=30)


class Speakers:
    """Records the speakers' monitor (16 kHz mono) in the background, block by block."""

    def __init__(self, env: dict):
        self.process = subprocess.Popen(["parec", "--device=speakers.monitor", "--raw", "--format=s16le",
                                         "--rate=16000", "--channels=1", "--latency-msec=20"],
                                        stdout=subprocess.PIPE, env=env)
        self.blocks: list[np.ndarray] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        while block := self.process.stdout.read(1024):  # 512 samples, 32 ms
            self.blocks.append(np.frombuffer(block, dtype=np.int16).astype(np.float32) / 32768)

    def loud(self) -> np.ndarray:
        """Per block: was there sound."""
        return np.array([np.sqrt(np.mean(b ** 2)) > LOUD for b in self.blocks])

    def samples(self) -> np.ndarray:
        return np.concatenate(self.blocks) if self.blocks else np.zeros(0, dtype=np.float32)

    def close(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def sound_spans(loud: np.ndarray, gap_blocks: int = 16) -> list[tuple[int, int]]:
    """(first, last) blocks of each stretch of sound, stretches closer than `gap_blocks` joined."""
    spans: list[list[int]] = []
    for i in np.flatnonzero(loud):
        if spans and i - spans[-1][1] <= gap_blocks:
            spans[-1][1] = i
        else:
            spans.append([i, i])
    return [(a, b) for a, b in spans]


def test_live_voice_through_pulseaudio_hears_speaks_and_stops_when_interrupted(pulse, llm_url, said,
                                                                                 tmp_path):
    env = {**pulse, "EMPATHICA_LLM__BACKEND": "openai", "EMPATHICA_LLM__BASE_URL": llm_url,
           "EMPATHICA_LLM__MODEL": "canned", "EMPATHICA_DATA_DIR": str(tmp_path / "data"),
           "PYTHONUNBUFFERED": "1", "COLUMNS": "200"}
    out: list[str] = []
    speakers = Speakers(pulse)
    agent = subprocess.Popen([sys.executable, "-X", "faulthandler", "-m", "agent.cli", "voice", "--user", "live",
                              "--session", "s"],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
                             # a suite started in the background (`nohup ... &`) ignores SIGINT, and the
                             # child would inherit that: its main thread never got Ctrl-C (the thread dump)
                             preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    threading.Thread(target=lambda: out.extend(iter(agent.stdout.readline, "")), daemon=True).start()
    printed = lambda text: any(text in line for line in out)  # noqa: E731
    try:
        wait_for(lambda: printed("listening") or agent.poll() is not None, 180, "the session to listen")
        assert agent.poll() is None, "".join(out)
        subprocess.run(["paplay", "--device=microphone", str(said)], env=pulse, check=True, timeout=60)
        wait_for(lambda: printed(REPLY.split(".")[0]), 120, "the first reply")
        wait_for(lambda: sound_spans(speakers.loud()), 60, "the first reply on the speakers")
        first_started = len(speakers.blocks)
        interruption = tmp_path / "interruption.wav"
        Synthesizer.load().synthesize("Wait, sorry, can I say something?", "neutral").save(interruption)
        subprocess.run(["paplay", "--device=microphone", str(interruption)], env=pulse, check=True, timeout=60)
        wait_for(lambda: printed("interrupted"), 30, "barge-in")
        wait_for(lambda: printed(REPLY_AGAIN.split(".")[0]), 120, "the second reply")
        printed_at = len(speakers.blocks)
        wait_for(lambda: len(speakers.blocks) > printed_at + 250, 60, "8 s more of the speakers")
    finally:
        agent.send_signal(signal.SIGINT)
        try:
            agent.wait(timeout=120)
        except subprocess.TimeoutExpired:
            # KNOWN OPEN BUG (2026-12-04): at the end of a full run of the suite the session did not
            # exit after Ctrl-C (three runs), though it exits at once when this test runs alone. Tried
            # since: the player thread is stopped and joined before exit (`Player.close`), in case a
            # PortAudio call raced PortAudio's termination; should it hang again, SIGABRT makes
            # faulthandler print every thread's stack into the warning.
            before = max(0, len(out) - 12)
            agent.send_signal(signal.SIGABRT)
            time.sleep(5)
            warnings.warn("the voice session did not exit within 120 s of Ctrl-C (known open bug); it "
                          "printed last, with every thread's stack:\n" + "".join(out[before:]))
        finally:
            agent.kill()
            speakers.close()
    text = "".join(out)
    heard = [line.split("you (heard)>", 1)[1].strip() for line in out if "you (heard)>" in line]
    assert len(heard) == 2 and word_error_rate(SAID, heard[0]) <= 0.10, text
    # the first reply was cut off: its sound stopped well before the whole reply would have ended
    whole_reply = Synthesizer.load().synthesize(REPLY, "sadness").duration
    first = next(span for span in sound_spans(speakers.loud()) if span[1] >= first_started - 1)
    assert (first[1] - first[0]) * 512 / SAMPLE_RATE < 0.7 * whole_reply, text
    # the second reply came out of the speakers whole, in words a listener understands
    second = [span for span in sound_spans(speakers.loud()) if span[0] > first[1]]
    spoken = speakers.samples()[second[0][0] * 512:(second[-1][1] + 1) * 512]
    assert word_error_rate(REPLY_AGAIN, Transcriber.load().transcribe(spoken).text) <= 0.2
    exported = subprocess.run([sys.executable, "-m", "agent.cli", "export", "--user", "live"], env=env,
                              capture_output=True, text=True, timeout=120)
    turns = [t for s in json.loads(exported.stdout)["sessions"] for t in s["turns"]]
    assert [t["reply_text"] for t in turns] == [REPLY, REPLY_AGAIN]
