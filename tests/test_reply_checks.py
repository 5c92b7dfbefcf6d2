"""The conversation checks (agent/reply_checks.py): each catches the failure the issue names, and
leaves a good reply alone. The failing replies are the kinds a strict reader rejected."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agent.evaluation.conversations import read_conversations
from agent.evaluation.dialogue_emotions import written_conversation_rows
from agent.safety import raises_self_harm
from agent.reply_checks import (acknowledges_cause, asks, asks_how_the_future_went, asks_what_was_said, closes_unbidden,
                                contradicts, copies_user, hopes_for_what_happened, puts_what_happened_ahead, repeats,
                                reply_failure, speaks_as_user)

GOOD = "I'm so sorry, losing your job out of nowhere is a real shock. How are you holding up?"


def test_speaking_as_the_user_is_caught():
    assert speaks_as_user("I got laid off today.", "It's hard to believe I could get laid off.")
    assert speaks_as_user("I got the scholarship I applied for!", "I got the scholarship too, so happy.")
    assert not speaks_as_user("I got laid off today.", GOOD)
    assert not speaks_as_user("I got laid off today.", "I'm sorry you got laid off, that's awful.")
    # claiming the same experience (blinded readers: "perspective")
    assert speaks_as_user("had another job interview today", "I'm so sorry. I can relate to that because I was in that situation.")
    assert speaks_as_user("siblings, a boy and a girl", "That's great to hear! I can relate to that!")
    assert speaks_as_user("my flight got cancelled", "Ugh. I've been there, it's the worst.")
    assert not speaks_as_user("my flight got cancelled", "That's so frustrating. Have you been there long?")


def test_contradicting_what_was_said_is_caught():
    assert contradicts("She was twelve.", "She was fifteen, so young.")
    assert contradicts("My recital is tonight and I'm terrified.", "It's not scary at all.")
    assert contradicts("It was my 3rd interview.", "Five interviews is a lot.", earlier=["I had an interview."])
    assert not contradicts("She was twelve.", "Twelve is so young. I'm so sorry.")
    assert not contradicts("I'm terrified of tomorrow.", "Being scared before a big day makes sense.")


@pytest.mark.parametrize("message,reply", [
    # numbers said back in words, with units, or "you two" (people written listener turns; each was
    # flagged before: 90 of the 2,886 written turns were, 18 are now, mostly new numbers inferred)
    ("3rd grade. 24 kids. i'm terrified lol", "Twenty-four third graders on your first day, of course you're terrified."),
    ("been up since 3am. cant keep anything down", "Being up since 3 and not keeping anything down sounds awful."),
    ("got bumped off my flight but they gave me a $400 voucher", "A four hundred dollar voucher, that's a nice turn."),
    ("my laptop crashed. 3000 words gone", "Three thousand words gone, that's awful."),
    ("first date in like 6 years tonight", "A first date after six years! What are you two doing?"),
    ("today was 4.2 km in 28 minutes", "4.2 km in 28 minutes is a great pace."),
    # a negation about something else in the sentence, or "no wonder"
    ("no. i'm so mad", "Of course you're mad, being left short right before rent is not okay."),
    ("napkins and a water bottle. still feel disgusting", "No wonder you still feel disgusting."),
    ("i'm so sad", "Oh no, that's so sad."),
    ("im scared of the test", "No, being scared before a test is normal."),
    ("im scared of the test", "You're not overreacting, being scared makes sense."),
    # a decade, thousands with a comma, a number inside a word
    ("i'm 25 and still figuring it out", "Being in your 20s is like that."),
    ("they charged me 1,000 dollars", "One thousand dollars is a lot."),
    ("my mp3 player died after 10 years", "Ten years is a good run for a player."),
])
def test_the_same_numbers_and_feelings_said_otherwise_are_no_contradiction(message, reply):
    assert not contradicts(message, reply)


def test_a_changed_number_in_words_and_a_negated_feeling_nearby_are_contradictions():
    assert contradicts("3rd grade. 24 kids.", "Twenty-five kids is a lot.")
    assert contradicts("im terrified", "You are not that scared, right?")
    assert contradicts("3000 words gone", "Four thousand words, ouch.")


def test_copies_repeats_cause_and_questions():
    assert copies_user("I lost my job today", "I lost my job today")
    assert not copies_user("I lost my job today", GOOD)
    assert repeats("How are you holding up?", ["Oh no.", "how are you holding up"])
    assert not repeats("How are you holding up?", ["Oh no."])
    assert acknowledges_cause("lost my job", GOOD.replace("losing your job", "losing your job"))
    assert not acknowledges_cause("lost my job", "That sounds hard.") and not acknowledges_cause(None, GOOD)
    assert asks(GOOD) and not asks("That sounds hard.")


@pytest.mark.parametrize("content, message", [
    (None, "no conversation file"),
    ("not json", "is not JSON"),
    ("[]", "holds no conversations"),
    (json.dumps([{"id": "a", "turns": []}]), "conversation 0 has no 'turns'"),
    (json.dumps([{"id": "a", "turns": ["fine", " "]}]), "conversation 0 has no 'turns'"),
])
def test_a_bad_conversation_file_is_a_clear_error(tmp_path, content, message):
    path = tmp_path / "c.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises((ValueError, FileNotFoundError), match=message):
        read_conversations(path)


def test_the_conversation_checks_run_through_the_real_turn(tmp_path):
    """Two short conversations through the packaged offline agent on a throwaway database."""
    from agent.evaluation.conversations import FAILURES, evaluate_conversations
    from agent.sdk import EmpatheticAgent
    from agent.settings import Settings

    path = tmp_path / "c.json"
    path.write_text(json.dumps([{"id": "a", "turns": ["I got laid off today.", "It was my third job this year."]},
                                {"id": "b", "turns": ["my sister had her baby this morning!", "a girl, rosie"]}]))
    agent = EmpatheticAgent.from_settings(Settings.load("offline", memory={"url": "sqlite://"}))
    try:
        report = evaluate_conversations(agent, path)
    finally:
        agent.close()
    assert report.turns == 4 and report.seconds_p50 > 0
    assert set(report.rates) == {*FAILURES, "acknowledges_cause", "asks", "crisis_protocol", "crisis_check_in"}
    assert all(0.0 <= v <= 1.0 for v in report.rates.values())
    assert all(set(e) == {"message", "reply"} for e in report.examples.values())
    # each turn is seeded apart: the second conversation alone gets the same replies
    path.write_text(json.dumps([{"id": "b", "turns": ["my sister had her baby this morning!", "a girl, rosie"]}]))
    agent = EmpatheticAgent.from_settings(Settings.load("offline", memory={"url": "sqlite://"}))
    try:
        alone = evaluate_conversations(agent, path)
    finally:
        agent.close()
    assert [r["reply"] for r in alone.replies] == [r["reply"] for r in report.replies[2:]]


def test_eval_replies_refuses_a_bad_conversation_file_before_loading_models(tmp_path):
    from typer.testing import CliRunner

    from agent.cli import app

    (tmp_path / "empty.json").write_text("[]")
    for name, message in (("missing.json", "no conversation file"), ("empty.json", "holds no conversations")):
        result = CliRunner().invoke(app, ["eval", "replies", "--conversations", str(tmp_path / name)])
        assert result.exit_code == 2 and message in " ".join(result.output.split())
    result = CliRunner().invoke(app, ["eval", "replies", "--conversations", str(tmp_path / "empty.json"),
                                      "--farewells"])
    assert result.exit_code == 2 and "--farewells" in result.output and "does not apply to" in result.output


def test_reply_failure_names_what_a_reader_rejects_at_once():
    from agent.reply_checks import reply_failure

    assert reply_failure("I got laid off today.", "I can't believe I got laid off.") == "speaks as the user"
    assert reply_failure("She was twelve.", "She was only fifteen?") == "contradicts the user"
    assert reply_failure("ok", "Tell me more.", [], ["Tell me more!"]) == "repeats an earlier reply"
    assert reply_failure("I got laid off today.", "I'm so sorry you lost your job. How are you?") is None
    assert reply_failure("ugh", "You can reach me at sam@example.com or 203-487-5110.") == "invents contact details"
    assert reply_failure("my number is 555 123 4567", "Is 555 123 4567 the best way to reach you?") is None


def test_a_turn_with_no_usable_reply_is_counted_and_the_run_goes_on(tmp_path):
    """The loopback LLM (a test fake at the edge) only ever says the user's words back."""
    import json

    from loopback_llm import base_url, start

    from agent.evaluation.conversations import evaluate_conversations
    from agent.sdk import EmpatheticAgent
    from agent.settings import Settings

    path = tmp_path / "c.json"
    path.write_text(json.dumps([{"id": "a", "turns": ["my sister is coming to town next month", "i cant wait"]}]))
    with start(lambda index, messages: messages[-1]["content"]) as server:
        agent = EmpatheticAgent.from_settings(Settings.load(
            llm={"backend": "openai", "base_url": base_url(server), "model": "m"}, memory={"url": "sqlite://"}))
        try:
            report = evaluate_conversations(agent, path)
        finally:
            agent.close()
    assert report.turns == 2 and report.rates["no_reply"] == 1.0
    assert report.replies[0]["reply"].startswith("(no reply: the LLM gave no usable reply")


