"""The trained emotion-cause model (packaged): causal utterances and spans, its errors, the RECCON
reader, the training loop on a tiny data folder, and the shipped weights against their valid figure."""

import json
from pathlib import Path

import numpy as np
import pytest

from agent.evaluation.datasets import read_reccon, reccon_pairs
from perception import CauseExtractor, TextEmotionRecognizer
from perception.cause import PACKAGED_CAUSE_DIR, best_span, relation
from perception.loading import ModelLoadError

SHARED_DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"


@pytest.fixture(scope="module")
def extractor():
    return CauseExtractor.load()


def test_finds_the_cause_span_of_a_clear_feeling(extractor):
    utterances = ["How was your day?", "Terrible. I lost my job today and my boss shouted at me."]
    causes = extractor.extract(utterances, 1, emotion="sadness", speakers=["agent", "user"])
    assert causes and causes[0].utterance == 1
    assert "job" in causes[0].text or "boss" in causes[0].text
    for c in causes:
        assert utterances[c.utterance][c.start:c.end] == c.text and 0.5 <= c.score <= 1


def test_a_cause_in_the_other_speakers_words(extractor):
    utterances = ["We won two tickets to Hawaii!", "Really? That's amazing!"]
    scores = extractor.score_pairs(utterances, 1, "joy", [0, 1], ["A", "B"])
    assert scores[0].probability > 0.5
    assert "Hawaii" in utterances[0][scores[0].start:scores[0].end]


def test_neutral_has_no_cause_and_bad_calls_are_clear_errors(extractor):
    utterances = ["Hi.", "I lost my job."]
    assert extractor.extract(utterances, 1, emotion="neutral") == []
    with pytest.raises(IndexError):
        extractor.extract(utterances, 5, emotion="sadness")
    with pytest.raises(ValueError, match="speakers"):
        extractor.extract(utterances, 1, emotion="sadness", speakers=["user"])
    with pytest.raises(ValueError, match="unknown emotion"):
        extractor.extract(utterances, 1, emotion="bored")
    with pytest.raises(ValueError, match="recognizer"):
        extractor.extract(utterances, 1)
    with_reader = CauseExtractor.load(recognizer=TextEmotionRecognizer.load())
    assert with_reader.model is extractor.model  # one model per process, per-caller settings
    assert isinstance(with_reader.extract(utterances, 1), list)
    assert extractor.extract(["", "  "], 1, emotion="joy") == []


def test_missing_model_folder_is_a_clear_error(tmp_path):
    with pytest.raises(ModelLoadError, match="no emotion-cause model"):
        CauseExtractor.load(str(tmp_path))


def test_relation_and_best_span():
    assert relation(3, 3, None) == "same utterance"
    assert relation(3, 1, ["A", "A", "B", "A"]) == "2 turns before, same speaker"
    assert relation(3, 2, ["A", "B", "B", "A"]) == "1 turn before, other speaker"
    offsets = [(0, 0), (0, 1), (2, 5), (6, 9), (0, 0)]
    start, end = np.array([0, 0, 5, 1, 9.0]), np.array([0, 1, 0, 6, 9.0])
    assert best_span(start, end, offsets)[:2] == (2, 9)  # tokens 2..3, never the special tokens


def test_reccon_reader_normalises_emotions_and_builds_pairs(tiny_data):
    (d1, d2) = read_reccon(tiny_data, "train")
    assert [t.emotion for t in d1.turns] == ["sadness", "sadness", "neutral", "joy"]
    assert d1.turns[1].cause_turns == [0, 1] and d1.turns[3].cause_turns == [3]  # 'b' dropped
    pairs = reccon_pairs([d1])
    assert len(pairs) == 1 + 2 + 4  # every non-neutral target with each utterance up to it
    assert [p.is_cause for p in pairs if p.target == 3] == [False, False, False, True]
    assert pairs[1].spans == ["lost my job"]


def test_shipped_model_has_a_model_card():
    config = json.loads((PACKAGED_CAUSE_DIR / "model.json").read_text())
    assert config["kind"] == "emotion-cause" and 0 < config["threshold"] < 1
    assert (PACKAGED_CAUSE_DIR / "adapter.safetensors").stat().st_size < 8_000_000
    card = (PACKAGED_CAUSE_DIR / "MODEL_CARD.md").read_text()
    for needed in ("RECCON", "python -m training.train_emotion_cause", "Pos-F1"):
        assert needed in card


def test_training_runs_on_a_tiny_slice(tiny_data, tmp_path):
    from training.train_emotion_cause import main

    main(data=tiny_data, out=tmp_path / "model", epochs=1, negatives=1.0, max_length=48, batch_size=4,
         lr=1e-3, head_lr=3e-3, rank=4, span_weight=1.0, seed=1, limit=0, threads=2)
    config = json.loads((tmp_path / "model" / "model.json").read_text())
    assert 0 <= config["metrics"]["reccon_valid_pos_f1"] <= 1
    model = CauseExtractor.load(str(tmp_path / "model"))
    assert isinstance(model.extract(["I lost my job."], 0, emotion="sadness"), list)


@pytest.mark.skipif(not (SHARED_DATA / "text" / "reccon").is_dir(), reason="needs ../shared/data")
def test_shipped_weights_give_the_recorded_valid_figure():
    from agent.evaluation.model_eval import evaluate_cause

    recorded = json.loads((PACKAGED_CAUSE_DIR / "model.json").read_text())["metrics"]
    report = evaluate_cause(SHARED_DATA, "valid")
    assert report.pos_f1 == pytest.approx(recorded["reccon_valid_pos_f1"], abs=0.005)
    assert report.span_f1 == pytest.approx(recorded["reccon_valid_span_f1_pos"], abs=0.005)
