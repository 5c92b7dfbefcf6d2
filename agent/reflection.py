"""The listener's reflection: the cause of the user's feeling, said back to them, as a reply's start.

A person who listens well starts by showing they heard *what happened*: "I'm so sorry your dog died this morning."
The cause extractor already finds that span in the user's message ("our dog died this morning"); `second_person`
turns it to the listener's side (our -> your, I got -> you got), and `reflection` puts it in an opening fitting the
response emotion. The LLM continues from there (an ESConv strategy called reflection of feelings / restatement), so
what it adds comes after a start that is faithful by construction and in the right feeling.

It is used only where it reads well: the user feels something (not neutral), the cause lies in the
message just said, is short, names no second person (whose "you" would be ambiguous), and changed since
the last turn's (the same cause is not said back twice in a row). Elsewhere the reply starts with a short
acknowledgement in the response emotion ("Oh no, I'm sorry." / "Oh, that's nice!" / "Right, I see.").
A glad opening never greets a hope, a condition or what never happened (`agent.feeling_words`: said
back plainly), and a noun typed without its article gets one ("the airline cancelled your flight").
Glad news gets a glad opening alone ("Oh, that's nice!"), save before a goodbye (`agent.openings.PLAIN_OPENING_ONLY`).
The words name a feeling only where the user's is read surely (`agent.feeling_words`): an unsure
reading gets its cause said back plainly ("Oh, you got laid off today."), a plain message a plain
acknowledgement; a careful turn (`agent/safety.py`) an acknowledgement, never its cause said back.

Either start is ready at once: the reply's first words stream (and a voice speaks them) while the
model writes several candidates for the rest, which `agent.respond.ReplyWriter` compares and checks.
Measured with a blinded reader on the project's own conversations: docs/RESULTS.md.
"""

from __future__ import annotations

import re

from agent.clause import (DETERMINERS, agreement_slip, cuts_a_clause, finite_positions, is_clause, it_took_them,
                          preposition_fragment, relative_fragment, run_on, without_lead_in)
from agent.typed_words import (APOSTROPHES, TAKES_YOUR, BECAUSE, BEFORE_MONTH, CLAUSE_OPENERS, EMPHASIS, FEELING_FIRST,
                                FILLER, FILLER_FIRST, HEADLESS, ITS_IS, LIKE_AS_FILLER_AFTER, MAX_WORDS, NOT_BECAUSE_AFTER,
                                OK_AS_STATE_AFTER, OWNED, POSSESSIVES, POSSESSORS, QUESTION_WORDS, SPELLING, STARTERS,
                                SUBJECTLESS_VERBS, SWAP, WELL_AFTER, bare_noun, doing_now, names_capitalised,
                                DANGLING, ILL_AFTER, ILL_AS_I_WILL, MADE_MY, AFTER_CALLED, BETWEEN_I_AND_VERB, LEAD_INS,
                                ORDINALS, STATE_PARTICIPLES, common_word, emoji_ends_clause, the_means_your)
from agent.number_words import NUMBER_WORDS
from agent.feeling_words import HAD_BETTER, glad_fits
from agent.openings import OPENINGS, PLAIN_OPENING_ONLY, opening_with, starts_with_subject
from agent.reply_checks import LISTENER_WORDS
from perception.sentences import split_sentences

_TOKEN = re.compile(r"\d{1,2}:\d\d(?:[ap]m)?\b|\d{1,3}(?:,\d{3})+\b|[A-Za-z0-9']+(?:[.\-][A-Za-z0-9']+)*|[^A-Za-z0-9'\s]+")
#: Currency signs other than "$": said back they read badly, as "$500" does.
CURRENCY = "£€¥₹"
#: Words a full stop follows without ending the sentence ("Mr. Smith", "Dr. Patel").
ABBREVIATIONS = {"mr", "mrs", "ms", "dr", "st", "jr", "sr", "prof", "vs", "mt"}
#: Filler dropped wherever it stands.
FILLER_ANYWHERE = {"lol", "omg", "literally", "honestly", "tho", "haha", "lmao", "ugh", "tbh", "ngl", "imo"}
#: Words of self-judgement: "I'm so stupid" is never said back ("I'm so sorry you're so stupid.").
SELF_JUDGEMENT = {"stupid", "failure", "worthless", "useless", "ugly", "idiot", "loser", "pathetic", "dumb",
                  "fault", "yourself", "hate", "burden", "weak", "disgusting", "fat", "hopeless", "silly", "overreacting"}
