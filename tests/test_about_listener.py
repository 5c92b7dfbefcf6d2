"""Questions about the listener itself: "how are you?", "what's your name?", "are you a real person?"."""

from __future__ import annotations

import pytest

from agent.about_listener import claims_to_be_human, listener_answer, question_to_listener
from agent.reply_start import reply_start
from agent.respond import ReplyWriter
from agent.settings import LLMSection
from test_respond import ScriptedLLM, prompt_input, recognizer  # noqa: F401 (a fixture)


@pytest.mark.parametrize("message,kind", [
    ("how are you?", "how_are_you"), ("hey sam, how are you?", "how_are_you"), ("whats up", "how_are_you"),
    ("you ok?", "how_are_you"), ("what's your name?", "name"), ("who are you", "name"),
    ("who am i talking to", "name"), ("are you a real person?", "real"), ("are you a bot or a human?", "real"),
    ("is this a bot", "real"), ("what can you do?", "what_for"), ("can you help me with something", "help"),
    ("how are you supposed to get over a breakup", None), ("how are you feeling about it", None),
    ("my mom asked how are you doing", None), ("what are you doing this weekend", None),
    ("are you ok with that plan", None), ("how are you? i had a rough day", None), ("im bored", None),
    ("how are you, sam?", "how_are_you"), ("sad, how are you", None), ("fine how are you", None),
    ("i need help, my husband hits me and i am scared to go home", None),
    ("can you help me understand why my dad left us", None), ("would you help me write a letter to my ex", None),
    ("Quick question, are you a real person or a bot?", "real"), ("sorry, dumb question: are you a bot?", "real"),
    ("just curious, what's your name?", "name"), ("quick question about my taxes", None),
    # what a person opens with before the news (the fourth conversation set): "hey sam, you there?" got
    # "I see what you mean. What happened?"
    ("hey sam, you there?", "here"), ("anyone there?", "here"), ("you up?", "here"),
    ("hi sam!! can i tell you something", "tell"), ("can i vent for a sec", "tell"), ("i need to talk", "tell"),
    ("I have some news.", "news"), ("guess what", "news"), ("lap swim rant incoming", "tell"),
    ("idk if this is dumb", "tell"), ("this might be dumb but my cat died", None),
    ("the weirdest thing just happened", "happened"), ("something crazy happened at work", "happened"), ("you will not believe this", "happened"),
    ("the weirdest thing happened at the supermarket, my teacher recognised me", None),
    ("are you there for me when i need you", None), ("can i tell you something? my dad died", None),
    ("I have some news. My marrows took second place at the village show.", None), ("I have some bad news", None),
    # openers one after another: the last is answered ("hi sam! got a minute? i have news" got "Okay, I
    # hear you. How are you feeling now?")
    ("hi sam! got a minute? i have news", "news"), ("you there? can i vent", "tell"),
    ("got a minute? my dog died", None),
    # asked to tell about something ("Morning Sam! Can I tell you about my birds?" got "Okay, I hear you.
    # How are you feeling now?")
    ("Morning Sam! Can I tell you about my birds?", "tell_about"), ("can i tell you about my day", "tell_about"),
    ("can i tell you about something that happened at work today? my boss yelled", None),
    ("morning! question for you", "question"), ("hey sam, quick question", "question"),
    ("Sam, quick question. Is it weird to go to the cinema on your own?", None),
    # the twenty-first set: "Okay, I hear you. How are you feeling now?" (blinded readers: off-topic)
    ("hey sam, hope your day's going ok", "well_wish"), ("hope you're well sam!", "well_wish"),
    ("hiya sam, hows things?", "how_are_you"), ("Hi Sam, got a parenting question for you", "question"),
    ("can i talk about something thats been bugging me", "tell"),
    ("I'd like to get something off my chest, if that's all right.", "tell"),
    ("hope your day is going better than mine", None), ("got a question about my mum's tests", None),
    # the twenty-third set, studied (thirty-first session)
    ("sam mate got some news", "news"), ("Proud dad moment incoming", "story"),
    ("Something cheerful for once.", "story"), ("so. funny story.", "story"),
    ("Good morning Sam. I have a bit of a funny story.", "story"),
    ("Hi Sam, can I share something? I am a bit excited.", "tell"),
    ("Good afternoon Sam. I'm after a bit of a sounding board, nothing serious.", "tell"),
    ("funny story, he died", None), ("a funny story about my dad dying", None), ("my funny story", None),
    # a newcomer's review (thirty-first session): glad words only before "incoming"
    ("Sad news incoming.", None), ("Final update incoming", None), ("cancer update incoming", None),
    ("can i share something with you", "tell"),
])
def test_only_a_question_about_the_listener_alone_is_one(message, kind):
    assert question_to_listener(message) == kind


