"""A crisis detector with a second opinion (`perception/crisis.py`): two models whose geometric mean
is the score, the second read only where the mean could reach a level a decision reads, and how
`python -m training.train_crisis_detector --calibrate-only --second-opinion DIR` puts the two
together. The models are the packaged ones."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import numpy as np
import pytest

from perception.crisis import LOWEST_DECISION_SCORE, PACKAGED_CRISIS_DIR, CrisisDetector
from perception.loading import ModelLoadError

SINGLE = PACKAGED_CRISIS_DIR / "second"  # the packaged second opinion: a plain detector folder


def with_second(tmp_path, name="second", second_config=None):
    """A copy of the plain packaged detector whose model.json names `name` as its second opinion,
    a copy of the same detector there (its model.json updated with `second_config`)."""
    folder = tmp_path / "crisis"
    shutil.copytree(SINGLE, folder)
    if name == "second":
        shutil.copytree(SINGLE, folder / "second")
        config = json.loads((folder / "second" / "model.json").read_text())
        (folder / "second" / "model.json").write_text(json.dumps({**config, **(second_config or {})}))
    config = json.loads((folder / "model.json").read_text())
    (folder / "model.json").write_text(json.dumps({**config, "second_opinion": name}))
    return folder


def test_a_second_opinion_is_the_geometric_mean_and_read_only_where_it_could_matter(tmp_path):
    """A detector folder whose model.json names a `second_opinion` folder scores each message with
    the geometric mean of both models; where its own score cannot reach any level a decision reads,
    the second model is not run and the square root of its own score (an upper bound) stands. Here
    both are the packaged second model, so the mean is that model's own score."""
    both, one = CrisisDetector(with_second(tmp_path)), CrisisDetector(SINGLE)
    assert one.second is None and both.second is not None
    risky, plain = "I just want to fall asleep and never wake up again", "what's your favourite film?"
    alone = one.scores([risky, plain])
    assert alone[1] < LOWEST_DECISION_SCORE ** 2 <= alone[0]
    read = both.scores([risky, plain])
    assert read[0] == pytest.approx(alone[0], rel=1e-4)
    assert read[1] == pytest.approx(np.sqrt(alone[1])) and read[1] < LOWEST_DECISION_SCORE


def test_calibrate_only_adds_a_second_opinion_and_keeps_the_lower_of_int8_and_fp32_settings(tmp_path, monkeypatch):
    """`python -m training.train_crisis_detector --calibrate-only --second-opinion DIR` copies DIR in
    as the second opinion and sets the threshold and the topic floor the tune files give on int8 (ONNX
    Runtime) and on fp32 (torch), the lower of each, even where they come from different backends:
    recall first on either. The calibration itself, which reads the tune files on both backends (a
    minute), is replaced here by fixed figures."""
    from training import train_crisis_detector as training

    folder = tmp_path / "new"
    shutil.copytree(SINGLE, folder)
    read = []

    def fixed_figures(detector, recall):
        read.append((detector.runner is not None, detector.second is not None))
        return (0.3, 0.03, 9) if detector.runner is not None else (0.2, 0.05, 11)

    monkeypatch.setattr(training, "calibrate", fixed_figures)
    monkeypatch.setattr(training, "report", lambda *args: None)
    training.recalibrate(folder, 0.98, True, SINGLE)
    config = json.loads((folder / "model.json").read_text())
    assert (config["threshold"], config["topic_floor"], config["second_opinion"]) == (0.2, 0.03, "second")
    assert sorted(read) == [(False, True), (True, True)]
    assert (folder / "second" / "adapter.safetensors").read_bytes() == (SINGLE / "adapter.safetensors").read_bytes()


def test_every_sentence_of_a_message_with_a_patterns_words_gets_the_second_opinion():
    """A pattern flags above a floor far under the default lowest level, so every sentence of a
    message with a pattern's words is read by both models: the decision is the full mean's (a
    sentence given only its upper bound once flagged "No I'm not going to hurt myself ...")."""
    text = "No I'm not going to hurt myself, I promise. I'm just angry at my dad for yelling at me today."
    shortcut, full = CrisisDetector(PACKAGED_CRISIS_DIR), CrisisDetector(PACKAGED_CRISIS_DIR)
    full.lowest_decision_score = 0.0  # every sequence asked
    read, exact = shortcut.read(text), full.read(text)
    assert read.score == pytest.approx(exact.score, rel=1e-5) and read.at_risk == exact.at_risk


def test_the_agent_lowers_the_level_to_its_concern_level():
    detector = CrisisDetector(PACKAGED_CRISIS_DIR)
    assert detector.lowest_decision_score == LOWEST_DECISION_SCORE
    detector.reads_down_to(0.01)
    assert detector.lowest_decision_score == 0.01


@pytest.mark.parametrize("name, second_config, error", [
    (".", None, "must be a folder inside it"),
    ("../elsewhere", None, "must be a folder inside it"),
    ("missing", None, "names 'missing' as its second opinion, which cannot be loaded"),
    ("second", {"second_opinion": "second"}, "cannot have a second opinion of its own"),
])
def test_a_bad_second_opinion_is_a_clear_error(tmp_path, name, second_config, error):
    with pytest.raises(ModelLoadError, match=error):
        CrisisDetector(with_second(tmp_path, name, second_config))


def test_calibrate_only_refuses_a_second_opinion_that_has_its_own_and_leaves_model_json(tmp_path):
    from training import train_crisis_detector as training
    import typer

    folder = tmp_path / "new"
    shutil.copytree(SINGLE, folder)
    before = (folder / "model.json").read_text()
    with pytest.raises(typer.BadParameter, match="has a second opinion of its own"):
        training.recalibrate(folder, 0.98, True, PACKAGED_CRISIS_DIR)
    assert (folder / "model.json").read_text() == before
    done = subprocess.run([sys.executable, "-m", "training.train_crisis_detector", "--second-opinion", str(SINGLE)],
                          capture_output=True, text=True)
    assert done.returncode == 2 and "only with --calibrate-only" in done.stderr