@pytest.mark.parametrize("message,reply,closes", [
    ("i said yes obviously lol", "You are very welcome, I am here for you.", True),
    ("trying a new lasagna recipe tonight", "That's wonderful! Have a great night!", True),
    ("i get to hold her tomorrow and im so excited", "That's such good news! Have a great rest of your day!", True),
    ("thanks for listening", "You're welcome, take care.", False),
    ("he left without a word", "Did he say goodbye?", False),
    ("all her stuff is still here", "That's so hard. Is there anything else you want to talk about?", True),
    ("ok", "Take care!", True),
    ("ok goodbye!", "Goodbye, take care!", False),
    ("ok its 11pm, stopping at 1,204. good enough for one night. night sam", "Goodnight, sleep well.", False),
    ("i cried all last night", "Goodnight, sleep well.", True),
    ("my dog died", "Thank you for telling me, that must be so hard.", False),
    ("he never said sorry", "Did he at least thank you?", False),
    ("cant sleep", "I hope you get a good night's sleep.", False),
    ("she left", "Were you able to tell her goodbye?", False),
    ("lost my job", "You'll find something else, I'm sure.", False),
    ("got a letter", "Was there anything else in the letter?", False),
    ("he was 19", "Ah, he was 19. Is there anything else that you would like to discuss?", True),
    ("i freeze", "Right, I see. Is there anything else you need to know?", True),
    ("she left", "Is there anything else that I can help you with?", True),
    # the twenty-first set (both blinded readers: off-topic or dismissive)
    ("i said yes. hopefully that helps", "Ah. What else would you like to talk about?", True),
    ("only the bread rolls", "Right, I see. How can we help you?", True),
])
def test_a_reply_that_closes_the_conversation_unbidden_is_rejected(message, reply, closes):
    assert (reply_failure(message, reply) == "closes the conversation unbidden") is closes


