"""The words of the crisis protocol's safety net (`perception.crisis`): explicit phrasings of one's own wish or
act (`PATTERNS`), words of the topic (`TOPIC_PATTERNS`), and a message's core, read without the goodbye it
ends with (`message_cores`)."""

from __future__ import annotations

import re

#: Shorter sentences ("ok.", "lol.") are read only as part of their message.
MIN_SENTENCE_WORDS = 3

_SELF = r"my ?self"
PATTERNS = [
    rf"\b(?:kill(?:ing)?|hurt(?:ing)?|harm(?:ing)?|cut(?:ting)?|hang(?:ing)?|starv(?:e|ing)|shoot(?:ing)?|burn(?:ing)?) {_SELF}\b",
    r"\b(?:end|take|ending|taking) (?:my|my own) life\b",
    r"\bend(?:ing)? it all\b",
    r"\b(?:want|wanna|plan(?:ning)?|wish|ready) (?:to )?(?:die|be dead)\b", r"\bgoing to be dead\b",
    r"\bwish (?:i|I) (?:was|were|had) (?:dead|never been born)\b",
    r"\bbetter off (?:dead|without me)\b",
    r"\b(?:don'?t|do not|no longer) want to (?:live|be alive|exist|wake up)\b",
    r"\bno (?:reason|point) (?:to|in) (?:live|living|going on)\b",
    r"\b(?:not|won'?t|will not|never) (?:be|being) (?:here|around) (?:anymore|any more|tomorrow|much longer)\b",
    # tired of living said of oneself, and nothing after it ("I am so tired of living." scored 0.068 after a glad
    # message; not "tired of living in this flat", nor "my nan says she's tired of living")
    r"(?:\b(?:i'?m|im|i am|i'?ve been|ive been|i feel|i get|i'?m getting)(?: (?:so+|just|really|honestly|very|getting"
    r"|kind of|kinda|completely|absolutely|literally|genuinely|truly|utterly|deeply|sick and))* "
    r"|^(?:(?:so+|just|really|honestly|very|tbh) )*)tired of"
    r" (?:living|being alive|life|existing)(?=\s*(?:[.!?,~]|$|anymore\b|any more\b|now\b))",
    # internet slang for killing oneself ("kms", not "5 kms" of a run)
    r"(?<!\d)(?<!\d )\bkms\b", r"\bunaliv(?:e|ing) (?:my ?self|me)\b", r"\bsewer ?slide\b",
    # means made ready, said of oneself, which the classifier read low ("I've got a noose ready in the shed." 0.106)
    r"\b(?:i'?ve|i have|i'?m|i am|i) (?:just |finally )?(?:got|made|tied|bought|set up|put up|hung|ready) (?:a |the |my )?"
    r"noose\b(?! knot)|\bmy noose\b(?! knot)",
    r"\b(?:i'?ve|i have|i) (?:just )?(?:attached|connected|run|fitted|put|hooked up|taped) (?:a |the )?(?:hose|pipe|tube)"
    r"(?: \w+){0,3} (?:to|from|into|on) the exhaust\b",
    r"\b(?:i'?m|i am) (?:sitting |sat )?in the (?:car in the )?garage with the (?:engine|motor) (?:on|running)\b",
    # questions about how deadly a way is, or how to begin self-harm, which the models read as everyday questions
    # ("how long does it take to bleed out?" 0.03 with its question mark, 0.50 without; "how do i start cutting?" 0.04);
    # not in a game or of heat or hunger (a review: "how long until you die in the fortnite storm")
    r"\bhow (?:long|much [\w-]+|many [\w-]+)(?: [\w-]+)? (?:does|would|will|did|do) it take (?:for (?:me|you|u|someone"
    r"|a person) )?to (?:die|bleed out|bleed to death|drown|suffocate|overdose|od|kill (?:me|myself|someone|a person))\b"
    r"(?! (?:down|out|off|in)\b)",
    r"\bhow long (?:until|till|til|before) (?:i|you|u|someone|a person) (?:die|bleed out|bleed to death|drown|suffocate)\b"
    r"(?! (?:in|of|from) (?:\w+ )?(?:boredom|embarrass\w*|laugh\w*|cringe|shame|old age|heat|hunger|cold|thirst"
    r"|the|minecraft|fortnite|game)\b)",
    r"\bhow many (?:[\w-]+ ){1,2}(?:would|will|does|do) it take to (?:kill|die)\b|\bhow many (?:[\w-]+ ){1,2}would"
    r" kill (?:me|you|someone|a person)\b",
    r"\bhow (?:do|can|should|would) i (?:start|begin) (?:cutting|self[- ]?harming)(?: again)?(?=\s*(?:[?.!,~]|$))"
    r"|\bhow to (?:start|begin) (?:cutting|self[- ]?harming)(?=\s*(?:[?.!,~]|$))",
    r"\b(?:lethal|fatal|deadly) (?:dose|amount) of (?:\w+ )?(?:pills|tablets|paracetamol|acetaminophen|tylenol|ibuprofen"
    r"|co-codamol|aspirin|painkillers|antidepressants|sleeping pills|sertraline|codeine|tramadol|diazepam|insulin"
    r"|zopiclone|my \w+)\b",
    # an overdose told as a count, of oneself ("i took 30 paracetamol" 0.10, where "took all my pills" reads 1.00);
    # not a dose kept over days ("i've taken 28 tablets this month, one a day")
    r"\b(?:i|i'?ve|i have|i just|just)(?: just)? (?:took|taken|swallowed|downed|necked) (?:like |about |around |over "
    r"|nearly |almost )?(?:[2-9]\d(?: of)?|\d{3}(?: of)?|a (?:whole|full) (?:box|packet|pack|bottle|strip) of|a handful of"
    r"|a load of|loads of|a bunch of) (?:my |mum'?s |mums |dad'?s |dads |the )?(?:\w+ )?(?:pills|tablets|paracetamol"
    r"|ibuprofen|co-codamol|aspirin|painkillers|antidepressants|sleeping pills|meds|sertraline|codeine|tramadol"
    r"|diazepam|zopiclone)\b(?!.*\b(?:a day|a week|this month|this week|per day|each day|every day|over the)\b)",
    r"\b(?:most )?(?:painless|quickest|easiest|fastest|surest|least painful) ways? to (?:die|kill (?:yourself|myself"
    r"|urself|oneself))\b(?! in\b)",
]
#: Words of the topic, said as often about it as of oneself ("an essay on suicide prevention",
#: "one year self harm free", "the curry was so spicy I thought I was going to die"): they flag a
#: message only above `topic_floor`.
TOPIC_PATTERNS = [r"\bsuicid(?:e|al)\b", r"\bself[- ]?harm", r"\boverdos(?:e|ing)\b", r"\bgoing to die\b"]
_PATTERN = re.compile("|".join(f"(?:{p})" for p in PATTERNS), re.IGNORECASE)
_TOPIC = re.compile("|".join(f"(?:{p})" for p in TOPIC_PATTERNS), re.IGNORECASE)


