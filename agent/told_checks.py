"""Reply checks against what the person already told (`agent.reply_checks.reply_failure` runs them):

- `asks_what_was_said`: a question asks for what the person already told ("How many cats do you
  have?" after "we adopted two cats", "What do you think of the croissant?" after "the croissant was
  decent", "What did he say?" after "he told me he'd 'only be five minutes'");
- `puts_what_happened_ahead`: the reply speaks of what the person told as done as if it were still to
  come ("What are you going to do when he dies?" after "our dog died this morning").
"""

from __future__ import annotations

import re

from agent.number_words import NUMBER_WORDS, numbers
from agent.reply_words import lower_sentences, plain_lower, words

#: The words a question may start with before what it asks ("Right, I see. So what ...").
_LEAD = r"^(?:(?:so|and|oh|ah|okay|ok|right|well),? )*"
_NUMBER_SAID = r"(?:\d+|" + "|".join(NUMBER_WORDS) + r")"
_COUNT = r"(?:\d+|" + "|".join(NUMBER_WORDS) + r"|a|an|one)"
#: What a question asks for, and how a person says it (a question about it after they said it is one
#: blinded readers reject: "How many cats do you have?" after "we adopted two cats").
_ASKED_AND_TOLD = [
    (re.compile(r"\bhow long\b"), re.compile(
        r"\b" + _COUNT + r" (?:years?|months?|weeks?|days?|hours?|minutes?|yrs?|mins?)\b|\bsince\b")),
    (re.compile(r"\bhow old\b"), re.compile(
        r"\b(?:turned|is|was|he's|she's|hes|shes|i'm|im|they're) " + _NUMBER_SAID + r"\b(?! (?:minutes|hours|times))"
        r"|\b\d+ (?:years?|months?|weeks?) old\b|\b(?:19|20)\d\d\b")),
    (re.compile(r"\b(?:what|which) year\b"), re.compile(r"\b(?:19|20)\d\d\b")),
    (re.compile(r"\bwhat(?:'s| is| are| was| were)? (?:his|her|their|its|the \w+'s) names?\b|\bwhat did you name\b"),
     re.compile(r"\bnamed?\b|\bnames? (?:is|are|was)\b|\bcalled\b")),
]
_HOW_MANY = re.compile(r"\bhow many (\w+)")
#: "What's your goal for October?" / "What's the goal?" after "goal is a 10k in october": the whole
#: question asks for the thing ("What's the boy like?", "What's your dog's name?" ask for more).
_WHAT_IS_THE_THING = re.compile(r"^what(?:'s| is| was) (?:your|the) (\w+)(?: for [\w ]+)?\?$")
#: "Did you get the scholarship?" after "i got the scholarship": the question and the past tense told.
_DID_YOU = re.compile(r"^did you (get|win|pass|find|adopt|buy|sell|finish) (?:the |your |a |an |any )?(\w+)")
#: "What do you think of the croissants?" / "How was the ending?" after "the croissant was decent": an
#: opinion asked of a thing the person already judged (a thing with a word of judgement after "was").
_OPINION_OF = re.compile(_LEAD + r"(?:what (?:do|did) you think (?:of|about)"
                         r"|how (?:was|were)|how did you like|do you like|did you like) (?:the|your|that|this) (\w+)")
_JUDGED = (r"(?:'s| is| was| are| were| looks?| looked| tasted| tastes| felt| feels) (?:\w+ly |so |really |pretty |kinda "
           r"|kind of |a (?:bit|little) |way |too |very |super |just |not )*(?:good|great|ok|okay|fine|decent|bad|awful"
           r"|terrible|amazing|slow|boring|fun|nice|cozy|predictable|long|short|gross|delicious|milky|perfect|horrible"
           r"|weird|cute|beautiful|meh|mid|solid|excellent|disappointing|better|worse|best|worst)\b")
#: "What's your plan?" / "What are you going to do first?" right after a plan told ("probably gonna hit
#: the farmers market", "goal is a 10k"); not "What are you going to do about it?", not after what may
#: befall the person ("i might lose my job"), not after a choice told ("or just nap honestly" after
#: "might reorganize my closet": readers accepted "What are you going to do first?" there 8 of 8).
_DAYS = r"(?:today|tonight|tomorrow|(?:the|this) (?:day|week|weekend)|(?:mon|tues|wednes|thurs|fri|satur|sun)day)"
_PLAN_ASKED = re.compile(_LEAD + r"(?:what(?:'s| is) (?:your|the) (?:plan|goal)s?"
                         r"(?: for " + _DAYS + r")?\?|what are you (?:going to|gonna|planning to"
                         r"|thinking of|hoping to) do(?:ing)?\b(?! (?:about|with|to|for|if|when|now that))"
                         r"|what do you (?:plan|want|hope) to do\b(?! (?:about|with|if|when)))")
