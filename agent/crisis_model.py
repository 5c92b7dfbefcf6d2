"""The crisis detector the agent reads with: the one `[safety] model` names, with the Gemma verifier its
model.json names (`perception/crisis_verifier.py`) reading with the Gemma `[safety] verifier` names:
"auto" the agent's own LLM where it is the packaged Gemma 3 270M (no second copy in memory; its reply
adapter taken off beside where the verifier was trained on the plain Gemma), else the packaged Gemma
loaded for the verifier alone (the `offline` extra); "none"; or a local Gemma model folder. Without
one the detector reads alone, at its own threshold (`perception.crisis.CrisisDetector`)."""

from __future__ import annotations

import json
import logging
from pathlib import Path

from perception.crisis import PACKAGED_CRISIS_DIR, CrisisDetector
from perception.crisis_verifier import VERIFIER_CONFIG, VerifierBody, adapter_digest
from perception.defaults import PACKAGED_CRISIS
from perception.loading import ModelLoadError

log = logging.getLogger(__name__)


def verifier_base(choice: str, cache_dir: Path | str | None = None) -> str | None:
    """The folder of the model the crisis verifier adapts, or None (no verifier)."""
    from agent.llm.model_files import resolve_model_source
    from agent.llm.options import PACKAGED_GEMMA

    if choice == "none":
        return None
    if choice != "auto":
        folder = Path(choice).expanduser()
        if not (folder / "config.json").is_file():
            raise ModelLoadError(f"[safety] verifier: {folder} is not a model folder (no config.json); "
                                 "use 'auto', 'none' or the folder of a Gemma 3 270M model")
        return str(folder)
    try:
        return resolve_model_source(PACKAGED_GEMMA, Path(cache_dir) if cache_dir else None)
    except ModelLoadError as exc:
        log.warning("the crisis detector reads without its Gemma verifier (more false alarms): %s", exc)
        return None


def verifier_body(choice: str, model: str, llm=None, cache_dir: Path | str | None = None) -> VerifierBody | None:
    """The Gemma the verifier of the detector `model` reads with (`choice`: `[safety] verifier`), or
    None. "auto" shares `llm` (the agent's, already loaded) where it is the packaged Gemma on
    transformers with the reply adapter the verifier was trained on merged in, or any reply adapter
    when the verifier was trained on the plain Gemma (the verifier then takes it off beside)."""
    from agent.llm.adapter import PACKAGED_ADAPTER_DIR, adapter_folder
    from agent.llm.options import PACKAGED_GEMMA

    trained_on = trained_adapter(model)
    adapter = PACKAGED_ADAPTER_DIR if trained_on else None
    options = getattr(llm, "options", None)
    if choice == "auto" and getattr(options, "model", None) == PACKAGED_GEMMA and hasattr(llm, "model"):
        in_llm = adapter_folder(options.adapter, options.model, PACKAGED_GEMMA)
        if trained_on is None or (adapter_digest(in_llm) if in_llm else None) == trained_on:
            return VerifierBody(base=verifier_base(choice, cache_dir), adapter=in_llm, model=llm.model,
                                tokenizer=getattr(llm, "tokenizer", None))  # (the same ids, parsed once)
    base = verifier_base(choice, cache_dir)
    return VerifierBody(base=base, adapter=adapter) if base is not None else None


def load_crisis_detector(model: str, verifier: str, device: str = "auto",
                         cache_dir: Path | str | None = None, llm=None) -> CrisisDetector:
    """The detector `model` names, with its verifier (where its model.json has one) reading with the
    Gemma `verifier` names (`verifier_body`; `llm`: the agent's loaded LLM, shared where it fits)."""
    body = verifier_body(verifier, model, llm, cache_dir) if names_verifier(model) else None
    return CrisisDetector.load(model, device, body)


def _folder(model: str) -> Path:
    return PACKAGED_CRISIS_DIR if model == PACKAGED_CRISIS else Path(model).expanduser()


def _verifier_section(model: str) -> dict | None:
    """The `verifier` section of the detector folder `model`'s model.json, or None (none, or an
    unreadable folder: the detector's own loading says what is wrong)."""
    try:
        return json.loads((_folder(model) / "model.json").read_text()).get("verifier") or None
    except (OSError, ValueError):
        return None


def names_verifier(model: str) -> bool:
    """Whether the detector folder `model` names a verifier."""
    return _verifier_section(model) is not None


def trained_adapter(model: str) -> str | None:
    """The digest of the reply adapter the verifier of the detector `model` was trained on (merged
    into its Gemma), or None (the plain Gemma; or no readable verifier: its loading says what is wrong)."""
    section = _verifier_section(model)
    try:
        return json.loads((_folder(model) / section["folder"] / VERIFIER_CONFIG).read_text()).get("llm_adapter")
    except (OSError, ValueError, KeyError, TypeError):
        return None
