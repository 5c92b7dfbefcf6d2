"""Spans not said back as the person's own (agent.reflection): what the person says of the listener ("You've been
very patient with an old man"), and what they had better do (said back, an order: "you'd better get your notes in
order"); found by the blinded readers of the thirty-first conversation set (fresh30); and a learner's slips in a
first message, spans typed without their subject, across an emoji or cut from their verb."""

from __future__ import annotations

import pytest

from agent.reflection import reflection, second_person


@pytest.mark.parametrize("span", [
    "You've been very patient with an old man and his character counting", "you'd be proud of me",
    "you'll laugh at this", "I'd better get my notes in order", "we'd better leave early", "I had better go",
])
def test_what_is_said_of_the_listener_or_had_better_be_done_is_not_said_back(span):
    assert second_person(span) is None
    assert reflection(span, True, "joy", 3, None, "joy", span + ".") is None


def test_a_better_day_is_still_said_back():
    assert second_person("I had a better day today") == "you had a better day today"


@pytest.mark.parametrize("message", [
    "Hi Sam. I am student from Fes, I study in Cork since September. Today I take wrong bus and I have adventure.",
    "Hi Sam, my first Halloween in America is finish. I am from Chennai, we live in Edison, New Jersey since June.",
    "Hello Sam. I am from Almaty, I work delivery on bicycle in London, 7 months now.",
    "Hello Sam. Today I go to knitting group. My teacher at English class tell me is good for practise speaking.",
    "The driver tell me I am in Cobh, 40 minutes from my place. I was so worry because I have class at 4.",
    "I don't notice because I am listening music.", "I buy raisins, small boxes, because is healthy.",
])
def test_a_learners_first_message_is_known_as_one(message):
    """The thirty-first set's (fresh30) learners' first messages had their slips said back ("Oh, you are student
    from Fes.", "That's wonderful, your first Halloween in America is finish!"), each rejected by both readers."""
    from agent.clause import learner_english
    from perception.sentences import split_sentences

    assert learner_english(split_sentences(message))


@pytest.mark.parametrize("message", [
    "me n my roommate have been arguing abt whether a hotdog is a sandwich", "I'm a student from Fes.",
    "I live here since it's cheap.", "I got on the wrong bus", "I was so worried", "listening to music",
    "the man at the shop says hi", "I've lived in Cork since September.",
])
def test_english_that_only_looks_like_those_slips_is_not_a_learners(message):
    from agent.clause import learner_english
    from perception.sentences import split_sentences

    assert not learner_english(split_sentences(message))


@pytest.mark.parametrize("span, said_back", [
    ("locked out of my flat in slippers", "you got locked out of your flat in slippers"),
    ("Stuck in Frankfurt.", "you got stuck in Frankfurt"), ("locked the door and left", "you locked the door and left"),
    ("Diagnosed in February", "you got diagnosed in February"), ("invited to the wedding", "you got invited to the wedding"),
    ("invited my friends to the party", "you invited your friends to the party"),
    ("took him 30 seconds to open it", None), ("took him to the vet", "you took him to the vet"),
    ("im 5'3 so maybe thats on me but STILL", None),
    ("his collar tag says Nacho 😭 ive started calling him Nacho out loud", "his collar tag says Nacho"),
])
def test_spans_typed_without_their_subject_or_across_an_emoji(span, said_back):
    """Rejected by the thirty-first set's readers: "Oh, you locked out of your flat ...", "Ah, you took him 30 seconds
    to open it.", "Ah, you're 5'3 so maybe that's on you but STILL.", "Oh, his collar tag says Nacho you've started
    calling him Nacho out loud."."""
    assert second_person(span) == said_back
    assert second_person("my sister noticed and just went 😳 and said nothing") != "your sister noticed and just went"


