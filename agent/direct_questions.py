"""A question the person puts to the listener at the end of a message, and the listener's honest answer.

"do you know if binoculars help for meteors or is just your eyes better?" was answered "Right, I see.
How are you feeling now?", "Hey Sam. If you could go anywhere in the world, where would it be?" with
"Okay, I hear you. How are you feeling now?", "I don't want to break his trust but I can't just do
nothing either. What would you do?" with "Right, I see. What's the best thing you can do?": blinded
readers accepted 0.17 of such replies (36 judgements of the thirteenth to sixteenth sets). The small
model cannot answer them, and ignoring them reads as not listening. So a message whose last sentence
asks the listener something gets an honest answer as the whole reply: about the listener itself (it is
an AI and has no favourites, travels or outings of its own: "I'm an AI, so ..."), a fact (it is no reference:
"I'm honestly not sure"), the person's own choice (it thinks it through with them, it does not decide
for them), a question about health (it cannot say: who can), whether what they feel or want is all
right ("is it weird that I want to find her?": it makes sense; "is it normal to still cry every day?":
many people do; never an act that could harm, nor a wish to end or leave: there the model answers
with the crisis protocol's reading), whether a step of their own would be rude, weird, wrong ... ("would
it be unprofessional to just offer to take the photos?": it does not sound so to the listener, who
leaves the judgement to them and asks what worries them), or how to go about something (it has no sure answer, and asks
what they have thought of); each ends by giving the question back. People often type the question
without its question mark ("should i email and ask for feedback or is that pointless") or add a few
words after it ("any tips for listening practice? I'm thinking brazilian telenovelas"): both count. A
rhetorical question ("that's not an excuse, is it?", "under the front garden maybe??") and a quoted one
are no such question. Where the person is sad or afraid the answers are quiet ones (`QUIET_ANSWERS`: no
"Good question!"); never where risk is near or in a careful session (`agent.graph` passes no message).
"""

from __future__ import annotations

import re

from agent.about_listener import without_name
from agent.farewell_words import EMERGENCY
from agent.reply_words import QUOTED, WARNING_SIGNS, plain_lower
from perception.crisis import pattern_words
from perception.sentences import split_sentences

_WHO = r"(?:you|u|anyone|any1|people|someone|one|i|we)"
#: What a reassuring answer may call all right: a feeling, a wish, a small social step of the person's
#: own ("is it weird that I want to find her?", "is it weird to go to the cinema on your own?"); never
#: an act that could harm ("is it bad that i told her she was fat?" is no such question).
_FELT = (r"(?:that i (?:kind of |kinda |\w+ )?(?:want|wanted|feel|felt|miss|missed|cry|cried"
         r"|care|love|loved|like|liked|wish|went along|am|'m|m|was|get|got)\b"
         r"|(?:of me )?to (?:still )?(?:want|feel|miss|cry"
         r"|ask|go|be (?:upset|sad|happy|jealous|relieved|nervous|angry|excited)|say no|say yes|text first)\b)")
#: How a step of the person's own may be judged ("would it be unprofessional to just offer ...?").
_JUDGED = (r"weird|bad|wrong|rude|silly|stupid|strange|selfish|petty|crazy|odd|embarrassing|unprofessional"
           r"|inappropriate|mean|awkward|cheeky|tacky|unfair|pushy|needy|clingy|unreasonable|out of line")
#: ... only a small social step of the person's own (asking, texting, going, saying no, taking the photos):
#: "would it be bad if i took a few extra of my sleeping pills tonight?" is no such question.
_SOCIAL_STEP = (r" (?:just |even |still |actually |not |never )?(?:ask|asked|text|texted|message|messaged|call|called"
                r"|ring|rang|email|emailed|invite|invited|offer|offered|leave early|left early|go|went|didn'?t go"
                r"|didnt go|not go|say|said|tell|told|bring|brought|wear|wore|cancel|cancell?ed|decline|declined|join"
                r"|joined|post|posted|reply|replied|mention|mentioned|visit|visited|send|sent|book|booked|bring up"
                r"|take the|took the|hold|skip the|skipped the|turn (?:it |them |him |her )?down|turned (?:it )?down"
                r"|(?:turn(?:ed)?|show(?:ed)?) up(?=\s*(?:[?.!]|$|at the (?:funeral|service|memorial)\b)))\b")
