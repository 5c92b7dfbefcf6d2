"""A message that only thanks or says goodbye, and the listener's closing words for it.

"thanks for listening, it helped. goodnight" was answered "That's great, thanks for listening! What
will you be doing after tomorrow?" (the person's thanks said back as the agent's own, and a question
as they leave), and "thank you, talk tomorrow" with "Okay, I hear you. What are you doing today?".
Every conversation ends, so this is the turn every user meets. `closing_start` gives the listener's
closing made of what the person said (thanks -> "You're welcome", "it helped" -> "I'm glad it helped",
goodnight -> "Goodnight, sleep well.", thanks alone -> the door left open), and it is the whole reply
(`agent.respond.ReplyWriter`: asked to go on, the model asked "How do you feel about your future?" of
a person saying thank you). A longer message that ends with a goodbye ("... off to eat half of it
with butter, bye!") gets the reply's start (what it was about said back) and then `closing_words`
(a sentence of the model's between them made things up: "Happy new year!" before "Bye for now");
where the model writes the reply whole (an instruct model or a server), `signs_off` tells the reply
writer that a question now is out of place. A message is a farewell only when every word of it is
one of thanks, leaving or their small fillers, so "thanks, i'll call her tomorrow" stays an ordinary
turn. Where the crisis detector scored the message near its threshold, or the reading is sad or
afraid, no cheerful "sleep well": quiet words that leave the door open (`GENTLE_CLOSING`). A careful
session (`agent.safety`) never gets these words: there a goodbye may be a warning sign. A wish for luck
("... wish me luck.") gets one back (`luck_words`), and leaving said before one more sentence ("Right, off to
tell my mum. She still thinks ...") is a goodbye too; words beside it that may be a warning sign ("... nobody
will miss me") never get closing words (`OMINOUS`).
"""

from __future__ import annotations

import re

from agent.farewell_words import (BYE, BYE_ABROAD, CALLED_OR_BACK, CHORES, DONE_TELLING, EMOJI, ENJOY_YOUR,
                                  FAREWELL_WORDS, HAVE_A, HELPED, LAST_WORDS, LEAVING, NEEDS_SLEEP, NIGHT, NIGHT_ABROAD,
                                  OFF_TO_CHORE, OMINOUS, RANT_OVER, SETTLING, TELL_LATER, THANK_YOU, THANKS, TOMORROW,
                                  WISHES_BACK, WORD, other_emoji)
from agent.reply_words import QUOTED, plain_lower

WELCOME = ("You're welcome", "You're very welcome", "You're so welcome")
GLAD = ("I'm glad it helped", "I'm really glad talking helped")
FEEL_BETTER = "I'm glad you feel better"
_FEELS_BETTER = re.compile(r"\bfeel(?:ing)? (?:a (?:bit|little|lot) |much |so much |way )?better\b")
#: "good thanks", "i'm fine, thank you": an answer to "How are you?", not a goodbye.
_ANSWERS_HOW = re.compile(r"^(?:i'?m |im |i am |all )?(?:good|fine|well|alright|great|not bad)\b[\s,.!]*"
                          r"(?:thanks|thank you|thx|ty)\b")
#: The feelings after which no cheerful closing words are composed, only quiet ones (`GENTLE_CLOSING`): a
#: sad or frightened goodbye may be a warning sign even where the detector does not flag it.
QUIET_FEELINGS = ("sadness", "fear")
#: The crisis detector's score from which a goodbye gets only quiet closing words, though under its threshold
#: (about half of it, a careful session's concern level): "thanks for listening. this is the last
#: time we talk. bye" scores 0.41.
CLOSING_MAX_RISK = 0.2
#: The same from the danger detector's score, far under its check-in level ("is it normal to bleed after he forces it?",
#: 0.82, had "Good question! I'm honestly not sure ..."); 5 of 182 everyday answers and closings read 0.3 or more.
CLOSING_MAX_DANGER = 0.3
#: After thanks alone: the door left open, not a question (ESConv's supporters asked after 5 of 35).
OPEN_DOOR = ("I'm here whenever you want to talk.", "I'm here if you want to talk more.")