def test_a_span_cut_from_its_verb_is_not_said_back():
    """ "Oh, you just found out the plant." (of "... the plant on my desk at work is FAKE") and "Oh, the driver on your
    kids' school bus." (of "Mr Okoro, the driver on my kids' school bus, is retiring ...")."""
    assert reflection("i just found out the plant", True, "surprise", 1, None, "surprise",
                      "so i just found out the plant on my desk at work is FAKE") is None
    assert reflection("the driver on my kids' school bus", True, "sadness", 1, None, "sadness",
                      "Mr Okoro, the driver on my kids' school bus, is retiring at the end of term.") is None
    assert reflection("my dog died", True, "sadness", 1, None, "sadness", "my dog died this morning") is not None


def test_an_ongoing_state_typed_without_im_is_said_back_with_youre():
    """ "So you still getting used to having this extra time in the morning." was disfluent to both readers."""
    assert second_person("Still getting used to having this extra time") == "you're still getting used to having this extra time"
    assert second_person("stuck with it and rewrote chapter 3") == "you stuck with it and rewrote chapter 3"


@pytest.mark.parametrize("message", ["Hi Sam! I am Chinese student, I study in Sheffield",
                                     "I was nervous because I didn't play since university"])
def test_more_learners_slips(message):
    from agent.clause import learner_english

    assert learner_english([message])
    assert not learner_english(["I'm a mature student and I haven't played since university"])


@pytest.mark.parametrize("message", [
    "All I do is worry about my son.", "There was worry in the family about his health.", "I didn't call since it was late.",
    "I work at Tesco and I've been miserable since June.", "I'm no doctor, but that looks infected.", "She is our teacher.",
    "He is head teacher at my school.", "I'm senior nurse on the ward.", "With my mum in hospital I don't sleep much.",
    "My sister in law I don't get along with.", "Good call on bringing something to share as well.",
])
def test_native_english_the_review_found_taken_for_a_learners(message):
    """A newcomer's review of the thirty-fifth session's learner patterns: each was read as a learner's (and so the
    whole conversation got nothing said back)."""
    from agent.clause import learner_english

    assert not learner_english([message])


@pytest.mark.parametrize("span, said_back", [
    ("caught up with an old friend today", "you caught up with an old friend today"),
    ("stuck to my diet all week", "you stuck to your diet all week"), ("soaked up the sun", "you soaked up the sun"),
    ("hired this amazing nanny", "you hired this amazing nanny"), ("took her a cup of tea", "you took her a cup of tea"),
    ("took him an hour to fix", None), ("Really annoying day at work", "really annoying day at work"),
    ("it's all on me now", "it's all on you now"), ("Diagnosed with diabetes last week", "you got diagnosed with diabetes last week"),
])
def test_the_reviews_spans_keep_their_meaning(span, said_back):
    assert second_person(span) == said_back


def test_a_telling_verb_before_a_second_clause_still_says_back():
    assert reflection("I heard my parents arguing again last night", True, "sadness", 0, None, "sadness",
                      "I heard my parents arguing again last night and mum was crying the whole time") == (
        "I'm so sorry you heard your parents arguing again last night.")


@pytest.mark.parametrize("message", ["locked out of my flat in slippers lol", "stuck in the lift at the uni library lol",
                                     "tried the viral baked feta pasta and set off the smoke alarm twice lol",
                                     "babysitting my lil brother and he just put a frozen pea up his nose lol"])
def test_a_mishap_told_with_a_laugh_gets_no_glad_acknowledgement(message):
    """Read glad (the laugh), each got "Oh, that's nice!" and was rejected by blinded readers (fresh24-fresh31)."""
    from agent.reply_start import ACKNOWLEDGEMENTS, reply_start

    assert reply_start(None, False, "joy", 0, None, "joy", message) in ACKNOWLEDGEMENTS["neutral"]
    assert reply_start(None, False, "joy", 0, None, "joy", "my sister had her baby at the hospital today!") in (
        ACKNOWLEDGEMENTS["joy"])
