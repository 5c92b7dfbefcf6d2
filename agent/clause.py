"""Whether words a listener says back read as a clause (someone did or is something) or only as a
fragment of one ("first week of retirement done", "raining all day", "your aunt who cannot keep a
secret"). Some openings need a clause: "I'm so sorry first week of retirement done." and "So on the
beach where you had your first date." were rejected by blinded readers as disfluent, where "That's so
hard, raining all day." reads as people talk. No tagger ships offline, so this reads the
words people type to a listener: auxiliaries, contractions, past tenses, a verb after its subject.
"""

from __future__ import annotations

import re

from agent.number_words import NUMBER_WORDS

#: Verbs that are finite wherever they stand (auxiliaries, modals, common irregular past tenses).
FINITE = {
    "is", "was", "are", "were", "am", "has", "have", "had", "do", "does", "did", "can", "could", "will",
    "would", "should", "may", "might", "must", "shall", "cannot", "got", "gets", "said", "says", "went",
    "goes", "made", "makes", "took", "takes", "lost", "found", "won", "broke", "fell", "forgot", "saw",
    "left", "ran", "spent", "heard", "met", "came", "comes", "told", "sold", "bought", "ate", "gave",
    "thought", "felt", "knew", "kept", "keeps", "brought", "paid", "put", "sent", "stood", "wrote",
    "drove", "became", "began", "caught", "chose", "flew", "grew", "held", "hurt", "hurts", "let",
    "meant", "quit", "rode", "sat", "slept", "spoke", "stole", "taught", "threw", "wore", "built",
    "fought", "froze", "hid", "shook", "shut", "woke", "seems", "looks", "feels", "sounds", "needs",
    "wants", "works", "lives", "loves", "hates", "knows", "thinks", "rose", "hit", "cut", "set", "read",
    "turns", "turned",
}
#: Contractions people type without the apostrophe ("im envious of my friends who ...").
BARE_CONTRACTIONS = {"im", "ive", "youre", "hes", "shes", "thats", "theyre", "were", "dont", "didnt", "cant",
                     "wont", "isnt", "wasnt", "doesnt", "havent", "hasnt", "couldnt", "wouldnt", "ill", "id"}
_ALWAYS_FINITE = FINITE | BARE_CONTRACTIONS
#: Words that make what follows a relative clause when a noun comes before them.
RELATIVES = {"who", "which", "whose", "where"}
#: Subjects after which the next word is the verb ("you love him", "they live in ohio").
SUBJECTS = {"i", "you", "he", "she", "it", "we", "they", "everyone", "someone", "nobody", "everybody"}
#: Determiners before a subject noun ("your knee hurts", "the house smells").
DETERMINERS = {"my", "your", "his", "her", "our", "their", "the", "this", "that"}
#: Words a lead-in ends with, before the clause it introduces ("small thing but ...") ...
LEAD_IN_ENDS = {"but"}
MAX_LEAD_IN = 3
#: ... and the only words it may hold: a remark on the news, not a clause of its own ("kids hate me but
#: i love them" keeps its first half).
LEAD_IN_WORDS = {"small", "tiny", "minor", "silly", "dumb", "stupid", "random", "weird", "odd", "quick", "thing",
                 "update", "win", "news", "so", "ok", "okay", "a", "not", "big", "deal", "kinda", "kind", "of",
                 "funny", "little", "question", "lol"}


#: Words whose "'s" is "is" or "has" ("it's", "everyone's nice"), not a possessive ("husband's brother").
S_IS = {"it", "he", "she", "that", "there", "here", "what", "who", "where", "everyone", "everything", "someone",
        "something", "nobody", "nothing", "this", "let", "everybody", "somebody", "how", "when", "why"}
#: Words after a noun's "'s" that make it "is" or "has" ("walter's gone", "mom's been sick").
AFTER_S_IS = {"been", "gone", "not", "so", "really", "too", "going", "got", "a", "an", "the", "just", "still",
              "always", "never", "over", "back", "fine", "ok", "okay", "done", "coming", "getting", "having",
              "doing", "all", "very", "pretty", "such", "no", "probably", "finally", "already", "in", "at", "on"}
#: Prepositions a fragment may open with ("after 38 years of teaching chemistry").
PREPOSITIONS = {"after", "before", "since", "at", "in", "on", "for", "from", "with", "during", "about", "of",
                "over", "under", "without", "by", "through", "to", "into", "until", "like"}