def _plain(message: str) -> str:
    """The message lower-cased, one space between words, punctuation kept, emoji taken out."""
    return " ".join(EMOJI.sub(" ", plain_lower(message)).split())


def _words(message: str) -> list[str]:
    return WORD.findall(plain_lower(message))


#: "thank you my friend" (not "goodbye my love", which may be a warning sign: the model answers it).
_MY_FRIEND = re.compile(r"\b(thanks|thank you|thank u|cheers|gracias) my (?:friend|dear)\b")


def _only_farewell_words(words: list[str]) -> bool:
    """Every word is one of thanks, leaving or their fillers, the words of a wish (`WISHES_BACK`) too."""
    said = RANT_OVER.sub(" rant ", WISHES_BACK.sub(" ", _MY_FRIEND.sub(r"\1", " ".join(words))))
    return bool(words) and all(w in FAREWELL_WORDS for w in WORD.findall(said))


def closes_here(careful: bool, feeling: str | None) -> bool:
    """Whether a turn may get closing words at all: not in a careful session, and not after a sad or
    frightened reading (`QUIET_FEELINGS`), where a goodbye gets quiet words (`GENTLE_CLOSING`)."""
    return not careful and feeling not in QUIET_FEELINGS


def is_farewell(message: str) -> bool:
    """Every word thanks, leaves, or comes with those, and at least one thanks or leaves."""
    words, text = _words(message), _plain(message)
    if (not _only_farewell_words(words) or "?" in message or _NOT_A_CLOSING.search(text) or OMINOUS.search(text)
            or other_emoji(text) or (_ANSWERS_HOW.match(text) and not leaves(message))):
        return False
    return bool(set(words) & THANKS) or leaves(message)


def leaves(message: str) -> bool:
    """A farewell message in which the person says they are going ("goodnight", "talk tomorrow")."""
    return _only_farewell_words(_words(message)) and bool(LEAVING.search(_plain(message)))


#: A sign-off inside a longer message ("... off to eat half of it with butter, bye!", "... i should
#: really try to get some sleep before the drive. goodnight"): narrower than `LEAVING`, since a
#: longer message says "last night" or "i have to go to the dentist".
_SIGN_OFF = re.compile(
    r"(?:^|[.!?,;:~]|\b(?:ok|okay|anyway|so|well|lol|lmao|haha|now|k))\s*(?:good ?night|night|nite|bye+(?: bye)?|byee+"
    r"|goodbye|later|cheerio|toodles|ta-ra"
    r"|laters|cya|ttyl|cheers|talk (?:to you )?(?:later|soon|tomorrow|tmrw)|" + NIGHT_ABROAD + "|" + BYE_ABROAD
    + r")(?: for now)?(?:\s*,?\s*sam)?[\s!.~]*$"
    r"|(?<!\bif i )(?<!\bwhether i )\b(?:gotta|have to|got to|better|'d better) go(?=\s*(?:now\b|get\b|[.!]|$))"
    r"|\bneed to go(?=\s*(?:now|get\b))"
    r"|\b(?:better|need to) (?:get going|make a move|head off)\b"
    r"|(?:^|[.!?,;]\s*|\b(?:ok|okay|anyway|so|well|lol|k)\s+)gotta go\b(?!\s+(?:to|and|see|back|through|in|into|out)\b)"
    r"|(?:^|[.!?,;]\s*|\b(?:ok|okay|anyway|so|well|lol|k)\s+)(?:gtg|g2g)\b(?!\s+(?:to|and|see|back|through|in|into|out)\b)"
    r"|\b(?:going|gonna go|off|heading|time) to (?:try (?:to|and) )?(?:bed|sleep)(?: now)?(?=\s*(?:[.,!~]|$|before\b))"
    r"|\b(?:i'?ll|ill) (?:try to |try and )?(?:go to )?(?:bed|sleep)(?: now)?(?=\s*(?:[.,!~]|$))"
    r"|\bi go (?:now )?to (?:bed|sleep)(?: now| early)?(?=\s*(?:[.,!~]|$))"  # (a learner's "I go now to sleep early.")
    r"|^(?:ok(?:ay)?|alright|anyway|right)[, ]+(?:i'?m |im |i am )?(?:gonna|going to) go \w+"
    r"|^(?:ok(?:ay)?|alright|anyway|right)[, ]+(?:i'?m |im |i am )?(?:gonna|going to|off to|time to) \w+(?: \w+)?[.!~]*$"
    r"|\b(?:try to |gonna |going to |better )?get some (?:sleep|rest)(?: now| tonight)?(?=\s*(?:[.,!~]|$))"
    r"|\b(?:going to|gonna|i'?ll|ill) try (?:to|and) get (?:a couple of|a few|some|an) (?:hours?'? )?(?:sleep|kip|rest)"
    r"(?=\s*(?:[.,!~]|$|before\b|now\b))"
    r"|\bi'?ll let you go\b|\bsigning off\b|\blogging off\b|\bheading out now\b"
    r"|\b(?:taxi|cab|uber|bus|train|lift|ride)(?:'s| is| has) (?:here|arrived|pulled up)\b")
