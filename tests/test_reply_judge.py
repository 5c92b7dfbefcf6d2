"""The reply judge (`agent/reply_judge.py`): the packaged model, its errors, its place in the ranking,
and the training script's data handling."""

from __future__ import annotations

import json

import numpy as np
import pytest

from agent.reply_judge import FEATURES, JUDGE_DIR, JUDGE_FILE, ReplyJudge, judge_features, load_judge
from perception.loading import ModelLoadError


@pytest.fixture(scope="module")
def recognizer():
    from perception import TextEmotionRecognizer

    return TextEmotionRecognizer.load()


@pytest.fixture(scope="module")
def judge():
    return ReplyJudge.load(device="cpu")


def test_the_packaged_judge_gives_each_reply_a_chance_of_acceptance(judge):
    replies = ["I'm so sorry you lost your job today. What happened?",
               "I'm so sorry you lost your job today. What is green tea?", "Great!"]
    p = judge.acceptance(["hey"], "I lost my job today.", replies)
    assert p.shape == (3,) and np.all((p > 0) & (p < 1))
    assert p[0] > p[1] and p[0] > p[2]  # the fitting question over a stray one and gladness
    assert judge.acceptance([], "hi", []).shape == (0,)


def test_the_features_are_those_the_weights_are_over(judge):
    def encode(texts):  # test stand-in for the sentence encoder: fixed unit vectors
        return np.eye(384, dtype=np.float32)[[len(t) % 384 for t in texts]]

    x = judge_features(encode, ["earlier"], "message", ["A reply. What happened?", "Okay."])
    assert x.shape == (2, judge.coef.shape[0])
    assert x[0, -1] == 1.0 and x[1, -1] == 0.0  # asks or not


def test_a_missing_or_foreign_folder_is_a_clear_error(tmp_path):
    with pytest.raises(ModelLoadError, match="not a reply judge folder"):
        ReplyJudge.load(tmp_path / "nope", "cpu")
    (tmp_path / JUDGE_FILE).write_text(json.dumps({"kind": "crisis-detector", "heads": {"risk": 1}}))
    with pytest.raises(ModelLoadError, match="cannot be read as a reply judge"):
        ReplyJudge.load(tmp_path, "cpu")
    for broken in ("{not json", "[1, 2]", json.dumps({"kind": "reply-judge", "features": FEATURES, "coef": [0.1]})):
        (tmp_path / JUDGE_FILE).write_text(broken)
        with pytest.raises(ModelLoadError, match="cannot be read as a reply judge"):
            ReplyJudge.load(tmp_path, "cpu")
    short = tmp_path / "short"
    short.mkdir()
    (short / JUDGE_FILE).write_text(json.dumps({"kind": "reply-judge", "features": FEATURES, "coef": [0.1] * 5,
                                                "intercept": 0.0, "base": "packaged:all-MiniLM-L6-v2"}))
    with pytest.raises(ModelLoadError, match="has 5 weights; its features over .* need 1542"):
        ReplyJudge.load(short, "cpu")
    assert load_judge("none") is None
    assert load_judge("auto", "cpu", chat_model=True) is None  # fitted on the packaged model's replies only


def test_the_judge_setting_names_what_it_takes(tmp_path):
    from agent.settings import LLMSection

    assert LLMSection(judge=str(tmp_path)).judge == str(tmp_path)
    with pytest.raises(ValueError, match="'auto', 'none' or a folder"):
        LLMSection(judge="off")
    assert (JUDGE_DIR / "MODEL_CARD.md").is_file()


class FixedJudge:
    """Test fake at the judge's edge: the acceptance it gives each reply, by its text."""

    def __init__(self, chances):
        self.chances = chances

    def acceptance(self, earlier, message, replies):
        return np.array([self.chances[r] for r in replies])


def test_the_writer_ranks_with_the_judge(recognizer):
    from agent.respond import ReplyWriter
    from agent.settings import LLMSection
    from tests.test_respond import ScriptedLLM, prompt_input

    fits, drifts = "Okay, I hear you. What happened?", "Okay, I hear you. How long have you been there?"
    p = prompt_input(user_text="the waiter just shrugged", cause=None, response_emotion="neutral")
    judge = FixedJudge({fits: 0.05, drifts: 0.95})
    assert ReplyWriter(ScriptedLLM([[fits, drifts]]), recognizer, LLMSection(candidates=2)).write(p) == fits
    assert ReplyWriter(ScriptedLLM([[fits, drifts]]), recognizer, LLMSection(candidates=2), judge).write(p) == drifts


def test_the_training_data_finds_conversations_and_candidate_turns(tmp_path):
    import typer

    from training.train_reply_judge import candidate_turns, judged_rows, main

    from agent.evaluation.conversations import read_conversations
    from training.train_reply_judge import CONVERSATIONS

    first_id, (message, *_) = read_conversations(CONVERSATIONS / "everyday.json")[0]
    rows = [{"reading": "r/W", "earlier_user_messages": [], "message": message, "reply": reply,
             "acceptable": ok, "candidate": True} for reply, ok in (("A?", 1), ("B?", 0), ("A?", 0))]
    rows.append({"reading": "r/Q", "earlier_user_messages": [], "message": "not in any", "reply": "C", "acceptable": 1})
    path = tmp_path / "judged.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    read = judged_rows([path])
    assert read[0]["conversation"] == first_id and read[3]["conversation"] == ""
    assert sorted(v for _, v in candidate_turns(read)[0]) == [0.0, 0.5]
    with pytest.raises(typer.BadParameter, match="--folds"):
        main(judged=[path], folds=1)
    with pytest.raises(typer.BadParameter, match="--inverse-l2"):
        main(judged=[path], inverse_l2=0.0, folds=0)
    with pytest.raises(typer.BadParameter, match="at least 2 known conversations; the judgements have them for 1"):
        main(judged=[path], inverse_l2=0.1, seed=0, folds=2, cv_out=None, fold_models=None, out=tmp_path / "judge")
    main(judged=[path], inverse_l2=0.1, seed=0, folds=0, cv_out=None, fold_models=None, out=tmp_path / "judge")
    written = ReplyJudge.load(tmp_path / "judge", "cpu")
    assert written.acceptance([], message, ["A?", "B?"]).shape == (2,)
