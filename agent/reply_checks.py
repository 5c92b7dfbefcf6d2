"""What a strict reader checks in a reply, as functions a program can run (issue 19's conversation
checks). Each takes the user's message (and what else it needs) and the reply, and returns True when
the reply fails in that way. They are word-level heuristics, deliberately simple and listed with what
they catch, so a figure can be traced to the replies behind it:

- `speaks_as_user`: the reply claims the user's first-person event as the agent's own ("I got laid
  off today." -> "It's hard to believe I could get laid off.");
- `contradicts`: the reply gives a number the user did not say where the user gave one ("She was
  twelve." -> "She was fifteen."; numbers read as people write them, `agent.number_words`), or negates
  the user's own feeling word within a few words of it ("I'm terrified" -> "It's not scary at all");
- `copies_user`: mostly the user's own words back (`degeneracy`'s rule);
- `repeats`: the same words as an earlier reply of the conversation;
- `off_topic`: the reply's MiniLM sentence embedding is far from the message's (cosine below
  `OFF_TOPIC_BELOW`). Coarse: it flags short generic replies too ("Wow, that was amazing!" to a
  scholarship: 0.14), and a plainly unrelated reply can score like a good one ("I like pizza on
  Fridays." to "I got laid off today.": 0.27; a caring question: 0.28);
- `closes_unbidden`: the reply thanks, says "you're welcome" or goodbye, or moves the person on
  ("Is there anything else ...?"), though the person did none of that ("i said yes obviously lol" -> "You are very welcome, ...");
- `asks_what_was_said` (in `agent.told_checks`): a question asks for what the person already told
  ("How many cats do you have?" after "we adopted two cats", "How long have you been together?" after
  "3 years together");
- `puts_what_happened_ahead` (in `agent.told_checks`): what the person told as done is spoken of as
  still to come ("... when he dies?" after "our dog died");
- `asks_how_the_future_went`: a question asks how something went ("How did it go?", "How was it?")
  where the message told only what is still to come ("my exam is tomorrow") or still going on;
- `raises_self_harm` (in `agent.safety`): the reply brings up self-harm the person never mentioned;
- `acknowledges_cause`: a content word of the cause span appears in the reply;
- `asks`: the reply asks the user something.
"""

from __future__ import annotations

import re
from pathlib import Path

from agent.prompt import USER_TAG
from agent.number_words import numbers
from agent.reply_words import lower_sentences, plain_lower, words
from agent.told_checks import asks_what_was_said, puts_what_happened_ahead
from agent.safety import raises_self_harm
from perception.sentences import split_sentences


_STOPWORDS = set("a an the i my me you your it is was to of and or in on at for with about this that"
                 " be am are so very really just".split())
_FIRST_PERSON = re.compile(r"\b(?:i|i'm|i've|i'd|i'll|me|my|mine|myself)\b")
_NEGATION = re.compile(r"\b(?:not|no|never|n't|nothing)\b|n't\b")
#: A feeling word and the words that name the same feeling (for a negated echo of it).
FEELING_FAMILIES = [
    {"scared", "scary", "terrified", "afraid", "frightened", "worried", "anxious", "nervous"},
    {"sad", "upset", "heartbroken", "devastated", "miserable"},  # (not "down": "cant keep anything down")
    {"angry", "mad", "furious", "annoyed", "pissed"},
    {"happy", "glad", "excited", "thrilled", "proud"},
    {"disgusted", "gross", "disgusting"},
]
OFF_TOPIC_BELOW = 0.15


def content_words(text: str) -> set[str]:
    return {w for w in words(text) if w not in _STOPWORDS and len(w) > 2}


def degeneracy(reply: str, user_text: str) -> str | None:
    """Why `reply` is unusable, or None if it is fine."""
    tokens = words(reply)
    if len(tokens) < 2:
        return "empty"
    if f"{USER_TAG}:" in reply or f"{USER_TAG} (" in reply:
        return "speaks for the user"
    trigrams = [tuple(tokens[i:i + 3]) for i in range(len(tokens) - 2)]
    if trigrams and len(set(trigrams)) < 0.7 * len(trigrams):
        return "loops"
    if sum(c.isalpha() for c in reply) < 0.6 * len(reply.replace(" ", "")):
        return "not prose"
    said = set(words(user_text))
    if len(tokens) <= 2 * len(said) and sum(w in said for w in tokens) >= 0.8 * len(tokens):
        return "copies the user"
    return None


