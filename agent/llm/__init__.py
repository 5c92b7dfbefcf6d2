"""The LLM backends and `load_llm`, which builds the configured one once per process.

Adding a backend is one module here named `*_backend.py`: an `LLM` subclass registered with
`@LLM_BACKENDS.register("name")` (the `perception.loading.BackendRegistry` every component kind uses)
whose `options_from(section, device, cache_dir)` turns the settings' `[llm]` section into its options
dataclass (`agent.llm.options`) and whose constructor takes those options.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

from agent.llm.base import LLM, LLMError, Prompt, StopFilter, cut_at_stop
from agent.llm.options import PACKAGED_GEMMA, GenerationOptions, OpenAIOptions, TransformersOptions
from perception.loading import BackendRegistry, shared_model

if TYPE_CHECKING:
    from agent.settings import LLMSection

#: backend name (`[llm] backend`) -> its `LLM` class; the modules `agent/llm/*_backend.py` register theirs
LLM_BACKENDS: BackendRegistry[LLM] = BackendRegistry("LLM", modules="agent.llm.*_backend")


def load_llm(section: LLMSection, device: str = "auto", cache_dir: Path | None = None) -> LLM:
    """The backend named by `section.backend`, shared per process (same options, same instance).

    `cache_dir` is where converted GGUF models are kept (default: the user cache dir). Raises
    `ModelLoadError` when a local model can't be loaded and `LLMError` for an unknown backend.
    """
    try:
        backend = LLM_BACKENDS.factory(section.backend)
    except KeyError as exc:
        raise LLMError(exc.args[0]) from None
    options = backend.options_from(section, device, cache_dir)
    secret = getattr(options, "api_key", None)  # kept out of the cache key, as its hash
    key = f"{section.backend}:{options!r}|{hashlib.sha256((secret or '').encode()).hexdigest()[:8]}"
    return shared_model("llm", key, getattr(options, "device", "remote"), lambda: backend(options))


__all__ = ["LLM", "LLMError", "GenerationOptions", "Prompt", "StopFilter", "cut_at_stop", "LLM_BACKENDS",
           "load_llm", "PACKAGED_GEMMA", "OpenAIOptions", "TransformersOptions"]
