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
    """`model` with the adapter's low-rank updates added to its weights: W += B @ A * alpha / r for
    each adapted Linear (peft's LoRA layout). Done here rather than with peft, whose import alone
    costs ~2.7 s of the start-up here; `tests/test_reply_model.py` checks it against peft's merge."""
    import torch
    from safetensors.torch import load_file

    try:
        config = json.loads((folder / "adapter_config.json").read_text(encoding="utf-8"))
        weights = load_file(str(folder / "adapter_model.safetensors"))
        if config.get("use_rslora") or config.get("use_dora"):
            raise ValueError("only plain LoRA adapters are supported (not rsLoRA or DoRA)")
        scale = config["lora_alpha"] / config["r"]
        modules = dict(model.named_modules())
        with torch.no_grad():
            for key, down in weights.items():
                if not key.endswith("lora_A.weight"):
                    continue
                name = key[:-len(".lora_A.weight")].removeprefix("base_model.model.")
                up = weights[key.replace("lora_A", "lora_B")]
                linear = modules[name]
                linear.weight += (up.float() @ down.float()).to(linear.weight.dtype) * scale
    except Exception as exc:  # noqa: BLE001 - a bad file, a key for another model, a shape mismatch
        raise ModelLoadError(f"cannot apply the adapter in {folder}: {exc}") from exc
    return model