#: The listener claiming the person's experience as its own ("I can relate to that because I was in
#: that situation."): what blinded readers tag "perspective".
_CLAIMS_SAME = re.compile(r"\bi can (?:totally |really )?relate\b|\bi(?:'ve| have)? been there\b"
                          r"|\bi (?:was|have been|'ve been) in (?:that|the same|your|a similar) (?:situation|position|shoes)\b"
                          r"|\b(?:the )?same (?:thing )?happened to me\b|\bi went through (?:that|the same)\b")


def speaks_as_user(message: str, reply: str) -> bool:
    """A first-person sentence of the reply sharing two or more content words (or all, if fewer) with a
    first-person sentence of the message, or claiming the same experience ("I can relate", "I've been
    there")."""
    if _CLAIMS_SAME.search(plain_lower(reply)):
        return True
    told = [content_words(s) for s in split_sentences(message.lower()) if _FIRST_PERSON.search(s)]
    for sentence in split_sentences(reply.lower()):
        if not _FIRST_PERSON.search(sentence) or re.search(r"\byou(?:r|'re|'ve)?\b", sentence):
            continue
        claimed = content_words(sentence)
        if any(len(claimed & t) >= min(2, len(t)) > 0 for t in told):
            return True
    return False


def contradicts(message: str, reply: str, earlier: list[str] = ()) -> bool:
    said = " ".join([*earlier, message]).lower()
    numbers_said, numbers_replied = numbers(said), numbers(reply.lower())
    if numbers_said and numbers_replied - numbers_said - {1}:  # "one" is rarely a count
        return True
    told = set(words(said))
    for family in FEELING_FAMILIES:
        if told & family:
            for clause in re.split(r"[,;:.!?]", _NOT_A_NEGATION.sub(" ", reply.lower())):
                ws = words(clause)
                if any(w in family and _negated(ws, n) for n, w in enumerate(ws)):
                    return True
    return False


#: How many words before a feeling word a negation may stand, in the same clause, to negate it ("it's
#: not that scary"); one further away is about something else ("of course you're mad, ... is not okay").
NEGATION_REACH = 3
#: Words with a "no" in them that negate nothing ("Oh no, that's so sad.", "no wonder you're scared").
_NOT_A_NEGATION = re.compile(r"\boh no\b|\bno wonder\b|\bnot surprised\b|\bno surprise\b")


def _negated(ws: list[str], n: int) -> bool:
    """Whether a negation stands within `NEGATION_REACH` words before `ws[n]`."""
    return bool(_NEGATION.search(" ".join(ws[max(0, n - NEGATION_REACH):n])))


def copies_user(message: str, reply: str) -> bool:
    return degeneracy(reply, message) == "copies the user"


def normalised(text: str) -> str:
    return " ".join(words(text))


def repeats(reply: str, earlier_replies: list[str]) -> bool:
    return bool(normalised(reply)) and normalised(reply) in {normalised(r) for r in earlier_replies}


def acknowledges_cause(cause: str | None, reply: str) -> bool:
    return bool(cause) and bool(content_words(cause) & content_words(reply))


#: Words a listener uses about anything (what is new in them invents nothing): the 500 words found in
#: most ESConv supporter replies (`python -m training.build_listener_words`) and these.
_LISTENER_FILE = Path(__file__).parent / "listener_words.txt"
LISTENER_WORDS = set(_LISTENER_FILE.read_text(encoding="utf-8").split() if _LISTENER_FILE.is_file() else ()) | set("""feel feeling feelings felt sounds sound hard tough difficult happened happen happening
talk talking tell telling know knowing understand understandable sorry okay doing going holding help
helping helped sure glad hope hoping think thinking want wanted like right now today tonight more
about what how why when where who anything something everything someone anyone people things thing
time times day way lot much many little bit good great wonderful amazing awesome lovely nice happy sad
scary scared upset angry frustrating frustrated annoying annoyed stressful stressed worried worry
nervous excited exciting proud congratulations congrats news makes make made sense natural normal
completely totally must can could would should will did does have has had been being get got take
going go say said ask asking mind share sharing listen listening here there moment right still even
well yes yeah wow oh ugh awful terrible horrible hear heard glad deal dealing plan plans next after
before first last since else other hurts hurt heart care caring support yourself shock shocked shocking
surprise surprised surprising relief relieved painful overwhelming overwhelmed disappointing
disappointed heartbreaking heartbroken unfair exhausting exhausted lonely alone fun fantastic
incredible brave""".split())  # (the last lines: words of feeling, never an invented fact)


