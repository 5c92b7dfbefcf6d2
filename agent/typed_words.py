"""How people type to a listener, read so the listener can say it back: the word lists of
`agent.reflection` (pronouns to swap, contractions typed without apostrophes, filler, nouns typed
without their article) and the repairs a listener makes when it restates a message: the article a
noun was typed without ("car failed its inspection" -> "your car ..."), the "you're" of "waiting for
my visa decision", the capital of a name typed in lower case ("they named her rosie").
"""

from __future__ import annotations

from pathlib import Path

from agent.clause import FINITE, finite_positions, is_clause
from agent.number_words import NUMBER_WORDS

#: How the user's words for themselves become the listener's words for the user.
SWAP = {
    "i": "you", "me": "you", "my": "your", "mine": "yours", "myself": "yourself",
    "i'm": "you're", "im": "you're", "i've": "you've", "ive": "you've", "i'd": "you'd",
    "i'll": "you'll", "we": "you", "us": "you", "our": "your", "ours": "yours",
    "ourselves": "yourselves", "we're": "you're", "we've": "you've", "we'd": "you'd", "we'll": "you'll",
    "weve": "you've",
}
#: Contractions people type without the apostrophe.
APOSTROPHES = {w.replace("'", ""): w for w in (
    "didn't", "doesn't", "don't", "isn't", "wasn't", "weren't", "won't", "can't", "couldn't",
    "wouldn't", "shouldn't", "hasn't", "haven't", "hadn't", "aren't", "he's", "she's", "that's",
    "they'd", "they're", "they've", "what's", "who's", "where's", "how's",
    "there's")}  # ("its" stays: "the cat broke its leg")
#: Misspellings and chat shorthand a listener would not write back ("you get to hold her tommorow"):
#: only words with no other reading ("rn" may be a nurse; "bc" and "cuz" below).
SPELLING = {"tommorow": "tomorrow", "tomorow": "tomorrow", "tmrw": "tomorrow", "definately": "definitely",
            "teh": "the", "alot": "a lot", "wierd": "weird", "untill": "until", "becuase": "because",
            "gonna": "going to", "wanna": "want to", "tonite": "tonight", "ppl": "people", "bday": "birthday",
            **{d: d.capitalize() for d in ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
                                           "sunday", "january", "february", "april", "june", "july",
                                           "september", "october", "november", "december", "christmas",
                                           "thanksgiving", "easter", "halloween")}}
#: Words after which "ill" is "I'll" typed without its apostrophe ("i think ill ask her"), not "ill".
ILL_AS_I_WILL = {"ask", "go", "call", "try", "be", "have", "do", "see", "text", "tell", "get", "make", "take", "just",
                 "probably", "never", "let", "send", "give", "write", "book", "check", "wait", "start", "stop",
                 "bring", "talk", "buy", "keep", "put", "look", "sort", "find", "pick", "show", "head", "email",
                 "message", "definitely", "maybe", "need", "miss", "think", "update", "report", "survive"}
#: ... and only at the start or after these ("i think ill ask her"; not "mum is ill maybe cancer").
ILL_AFTER = {None, "think", "guess", "so", "then", "and", "but", "ok", "okay", "yeah", "yes", "hopefully", "maybe",
             "probably", "now", "tomorrow", "tonight", "suppose", "reckon", "lol"}
#: A left-out subject that is the thing told, not the person ("made my day", "saved my life").
MADE_MY = {f"{verb} my {what}" for verb in ("made", "makes", "ruined", "ruins", "saved", "saves", "brightened", "cheered")
           for what in ("day", "morning", "week", "night", "life")}
