"""The listener's reflection (agent/reflection.py) and replies that start from it (agent/respond.py).

The LLM here is `ScriptedLLM` from test_respond: a test-only stand-in at the LLM's edge that returns
fixed continuations, so the start, the joining and the choice can be checked exactly."""

from __future__ import annotations

import pytest

from agent.prompt import chat_messages, transcript_prompt
from agent.feeling_words import glad_fits, laughed_off
from agent.about_listener import GREETINGS_BACK
from agent.reflection import reflection, second_person
from agent.reply_start import ACKNOWLEDGEMENTS, reply_start
from agent.respond import ReplyWriter
from agent.settings import LLMSection
from test_respond import ScriptedLLM, drain, prompt_input, recognizer  # noqa: F401 (a fixture)


@pytest.mark.parametrize("span,said_back", [
    ("our dog died this morning", "your dog died this morning"),
    ("got laid off today.", "you got laid off today"),
    ("omg i got the scholarship!!", "you got the scholarship"),
    ("PASSED MY DRIVING TEST!!!", "you passed your driving test"),
    ("I FLEW A PLANE BY MYSELF TODAY", "you flew a plane by yourself today"),
    ("i was there almost six years", "you were there almost six years"),
    ("i literally screamed and dropped my groceries lol", "you screamed and dropped your groceries"),
    ("he was 14, a golden retriever named biscuit.", "he was 14"),
    ("we've been friends since 7th grade and she never forgets",
     "you've been friends since 7th grade and she never forgets"),
    ("my coworker didnt show up", "your coworker didn't show up"),
    ("Sarah forgot my birthday", "Sarah forgot your birthday"),
    ("my girlfriend and i broke up last night", "you and your girlfriend broke up last night"),
    ("I’m so stressed about work", "you're so stressed about work"),  # a phone's curly apostrophe
    ("didnt get the job", "you didn't get the job"),
    ("Fred dumped me", "Fred dumped you"),
    ("I got the scholarship I applied for!", "you got the scholarship you applied for"),
    ("My exam is tomorrow", "your exam is tomorrow"),
    ("woke up at 5 am", "you woke up at 5 am"),
    ("moved to the US last year", "you moved to the US last year"),
    ("soon i'm going back to the us", "soon you're going back to the US"),  # typed in lower case
    ("my sister came to us for help", "your sister came to you for help"),
    ("i was nervous when the storm hit last weekend. it rained hard",  # two sentences: the first
     "you were nervous when the storm hit last weekend"),
    ("i got a 3.5. my parents were mad", "you got a 3.5"),
    ("ok. my dog died", "your dog died"),  # only filler before the full stop
    ("so yeah. i got dumped", "you got dumped"),
    ("Mr. Smith yelled at me in class", "Mr. Smith yelled at you in class"),  # no sentence ends there
    ("woke up at 5:30 today", "you woke up at 5:30 today"),
    ("my cat broke its leg", "your cat broke its leg"),
    ("my dog died 😭", "your dog died"),
    ("ooh I like Nell", "you like Nell"),  # (the exclamation left out)
    ("Card got declined at the till today", "your card got declined at the till today"),  # (no name)
    ("the wife says we should go on a cruise now", "your wife says you should go on a cruise now"),
    ("the husband of my best friend died last night", "the husband of your best friend died last night"),
    ("airline cancelled my flight", "the airline cancelled your flight"),  # the article left out
    ("Flight was delayed again", "the flight was delayed again"),
    ("boss yelled at me today", "your boss yelled at you today"),
    ("dinner with friends tonight", "dinner with friends tonight"),  # no verb: no subject to complete
    ("when i was eight my parents got me a dog for christmas",
     "when you were eight your parents got you a dog for Christmas"),
    ("i think ill ask her for a walk", "you think you'll ask her for a walk"),  # ("ill" typed for "I'll")
    ("i felt ill all day", "you felt ill all day"), ("i had to let it go", "you had to let it go"),
])
def test_the_cause_is_said_back_from_the_listeners_side(span, said_back):
    assert second_person(span) == said_back


@pytest.mark.parametrize("span", [
    "you never listen to me",  # "you" would be ambiguous said back
    "lol omg",  # nothing but filler
    "i went to the store and then i drove to my parents house and we talked all night long",  # too long
    "... ?",
    "any ideas for the weekend?",  # a question
    "what does it take to not ever have someone in my life",  # a question typed without its mark
    "should i just quit",
    "sounds like someone tapping on the back window",  # no subject to say back
    "i'm so stupid",  # self-judgement is never said back
    "it was my fault",
    "i hate myself",
    "the fine was $500",  # a symbol that reads badly said back
    "prize was a £50 bar tab",  # (another currency's)
    "my aunt who cannot keep a secret to save her life",  # a noun and its relative clause, no verb of its own
    "on the beach where we had our first date",
    "thinking a surprise dinner at the italian place she loves",  # "I'm thinking" left out, and "of"
    "wants to keep them as pets",  # the subject ("my 7 year old") left in the clause before
    "It feels silly to be this upset about a shop sign",  # ("That's so hard, ..." agrees it is silly)
    # the twenty-first set: a subject left out that is not the person (both blinded readers: disfluent)
    "took me 4 months to set up",  # ("you took you 4 months")
    "cant see me til tuesday", "made my morning", "bit of a rubbish day", "asked me out again",
    "Today she tell me it has 2,000 views",  # (a learner's slip would read as the listener's)
])
def test_a_cause_that_would_not_read_well_said_back_is_left_alone(span):
    assert second_person(span) is None


def test_the_reflection_opens_in_the_response_emotion():
    assert reflection("our dog died this morning", True, "sadness", 0) == "I'm so sorry your dog died this morning."
    assert reflection("i got the scholarship!!", True, "joy", 0, gladly=True) == "That's wonderful, you got the scholarship!"
    assert reflection("i got the scholarship!!", True, "joy", 1, gladly=True) != reflection(
        "i got the scholarship!!", True, "joy", 0, gladly=True)


