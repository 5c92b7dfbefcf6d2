"""An LLM behind an OpenAI-compatible chat-completions server (vLLM, Ollama, llama.cpp server, ...).

Speaks the protocol directly with httpx: POST {base_url}/chat/completions, plain JSON for `complete`
and server-sent events (`data: {...}` lines up to `data: [DONE]`) for `stream`.

Sampling options map onto the protocol as follows:
  max_new_tokens → max_tokens, temperature, top_p, seed → as is, num_candidates → n (servers that
  return fewer choices, e.g. ones that ignore `n`, are asked again until there are enough),
  stop → stop (the protocol allows 4; all are also cut client-side),
  repetition_penalty → frequency_penalty = clamp(2 × (repetition_penalty − 1), −2, 2), so 1.0 (off)
  → 0 and the default 1.3 → 0.6. The protocol has no multiplicative repetition penalty; this linear
  map keeps "1 = off, larger = fewer repeats" within the allowed range.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Iterator

import httpx

from agent.llm.base import LLM, GenerationOptions, LLMError, Prompt, StopFilter, cut_at_stop

MAX_STOP_STRINGS = 4  # the chat-completions protocol limit


@dataclass(frozen=True)
class OpenAIOptions:
    """Where the server is and which model it should run."""

    base_url: str
    model: str
    api_key: str | None = None
    timeout_s: float = 30.0


def frequency_penalty(repetition_penalty: float) -> float:
    """The chat-completions `frequency_penalty` standing in for a transformers repetition penalty."""
    return max(-2.0, min(2.0, 2.0 * (repetition_penalty - 1.0)))


def to_messages(prompt: Prompt) -> list[dict]:
    """Chat messages for the request: a plain-text prompt becomes a single user message."""
    if isinstance(prompt, str):
        return [{"role": "user", "content": prompt}]
    return [{"role": m["role"], "content": m["content"]} for m in prompt]


class OpenAICompatibleLLM(LLM):
    """A chat model served over HTTP. Thread-safe: one pooled httpx client per instance."""

    chat = True

    def __init__(self, options: OpenAIOptions):
        self.options = options
        self.url = options.base_url.rstrip("/") + "/chat/completions"
        headers = {"Content-Type": "application/json"}
        if options.api_key:
            headers["Authorization"] = f"Bearer {options.api_key}"
        self._client = httpx.Client(headers=headers, timeout=httpx.Timeout(options.timeout_s))

    def close(self) -> None:
        self._client.close()

    def _body(self, prompt: Prompt, options: GenerationOptions, n: int, seed: int | None,
              stream: bool) -> dict:
        body = {
            "model": self.options.model,
            "messages": to_messages(prompt),
            "max_tokens": options.max_new_tokens,
            "temperature": options.temperature,
            "top_p": options.top_p,
            "n": n,
            "frequency_penalty": frequency_penalty(options.repetition_penalty),
            "stream": stream,
        }
        stop = [s for s in options.stop if s][:MAX_STOP_STRINGS]
        if stop:
            body["stop"] = stop
        if seed is not None:
            body["seed"] = seed
        return body

    def complete(self, prompt: Prompt, options: GenerationOptions) -> list[str]:
        """`num_candidates` replies, asking again while the server returns fewer choices than asked."""
        wanted = max(1, options.num_candidates)
        texts: list[str] = []
        calls = 0
        while len(texts) < wanted:
            seed = None if options.seed is None else options.seed + calls
            data = self._post(self._body(prompt, options, wanted - len(texts), seed, stream=False))
            calls += 1
            try:
                choices = data["choices"]
                new = [(c.get("message") or {}).get("content") or "" for c in choices]
            except (KeyError, TypeError, AttributeError) as e:
                raise LLMError(f"unexpected answer from {self.url} (no choices): {str(data)[:300]}") from e
            if not new:
                raise LLMError(f"the server at {self.url} returned no choices")
            texts += [cut_at_stop(t, options.stop)[0] for t in new]
        return texts[:wanted]

    def stream(self, prompt: Prompt, options: GenerationOptions) -> Iterator[str]:
        """Deltas of one reply read from server-sent events, ending before the first stop string."""
        body = self._body(prompt, options, 1, options.seed, stream=True)
        filt = StopFilter(options.stop)
        try:
            with self._client.stream("POST", self.url, json=body) as response:
                if response.status_code >= 400:
                    response.read()
                    raise self._status_error(response)
                for line in response.iter_lines():
                    delta = self._sse_delta(line)
                    if delta is None:
                        break
                    text = filt.feed(delta)
                    if text:
                        yield text
                    if filt.stopped:
                        return
        except httpx.HTTPError as e:
            raise self._transport_error(e) from e
        tail = filt.finish()
        if tail:
            yield tail

    def _sse_delta(self, line: str) -> str | None:
        """The text in one SSE line ('' for keep-alives and role-only chunks); None at [DONE]."""
        line = line.strip()
        if not line.startswith("data:"):
            return ""  # blank separators, ": comments", "event:" lines
        payload = line[len("data:"):].strip()
        if payload == "[DONE]":
            return None
        try:
            chunk = json.loads(payload)
        except json.JSONDecodeError as e:
            raise LLMError(f"malformed JSON in the stream from {self.url}: {payload[:200]!r}") from e
        if isinstance(chunk, dict) and chunk.get("error"):
            raise LLMError(f"the server at {self.url} reported an error: {_error_text(chunk)}")
        try:
            choices = chunk["choices"]
            if not choices:
                return ""  # e.g. a final usage-only chunk
            return (choices[0].get("delta") or {}).get("content") or ""
        except (KeyError, TypeError, AttributeError) as e:
            raise LLMError(f"unexpected chunk in the stream from {self.url}: {payload[:200]!r}") from e

    def _post(self, body: dict) -> dict:
        try:
            response = self._client.post(self.url, json=body)
        except httpx.HTTPError as e:
            raise self._transport_error(e) from e
        if response.status_code >= 400:
            raise self._status_error(response)
        try:
            return response.json()
        except (json.JSONDecodeError, UnicodeDecodeError) as e:
            raise LLMError(f"malformed JSON from {self.url}: {response.text[:200]!r}") from e

    def _transport_error(self, error: httpx.HTTPError) -> LLMError:
        if isinstance(error, httpx.TimeoutException):
            return LLMError(f"the OpenAI-compatible server at {self.url} gave no answer within "
                            f"{self.options.timeout_s:g} s")
        if isinstance(error, httpx.ConnectError):
            return LLMError(f"cannot reach the OpenAI-compatible server at {self.url}: {error}")
        return LLMError(f"request to the OpenAI-compatible server at {self.url} failed: {error!r}")

    def _status_error(self, response: httpx.Response) -> LLMError:
        try:
            detail = _error_text(response.json())
        except (json.JSONDecodeError, UnicodeDecodeError):
            detail = response.text[:500]
        return LLMError(f"the server at {self.url} answered HTTP {response.status_code}: {detail}")


def _error_text(data) -> str:
    """The message in an OpenAI-style error body ({"error": {"message": ...}} or {"error": "..."})."""
    if isinstance(data, dict):
        err = data.get("error", data)
        if isinstance(err, dict):
            return str(err.get("message") or err)[:500]
        return str(err)[:500]
    return str(data)[:500]
