"""The openings a reply starts with when it says back what the person told (`agent.reflection`): one
per response emotion and turn, and the choice among them."""

from __future__ import annotations

import re

from agent.clause import is_clause
from agent.typed_words import ORDINALS, common_word

#: Openings by response emotion, one sentence each; the turn's number picks one, so replies vary.
#: Blinded readers (readings 25-38 of `training/data/replies/judged.jsonl`) accepted "That's such good
#: news, {span}!" 0.37 of 175 times and "Ugh, {span}, that would upset anyone." 0.40 of 186, where all
#: replies at the same place in a conversation (the third and second message) were accepted 0.52 and
#: 0.57; read beside them on the same turns (eighteenth session), "That's great, ..." and "That sounds
#: so annoying, ..." were accepted as often or more. Over the thirteenth to twenty-third sets, though,
#: "That sounds so annoying, ..." and "No wonder you're annoyed, ..." were accepted 0.36 of 22 and 0.33
#: of 30 times, "That's so frustrating, ..." 0.61 of 76 (all judged files: 0.46, 0.50 and 0.66 of 140,
#: 438 and 927): anger is said back with that one only. The same for "Oh no, {span}, that's really hard."
#: (0.40 of 50 over the sixteenth to twenty-fourth sets, 0.51 of 662 in all, against "I'm so sorry ..."
#: 0.67 / 0.74 and "That's so hard, ..." 0.78 / 0.51) and "No wonder you're on edge, ..." (0.38 of 8,
#: 0.57 of 89, against "That sounds really stressful, ..." 0.86 / 0.69): both gone since the
#: thirty-second session.
OPENINGS = {
    "sadness": ("I'm so sorry {span}.", "That's so hard, {span}."),
    "fear": ("That sounds really stressful, {span}.", "Oh, that sounds nerve-racking, {span}."),
    "joy": ("That's wonderful, {span}!", "Oh, how lovely, {span}!", "That's great, {span}!"),
    "anger": ("That's so frustrating, {span}.",),
    "surprise": ("Wow, {span}!", "No way, {span}!", "Oh wow, {span}!"),
    "disgust": ("Ugh, {span}, that's gross.", "Eww, {span}, that's awful."),
    # a feeling read unsurely (`words_emotion`): the restatement alone, naming no feeling
    "neutral": ("Oh, {span}.", "So {span}.", "Ah, {span}."),
}


#: Openings that need a clause to say back ("I'm so sorry your dog died."); a fragment goes in the next.
NEEDS_CLAUSE = {"I'm so sorry {span}.", "So {span}."}


def opening_with(openings: tuple[str, ...], turn: int, span: str) -> str:
    """The turn's opening with `span` in it, the next one where it needs a clause and `span` is none."""
    chosen = openings[turn % len(openings)]
    if (chosen in NEEDS_CLAUSE and not is_clause(span)) or (chosen.startswith("So ") and " so " in f" {span} "):
        chosen = openings[(turn + 1) % len(openings)]  # (not "So he died in 2015 so you can't ask him.")
    return chosen.format(span=span)


#: Words a span said back may start with: a subject ("your dog died", "he gave you his binoculars", "the
#: sign was covered") or an article; a name ("Linda's home and she brought Chinese"), an ordinal ("first
#: class is Tuesday") or a verb's -ing form ("working Christmas on the rig") count too. Spans that start
#: anywhere else read worst said back: over the sixteenth to twenty-sixth sets blinded readers accepted
#: them 0.33 of 300 times ("That's wonderful, today come letter from Dental Council!", "That's great,
#: lesson learned!", "Ah, crack right across the top corner.", "So today some lads threw his bag in the
#: bin."), against 0.60 (glad openings) and 0.71 (others) for spans with a subject, about 0.7 for those
#: with an ordinal or an -ing form, and 0.65 and 0.77 for the plain acknowledgements given instead.
SAID_BACK_STARTS = {"you", "you're", "you've", "you'd", "you'll", "your", "we", "we're", "we've", "our", "he",
                    "he's", "she", "she's", "they", "they're", "they've", "his", "her", "their", "it", "it's",
                    "there", "there's", "this", "that", "the", "a", "an", "everyone", "everybody", "someone",
                    "somebody", "nobody"} | ORDINALS
#: Words in -ing that are no verb's form ("something lovely happened").
NOT_VERB_ING = {"something", "nothing", "anything", "everything", "thing", "morning", "evening", "spring", "king",
                "during", "according", "including", "considering", "regarding", "bring", "sing", "swing", "sting",
                "amazing", "boring", "interesting", "exciting", "annoying", "disappointing", "embarrassing",
                "frustrating", "terrifying", "shocking", "surprising", "devastating", "heartbreaking", "depressing",
                "worrying", "stunning", "refreshing", "relaxing", "exhausting", "confusing", "insulting",
                "wedding", "ceiling", "building", "meeting", "painting", "pudding", "sibling", "earring", "stuffing",
                "icing", "lightning", "parking", "housing", "funding", "ending", "darling", "wing", "ring", "string",
                "bedding", "clothing", "landing", "railing", "dumpling", "offspring", "awning"}
#: The listener's default name: "Sam today is your last day" said back reads as a slip (the active persona's name
#: is taken off the cause by `agent.graph` first; a friend called Alex is said back).
LISTENER_NAME = "sam"
#: Capitalised words at a span's start that are no name ("Hmm my dog died ...", "Coz ...").
NOT_NAMES = {"hm", "um", "uh", "erm", "coz", "cos", "bcos", "bc", "cuz", "ngl", "tbh", "omg", "ugh", "ah", "oh", "wow",
             "yay", "lol", "lmao", "btw", "fyi", "idk", "imo", "ok", "okay", "welp", "fml", "meh", "phew", "oops"}


def starts_with_subject(span: str) -> bool:
    """Whether `span` (as said back) starts with a subject, an article, an ordinal (`SAID_BACK_STARTS`),
    an -ing form or a name (capitalised and not a common word: "Linda's", "Marjorie")."""
    words = span.replace("\u2019", "'").split()
    first = words[0] if words else ""
    low = first.lower()
    base = low.removesuffix("'s")
    return (low in SAID_BACK_STARTS or (low.endswith("ing") and len(low) > 4 and low not in NOT_VERB_ING)
            or (first[:1].isupper() and not common_word(base) and base != LISTENER_NAME
                and re.sub(r"(.)\1+", r"\1", base) not in NOT_NAMES))  # ("Ummm", "Ughh")


#: Feelings whose opening says nothing back (`agent.reflection.reflection`), unless `gladly`: a goodbye's news, whose
#: bare opening the goodbye drops. Blinded readers of the twenty-fifth to thirty-first sets accepted "That's wonderful,
#: <what was told>!" 0.61 of 330 times ("That's wonderful, you played your last game of five-a-side tonight!"; 0.56 of
#: 102 where it told an event, "you won at bridge"), a glad opening alone ("Oh, that's nice!") 0.73 of 78, a plain
#: acknowledgement 0.8-0.9.
PLAIN_OPENING_ONLY = {"joy"}