def test_glad_news_gets_a_glad_opening_alone_except_before_a_goodbye():
    """ "That's wonderful, <what was told>!" was accepted by blinded readers 0.61 of 330 times, "Oh, that's nice!"
    0.73 of 78 (agent.openings.PLAIN_OPENING_ONLY); a goodbye drops a bare opening, so its news is said back."""
    from agent.reply_start import ACKNOWLEDGEMENTS, reply_start

    assert reflection("i got the scholarship!!", True, "joy", 0, user_emotion="joy") is None
    assert reply_start("i got the scholarship", True, "joy", 0, user_emotion="joy",
                       message="i got the scholarship!!") in ACKNOWLEDGEMENTS["joy"]
    assert reply_start("i got the scholarship", True, "joy", 0, user_emotion="joy",
                       message="i got the scholarship!! ok off to tell my mum, bye") == "That's wonderful, you got the scholarship!"
    assert reflection("our dog died this morning", True, "sadness", 0) == "I'm so sorry your dog died this morning."


@pytest.mark.parametrize("cause,in_message,emotion,previous,feeling", [
    (None, True, "sadness", None, "sadness"),
    ("our dog died", False, "sadness", None, "sadness"),  # the cause is in an earlier turn
    ("our dog died", True, "neutral", None, "neutral"),  # the user shows no feeling
    ("our dog died", True, "sadness", "our dog died", "sadness"),  # said back last turn already
])
def test_no_reflection_where_it_would_not_fit(cause, in_message, emotion, previous, feeling):
    assert reflection(cause, in_message, emotion, 0, previous, feeling) is None


@pytest.mark.parametrize("cause,emotion,said_back", [
    ("never won anything in my life lol", "joy", "So you never won anything in your life."),
    ("hope it doesnt come out watery like last time", "joy", "So you hope it doesn't come out watery like last time."),
    ("her name is dana if that helps lol", "joy", "So her name is Dana if that helps."),
])
def test_gladness_is_not_said_at_a_hope_a_condition_or_what_did_not_happen(cause, emotion, said_back):
    assert reflection(cause, True, emotion, 1, user_emotion=emotion) == said_back


@pytest.mark.parametrize("message,words", [
    ("been practising every night for 6 weeks. the neighbours downstairs must hate me lol", "neutral"),
    ("sorry for the essay LOL. just needed to get it out", "neutral"),
    ("my knees are screaming hahaha", "neutral"),
    ("missed the bus again \U0001F602", "neutral"),
    ("the neighbours downstairs must hate me", "anger"),  # no laugh
    ("i cant stop crying \U0001F62D", "anger"),  # crying is no laugh
])
def test_a_heavy_feeling_is_not_named_where_the_person_laughs(message, words):
    assert laughed_off("anger", message) == words
    assert laughed_off("joy", message) == "joy"  # (glad words stay)


@pytest.mark.parametrize("message", ["my mum died last week lol. anyway how are you",
                                     "lol my cat did the funniest thing. anyway i got diagnosed with cancer today",
                                     "my biopsy results come tomorrow \U0001F605"])
def test_a_laugh_does_not_lighten_a_loss_an_illness_or_nerves(message):
    assert laughed_off("sadness", message) == "sadness"


@pytest.mark.parametrize("cause,said_back", [
    ("cant believe i got in", "Wow, you can't believe you got in!"),  # glad news, negation and all
    ("my wish came true", "Wow, your wish came true!"),
    ("i didn't see that coming", "Wow, you didn't see that coming!"),
])
def test_glad_news_said_with_a_negation_or_a_wish_stays_glad(cause, said_back):
    assert reflection(cause, True, "surprise", 0, user_emotion="surprise") == said_back
    assert glad_fits("surprise", cause) == "surprise"


@pytest.mark.parametrize("said", ["My husband has MS and I've been his full-time carer for about three years now.",
                                  "got my adhd diagnosis today. im 35", "needed it for my daughters dental surgery"])
def test_no_glad_words_for_something_serious(said):
    """Glad openings there were accepted 9 times in 36 by blinded readers ("Oh, that's nice!" to a carer)."""
    assert glad_fits("joy", said) == "neutral"
    assert glad_fits("joy", "ms okafor gave me my first solo") == "joy"  # (a teacher, not an illness)


def test_a_restatement_cut_short_is_not_said_back():
    """"i feel guilty but also like?? relieved??" was said back "Oh, you feel guilty but also." (both
    blinded readers of the twenty-first set: disfluent)."""
    assert second_person("i feel guilty but also like") is None
    assert second_person("Right, that's me") is None  # ("That's great, that's you!" as the person left)
    assert second_person("my dog died this morning") == "your dog died this morning"


def test_a_sad_or_plain_opening_may_say_back_what_did_not_happen():
    assert reflection("i didn't get the job", True, "sadness", 0, user_emotion="sadness") == \
        "I'm so sorry you didn't get the job."


START = "I'm so sorry you lost your job today."


def test_the_model_continues_the_given_start(recognizer):
    llm = ScriptedLLM([["", "How are you holding up? Take your time."]])
    reply = ReplyWriter(llm, recognizer, LLMSection(candidates=2)).write(prompt_input(reply_start=START))
    assert reply == f"{START} How are you holding up?"  # the start and one sentence of the model's
    assert llm.prompt.endswith(f"Sam [sympathetic; cause: I lost my job today]: {START}")


def test_the_start_alone_is_not_a_reply(recognizer):
    llm = ScriptedLLM([["", "and then"], ["That is a shock. What happened?"]])
    reply = ReplyWriter(llm, recognizer, LLMSection(candidates=2, retries=2)).write(prompt_input(reply_start=START))
    # nothing continued the start well: the next try writes the reply whole
    assert reply == "That is a shock. What happened?" and llm.calls == 2 and not llm.prompt.endswith(START)
    llm = ScriptedLLM([["Good.", "Why?"]])  # one word of its own: no sentence, unless it asks ...
    reply = ReplyWriter(llm, recognizer, LLMSection(candidates=2)).write(prompt_input(reply_start=START))
    assert reply == f"{START} Why?"
    llm = ScriptedLLM([["Good.", "Congratulations!"]])  # ... or exclaims (kept where no common question follows)
    reply = ReplyWriter(llm, recognizer, LLMSection(candidates=2, common_questions=False)).write(
        prompt_input(reply_start=START))
    assert reply == f"{START} Congratulations!"