def novel_words(reply: str, said: list[str]) -> set[str]:
    """Content words of `reply` that nobody said in the conversation and a listener does not use about
    everything: what the reply brings in on its own, where a small model invents ("Is your dog an
    emotional support animal?")."""
    known = set().union(*(content_words(s) for s in said)) if said else set()
    return {w for w in content_words(reply) if w not in known and w not in LISTENER_WORDS}


def asks(reply: str) -> bool:
    return "?" in reply



_CONTACT = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+|https?://\S+|www\.\S+|\b\d{3}[\s.-]?\d{3}[\s.-]?\d{4}\b")


def invents_contact(message: str, reply: str) -> bool:
    """An e-mail address, web address or phone number the user did not give (a small model makes
    them up; the agent never hands out contact details it cannot vouch for)."""
    return any(found not in message for found in _CONTACT.findall(reply))


#: A sentence that ends a conversation: thanks for talking, "you're welcome", goodbye, "take care".
_CLOSING = re.compile(r"^(?:you(?:'re| are) (?:very |so |most )?welcome|(?:good ?-?)?bye|good ?night\b(?! ?'s)"
                      r"|take care|thanks? (?:you )?for (?:talking|chatting)|thank you[.!]*$|glad i could help"
                      r"|(?:it was )?nice (?:talking|chatting) (?:to|with) you)\b"
                      r"|\bhave a (?:nice|good|great|wonderful|lovely) (?:rest of (?:your|the) )?(?:day|night|evening|weekend)\b")
#: Moving the person on right after they shared something ("Is there anything else you would like to
#: talk about?", "Do you have any other questions?"): a reader takes it as closing the topic.
_MOVES_ON = re.compile(r"\banything else (?:that )?(?:you(?:'d| would)? (?:like|want|need)|i can|to talk|on your mind)"
                       r"|\bany (?:other )?questions\b|^what can i do for you\b|\bsomething else today\b"
                       r"|^what else (?:would|do) you (?:like|want) to talk about\b|^how can we help you\b")
_USER_CLOSES = re.compile(r"\b(?:thanks?|thank you|thx|ty|cheers|(?:good ?-?)?bye|cya|ttyl|later|good ?night|gotta go|gtg"
                          r"|talk (?:to you )?later|see you)\b"
                          r"|(?:^|[.!?,;~]\s*|\b(?:ok|okay|so|well|lol|and)\s+)(?:night|nite)\b")  # ("... night sam")


def closes_unbidden(message: str, reply: str) -> bool:
    """A sentence of the reply thanks the person for talking, says "you're welcome" or goodbye, or
    moves them on ("Is there anything else you would like to talk about?") though they did none of
    that ("i said yes obviously lol" -> "You are very welcome, ..."): it answers a conversation that
    is not there. ("Thank you for telling me, that must be frightening." is not a closing.)"""
    if _USER_CLOSES.search(plain_lower(message)):
        return False
    return any(_CLOSING.search(s) or _MOVES_ON.search(s) for s in lower_sentences(reply))


#: Doubting or turning on the person ("Is that true?", "Are you sure you can do it?", "What's wrong
#: with you?"): a reader takes it as dismissing what they said.
_DOUBTS = re.compile(r"^(?:is|was) (?:that|it|this) (?:true\?|really\b|a problem\?|bad enough)|^are you sure\b"
                     r"|\bwhat'?s wrong with you\b|^what do you want\?|^why do you care\b")


def doubts_user(reply: str) -> bool:
    """A sentence of the reply doubts or turns on the person (a question a listener never asks)."""
    return any(_DOUBTS.search(s) for s in lower_sentences(reply))