#: "would you do it?": a choice only with nothing told before it ("... jumping. would you do it?").
_WOULD_YOU_DO_IT = re.compile(r"^would (?:you|u) (?:actually |honestly |really |ever )?(?:do|go for|try|get|buy|pick"
                              r"|choose) (?:it|that|this|one)\b")
#: The question's kinds, tried in this order on the question (lower-cased, "sam" taken out).
_KINDS = {
    "health": re.compile(r"\b(?:rash|red ring|lump|swelling|swollen|fever|symptoms?|bleeding|infection|bruise|blister"
                         r"|doses?|dosage|bullseye|meds|medication|tablets|antibiotics|tick bite|bitten|afib|palpitations"
                         r"|heart rate|chest pain|blood pressure|heal\w*|wounds?|cuts|stitches|scars?)\b"),
    "listener_been": re.compile(r"\b(?:have|did) (?:you|u) ever (?:been|gone|done|tried|had|seen)\b"
                                r"|\bhave (?:you|u) (?:been to|tried|seen)\b"
                                r"|\bhas (?:anything|something|that|this) (?:like (?:that|this) )?ever happened"
                                r" to (?:you|u)\b"),
    "about_listener": re.compile(
        r"\b(?:do|did|have|would|could|are|were|will) (?:you|u)(?: \w+)? (?:have a fav(?:ou?)?rite|like(?! to)|prefer"
        r"|enjoy|go anywhere)\b|\bwhat(?:'s|s| is| are) (?:your|ur) fav(?:ou?)?rite\b|\bwhere would (?:you|u)\b"
        r"|\bif (?:you|u) could (?:go|have|be|live|pick|choose|eat|travel)\b"
        r"|\b(?:do|would) (?:you|u) have (?:a|an|any) (?:position|opinion|view|take|preference|stance) on\b"
        r"|\bwhat(?:'s| is) a \w+ (?:you|u) think\b|\bwhat would (?:you|u) (?:call|name)\b.*\bif (?:you|u) had\b"),
    "listener_pick": re.compile(r"\bwould (?:you|u) be (?:a|an|the|more) [\w ]+ or\b"
                                r"|\bare (?:you|u) (?:a|an|more) \w+ or\b"),
    "normal_feeling": re.compile(r"^is it (?:normal|ok|okay) (?:to|that i) (?:still |really )?(?:cry|feel|miss|be |want"
                                 r"|get |think about|not (?:feel|want|cry))"),
    "reassurance": re.compile(
        r"^(?:do (?:you|u) think )?(?:is it|would it be|was it|it's|its|it is|it would be) (?:\w+ )?(?:weird|bad|wrong"
        r"|silly|stupid|strange|selfish|petty|crazy|odd|embarrassing) " + _FELT +
        r"|^(?:am|was) i (?:overreacting|being (?:silly|dramatic|petty|unreasonable|weird|crazy))\b"
        r"|^(?:do (?:you|u) think )?(?:i|i'm|im|i am|i was) (?:overreacted|overreacting|being (?:silly|dramatic|petty"
        r"|unreasonable))\b|^did i overreact\b"
        r"|^(?:am|was) i (?:wrong|silly|stupid|mad|crazy|being silly) (?:to|for) (?:be|feel|feeling|being) (?:so )?\w+"),
    "self_judgement": re.compile(
        r"^(?:do (?:you|u) think )?(?:am i|i'?m|im|i am) (?:a |an )?(?:really |such a |the )?(?:bad|terrible|awful"
        r"|horrible|rubbish|crap|useless|shit) (?:pet |dog |cat )?(?:owner|mum|mom|mother|dad|father|parent|friend"
        r"|person|daughter|son|wife|husband|partner|sister|brother|boss|teacher|girlfriend|boyfriend|grandma|granny"
        r"|grandad|grandpa|aunt|auntie|uncle|neighbou?r|cook|host|flatmate|roommate|colleague|employee|worker"
        r"|student|manager|employer|tenant|landlord|landlady|coach|player|driver)\b"),
    "own_step": re.compile(
        r"^(?:do (?:you|u) think )?(?:(?P<would>would it be|would that be|will it be)|is it|was it|it's|its|is that"
        r"|was that) (?:\w+ )?(?P<judged>" + _JUDGED + r") (?:that (?:i|we)|if (?:i|we)|of me to|for me to"
        r"|(?(would)to|(?!)))" + _SOCIAL_STEP +
        r"|^(?:am|was) i (?:being )?(?P<judged_me>wrong|rude|mean|unfair|out of line|selfish|petty|unreasonable) "
        r"(?:to|for)(?: not)? (?:(?:leaving|asking|texting|messaging|calling|going|saying|telling|cancell?ing|declining"
        r"|posting|replying|mentioning|inviting|bringing it up)\b|" + _SOCIAL_STEP[1:] + r")"),
    "fact": re.compile(
        r"\b(?:do|does) (?:you|u|anyone|any1) know (?:if|whether|anything about|how (?:to|long|many|often)"
        r"|what (?:actually |really )?(?:causes|happens|the|time)|why|when|where)\b"
        r"|^(?:how (?:often|long|many|much) (?:do|does|should|can)\b|what(?:'s| is) the best way|is it (?:true|normal"
        r"|safe|legal|bad) |is (?:\w+ ){1,2}a lot\b|(?:are|is) (?:those|these|they|it|that|morse|\w+s) (?:even |still "
        r"|actually )?(?:legal|allowed|used|safe)\b|(?:do|does|can|will) (?:photos|it|they|this|that) [\w ]+? "
        r"(?:on (?:their|its) own|automatically)|can (?:you|u|i|we) (?:even )?(?:reapply|appeal|return|cancel))"
        r"|\bare (?:you|we) (?:supposed|meant) to\b"
        r"|^does it (?:usually |normally |always )?take (?:long|a while|ages)\b|^has anyone (?:ever )?(?:done|tried|won)\b"),
    "choice": re.compile(
        r"\bwhat would (?:you|u) (?:actually |honestly |really )?do\b|^would (?:you|u) [\w' ]+,? if (?:you|u) were me\b"
        r"|^is (?:re-?gifting|tipping|not tipping|ghosting|double texting|haggling|reclining)"
        r" (?:really |actually )?(?:bad|rude|wrong|weird|tacky|cheeky)\b"  # ("Is regifting bad? Be honest.")
        r"|\b(?:do|d'?) (?:you|u) (?:think|reckon)\b(?! \w+(?:'ll|'d| will| would|'s going to"
        r"|'re going to|'m going to))|\bwhat (?:do|would) (?:you|u) (?:actually |honestly |really )?(?:think|reckon"
        r"|suggest|say)\b|\bshould i\?*$"
        r"|^(?:so |and |but |ok )?should i\b|\bis (?:it|that) (?:worth|too(?! much to)|weird|silly|normal|bad|wrong"
        r"|reasonable|rude)\b|\bam i (?:wrong|overreacting|being)\b|\bwhat (?:questions )?should i\b"
        r"|\bwhat do (?:you|u|i) even (?:say|talk about|do)\b"
        r"|" + _WOULD_YOU_DO_IT.pattern
        + r"|\bwhich (?:one )?(?:would|do|should) (?:you|u|i) (?:go for|pick|choose|get|buy)\b"),
    "how_to": re.compile(
        rf"^(?:so |but |and |ok )?any (?:tips|advice|suggestions|pointers)\b"
        rf"|^how (?:do|would|should|can) {_WHO} (?:even |politely |nicely |gently |tactfully )?(?:start|begin|come back|deal|handle|argue|tell|get|stop"
        rf"|fix|approach|bring|say|talk|explain|make|learn|practi[sc]e)"
        rf"\b|^what (?:do|does|should|can) {_WHO} (?:even )?do (?:if|when|about)\b"
        r"|\bis there anything (?:else )?i (?:can|should) do\b|\bis there anything (?:\w+ )?(?:i'?m|im|i am) "
        r"(?:forgetting|missing)\b"),
}
ANSWERS = {
    "listener_been": ("I'm an AI, so I haven't myself, but I'd love to hear about it from you. "
                      "What got you thinking about it?"),
    "about_listener": "I'm an AI, so I don't have one of my own, but I'd love to hear yours. What would you pick?",
    "fact": "Good question! I'm honestly not sure, I'm better at listening than at facts. What have you found so far?",
    "health": ("I can't tell you that, and with health it's best not to guess: a pharmacist, a doctor or your local "
               "health advice line can check it properly. How are you holding up?"),
    "choice": ("That's a good question. I'm not sure there's one right answer, but let's think it through "
               "together. What feels right to you?"),
    "listener_pick": "I'm an AI, so I can't say for myself, but I'd love to know. Which would you be?",
    "reassurance": "Not at all, I think it makes complete sense. What makes you wonder?",
    "self_judgement": "I'm not here to judge you. What's making you wonder about it?",
    "own_step": "It doesn't sound {} to me, but you know the situation best. What makes you worry it might be?",
    "normal_feeling": "I think so. A lot of people feel that way, and it makes sense to me. What's it been like for you?",
    "how_to": ("I wish I had a sure answer for you. I don't, but I'm happy to think it through with you. "
               "What have you thought of so far?"),
    "how_to_idea": ("I wish I had a sure answer for you. What you're thinking of sounds like a good place to start, "
                    "though. What drew you to it?"),
}
#: Where the person is sad or afraid: only these kinds, in quiet words (no "Good question!", nothing
#: about the listener's own life, no choice left to them about what hurts: "do you think it's my fault?").
QUIET_ANSWERS = {
    "fact": ("I'm honestly not sure, and I wouldn't want to guess about something that matters this much. "
             "Is there someone who would know?"),
    "reassurance": "No, I don't think so. It makes complete sense to me. What makes you wonder?",
    "self_judgement": ANSWERS["self_judgement"],
    "normal_feeling": ANSWERS["normal_feeling"],
    "own_step": ANSWERS["own_step"],
    "how_to": "I wish I had a sure answer for you. What have you thought of so far?",
    "health": ANSWERS["health"],
    "how_to_idea": ANSWERS["how_to_idea"],
}
#: The most words said after the question that still leave it the message's question ("any ideas? we
#: like short ones").
AFTER_WORDS = 12
_ABOUT_LISTENER = {"about_listener", "listener_pick", "listener_been"}
#: How a question typed without its question mark starts ("should i email ...", "genuinely asking, how do you ...").
_ASKS = re.compile(r"^(?:(?:genuinely|honestly|seriously|ok|also|but|so|and) (?:asking,? )?|genuinely asking,? )?"
                   r"(?:is|are|do|does|can|could|should|would|will|am|how|what|any|has)\b")