def test_a_continuation_that_asks_and_invents_nothing_is_preferred(recognizer):
    llm = ScriptedLLM([["Was it because of the new manager from Chicago?", "How are you feeling about it?"]])
    reply = ReplyWriter(llm, recognizer, LLMSection(candidates=2)).write(prompt_input(reply_start=START))
    assert reply.endswith("How are you feeling about it?")


def test_a_short_fitting_question_beats_a_long_guess_and_one_invented_word_costs_most(recognizer):
    """Blinded readers accepted far fewer continuations with a word nobody said, and fewer long ones
    (`NOVEL_WEIGHT`, `LENGTH_WEIGHT`)."""
    long_guess = "I think you will find something better soon, there are a lot of openings out there right now."
    llm = ScriptedLLM([[long_guess, "What happened?"]])
    assert ReplyWriter(llm, recognizer, LLMSection(candidates=2)).write(
        prompt_input(reply_start=START)).endswith("What happened?")
    llm = ScriptedLLM([["How long were you at the bakery?", "How are you holding up?"]])
    assert ReplyWriter(llm, recognizer, LLMSection(candidates=2)).write(
        prompt_input(reply_start=START)).endswith("How are you holding up?")


def test_the_stream_says_the_start_at_once_then_the_chosen_continuation(recognizer):
    llm = ScriptedLLM([["Was it the manager from Chicago?", "How are you holding up?"]])
    stream = ReplyWriter(llm, recognizer, LLMSection(candidates=2)).stream(prompt_input(reply_start=START))
    assert next(stream) == START + " " and llm.calls == 0  # before the model has written anything
    deltas, reply = drain(stream)
    assert deltas == ["How are you holding up?"] and reply == f"{START} How are you holding up?"


def test_a_streamed_start_is_kept_while_tries_are_left(recognizer):
    """What was already shown and said stays the reply's start: the stream's retries continue it,
    and only the last try writes the reply whole."""
    llm = ScriptedLLM([["", ""], ["", "What happened?"]])
    stream = ReplyWriter(llm, recognizer, LLMSection(candidates=2, retries=2)).stream(
        prompt_input(reply_start=START))
    deltas, reply = drain(stream)
    assert reply == f"{START} What happened?" and llm.prompt.endswith(START)


def test_no_start_for_chat_models_or_when_reflection_is_off(recognizer):
    for llm, section in ((ScriptedLLM([["What happened?"]], chat=True), LLMSection()),
                         (ScriptedLLM([["What happened?"]]), LLMSection(reflect=False))):
        assert ReplyWriter(llm, recognizer, section).write(prompt_input(reply_start=START)) == "What happened?"
    assert START not in str(chat_messages(prompt_input(reply_start=START)))
    assert transcript_prompt(prompt_input(reply_start=START)).endswith(START)


def test_without_a_reflection_the_reply_starts_with_an_acknowledgement_in_the_response_emotion():
    assert reply_start("our dog died this morning", True, "sadness", 0) == "I'm so sorry your dog died this morning."
    assert reply_start(None, False, "joy", 0) == "Oh, that's nice!"
    assert reply_start("our dog died", True, "sadness", 1, user_emotion="neutral") == "I'm so sorry."
    assert len({reply_start(None, False, "neutral", n) for n in range(2)}) == 2  # replies in a row vary


def test_every_start_is_said_at_once_by_a_voice():
    """A voice speaks the start while the model writes the rest: each is a whole sentence the
    sentence buffer hands out as soon as it arrives (not held back as too short)."""
    from agent.openings import OPENINGS
    from agent.reply_start import ACKNOWLEDGEMENTS
    from speech.sentences import SentenceBuffer

    for start in [*(a for group in ACKNOWLEDGEMENTS.values() for a in group),
                  *(o.format(span="you lost your job") for group in OPENINGS.values() for o in group)]:
        assert " ".join(SentenceBuffer().feed(start + " ")) == start, start  # (maybe in clauses)


def test_a_continuation_that_only_echoes_the_start_is_not_preferred(recognizer):
    llm = ScriptedLLM([["I am so sorry to hear that.", "That must have been such a shock."]])
    reply = ReplyWriter(llm, recognizer, LLMSection(candidates=2, common_questions=False)).write(
        prompt_input(reply_start=START))  # (a statement kept where no common question follows)
    assert reply.endswith("That must have been such a shock.")


def test_a_feeling_read_unsurely_gets_its_cause_said_back_plainly():
    from agent.feeling_words import SURE_FEELING, SURE_OTHER_FEELING, SURE_SYMPATHY, words_emotion

    assert words_emotion("anger", SURE_FEELING - 0.13, "anger") == "neutral"
    assert words_emotion("joy", SURE_FEELING, "joy") == "joy"
    # anger named only from a surer reading (`SURE_NAMED`)
    assert words_emotion("anger", 0.7, "anger") == "neutral" and words_emotion("anger", 0.8, "anger") == "anger"
    assert words_emotion("surprise", 0.7, "surprise") == "surprise"
    assert words_emotion("neutral", 0.9, "joy") == "neutral"
    # indignation at something disgusting, sympathy for a fright: only where the reading is sure
    assert words_emotion("disgust", SURE_OTHER_FEELING - 0.2, "anger") == "neutral"
    # disgust read all but surely: its own words ("Ugh, that's gross."), not the indignation; below, plain
    # words (readers took the indignation 0.50 of 32 times at 0.8-0.95: `agent.feeling_words.SURE_NAMED`)
    assert words_emotion("disgust", 0.99, "anger") == "disgust"
    assert words_emotion("disgust", 0.87, "anger") == "neutral"  # ("Sundays are the worst." is sad)
    assert words_emotion("disgust", SURE_OTHER_FEELING, "anger") == "neutral"
    # a fright read surely, the sympathy chosen for it not: the person's own feeling, not a plain "I see"
    assert words_emotion("fear", 0.57, "sadness") == "fear"
    assert words_emotion("fear", SURE_FEELING - 0.1, "sadness") == "fear"  # (sympathy from SURE_SYMPATHY)
    assert words_emotion("fear", SURE_SYMPATHY - 0.01, "sadness") == "neutral"
    assert words_emotion("sadness", 0.44, "sadness") == "neutral"  # (readers took such sympathy as wrong as often)
    assert words_emotion("joy", 0.45, "joy") == "neutral"  # (gladness misplaced costs more: still from 0.5)
    assert words_emotion("fear", SURE_OTHER_FEELING, "sadness") == "sadness"
    assert reply_start("got laid off today", True, "neutral", 0, user_emotion="anger") == "Oh, you got laid off today."
    assert reply_start("got laid off today", True, "neutral", 0, user_emotion="neutral") == "Okay, I hear you."