def _finite(word: str, before: str | None, two_before: str | None, after: str | None = None) -> bool:
    """Whether `word` reads as a finite verb, given the words around it (lower case)."""
    low = word.lower()
    if low in _ALWAYS_FINITE or low.endswith(("n't", "'re", "'m", "'ve", "'ll", "'d")):
        return True
    if low.endswith("'s"):  # "it's", "walter's gone"; not "your husband's brother"
        return low[:-2] in S_IS or after in AFTER_S_IS or (after or "").endswith(("ing", "ed"))
    if low.endswith("ed") and len(low) > 3:
        return True
    if before in SUBJECTS and low.isalpha():  # "you love him"
        return True
    return (two_before in DETERMINERS and low.endswith("s") and low.isalpha()  # "your knee hurts"
            and low not in DETERMINERS)  # (not "the rig this year")


def finite_positions(words: list[str]) -> list[int]:
    """The indexes of `words` that read as a finite verb."""
    low = [w.lower() for w in words]
    return [n for n, w in enumerate(words)
            if _finite(w, low[n - 1] if n else None, low[n - 2] if n > 1 else None,
                       low[n + 1] if n + 1 < len(low) else None)]


def is_clause(text: str) -> bool:
    """Whether `text` has a finite verb outside a relative clause: "your dog died" does, "raining all
    day" and "your aunt who cannot keep a secret" do not. (A past participle counts: "flight to
    chicago delayed 6 hours" reads as a clause.)"""
    words = text.replace(",", " ").split()
    found = finite_positions(words)
    return bool(found) and not relative_fragment(words)


def relative_fragment(words: list[str]) -> bool:
    """A noun phrase and a relative clause, no verb of its own ("your aunt who cannot keep a secret",
    "on the beach where you had your first date"); not "the man who raised me passed away", whose
    second verb is the sentence's."""
    low = [w.lower() for w in words]
    at = next((n for n, w in enumerate(low) if w in RELATIVES and n > 0), None)
    if at is None:
        return False
    finite = finite_positions(words)
    return not [n for n in finite if n < at] and len([n for n in finite if n > at]) < 2


def without_lead_in(words: list[str]) -> list[str]:
    """`words` without a short verbless lead-in before "but" ("small thing but my sourdough finally
    worked" -> "my sourdough finally worked")."""
    low = [w.lower() for w in words]
    for n, w in enumerate(low[:MAX_LEAD_IN + 1]):
        if w in LEAD_IN_ENDS and n and set(low[:n]) <= LEAD_IN_WORDS and finite_positions(words[n + 1:]):
            return words[n + 1:]
    return words


def preposition_fragment(words: list[str]) -> bool:
    """A prepositional phrase with no verb ("after 38 years of teaching chemistry"): said back in any
    opening it reads as half a sentence."""
    return bool(words) and words[0].lower() in PREPOSITIONS and not finite_positions(words)


#: Verbs a learner of English may leave without their -s after "he" or "she" ("Today she tell me it
#: has 2,000 views"): said back, the slip reads as the listener's ("Oh, today she tell you ...").
BASE_VERBS = {"tell", "say", "make", "remind", "want", "like", "know", "think", "need", "go", "have", "do", "give",
              "send", "ask", "come", "take", "write", "call", "look", "feel", "teach", "help", "live", "work", "love"}
#: More verbs a learner leaves without their -s after "he" or "she" only ("he stop and look at me", "she laugh"):
#: after a name or a plural they are English ("Children play outside", "Liverpool play Arsenal", "Apple Pay").
HE_SHE_VERBS = BASE_VERBS | {"stop", "run", "eat", "play", "cook", "drive", "buy", "pay", "bring", "laugh", "cry", "smile"}
#: Words after which "he go", "she do" are right ("let he go" is no English, but "will she do it" is).
_BARE_AFTER = {"let", "lets", "letting", "make", "makes", "made", "help", "helped", "watch", "watched", "saw", "see",
               "hear", "heard", "did", "does", "do", "will", "would", "can", "could", "should", "might", "must",
               "didn't", "doesn't", "don't", "can't", "won't", "wouldn't", "couldn't", "shouldn't", "cannot",
               "have", "had", "has", "seen", "seeing", "watching", "hearing", "making", "helping", "felt", "feel",
               "noticed", "to", "rather", "having"}  # ("Why doesn't my husband love me", "I'll have my doctor call you", "seen my dad cry")


