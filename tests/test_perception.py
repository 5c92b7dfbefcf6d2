"""Emotion types, the zero-shot text recognizer on the packaged encoder, the classifier backend with
a tiny local model, causes and fusion."""

import pytest

from perception import (EMOTIONS, VAD, CauseExtractor, EmotionEstimate, TextEmotionRecognizer,
                        fuse, nearest_emotion)
from perception.cause import clauses
from perception.emotions import VAD_ANCHORS, vad_from_scores
from perception.loading import ModelLoadError
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


@pytest.fixture(scope="module")
def recognizer():
    return TextEmotionRecognizer.load()


@pytest.mark.parametrize("text,label", [
    ("I'm so happy, I got the job!", "joy"),
    ("My dog died and I can't stop crying.", "sadness"),
    ("I'm terrified something bad will happen.", "fear"),
    ("Ew, that's disgusting.", "disgust"),
    ("How dare you lie to me!", "anger"),
])
def test_zero_shot_reads_clear_emotions(recognizer, text, label):
    est = recognizer.predict([text])[0]
    assert est.label == label
    assert abs(sum(est.scores.values()) - 1) < 1e-6
    assert est.modality == "text"


def test_recognizer_is_loaded_once_per_process(recognizer):
    assert TextEmotionRecognizer.load() is recognizer


def test_missing_model_path_is_a_clear_error(tmp_path):
    with pytest.raises(ModelLoadError, match="does not exist"):
        TextEmotionRecognizer.load(str(tmp_path / "nope"))
    (tmp_path / "empty").mkdir()
    with pytest.raises(ModelLoadError, match="not a model folder"):
        TextEmotionRecognizer.load(str(tmp_path / "empty"))
    with pytest.raises(ModelLoadError, match="not in the local Hugging Face cache"):
        TextEmotionRecognizer.load("someone/not-downloaded-model")  # HF_HUB_OFFLINE=1 in tests


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


def test_clauses_split_at_punctuation_and_reasons():
    text = "Oh well, I lost my job today because of budget cuts."
    spans = [text[s:e] for s, e in clauses(text)]
    assert spans == ["I lost my job today", "of budget cuts"]
    assert clauses("Hi") == [(0, 2)]
    assert clauses("") == []


def test_cause_extractor_returns_spans_of_the_conversation(recognizer):
    extractor = CauseExtractor(recognizer)
    utterances = ["How was your day?", "Terrible. I lost my job today, and my boss shouted at me."]
    causes = extractor.extract(utterances, 1, emotion="sadness")
    assert causes and causes[0].utterance == 1
    for c in causes:
        assert utterances[c.utterance][c.start:c.end] == c.text and 0 <= c.score <= 1
    assert extractor.extract(utterances, 1, emotion="neutral") == []
    with pytest.raises(IndexError):
        extractor.extract(utterances, 5)
    # the other speaker's words weigh less than the target speaker's own
    said = ["That is terrible news, I lost my job too.", "I lost my job today."]
    mine = extractor.extract(said, 1, emotion="sadness", speakers=["agent", "user"])
    assert mine[0].utterance == 1
    with pytest.raises(ValueError, match="speakers"):
        extractor.extract(said, 1, speakers=["user"])
    with pytest.raises(ValueError, match="unknown emotion"):
        extractor.extract(utterances, 1, emotion="bored")


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