#: Words that name whose a thing is ("my sisters wedding", "my SO").
POSSESSIVES = {"my", "our", "your", "his", "her", "their"}
#: "bc" and "cuz" for "because", except after a word that makes them a place or a cousin ("to bc", "my cuz").
BECAUSE = {"bc", "cuz"}
NOT_BECAUSE_AFTER = {"to", "in", "from", "at", "a", "the", *POSSESSIVES}
#: Words after which "march" and "august" are months ("since march"), not a verb or an adjective.
BEFORE_MONTH = {"in", "since", "until", "by", "next", "last", "of", "early", "late", "mid", "from", "this"}
#: People whose possessive people type without the apostrophe ("my sisters wedding") ...
POSSESSORS = {"sister", "brother", "mom", "mum", "dad", "mother", "father", "grandma", "grandpa", "grandmother",
              "grandfather", "cousin", "aunt", "uncle", "niece", "nephew", "friend", "roommate", "neighbor",
              "neighbour", "boss", "coworker", "girlfriend", "boyfriend", "wife", "husband", "partner", "son",
              "daughter", "landlord", "teacher"}
#: ... and the things a possessive names: only before one of these is "sisters" read as "sister's"
#: ("my friends threw me a party" keeps its plural).
OWNED = {"house", "place", "apartment", "room", "wedding", "graduation", "birthday", "party", "funeral",
         "bachelorette", "bachelor", "shower", "baby", "kids", "car", "dog", "cat", "phone", "job", "name",
         "idea", "stuff", "things", "leftovers", "food", "mess", "speech", "surgery", "recital", "game",
         "new", "old", "first", "last", "whole", "wife", "husband", "girlfriend", "boyfriend", "fault"}
#: Words after which "its" opens a clause ("bills and its a mess"): there it is "it's".
CLAUSE_OPENERS = {"and", "but", "so", "because", "think", "said", "says", "now", "well", "oh", "ok", "like",
                  "cause", "guess", "know", "hope", "sure", "when", "if"}
#: Words after "its" that make it "it's" ("its a mess"), not the possessive ("broke its leg").
ITS_IS = {"a", "an", "the", "so", "really", "just", "been", "not", "going", "getting", "over", "too",
          "all", "still", "like", "kinda", "finally", "totally"}
#: Words shouted for emphasis in a message that is not shouting ("flight was SO bumpy"); never
#: after a possessive ("my SO" is a partner).
EMPHASIS = {"SO", "VERY", "REALLY", "NOT", "NEVER", "SUCH", "TOO", "EVER", "SUPER"}
#: Words around a message that a restatement leaves out.
FILLER = {"omg", "ok", "okay", "so", "and", "but", "like", "just", "ugh", "lol", "haha", "honestly",
          "tho", "though", "literally", "well", "oh", "wow", "yay", "hey", "um", "uh", "guys", "lmao", "yeah",
          "anyway", "anyways", "ooh", "oooh", "aww", "aw", "whoa", "woah", "phew", "yikes"}
#: ... and the answers a message may start with, filler only there ("Yes I am still a bit worried" was said
#: back "Oh, yes you are still a bit worried."; "she said yes" keeps it).
FILLER_FIRST = FILLER | {"yes", "yep", "yup", "yea", "also"}  # ("also im scared of ...")
#: Past-tense verbs a message often starts with when its subject ("I") is left out: "got laid off".
SUBJECTLESS_VERBS = {"got", "lost", "found", "had", "won", "broke", "fell", "forgot", "made", "took",
                     "went", "saw", "left", "ran", "spent", "heard", "met", "came", "told", "sold",
                     "bought", "missed", "burnt", "burned", "cut", "hit", "woke", "ate", "gave", "did",
                     "didn't", "can't", "couldn't", "won't", "don't", "haven't", "never", "finally", "still",
                     "hope", "need", "want", "think", "flew", "drove", "rode", "wrote", "sent", "thought", "felt",
                     "kept", "paid", "sat", "slept", "spoke", "taught", "threw", "wore", "built", "caught",
                     "chose", "fought", "froze", "shook", "began", "became", "brought", "understood", "tore",
                     "bit", "blew", "bled", "dug", "drew", "drank", "fed", "grew", "hid", "hung", "knew", "lent",
                     "quit", "rang", "sang", "sank", "shot", "shut", "slid", "split", "stole", "stood", "stuck",
                     "stung", "swam", "swore", "dealt"}  # (and the present: "hope it works"; not "wish me luck")
