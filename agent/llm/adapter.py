"""LoRA adapters trained here for a local model (`training/train_reply_model.py`), merged into its
weights at load, so generation costs what the base model costs.

`llm.adapter` chooses: "auto" the packaged listener adapter when the model is the packaged Gemma
(none for any other model), "none", or the path of an adapter folder (peft's `adapter_config.json`
and `adapter_model.safetensors`, plus `empathica.json`: the prompt the adapter was trained on).
"""

from __future__ import annotations

import json
from pathlib import Path

from perception.loading import ModelLoadError

ADAPTER_INFO = "empathica.json"
PACKAGED_ADAPTER_DIR = Path(__file__).parent / "adapters" / "listener"


def adapter_folder(choice: str, model: str, packaged_model: str) -> Path | None:
    """The adapter folder `choice` names for `model`, or None (no adapter)."""
    if choice == "none":
        return None
    if choice == "auto":
        ready = (PACKAGED_ADAPTER_DIR / "adapter_model.safetensors").is_file()
        return PACKAGED_ADAPTER_DIR if model == packaged_model and ready else None
    folder = Path(choice).expanduser()
    if not (folder / "adapter_config.json").is_file() or not (folder / "adapter_model.safetensors").is_file():
        raise ModelLoadError(f"llm.adapter: {folder} is not an adapter folder (expected adapter_config.json "
                             "and adapter_model.safetensors, as training.train_reply_model writes them)")
    return folder


def adapter_info(folder: Path) -> dict:
    """What the adapter was trained on (`examples`: whether its prompt had the few-shot examples)."""
    path = folder / ADAPTER_INFO
    if not path.is_file():
        return {"examples": True}
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ModelLoadError(f"{path} is not valid JSON: {exc}") from exc


def merge_adapter(model, folder: Path):
    """`model` with the adapter's low-rank updates added to its weights (the adapter is then gone)."""
    from peft import PeftModel

    try:
        return PeftModel.from_pretrained(model, str(folder)).merge_and_unload()
    except Exception as exc:  # noqa: BLE001 - peft and safetensors raise several kinds
        raise ModelLoadError(f"cannot apply the adapter in {folder}: {exc}") from exc
