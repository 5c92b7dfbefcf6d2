"""An LLM behind an OpenAI-compatible chat-completions server (vLLM, Ollama, llama.cpp server, ...),
through the official `openai` client (its connection pool, timeouts, retries and SSE streaming).

Sampling options map onto the protocol as follows:
  max_new_tokens → max_tokens, temperature, top_p, seed → as is, num_candidates → n (servers that
  return fewer choices, e.g. ones that ignore `n`, are asked again until there are enough),
  stop → stop (the protocol allows 4; all are also cut client-side),
  repetition_penalty → frequency_penalty = clamp(2 × (repetition_penalty − 1), −2, 2), so 1.0 (off)
  → 0 and the default 1.05 → 0.1. The protocol has no multiplicative repetition penalty; this linear
  map keeps "1 = off, larger = fewer repeats" within the allowed range.

Every failure becomes an `LLMError` that says what happened and where (unreachable, no answer in
time, an HTTP error with the server's message, a malformed answer).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Iterator

from agent.llm.base import LLM, GenerationOptions, LLMError, Prompt, StopFilter, cut_at_stop
from agent.llm.options import OpenAIOptions
from agent.llm import LLM_BACKENDS

if TYPE_CHECKING:
    from pathlib import Path

    from agent.settings import LLMSection

MAX_STOP_STRINGS = 4  # the chat-completions protocol limit


def frequency_penalty(repetition_penalty: float) -> float:
    """The chat-completions `frequency_penalty` standing in for a transformers repetition penalty."""
    return max(-2.0, min(2.0, 2.0 * (repetition_penalty - 1.0)))


def to_messages(prompt: Prompt) -> list[dict]:
    """Chat messages for the request: a plain-text prompt becomes a single user message."""
    if isinstance(prompt, str):
        return [{"role": "user", "content": prompt}]
    return [{"role": m["role"], "content": m["content"]} for m in prompt]


@LLM_BACKENDS.register("openai")
class OpenAICompatibleLLM(LLM):
    """A chat model served over HTTP. Thread-safe: one `openai.OpenAI` client per instance."""

    chat = True

    @staticmethod
    def options_from(section: LLMSection, device: str, cache_dir: Path | None) -> OpenAIOptions:
        """The options the settings' `[llm]` section (`LLMSection`) names (`device` and `cache_dir`
        do not apply to a server)."""
        return OpenAIOptions(base_url=section.base_url, model=section.model, api_key=section.api_key,
                             timeout_s=section.timeout_s, max_retries=section.request_retries)

    def __init__(self, options: OpenAIOptions):
        self.options = options
        self.url = options.base_url.rstrip("/") + "/chat/completions"
        import openai  # (here: an offline agent never loads the client)

        # local servers take any key; the client insists on one
        self._client = openai.OpenAI(base_url=options.base_url, api_key=options.api_key or "none",
                                     timeout=options.timeout_s, max_retries=options.max_retries)

    def close(self) -> None:
        self._client.close()

    def _request(self, prompt: Prompt, options: GenerationOptions, n: int, seed: int | None,
                 stream: bool) -> dict:
        request = {"model": self.options.model, "messages": to_messages(prompt),
                   "max_tokens": options.max_new_tokens, "temperature": options.temperature,
                   "top_p": options.top_p, "n": n,
                   "frequency_penalty": frequency_penalty(options.repetition_penalty), "stream": stream}
        stop = [s for s in options.stop if s][:MAX_STOP_STRINGS]
        if stop:
            request["stop"] = stop
        if seed is not None:
            request["seed"] = seed
        return request

    def complete(self, prompt: Prompt, options: GenerationOptions) -> list[str]:
        """`num_candidates` replies, asking again while the server returns fewer choices than asked."""
        wanted = max(1, options.num_candidates)
        texts: list[str] = []
        calls = 0
        while len(texts) < wanted:
            seed = None if options.seed is None else options.seed + calls
            with self._errors():
                answer = self._client.chat.completions.create(
                    **self._request(prompt, options, wanted - len(texts), seed, stream=False))
            calls += 1
            choices = getattr(answer, "choices", None)
            if not isinstance(choices, list):
                raise LLMError(f"unexpected answer from {self.url} (no choices): {str(answer)[:300]}")
            if not choices:
                raise LLMError(f"the server at {self.url} returned no choices")
            texts += [cut_at_stop(c.message.content or "", options.stop)[0] for c in choices]
        return texts[:wanted]

    def stream(self, prompt: Prompt, options: GenerationOptions) -> Iterator[str]:
        """Deltas of one reply read from the server's event stream, ending before the first stop string."""
        filt = StopFilter(options.stop)
        with self._errors():
            with self._client.chat.completions.create(
                    **self._request(prompt, options, 1, options.seed, stream=True)) as events:
                for chunk in events:
                    delta = (chunk.choices[0].delta.content or "") if chunk.choices else ""
                    text = filt.feed(delta)
                    if text:
                        yield text
                    if filt.stopped:
                        return
        tail = filt.finish()
        if tail:
            yield tail

    def _errors(self) -> "_AsLLMError":
        return _AsLLMError(self)


class _AsLLMError:
    """Turns what the `openai` client raises into an `LLMError` that says what happened and where."""

    def __init__(self, llm: OpenAICompatibleLLM):
        self.url, self.timeout_s = llm.url, llm.options.timeout_s

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind, error, trace) -> bool:
        if error is None or isinstance(error, (LLMError, GeneratorExit)):
            return False
        raise self.translate(error) from error

    def translate(self, error: BaseException) -> BaseException:
        import openai

        if isinstance(error, openai.APITimeoutError):
            return LLMError(f"the OpenAI-compatible server at {self.url} gave no answer within {self.timeout_s:g} s")
        if isinstance(error, openai.APIConnectionError):
            return LLMError(f"cannot reach the OpenAI-compatible server at {self.url}: {error.__cause__ or error}")
        if isinstance(error, openai.APIStatusError):
            detail = _error_text(error.body) if error.body is not None else error.response.text[:500]
            return LLMError(f"the server at {self.url} answered HTTP {error.status_code}: {detail}")
        if isinstance(error, openai.APIError):
            return LLMError(f"the server at {self.url} reported an error: {_error_text(error.body or error.message)}")
        if isinstance(error, (json.JSONDecodeError, UnicodeDecodeError)):
            return LLMError(f"malformed JSON from {self.url}: {error}")
        if isinstance(error, (KeyError, TypeError, AttributeError, ValueError)):
            return LLMError(f"unexpected answer from {self.url}: {error!r}")
        return error


def _error_text(data) -> str:
    """The message in an OpenAI-style error body ({"error": {"message": ...}} or {"error": "..."})."""
    if isinstance(data, dict):
        err = data.get("error", data)
        if isinstance(err, dict):
            return str(err.get("message") or err)[:500]
        return str(err)[:500]
    return str(data)[:500]