MAX_WORDS = 12
#: Nouns people type without their article ("airline cancelled my flight", "flight was SO bumpy"):
#: said back first and before a verb, they get "the" (blinded readers rejected "airline cancelled
#: your flight" as disfluent every time) ...
BARE_NOUNS = {"airline", "flight", "plane", "train", "bus", "exam", "test", "interview", "meeting", "party",
              "wedding", "game", "movie", "concert", "class", "surgery", "appointment", "hotel", "restaurant",
              "waiter", "store", "company", "package", "delivery", "internet", "wifi", "printer", "weather",
              "traffic", "rent", "results", "dinner", "lunch", "trip", "prize", "mechanic", "marathon",
              "wildfire", "presale", "fridge", "heating", "boiler", "roof", "plumber", "nurse", "examiner",
              "ref", "referee", "tsa", "child", "vet"}
#: ... and people and things of one's own get "your" ("boss yelled at me" -> "your boss ...", "car
#: failed its inspection" -> "your car ..."). Only these lists: a first word outside them may be a
#: name typed in lower case ("sarah broke up with me").
TAKES_YOUR = {"boss", "landlord", "landlady", "manager", "teacher", "professor", "doctor", "dentist",
              "neighbor", "neighbour", "team", "coworker", "roommate", "car", "phone", "laptop", "knee", "back",
              "cat", "dog", "bike", "kid", "baby", "bf", "gf", "hubby", "coach", "friend", "sister", "brother",
              "son", "daughter", "husband", "wife", "partner", "boyfriend", "girlfriend", "cousin", "card"}
#: ... and "the wife" is the person's own ("the wife says we should go on a cruise" -> "your wife ..."),
#: where a verb follows (not "the husband of my best friend", "the wife next door").
THE_IS_YOUR = {"wife", "husband", "missus", "hubby", "mrs"}


def the_means_your(out: list[str]) -> bool:
    """The listener's words start "the wife", "the husband" ... and a verb: the person's own."""
    return (len(out) > 2 and out[0] == "the" and out[1] in THE_IS_YOUR
            and (out[2] in SUBJECT_VERBS or out[2] in FINITE or out[2].endswith(("s", "ed"))))
#: Verbs that show a bare noun is the subject ("flight was ...", "boss yelled ...").
SUBJECT_VERBS = {"is", "was", "are", "were", "has", "had", "got", "just", "keeps", "says", "said", "went"}
#: A feeling said first, with its subject left out ("so angry at this shop"): said back it only names the
#: feeling ("That's so frustrating, angry at this shop."), which the acknowledgement does better.
FEELING_FIRST = {"angry", "sad", "happy", "scared", "annoyed", "upset", "nervous", "excited", "worried", "gutted",
                 "furious", "mad", "proud", "stressed", "anxious", "terrified", "thrilled", "devastated", "heartbroken",
                 "frustrated", "lonely", "jealous", "embarrassed", "relieved", "bored", "fuming", "livid", "buzzing"}
#: Present-tense verbs a span may start with that leave its subject out ("sounds like someone ..."):
#: said back they read wrong; so do a thanks (it reads as the listener's own) and a feeling said first.
HEADLESS = {"sounds", "looks", "seems", "feels", "is", "was", "are", "were", "has", "have", "been", "not", "any",
            "no", "nothing", "anyone", "anything", "maybe", "probably", "gonna", "might", "should", "thinking",
            "wants", "needs", "keeps", "thinks", "tries", "thanks", "thank", "thx", "ty", *FEELING_FIRST,
            # a negative auxiliary whose subject was left out ("Hasn't worn them in eight years": he hasn't; not
            # "haven't", whose subject is "I")
            "hasn't", "hasnt", "isn't", "isnt", "wasn't", "wasnt", "doesn't", "doesnt", "won't", "wont", "hadn't",
            "hadnt"}