@pytest.mark.parametrize("cause,message,said_back", [
    ("checked into the hotel", "checked into the hotel and there was a cockroach on the pillow",
     "That's so frustrating, you checked into the hotel and there was a cockroach on the pillow."),
    # a sentence that would not read well said back (a "you" in it): the cause span alone
    ("my boss yelled at me", "my boss yelled at me, can you believe it?", "That's so frustrating, your boss yelled at you."),
    # the sentence's first clause would leave the cause out: the cause span
    ("i got the scholarship!!", "omg i just got the email, i got the scholarship!!",
     "That's so frustrating, you got the scholarship."),
    # a long sentence: the cause span alone
    ("my flight got cancelled", "my flight got cancelled and now i have to sit here in this airport for eleven hours",
     "That's so frustrating, your flight got cancelled."),
])
def test_the_whole_short_sentence_holding_the_cause_is_said_back(cause, message, said_back):
    assert reflection(cause, True, "anger", 0, message=message) == said_back


def test_a_cause_inside_a_question_is_not_said_back_as_told():
    """"Do you think they will feel strange with me?" was said back "So they will feel strange with you."
    (both blinded readers of the twentieth set: invented)."""
    message = "Do you think they will feel strange with me? Sometimes I worry she thinks of my mother as her mama."
    assert reflection("they will feel strange with me", True, "fear", 0, None, "fear", message) is None
    told = "Did my best and still failed the exam."  # (told, though its first words could start a question)
    assert reflection("failed the exam", True, "sadness", 0, None, "sadness", told) == "I'm so sorry you failed the exam."


@pytest.mark.parametrize("message,start", [
    ("her name is maya. she turned twelve last week", "So she turned twelve last week."),
    ("im about 80 pages in, its slow but kinda cozy", "So you're about 80 pages in."),
    ("the ending was kinda predictable tbh", "So the ending was kinda predictable."),
    ("they said theyd let me know by friday", "So they said they'd let you know by Friday."),
    ("or just nap honestly", "Right, I see."),  # too short to say back
    ("he was 19. drove it until it finally died in 1970", "Right, I see."),  # its subject is elsewhere
    ("its june 14th, in nashville", "Right, I see."),
    ("any ideas for the weekend?", "Right, I see."),  # a question is answered, not said back
    ("I I I", "Right, I see."), ("", "Right, I see."), ("...", "Right, I see."),
])
def test_a_plain_message_gets_its_last_sentence_said_back_plainly(message, start):
    assert reply_start(None, False, "neutral", 1, user_emotion="neutral", message=message) == start
    # a feeling in the words: the acknowledgement in that feeling, not a plain restatement
    assert reply_start(None, False, "joy", 1, user_emotion="joy", message=message) == "That's great to hear!"


def test_a_cause_left_out_on_purpose_is_not_said_back_plainly():
    """The cause said back last turn is not said back again, plainly or not."""
    start = reply_start("got laid off today", True, "neutral", 1, previous_cause="got laid off today",
                        user_emotion="sadness", message="i got laid off today")
    assert start == "Right, I see."


@pytest.mark.parametrize("span, said_back", [
    ("we sold my grandmas house today", "you sold your grandma's house today"),
    ("im gonna miss my cousins graduation", "you're going to miss your cousin's graduation"),
    ("my roommates and i are splitting bills and its a mess",
     "you and your roommates are splitting bills and it's a mess"),
    ("i get to hold her tommorow", "you get to hold her tomorrow"),
    ("hope it doesnt come out watery like last time", "you hope it doesn't come out watery like last time"),
    ("need a hug", "you need a hug"), ("hope is all i have left", "hope is all you have left"),
    ("flight was SO bumpy", "the flight was so bumpy"),
    ("PASSED MY DRIVING TEST!!!", "you passed your driving test"),
    ("the speech is saturday", "the speech is Saturday"),
    ("applied back in march", "you applied back in March"),
    ("i only bought one ticket bc my coworker guilted me", "you only bought one ticket because your coworker guilted you"),
    # left as they are: plural subjects, the possessive "its", words with another reading
    ("my sisters are coming over", "your sisters are coming over"),
    ("my friends threw me a party", "your friends threw you a party"),
    ("i met my friends today", "you met your friends today"),
    ("my coworkers didnt get paid", "your coworkers didn't get paid"),
    ("the cat broke its leg", "the cat broke its leg"),
    ("the team lost its only game", "the team lost its only game"),
    ("my SO dumped me", "your SO dumped you"),
    ("moved to bc", "you moved to bc"),
    ("my cuz came over", "your cuz came over"),
    ("we march tomorrow", "you march tomorrow"),
])
def test_the_users_typing_is_written_back_the_way_a_listener_would_write_it(span, said_back):
    """Strict readers took "your grandmas house" and "tommorow" in the agent's own words as
    disfluent (eleventh session); the listener repairs them as it says the cause back."""
    assert second_person(span) == said_back