def test_the_answers_are_honest_and_use_the_personas_name():
    """"what's your name?" was answered "I see what you mean. What's your name?"."""
    assert listener_answer("what's your name?", "Robin", 0) == \
        "I'm Robin, an AI companion who's here to listen. What's on your mind?"
    assert "not a person" in listener_answer("are you a real person?", "Sam", 0)
    assert listener_answer("how are you?", "Sam", 0) == "I'm doing well, thanks for asking. How are you?"
    assert listener_answer("i lost my job", "Sam", 0) is None


def test_the_answer_is_the_whole_reply_but_not_in_a_careful_session(recognizer):
    """`agent.graph` passes no message to `reply_start` in a careful session."""
    start = reply_start(None, False, "neutral", 0, user_emotion="neutral", message="how are you?", name="Jo")
    assert start == "I'm doing well, thanks for asking. How are you?"
    assert reply_start(None, False, "neutral", 0, user_emotion="neutral", message=None, name="Jo") != start
    llm = ScriptedLLM([["How are you feeling about it?"]])
    p = prompt_input(user_text="how are you?", user_emotion="neutral", cause=None, response_emotion="neutral",
                     reply_start=start, whole_start=True)
    assert ReplyWriter(llm, recognizer, LLMSection(candidates=1)).write(p) == start and llm.calls == 0


@pytest.mark.parametrize("reply,claims", [
    ("I see what you mean. I am a real person, but I can't speak to bots.", True), ("I'm not a bot.", True),
    ("I'm a person who listens.", True), ("I'm an AI, not a person, but I'm here to listen.", False),
    ("You are a real person to me.", False), ("Im not a person, I am an AI.", False),
    ("I'm only human.", True), ("Yes, I'm real and I'm here.", True), ("I'm really sorry.", False),
])
def test_a_reply_never_claims_the_listener_is_a_person(reply, claims, recognizer):
    """"Quick question, are you a real person or a bot?" got "I see what you mean. I am a real person, but
    I can't speak to bots." (the fourth conversation set): such a candidate is never sent."""
    assert claims_to_be_human(reply) == claims
    if claims:
        p = prompt_input(user_text="is this even real", user_emotion="neutral", cause=None, response_emotion="neutral")
        assert "person" in ReplyWriter(ScriptedLLM([[reply]]), recognizer, LLMSection(candidates=1)).verdict(reply, p)


def test_the_listeners_name_is_not_said_back_as_the_persons():
    """"Sam I had such a surprise today." was said back "Wow, Sam you had such a surprise today!"."""
    from agent.about_listener import without_address

    assert without_address("Sam I had such a surprise today", "Sam") == "I had such a surprise today"
    assert without_address("sam, my dog died", "Sam") == "my dog died"
    assert without_address("I miss you sam", "Sam") == "I miss you"
    assert without_address("Samantha came over", "Sam") == "Samantha came over"  # (another name)
    # a friend called Sam: the name is no word of address there
    assert without_address("Sam got the job", "Sam") == "Sam got the job"
    assert without_address("Sam's birthday is today", "Sam") == "Sam's birthday is today"
    assert without_address("I had lunch with Sam", "Sam") == "I had lunch with Sam"
    assert without_address("Sam", "Sam") == "Sam"  # (nothing else: left as it is)


@pytest.mark.parametrize("message", [
    "I want to ask you something.", "Good afternoon, Sam. I wonder if I might ask your opinion on something.",
    "hi sam, i wanted to ask you a question",
])
def test_a_question_announced_alone_is_welcomed(message):
    assert question_to_listener(message) == "question"


@pytest.mark.parametrize("message", [
    # tried in the thirty-sixth session and taken out after a review: a question announced with its topic or after
    # other sentences welcomed disclosures ("I have a question about overdoses.", "He's 40 and I'm 14. I want to ask
    # you something.", "I've been scratching my arms with a blade. I want to ask you something.")
    "I have a question about overdoses.", "I want to ask you something about jumping.",
    "He's 40 and I'm 14. I want to ask you something.",
    "I've been scratching my arms with a blade. I want to ask you something.",
    "Good evening Sam. I am taxi driver in Washington DC. I want to ask you something about American culture.",
])
def test_a_question_announced_with_more_is_an_ordinary_turn(message):
    assert question_to_listener(message) is None


def test_a_day_to_tell_about_is_welcomed():
    """ "Good evening. I wonder if you'd let an old man tell you about his day." got "Okay, I hear you. How are you
    feeling now?" (the thirty-second set)."""
    message = "Good evening. I wonder if you'd let an old man tell you about his day."
    assert question_to_listener(message) == "tell_about"