#: Capitalised first words that are no names ("Seventh inning stretch coming up").
ORDINALS = {"first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth", "eleventh",
            "twelfth", "last", "next"}
#: Words a sentence starts with that are not names (a capital there is only the sentence's).
STARTERS = {"the", "a", "an", "this", "that", "these", "those", "it", "there", "here", "someone",
            "somebody", "everyone", "everybody", "nobody", "he", "she", "they", "his", "her", "their",
            "its", "what", "when", "today", "yesterday", "tonight", "last", "after", "before", "all"}

#: A span that opens with a question word and a verb, or a verb and a person, is a question typed
#: without its mark ("what does it take to ...", "should i quit"): never said back as a statement.
QUESTION_WORDS = {"what", "why", "how", "who", "where", "which", "when"}


def bare_noun(out: list[str]) -> bool:
    """The listener's words start with a noun the user typed without its article, before its verb."""
    verb = len(out) > 1 and (out[1] in SUBJECT_VERBS or out[1] in FINITE or (out[1].endswith("ed") and len(out[1]) > 3))
    return verb and out[0].lower() in BARE_NOUNS | TAKES_YOUR


#: What people say they are doing with "I'm" left out ("waiting for my visa decision", "thinking of
#: painting the bathroom"); said back, "you're" goes first. Not a story's "walking home one day".
DOING_NOW = {"going", "planning", "trying", "hoping", "starting", "working", "waiting", "moving", "heading",
             "doing", "getting", "making", "watching", "cooking", "baking", "packing", "cleaning", "studying",
             "catching", "hanging", "sitting", "flying", "driving", "leaving", "looking", "thinking"}


#: Words after such a verb that show it is one ("driving test monday" is a noun's).
AFTER_DOING = {"to", "for", "out", "up", "on", "in", "at", "with", "from", "of", "about", "a", "an", "the",
               "some", "all", "home", "back", "abroad", "over", "off", "down", "through", "into", "around",
               "away", "tomorrow", "today", "tonight", "this", "next", "my", "our", "alone", "here", "there"}


#: Words that end the -ing phrase's own clause ("moving abroad next month and i'm terrified").
CONJUNCTIONS = {"and", "but", "so", "because", "cause", "bc", "cuz"}


def doing_now(words: list[str]) -> bool:
    """`words` (lower case) say what the person is doing with "I'm" left out ("waiting for my visa
    decision"), not an -ing phrase that is the subject of a verb after it ("thinking about him makes
    me cry", "moving out was hard")."""
    if not (len(words) > 1 and words[0] in DOING_NOW and words[1] in AFTER_DOING
            and (words[0] != "thinking" or words[1] in ("of", "about")) and words[1:3] != ["to", "die"]):
        return False
    own = next((words[1:n] for n in range(1, len(words)) if words[n] in CONJUNCTIONS), words[1:])
    return not finite_positions(own)


#: Words after which a name follows ("they named her rosie", "her name is maya", "a guy called dave").
NAMING = {"named", "called"}
NAMED = {"her", "him", "it", "them"}
#: Words after "called" or "named" that are no name ("the nurse called just now", "called it quits").
NOT_NAMES = {"just", "in", "into", "out", "up", "back", "off", "over", "again", "to", "by", "for", "from", "on",
             "at", "with", "twice", "once", "and", "but", "so", "because", "me", "you", "us", "everyone", "about",
             "when", "not", "quits", "tomorrow", "today", "tonight", "yesterday", "said", "says", "told", "is",
             "was", "has", "had", "will", "would", "again", "right", "now", "later", "soon", "home", "work",
             "every", "each", "all", "some", "any", "both", "several", "many", "most", "daily", "round", "around",
             "her", "his", "their", "my", "our", "your", "the", "a", "an", "this", "that", "those", "these"}