_LAUGH = re.compile(r"\s*\b(?:lol|lmao|haha\w*|tho)\b")
_LEAD = re.compile(r"^(?:genuinely asking|honestly|seriously|ok so|also|be honest|hey|but|so|and|ok|okay)[, ]+")
#: What no answer calls all right or leaves to the person's choice, and what may be a sign of risk
#: (there the turn goes on to the model, with the crisis protocol's reading): harm done ("is it bad that
#: i punched him?"; not a hurt felt: "is it silly to feel hurt by that?"), and wishes to end or leave
#: ("am i being selfish for wanting to end it?"), beside the crisis detector's own explicit phrasings
#: (`perception.crisis.pattern_words`: "is it weird that i feel like cutting myself?").
_HARM = re.compile(r"\b(?:hit(?:ting)?|(?<!feel )(?<!felt )(?<!so )(?<!i'm )(?<!im )(?<!really )hurt(?:ing)?"
                   r"|kill(?:ed|ing)?|punch(?:ed|ing)?|slap(?:ped|ping)?|kick(?:ed|ing)?"
                   r"|shov(?:e|ed|ing)|push(?:ed|ing)?|smack(?:ed|ing)?|steal(?:ing)?|stole|stolen|cheat(?:ed|ing)?"
                   r"|lie[ds]?|lying|yell(?:ed|ing)?|scream(?:ed|ing)?|shout(?:ed|ing)?|drunk|drinking|drugs?|high"
                   r"|end (?:it|my life|things)|disappear|sleep forever|(?:not|never) wake|give up|giving up"
                   r"|i(?:'m| am|m)? (?:\w+ )?(?:die|dying|dead)"
                   r"|(?:want|wanna|wish|rather) (?:\w+ )?(?:to )?(?:die|be dead|be gone)"
                   r"|burden|better off without|my fault|hits|grab(?:s|bed)?|bruis\w*"
                   r"|touch(?:es|ed)? me|insulin|scratch\w*|cut(?:ting)? myself"
                   r"|(?:didn'?t|not|stopped|stop|skip(?:ped)?) eat(?:ing)?|starv\w*|letters|gave away|give away"
                   r"|never (?:came|come|coming) back|without me|not waking|wasn'?t here|be here|be around"
                   r"|alone overnight|lock(?:ed)? (?:her|him|them|me) out|can'?t do this|look like an accident"
                   r"|not (?:to )?feel anything|feel nothing|numb|thinner|skinnier|lose weight fast|(?:stay|staying) awake"
                   r"|without (?:sleep|sleeping|eating|food)|disappear\w*|giv(?:e|ing) away|goodbye note|knot|(?:make|making) it quick|quick way"
                   r"|purg\w*|eat(?:ing)? less|\d+ ?kg|way out|painless\w*|without (?:it )?hurting|weapons?"
                   r"|firearms?|rifles?|shotguns?|pistols?|ammo|ammunition|traced|untraceable|hospital|a&e|999|911"
                   r"|(?:the|this|my) pain|way to die|to die(?! of)|death|funeral|grave|coffin|corpse|poison\w*|rope"
                   r"|way to go(?! about)|(?:when|once|after) (?:i'?m|im|i am) gone|nothing at all|care about anything"
                   r"|special (?:girl|boy|friend)|(?:not to|don'?t|won'?t|never) tell (?:anyone|anybody|my|your|mum|mom|dad)"
                   r"|(?:our|a) (?:little )?secret|(?:keep|kept) (?:it|this|that) (?:between us|secret|quiet)"
                   r"|mature for (?:my|your|her|his) age|without my (?:parents|mum|mom|dad) knowing"
                   r"|(?:hid(?:e|ing)|cover(?:ing)?) (?:my |the )?(?:cuts|scars|marks|bruises)|my (?:cuts|scars)"
                   # weapons, blood and death asked about as facts, favourites or how-tos ("do you have a favorite kind of
                   # knife?", "is it normal to bleed after he forces it?", "do you know what happens when you die?")
                   r"|(?:favou?rite|kind of|type of|sort of|best) (?:knife|knives|blades?|razors?|guns?)|(?<!gums )bleed\w*"
                   r"|(?<!donate )(?<!donating )(?<!give )blood(?! (?:out|test|tests|pressure|sugar|type|orange|donation))"
                   r"|(?:when|after|once|if) (?:you|u|we|i|people) die|carbon monoxide|get rid of (?:my|the|a|our) baby"
                   r"|without (?:anyone|anybody|my (?:parents|mum|mom|dad|husband|wife|family)) (?:knowing|finding out)"
                   r"|" + WARNING_SIGNS + r")\b")
