"""The LLM backends and `load_llm`, which builds the configured one once per process.

Adding a backend = one module with an `LLM` subclass + a factory registered in `LLM_BACKENDS` (the
`perception.loading.BackendRegistry` every component kind uses) that turns the settings'
`LLMSection` (plus device and model cache dir) into a ready instance.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from agent.llm.base import LLM, GenerationOptions, LLMError, Prompt, StopFilter, cut_at_stop
from agent.settings import LLMSection
from perception.loading import BackendRegistry, resolve_device, shared_model


#: backend name (LLMSection.backend) → factory(section, device, cache_dir) -> LLM
LLM_BACKENDS: BackendRegistry[LLM] = BackendRegistry("LLM")


@LLM_BACKENDS.register("transformers")
def _transformers(section: LLMSection, device: str, cache_dir: Path | None) -> LLM:
    from agent.llm.transformers_backend import TransformersLLM, TransformersOptions

    chat = {"auto": None, "chat": True, "transcript": False}[section.prompt_style]
    return TransformersLLM(TransformersOptions(model=section.model, device=device, cache_dir=cache_dir,
                                               chat=chat, int8_output_layer=section.int8_output_layer,
                                               output_vocabulary=section.output_vocabulary,
                                               adapter=section.adapter))


@LLM_BACKENDS.register("openai")
def _openai(section: LLMSection, device: str, cache_dir: Path | None) -> LLM:
    from agent.llm.openai_backend import OpenAICompatibleLLM, OpenAIOptions

    return OpenAICompatibleLLM(OpenAIOptions(base_url=section.base_url, model=section.model,
                                             api_key=section.api_key, timeout_s=section.timeout_s,
                                             max_retries=section.request_retries))


def load_llm(section: LLMSection, device: str = "auto", cache_dir: Path | None = None) -> LLM:
    """The backend named by `section.backend`, shared per process (same settings → same instance).

    `cache_dir` is where converted GGUF models are kept (default: the user cache dir). Raises
    `ModelLoadError` when a local model can't be loaded and `LLMError` for an unknown backend.
    """
    try:
        factory = LLM_BACKENDS.factory(section.backend)
    except KeyError as exc:
        raise LLMError(exc.args[0]) from None
    if section.backend == "openai":
        key = hashlib.sha256((section.api_key or "").encode()).hexdigest()[:8]
        source = f"openai:{section.base_url}|{section.model}|{section.timeout_s}|{key}"
        device = "remote"
    else:
        device = resolve_device(device)
        source = (f"{section.backend}:{section.model}|{section.prompt_style}|{section.output_vocabulary}|"
                  f"{section.int8_output_layer}|{section.adapter}|{cache_dir or ''}")
    return shared_model("llm", source, device, lambda: factory(section, device, cache_dir))


__all__ = ["LLM", "LLMError", "GenerationOptions", "Prompt", "StopFilter", "cut_at_stop",
           "LLM_BACKENDS", "load_llm"]