# ("... and called every single day": "Every" had been said back as a name)
#: Titles before a name, written back with their full stop ("dr patel" -> "Dr. Patel"; not "ms", which
#: is also the illness).
TITLES = {"dr": "Dr.", "mr": "Mr.", "mrs": "Mrs."}


#: Number words and quantities, never a name ("my doctor named three possible causes").
NUMBERS = set(NUMBER_WORDS) | {"few", "several", "some"}
_NOT_A_NAME = NAMED | NOT_NAMES | STARTERS | FILLER | SUBJECTLESS_VERBS | FINITE | set(SWAP.values()) | NUMBERS


def _lower_case_name(word: str) -> bool:
    """A lower-case word that may be a name after "named" or a title: no function word, tense, number."""
    return (word.isalpha() and word.islower() and not word.endswith(("ing", "ed", "ly"))
            and word not in _NOT_A_NAME)


def names_capitalised(out: list[str]) -> list[str]:
    """A name typed in lower case after "named", "called", "name is" or a title gets its capital
    ("they named her rosie" -> "Rosie", "dr patel" -> "Dr. Patel")."""
    out = [TITLES[w.lower().rstrip(".")] if w.lower().rstrip(".") in TITLES and n + 1 < len(out)
           and _lower_case_name(out[n + 1].lower()) else w for n, w in enumerate(out)]

    def is_name_place(n: int) -> bool:
        before = out[n - 1] if n else ""
        two_before = out[n - 2] if n > 1 else ""
        return (before in NAMING or before in TITLES.values() or (two_before in NAMING and before in NAMED)
                or (two_before == "name" and before == "is"))
    return [w.capitalize() if _lower_case_name(w) and is_name_place(n) else w for n, w in enumerate(out)]


#: Words after which "ok", "fine" or "alright" is what is said of something ("the feta's probably still
#: ok"), not filler: "still" alone was said back ("... a bit of feta that's probably still!").
OK_AS_STATE_AFTER = {"still", "probably", "is", "was", "be", "are", "were", "looks", "seems", "felt", "feels",
                     "totally", "all", "perfectly", "gonna", "it's", "its", "that's", "thats", "she's", "he's", "i'm",
                     "im", "just"}
#: Words a restatement never ends with: it was cut short ("i feel guilty but also like?? relieved??" was said
#: back "Oh, you feel guilty but also.").
DANGLING = {"but", "and", "or", "also", "because", "than", "the", "a", "an", "my", "your", "their", "our", "very"}
#: Words after which a last "well" is said of something ("i hid it very well"), not filler ("... ok well").
WELL_AFTER = {"very", "so", "really", "pretty", "quite", "too", "as", "it", "went", "go", "goes", "that"}
#: Words after which a last "like" is filler ("i was like", "i feel like"), not the verb ("a company i
#: actually like").
LIKE_AS_FILLER_AFTER = {"was", "is", "am", "were", "be", "feel", "feels", "felt", "i'm", "im", "she's", "he's"}
#: Words after which a first "Sam" is the listener called by name ("Sam it is raining!!", "Sam I passed"), not a
#: friend called Sam ("Sam got the job", "Sam finally proposed last night!", "Sam the dog died").
AFTER_CALLED = {"i", "i'm", "im", "i've", "ive", "i'd", "id", "it", "it's", "we", "we're", "my", "our", "there",
                "there's"}
#: ... and words that may come between the name and those ("Sam today I did ...", "Sam guess what I ...").
LEAD_INS = {"today", "tonight", "so", "just", "finally", "guess", "omg", "honestly", "ok", "okay"}
#: Words between "I" and its verb ("than I ever was" said back "than you ever were").
BETWEEN_I_AND_VERB = {"ever", "never", "always", "just", "really", "still", "also", "only", "actually", "probably",
                      "definitely", "certainly", "usually", "sometimes"}  # ("I probably am a nosy old woman")
