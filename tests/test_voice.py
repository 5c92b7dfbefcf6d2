"""Voice turns end to end on the offline speech models: the SDK with audio in and audio out, sentence
streaming, bad audio, and `empathica voice --input/--output`.

The LLM here is a real HTTP server on 127.0.0.1 speaking the OpenAI chat-completions protocol (a test
fake at the edge): it always answers with REPLY, a plain English sentence, so that the spoken reply
can be transcribed back and compared with the reply's text. Everything else is the real pipeline."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pytest

from agent import AudioChunk, EmpatheticAgent, InputError, ReplyEvent, Settings
from perception.audio import SAMPLE_RATE, load_audio
from speech import Synthesizer
from agent.evaluation.speech_measures import word_error_rate
from speech.transcriber import Transcriber

REPLY = "I am really sorry about your job. That sounds hard, do you want to talk about it?"
SAID = "I lost my job today and I feel terrible."


#: What the fake says when it has said REPLY before in the conversation (the agent never repeats a reply).
REPLY_AGAIN = "I hear you. What worries you most about it right now?"


class CannedChatServer(BaseHTTPRequestHandler):
    """Test fake: answers every chat completion (plain or streamed) with REPLY, or REPLY_AGAIN when
    REPLY is already among the conversation's assistant messages."""

    def log_message(self, *args):
        pass

    def do_POST(self):  # noqa: N802
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        said_before = any(m.get("role") == "assistant" and m.get("content") == REPLY for m in body["messages"])
        text = REPLY_AGAIN if said_before else REPLY
        if body.get("stream"):
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            for i in range(0, len(text), 8):
                event = {"choices": [{"index": 0, "delta": {"content": text[i:i + 8]}}]}
                self.wfile.write(f"data: {json.dumps(event)}\n\n".encode())
            self.wfile.write(b"data: [DONE]\n\n")
            return
        choices = [{"index": i, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}
                   for i in range(body.get("n", 1))]
        data = json.dumps({"choices": choices}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture(scope="module")
def llm_url():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), CannedChatServer)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    httpd.shutdown()


@pytest.fixture
def agent(llm_url, tmp_path):
    settings = Settings.load(llm={"backend": "openai", "base_url": llm_url, "model": "canned"},
                             data_dir=str(tmp_path / "data"))
    a = EmpatheticAgent.from_settings(settings)
    yield a
    a.close()


@pytest.fixture(scope="module")
def said(tmp_path_factory):
    """SAID spoken by the packaged voice, saved as a 22 kHz WAV (as a user's recording would be)."""
    path = tmp_path_factory.mktemp("audio") / "said.wav"
    Synthesizer.load().synthesize(SAID, "sadness").save(path)
    return path


def test_audio_in_audio_out(agent, said):
    reply = agent.respond(audio=str(said), user_id="u", session_id="s")
    assert word_error_rate(SAID, reply.transcript.text) <= 0.10
    assert set(reply.perception.modalities) == {"text", "speech"}
    assert reply.text == REPLY and reply.audio is not None and reply.audio.duration > 2
    heard = Transcriber.load().transcribe(reply.audio.samples, reply.audio.sample_rate).text
    assert word_error_rate(reply.text, heard) <= 0.15
    for stage in ("transcribe", "perceive", "generate"):  # (generate says the reply too)
        assert reply.timings[stage] > 0
    stored = agent.history("u", "s")[0]
    assert stored.user_text == reply.transcript.text and "speech" in stored.affect.modalities


def test_audio_as_samples_and_bytes_and_text_wins(agent, said):
    samples = load_audio(said)
    from_bytes = agent.respond(audio=said.read_bytes(), user_id="u", session_id="b", voice=False)
    assert from_bytes.audio is None and word_error_rate(SAID, from_bytes.transcript.text) <= 0.10
    typed = agent.respond(text="I got fired.", audio=(samples, SAMPLE_RATE), user_id="u", session_id="t")
    assert agent.history("u", "t")[0].user_text == "I got fired." and typed.audio is not None


def test_stream_speaks_each_sentence_before_the_reply_is_done(agent, said):
    events = list(agent.stream(audio=str(said), user_id="u", session_id="st"))
    chunks = [e for e in events if isinstance(e, AudioChunk)]
    assert len(chunks) == 2 and isinstance(events[-1], ReplyEvent)
    assert " ".join(c.sentence for c in chunks) == REPLY
    assert events.index(chunks[0]) < len(events) - 1
    final = events[-1].reply.audio
    assert final.duration >= sum(c.audio.duration for c in chunks)


@pytest.mark.parametrize("audio, message", [
    (np.zeros(SAMPLE_RATE * 3, dtype=np.float32), "no speech heard"),
    (b"not audio at all" * 100, "cannot decode"),
    (b"", "empty"),
])
def test_bad_audio_is_refused_and_nothing_is_saved(agent, audio, message):
    payload = (audio, SAMPLE_RATE) if isinstance(audio, np.ndarray) else audio
    with pytest.raises(InputError, match=message):
        agent.respond(audio=payload, user_id="u", session_id="bad")
    assert agent.history("u", "bad") == []