@pytest.mark.parametrize("reply,doubts", [
    ("Oh no, that's really hard. Is that true?", True),
    ("I see what you mean. Are you sure you can do it?", True),
    ("That's so frustrating, you found a hair in your soup. What's wrong with you?", True),
    ("That's so frustrating. What do you want?", True),
    ("That sounds stressful. Is that a problem?", True),
    ("That's so hard. What do you want to do next?", False),
    ("Is it true that they closed the store? That must be a shock.", False),
    ("What do you think went wrong?", False),
])
def test_a_reply_that_doubts_or_turns_on_the_person_is_rejected(reply, doubts):
    assert (reply_failure("something happened", reply) == "doubts the user") is doubts


@pytest.mark.parametrize("reply,dismisses", [
    ("No way, your roommate planned the whole thing for your 30th! It's not worth it.", True),
    ("That's so frustrating, you checked into the hotel. You should have just let it go.", True),
    ("Ugh, there's 3 of you, that would upset anyone. You should just let it go and move on.", True),
    ("Ugh, the whole fridge smells awful. I don't know why you were so angry.", True),
    ("That sounds scary. It's not that bad, calm down.", True),
    ("Right, I see. You should be able to handle this situation yourself.", True),  # (twenty-first set)
    ("Right, I see. So far, so good.", True),  # (to "thought it was hopeless")
    ("That's so frustrating, you found a hair in your soup. What did the waiter say?", False),
    ("I'm so sorry your dog died. It's not easy to let go of a friend like him.", False),
    ("That sounds really stressful. What would help you feel ready?", False),
])
def test_a_reply_that_dismisses_the_person_is_rejected(reply, dismisses):
    assert (reply_failure("something happened", reply) == "dismisses the user") is dismisses