_PLAN_TOLD = re.compile(r"(?:\b(?:i|we)(?:'m|'re| am| are|m)? (?:probably |maybe |just )?(?:gonna|going to|planning (?:to|on)"
                        r"|thinking (?:of|about)|hoping to|might(?! as well)|will|'ll)|^(?:probably|maybe|might)"
                        r"(?: gonna| going to)?|\b(?:my |the )?(?:goal|plan) is)\b"
                        r"(?!(?: \w+)? (?:be|lose|get|have|need|fail|miss|not|cry)\b)")
#: "What did you watch?" after "watched that new space movie": what the person said they did, asked.
_WHAT_DID_YOU = re.compile(_LEAD + r"what did you (watch|read|eat|buy|cook|bake"
                           r"|order|play|do (?:today|this morning|tonight|last night|this weekend))\b")
#: What follows the verb told that is no thing done ("watched him walk away", "doing ok", "did my best").
_NOT_A_THING = r"(?:something|anything|it|him|her|them|me|you|us|ok|okay|fine|well|good|alright|great|better|worse|my best|not)\b"
_DID_FORMS = {"watch": "watched|watching", "read": "read|reading", "eat": "ate|eating|eaten", "buy": "bought|buying",
              "cook": "cooked|cooking", "bake": "baked|baking", "order": "ordered|ordering", "play": "played|playing",
              "do": "doing"}
#: "What did he say?" right after the person told what someone said ("the guy at the desk said 'people can
#: wipe them if they want'", "my dad just told me hes getting remarried"): blinded readers accepted 3 of
#: 27 such replies. Not after what the person said themselves ("i said yes obviously lol, already called
#: my sister" -> "What did your sister say?": 2 of 2), nor after "told me about ..." (what was told is
#: still to hear: "my grandpa told me about his first car today" -> "What did he say?": 24 of 24).
_SAY_ASKED = re.compile(_LEAD + r"what did (?:he|she|they|(?:your|the) \w+) (?:say|tell you|say to you)\?$")
_SPEECH_TOLD = re.compile(r"\b(?:(?:said|says|told (?:me|us|him|her|them|everyone)(?! about))\b[ ,:]*(?=[\w'\"‘“])"
                          r"(?!(?:nothing|no|hi|hello|bye|goodbye|so|something|some|things|everything|back|off|the results)\b)"
                          r"|(?:goes|went|was like|were like|yelled|shouted|screamed|whispered|snapped|muttered|texted|wrote"
                          r"|writes|replied|answered)[ ,]*(?:back[ ,]*)?(?:[:]|(?=['\"‘“])))")
#: Words between a speaker and the verb ("he just goes", "she even said"), and what shows the person
#: spoke (the speaker "i" or "we", a sentence or clause with no speaker of its own: "Said we'd talk").
_SPEAKER_SKIPS = {"just", "even", "then", "literally", "also", "only", "finally", "actually", "basically", "kindly",
                  "politely", "gently", "quietly", "calmly", "once"}
_NO_OTHER_SPEAKER = {"i", "we", "and", "but", "so", "then", "i've", "we've", "ive"}


def tells_what_was_said(message: str) -> bool:
    """The message tells what someone other than the person said ("he told me he'd 'only be five
    minutes'"), not what the person said nor only that someone told them about something."""
    text = plain_lower(message)
    for told in _SPEECH_TOLD.finditer(text):
        before = words(re.split(r"[.!?]", text[:told.start()])[-1])
        while before and before[-1] in _SPEAKER_SKIPS:
            before.pop()
        if before and before[-1] not in _NO_OTHER_SPEAKER:
            return True
    return False


_TOLD_PAST = {"get": "got", "win": "won", "pass": "passed", "find": "found", "adopt": "adopted", "buy": "bought",
              "sell": "sold", "finish": "finished"}


