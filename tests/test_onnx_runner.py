"""The ONNX Runtime path for trained encoders gives torch's numbers, and falls back to torch."""

import numpy as np
import pytest
import torch

from perception import onnx_runner
from perception.adapted_encoder import pad_batch
from perception.crisis import PACKAGED_CRISIS_DIR, CrisisDetector

MESSAGES = ["I swallowed a lot of pills an hour ago", "thanks, see you tomorrow", "my boss will kill me lol"]
EARLIER = [["I can't do this anymore"], [], ["long day", "the printer jammed again"]]


def test_onnx_scores_match_torch(tmp_path, monkeypatch):
    monkeypatch.setattr(onnx_runner, "cache_dir", lambda: tmp_path)
    on_torch = CrisisDetector(PACKAGED_CRISIS_DIR, "cpu", onnx=False)
    model, files = on_torch.model, [PACKAGED_CRISIS_DIR / "model.json", PACKAGED_CRISIS_DIR / "adapter.safetensors"]
    fp32, int8 = (onnx_runner.OnnxHead.for_model(model, "risk", files, int8=q) for q in (False, True))
    assert sorted(p.name.count(".int8.") for p in tmp_path.glob("onnx/*.onnx")) == [0, 1]  # kept for later
    batch = on_torch.encode(MESSAGES, EARLIER)
    with torch.inference_mode():
        exact = on_torch.model.classify(pad_batch(batch), "risk").numpy()
    np.testing.assert_allclose(fp32.run(pad_batch(batch)), exact, atol=1e-4)
    np.testing.assert_allclose(int8.run(pad_batch(batch)), exact, atol=1.5)  # int8: logits move a little


def test_the_crisis_detector_runs_int8_and_keeps_its_verdicts(tmp_path, monkeypatch):
    monkeypatch.setattr(onnx_runner, "cache_dir", lambda: tmp_path)
    on_onnx = CrisisDetector(PACKAGED_CRISIS_DIR, "cpu")
    on_torch = CrisisDetector(PACKAGED_CRISIS_DIR, "cpu", onnx=False)
    assert on_onnx.runner is not None and on_onnx.runner.path.name.endswith(".int8.onnx")
    assert on_torch.runner is None
    verdicts = [[on.read(m, e).at_risk for m, e in zip(MESSAGES, EARLIER)] for on in (on_onnx, on_torch)]
    assert verdicts[0] == verdicts[1] == [True, False, False]


@pytest.mark.parametrize("step, runs_on", [("quantised", [".onnx"]), ("export", None)])
def test_a_failed_step_falls_back_to_what_still_works(step, runs_on, tmp_path, monkeypatch):
    """Quantisation fails: the fp32 graph runs. Export fails: torch runs. The verdicts stay."""
    monkeypatch.setattr(onnx_runner, "cache_dir", lambda: tmp_path)

    def broken(*args):
        raise RuntimeError(f"{step} missing (test)")

    monkeypatch.setattr(onnx_runner, step, broken)
    detector = CrisisDetector(PACKAGED_CRISIS_DIR, "cpu")
    assert (detector.runner.path.suffixes if detector.runner else None) == runs_on
    assert detector.read("I swallowed a lot of pills an hour ago").at_risk


def test_text_emotion_on_onnx_matches_torch(tmp_path, monkeypatch):
    from perception.text import PACKAGED_TEXT_EMOTION_DIR, TrainedTextEmotion

    monkeypatch.setattr(onnx_runner, "cache_dir", lambda: tmp_path)
    on_onnx = TrainedTextEmotion(PACKAGED_TEXT_EMOTION_DIR, "cpu")
    on_torch = TrainedTextEmotion(PACKAGED_TEXT_EMOTION_DIR, "cpu", onnx=False)
    assert len(on_onnx.runners) == len(on_onnx.models) and not on_torch.runners
    texts = ["I got the scholarship!", "ok", "There was a hair in my soup."]
    contexts = [[("B", "how did it go?")], [], [("A", "dinner was nice"), ("B", "and then?")]]
    np.testing.assert_allclose(on_onnx.logits(texts, contexts, ["A", None, "A"]),
                               on_torch.logits(texts, contexts, ["A", None, "A"]), atol=1e-4)


def test_an_int8_graph_scores_a_sequence_the_same_alone_or_in_a_padded_batch(tmp_path, monkeypatch):
    """int8 activations are quantised over the whole input: read in a batch, a sequence's score
    moved with its neighbours (0.32 against 0.63 alone); now each is read alone, unpadded."""
    monkeypatch.setattr(onnx_runner, "cache_dir", lambda: tmp_path)
    together = CrisisDetector(PACKAGED_CRISIS_DIR, "cpu").scores(MESSAGES, EARLIER)
    detector = CrisisDetector(PACKAGED_CRISIS_DIR, "cpu")  # (a fresh one: scores are cached)
    alone = [detector.scores([m], [e])[0] for m, e in zip(MESSAGES, EARLIER)]
    np.testing.assert_allclose(together, alone, rtol=1e-5)