@pytest.mark.parametrize("said,reply,asks_again", [
    (["we adopted two cats yesterday!", "they're 4 months old"], "Right, I see. How many cats do you have?", True),
    (["my girlfriend and i broke up", "3 years together. it was mutual-ish"], "How long have you been together?", True),
    (["we've been friends since 7th grade"], "So how long have you been friends?", True),
    (["my niece stayed with us", "she turned twelve last week"], "That's lovely! How old is she?", True),
    (["drove it until it finally died in 1970"], "Right, I see. What year did it go?", True),
    (["we adopted a puppy, we named him biscuit"], "Aww! What's his name?", True),
    (["omg i got the scholarship!!"], "So exciting. Did you get your scholarship?", True),
    (["today was 4.2 km in 28 minutes. goal is a 10k in october"], "Right, I see. What's your goal for October?", True),
    (["today was 4.2 km in 28 minutes. goal is a 10k in october"], "Right, I see. What's the goal?", True),
    # the same questions where the person has not said it
    (["we adopted cats yesterday!"], "How many cats did you adopt?", False),
    (["my girlfriend and i broke up last night"], "I'm so sorry. How long were you together?", False),
    (["my niece stayed with us this weekend"], "How old is she?", False),
    (["i applied for the scholarship"], "Did you get the scholarship?", False),
    (["it was a nice day at the lake"], "How old is the lake house?", False),  # ("was a" is no age)
    (["today was 4.2 km in 28 minutes"], "Great pace! How did it feel?", False),
    (["started a new running plan this week"], "Nice! What's your goal?", False),
    (["siblings. the boy is pepper and the girl is salt"], "Cute! What's the boy like?", False),  # asks for more
    (["my dog is sick"], "Oh no. What's your dog's name?", False),
    (["my sisters birthday is friday"], "Fun! What's the birthday plan?", False),
    # an opinion asked of what the person already judged
    (["the croissant was decent, latte was a bit too milky", "might go back"], "What do you think of the croissants?",
     True),
    (["the ending was kinda predictable tbh"], "Ah. How was the ending?", True),
    (["tried the new cafe, had a croissant"], "Nice! How was the croissant?", False),
    (["the ending was in space"], "What did you think of the ending?", False),
    # the plan just told, what was just said done
    (["any ideas for the weekend?", "probably gonna hit the farmers market saturday morning"], "Okay. What's your plan?",
     True),
    (["3 runs a week", "today was 4.2 km. goal is a 10k in october"], "Right, I see. What are you going to do first?", True),
    (["might reorganize my closet if i get ambitious"], "What are you thinking of doing?", True),
    (["might reorganize my closet if i get ambitious", "or just nap honestly"], "What are you going to do first?", False),
    (["watched that new space movie last night"], "I see what you mean. What did you watch?", True),
    (["rainy day here, just doing laundry and stuff"], "I see. What did you do today?", True),
    (["i might lose my job next week"], "That's scary. What are you going to do?", False),
    (["the waiter just shrugged, maybe he'll tell the kitchen"], "Ugh. What are you going to do about it?", False),
    (["i watched something weird last night"], "Oh? What did you watch?", False),
    (["someone backed into my car"], "Oh no. What did you do?", False),
    (["my landlord is going to evict us next month"], "That's scary. What are you going to do?", False),
    (["they're probably going to fire me"], "What are you going to do?", False),
    (["i might as well give up on dating"], "What are you going to do?", False),
    (["my boss might cut my hours"], "Ugh. What's the plan?", False),
    (["hey im doing ok"], "Glad to hear it. What did you do today?", False),
    # the plan asked for a day just planned; not after a loss, nor "now" after "i will figure it out"
    (["probably gonna hit the farmers market saturday morning", "maybe a hike sunday if my legs cooperate"],
     "Right, I see. What's your plan for Saturday?", True),
    (["might visit my aunt tomorrow"], "Oh, nice. What's the plan for tomorrow?", True),
    (["i lost my job today"], "I'm so sorry. What's your plan for the week?", False),
    (["i got laid off today. i will figure it out somehow"], "I'm so sorry. What's your plan now?", False),
    (["i did my best on the exam"], "What did you do today?", False),
    (["i watched him walk away"], "What did you watch?", False),
    (["my back was awful yesterday"], "Oh no. How is your back?", False),  # how it is now
    (["the coffee's great here"], "What did you think of the coffee?", True),
    # what someone said, just told; not what the person said, nor "told me about ..."
    (["the guy at the desk said 'people can wipe them if they want'"], "Okay, I hear you. What did he say?", True),
    (["I said something and he told me he'd 'only be five minutes'."], "Right, I see. What did he say?", True),
    (["so my dad just told me hes getting remarried"], "Oh wow. What did your dad say?", True),
    (["the guy just goes 'oh thats not ours'"], "Wow. What did he say?", True),
    (["he yelled 'move then grandma' and im 44"], "Okay, I hear you. What did he say?", True),
    (["he yelled at me in front of everyone"], "Ugh. What did he say?", False),
    (["my ex texted me out of nowhere last night"], "Oh! What did she say?", False),  # (the text not told)
    (["he replied to my email"], "Okay. What did he say?", False),
    (["she said something that really hurt"], "Oh no. What did she say?", False),
    (["my doctor told me the results today"], "Oh. What did your doctor say?", False),
    (["she texted 'we need to talk'"], "Oh. What did she say?", True),
    (["i said yes obviously lol, already called my sister"], "Oh, how lovely! What did your sister say?", False),
    (["my grandpa told me about his first car today"], "Wow! What did he say?", False),
    (["I told her it was fine. It just stung."], "Oh, it stung. What did she say?", False),
    (["he told me he's worried"], "Oh. What did he say after that?", False),  # asks for more
])
def test_a_question_about_what_the_person_already_told_is_rejected(said, reply, asks_again):
    assert asks_what_was_said(reply, said) is asks_again
    assert (reply_failure(said[-1], reply, said[:-1]) == "asks what was said") is asks_again


