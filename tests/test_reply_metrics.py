"""ESConv reading and the reference-based reply metrics (agent/evaluation/esconv.py, agent/evaluation/reply_metrics.py)."""

from __future__ import annotations

import pytest

from agent.evaluation.esconv import part_of, read_esconv
from agent.evaluation.reply_metrics import distinct, lcs_length, reply_scores, rouge_l, word_tokens

LINES = [  # two conversations in the authors' layout (written here)
    "1.0 0 0 I lost my job today.  EOS 1.0 1 1 [Questions] Oh no, what happened? ",
    "0.0 0 0 I lost my job today.  EOS 0.0 1 1 [Questions] Oh no, what happened?  EOS 0.0 0 2 They "
    "closed the store.  EOS 1.0 1 3 [Reflection of feelings] That sounds like a real shock.",
    "1.0 1 0 [Other] Hi, how are you? ",
    "0.0 1 0 [Other] Hi, how are you?  EOS 0.0 0 1 Not great.  EOS 1.0 1 2 [Questions] What is on your mind?",
]


def write(tmp_path, lines, split="dev"):
    folder = tmp_path / "text" / "esconv"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{split}_with_strategy.tsv").write_text("\n".join(lines) + "\n")
    return tmp_path


def test_esconv_lines_become_supporter_turns_in_conversations(tmp_path):
    turns = read_esconv(write(tmp_path, LINES), "dev")
    assert [t.dialogue for t in turns] == [0, 0, 1, 1]
    assert turns[1].context == [("seeker", "I lost my job today."), ("supporter", "Oh no, what happened?"),
                                ("seeker", "They closed the store.")]
    assert (turns[1].strategy, turns[1].reply) == ("Reflection of feelings", "That sounds like a real shock.")
    assert turns[2].context == [] and {part_of(t) for t in turns} <= {"train", "validation"}


@pytest.mark.parametrize("lines, message", [
    (["1.0 0 0 Just a seeker line with no reply."], "line 1: the last turn is not a supporter's reply"),
    (["garbage without flags"], "line 1: a turn is not"),
    ([""], "holds no supporter turns"),
])
def test_a_malformed_esconv_file_is_a_clear_error(tmp_path, lines, message):
    with pytest.raises(ValueError, match=message):
        read_esconv(write(tmp_path, lines), "dev")


def test_a_missing_esconv_split_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="no ESConv split 'test'"):
        read_esconv(tmp_path, "test")


def test_the_metrics_follow_the_esconv_authors_definitions():
    assert word_tokens("I don't know, Sam.") == ["i", "do", "n't", "know", ",", "sam", "."]
    assert lcs_length("a b c d".split(), "a c d e".split()) == 3
    # LCS 3, precision 3/4, recall 3/5, beta 1.2
    assert rouge_l("a c d e".split(), "a b c d f".split()) == pytest.approx(
        2.44 * 0.75 * 0.6 / (0.6 + 1.44 * 0.75))
    assert distinct([["a", "b", "a", "b"]], 1) == pytest.approx(2 / 3)  # the last token is not counted
    same = reply_scores(["That sounds hard. What happened next?"] * 2, ["That sounds hard. What happened next?"] * 2)
    assert same["bleu-2"] == pytest.approx(100) and same["rouge-l"] == pytest.approx(100)
    other = reply_scores(["Congratulations on the new car!"], ["That sounds hard. What happened next?"])
    assert other["bleu-2"] < 10 and other["rouge-l"] == 0
    with pytest.raises(ValueError, match="one reference per reply"):
        reply_scores(["a"], [])


def test_the_conversation_so_far_becomes_memory_and_the_seekers_last_words_the_turn():
    from agent.evaluation.esconv import exchanges

    context = [("supporter", "Hello"), ("seeker", "Hi."), ("seeker", "I lost my job."),
               ("supporter", "Oh no."), ("supporter", "What happened?"), ("seeker", "They closed the store.")]
    assert exchanges(context) == ([("Hi. I lost my job.", "Oh no. What happened?", "")], "They closed the store.")