@pytest.mark.parametrize("message,greets", [
    ("hi", True), ("Hello!", True), ("hey there", True), ("good morning!", True), ("hi sam, how are you?", False),
    ("hey whats up", False), ("hi, i lost my job today", False), ("hello darkness my old friend", False),
    ("hey, my dog died", False),
    # the twenty-third set, studied (thirty-first session)
    ("evening sam", True), ("morning sam", True), ("hi sorry its late", True),
    ("Morning is the worst time for me", False), ("evening sam. the health visitor came round today", False),
])
def test_a_greeting_is_greeted_back(message, greets):
    """A plain "hi" is answered with a greeting, not "I see what you mean." (from which the model went on
    to "How do you feel about your boyfriend?")."""
    start = reply_start(None, False, "neutral", 0, user_emotion="neutral", message=message)
    assert (start in GREETINGS_BACK) is greets


def test_the_given_start_answers_when_no_candidate_passes(recognizer):
    """Every candidate asks what the person just said: the start, already shown and said, begins the
    reply (with a common question, or alone), not an error after it."""
    message = "he's 71 and his knee has been bugging him since march"
    start = "So he's 71 and his knee has been bugging him since March."
    asked = ["How long has his knee been bugging him?", "How old is he?"]
    p = prompt_input(reply_start=start, user_text=message, user_emotion="neutral", response_emotion="neutral")
    for section, reply in ((LLMSection(candidates=2, retries=2), f"{start} How are you feeling now?"),
                           (LLMSection(candidates=2, retries=2, common_questions=False), start)):
        assert ReplyWriter(ScriptedLLM([asked] * 3), recognizer, section).write(p, start_tries=2) == reply


def test_a_statement_after_the_given_start_gives_way_to_a_common_question(recognizer):
    """Blinded readers took a start and a statement ("Okay, I hear you. It's a lot to take in.") about
    half as often as a start and a question: the model's statement gives way to a common question."""
    message = "landlord emailed this morning. from 1,100 to 1,300 starting february"
    start = "Okay, I hear you."
    p = prompt_input(reply_start=start, user_text=message, user_emotion="neutral", response_emotion="neutral")
    said = ["It's a lot to take in."]
    reply = ReplyWriter(ScriptedLLM([said]), recognizer, LLMSection(candidates=1)).write(p)
    assert reply.startswith(start) and reply.endswith("?") and "a lot to take in" not in reply
    kept = ReplyWriter(ScriptedLLM([said]), recognizer, LLMSection(candidates=1, common_questions=False)).write(p)
    assert kept == f"{start} It's a lot to take in."
    from dataclasses import replace

    # kept where risk is near (no closing words allowed), and where the person asked something
    for near in (replace(p, closing=False), replace(p, user_text="what do you think I should say to her at the funeral?")):
        kept = ReplyWriter(ScriptedLLM([said]), recognizer, LLMSection(candidates=1)).write(near)
        assert kept == f"{start} It's a lot to take in."


@pytest.mark.parametrize("span,said_back", [
    ("car failed its inspection", "your car failed its inspection"),  # a noun typed without its article
    ("mechanic says its going to be expensive", "the mechanic says it's going to be expensive"),
    ("prize was a bar tab", "the prize was a bar tab"),
    ("cat threw up a hairball right into my shoe", "your cat threw up a hairball right into your shoe"),
    ("wildfire is 10 miles away", "the wildfire is 10 miles away"),
    ("work was crazy today", "work was crazy today"),  # no article there
    ("weekends are the worst", "weekends are the worst"),  # nor before a plural
    ("waiting for my visa decision", "you're waiting for your visa decision"),  # "I'm" left out
    ("thinking about signing up for a pottery class", "you're thinking about signing up for a pottery class"),
    ("driving test monday", "driving test Monday"),  # a noun's -ing, not a verb's
    ("small thing but my sourdough finally worked", "your sourdough finally worked"),  # the lead-in left out
    ("they named her rosie", "they named her Rosie"),  # a name typed in lower case
    ("his name is marco", "his name is Marco"),
    ("the nurse called us in", "the nurse called you in"),
    ("I filed three reports and called every single day", "you filed three reports and called every single day"),
    ("flew into Toronto for my sister's wedding", "you flew into Toronto for your sister's wedding"),
    ("my brother told his friends whats in it", "your brother told his friends what's in it"),
    ("my husband's brother, Walter, passed away on Sunday", "your husband's brother passed away on Sunday"),
    ("Everyone's nice at work", "everyone's nice at work"),  # a sentence's capital, not a name's
    ("Twelve years at that company", "twelve years at that company"),
    ("after 38 years of teaching chemistry", None),  # a prepositional phrase alone
    ("this is so gross i need to tell someone", None),  # news announced, not told
    ("thanks for listening sam", None),  # a thanks said back reads as the listener's own
])
def test_what_a_message_leaves_out_is_put_back_as_a_listener_says_it(span, said_back):
    """Blinded readers rejected "I'm so sorry car failed its inspection." and "That's wonderful, small
    thing but your sourdough finally worked!" as disfluent (twentieth session's second set)."""
    assert second_person(span) == said_back


@pytest.mark.parametrize("cause,emotion,turn,said_back", [
    ("first week of retirement done", "sadness", 0, "That's so hard, first week of retirement done."),
    ("raining all day", "sadness", 0, "That's so hard, raining all day."),
    ("our dog died this morning", "sadness", 0, "I'm so sorry your dog died this morning."),
    ("first ripe tomato from my balcony garden", "neutral", 1, "Ah, first ripe tomato from your balcony garden."),
    ("my first ripe tomato turned red", "neutral", 1, "So your first ripe tomato turned red."),
    ("my husband's brother", "sadness", 0, None),  # a noun phrase alone is not said back
    ("my 16 year old totaled the car", "joy", 0, "Oh, your 16 year old totaled the car."),  # no gladness at a mishap
])
def test_an_opening_that_needs_a_clause_passes_a_fragment_to_the_next(cause, emotion, turn, said_back):
    """ "I'm so sorry first week of retirement done." is no sentence; the next opening takes a fragment."""
    assert reflection(cause, True, emotion, turn, user_emotion="joy" if emotion == "neutral" else emotion) == said_back