#: Verbs after which "it" with no -s is a learner's slip ("Small thing but it make me sad today."), and
#: the words "it" may follow as a subject then (it is often an object: "i took it like a champ", "made it go").
_IT_SLIPS = {"make", "feel", "look", "seem", "mean", "sound", "taste", "smell", "happen"}  # (not "it hurt so much")
_IT_SUBJECT_AFTER = {None, "but", "and", "so", "because", "cause", "that", "when", "if"}


#: Verbs a learner often leaves without their -s after a name ("Sari finish nursing school today").
_NAME_SLIPS = (BASE_VERBS - {"like"}) | {"finish", "bring", "wear", "hold", "cry", "say", "buy", "cook", "visit"}
_NOT_NAMES = {"i", "the", "a", "an", "my", "our", "your", "we", "they", "you", "he", "she", "it", "so", "and", "but", "then",
              "today", "yesterday", "tonight", "now", "please", "thank", "thanks", "god", "also", "when", "if", "lol",
              "how", "what", "why", "where", "who", "which", "do", "does", "did", "can", "could", "should", "would", "will",
              "same", "home", "still", "never", "just", "only", "even", "need", "lately", "really", "somehow", "always",
              "maybe", "sometimes", "literally", "honestly", "actually", "probably", "definitely",
              "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february", "march",
              "april", "may", "june", "july", "august", "september", "october", "november", "december", "christmas",
              "good", "great", "nice", "fair", "bad", "big", "quick", "long", "hard", "fine", "cool"}  # ("Good call on ...")


def _name_before_verb(words: list[str], i: int) -> bool:
    """A name ("Sari", not "We'll", "Didn't", "Lads", "DAD") at `i`, followed by a verb with no -s."""
    word = words[i]
    return (word[:1].isupper() and not word.isupper() and "'" not in word and not word.endswith("s")
            and word.lower() not in _NOT_NAMES and words[i + 1].lower() in _NAME_SLIPS
            and (i == 0 or words[i - 1].lower() not in _BARE_AFTER))


#: People a learner names before a verb without its -s ("my wife say", "your mother don't understand").
PERSON_NOUNS = {"wife", "husband", "mother", "mom", "mum", "mama", "father", "dad", "papa", "son", "daughter",
                 "brother", "sister", "friend", "boss", "manager", "teacher", "coach", "cousin", "uncle", "aunt",
                 "auntie", "grandmother", "grandma", "grandfather", "grandpa", "neighbour", "neighbor", "landlord",
                 "doctor", "partner", "boyfriend", "girlfriend", "madam", "employer", "colleague", "child", "kid",
                 "man", "woman", "lady", "guy", "customer", "boy", "girl", "driver", "nurse", "officer", "waiter",
                 "receptionist", "cashier", "postman", "classmate", "flatmate", "roommate", "coworker", "owner"}
#: Words that start a place or group said after the person ("my teacher at English class tell me", "the man from
#: the shop say"): the verb without its -s may come two or three words later.
_PERSON_PLACE = {"at", "from", "in", "of"}
_PRONOUNS = {"i", "you", "we", "they", "he", "she", "it"}


#: Adverbs between "she" and a verb without its -s ("she never do this before").
_BETWEEN = {"never", "always", "also", "still", "just", "really", "only", "sometimes", "often", "already"}


def _person_before_verb(low: list[str], i: int) -> bool:
    """"my wife say", "your mother don't" at `i` (not "let my son go", "made my wife laugh", "she and my husband
    have")."""
    slips = _NAME_SLIPS | {"don't", "dont"} if low[i] not in ("a", "the") else _ARTICLE_SLIPS
    verb_at = [i + 2] + ([j for j in (i + 4, i + 5) if low[j - 1:j] and low[j - 1] not in _PRONOUNS]
                         if low[i + 2:i + 3] and low[i + 2] in _PERSON_PLACE else [])  # (not "my mum in hospital I don't")
    return (low[i] in ("my", "his", "her", "our", "your", "a", "the") and low[i + 1] in PERSON_NOUNS
            and any(low[j:j + 1] != [] and low[j] in slips for j in verb_at)
            and (i == 0 or low[i - 1] not in _BARE_AFTER | {"and", "n", "&"}))  # ("me and my brother have", "me n my")


#: Verbs without their -s after "a man", "the customer" ("a man come in my shop"): not words that also make a
#: compound noun ("the customer pay portal", "the boy play date", "the girl cry for help").
_ARTICLE_SLIPS = {"come", "say", "tell", "give", "take"}