#: Leaving said loosely ("i'm off to the hardware store"), a sign-off only beside thanks.
_OFF = re.compile(r"\b(?:i'?m|im|i am) (?:off|heading out|heading off|heading home|(?:going to|gonna) go)\b"
                  r"|^(?:off|heading) (?:to|home|out|on)\b|^let me go (?:and )?\w+|^now i (?:go|am going|'m going)\b"
                  r"|\b(?:i'?ll|ill) go (?:\w+ )*now\b"
                  r"|^(?:going to|gonna) go for (?:a|my) (?:walk|run|swim|nap|bath|shower)\b"
                  r"|\bgetting a taxi home\b")
#: ... or going to do something now ("Thanks Sam. I need to go and find something black to wear."; not later on).
_GO_AND = re.compile(r"^(?:i |i'?ve |ive |i'?d |id )?(?:(?:need|have|got) to|better) go and (?:" + CHORES + r"|find"
                     r"|get|walk|sort|check on|help|wake|collect|fetch|change|iron|pack|catch|ring|call)\b")
#: Thanks for the conversation itself in the last sentence ("Thank you for keeping me company, I'll take
#: her temperature again at 2."): the person is closing it.
_THANKS_FOR_TALK = re.compile(r"\b" + THANK_YOU + r"(?: so much| again)? for (?:listening"
                              r"|keeping me (?:company|sane|calm|going)|the chat|chatting|talking|being here"
                              r"|letting me (?:vent|rant|go on|talk|scream|moan|whinge|ramble|offload|babble|gloat|brag"
                              r"|boast"
                              r"|think (?:it|this|that|things) (?:through|over)|get (?:it|this|that) off my chest)"
                              r"|\w+ing (?:me out|with me))\b")  # ("hearing me out", "celebrating with me")
#: Leaving said at the start of the sentence before a thanks alone ("Right, off to make a cuppa and calm
#: down. Thanks Sam.", "ok gotta go, visiting hours start at 2. thanks sam!").
_LEAVES_FIRST = re.compile(SETTLING + r"(?:i'?m |im |i am |i )?"
                           r"(?:off to|off on|gotta go|got to go|have to go|need to go)\b"
                           r"|^(?:right|ok(?:ay)?|well)[, ]+that'?s me(?: done)?[.!]*$|^let me go (?:and )?\w+")
#: "I'd best go" as the whole message (or before a thanks alone), alone or before a chore named with its object
#: ("Well, I'd best go and put the kettle on."): with anything after or before it, or another errand, reviews found it
#: closing warning signs ("Well, I'd best go and check on the baby. She's gone floppy and really hot.", "... I better
#: go. It's not like anyone would notice.", "He choked me last night. Well, I'd best go and put the kettle on.").
_BEST_GO = re.compile(SETTLING + r"(?:i |i'?d |id )?(?:better|best) go"
                      r"(?: now| and (?:put the kettle on|get the (?:tea|dinner) on|make (?:the |my )?(?:dinner|tea)"
                      r"|cook (?:the )?(?:dinner|tea)|feed the (?:cats?|dogs?)|let the dog out|walk the dog))?[.!~]*$")
