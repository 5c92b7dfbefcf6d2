"""Emotion types, the hub-classifier text backend with a tiny local model, and fusion. The trained
text-emotion and cause models have their own test files."""

import pytest

from perception import EMOTIONS, VAD, EmotionEstimate, TextEmotionRecognizer, fuse, nearest_emotion
from perception.emotions import VAD_ANCHORS, vad_from_scores
from perception.text import map_label


def test_label_space_and_anchors():
    assert EMOTIONS == ("neutral", "joy", "sadness", "anger", "fear", "disgust", "surprise")
    assert set(VAD_ANCHORS) == set(EMOTIONS)
    for e in EMOTIONS:
        assert nearest_emotion(VAD.of(e)) == e
    assert VAD.of("joy").valence > 0 > VAD.of("sadness").valence


def test_estimate_from_probabilities_is_normalised():
    est = EmotionEstimate.from_probabilities([1, 3, 0, 0, 0, 0, 0])
    assert est.label == "joy" and abs(sum(est.scores.values()) - 1) < 1e-9
    assert est.confidence == pytest.approx(0.75)
    assert est.vad == vad_from_scores(est.scores)
    assert EmotionEstimate.from_dict(est.to_dict()) == est


def test_classifier_backend_maps_its_labels(tiny_classifier):
    model = TextEmotionRecognizer.load(str(tiny_classifier))
    (est,) = model.predict(["i am happy"])
    # the tiny model knows happy/sad/angry/neutral: the other labels can never score
    assert set(model.missing_labels) == {"fear", "disgust", "surprise"}
    assert est.scores["fear"] == est.scores["disgust"] == est.scores["surprise"] == 0.0
    assert abs(sum(est.scores.values()) - 1) < 1e-6
    assert map_label("Happiness") == "joy" and map_label("calm") == "neutral"
    with pytest.raises(ValueError, match="no mapping"):
        map_label("boredom")


def test_fusion_weights_by_confidence_and_keeps_only_given_modalities():
    text = EmotionEstimate.from_probabilities([0, 0.9, 0.1, 0, 0, 0, 0], "text")
    face = EmotionEstimate.from_probabilities([0, 0, 0.6, 0.4, 0, 0, 0], "face")
    affect = fuse({"text": text, "face": face})
    assert set(affect.modalities) == {"text", "face"}
    assert affect.fused.label == "joy" and affect.fused.modality == "fused"
    only = fuse({"text": text})
    assert set(only.modalities) == {"text"} and only.fused.label == "joy"
    with pytest.raises(ValueError, match="nothing to fuse"):
        fuse({})