def agreement_slip(words: list[str]) -> bool:
    """Whether "he", "she", a name or "my wife" is followed by a verb without its -s ("she tell me", "Sari say
    now it is her turn", "my wife say") where that is no English ("let her go" is), or "it" as a subject by one
    of `_IT_SLIPS` ("it make me sad")."""
    low = [w.lower() for w in words]
    return any((w in ("he", "she") and (nxt in HE_SHE_VERBS or (nxt in _BETWEEN and low[i + 2:i + 3] != []
                                                                and low[i + 2] in HE_SHE_VERBS - {"like"}))
                and (i == 0 or low[i - 1] not in _BARE_AFTER))
               or _name_before_verb(words, i) or _person_before_verb(low, i)
               or (w == "it" and nxt in _IT_SLIPS and (low[i - 1] if i else None) in _IT_SUBJECT_AFTER)
               for i, (w, nxt) in enumerate(zip(low, low[1:])))


#: A learner's English beside the slips above: "5 years I am there", "I am here for study english",
#: "today is good day", "I am little bit jealous" (no article), "I am here 3 years"; and, from the thirty-first set
#: (fresh30), "I am student from Fes", "Today I take wrong bus", "my first Halloween in America is finish", "we live
#: in Edison since June", "I was so worry", "I am listening music", "because is healthy", "on bicycle", "I am Chinese
#: student", "I didn't play since university".
_SINCE_WHEN = (r"(?:january|february|march|april|may|june|july|august|september|october|november|december|\d{4}"
               r"|last \w+|(?:one|two|three|four|five|six|\d+) \w+ ago|(?:the )?(?:summer|spring|autumn|winter))")
_LEARNER = re.compile(r"\b\d+ years? (?:i|we) (?:am|are)\b|\bfor study\b|\bis (?:good|perfect|nice|bad|big|hard) day\b"
                      r"|\b(?:am|is|are|was|were|feel|felt|i'm|im) little bit\b"
                      r"|\b(?:i am|i'm|im) (?:here|in \w+) \d+ years\b"
                      r"|\b(?:i am|i'm|im|he is|she is) (?:\w+(?:ese|ian|an|ish|i|ch) )?(?:student|teacher|nurse|doctor"
                      r"|engineer|driver|cleaner|cook|waiter|waitress|mechanic|builder|accountant|housewife|programmer"
                      r"|carer|refugee)\b"
                      r"|\b(?:take|took|get|got|catch|caught|miss|missed) (?:wrong|right) (?:bus|train|tram|flight|way|road)\b"
                      r"|\b(?:is|are|was|were) (?:finish|arrive|happen|begin)\b|\b(?:so|very|too) worry\b"
                      r"|\b(?:i am|i'm|im|i was) (?:\w+ )?worry\b"
                      rf"|\b(?:i|we) (?:live|work|study|stay) (?:in|at|here|there)\b"
                      rf"(?:(?!\band\b|\bbut\b|'ve\b|\bhave\b|\bbeen\b|\bhad\b)[^.!?]){{0,40}}\bsince {_SINCE_WHEN}\b"
                      r"|\blisten(?:ing)? music\b|\bbecause is\b|\bon bicycle\b"
                      rf"|\bdidn'?t \w+ since (?:{_SINCE_WHEN}|university|uni|school|college|childhood|\d+)\b", re.IGNORECASE)


def learner_english(sentences: list[str]) -> bool:
    """Whether a message (its sentences) shows a learner's slips: said back, they read as the listener's own
    (blinded readers of the twenty-fourth set rejected "So Sari say now it is her turn.", "you have interview
    for supervisor", "Ah, today is good day.")."""
    return any(agreement_slip(re.findall(r"[A-Za-z']+|,", s)) or _LEARNER.search(s) for s in sentences)  # (a comma
    # between: "Thanks Sam, have a good evening.")


#: Words a clause typed without its stop ends with before the next one's subject ("made like 200 drinks on
#: saturday your arm is dead", "she didn't even eat it she just stabbed it"): said back, the two read as one
#: broken sentence.
_CLAUSE_ENDS = {"it", "them", "him", "me", "us", "today", "tonight", "yesterday", "now", "lately", "again", "too",
                "already", "anyway", "ago", "times", "morning", "night", "week", "weekend", "monday", "tuesday",
                "wednesday", "thursday", "friday", "saturday", "sunday"}