def asks_what_was_said(reply: str, said: list[str]) -> bool:
    """A question of the reply asks for what the person already told: a duration, an age, a year, a
    name, a count of something they counted, a thing of theirs they said ("goal is ..."), an opinion of
    what they judged, the plan they just told, what they just said they did, what someone said that
    they just told, or whether what they said happened happened."""
    told = plain_lower(" ".join(said))
    told_words = set(words(told))
    for question in (q for q in lower_sentences(reply) if q.endswith("?")):
        if any(asked.search(question) and answer.search(told) for asked, answer in _ASKED_AND_TOLD):
            return True
        many = _HOW_MANY.search(question)
        if many and numbers(told) and {many.group(1), many.group(1).rstrip("s")} & told_words:
            return True
        thing = _WHAT_IS_THE_THING.search(question)
        if thing and re.search(rf"\b{thing.group(1)} (?:is|was)\b", told):
            return True
        judged = _OPINION_OF.search(question)
        if judged and re.search(rf"\b{judged.group(1).rstrip('s')}s?{_JUDGED}", told):
            return True
        if _PLAN_ASKED.search(question) and _PLAN_TOLD.search(plain_lower(said[-1])):
            return True
        done = _WHAT_DID_YOU.search(question)
        if done and re.search(rf"\b(?:{_DID_FORMS[done.group(1).split()[0]]}) (?!{_NOT_A_THING})\w+",
                              plain_lower(said[-1])):
            return True
        if _SAY_ASKED.search(question) and tells_what_was_said(said[-1]):
            return True
        did = _DID_YOU.search(question)
        if did and _TOLD_PAST[did.group(1)] in told_words and did.group(2).rstrip("s") in {
                w.rstrip("s") for w in told_words}:
            return True
    return False


#: What people tell as done: as a reply says it still to come, and as the person told it.
_AHEAD_AND_DONE = [
    (r"die|dies|pass(?:es)? away", r"died|passed away"),
    (r"leaves?", r"left(?! (?:the|a|an|it|my|our|his|her|their|some|this|that|for|early|work|over)\b)"),
    (r"moves? out", r"moved out"), (r"breaks? up", r"broke up|split up"), (r"quits?", r"quit"),
    (r"retires?", r"retired"), (r"proposes?", r"proposed"),
]
#: Who the reply says it of: a pronoun, or "your" / "the" and a noun.
_SAID_AHEAD = (r"\b(?:when|if|once|before|after|until|will) (he|she|it|they|(?:your|the) (\w+)) "
               r"(?:will |is going to |are going to |finally )?(?:{0})\b"
               r"|\b(he|she|it|they)(?:'ll| will|'s going to| is going to) (?:{0})\b")
#: ... and who the person said it of: a pronoun, or "my" / "our" / "the" and a noun.
_TOLD_DONE = r"\b(he|she|it|they|(?:my|our|the) (?:\w+ )?(\w+)) (?:\w+ )?(?:{})\b"
_AHEAD = [(re.compile(_SAID_AHEAD.format(ahead)), re.compile(_TOLD_DONE.format(done))) for ahead, done in _AHEAD_AND_DONE]
_SHE = {"she", "mom", "mother", "mum", "sister", "grandma", "grandmother", "nana", "wife", "girlfriend", "gf", "aunt",
        "daughter", "niece", "granddaughter", "girl", "lady", "woman"}
_HE = {"he", "dad", "father", "brother", "grandpa", "grandfather", "husband", "boyfriend", "bf", "uncle", "son",
       "nephew", "grandson", "boy", "guy", "man"}
#: Things that "die" or get "left" that the reply's he / she / they cannot mean ("my phone died").
_THINGS = {"phone", "car", "battery", "laptop", "computer", "tv", "printer", "engine", "charger", "game", "days", "hours"}


def _same_one(asked: str, asked_noun: str | None, told: str, told_noun: str | None) -> bool:
    """Whether the reply's subject can be the one the person told of ("he" and "my dog", not "she" and
    "my grandpa", not "he" and "my phone")."""
    if asked_noun:
        return told_noun is not None and asked_noun.rstrip("s") == told_noun.rstrip("s")
    noun = told_noun or told
    if noun in _THINGS:
        return asked == "it"
    if asked == "he":
        return noun not in _SHE and noun not in {"it", "they"}
    if asked == "she":
        return noun not in _HE and noun not in {"it", "they"}
    return asked == "they" or noun not in _HE | _SHE


def puts_what_happened_ahead(reply: str, said: list[str]) -> bool:
    """The reply speaks of what the person told as done as if it were still to come: "What are you
    going to do when he dies?" after "our dog died this morning" (the same verb, said ahead of one the
    person told it of in the past: not "if she dies" after "my grandpa died", nor after "my phone died")."""
    told = plain_lower(" ".join(said))
    for sentence in lower_sentences(reply):
        for ahead, done in _AHEAD:
            for asked in ahead.finditer(sentence):
                subject, noun = (asked.group(1), asked.group(2)) if asked.group(1) else (asked.group(3), None)
                if any(_same_one(subject.split()[0] if noun else subject, noun, t.group(1), t.group(2))
                       for t in done.finditer(told)):
                    return True
    return False