#: Brushing the feeling aside or telling the person off ("It's not worth it.", "You should just let it
#: go.", "I don't know why you were so angry."): what blinded readers tag "dismissive".
_DISMISSES = re.compile(r"\b(?:it'?s|it is|that'?s|that is) not (?:worth it|a big deal|that bad|so bad|scary)\b"
                        r"|\b(?:just )?let it go\b|\bmove on\b|\bget over it\b|\bcalm down\b"
                        r"|\bdon'?t worry about it\b|\byou should(?: not|n'?t)? have\b|\bi don'?t know why you\b"
                        r"|\bput it out of your mind\b|\bstop (?:worrying|being)\b"
                        r"|\byou should be able to (?:handle|deal with|cope with|sort) (?:it|this|that)\b"
                        r"|\bso far,? so good\b")


def dismisses(reply: str, message: str = "") -> bool:
    """The reply brushes the person's feeling aside or tells them off (not in the person's own words said
    back: "ok im gonna go eat something and calm down" -> "Oh, you're going to go eat something and calm down.")."""
    said = plain_lower(message)
    return any(m.group(0) not in said for m in _DISMISSES.finditer(plain_lower(reply)))


#: A message about what is still to come ("my exam is tomorrow", "can't wait for the trip") ...
_FUTURE = re.compile(r"\b(?:tomorrow|tmrw|tonight|next (?:week|weekend|month|year|time|monday|tuesday|wednesday|"
                     r"thursday|friday|saturday|sunday)|going to|gonna|about to|can'?t wait|soon|upcoming|"
                     r"in (?:a|an|\d+|two|three|few|a few|a couple of) (?:days?|weeks?|months?|hours?)|will|"
                     r"i'll|we'll|she'll|he'll|they'll|looking forward|might|maybe|planning|plan to|hoping to|"
                     r"thinking of|this weekend|this afternoon|this evening|"
                     r"(?:mon|tues|wednes|thurs|fri|satur|sun)day)\b")
#: ... or what is still going on ("my tomatoes are finally turning red", "he's clipping his nails right now";
#: not a state after something that happened: "still shaking from the interview", "it's over") ...
_ONGOING = re.compile(r"\b(?:(?:am|is|are|i'm|im|you're|we're|they're|he's|she's|it's)(?: \w+ly| still| just)? "
                      r"(?!(?:no|some|every|any)thing\b)\w{2,}ing|right now|at the moment|currently)\b")
_AFTER_SOMETHING = re.compile(r"\b(?:after|from|since|over)\b")
#: ... that tells nothing that happened already (a past verb, "been", a time gone by) ...
_PAST = re.compile(r"\b(?:was|were|had|did|got|went|came|made|said|told|saw|found|lost|won|broke|took|gave|"
                   r"left|heard|drove|ate|ran|wrote|bought|sold|met|flew|slept|fell|felt|paid|spent|kept|"
                   r"brought|thought|caught|sent|built|been|yesterday|last|ago|already)\b(?!')")
#: Words after which a word in -ed is a state, not something that happened ("so excited", "i'm tired").
_STATE_BEFORE = {"am", "is", "are", "so", "get", "getting", "feel", "feeling", "very", "too", "really", "i'm",
                 "im", "super", "kinda", "bit", "be"}


def _tells_the_past(told: str) -> bool:
    ws = words(told)
    return bool(_PAST.search(told)) or any(
        w.endswith("ed") and len(w) > 4 and (n == 0 or ws[n - 1] not in _STATE_BEFORE) for n, w in enumerate(ws))


#: ... asked how it went: "How did it go?" about tomorrow's exam reads as not listening. Only the
#: questions about an outcome: "What happened?" also fits a present trouble with a future in it
#: ("my landlord is kicking me out next month").
_HOW_IT_WENT = re.compile(r"^(?:(?:so|and|oh|oh no|wow|ah|ok|okay|well),? )*(?:how(?: did|'d) (?:it|that|they|things|"
                          r"everything|the \w+) (?:go|turn out|end)|how was (?:it|that|the \w+)\?|"
                          r"(?:what did you think|how did you like)(?: of)? (?:it|that|them|the \w+)\?"
                          r"|what happened (?:next|then|after that)\?)")  # ("I'm going to write to the practice manager.")