#: A last sentence that cannot or would rather ("i can't sleep now that he's gone") is no goodbye.
_NOT_LEAVING = re.compile(r"\b(?:can'?t|cannot|couldn'?t|wish i could|unable|won'?t)\b")
_THANKED = re.compile(r"\b(?:thanks?(?! to\b)|thank you|thank u|thx|ty|cheers for|appreciate (?:it|you|that)"
                      r"|gracias|merci|danke|grazie|obrigad[oa])\b")


#: A reply's own goodbye (not the person's "you have to go get ready" said back).
_SAYS_GOODBYE = re.compile(r"\b(?:bye|goodbye|good ?night|take care|see you|sleep well|sweet dreams"
                           r"|talk (?:to you )?(?:soon|later|tomorrow))\b")


def leaving_words(text: str) -> bool:
    """Whether `text` (a reply) already says goodbye ("Goodnight!", "Take care.")."""
    return bool(_SAYS_GOODBYE.search(_plain(text)))


def thanks_in(text: str) -> bool:
    """Whether `text` thanks someone ("thanks for being kind about it")."""
    return bool(_THANKED.search(" ".join(_words(text))))


def signs_off(message: str) -> bool:
    """The person says goodbye, alone or at the end of a longer message; not in words they quote ("The email
    said 'Please can you send the figures by Thursday. Thanks.'" got "You're welcome. I'm here whenever you
    want to talk."): read as typed and without the quotes, a goodbye both ways (taking quotes out only ever
    turns a goodbye off: a review found '"I can't cope anymore." night' closed once they were gone)."""
    return _signs_off(message) and _signs_off(QUOTED.sub(" ", message))


def _signs_off(message: str) -> bool:
    text = _plain(message)
    if leaves(message) and not other_emoji(text):
        return True
    if text.rstrip(" .!~").endswith("?") or OMINOUS.search(text) or other_emoji(text):
        return False
    sentences = _sentences(text)
    last = (sentences[-1:] or [""])[0]
    return not _NOT_LEAVING.search(last) and (
        bool(_SIGN_OFF.search(last)) or bool(_OFF.search(last) and _THANKED.search(text))
        or bool(OFF_TO_CHORE.search(last) and (_THANKED.search(text) or DONE_TELLING.search(text)))
        or bool(NEEDS_SLEEP.search(last) and DONE_TELLING.search(text)) or _called_or_back(sentences)
        or bool(LAST_WORDS.search(last))
        or bool(_GO_AND.search(last) and _THANKED.search(text) and not _LATER_ON.search(last))
        or bool(_LEAVES_FIRST.search(last) and not _LATER_ON.search(last) and len(last.split()) <= 2 * SHORT_AFTER)
        or bool(_BEST_GO.search(last) and len(sentences) == 1)  # (alone: "He choked me last night. Well,
        # I'd best go and put the kettle on." got "Bye, take care.")
        or bool(_THANKS_FOR_TALK.search(last)) or wishes_for_luck(message)
        or leaves(last)  # "... Thanks Sam, have a good evening."
        or _thanks_after_leaving(text) or thanks_at_the_end(text) or _leaves_then_one_more(text)
        or _thanks_then_it_helped(sentences))


#: The person asks for luck as they go to do something ("I'm going to just say it and move on to the
#: sprint stuff, wish me luck."): a question then was off-topic to both readers of the eighteenth set.
_LUCK = re.compile(r"(?<!\bsay )(?<!\bsaid )(?<!\bsays )(?<!\bsaying )\b(?:wish me luck|fingers crossed"
                   r"|here goes(?: nothing)?|send (?:good|positive) vibes|pray for me"
                   r"|keep (?:your|ur) fingers crossed|(?:i'?ll|ill|will) let (?:you|u) know how it goes)\b")