@pytest.mark.parametrize("message,reply,asks_how_it_went", [
    ("my exam is tomorrow and i cant stop shaking", "That sounds stressful. How did it go?", True),
    ("i'm about to book a vacation to barbados and i can't wait!", "That's wonderful! How was it?", True),
    ("maybe a hike sunday if my legs cooperate", "Right, I see. How did the hike go?", True),
    ("i'm starting my new job on monday", "Wow, how did it go?", True),
    ("my tomatoes are finally turning red", "That's wonderful! How did they turn out?", True),
    ("trying a new lasagna recipe tonight", "Oh, you're trying a new lasagna recipe tonight. What did you think of it?",
     True),
    ("my coworker is clipping his toenails at his desk. right now.", "Ugh. How was it?", True),
    # a question about what is to come, a message that tells what happened already, or a question
    # that fits a present trouble with a future in it
    ("my exam is tomorrow and i cant stop shaking", "That sounds stressful. What worries you most?", False),
    ("i got the job!! i start tomorrow", "Wow! How did it feel to hear?", False),
    ("i will never forget the day he proposed", "Aww! How did it happen?", False),
    ("on saturday we drove to the coast", "Oh, lovely! How did it go?", False),
    ("on monday my boss screamed at me", "That's awful. How did it go?", False),
    ("my niece stayed with us this weekend", "How was it?", False),
    ("my landlord is kicking me out next month", "That's awful. What happened?", False),
    ("nclex results come out tomorrow", "How did you feel walking out of the exam?", False),
    ("i'm finally relaxing after the interview", "Oh good. How did it go?", False),
    ("i'm still shaking from the interview", "Oh no. How did it go?", False),
    ("the surgery is over and she's recovering", "Oh good. How did the surgery go?", False),
    ("i have a job interview tomorrow after lunch", "Good luck! How did it go?", True),
    ("watched that new space movie last night", "Oh nice. What did you think of it?", False),
    ("my tomatoes are finally turning red", "That's wonderful! What will you make with them?", False),
    ("I'm going to write to the practice manager. Calmly.", "Right, I see. What happened next?", True),  # (22nd set)
    ("on saturday we drove to the coast", "Oh, lovely! What happened next?", False),
])
def test_asking_how_what_is_still_to_come_went_is_rejected(message, reply, asks_how_it_went):
    assert asks_how_the_future_went(message, reply) is asks_how_it_went
    assert (reply_failure(message, reply) == "asks how what is still to come went") is asks_how_it_went


@pytest.mark.parametrize("said,reply,hopes_again", [
    (["i passed my driving test!!", "gonna drive to the beach this weekend just because i can"],
     "Right, I see. I hope you pass your driving test soon.", True),
    (["i got the job"], "That is great. I hope you get it!", True),
    (["we found him behind the shed"], "Oh no. I hope you find him.", True),
    # what is still to come, a wish for once more, another thing, or the pronoun of something else
    (["my driving test is tomorrow"], "I hope you pass your driving test.", False),
    (["we won the league"], "I hope you win again next year!", False),
    (["i got a letter from the landlord"], "I hope you get it sorted out soon.", False),
    (["i got no rest"], "I hope you get some rest.", False),
    (["my cat went missing yesterday"], "I hope you find your cat soon.", False),
    (["he ran off and we found his collar"], "I hope you find him.", False),
])
def test_hoping_for_what_already_happened_is_rejected(said, reply, hopes_again):
    assert hopes_for_what_happened(reply, said) is hopes_again
    failure = reply_failure(said[-1], reply, said[:-1])
    assert (failure == "hopes for what already happened") is hopes_again