#: Questions that are no request, said in pain or as a lead-in ("do you know how hard it is ...?",
#: "and do you know what she did? she left.").
_RHETORICAL = re.compile(r"\bdo (?:you|u) know (?:how (?:hard|much|it feels|bad|lonely)|what it(?:'s| is) like"
                         r"|what (?:he|she|they|it) (?:did|said))\b")
#: A bare question whether what the sentence before told is all right ("Is that sad?", "is that bad"), and a
#: sentence before it that tells a feeling, wish or habit of the person's own ("I still dream about bacon.",
#: "part of me is glad she still needs us."), not an act ("I told her she was fat. is that bad?").
_BARE_JUDGED = re.compile(r"^(?:is|was) (?:that|it|this) (?:so |really |too )?(?:weird|bad|sad|silly|strange|pathetic|odd"
                          r"|stupid|crazy|dumb|wrong|selfish|petty)\b[?!. ]*$")
_FELT_BEFORE = re.compile(r"\b(?:i|i'm|im)(?: still| kind of| kinda| really| secretly)? (?:miss|missed|cry|cried|dream"
                          r"|dreamt|love|loved|keep (?:checking|looking|rereading|reading|watching|thinking about)"
                          r"|still (?:sleep|talk|check|listen|watch|cry|miss|love|dream|think about|have|keep))\b"
                          r"|\bpart of me (?:is |was )?(?:\w+ )?(?:glad|happy|relieved|jealous|sad)\b")