#: Words people write in lower case inside a sentence (`training/build_common_words.py`): a capital on one at the
#: sentence's start is only the sentence's ("Light has not come", "Silver medal in ...", "One had a tooth print").
COMMON_WORDS = frozenset((Path(__file__).parent / "common_words.txt").read_text(encoding="utf-8").split())
#: ... except words that are names as often, and family said as a name ("Mum is coming tomorrow").
NAMES_TOO = {"will", "may", "grace", "hope", "pat", "rose", "joy", "faith", "dawn", "ray", "sue", "mark", "bill",
             "jack", "bob", "frank", "rob", "art", "june", "april", "summer", "autumn", "max", "ben", "jay", "penny",
             "ruby", "amber", "holly", "ivy", "daisy", "lily", "iris", "violet", "sky", "river", "sunny", "dean",
             "stan", "grant", "miles", "chase", "gene", "drew", "guy", "judge", "norm", "patience", "rich", "skip",
             "don", "sandy", "rusty", "kit", "dot", "hunter", "mason", "cole", "carter", "price", "reed", "wade",
             "lane", "gray", "grey", "brook", "buck", "glen", "forrest", "heath", "sid", "rex", "pearl",
             "mum", "mom", "dad", "nan", "nana", "gran", "granny", "grandma", "grandpa", "grandad", "mama", "papa"}


def common_word(word: str) -> bool:
    """A lower-case word people write in lower case (`COMMON_WORDS`) and not as a name (`NAMES_TOO`)."""
    return word in COMMON_WORDS and word not in NAMES_TOO


#: Participles of a state one is put in, typed without a subject, and the words after them that make them one
#: ("locked out of my flat", "stuck at the airport"): said back with "you got" (the thirty-first set's readers rejected
#: "you locked out of ..."); not "caught up with", "stuck to my diet", "soaked up the sun", "hired this nanny".
_WHEN = {"today", "yesterday", "last"}  # (not "this": "fired this guy")
STATE_PARTICIPLES = {
    "locked": {"out", "in"}, "stuck": {"in", "at", "on", "behind", "inside", "outside", "under", "between"},
    "trapped": {"in", "at", "on", "inside", "under", "behind"}, "stranded": {"in", "at", "on", "outside"},
    "soaked": {"through", "to", "by", "in"}, "drenched": {"through", "to", "by", "in"}, "caught": {"in", "out", "by"},
    "snowed": {"in", "under"}, "shut": {"in", "out"}, "diagnosed": {"with", "in", *_WHEN},
    "fired": {"from", "for", *_WHEN}, "sacked": {"from", "for", *_WHEN}, "dumped": {"by", "for", "over", "via", *_WHEN},
    "promoted": {"to", *_WHEN}, "hired": {"as", "by", *_WHEN}, "accepted": {"into", "by", "onto", *_WHEN},
    "rejected": {"by", "from", "for", *_WHEN}, "invited": {"to", "for", *_WHEN}, "robbed": {"in", "at", "on", "by", *_WHEN},
    "scammed": {"by", "out", "on", *_WHEN}}


#: Words a clause cut at an emoji may not end with (`emoji_ends_clause`), and words that start the clause after it.
CUT_ENDS = DANGLING | {"so", "to", "new", "about", "really", "just", "his", "her", "its", "of", "in", "on", "at", "for"}
_NEXT_CLAUSE = {"i", "im", "i'm", "ive", "i've", "he", "she", "we", "they", "it", "its", "it's", "so", "but"}


def emoji_ends_clause(words: list[str], tokens: list[str], n: int) -> bool:
    """Whether the emoji `tokens[n]` ends the whole clause kept so far (`words`), a new one starting after it ("his
    collar tag says Nacho 😭 ive started calling him"), not a word it stands for ("i love my new 🚗 it's so fast")."""
    token = tokens[n]
    following = next((t.lower() for t in tokens[n + 1:] if t.isascii()), None)
    return (not token.isascii() and not token[0].isalnum() and len(words) >= 3 and is_clause(" ".join(words))
            and words[-1].lower() not in CUT_ENDS and following in _NEXT_CLAUSE)