@pytest.mark.parametrize("span,said_back", [
    ("sarah broke up with me", "sarah broke up with you"),  # a name typed in lower case gets no article
    ("would have been his birthday today", "would have been his birthday today"),  # no "the" before a verb
    ("kids hate me but i love them", None),  # a lead-in is a remark, not a clause of its own
    ("the man who raised me passed away", "the man who raised you passed away"),  # the relative's noun has a verb
    ("the house where i grew up burned down", "the house where you grew up burned down"),
    ("thinking about him makes me cry", None),  # the -ing phrase is the subject: no "you're"
    ("going to church yesterday made me feel better", "going to church yesterday made you feel better"),
    ("moving abroad next month and im terrified", "you're moving abroad next month and you're terrified"),
    ("the dr told me its cancer", "the dr told you its cancer"),  # a title only before a name
    ("my ms is getting worse", "your ms is getting worse"),  # the illness, no title
    ("my sister called crying last night", "your sister called crying last night"),
    ("he called it quits", "he called it quits"),
    ("my doctor named three possible causes", "your doctor named three possible causes"),
    ("my old car, the bike, and the boat got stolen", None),  # a list, no name between commas (its first noun alone is no restatement)
])
def test_the_newcomers_review_cases_read_as_before_or_better(span, said_back):
    """A review of the twenty-first session's restatement rules found each of these said back wrongly
    ("the sarah broke up with you", "you love them", "the Dr. Told you ...")."""
    assert second_person(span) == said_back


@pytest.mark.parametrize("cause,said_back", [
    ("I don't know whether to hug her or ground her", "Oh, you don't know whether to hug her or ground her."),
    ("I killed it at my interview", "That's wonderful, you killed it at your interview!"),
    ("my stolen bike was returned today", "That's wonderful, your stolen bike was returned today!"),
    ("i lost my son last year", "Oh, you lost your son last year."),
    ("my brother broke his leg", "Oh, your brother broke his leg."),
    ("my coworker got promoted over me", "Oh, your coworker got promoted over you."),  # (read as joy 0.85)
])
def test_a_glad_reading_greets_no_loss_but_good_news_stays_glad(cause, said_back):
    assert reflection(cause, True, "joy", 0, user_emotion="joy", gladly=True) == said_back


@pytest.mark.parametrize("span,said_back", [
    ("I have some news", None),  # an announcement said back tells nothing ("Oh, you have some news.")
    ("The weirdest thing happened at the supermarket", None),
    ("I have very happy news", None), ("good news and weird news", None),  # (the twentieth set: "That's
    ("Something rather lovely happened today", None),  # wonderful, you have very happy news! How do you feel ...?")
    ("I got the news that I passed", "you got the news that you passed"),
    ("tore my acl at practice on thursday", "you tore your acl at practice on Thursday"),  # a subjectless past
    ("what if i have to sit alone at lunch", None),  # a question without its question mark
    ("why does this keep happening", None),
    ("a bit of feta thats probably still ok lol", "a bit of feta that's probably still ok"),  # "ok" said of it
    ("I hid it very well", "you hid it very well"),
    ("Yes I am still a bit worried", "you are still a bit worried"),  # (not "yes you are ...")  # ("well" said of it: "... you hid it very" read as broken)
    ("my mom is fine", "your mom is fine"),
    ("i passed my exam ok", "you passed your exam"),  # "ok" after a verb's object stays filler
    ("I stacked about 2,000 frames", "you stacked about 2,000 frames"),  # not "you stacked about 2"
    ("weve been showering at my sister in laws for 3 weeks", "you've been showering at your sister in laws for 3 weeks"),
    ("I think I needed to say it out loud", None),  # a thanks-like remark, no news
    # the sixth set's disfluent restatements
    ("Sitting alone at a restaurant because my friend just cancelled",
     "you're sitting alone at a restaurant because your friend just cancelled"),  # not "I'm so sorry Sitting"
    ("still feels good to have my own money", "it still feels good to have your own money"),  # not "you still feels"
    ("i didnt!!", None),  # an auxiliary without its verb
    ("she said my writing was 'too sophisticated compared to my earlier work.'", None),  # a quote's words kept
    ("the chat support bot", None), ("adult rec softball", None),  # a noun phrase alone
    ("thanksgiving was a huge embarrassment for me", "Thanksgiving was a huge embarrassment for you"),
    ("the show was just ok", "the show was just ok"),
])
def test_the_fourth_sets_rejected_restatements_read_well_or_are_left_out(span, said_back):
    """Blinded readers rejected "Oh, you have some news. What's it about?", "Oh no, tore your acl ...",
    "That's so hard, what if you have to sit alone at lunch." and "... a bit of feta that's probably
    still!" (the fourth conversation set)."""
    assert second_person(span) == said_back


def test_a_plain_restatement_with_its_own_so_does_not_open_with_so():
    """"So he died in 2015 so you can't ask him anything." read as disfluent."""
    from agent.reflection import plain_restatement
    starts = {plain_restatement("He died in 2015 so I can't ask him anything.", turn) for turn in range(3)}
    assert starts and not any(s.startswith("So ") for s in starts)


@pytest.mark.parametrize("span,said_back", [
    ("They're keeping her another hour just to watch", "they're keeping her another hour just to watch"),
    ("senior ux at a company i actually like", "senior ux at a company you actually like"),
    ("been training since january", None),  # (its subject left out: "That's great, been training ...!")
    ("new flat update: opened the oven for the first time", None),  # (a heading and what it heads)
    ("i was like", "you were"), ("i feel like", "you feel"),  # (a last "like" after these: filler)
    ("my interview is at 10:30am tomorrow", "your interview is at 10:30am tomorrow"),
])
def test_restatements_read_by_the_tenth_sets_readers(span, said_back):
    from agent.reflection import second_person

    assert second_person(span) == said_back


