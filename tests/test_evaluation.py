"""The evaluation metrics on hand-made examples with known answers, and `empathica eval text|cause`
on a tiny data folder laid out like ../shared/data."""

import json
import os
import subprocess
import sys

import pytest

from agent.evaluation.datasets import read_goemotions, read_meld
from agent.evaluation.model_eval import cause_report, classification_report, span_scores


def test_classification_report_known_answer():
    truth = [["joy"], ["joy"], ["sadness"], ["anger"]]
    report = classification_report("x", truth, ["joy", "sadness", "sadness", "anger"], seconds=2.0)
    assert report.accuracy == 0.75
    assert report.per_class_f1["joy"] == pytest.approx(2 / 3)  # P 1, R 0.5
    assert report.per_class_f1["sadness"] == pytest.approx(2 / 3)  # P 0.5, R 1
    assert report.per_class_f1["anger"] == 1.0
    assert report.weighted_f1 == pytest.approx((2 * 2 / 3 + 2 / 3 + 1) / 4)
    assert report.confusion[1, 2] == 1 and report.seconds_per_item == 0.5
    # multi-label gold (GoEmotions): a prediction inside the gold set is right
    multi = classification_report("m", [["sadness", "surprise"], ["joy"]], ["surprise", "joy"], 1.0)
    assert multi.accuracy == 1.0 and multi.per_class_f1["sadness"] == 0.0
    assert multi.per_class_f1["surprise"] == 1.0


def test_span_and_cause_metrics_known_answer():
    assert span_scores("The job", ["lost my job"]) == (0.0, pytest.approx(0.5))  # 'the' dropped
    assert span_scores("lost my job!", ["x", "Lost my job"]) == (1.0, 1.0)
    report = cause_report("c", [True, True, False, False], [True, False, True, False],
                          [(1.0, 1.0), (0.0, 0.5)], seconds=1.0)
    assert report.pos_f1 == 0.5 and report.neg_f1 == 0.5 and report.positives == 2
    assert report.span_em == 0.5 and report.span_f1 == 0.75


def test_readers_give_context_and_multi_labels(tiny_data):
    meld = read_meld(tiny_data, "dev")
    assert meld[1].context == [("Ross", "I got the job, I'm so happy!")] and meld[3].context == []
    go = read_goemotions(tiny_data, "dev")
    assert go[3].labels == ["sadness", "surprise"] and go[4].labels == ["fear", "disgust"]
    with pytest.raises(FileNotFoundError, match="MELD split 'test'"):
        read_meld(tiny_data, "test")


def run_eval(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "agent.cli", "eval", *args], capture_output=True,
                          text=True, env={**os.environ, "COLUMNS": "200"}, timeout=300)


def test_eval_commands_on_a_data_folder(tiny_data, tmp_path):
    text = run_eval("text", "--data", str(tiny_data), "--dataset", "goemotions", "--split", "dev",
                    "--json", str(tmp_path / "t.json"))
    assert text.returncode == 0, text.stderr
    assert "goemotions dev: n=5" in text.stdout and "weighted F1" in text.stdout
    assert json.loads((tmp_path / "t.json").read_text())["n"] == 5
    cause = run_eval("cause", "--data", str(tiny_data), "--split", "valid", "--json", str(tmp_path / "c.json"))
    assert cause.returncode == 0, cause.stderr
    assert "Pos-F1" in cause.stdout
    assert json.loads((tmp_path / "c.json").read_text())["pairs"] == 7 + 3
    missing = run_eval("cause", "--data", str(tiny_data), "--split", "test")
    assert missing.returncode == 2 and "no RECCON split 'test'" in missing.stderr
    unknown = run_eval("text", "--data", str(tiny_data), "--dataset", "imdb")
    assert unknown.returncode == 2 and "unknown dataset 'imdb'" in unknown.stderr


def test_eval_text_on_ed_situations(tiny_data, tmp_path):
    """ED's mapped situations: the unmapped label (trusting) is left out; the share read as neutral shown."""
    ed = run_eval("text", "--data", str(tiny_data), "--dataset", "ed", "--split", "valid",
                  "--json", str(tmp_path / "ed.json"))
    assert ed.returncode == 0, ed.stderr
    assert "ed valid: n=4" in ed.stdout and "read as neutral" in ed.stdout
    figures = json.loads((tmp_path / "ed.json").read_text())
    assert 0 <= figures["read_as_neutral"] <= 1 and figures["per_class_f1"]["joy"] >= 0
    missing = run_eval("text", "--data", str(tiny_data), "--dataset", "ed", "--split", "test")
    assert missing.returncode == 2 and "EmpatheticDialogues situations split 'test'" in missing.stderr