#: What may follow a question about the person themselves without telling anything ("half joking").
_HEDGE = re.compile(r"\b(?:half |only |just )?(?:joking|kidding|serious(?:ly)?|honestly|be honest|genuinely|lol"
                    r"|haha\w*)\b")
_REASON = re.compile(r"\b(?:for|if|because|cause|cuz|bc|since|after|when)\b")
#: A question that only asks the one before again ("How long do things keep in the freezer? Do you know?").
_TAG = re.compile(r"^(?:(?:do|d'?) (?:you|u) know|any (?:idea|ideas|clue)|(?:you )?know|any thoughts)\b[?!. ]*$")
#: Words after a how-to question that say the person's own idea ("any tips? I'm thinking telenovelas").
_OWN_IDEA = re.compile(r"\b(?:i'?m|i am|was) (?:thinking|planning)\b|^(?:maybe|probably)\b")  # (not "I'm going
# to deal with him myself": no "sounds like a good place to start" to that)


def _sentences(message: str, name: str) -> list[str]:
    """The message's sentences (the project's splitter, on the words as typed: "Dr." ends none), each
    lower-cased with quotes and the listener's name taken out."""
    text = QUOTED.sub(" ", " ".join(message.replace("’", "'").split()))
    return [without_name(plain_lower(s), name) for s in split_sentences(text) if s.strip(" .!?~")]