GOOD_LUCK = "Good luck, I hope it goes well."
#: ... where the reading is sad ("the funeral is at 11. wish me luck"): no cheerful "goes well".
THINKING_OF_YOU = "I'll be thinking of you. Take care of yourself."


def wishes_for_luck(message: str) -> bool:
    """The last sentence asks for luck ("wish me luck", "fingers crossed"), or the one before a goodbye
    alone ("... wish me luck. goodnight!"), not as a question."""
    text = _plain(message)
    sentences = _sentences(text) or [""]
    return not text.rstrip(" .!~").endswith("?") and bool(
        _LUCK.search(sentences[-1]) or (len(sentences) > 1 and _LUCK.search(sentences[-2]) and leaves(sentences[-1])))


def luck_words(near_risk: bool, feeling: str | None) -> str:
    """What answers a wish for luck: quiet words where the crisis detector scored the message near its
    threshold, no cheerful wish to a sad reading."""
    return GENTLE_CLOSING if near_risk else THINKING_OF_YOU if feeling == "sadness" else GOOD_LUCK


#: A sentence made of a filler alone ("anyway.", "ok."), read with the sentence after it.
_LONE_FILLER = re.compile(r"(^|[.!?]\s+)(ok(?:ay)?|alright|anyway|right|well)[.!]+\s+")
#: Leaving at a time still to come ("Off to Spain next week"): a plan, not a goodbye.
_LATER_ON = re.compile(r"\b(?:tomorrow|next|week|weekend|month|year|monday|tuesday|wednesday|thursday|friday"
                       r"|saturday|sunday|soon|later|in \w+ (?:days|weeks|months))\b")


#: Good night said first, as a greeting ("Sam, buenas noches! I have very happy news").
_GREETING_NIGHT = re.compile(r"^(?:(?:hi|hey|hello|sam)[, ]+)*(?:good ?night|" + NIGHT_ABROAD + r")\b")
#: The most words after a goodbye or a thanks for the talk that leave it the message's end ("Off to bed now.
#: My bed, anyway.").
SHORT_AFTER = 8


def _called_or_back(sentences: list[str]) -> bool:
    """The message is only `CALLED_OR_BACK`'s sentence, or that and a promise to tell the rest later."""
    if len(sentences) == 2 and TELL_LATER.search(sentences[-1]):
        return bool(CALLED_OR_BACK.search(sentences[0]))
    return len(sentences) == 1 and bool(CALLED_OR_BACK.search(sentences[0]))


#: What the person goes to do now, said after a thanks for the talk.
_NOW_DOING = re.compile(r"^(?:ok |okay |right |so )?now (?:i|we) (?:" + CHORES + r"|go|walk|eat|prepare|get ready"
                        r"|(?:am|'m) going to (?:make|cook|get|start|finish))\b"
                        r"|^(?:off|back|time) to\b"
                        r"|^(?:i'?m|im|i am) (?:off|going) to (?:go |make |cook |get |start |finish )")


def _leaves_then_one_more(text: str) -> bool:
    """Leaving said at the start of the last sentence but one, one more sentence after it ("Right, off to
    tell my mum. She still thinks I'm 'throwing away a good pension'.", "anyway. off to the pub with
    everyone. just needed to say it somewhere")."""
    sentences = _sentences(_LONE_FILLER.sub(lambda m: f"{m.group(1)}{m.group(2)}, ", text))
    if len(sentences) < 2:
        return False
    before, last = sentences[-2], sentences[-1]
    short_after = len(last.split()) <= SHORT_AFTER and not _NOT_LEAVING.search(last)
    greets = len(sentences) == 2 and bool(_GREETING_NIGHT.search(before))  # ("Sam, buenas noches! I have news")
    leaving = ((bool(_LEAVES_FIRST.search(before)) and len(last.split()) <= 1.5 * SHORT_AFTER)
               or (short_after and not greets and bool(_SIGN_OFF.search(before) or _THANKS_FOR_TALK.search(before)))
               or (bool(_THANKS_FOR_TALK.search(before) and _NOW_DOING.search(last))
                   and len(last.split()) <= 1.5 * SHORT_AFTER))  # ("Thank you for listening. Now I make his dinner, ...")
    return (leaving and not _NOT_LEAVING.search(before) and not _LATER_ON.search(before)
            and not _NOT_A_CLOSING.search(last))


