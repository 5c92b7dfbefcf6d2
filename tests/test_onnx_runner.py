"""The ONNX Runtime path for trained encoders gives torch's numbers, and falls back to torch."""

import numpy as np

from perception import onnx_runner
from perception.crisis import PACKAGED_CRISIS_DIR, CrisisDetector

MESSAGES = ["I swallowed a lot of pills an hour ago", "thanks, see you tomorrow", "my boss will kill me lol"]
EARLIER = [["I can't do this anymore"], [], ["long day", "the printer jammed again"]]


def test_onnx_scores_match_torch(tmp_path, monkeypatch):
    monkeypatch.setattr(onnx_runner, "cache_dir", lambda: tmp_path)
    on_onnx = CrisisDetector(PACKAGED_CRISIS_DIR, "cpu")
    on_torch = CrisisDetector(PACKAGED_CRISIS_DIR, "cpu", onnx=False)
    assert on_onnx.runner is not None and on_torch.runner is None
    assert list(tmp_path.glob("onnx/*.onnx"))  # exported once, kept for the next process
    np.testing.assert_allclose(on_onnx.scores(MESSAGES, EARLIER), on_torch.scores(MESSAGES, EARLIER), atol=1e-4)


def test_a_failed_export_keeps_torch(tmp_path, monkeypatch):
    monkeypatch.setattr(onnx_runner, "cache_dir", lambda: tmp_path)

    def broken(*args):
        raise RuntimeError("exporter missing (test)")

    monkeypatch.setattr(onnx_runner, "export", broken)
    detector = CrisisDetector(PACKAGED_CRISIS_DIR, "cpu")
    assert detector.runner is None
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