#: Words that name the listener: said back, "you" would be ambiguous.
SECOND_PERSON = {"you", "your", "you're", "yours", "u", "ur", "you've", "youve", "you'd", "you'll", "yourself"}
# ("You've been very patient with an old man" was said back as the person's own: "That's wonderful, you've been ...!")
_PLAIN_WORD = re.compile(r"[a-z']+")
QUESTION_VERBS = {"does", "do", "did", "is", "are", "was", "were", "can", "could", "should", "would", "will",
                  "am", "has", "have", "shall", "may", "must"}
PERSONS = {"i", "you", "he", "she", "it", "we", "they", "my", "this", "that", "there", "anyone", "someone"}


def _is_question(words: list[str]) -> bool:
    first, second = (w.lower() for w in (words + [""])[:2])
    return ((first in QUESTION_WORDS and second in QUESTION_VERBS) or (first in QUESTION_VERBS and second in PERSONS)
            or (first, second) in {("what", "if"), ("how", "come")} or first == "why")  # ("what if i have to sit alone")


def _name_like(word: str) -> bool:
    """A capitalised first word that may be a name ("Sarah"), not a common sentence start ("There's",
    "Everyone's", "Twelve")."""
    base = word[:-2] if word.endswith("'s") else word
    if (word.split("'")[0] in STARTERS or word in ORDINALS or (word.endswith("ly") and len(word) > 6)
            or common_word(word)):
        return False  # "They're keeping her another hour", "Seventh inning ...", "Absolutely livid ...", "Light"
    return (not ({word, base} & (STARTERS | SUBJECTLESS_VERBS | FILLER | LISTENER_WORDS | set(NUMBER_WORDS)))
            and not word.endswith("ed") and not (word.endswith("ing") and word not in SPELLING))  # ("Sitting alone")


def _span_words(span: str) -> list[str] | None:
    """The words of `span` as a restatement keeps them: curly apostrophes straightened, filler and
    emoji dropped, the first sentence and its first clause only when more follows; None where a symbol
    would read badly."""
    words = []
    tokens = _TOKEN.findall(span.replace("’", "'").strip())
    for n, token in enumerate(tokens):
        if token[0] in CURRENCY:
            return None  # "£50": said back it reads badly, as "$500" does (below)
        if emoji_ends_clause(words, tokens, n):
            break
        if token.lower() in FILLER_ANYWHERE or (not token.isascii() and not token[0].isalnum()):
            continue  # filler, emoji
        if token == ":":
            return None  # "new flat update: opened the oven" said back as one reads badly
        if re.fullmatch(r"[!?.;:…]+", token):
            if _ends_sentence(token, words):  # what follows is another ("... last weekend. it rained
                if any(w.lower() not in FILLER for w in words):  # hard" said back as one is none)
                    break
                words = []  # "ok. my dog died": only filler before it
            continue
        if not re.fullmatch(r"[A-Za-z0-9'.\-]+|\d{1,2}:\d\d(?:[ap]m)?|\d{1,3}(?:,\d{3})+|,", token):
            return None  # "$500", "b/c": said back they read badly
        words.append(token)
    if "," in words[:-1] and words.index(",") >= 3:  # a clause, then more: the clause alone
        words = _without_apposition(words) or words[:words.index(",")]
    while words and (words[0].lower() in FILLER_FIRST or words[0] == "," or _calls_listener(words)):
        words.pop(0)
    while words and (words[-1].lower() in FILLER or words[-1] == ",") and not _said_of_something(words):
        words.pop()
    return without_lead_in(words)


def _calls_listener(words: list[str]) -> bool:
    """The span opens by calling the listener ("Sam" or "sam"; blinded readers rejected "That's wonderful, Sam it
    is raining!" and "Wow, Sam you had such a surprise today!")."""
    low = [w.lower() for w in words[:3]]
    return len(words) > 2 and low[0] == "sam" and (low[1] in AFTER_CALLED
                                                   or (low[1] in LEAD_INS | {","} and low[2] in AFTER_CALLED))


def _said_of_something(words: list[str]) -> bool:
    """A last word that is not filler: "ok" said of something, or "like" as the verb after its
    subject ("a company i actually like" was said back "... you actually")."""
    low = [w.lower() for w in words]
    if len(low) >= 2 and low[-1] == "like":  # (not "i was like", "i feel like": filler there)
        subject = set(low[-3:-1]) & {"i", "we", "they", "you", "he", "she"}
        return low[-2] not in LIKE_AS_FILLER_AFTER and bool(subject)
    return len(low) >= 2 and ((low[-1] in {"ok", "okay", "fine", "alright"} and low[-2] in OK_AS_STATE_AFTER)
                              or (low[-1] == "well" and low[-2] in WELL_AFTER))  # (not "you hid it very")