def test_a_gerund_phrase_is_said_back_in_an_opening_that_takes_a_fragment():
    from agent.reflection import reflection

    start = reflection("Working Christmas on the rig this year", True, "sadness", 0, user_emotion="sadness",
                       message="Working Christmas on the rig this year.")
    assert start == "That's so hard, working Christmas on the rig this year."  # not "I'm so sorry working ..."
    assert reflection("moving out was really hard", True, "sadness", 0, user_emotion="sadness",
                      message="moving out was really hard") == "I'm so sorry moving out was really hard."
    assert reflection("my car this morning ugh", True, "sadness", 0, user_emotion="sadness",
                      message="my car this morning ugh") == "That's so hard, your car this morning."


@pytest.mark.parametrize("span, said_back", [
    # the twenty-third set, studied (thirty-first session)
    ("Nearly fell asleep at the wheel of the forklift last night",
     "you nearly fell asleep at the wheel of the forklift last night"),  # (no name: an adverb)
    ("i felt like id done something wrong", "you felt like you'd done something wrong"),
    ("the thunder here is insane", "the thunder there is insane"),  # (where the person is)
    ("so angry at this shop", None), ("it make me sad today", None),  # (a feeling alone; a learner's slip)
    ("also im honestly scared of the actual procedure", "you're scared of the actual procedure"),
    ("smelled like blue raspberry and feet", "it smelled like blue raspberry and feet"),
    ("bit angry too if im honest", None), ("and also a bit sad because we've been trying for two years", None),
    # a newcomer's review (thirty-first session)
    ("my id just expired", "your id just expired"), ("i came here to talk", "you came here to talk"),
    ("I'll be here all night", "you'll be here all night"), ("it hurt so much", "it hurt so much"),
    # the twenty-fourth set, after its reading: no capital kept mid-sentence where it is no name, no learner's slip
    ("Absolutely livid with my son's school right now", "absolutely livid with your son's school right now"),
    ("They've cancelled the Year 9 ski trip", "they've cancelled the Year 9 ski trip"),
    ("Seventh inning stretch coming up", "seventh inning stretch coming up"), ("Peas are thawing", "peas are thawing"),
    ("Fred dumped me", "Fred dumped you"), ("Emily came round", "Emily came round"),
    ("Sari say now it is her turn", None), ("My daughter Sari finish nursing school today", None),
    ("i took it like a champ", "you took it like a champ"), ("my id card expired", "your id card expired"),
])
def test_typed_words_said_back_from_the_listeners_side(span, said_back):
    from agent.reflection import second_person
    assert second_person(span) == said_back


def test_a_learners_message_gets_no_restatement():
    """Said back, a learner's slips read as the listener's own (blinded readers of the twenty-fourth set:
    "So Sari say now it is her turn.", "you have interview for supervisor", "Ah, today is good day.")."""
    learner = ("I have interview for supervisor in the factory where I work, in Limerick. 5 years I am there, I know "
               "the machines better")
    start = reply_start("I have interview for supervisor in the factory where I work", True, "fear", 0,
                        user_emotion="fear", message=learner)
    assert start in ACKNOWLEDGEMENTS["fear"]
    assert reply_start("today is good day", True, "neutral", 0, user_emotion="neutral",
                       message="but ok. today is good day") in ACKNOWLEDGEMENTS["neutral"]
    assert reply_start("my dog died this morning", True, "sadness", 0, user_emotion="sadness",
                       message="my dog died this morning") == "I'm so sorry your dog died this morning."


@pytest.mark.parametrize("message", [
    "There is Durga Puja there also. My wife say she will not eat Bangalore sandesh though",
    "my mother don't understand why I need to study English again",
    "sometimes i am little bit jealous of the lola in Italy",
    "She never do this before, I think my niece teach her",
    "I am in Dublin 6 years now.",
    # the twenty-seventh set (thirty-third session)
    "A man come in my shop today, ask to see the new Samsung, and run out the door with it.",
    "He stop and look at me and say 'you got that one?!'", "She laugh when rice cake stick on her finger.",
])
def test_a_learners_slips_are_not_said_back(message):
    """Blinded readers of the twenty-fifth set rejected "So your wife say she will not eat Bangalore sandesh.",
    "Oh, your mother don't understand what is IELTS." and "So sometimes you are little bit jealous ..."."""
    from agent.clause import learner_english
    from perception.sentences import split_sentences

    assert learner_english(split_sentences(message))


@pytest.mark.parametrize("message", ["I let my son go to the park", "I made my wife laugh", "my wife says hi",
                                     "my kids say no", "I feel a little bit sad", "Does my boss know?",
                                     "me and my brother have sorted out lifts", "Why doesn't my husband love me anymore.",
                                     "I'll have my doctor call you back.", "I had my sister help me move house.",
                                     "Why can't she just tell me the truth.", "Is he always like this?",
                                     "I've never seen my dad cry before.", "I felt my husband take my hand.",
                                     "Watching my son take his first steps", "I listened to my father tell the story",
                                     "I don't want nothing from him.", "I'd rather she just tell me the truth.",
                                     "I saw a man come out of the shop.", "Did she cry?", "Let the boy play outside.",
                                     "I watched the woman drive off.", "the customer pay portal crashed again",
                                     "the girl cry for help was awful"])
def test_english_that_only_looks_like_a_learners_slip_is_said_back(message):
    from agent.clause import learner_english
    from perception.sentences import split_sentences

    assert not learner_english(split_sentences(message))


def test_a_negative_auxiliary_without_its_subject_is_not_said_back():
    """ "Ah, Hasn't worn them in eight years." (his boots) was rejected as disfluent (twenty-fifth set)."""
    assert second_person("Hasn't worn them in eight years") is None
    assert second_person("Haven't slept great since I saw the sign") == "you haven't slept great since you saw the sign"


def test_i_wasnt_is_said_back_you_werent():
    assert second_person("I wasn't invited") == "you weren't invited"
    assert second_person("we wasnt told") == "you weren't told"