def test_over_long_audio_is_refused(agent):
    ten_minutes = (np.zeros(600 * 8_000, dtype=np.float32), 8_000)
    with pytest.raises(InputError, match="the limit is 120 s"):
        agent.respond(audio=ten_minutes, user_id="u", session_id="long")


def test_a_turn_taken_live_is_transcribed_during_the_pause(agent, said):
    from agent.voice import TurnTaker

    taker = TurnTaker(agent)
    sentence, gap = load_audio(said), np.zeros(SAMPLE_RATE, dtype=np.float32)
    events = []
    for i in range(0, 2 * SAMPLE_RATE + len(sentence), 1600):  # 100 ms pieces, as a microphone gives them
        events += taker.feed(np.concatenate([gap, sentence, gap])[i:i + 1600])
    turn = next(e for e in events if e.kind == "turn_end")
    assert turn.transcript is not None and word_error_rate(SAID, turn.transcript.text) <= 0.10
    assert turn.transcript.duration == pytest.approx(len(turn.audio) / SAMPLE_RATE)
    assert taker.last_transcript is turn.transcript
    # the turn uses the transcript it is given (here a different one: its text is what is stored)
    from dataclasses import replace

    given = replace(turn.transcript, text="I lost my keys today.")
    events = list(agent.stream(audio=(turn.audio, SAMPLE_RATE), transcript=given, user_id="u", session_id="early"))
    assert events[0].transcript is given and agent.history("u", "early")[0].user_text == "I lost my keys today."
    with pytest.raises(InputError, match="`transcript` goes with `audio`"):
        agent.respond(text="hello", transcript=given, user_id="u", session_id="early")
    with pytest.raises(InputError, match="must be the `Transcript`"):
        agent.respond(audio=(turn.audio, SAMPLE_RATE), transcript="I lost my keys", user_id="u", session_id="early")
    assert len(agent.history("u", "early")) == 1


def run_voice(args: list[str], env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "agent.cli", "voice", *args], capture_output=True, text=True,
                          env={**os.environ, **env, "COLUMNS": "200"}, timeout=300)


def test_headless_voice_turn_from_file_to_file(llm_url, said, tmp_path):
    env = {"EMPATHICA_LLM__BACKEND": "openai", "EMPATHICA_LLM__BASE_URL": llm_url,
           "EMPATHICA_LLM__MODEL": "canned", "EMPATHICA_DATA_DIR": str(tmp_path / "data")}
    out = tmp_path / "reply.wav"
    result = run_voice(["--input", str(said), "--output", str(out)], env)
    assert result.returncode == 0, result.stderr
    modalities = next(line for line in result.stdout.splitlines() if "by modality:" in line)
    assert "you (heard)>" in result.stdout and "speech " in modalities and "text " in modalities
    assert out.is_file()
    heard = Transcriber.load().transcribe(load_audio(out)).text
    assert word_error_rate(REPLY, heard) <= 0.15
    broken = tmp_path / "broken.wav"
    broken.write_bytes(b"\x00\x01" * 50)
    bad = run_voice(["--input", str(broken)], env)
    assert bad.returncode == 2 and "cannot use the audio" in bad.stderr
    assert run_voice(["--output", str(out)], env).returncode == 2


def test_live_voice_without_audio_devices_says_what_to_do(llm_url, tmp_path):
    from speech.devices import AudioDeviceError, check_devices

    try:
        check_devices()
        pytest.skip("this machine has audio devices: the live session would start")
    except AudioDeviceError:
        pass
    env = {"EMPATHICA_LLM__BACKEND": "openai", "EMPATHICA_LLM__BASE_URL": llm_url,
           "EMPATHICA_LLM__MODEL": "canned", "EMPATHICA_DATA_DIR": str(tmp_path / "data")}
    result = run_voice([], env)
    assert result.returncode == 2 and "--input in.wav --output out.wav" in result.stderr


def test_a_reply_rewritten_after_a_sentence_was_said_is_said_too(tmp_path):
    """The live reply passes its first sentence, then loops: the checked replacement is spoken too,
    as AudioChunks, so a voice session never goes silent."""
    from loopback_llm import base_url, start

    looping = "That sounds so hard. ok ok ok ok ok ok ok ok ok ok."
    with start(lambda index, messages: looping if index < 20 else REPLY) as server:
        settings = Settings.load(llm={"backend": "openai", "base_url": base_url(server), "model": "m"},
                                 data_dir=str(tmp_path / "data"))
        agent = EmpatheticAgent.from_settings(settings)
        try:
            events = list(agent.stream(text=SAID, user_id="u", session_id="rw", voice=True))
        finally:
            agent.close()
    chunks = [e for e in events if isinstance(e, AudioChunk)]
    assert [c.sentence for c in chunks] == ["That sounds so hard.", "I am really sorry about your job.",
                                            "That sounds hard, do you want to talk about it?"]
    reply = events[-1].reply
    assert reply.text == REPLY and reply.audio.duration >= sum(c.audio.duration for c in chunks)
