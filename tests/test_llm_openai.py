"""The OpenAI-compatible backend against a real HTTP server on 127.0.0.1 (a test fake).

The fake (tests/loopback_llm.py) speaks chat-completions (JSON and SSE streaming). Its replies are
canned text marked "[TEST FAKE]"; it ignores `stop` on purpose, so the client-side cutting is what
gets tested.
"""

from __future__ import annotations

import socket
import time

import pytest
from loopback_llm import fake_reply, start

from agent.llm import GenerationOptions, LLMError
from agent.llm.openai_backend import OpenAICompatibleLLM, OpenAIOptions, frequency_penalty


@pytest.fixture
def server():
    with start() as httpd:
        yield httpd


def client(server, timeout_s: float = 5.0, api_key: str | None = None) -> OpenAICompatibleLLM:
    host, port = server.server_address
    return OpenAICompatibleLLM(OpenAIOptions(base_url=f"http://{host}:{port}/v1/", model="fake-model",
                                             api_key=api_key, timeout_s=timeout_s))


OPTS = GenerationOptions(max_new_tokens=32, temperature=0.7, top_p=0.9, repetition_penalty=1.3,
                         num_candidates=3, seed=5)


def test_complete_returns_n_candidates_in_one_call(server):
    llm = client(server, api_key="sk-test")
    texts = llm.complete("I feel lonely", OPTS)
    assert llm.chat is True and len(texts) == 3 and len(set(texts)) == 3
    assert all(t.startswith("[TEST FAKE") and "you said: I feel lonely" in t for t in texts)
    (request,) = server.requests
    body = request["body"]
    assert request["path"] == "/v1/chat/completions" and request["auth"] == "Bearer sk-test"
    assert body["messages"] == [{"role": "user", "content": "I feel lonely"}]
    assert (body["n"], body["max_tokens"], body["temperature"], body["top_p"], body["seed"]) == (3, 32, 0.7, 0.9, 5)
    assert body["frequency_penalty"] == pytest.approx(0.6) and body["stream"] is False
    assert "stop" not in body


def test_fewer_choices_than_asked_means_more_calls(server):
    server.mode = "one_choice"  # like servers that ignore `n`
    texts = client(server).complete([{"role": "system", "content": "be kind"},
                                     {"role": "user", "content": "hi"}], OPTS)
    assert len(texts) == 3 and len(server.requests) == 3
    assert [r["body"]["n"] for r in server.requests] == [3, 2, 1]
    assert [r["body"]["seed"] for r in server.requests] == [5, 6, 7]  # not three equal replies
    assert server.requests[0]["body"]["messages"][0] == {"role": "system", "content": "be kind"}


def test_stop_strings_are_sent_and_cut(server):
    options = GenerationOptions(num_candidates=2, stop=("STOP", "a1", "a2", "a3", "a4"))
    texts = client(server).complete("hello", options)
    assert texts and all(t.endswith("you said: hello. ") for t in texts)
    assert server.requests[0]["body"]["stop"] == ["STOP", "a1", "a2", "a3"]  # the protocol's max


def test_stream_yields_deltas_that_join_to_the_reply(server):
    deltas = list(client(server).stream("hello", GenerationOptions()))
    assert len(deltas) > 5 and "".join(deltas) == fake_reply(10, [{"content": "hello"}])
    assert server.requests[0]["body"]["stream"] is True and server.requests[0]["body"]["n"] == 1


def test_stream_ends_before_a_stop_string_split_across_events(server):
    deltas = list(client(server).stream("hello", GenerationOptions(stop=("STOP",))))
    assert "".join(deltas) == "[TEST FAKE 10] you said: hello. "
    assert len(deltas) > 5  # arrived in pieces: "S", "TO", "P" were held back, then dropped


def test_server_error_status_is_reported(server):
    server.mode = "error"
    with pytest.raises(LLMError, match=r"HTTP 500: model exploded \(test fake\)"):
        client(server).complete("hi", OPTS)
    with pytest.raises(LLMError, match="HTTP 500"):
        list(client(server).stream("hi", OPTS))


def test_malformed_json_is_reported(server):
    server.mode = "bad_json"
    with pytest.raises(LLMError, match="malformed JSON"):
        client(server).complete("hi", OPTS)


def test_unreachable_server_fails_fast():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again below: nothing listens there
    llm = OpenAICompatibleLLM(OpenAIOptions(base_url=f"http://127.0.0.1:{port}/v1", model="m"))
    start = time.perf_counter()
    with pytest.raises(LLMError, match=f"cannot reach the OpenAI-compatible server at http://127.0.0.1:{port}"):
        llm.complete("hi", OPTS)
    with pytest.raises(LLMError, match="cannot reach"):
        list(llm.stream("hi", OPTS))
    assert time.perf_counter() - start < 2.0


def test_slow_server_times_out(server):
    server.mode = "sleep"
    llm = client(server, timeout_s=0.5)
    start = time.perf_counter()
    with pytest.raises(LLMError, match=r"no answer within 0.5 s"):
        llm.complete("hi", OPTS)
    assert time.perf_counter() - start < 1.5
    with pytest.raises(LLMError, match="no answer within 0.5 s"):
        list(llm.stream("hi", OPTS))


def test_repetition_penalty_mapping():
    assert frequency_penalty(1.0) == 0.0
    assert frequency_penalty(1.3) == pytest.approx(0.6)
    assert frequency_penalty(5.0) == 2.0 and frequency_penalty(0.0) == -2.0