def _without_apposition(words: list[str]) -> list[str] | None:
    """A subject, a name between commas, and its verb ("my husband's brother, Walter, passed away on
    Sunday") without the name, where the part before the first comma has no verb of its own (cut
    there it would say back "your husband's brother"); else None."""
    first = words.index(",")
    rest = words[first + 1:]
    if "," not in rest or finite_positions(words[:first]):
        return None
    second = first + 1 + rest.index(",")
    joined = words[:first] + words[second + 1:]
    joined = joined[:joined.index(",")] if "," in joined else joined
    between, after = words[first + 1:second], words[second + 1:]
    verb_next = bool(after) and finite_positions(words[:first] + after[:1]) == [first]  # (the name's verb)
    return joined if verb_next and len(between) <= 3 and not finite_positions(between) else None


def _ends_sentence(mark: str, words: list[str]) -> bool:
    """Whether `mark` after `words` ends a sentence: a full stop, "!" or "?", not "..." or ":", and
    not after an abbreviation ("Mr.", "a.m.")."""
    if not words or not re.fullmatch(r"[.!?]+", mark) or mark == "...":
        return False
    last = words[-1].lower()
    abbreviated = "." in last and not last.replace(".", "").isdigit()  # "a.m." (not "3.5")
    return not abbreviated and last not in ABBREVIATIONS


def _repaired_word(words: list[str], n: int) -> str | None:
    """How a listener writes the message's `n`th word when the user's typing needs a repair ("its a
    mess" -> "it's", "my sisters wedding" -> "sister's", "tommorow", "SO" for emphasis); else None."""
    word, low = words[n], words[n].lower()
    after = words[n + 1].lower() if n + 1 < len(words) else None
    before = words[n - 1].lower() if n else None
    if low in SPELLING:
        return SPELLING[low]
    if low in BECAUSE and before not in NOT_BECAUSE_AFTER:
        return "because"
    if low in ("march", "august") and (before in BEFORE_MONTH or (after or "").isdigit()):
        return low.capitalize()
    if low == "its" and after in ITS_IS and (before is None or before in CLAUSE_OPENERS):
        return "it's"
    if low == "ill" and after in ILL_AS_I_WILL and before in ILL_AFTER:  # ("i think ill ask her", not "is ill")
        return "i'll"
    if low == "id" and after in ID_AS_I_HAD and before in ID_AFTER:  # ("i felt like id done it", not "my id expired")
        return "i'd"
    if low == "here" and n and before not in HERE_KEPT_AFTER:  # ("the thunder here is insane": where the person is)
        return "there"
    if before in POSSESSIVES and low.endswith("s") and low[:-1] in POSSESSORS \
            and after in OWNED:
        return low[:-1] + "'s"
    if word in EMPHASIS and before not in POSSESSIVES:
        return low
    return None


#: Adverbs a message may start with before a verb whose left-out subject is "it", not "I" ("still feels good").
ADVERBS_FIRST = {"still", "finally", "never", "always", "just", "really"}
#: ... of them, those before an -ing verb whose left-out "I'm" is said back "you're" ("still getting used to it"),
#: and -ing words that are no such verb ("Never ending week", "Still raining here").
ONGOING_FIRST = {"still", "never", "just", "always"}
NOT_ONGOING = {"ending", "raining", "snowing", "pouring", "boring", "annoying", "amazing", "exciting", "interesting",
               "morning", "evening", "nothing", "something", "everything", "anything", "thing", "king", "ring", "sing"}
#: ... and adverbs before a past verb whose left-out subject is the person ("Nearly fell asleep ...").
ADVERBS_BEFORE_VERB = {"nearly", "almost", "accidentally", "literally", "actually", "basically", "totally", "only"}
#: Words after which "id" is "I'd" typed without its apostrophe.
ID_AS_I_HAD = {"done", "been", "had", "forgotten", "left", "lost", "missed", "never", "rather", "better", "love", "like",
               "have", "already", "just", "made", "got", "gotten", "said", "told"}
