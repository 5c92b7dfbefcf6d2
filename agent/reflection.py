"""The listener's reflection: the cause of the user's feeling, said back to them, as a reply's start.

A person who listens well starts by showing they heard *what happened*: "I'm so sorry your dog died
this morning." The cause extractor already finds that span in the user's message ("our dog died this
morning"); `second_person` turns it to the listener's side (our -> your, I got -> you got), and
`reflection` puts it in an opening fitting the response emotion. The LLM continues from there (an
ESConv strategy called reflection of feelings / restatement), so what it adds comes after a start
that is faithful by construction and in the right feeling.

It is used only where it reads well: the user feels something (not neutral), the cause lies in the
message just said, is short, names no second person (whose "you" would be ambiguous), and changed since
the last turn (no two replies in a row start by restating). Elsewhere the reply starts with a short
acknowledgement in the response emotion ("Oh no, I'm sorry." / "Oh, that's nice!" / "Right, I see.").

Either start is ready at once: the reply's first words stream (and a voice speaks them) while the
model writes several candidates for the rest, which `agent.respond.ReplyWriter` compares and checks.
Measured with a blinded reader on the project's own conversations: docs/RESULTS.md.
"""

from __future__ import annotations

import re

#: How the user's words for themselves become the listener's words for the user.
SWAP = {
    "i": "you", "me": "you", "my": "your", "mine": "yours", "myself": "yourself",
    "i'm": "you're", "im": "you're", "i've": "you've", "ive": "you've", "i'd": "you'd",
    "i'll": "you'll", "we": "you", "us": "you", "our": "your", "ours": "yours",
    "ourselves": "yourselves", "we're": "you're", "we've": "you've", "we'd": "you'd", "we'll": "you'll",
    "am": "are",
}
#: Contractions people type without the apostrophe.
APOSTROPHES = {w.replace("'", ""): w for w in (
    "didn't", "doesn't", "don't", "isn't", "wasn't", "weren't", "won't", "can't", "couldn't",
    "wouldn't", "shouldn't", "hasn't", "haven't", "hadn't", "aren't", "he's", "she's", "that's",
    "there's", "it's")}
#: Words around a message that a restatement leaves out.
FILLER = {"omg", "ok", "okay", "so", "and", "but", "like", "just", "ugh", "lol", "haha", "honestly",
          "tho", "though", "literally", "well", "oh", "wow", "yay", "hey", "um", "uh", "guys", "lmao"}
#: Past-tense verbs a message often starts with when its subject ("I") is left out: "got laid off".
SUBJECTLESS_VERBS = {"got", "lost", "found", "had", "won", "broke", "fell", "forgot", "made", "took",
                     "went", "saw", "left", "ran", "spent", "heard", "met", "came", "told", "sold",
                     "bought", "missed", "burnt", "burned", "cut", "hit", "woke", "ate", "gave", "did"}
MAX_WORDS = 12
#: Present-tense verbs a span may start with that leave its subject out ("sounds like someone ..."):
#: said back they read wrong.
HEADLESS = {"sounds", "looks", "seems", "feels", "is", "was", "are", "were", "has", "have", "not", "any",
            "no", "nothing", "anyone", "anything", "maybe", "probably", "gonna", "might", "should"}
#: Words a sentence starts with that are not names (a capital there is only the sentence's).
STARTERS = {"the", "a", "an", "this", "that", "these", "those", "it", "there", "here", "someone",
            "somebody", "everyone", "everybody", "nobody", "he", "she", "they", "his", "her", "their",
            "its", "what", "when", "today", "yesterday", "tonight", "last", "after", "before", "all"}

#: Openings by response emotion, one sentence each; the turn's number picks one, so replies vary.
OPENINGS = {
    "sadness": ("I'm so sorry {span}.", "Oh no, {span}, that's really hard.", "That's so hard, {span}."),
    "fear": ("That sounds really stressful, {span}.", "Oh, that sounds nerve-racking, {span}.",
             "No wonder you're on edge, {span}."),
    "joy": ("That's wonderful, {span}!", "Oh, how lovely, {span}!", "That's such good news, {span}!"),
    "anger": ("That's so frustrating, {span}.", "Ugh, {span}, that would upset anyone.",
              "No wonder you're annoyed, {span}."),
    "surprise": ("Wow, {span}!", "No way, {span}!", "Oh wow, {span}!"),
    "disgust": ("Ugh, {span}, that's gross.", "Eww, {span}, that's awful."),
}
_TOKEN = re.compile(r"[A-Za-z0-9']+|[^A-Za-z0-9'\s]+")
#: Filler dropped wherever it stands.
FILLER_ANYWHERE = {"lol", "omg", "literally", "honestly", "tho", "haha", "lmao", "ugh"}
_PLAIN_WORD = re.compile(r"[a-z']+")