def _sentences(text: str) -> list[str]:
    return [part for part in re.split(r"(?<=[.!?])\s+", text) if part.strip(" .!~")]


def _last_sentence(text: str) -> str:
    return (_sentences(text)[-1:] or [""])[0]


#: What the talk did, said after a thanks for it ("Thank you for listening. It helps to have said it to
#: someone who isn't my husband, ..."): the person closes what they were telling.
_IT_HELPED = re.compile(r"^(?:it|that|this|talking|just talking)(?: really| honestly| actually)? (?:helps|helped"
                        r"|has helped|'s helped|does help|did help)(?: (?:a lot|a bit|so much|loads))?(?:[.!]*$"
                        r"| to (?:have )?(?:talk(?:ed)?|said it|say it|tell someone|told someone|get it out|vent(?:ed)?"
                        r"|write it down)\b)")


#: ... and a thanks for being let to say a name, closed only by what the talk did ("Thanks for letting me say his
#: name. It helps.").
_THANKS_FOR_NAME = re.compile(r"\b" + THANK_YOU + r"(?: so much)? for letting me say (?:his|her|their) name\b")


def _thanks_then_it_helped(sentences: list[str]) -> bool:
    return (len(sentences) > 1 and bool(_THANKS_FOR_TALK.search(sentences[-2]) or _THANKS_FOR_NAME.search(sentences[-2]))
            and len(sentences[-1].split()) <= 20
            and bool(_IT_HELPED.search(sentences[-1])) and not _NOT_LEAVING.search(sentences[-1]))


def thanks_at_the_end(message: str) -> bool:
    """A longer message whose last sentence is a thanks alone, with no goodbye ("yeah i think ill book a gp
    appt, its the 3rd time this month. thank you, honestly"): the person closes what they were telling."""
    sentences = _sentences(_plain(message))  # ("thank you for everything" may be a warning sign)
    return (len(sentences) > 1 and is_farewell(sentences[-1]) and not leaves(sentences[-1])
            and bool(set(_words(sentences[-1])) & THANKS) and not _NOT_A_CLOSING.search(sentences[-1]))


#: Thanks that close nothing: a warning sign ("thank you for everything") or sarcasm ("thanks a lot").
_NOT_A_CLOSING = re.compile(r"\beverything\b|\bthanks? (?:a lot|a bunch|for nothing)\b")


def _thanks_after_leaving(text: str) -> bool:
    """A thanks alone after a sentence that leaves ("I'll let you go, the kids need their bath. Thanks for
    hearing me out.", "Right, off to make a cuppa and calm down. Thanks Sam.")."""
    sentences = _sentences(text)
    if (len(sentences) < 2 or not is_farewell(sentences[-1]) or _NOT_LEAVING.search(sentences[-2])
            or _NOT_A_CLOSING.search(sentences[-1])):
        return False
    before = sentences[-2]
    return bool(_SIGN_OFF.search(before) or _OFF.search(before) or _LEAVES_FIRST.search(before)
                or (_BEST_GO.search(before) and len(sentences) == 2))


def closing_start(message: str, turn: int) -> str | None:
    """The listener's closing words for a farewell message, made of what it says; None for any other
    message. "thanks for listening, it helped. goodnight" -> "You're welcome, I'm glad it helped.
    Goodnight, sleep well."; "bye" -> "Bye, take care."; "thank you" -> "You're welcome. I'm here
    whenever you want to talk."."""
    if not is_farewell(message):
        return None
    said_words = _words(message)
    words, text = set(said_words), " ".join(said_words)
    first = []
    if words & THANKS:
        first.append(WELCOME[turn % len(WELCOME)])
    if _FEELS_BETTER.search(text):
        first.append(FEEL_BETTER)
    elif words & HELPED:
        first.append(GLAD[turn % len(GLAD)])
    said = [", ".join(first) + "."] if first else []  # ("You're welcome, I'm glad it helped.")
    if WISHES_BACK.search(text):  # "thanks and have a good night!" -> "You're welcome, you too."
        said = [f"{first[0]}, you too." if first else "Thank you, you too."]
    if not leaves(message):
        return " ".join([*said, OPEN_DOOR[turn % len(OPEN_DOOR)]]) if said else None
    return " ".join([*said, _goodbye(text, bool(first))])