#: Words after which "id" may be "I'd" ("like id done", "if id known"), and after which "here" stays ("came here").
ID_AFTER = {None, "like", "that", "if", "thought", "think", "wish", "knew", "said", "and", "but", "so", "because", "as",
            "felt", "realised", "realized", "guess", "hoped", "when", "then", "what", "swear", "swore"}
HERE_KEPT_AFTER = {"came", "come", "comes", "coming", "moved", "move", "moves", "moving", "be", "still", "am", "im",
                   "i'm", "i", "you", "get", "gets", "getting", "wasn't", "weren't", "not", "longer", "anymore"}
IT_PAST = {"smelled", "smelt", "tasted", "sounded", "seemed"}  # (before "like": "smelled like feet")
IT_VERBS = {"feels", "looks", "seems", "hurts", "sucks", "smells", "tastes", "sounds", "makes", "works", "helps"}


def _after_i(words: list[str], out: list[str], n: int) -> bool:
    """The verb at `n` follows "I" or "we", maybe across adverbs ("than I ever was"), already said back "you"."""
    k = n - 1
    while k > 0 and words[k].lower() in BETWEEN_I_AND_VERB:
        k -= 1
    return bool(out) and words[k].lower() in ("i", "we") and out[k] == "you"


def _swapped(words: list[str]) -> list[str]:
    """The words from the listener's side: I -> you, my -> your, "I am" -> "you are", "I was" ->
    "you were"; shouting lower-cased; names keep their capital; the user's typing repaired where a
    listener would write it otherwise (`_repaired_word`)."""
    shouting = sum(w.isupper() and len(w) > 1 for w in words) > len(words) / 2
    out: list[str] = []
    for n, word in enumerate(words):
        word = _repaired_word(words, n) or word
        low = APOSTROPHES.get(word.lower(), word.lower())
        if low in ("was", "am", "wasn't") and _after_i(words, out, n):
            out.append({"was": "were", "am": "are"}.get(low, "weren't"))  # ("I wasn't invited")
        elif low == "us" and (word == "US" or (n and words[n - 1].lower() == "the")):
            out.append("US")  # the country ("going back to the us"; "he came to us" is the people)
        elif low in SWAP:
            out.append(SWAP[low])
        elif word.isupper() and (len(word) > 1 or shouting):
            out.append(low if shouting else word)  # "PASSED MY TEST" (and its "A") is shouting; "GPA" is not
        else:
            plural = not n and low.endswith("s") and words[1:2] and words[1].lower() in ("are", "were", "have")
            out.append(word if word[:1].isupper() and (n or (_name_like(low) and not plural)) else low)  # ("Peas are")
    verb_next = len(out) > 1 and (out[1].endswith("ed") or out[1] in SUBJECTLESS_VERBS)
    if (words[0][:1].isupper() and words[0].lower() not in SWAP and verb_next and not shouting
            and words[0].lower().split("'")[0] not in STARTERS and words[0].lower() not in NUMBER_WORDS  # ("They've")
            and words[0].lower() not in SUBJECTLESS_VERBS | FILLER | TAKES_YOUR | ADVERBS_BEFORE_VERB):
        out[0] = words[0]  # "Fred dumped me": a name, then its verb
    elif (out[0] in ADVERBS_FIRST and out[1:2] and out[1] in IT_VERBS) or (out[0] in IT_PAST and out[1:2] == ["like"]):
        out.insert(0, "it")  # "still feels good to have my own money", "smelled like feet": "it" was left out
    elif out[0].lower() in ADVERBS_BEFORE_VERB and out[1:2] and (out[1] in SUBJECTLESS_VERBS or out[1].endswith("ed")):
        out[0:1] = ["you", out[0].lower()]  # "Nearly fell asleep at the wheel": the subject was left out
    elif out[0] in ONGOING_FIRST and out[1:2] and out[1].endswith("ing") and out[1] not in NOT_ONGOING:
        out.insert(0, "you're")  # "Still getting used to it": "I'm" was left out, not "you still getting"
    elif out[0] in STATE_PARTICIPLES and out[1:2] and out[1] in STATE_PARTICIPLES[out[0]]:
        out[0:0] = ["you", "got"]  # "locked out of my flat": a state one was put in, not "you locked out"
    elif (out[0] in SUBJECTLESS_VERBS or (out[0].endswith("ed") and len(out) > 1)) and out[1:2] not in (["is"], ["was"]):
        out.insert(0, "you")  # "got laid off today": the subject was left out
    elif doing_now(out):
        out.insert(0, "you're")  # "waiting for my visa decision": "I'm" was left out
    elif bare_noun(out):  # the article was left out
        owned = out[0].lower() in TAKES_YOUR
        out[0:1] = ["your" if owned else "the", out[0].lower()]
    elif the_means_your(out):
        out[0] = "your"
    return names_capitalised(out)