_NEXT_SUBJECTS = {"i", "im", "i'm", "you", "you're", "you've", "you'll", "you'd", "your", "my", "he", "he's", "she",
                  "she's", "we", "we're", "they", "they're", "it's"}


#: Words before the second clause that make the first one lead into it, not end ("every time you mention it he
#: says ...", "if they say no again you're going ...", "they told you today they ...", "found out today she ...").
_LEADS_INTO = {"if", "when", "whenever", "time", "because", "since", "as", "after", "before", "until", "once", "though",
               "telling", "although", "unless", "told", "tell", "tells", "asked", "promised", "showed", "reminded", "warned",
               "texted", "messaged", "emailed", "taught", "bet", "let", "wrote", "says", "said", "say", "out", "think",
               "thought", "know", "knew", "realised", "realized", "heard", "learned", "learnt", "noticed", "decided",
               "guess", "hope", "feel", "felt", "means", "meant", "reckon", "swear"}


def run_on(words: list[str]) -> bool:
    """Whether `words` hold two clauses typed without a stop between them: a finite verb, then a word a clause
    ends with (`_CLAUSE_ENDS`) and the next clause's subject (a possessive one with its verb: "your arm is
    dead"), with nothing before that leads into it (`_LEADS_INTO`: "if ...", "told you today they ...")."""
    low = [w.lower() for w in words]
    finite = set(finite_positions(words))
    first = min(finite, default=len(low))
    return any(low[n - 1] in _CLAUSE_ENDS and low[n] in _NEXT_SUBJECTS and not set(low[:n]) & _LEADS_INTO
               and (low[n] not in ("your", "my") or n + 2 in finite) for n in range(max(first + 2, 2), len(low)))


#: Verbs whose object may be the subject of a clause that goes on ("found out the plant on my desk is FAKE").
_TELLING_VERBS = {"found", "realised", "realized", "noticed", "learned", "learnt", "discovered", "heard", "saw", "knew",
                  "know", "think", "thought", "said", "told", "read"}
_CLAUSE_VERBS = {"is", "was", "are", "were", "isn't", "wasn't", "aren't", "weren't", "has", "had", "hasn't"}


def cuts_a_clause(span: str, sentence: str | None) -> bool:
    """Whether `span` ends inside a clause of `sentence`: the sentence goes on with the verb whose subject the span
    ends with ("the driver on my kids' school bus" of "Mr Okoro, the driver on my kids' school bus, is retiring"),
    or, after a verb of finding or telling in the span, to the verb of the clause it began ("i just found out the
    plant" of "so i just found out the plant on my desk at work is FAKE", said back "Oh, you just found out the
    plant.")."""
    low, whole = span.lower().strip(" .!?"), (sentence or "").lower()
    at = whole.find(low)
    if not low or at < 0:
        return False
    rest = re.findall(r"[a-z']+|,", whole[at + len(low):])
    first = next((n for n, w in enumerate(rest) if w in _NEW_CLAUSE), len(rest))  # ("... last night and mum was crying")
    after = [w for w in rest[:2] if w != ","][:1]
    return after != [] and after[0] in _CLAUSE_VERBS or (  # ("Mr Okoro, the driver on my kids' school bus, is ...")
        bool(set(re.findall(r"[a-z']+", low)) & _TELLING_VERBS) and bool(set(rest[:min(8, first)]) & _CLAUSE_VERBS))


_NEW_CLAUSE = {",", "and", "but", "so", "because", "cause", "then", "which", "who", "when", "while"}


def it_took_them(low: list[str]) -> bool:
    """ "took him 30 seconds to open it", "cost her a fortnight": "it" took them, not "you took him" (not "took her a
    cup of tea")."""
    if low[0] not in ("took", "takes", "cost", "costs") or low[1:2] not in (["him"], ["her"], ["them"]) or not low[2:3]:
        return False
    amount = low[2]
    return (amount[0].isdigit() or amount in NUMBER_WORDS or amount in _AMOUNTS
            or (amount in ("a", "an") and low[3:4] != [] and low[3] in _TIME_UNITS))


_AMOUNTS = {"ages", "forever", "hours", "minutes", "days", "weeks", "months", "years", "half"}
_TIME_UNITS = {"second", "minute", "hour", "day", "week", "month", "year", "while", "bit", "lifetime", "fortnight"}