#: A thanks or goodbye alone where no closing words may answer it (the crisis detector scored it near
#: its threshold, or it was read sad or afraid): no "sleep well", the door left open. The model asked
#: "Oh, that's nice! How did it go?" of "Thank you for listening, I wanted to tell someone who would
#: appreciate it. Goodnight." (scored 0.29).
GENTLE_CLOSING = "I'm here whenever you want to talk. Take care of yourself."


def gentle_closing(message: str) -> str | None:
    """The listener's quiet closing for a farewell message (`is_farewell`), or None."""
    if not is_farewell(message):
        return None
    return f"{WELCOME[0] + '. ' if set(_words(message)) & THANKS else ''}{GENTLE_CLOSING}"


def _goodbye(text: str, after_words: bool) -> str:
    if TOMORROW.search(text):
        return "Talk tomorrow, take care."
    if NIGHT.search(text):
        return "Goodnight, sleep well."
    return "Bye for now, take care." if after_words else "Bye, take care."


def closing_words(message: str, said_back: bool = True, quiet: bool = False, luck: str = GOOD_LUCK) -> str | None:
    """What a reply to a longer message that ends the conversation closes with ("she said yes before he
    even finished the sentence lol. ok i have to go get ready for the celebration dinner, thank you
    for hyping this up with me" -> "... Thank you for sharing it with me. Bye for now, take care."), or
    None where the message does not sign off (or is a farewell alone: `closing_start`). `said_back`:
    whether the reply before them said back what the message told; if not, thanks get "You're welcome.".
    `quiet`: where no cheerful goodbye fits (a risk near, a sad or frightened reading), `GENTLE_CLOSING`;
    `luck`: what answers a wish for luck (`luck_words`)."""
    if is_farewell(message) or not signs_off(message):
        return None
    message = QUOTED.sub(" ", message)  # (a quoted thanks is no thanks of theirs)
    text = _plain(message)
    sentences = _sentences(text)
    thanked = ("Thank you for sharing it with me." if said_back else "You're welcome.") if thanks_in(message) else ""
    if wishes_for_luck(message):
        return " ".join(filter(None, [thanked, _luck_closing(sentences, luck)]))
    # (the leaving sentence too where one more follows it: "Off to bed now. My bed, anyway.")
    said = " ".join(sentences[-2:]) if _leaves_then_one_more(text) else _last_sentence(text)
    last = " ".join(_words(said))  # ("the food list tonight. ... Bye Sam!": no "Goodnight")
    if _thanks_then_it_helped(sentences):
        return GENTLE_CLOSING if quiet else f"{WELCOME[0]}, {GLAD[0]}. {OPEN_DOOR[0]}"
    if thanks_at_the_end(message) and not _thanks_after_leaving(text):  # (thanks, no goodbye)
        return GENTLE_CLOSING if quiet else f"{WELCOME[0]}. {OPEN_DOOR[0]}"
    return " ".join(filter(None, [thanked, GENTLE_CLOSING if quiet else _goodbye(last, bool(thanked))]))


def _luck_closing(sentences: list[str], luck: str) -> str:
    """The wish for luck back (`luck`), and a goodbye where the person says one with their wish ("... wish
    me luck lol bye", "going to bed before i overthink it. wish me luck"); none after quiet or sad words."""
    if luck != GOOD_LUCK:
        return luck
    last, before = sentences[-1], (sentences[-2:-1] or [""])[0]
    if _SIGN_OFF.search(_LUCK.sub(" ", last).strip()) or leaves(last):
        return f"{luck} {_goodbye(last, True)}"
    return f"{luck} {_goodbye(before, True)}" if _SIGN_OFF.search(before) else luck