#: What only announces news ("this is so gross i need to tell someone", "you won't believe", "I have some
#: news.", "The weirdest thing happened at the supermarket."): said back it tells nothing and reads oddly
#: ("That's so frustrating, this is so gross you need to tell someone.", "Oh, you have some news. What's it
#: about?" before the news itself).
TEASER = re.compile(r"\btell (?:someone|somebody|anyone|you)\b|\bguess (?:what|who)\b|\bwon'?t believe\b|\b(?:have|got) "
                    r"(?:(?:some|big|great|good|exciting|very|really|happy|amazing|sad|bad|weird|huge|little) )*news\b(?! that)"
                    r"|\b(?:good|bad|weird|big|happy|great) news and\b"
                    r"|\b(?:weirdest|strangest|craziest|funniest|best|worst) thing (?:just )?happened\b"
                    r"|\bsomething (?:\w+ ){0,2}happened\b(?! to\b)|\bconfess something\b|^that'?s me(?: done)?$"
                    r"|^(?:and |then |but )*the (?:worst|best|funniest|weirdest|hardest) (?:bit|part)$"  # ("Then the worst bit.")
                    r"|\bneeded to (?:say it|say that|tell (?:someone|somebody)|get (?:it|that) off)\b")


def _feeling_first(low: list[str]) -> bool:
    """A feeling said first with its degree ("a bit sad because ...", "kind of gutted"): no subject to say back."""
    degree = 2 if low[:2] in (["a", "bit"], ["a", "little"], ["kind", "of"], ["sort", "of"]) else 1 if low[:1] in (
        ["bit"], ["kinda"], ["really"], ["very"], ["quite"], ["pretty"]) else 0
    return 0 < degree < len(low) and low[degree] in FEELING_FIRST


#: What the person had better do, said back, reads as the listener's order ("That's wonderful, you'd better get your
#: notes in order!").
_BETTER = re.compile(rf"\b(?:{HAD_BETTER})\b")
#: Blame taken ("maybe that's on me"): said back it is blame given ("maybe that's on you").
_ON_ME = re.compile(r"\b(?:that'?s|thats|that is) (?:partly |probably |totally )?on me\b")  # (not "it's all on me now")


def second_person(span: str) -> str | None:
    """`span` ("our dog died this morning", "got laid off today.") as the listener says it back
    ("your dog died this morning", "you got laid off today"); None when it would not read well: a
    question, no subject, a "you" in it, self-judgement ("I'm so stupid"), over MAX_WORDS words, odd
    symbols, or nothing but filler."""
    words = _span_words(span)
    if not words or span.rstrip().endswith("?") or _is_question(words):
        return None
    low = [w.lower() for w in words]
    lowered = set(low)
    if (len(words) > MAX_WORDS or "," in words or lowered & SECOND_PERSON or lowered & SELF_JUDGEMENT
            or (low[0] in HEADLESS and not doing_now(low)) or _feeling_first(low)
            or not _PLAIN_WORD.fullmatch(words[0].lower()) or words[-1].lower() in DANGLING
            or relative_fragment(words) or preposition_fragment(words) or TEASER.search(" ".join(words).lower())
            or _BETTER.search(" ".join(low)) or _ON_ME.search(" ".join(low))):
        return None
    last = APOSTROPHES.get(words[-1].lower(), words[-1].lower())  # (an auxiliary without its verb: "i didnt!!")
    swapped = _swapped(words)
    if (_quoted(span) or last in _AUXILIARY_END or _bare_noun_phrase(words)
            or _someone_else_did_it(words, swapped) or agreement_slip(words) or run_on(words)):
        return None
    text = re.sub(r" ,", ",", " ".join(swapped))
    return re.sub(r"^(your \w+) and you\b", r"you and \1", text)  # "my girlfriend and i" said back


#: Quoted words ("she said my writing was 'too sophisticated'"): said back, the pronouns inside the quote
#: would be turned too ("... 'too sophisticated compared to your earlier work.'.").
_QUOTE = re.compile(r"(?:^|\s)['\"‘“]\w|\w['\"’”](?=[\s.,!?]|$)(?<!s')")
#: Auxiliaries that end a span without their verb ("i didnt!!" said back "you didn't").
_AUXILIARY_END = {"didn't", "don't", "can't", "won't", "wasn't", "isn't", "haven't", "doesn't", "wouldn't", "couldn't"}
_NOUN_PHRASE_STARTS = DETERMINERS | {"a", "an"}  # (agent.clause's, and the articles)