def _question_sentences(message: str, name: str) -> list[str]:
    """The message's sentences as `_question` reads them (`_sentences`, a trailing laugh taken out)."""
    return [s for s in (_LAUGH.sub("", s).strip() for s in _sentences(message, name)) if s.strip(" .!?~")]


def _question(sentences: list[str]) -> tuple[str, str, str] | None:
    """The question the message (its `_question_sentences`) ends with and the words after it: its last sentence
    where that asks something, with or without its question mark, or the one before where only a few words follow it
    (`_asked_before`), and the sentence before the question. (Not one before two sentences: what follows a question is
    where people tell their situation; a review found answers given to "Should I go to A&E? I can't feel my left
    arm ..." and "Have you ever been to Beachy Head? I'm going there tonight. ...".)"""
    if not sentences or _OR.match(sentences[-1]):  # ("do you like trains? Or do you think about stepping in ...?")
        return None
    last = sentences[-1].rstrip(" ~")
    if _TAG.match(last) and len(sentences) > 1 and sentences[-2].endswith("?"):  # ("... freezer? Do you know?")
        return _LEAD.sub("", sentences[-2]), "", (sentences[-3:-2] or [""])[0]
    if last.endswith("?") or (not last.endswith((".", "!")) and _ASKS.match(last)):
        return _LEAD.sub("", last), "", (sentences[-2:-1] or [""])[0]
    return _asked_before(sentences)


