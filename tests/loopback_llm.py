"""A real HTTP server on 127.0.0.1 that speaks OpenAI chat-completions (JSON and SSE streaming): the
test fake standing in for a remote LLM. What it answers is pluggable (`start(reply=...)`); it ignores
`stop` on purpose, so the client-side cutting is what gets tested. Requests are recorded."""

from __future__ import annotations

import json
import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable, Iterator


def fake_reply(index: int, messages: list[dict]) -> str:
    return f"[TEST FAKE {index}] you said: {messages[-1]['content']}. STOP here, then more."


class FakeChatServer(BaseHTTPRequestHandler):
    """POST /v1/chat/completions. `self.server.mode` picks the behaviour; requests are recorded."""

    def log_message(self, *args):  # keep pytest output clean
        pass

    def do_POST(self):  # noqa: N802 - http.server's name
        server = self.server
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        server.requests.append({"path": self.path, "body": body,
                                "auth": self.headers.get("Authorization")})
        if server.mode == "sleep":
            time.sleep(2.0)
        if server.mode == "error":
            return self._send(500, {"error": {"message": "model exploded (test fake)"}})
        if server.mode == "bad_json":
            return self._send(200, b"{not json")
        if not self.path.endswith("/chat/completions"):
            return self._send(404, {"error": {"message": f"no route {self.path}"}})
        n = 1 if server.mode == "one_choice" else body.get("n", 1)
        texts = [server.reply(len(server.requests) * 10 + i, body["messages"]) for i in range(n)]
        if body.get("stream"):
            return self._stream(texts[0])
        choices = [{"index": i, "message": {"role": "assistant", "content": t},
                    "finish_reason": "stop"} for i, t in enumerate(texts)]
        self._send(200, {"id": "fake", "object": "chat.completion", "choices": choices})

    def _send(self, status: int, payload) -> None:
        data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        try:
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up first (the timeout test): expected

    def _stream(self, text: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        events = [{"choices": [{"index": 0, "delta": {"role": "assistant"}}]}]
        events += [{"choices": [{"index": 0, "delta": {"content": text[i:i + 3]}}]}
                   for i in range(0, len(text), 3)]  # 3-char chunks split "STOP" across events
        events += [{"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}]
        try:
            self.wfile.write(b": keep-alive\n\n")
            for event in events:
                self.wfile.write(f"data: {json.dumps(event)}\n\n".encode())
                self.wfile.flush()
            self.wfile.write(b"data: [DONE]\n\n")
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client stopped reading at its stop string


@contextmanager
def start(reply: Callable[[int, list[dict]], str] = fake_reply) -> Iterator[ThreadingHTTPServer]:
    """Serve on a free loopback port until the block ends; `reply(index, messages)` writes each
    choice. The server's `mode` ("ok", "sleep", "error", "bad_json", "one_choice") picks failures."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), FakeChatServer)
    httpd.daemon_threads = True
    httpd.mode, httpd.requests, httpd.reply = "ok", [], reply
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield httpd
    finally:
        httpd.shutdown()
        httpd.server_close()


def base_url(httpd: ThreadingHTTPServer) -> str:
    host, port = httpd.server_address
    return f"http://{host}:{port}/v1/"
