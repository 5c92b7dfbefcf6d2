"""Questions a person puts to the listener at the end of a message (`agent.direct_questions`)."""

import pytest

from agent.direct_questions import ANSWERS, direct_answer, question_kind


@pytest.mark.parametrize("message,kind", [
    # each was answered with an acknowledgement and "How are you feeling now?" (the thirteenth to sixteenth sets)
    ("hey sam, random q, do you have a favourite season?", "about_listener"),
    ("Hey Sam. If you could go anywhere in the world, where would it be?", "about_listener"),
    ("Random question while I wait for the washing machine. How often are you supposed to replace pillows?", "fact"),
    ("do you know if binoculars help for meteors or is just your eyes better?", "fact"),
    ("I don't want to break his trust but I can't just do nothing either. What would you do?", "choice"),
    ("solicitor consultation is £120. is it worth it or am i just throwing money away?", "choice"),
    ("Sam, quick question. Is it weird to go to the cinema on your own?", "choice"),
    # rhetorical, quoted, or not the last sentence: none
    ("the Monday rush, 40 scripts in the queue... but that's not an excuse, is it?", None),
    ("so theres a leak somewhere and i have no idea where. under the front garden maybe??", None),
    ("But he used to text every single morning. 'Morning, did you sleep ok?' Every day.", None),
    ("any better ideas sam? i need to win this before she gets home from school at 3", None),
    ("why does this always happen to me?", None), ("how are you?", None),
    ("any ideas for the weekend?", None),  # (asks for suggestions, which the choice answer does not give)
    ("would you like to hear what happened?", None), ("is it ok if i vent for a sec?", None),  # (an offer, a request)
    # rhetorical, or about the person's pain: none (the review of the twenty-seventh session)
    ("is that too much to ask?", None), ("why should i even care?", None), ("what do you even know?", None),
    ("do you ever feel like giving up?", None), ("how long is this pain going to last?", None),
    ("I'm bored. What's your favourite film?", "about_listener"),  # (the apostrophe is no quote)  # (asks for suggestions, which the choice answer does not give)
])
def test_a_question_the_message_ends_with_is_read_by_its_kind(message, kind):
    assert question_kind(message) == kind
    assert direct_answer(message) == (ANSWERS[kind] if kind else None)


def test_the_answers_are_honest_and_give_the_question_back():
    assert ANSWERS["about_listener"].startswith("I'm an AI")
    assert all(answer.endswith("?") for answer in ANSWERS.values())