def asks_how_the_future_went(message: str, reply: str) -> bool:
    """The reply asks how something went ("How did it go?", "How was it?") where the message told only
    what is still to come ("i start my new job next week") or still going on ("my tomatoes are turning red")."""
    told = plain_lower(message)
    ongoing = _ONGOING.search(told) and not _AFTER_SOMETHING.search(told)
    if not (_FUTURE.search(told) or ongoing) or _tells_the_past(told):
        return False
    return any(_HOW_IT_WENT.search(q) for q in lower_sentences(reply) if q.endswith("?"))


#: "I hope you pass your driving test soon." to "i passed my driving test!": wishing for what the person
#: said already happened (blinded readers reject it as not listening).
_HOPE_FOR = re.compile(r"\bhope (?:that )?you(?:'ll| will| can| get to)? (get|win|pass|find|make|finish|land|"
                       r"nail|ace|sell|buy|fix|beat|hear|meet|catch|reach|score) (?:(it|that|this|him|her|them)"
                       r"(?= ?(?:soon|today|tonight|tomorrow)?[.!?,]|$)|(?:the|your) (?:\w+ )?(\w+))")
#: What "it" ("that", "this") stands for right after the verb told: "i got the job"; a person's pronoun
#: stands for itself ("found him").
_IT_TOLD = r"(?:it|the|my|our)"
#: A wish for it to happen once more is not one for what happened: "I hope you win again next year."
_AGAIN = re.compile(r"\b(?:again|next|another|more|every|also|too)\b")
_DONE = {"get": "got", "win": "won", "pass": "passed", "find": "found", "make": "made", "finish": "finished",
         "land": "landed", "nail": "nailed", "ace": "aced", "sell": "sold", "buy": "bought", "fix": "fixed",
         "beat": "beat", "hear": "heard", "meet": "met", "catch": "caught", "reach": "reached",
         "score": "scored"}


def hopes_for_what_happened(reply: str, said: list[str]) -> bool:
    """The reply hopes the person will do what they said they did ("I hope you pass your test" after
    "i passed my test"): the same verb, told in the past tense, and the same thing (or "it" right after the verb told)."""
    told = plain_lower(" ".join(said))
    told_words = {w.rstrip("s") for w in words(told)}
    for sentence in lower_sentences(reply):
        wish = _HOPE_FOR.search(sentence)
        if wish is None or _AGAIN.search(sentence):
            continue
        verb, pronoun, thing = wish.groups()
        told_after = _IT_TOLD if pronoun in ("it", "that", "this") else pronoun
        if pronoun and re.search(rf"\b{_DONE[verb]} {told_after}\b", told):
            return True
        if thing and _DONE[verb] in told_words and thing.rstrip("s") in told_words:
            return True
    return False


def reply_failure(message: str, reply: str, earlier_messages: list[str] = (),
                  earlier_replies: list[str] = ()) -> str | None:
    """Why a reader would reject `reply` at once (it speaks as the user, contradicts what the user
    said, repeats an earlier reply, makes up contact details, thanks, says goodbye or moves the
    person on though they did not, doubts or dismisses them, asks what they already told or how what
    is still to come went, hopes for what already happened or speaks of it as still to come, raises
    self-harm unprompted), or None: what `agent.respond.ReplyWriter` never sends."""
    if speaks_as_user(message, reply):
        return "speaks as the user"
    if contradicts(message, reply, list(earlier_messages)):
        return "contradicts the user"
    if repeats(reply, list(earlier_replies)):
        return "repeats an earlier reply"
    if invents_contact(message, reply):
        return "invents contact details"
    if closes_unbidden(message, reply):
        return "closes the conversation unbidden"
    if doubts_user(reply):
        return "doubts the user"
    if dismisses(reply, message):
        return "dismisses the user"
    if asks_what_was_said(reply, [*earlier_messages, message]):
        return "asks what was said"
    if asks_how_the_future_went(message, reply):
        return "asks how what is still to come went"
    if hopes_for_what_happened(reply, [*earlier_messages, message]):
        return "hopes for what already happened"
    if puts_what_happened_ahead(reply, [*earlier_messages, message]):
        return "puts what happened ahead"
    if raises_self_harm(reply, [*earlier_messages, message]):
        return "raises self-harm unprompted"
    return None
