"""Late fusion of text, speech and face (agreement, conflict, missing modalities) and image input
checks (grey/RGB/RGBA accepted; not-an-image, empty and huge refused)."""

from __future__ import annotations

import itertools

import cv2
import numpy as np
import pytest

from perception import EMOTIONS, EmotionEstimate, fuse
from perception.images import ImageError, load_image


def estimate(label: str, p: float, modality: str) -> EmotionEstimate:
    probs = np.full(len(EMOTIONS), (1 - p) / (len(EMOTIONS) - 1))
    probs[EMOTIONS.index(label)] = p
    return EmotionEstimate.from_probabilities(probs, modality)


def test_agreeing_modalities_fuse_without_conflict():
    affect = fuse({"text": estimate("sadness", 0.8, "text"), "speech": estimate("sadness", 0.6, "speech"),
                   "face": estimate("sadness", 0.5, "face")})
    assert affect.fused.label == "sadness" and affect.agreement and affect.describe_conflict() is None


def test_a_smile_with_sad_words_is_a_conflict_the_prompt_can_name():
    affect = fuse({"text": estimate("sadness", 0.85, "text"), "face": estimate("joy", 0.9, "face")})
    assert not affect.agreement
    assert affect.conflicts == [("text", "sadness", "face", "joy")]
    assert affect.describe_conflict() == "sadness in the words but joy in the face"
    assert affect.to_dict()["conflicts"] == [["text", "sadness", "face", "joy"]]


@pytest.mark.parametrize("face", ["neutral", "surprise"])
def test_still_faces_and_unsure_readings_are_no_conflict(face):
    # a neutral face while talking about sadness is normal; surprise (positive valence) vs sadness
    # is a conflict only when both are confident
    affect = fuse({"text": estimate("sadness", 0.8, "text"), "face": estimate(face, 0.3, "face")})
    assert affect.agreement


def test_fusion_never_returns_a_modality_it_did_not_receive():
    pool = {"text": estimate("joy", 0.7, "text"), "speech": estimate("anger", 0.5, "speech"),
            "face": estimate("neutral", 0.6, "face")}
    for n in (1, 2, 3):
        for subset in itertools.combinations(pool, n):
            affect = fuse({m: pool[m] for m in subset})
            assert set(affect.modalities) == set(subset)
            assert abs(sum(affect.fused.scores.values()) - 1) < 1e-6


def test_reliability_setting_shifts_the_fused_reading():
    text, face = estimate("sadness", 0.6, "text"), estimate("joy", 0.6, "face")
    assert fuse({"text": text, "face": face}, {"text": 1.0, "face": 0.2}).fused.label == "sadness"
    assert fuse({"text": text, "face": face}, {"text": 0.2, "face": 1.0}).fused.label == "joy"


def test_grey_rgb_and_rgba_images_are_accepted(tmp_path):
    grey = np.random.default_rng(0).integers(0, 255, (60, 80), dtype=np.uint8)
    assert load_image(grey).shape == (60, 80, 3)
    assert load_image(grey[:, :, None]).shape == (60, 80, 3)
    rgba = np.dstack([np.stack([grey] * 3, axis=2), np.full_like(grey, 255)])
    assert load_image(rgba).shape == (60, 80, 3)
    assert load_image(grey.astype(np.float32) / 255).dtype == np.uint8
    cv2.imwrite(str(tmp_path / "face.png"), rgba)
    cv2.imwrite(str(tmp_path / "face.jpg"), grey)
    assert load_image(tmp_path / "face.png").shape == (60, 80, 3)
    assert load_image((tmp_path / "face.jpg").read_bytes()).shape == (60, 80, 3)


@pytest.mark.parametrize("source, message", [
    (b"definitely not an image" * 10, "cannot decode"),
    (b"", "empty"),
    (np.zeros((0, 10, 3), dtype=np.uint8), "empty"),
    (np.zeros((4, 4, 5), dtype=np.uint8), "must be greyscale"),
    (np.array([["a"]]), "finite numbers"),
    (12, "numpy array, a file path or bytes"),
])
def test_unusable_images_are_clear_errors(source, message):
    with pytest.raises(ImageError, match=message):
        load_image(source)


def test_huge_images_are_refused_before_decoding(tmp_path):
    big = np.zeros((3000, 3000), dtype=np.uint8)
    cv2.imwrite(str(tmp_path / "big.png"), big)
    with pytest.raises(ImageError, match="9.0 megapixels; the limit is 4.0"):
        load_image(tmp_path / "big.png", max_pixels=4_000_000)
    with pytest.raises(ImageError, match="the limit is 4.0"):
        load_image(big, max_pixels=4_000_000)
    with pytest.raises(ImageError, match="no image file"):
        load_image(tmp_path / "missing.png")
