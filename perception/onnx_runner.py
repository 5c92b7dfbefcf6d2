"""One trained encoder head on ONNX Runtime, for the CPU: the same numbers as torch at about half the
time for one short message (the crisis detector: 7.9 ms against 18.6 ms per message with three earlier
messages, measured here; `empathica bench` reports it), because a BERT this small is mostly per-layer
overhead in eager torch.

`OnnxHead.for_model(model, head, source_files)` exports the merged model (encoder, pooling, head)
once to `cache_dir()/onnx/<digest>.onnx`, keyed by the model's files, and runs it. It returns None
where ONNX cannot be used (the `onnx` exporter missing, or the export failing); the caller keeps torch.
With `int8=True` it runs a copy whose weights are quantised to int8 per output channel (ONNX
Runtime's dynamic quantisation, `<digest>.int8.onnx`): about twice as fast again, with logits that
differ by a median 0.2 (the crisis detector's figures on its own sets are in its model card).
"""

from __future__ import annotations

import hashlib
import logging
import os
import warnings
from pathlib import Path

import numpy as np
import torch

log = logging.getLogger(__name__)

INPUTS = ("input_ids", "attention_mask", "token_type_ids")


def cache_dir() -> Path:
    """Where converted models are kept: the user cache dir's `empathica` (as for the LLM's)."""
    import platformdirs

    return Path(platformdirs.user_cache_dir("empathica"))


class _HeadLogits(torch.nn.Module):
    """The model's `classify(batch, head)` as a module of plain tensor inputs, for the exporter."""

    def __init__(self, model: torch.nn.Module, head: str):
        super().__init__()
        self.model, self.head = model, head

    def forward(self, input_ids, attention_mask, token_type_ids):
        batch = {"input_ids": input_ids, "attention_mask": attention_mask, "token_type_ids": token_type_ids}
        return self.model.classify(batch, self.head)


def model_digest(files: list[Path], head: str) -> str:
    """A key for the exported file: the model's own files, the head and the exporter's versions."""
    digest = hashlib.sha256(f"{head} {torch.__version__}".encode())
    for path in files:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:20]


def quantised(source: Path, target: Path) -> None:
    """`source`'s weights as int8 per output channel, activations quantised on the fly, atomically."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    partial = target.with_suffix(f".{os.getpid()}.part")
    try:
        quantize_dynamic(str(source), str(partial), weight_type=QuantType.QInt8, per_channel=True)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)


def export(model: torch.nn.Module, head: str, target: Path) -> None:
    """Write `model`'s `head` logits as an ONNX graph with dynamic batch and length, atomically."""
    target.parent.mkdir(parents=True, exist_ok=True)
    example = {k: torch.ones(1, 8, dtype=torch.long) for k in INPUTS}
    example["token_type_ids"] = torch.zeros(1, 8, dtype=torch.long)
    partial = target.with_suffix(f".{os.getpid()}.part")
    dynamic = {k: {0: "batch", 1: "length"} for k in INPUTS}
    with torch.inference_mode(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the exporter's notes on tracing; the test compares the outputs
        torch.onnx.export(_HeadLogits(model, head).eval(), tuple(example.values()), str(partial),
                          input_names=list(INPUTS), output_names=["logits"], dynamic_axes=dynamic,
                          opset_version=17, dynamo=False)
    os.replace(partial, target)


class OnnxHead:
    """`run(batch)`: the head's logits (numpy) for a padded batch of tensors, on ONNX Runtime."""

    def __init__(self, path: Path, per_sequence: bool = False):
        """`per_sequence`: read one unpadded sequence at a time. An int8 graph quantises its
        activations on the fly, over the whole input tensor, so a sequence read in a padded batch
        scores differently from the same sequence alone (measured: 0.32 in a batch of two, 0.63
        alone, a message the crisis detector must flag)."""
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = torch.get_num_threads()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        # no busy-waiting after a call: measured, the spinning threads starved the next model's call on
        # the same cores (the crisis detector then added 30 ms to perception instead of 16)
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.path, self.per_sequence = path, per_sequence
        self.session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])

    def run(self, batch: dict[str, torch.Tensor]) -> np.ndarray:
        feed = {k: batch[k].cpu().numpy().astype(np.int64) for k in INPUTS}
        if not self.per_sequence:
            return self.session.run(None, feed)[0]
        lengths = feed["attention_mask"].sum(axis=1)  # (batches are padded on the right)
        return np.concatenate([self.session.run(None, {k: v[i:i + 1, :n] for k, v in feed.items()})[0]
                               for i, n in enumerate(lengths)])

    @classmethod
    def for_model(cls, model: torch.nn.Module, head: str, source_files: list[Path],
                  int8: bool = False) -> "OnnxHead | None":
        """The exported `head` of `model` (a merged AdaptedEncoder on the CPU), exported on first use;
        `int8`: its int8 copy (quantised on first use)."""
        target = cache_dir() / "onnx" / f"{model_digest(source_files, head)}.onnx"
        try:
            if not target.is_file():
                export(model, head, target)
        except Exception as exc:  # noqa: BLE001 - any exporter or runtime failure: torch still works
            log.warning("running %s on torch: the ONNX export failed (%s)", source_files[0].parent, exc)
            return None
        if int8:
            small = target.with_suffix(".int8.onnx")
            try:
                if not small.is_file():
                    quantised(target, small)
                return cls(small, per_sequence=True)
            except Exception as exc:  # noqa: BLE001 - the fp32 graph still works
                log.warning("running %s in fp32: int8 quantisation failed (%s)", source_files[0].parent, exc)
        try:
            return cls(target)
        except Exception as exc:  # noqa: BLE001 - the runtime cannot load it: torch still works
            log.warning("running %s on torch: ONNX Runtime cannot load the export (%s)", source_files[0].parent, exc)
            return None