def _quoted(span: str) -> bool:
    return bool(_QUOTE.search(span.replace("’", "'")))


def _someone_else_did_it(words: list[str], swapped: list[str]) -> bool:
    """A left-out subject that is not the person ("took me 4 months", "made my morning"), or no verb ("bit of a"):
    `swapped` (the words said back) put "you" in where the person typed none ("Fred dumped me" has a subject)."""
    low = [APOSTROPHES.get(w.lower(), w.lower()) for w in words]
    return low[0] not in SWAP and swapped[0] == "you" and bool(
        {"me", "us"} & set(low[1:3]) or low[:2] == ["bit", "of"] or " ".join(low[:3]) in MADE_MY or it_took_them(low))


def _bare_noun_phrase(words: list[str]) -> bool:
    """A short noun phrase alone ("the chat support bot", "adult rec softball" said back with "No wonder
    you're annoyed, ..."): no clause, no -ing, no verb typed without its subject, four words at most."""
    low = [w.lower() for w in words]
    if len(low) > 4 or is_clause(" ".join(words)) or any(w.endswith("ing") for w in low):
        return False
    return low[0] in _NOUN_PHRASE_STARTS or (len(low) <= 3 and not SUBJECTLESS_VERBS & set(low))


def sentence_holding(cause: str, message: str | None) -> str | None:
    """The sentence of `message` that holds the cause span, or None."""
    for sentence in split_sentences(message or ""):
        if cause.strip().lower() in sentence.lower():
            return sentence
    return None


def reflection(cause: str | None, cause_in_message: bool, response_emotion: str, turn: int,
               previous_cause: str | None = None, user_emotion: str | None = None,
               message: str | None = None, gladly: bool = False) -> str | None:
    """The start of a reply that restates the cause in a fitting opening ("I'm so sorry your dog died
    this morning."), or None where a restatement would not fit (see the module's docstring). The
    whole short sentence of `message` that holds the cause is said back where it reads well: the cause
    span alone can leave out what happened ("you checked into the hotel" for "checked into the hotel
    and there was a cockroach on the pillow")."""
    if (not cause or not cause_in_message or response_emotion not in OPENINGS or cause == previous_cause
            or user_emotion == "neutral"):
        return None
    span = second_person(cause)
    sentence = sentence_holding(cause, message)
    whole = second_person(sentence) if sentence else None
    span = whole if whole and (span is None or span.lower() in whole.lower()) else span  # (its first clause may not)
    if span is None or not starts_with_subject(span) or (span != whole and cuts_a_clause(cause, sentence)) or (
            (sentence or "").rstrip(" ~").endswith("?") and _is_question(_span_words(sentence) or [""])):
        return None  # (asked, not told: "Do you think they will feel strange with me?")
    feeling = glad_fits(response_emotion, span)
    return None if feeling in PLAIN_OPENING_ONLY and not gladly else opening_with(OPENINGS[feeling], turn, span)


#: The fewest words a plain restatement says back ("So you're about 80 pages in.", not "So nap.").
MIN_RESTATED_WORDS = 3
#: Words a sentence said back plainly may start with: a subject ("drove it until ..." has lost its
#: own to the sentence before; "its june 14th" would read as a possessive).
SUBJECT_STARTS = {"i", "im", "i'm", "ive", "i've", "we", "we're", "my", "our", "he", "she", "they", "the",
                  "a", "an", "his", "her", "their", "there", "theres", "there's", "this", "that", "it", "it's"}


def plain_restatement(message: str | None, turn: int) -> str | None:
    """A message with no feeling to name, its last sentence said back plainly ("her name is maya.
    she turned twelve last week" -> "So she turned twelve last week."): it shows the detail was heard,
    where "Right, I see." shows nothing. None where it would not read well (see `second_person`)."""
    sentences = split_sentences(message or "")
    first = _PLAIN_WORD.match(sentences[-1].lower()) if sentences else None
    span = second_person(sentences[-1]) if first and first.group() in SUBJECT_STARTS else None
    if span is None or len(set(span.lower().split())) < MIN_RESTATED_WORDS:  # (distinct: not "you you you")
        return None
    return opening_with(OPENINGS["neutral"], turn, span)