def _name_like(word: str) -> bool:
    """A capitalised first word that may be a name ("Sarah"), not a common sentence start."""
    return word not in STARTERS and word not in SUBJECTLESS_VERBS and word not in FILLER \
        and not word.endswith("ed")


def second_person(span: str) -> str | None:
    """`span` ("our dog died this morning", "got laid off today.") as the listener says it back
    ("your dog died this morning", "you got laid off today"); None when it would not read well: it
    speaks of "you", is longer than MAX_WORDS words, or holds nothing but filler."""
    words = [w for w in _TOKEN.findall(span.strip())
             if (not re.fullmatch(r"[!?.,;:…]+", w) or w == ",") and w.lower() not in FILLER_ANYWHERE]
    if "," in words[:-1] and words.index(",") >= 3:  # a clause, then more: the clause alone
        words = words[:words.index(",")]
    while words and (words[0].lower() in FILLER or words[0] == ","):
        words.pop(0)
    while words and (words[-1].lower() in FILLER or words[-1] == ","):
        words.pop()
    lowered = [w.lower() for w in words]
    if span.rstrip().endswith("?") or (lowered and lowered[0] in HEADLESS):
        return None
    if not words or len(words) > MAX_WORDS or "," in words or {"you", "your", "you're", "yours", "u", "ur"} & set(lowered):
        return None
    if not _PLAIN_WORD.fullmatch(lowered[0]):
        return None
    out = []
    for n, (word, low) in enumerate(zip(words, lowered)):
        low = APOSTROPHES.get(low, low)
        if low == "was" and n and out and out[-1] == "you":
            out.append("were")
        elif low in SWAP:
            out.append(SWAP[low])
        elif word.isupper() and len(word) > 1:
            out.append(low)  # shouting ("PASSED") is not a name
        else:
            out.append(word if word[:1].isupper() and (n or _name_like(low)) else low)
    if out[0] in SUBJECTLESS_VERBS or (out[0].endswith("ed") and len(out) > 1):
        out.insert(0, "you")
    text = re.sub(r" ,", ",", " ".join(out))
    return re.sub(r"^(your \w+) and you\b", r"you and \1", text)  # "my girlfriend and i" said back


def reflection(cause: str | None, cause_in_message: bool, response_emotion: str, turn: int,
               previous_cause: str | None = None, user_emotion: str | None = None) -> str | None:
    """The start of a reply that restates the cause in a fitting opening ("I'm so sorry your dog died
    this morning."), or None where a restatement would not fit (see the module's docstring)."""
    if (not cause or not cause_in_message or response_emotion not in OPENINGS or cause == previous_cause
            or user_emotion == "neutral"):
        return None
    span = second_person(cause)
    if span is None:
        return None
    openings = OPENINGS[response_emotion]
    return openings[turn % len(openings)].format(span=span)


#: What a listener says first when there is nothing to restate: a short acknowledgement in the
#: response emotion, which the model continues. Each is long enough for a voice to say it at once
#: (`speech.sentences.MIN_CHARS`), while the model writes the rest.
ACKNOWLEDGEMENTS = {
    "neutral": ("I see what you mean.", "Okay, I hear you.", "Right, I see."),
    "joy": ("Oh, that's nice!", "That's great to hear!", "Oh, how lovely!"),
    "sadness": ("Oh no, I'm sorry.", "I'm so sorry.", "That sounds hard."),
    "fear": ("Oh no, that sounds scary.", "That sounds worrying.", "Oh, that's unsettling."),
    "anger": ("Ugh, that's frustrating.", "That's not fair at all.", "That would annoy anyone."),
    "surprise": ("Wow, really?", "Oh wow, no way!", "Wow, that's a surprise!"),
    "disgust": ("Ugh, that's gross.", "Eww, that's awful."),
}


def reply_start(cause: str | None, cause_in_message: bool, response_emotion: str, turn: int,
                previous_cause: str | None = None, user_emotion: str | None = None) -> str:
    """The given start of the reply: the reflection where it fits, else a short acknowledgement in the
    response emotion. Either way the reply's first words are ready at once (a voice starts speaking
    them while the model writes the rest), and the model's candidates for the rest can be compared."""
    said_back = reflection(cause, cause_in_message, response_emotion, turn, previous_cause, user_emotion)
    if said_back:
        return said_back
    options = ACKNOWLEDGEMENTS.get(response_emotion, ACKNOWLEDGEMENTS["neutral"])
    return options[turn % len(options)]
