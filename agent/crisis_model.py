"""The crisis detector the agent reads with: the one `[safety] model` names, with the Gemma verifier its
model.json names (`perception/crisis_verifier.py`) on the model `[safety] verifier` names ("auto": the
packaged Gemma 3 270M when the `offline` extra is installed; "none"; or a local Gemma model folder).
Without one the detector reads alone, at its own threshold (`perception.crisis.CrisisDetector`)."""

from __future__ import annotations

import json
import logging
from pathlib import Path

from perception.crisis import PACKAGED_CRISIS_DIR, CrisisDetector
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


def load_crisis_detector(model: str, verifier: str, device: str = "auto",
                         cache_dir: Path | str | None = None) -> CrisisDetector:
    """The detector `model` names, with the verifier on the model `verifier` names where the
    detector's model.json has one (the packaged detector has none yet: model card)."""
    base = verifier_base(verifier, cache_dir) if names_verifier(model) else None
    return CrisisDetector.load(model, device, base)


def names_verifier(model: str) -> bool:
    """Whether the detector folder `model` names a verifier (an unreadable folder: the detector's
    own loading says what is wrong)."""
    folder = PACKAGED_CRISIS_DIR if model == PACKAGED_CRISIS else Path(model).expanduser()
    try:
        return bool(json.loads((folder / "model.json").read_text()).get("verifier"))
    except (OSError, ValueError):
        return False