def test_the_checks_reject_few_replies_people_wrote():
    """The written listener conversations (people's replies, `training/data/replies/written*/`): a check
    that rejects many of them rejects good candidates too (2,886 turns: 39 rejected, 18 of them as
    contradictions, mostly a number the listener inferred, "two babies" after "we only wanted one")."""
    root = Path(__file__).resolve().parents[1] / "training" / "data" / "replies"
    turns = rejected = 0
    for folder in ("written", "written_next"):
        for _, conversation in written_conversation_rows(root / folder):
            messages, replies = [m for m, _ in conversation], [r for _, r in conversation]
            for n, (message, reply) in enumerate(conversation):
                turns += 1
                rejected += reply_failure(message, reply, messages[:n], replies[:n]) is not None
    assert turns > 2800 and rejected / turns <= 0.02


@pytest.mark.parametrize("said,reply,raises", [
    (["ok turned all the lights on. it was a tree branch. heart still pounding tho"],
     "That sounds hard. What happens if you do end up hurting yourself?", True),
    (["i failed the exam again"], "I'm so sorry. Are you thinking of ending your life?", True),
    # the person spoke of it first, a cut while cooking, or someone else's harm
    (["i want to hurt myself"], "That sounds so heavy. Are you thinking of hurting yourself tonight?", False),
    (["i sliced my finger cooking"], "Ouch! Did you cut yourself badly?", False),
    (["i fell off my bike"], "Ouch! Did you hurt yourself?", False),
    (["long day"], "Try to end your day with something kind.", False),
    (["we fight a lot"], "Are you thinking of ending your relationship?", False),
    (["my friend attempted suicide last year"], "That must have been frightening. How is your friend now?", False),
])
def test_a_reply_that_raises_self_harm_unprompted_is_rejected(said, reply, raises):
    assert raises_self_harm(reply, said) is raises
    assert (reply_failure(said[-1], reply, said[:-1]) == "raises self-harm unprompted") is raises


@pytest.mark.parametrize("said,reply,puts_ahead", [
    (["our dog died this morning", "the house is so quiet"], "That's so hard. What are you going to do when he dies?",
     True),
    (["my wife left me last week"], "How will you cope when she leaves?", True),
    (["my parents broke up"], "What will you do if they break up?", True),
    # still to come where the person told it so, or another leaving
    (["our dog is very sick"], "I'm so sorry. What will you do when he dies?", False),
    (["my roommate left the fridge open"], "What will you miss when she leaves?", False),
    (["my dog died last year", "now my cat is sick"], "I'm so sorry. Is it getting worse?", False),
    # another one than the one told of, a thing, or the person
    (["my grandpa died last year and now my grandma is sick"], "What will you do if she dies?", False),
    (["my phone died and i missed a call from the hospital about my dad"], "What will you do if he dies?", False),
    (["i am quite worried about my boss"], "What will you do if he quits?", False),
    (["we had leftovers", "only two days left"], "Will you be okay when she leaves?", False),
    (["my husband left me last week"], "Will you stay in the house or will you leave?", False),
    (["my coworker quit today"], "What would happen if you quit too?", False),
    (["my dog died"], "What will you miss when your dog dies?", True),
])
def test_what_happened_said_as_still_to_come_is_rejected(said, reply, puts_ahead):
    assert puts_what_happened_ahead(reply, said) is puts_ahead
    assert (reply_failure(said[-1], reply, said[:-1]) == "puts what happened ahead") is puts_ahead


def test_the_persons_own_words_said_back_neither_dismiss_nor_close_unbidden():
    """The twenty-third set: "ok im gonna go eat something and calm down. thanks for letting me rant" got
    its words said back and a goodbye, which the checks read as dismissing; "cheers for listening" is a
    thanks."""
    message = "ok im gonna go eat something and calm down. thanks for letting me rant"
    assert reply_failure(message, "Oh, you're going to go eat something and calm down. Bye for now, take care.") is None
    assert reply_failure("i yelled at him", "Oh, you yelled at him. Calm down.") == "dismisses the user"
    assert not closes_unbidden("yeah. chuffed. right off to practise, cheers for listening", "Bye for now, take care.")