@pytest.mark.parametrize("span, said_back", [
    ("Sam today I did something I am very proud", "today you did something you are very proud"),
    ("Sam it is raining!! Finally", "it is raining"),
    ("Sam, I passed my test", "you passed your test"),
    ("Sam got the job", "Sam got the job"),  # a friend called Sam
    ("Sam finally proposed last night!", "Sam finally proposed last night"),
    ("Sam the dog died this morning", "Sam the dog died this morning"),
])
def test_the_listener_called_by_name_is_not_said_back(span, said_back):
    """ "That's wonderful, Sam it is raining!" was rejected as disfluent (the twenty-fourth set)."""
    assert second_person(span) == said_back


def test_nothing_is_said_back_to_a_learner_whose_slips_showed_earlier():
    """In a conversation whose earlier messages show a learner's slips, blinded readers rejected what was said
    back even from a message without them ("So you buy a hat.", "Ah, the lady at counter smile at you.")."""
    from agent.reply_start import ACKNOWLEDGEMENTS, reply_start

    message = "I finally got the appointment for my residence card today"
    alone = reply_start(message, True, "neutral", 1, user_emotion="neutral", message=message)
    assert alone == "So you finally got the appointment for your residence card today."
    after_slips = reply_start(message, True, "neutral", 1, user_emotion="neutral", message=message,
                              earlier=("My wife say I must call the office every day.",))
    assert after_slips in ACKNOWLEDGEMENTS["neutral"]


@pytest.mark.parametrize("span, said_back", [
    ("she's better than I ever was", "she's better than you ever were"),
    ("I was panicking ngl", "you were panicking"),
    ("I just was not ready", "you just were not ready"),
    ("I'm 59, I probably am a nosy old woman to him", None),  # (a comma: not said back whole)
    ("I probably am a nosy old woman to him", "you probably are a nosy old woman to him"),
])
def test_i_was_with_words_between_is_said_back_you_were(span, said_back):
    """ "... she's better than you ever was." and "Ah, you were panicking ngl." were disfluent to both readers of the
    twenty-sixth set."""
    assert second_person(span) == said_back


@pytest.mark.parametrize("span, said_back", [
    ("Light has not come for 3 days in our area", "light has not come for 3 days in your area"),
    ("One had a perfect tooth print in it", "one had a perfect tooth print in it"),
    ("Food hygiene inspector came to the shop today", "food hygiene inspector came to the shop today"),
    ("Chloe is self employed", "Chloe is self employed"),  # a name
    ("Fred dumped me", "Fred dumped you"),
    ("Mum is coming tomorrow", "Mum is coming tomorrow"),  # family said as a name
    ("Stan died last week", "Stan died last week"),  # a name that is also a word
    ("Grant dumped me", "Grant dumped you"),
    ("Buddy died this morning", "Buddy died this morning"),  # a pet's name
])
def test_a_sentences_capital_on_a_common_word_is_not_said_back(span, said_back):
    """ "Ah, One had a perfect tooth print in it." and "That's wonderful, Food hygiene inspector came to the shop
    today!" were disfluent to both readers of the twenty-sixth set."""
    assert second_person(span) == said_back


def test_a_bit_announced_is_not_said_back():
    """ "Ah, then the worst bit." was disfluent to both readers of the twenty-sixth set."""
    assert second_person("Then the worst bit.") is None
    assert second_person("the worst part was the smell") == "the worst part was the smell"


@pytest.mark.parametrize("cause,emotion,message,said_back", [
    # spans that start with no subject read worst said back (agent.openings.SAID_BACK_STARTS)
    ("Today come letter from Dental Council", "joy", "Today come letter from Dental Council. My diploma is recognised!!",
     None),
    ("Lesson learned", "joy", "Lesson learned. Next time I'm taking a photo of the sign like a normal person.", None),
    ("crack right across the top corner", "fear", "crack right across the top corner. its spidering", None),
    ("today some lads threw his bag in the bin", "anger", "today some lads threw his bag in the bin", None),
    # a subject, a name, an ordinal or an -ing form is said back
    ("he gave me his old binoculars", "joy", "he gave me his old binoculars", "That's wonderful, he gave you his old binoculars!"),
    ("Linda's home and she brought Chinese", "joy", "Linda's home and she brought Chinese.",
     "That's wonderful, Linda's home and she brought Chinese!"),
    ("first class is Tuesday", "joy", "first class is Tuesday", "That's wonderful, first class is Tuesday!"),
    ("playing with the boys from school tonight", "joy", "playing with the boys from school tonight",
     "That's wonderful, playing with the boys from school tonight!"),
])
def test_only_a_span_with_a_subject_or_a_name_is_said_back(cause, emotion, message, said_back):
    assert reflection(cause, True, emotion, 0, user_emotion=emotion, message=message, gladly=True) == said_back


def test_the_listener_name_is_no_subject_to_say_back():
    from agent.openings import starts_with_subject
    assert not starts_with_subject("Sam today is your last day on the factory line")
    assert starts_with_subject("Alex got the job!")  # (a friend's name; the persona's is taken off in agent.graph)
    assert starts_with_subject("Marjorie phoned and said the trick is slow")
    # a review of the thirty-third session: no preposition, adjective or filler passes as a verb's -ing or a name
    for span in ("during the night your dad passed away", "amazing news today", "bring the kids home safe please",
                 "Hmm your dog died this morning", "Ummm your dog died", "wedding got cancelled last night"):
        assert not starts_with_subject(span), span


@pytest.mark.parametrize("message,said_back", [
    # two clauses typed without a stop between them are not said back as one (the twenty-seventh set)
    ("made like 200 drinks on saturday my arm is dead", False), ("she didnt even eat it she just stabbed it", False),
    ("hes done it like 9 times today im losing my mind lol", False),
    # ... but a clause that leads into the next is
    ("Every time I mention it he says he'll ring on Monday.", True), ("They told me today they won't need me.", True),
    ("My knees are telling me I am 72.", True), ("my wife calls it my mistress", True),
])
def test_two_clauses_typed_as_one_are_not_said_back(message, said_back):
    assert (second_person(message) is not None) == said_back