#: A second half of the question, "or ...": what people hide in it no word list reads ("do you like trains? or do you
#: also think about stepping in front of one", "do you like my pics? or should i send more like he asked", each
#: answered "I'm an AI, so I don't have one of my own ... What would you pick?" as the whole reply: probes of the
#: thirty-sixth session's review, run again in the thirty-eighth; one of the 6,267 conversation messages had its answer
#: from it).
_OR = re.compile(r"or\b")
#: ... or inside the question, with more than a word or two after it ("would you rather be a bird or a fish" is kept).
_LONG_OR = re.compile(r"\bor(?:\W+\w+){4,}")


def _asked_before(sentences: list[str]) -> tuple[str, str, str] | None:
    """The last sentence but one where it asks something and only a few words follow it ("any ideas? we like short
    ones"; never an "or ..."), with those words and the sentence before it; or None."""
    last = sentences[-1].rstrip(" ~") if sentences else ""
    if len(sentences) > 1 and sentences[-2].endswith("?") and len(last.split()) <= AFTER_WORDS and not _OR.match(last):
        return _LEAD.sub("", sentences[-2]), last, (sentences[-3:-2] or [""])[0]
    return None


def question_kind(message: str, name: str = "Sam") -> str | None:
    """Which question the message ends with puts to the listener (a key of `ANSWERS`), or None (also
    where the message tells of harm done: no answer calls that understandable)."""
    found = _kind_and_question(message, name)
    return found[0] if found else None


def _kind_and_question(message: str, name: str) -> tuple[str, str] | None:
    """`question_kind` and the question it was read from (`_question`: the last question), or None."""
    return _found_kind(message, _question(_question_sentences(message, name)))


def _found_kind(message: str, found: tuple[str, str, str] | None) -> tuple[str, str] | None:
    said = plain_lower(message)  # (an emergency anywhere in it: a choice left to them, "I'm not sure", "a pharmacist
    # can check it" or "it makes complete sense" is no answer to "Should I call 999? ... he's slurring.")
    if (found is None or _HARM.search(said) or EMERGENCY.search(said) or pattern_words(message)
            or _RHETORICAL.search(found[0])):
        return None
    question, after, before = found
    if _BARE_JUDGED.match(question) and _FELT_BEFORE.search(before):  # ("I still dream about bacon. Is that sad?")
        return "reassurance", question
    kind = next((kind for kind, pattern in _KINDS.items() if pattern.search(question)), None)
    kind = "how_to_idea" if kind == "how_to" and _OWN_IDEA.search(after) else kind
    if kind == "self_judgement" and (before or _HEDGE.sub("", after).strip(" .!~") or _REASON.search(question)):
        return None  # (nothing told before or after it: "i shook him. am i a bad mum?", "... for wanting to die?")
    if kind == "choice" and before and _WOULD_YOU_DO_IT.match(question):
        return None
    if kind in _ABOUT_LISTENER and _LONG_OR.search(question):  # ("do you like trains or do you think about ...")
        return None
    return (kind, question) if kind else None


def direct_answer(message: str, name: str = "Sam", quiet: bool = False) -> str | None:
    """The listener's honest answer to a question the message ends with, or None; where `quiet` (the
    person is sad or afraid), a quiet one, or None for the kinds with none (`QUIET_ANSWERS`)."""
    kind, question = _kind_and_question(message, name) or (None, "")
    answer = (QUIET_ANSWERS.get(kind) if quiet else ANSWERS[kind]) if kind else None
    if answer and kind == "own_step":  # the person's own word said back ("It doesn't sound rude to me, ...")
        found = _KINDS["own_step"].search(question)  # (never None: the kind was read from it)
        answer = answer.format(found.group("judged") or found.group("judged_me"))
    return answer