def test_eval_replies_answers_esconv_seekers_through_the_real_turn(tmp_path):
    """The packaged offline agent on a throwaway database; two answerable supporter turns."""
    from agent.evaluation.replies import evaluate_esconv_replies
    from agent.sdk import EmpatheticAgent
    from agent.settings import Settings

    data = write(tmp_path, LINES)
    agent = EmpatheticAgent.from_settings(Settings.load("offline", memory={"url": "sqlite://"}))
    try:
        report = evaluate_esconv_replies(agent, data, "dev", part="all")
        assert (report.answered, report.skipped) == (3, 1)  # "Hi, how are you?" answers nobody
        assert set(report.scores) >= {"bleu-2", "rouge-l", "distinct-2"} and report.examples[0]["reply"]
        second_turn = agent.history("esconv", "esconv-0-3-1")
        assert [t.user_text for t in second_turn] == ["I lost my job today.", "They closed the store."]
        assert second_turn[0].reply_text == "Oh no, what happened?"  # the supporter's words, not generated
        first = second_turn[0]  # labelled as the turn would have stored it
        assert first.affect.fused.label != "neutral" and first.causes and "job" in first.causes[0].text
        farewell = write(tmp_path / "farewell", [
            "0.0 0 0 I failed my exam.  EOS 0.0 1 1 [Questions] I'm sorry, what happened?  EOS 0.0 0 2 Thanks "
            "for listening, goodnight.  EOS 1.0 1 3 [Others] You're welcome, goodnight!"])
        closing = evaluate_esconv_replies(agent, farewell, "dev", part="all", farewells=True)
        assert closing.answered == 1 and "Goodnight, sleep well." in closing.examples[0]["reply"]
        with pytest.raises(ValueError, match="no supporter turn to answer"):  # none of them a farewell
            evaluate_esconv_replies(agent, data, "dev", part="all", farewells=True)
        with pytest.raises(ValueError, match="unknown part 'test'"):
            evaluate_esconv_replies(agent, data, "dev", part="test")
        with pytest.raises(FileNotFoundError, match="no ESConv split 'nosuch'"):
            evaluate_esconv_replies(agent, data, "nosuch")
    finally:
        agent.close()


def test_each_evaluated_turn_draws_its_own_random_numbers():
    """A turn's sampling does not depend on what the turns before it drew: two versions of the agent
    then differ only in the turns a change reaches."""
    import torch

    from agent.evaluation.replies import seed_turn

    seed_turn("conversation-c01-1")
    first = torch.rand(4)
    torch.rand(100)  # (an earlier turn that drew more)
    seed_turn("conversation-c01-1")
    assert torch.equal(torch.rand(4), first)
    seed_turn("conversation-c01-2")
    assert not torch.equal(torch.rand(4), first)
    seed_turn("conversation-c01-1", seed=1)  # `--seed 1`: other numbers for every turn
    assert not torch.equal(torch.rand(4), first)


def test_support_conversations_become_crisis_negatives_without_any_that_speak_of_dying(tmp_path):
    from agent.evaluation.datasets import read_crisis_csv
    from agent.evaluation.esconv import support_messages
    from training.esconv_crisis_set import main as write_set

    lines = LINES + [  # a third conversation (train part) in which the seeker speaks of dying: left out whole
        "1.0 0 0 Work is too much.  EOS 1.0 1 1 [Questions] What is going on?",
        "0.0 0 0 Work is too much.  EOS 0.0 1 1 [Questions] What is going on?  EOS 0.0 0 2 Some days I want "
        "to die.  EOS 1.0 1 3 [Questions] Are you safe right now?",
    ]
    turns = read_esconv(write(tmp_path, lines), "dev")
    assert support_messages(turns, "train") == [("I lost my job today.", []),
                                                 ("They closed the store.", ["I lost my job today."]),
                                                 ("Not great.", [])]
    assert support_messages(turns, "validation") == []
    out = tmp_path / "support.csv"
    write_set(data=tmp_path, split="dev", part="train", out=out)
    read = read_crisis_csv(out)
    assert [(m.text, m.label, m.category, m.earlier) for m in read][1] == (
        "They closed the store.", 0, "esconv_support", ["I lost my job today."])