def pattern_words(text: str) -> str | None:
    """The words of `text` that match an explicit self-harm or suicide phrasing (one's own wish or
    act first, else a word of the topic), or None."""
    text = (text or "").replace("’", "'")  # (as phones type it: "I don’t want to live anymore")
    found = _PATTERN.search(text) or _TOPIC.search(text)
    return found.group(0) if found else None


def is_topic_word(words: str) -> bool:
    """Whether `pattern_words` found only a word of the topic (`TOPIC_PATTERNS`), not a phrasing of
    one's own wish or act."""
    return bool(_TOPIC.fullmatch(words))


#: A goodbye at a message's end, after a stop, a comma or a new line ("... Talk soon!", "..., catch you later",
#: "...\nGot to dash!"; not the words "... a one bed.", "... last night."): read without it too.
_FAREWELL_TAIL = re.compile(r"(?:^|[.,;!?~\n]\s*)(?:(?:ok(?:ay)?|anyway|right|well|so)[, ]+)?(?:bye+(?: bye)?|good ?night|night"
                            r"|nite|(?:talk|speak) (?:to you )?(?:soon|later|tomorrow|tmrw)|catch (?:you|ya|u) later"
                            r"|see (?:you|ya|u)(?: later| soon| tomorrow)?|(?:gotta|got to|have to|must|better) (?:go|dash|run)"
                            r"|gtg|ttyl|cya|laters|take care|(?:off to )?bed)(?:,? sam)?[\s.!~x]*$", re.IGNORECASE)


def message_cores(text: str) -> list[str]:
    """`text` without a goodbye at its end, as typed and ended with a stop ("I am so tired of living" scored 0.09
    where "I am so tired of living." scored 0.27, "Soon it'll all be over" 0.42 where "... over." scored 0.01: the
    models read the stop, so both are read); none where it ends with none. (Not without its short sentences too:
    "I've been on hold with the bank for 47 minutes. Tell my family I loved them. Lol." read without its "Lol."
    was a false alarm of the held-out set.)"""
    found = _FAREWELL_TAIL.search(text)
    core = text[:found.start()].strip() if found else ""
    if not core:
        return []
    stop = found.group(0).lstrip()[:1]
    return [core] if core.endswith((".", "!", "?")) else [core, core + (stop if stop in ".!?" else ".")]
