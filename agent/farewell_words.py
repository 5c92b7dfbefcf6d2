"""The words of thanks and goodbye as people type them (`agent.farewell` reads messages with them): every
word a message of thanks or goodbye alone may hold, and the phrases that say the person is leaving."""

from __future__ import annotations

import re
import unicodedata

from agent.reply_words import WARNING_SIGNS
from perception.crisis_words import PATTERNS as CRISIS_PATTERNS

WORD = re.compile(r"[a-z]+(?:'[a-z]+)?|<3|:\)|:-\)|:d")
THANKS = {"thanks", "thank", "thx", "ty", "tysm", "thankyou", "appreciate", "appreciated", "grateful", "cheers",
           "gracias", "merci", "danke", "grazie", "obrigado", "obrigada", "asante"}
HELPED = {"helped", "helps", "helpful"}
#: Goodnight as people type it in their first language ("Buenas noches 🌙").
NIGHT_ABROAD = r"buenas noches|bonne nuit|gute nacht|buona notte|boa noite|oyasumi|night night"
#: Goodbye as people type it in their first language ("Adiós, I suppose I should say!").
BYE_ABROAD_WORDS = ("adios", "adiós", "au revoir", "tschüss", "tschuss", "arrivederci", "hasta luego", "sayonara",
                    "paalam", "totsiens")
BYE_ABROAD = "|".join(BYE_ABROAD_WORDS)
#: Emoji a goodbye may end with ("ta-ra 👋"), taken out before it is read (not 💊, 🪦, 🍺 ...: `OMINOUS`).
EMOJI = re.compile("[👋🙂😊😀😁😄😅😂🤣😆❤💕💖💗💙💚💛🧡💜🤍🙏👍✨🌙😴💤🥰😘🤗🌸🌞☀🫶🥳🎉😃😉😌☺🤞💪👌🙌♥✌😎🐶🐱🐾\uFE0F\u200D]")


def other_emoji(text: str) -> bool:
    """An emoji or other symbol left once the harmless `EMOJI` are taken out: "☠️ bye", "bye 🔫", "goodnight 🌉",
    "😭😭😭 bye" had "Bye, take care." (probes of the thirty-sixth session's review, run again in the thirty-eighth);
    the model answers such a message."""
    return any(unicodedata.category(c) == "So" for c in EMOJI.sub(" ", text))


BYE = {"bye", "byee", "goodbye", "cya", "ttyl", "gtg", "g2g", "later", "goodnight", "gn", "night", "nite", "tomorrow",
        "go", "gotta", "bed", "sleep", "off", "care", "soon", "tmrw", "tmr", "laters", "ciao", "cheerio", "toodles", "ta-ra",
        *NIGHT_ABROAD.replace("|", " ").split(), *" ".join(BYE_ABROAD_WORDS).split()}
#: Words a thanks or a goodbye comes with ("ok thanks so much for listening, i feel a bit better now").
FILLER = {"ok", "okay", "okey", "k", "alright", "yeah", "well", "anyway", "anyways", "so", "much", "very", "really",
           "a", "lot", "bit", "little", "for", "listening", "the", "chat", "chatting", "talk", "talking", "this",
           "that", "it", "help", "your", "you", "u", "i", "i'm", "im", "i've", "ive", "think", "feel", "feeling",
           "now", "me", "to", "with", "sam", "again", "lol", "haha", "then", "going", "got", "have", "has",
           "head", "heading", "good", "great", "nice", "day", "evening", "one", "see", "x", "xx", "xo",
           "and", "just", "all", "that's", "thats", "was", "is", "truly", "kind", "of", "being", "here",
           "support", "advice", "time", "take", "hear", "hearing", "out", "everything", "mate", "buddy",
           "hey", "oh", "ah", "will", "i'll", "ill", "we", "can", "more",
           "gonna", "should", "must", "try", "get", "some", "rest", "nap", "sweet", "dreams",
           "<3", ":)", ":-)", ":d", "definitely", "actually", "honestly", "seriously", "super", "tons",
           "bunch", "heaps", "guess", "right", "least", "at", "in", "morning", "tonight", "are", "been",
           "you've", "youve", "caring", "about", "needed", "listen", "listened", "there", "understanding",
           "patience", "kindness", "words", "too", "wonderful", "lovely", "better",
           "rant", "ranting", "vent", "venting", "dear", "hun", "hon", "pal", "bro", "dude", "yaar", "bhai"}
#: "ok rant over, thanks sam": "over" only after a rant ("it is all over now. thanks" is no farewell).
RANT_OVER = re.compile(r"\b(?:rant|vent|venting|ranting) over\b")
#: A filler word settling what comes next at a sentence's start ("Right, back to packing.", "Well, I'd best go.").
SETTLING = r"^(?:ok(?:ay)?|alright|anyway|right|well)[, ]+"
#: Every word a message of thanks or goodbye alone may hold.
FAREWELL_WORDS = THANKS | HELPED | BYE | FILLER
#: How a thanks is typed before what it is for ("thank u for ...").
THANK_YOU = r"(?:thanks|thank you|thank u|thx|ty)"
#: Chores a person goes to do now, in every phrasing of leaving for one ("off to ...", "go and ...", "now i ...").
CHORES = r"make|cook|put|start|finish|feed|pick|wash|clean"
#: A wish that goes with a goodbye ("have a nice weekend", "enjoy your evening").
HAVE_A = r"have a (?:good|great|nice|lovely|wonderful) "
ENJOY_YOUR = r"enjoy your (?:evening|night|day|weekend|afternoon)"
#: Words that say the person is leaving (not only thanking).
LEAVING = re.compile(r"\b(?:bye|byee|goodbye|cya|ttyl|gtg|g2g|(?<!a )good ?night|gn|(?:gotta|got to|have to|better|should) go"
                     r"|(?:going|head(?:ing)?|off) to (?:bed|sleep)|get some (?:rest|sleep)"
                     r"|talk (?:to you )?(?:later|soon|tomorrow|tmrw|tmr|in the morning)|see (?:you|u|ya) (?:later|soon|tomorrow)"
                     r"|take care|sweet dreams|laters|adios|ciao|cheerio|toodles|" + NIGHT_ABROAD
                     + r"|" + HAVE_A + r"(?:one|day|night|evening|weekend|week|afternoon)"
                     r"|" + ENJOY_YOUR + r")\b"
                     r"|(?:^|[.!,;~]\s*|\b(?:ok|okay|so|well|lol|and|thanks|thank you)\s+)(?:night|nite|later|see you)\b")
NIGHT = re.compile(r"\b(?:good ?night|gn|night|nite|(?:to|for) bed|sleep|sweet dreams|tonight|"
                   + NIGHT_ABROAD + r")\b")
#: ... a wish said back ("You're welcome, you too."); its words count as farewell words only inside
#: it ("going to sleep all weekend" is no goodbye).
WISHES_BACK = re.compile(r"\b(?:" + HAVE_A + r"(?:one|day|night|evening|rest|weekend|week|afternoon)|" + ENJOY_YOUR
                         + r")\b")
TOMORROW = re.compile(r"\btalk (?:to you )?(?:tomorrow|tmrw|tmr|in the morning)\b")
#: What closes a telling ("Anyway, that's my news.", "Sorry, rant over."): leaving said after it is a goodbye.
DONE_TELLING = re.compile(r"\bthat'?s (?:my news|all my news|all for now|it from me|me done|all i wanted to say)\b"
                          r"|\b(?:rant|vent|moan|whinge) over\b")
#: Someone calling the person away now ("ok mum is calling me for dinner.", "dinner's ready").
#: Only a parent or the kids, and only as the sentence's end: "my husband is calling me. if I don't go he'll get
#: mad" or "my mum is calling me names" is no goodbye.
CALLED_AWAY = (r"\b(?:mum|mom|mam|mama|dad|papa|the kids?)(?:'s| is| are) calling (?:me|for me)(?: for (?:dinner|tea"
               r"|lunch|breakfast))?|\b(?:dinner|tea)(?:'s| is) (?:ready|on the table)")
#: Work a person goes back to ("Right, back to packing."): not "back to hell", "back to being alone" or a story.
BACK_TO_CHORE = (r"(?:work|packing|unpacking|revision|revising|studying|homework|marking|cleaning|tidying|cooking"
                 r"|the grind|the washing|the ironing|the laptop|the office|my desk|the garden|the books|the spreadsheet)")


#: Words beside a goodbye that may be a warning sign, whatever the crisis detector scored ("ok gotta go.
#: there's no other way out." 0.03): no goodbye words then; the model answers.
#: Missing a goodbye costs a question; closing words to a warning sign cost far more: so many words here.
#: An emergency, danger from someone, drink before driving, or means made ready, told in any words around a
#: question or a goodbye (two reviews of the thirty-second session's change: "Should I call 999? My husband's face
#: has dropped on one side and he's slurring.", "Well, I'd best go and check on the baby. She's gone floppy ...").
EMERGENCY = re.compile(r"\bgarage door\b|\bgarage(?:'s| is) (?:shut|closed)\b|\b(?:engine|car)(?:'s| is)? running\b"
                       r"|\bexhaust\b|\b(?:he|she)'?ll be (?:home|back)\b|\bnot (?:breathing|responding|waking)\b"
                       r"|\bunresponsive\b|\bcan'?t (?:wake|breathe)\b|\bpassed out\b|\bslurr\w*|\bseizure|\bswallowed\b"
                       r"|\b(?:lips|face|skin|he|she|it)(?:'s| has| have| is| are)? (?:gone |turned )?(?:all )?(?:blue|grey"
                       r"|gray|dropped|droopy)\b|\bfind me\b|\bhad (?:a few|\w+ (?:pints|beers|drinks|glasses))\b|\bfloppy\b"
                       r"|\bstockpil\w*|\bgets nasty\b|\bthrows things\b|\bshoved\b|\bdrinking again\b|\bambulance\b"
                       r"|\bcollapsed\b|\bbleeding\b|\bhit my head\b|\bchok(?:ed|ing)\b|\bstrangl\w*|\bpinned\b|\bbleach\b"
                       r"|\bheart attack\b|\bstroke\b|\bworst headache\b|\bdoesn'?t fade\b|\bcomes? into my (?:room|bed)\b"
                       r"|\bwon'?t let me\b|\bacid\b|\bbreak my \w+\b|\bhurt my \w+\b"
                       r"|\bmake (?:him|her|them) pay\b(?! (?:me |us |you )?back\b)|\b(?:photos|pictures|pics) of me\b"
                       r"|\bask(?:s|ing|ed)? (?:me )?for (?:photos|pictures|pics)\b|\bfollows me\b"
                       r"|\b(?:got|has|with|holding) a knife\b|\b(?:oxycodone|codeine|tramadol|fentanyl|xanax|valium"
                       r"|zopiclone|diazepam|morphine|painkillers)\b"
                       r"|\bchest (?:is |feels )?(?:really |so |very )?(?:tight|heavy|pains?|hurts|hurting)\b"
                       r"|\btight chest\b"
                       # harm done by someone else ("My uncle touches me when mum's out. Ok bed." got "Bye, take care.")
                       r"|(?<!really )(?<!it )(?<!that )(?<!this )(?<!so )(?<!deeply )\btouch(?:es|ed|ing) me\b"
                       r"|\b(?:hits|beats|beat|kicks|kicked|slaps|slapped|punch(?:es|ed)) me\b"
                       r"|\brap(?:e|ed|ist)\b|\bmolest\w*|\babus(?:e|ed|es|ing|ive)\b|\bgroom(?:s|ed|ing) me\b"
                       r"|\bthreaten(?:s|ed|ing)? (?:me|to (?:kill|hurt|send|post|share|tell))\b"
                       r"|\bsend the (?:video|photos|pics|pictures)\b|\bnot moving (?:much|at all|since)\b"
                       r"|\bgrab(?:s|bed) (?:me|my)\b|\block(?:ed)? myself in\b")
OMINOUS = re.compile(r"\b(?:" + WARNING_SIGNS + r")\b|" + EMERGENCY.pattern +
                     r"|\bno (?:other )?way out\b|\b(?:nobody|no one|noone)(?: \w+)? (?:will|would|is going to|cares)"
                     r"|\bnotes? to (?:everyone|everybody|all|my family)\b|\b(?:before|when) (?:he|she)(?:'s| gets| is)? "
                     r"(?:home|back|in)\b|\bknife\b|\bbattery\b|\bpints\b"
                     r"|\bdoesn'?t like it when\b|\banyone would notice\b|\bpointless\b|\btired of (?:it all|all of it|everything)\b"
                     r"|\blook after (?:the kids|them|my \w+) for me\b|\bput an end\b|\bfinish it\b|\btime i'?ve got left\b"
                     r"|\bmiss me\b|\bbetter off\b|\bwake up\b|\blast time\b|\bforever\b"
                     # (a review of the thirty-sixth session's goodbye words: "I cut my wrist a little bit. I go now to
                     # sleep.", "I gave my sister all my good things, I won't need them anymore. Bye now."; the same with
                     # "Going to sleep now." had closed before)
                     r"|\bcut my (?:wrists?|arms?|legs?|thighs?|skin)\b|\ball (?:my|the) (?:medicines?|meds|pills|tablets)\b"
                     r"|\bengine (?:on|running)\b|\b(?:come|comes|came) (?:in|into) my (?:room|bed)\b|\bmy (?:photos|pictures)\b"
                     r"|\b(?:take|takes|took|keep|keeps|kept) my (?:passport|documents|papers|id)\b"
                     r"|\b(?:cannot|can'?t) (?:leave the house|continue|carry on)\b|\b(?:bad|cruel) (?:with|to) me\b"
                     r"|\bno food\b|\b(?:so|all) alone\b|\bwon'?t need (?:it|them|this|that|these|those|any of)\b"
                     r"|\bsorry for everything\b|\b(?:if|when|once|after) (?:i'?m|im|i am|i was|i were) gone\b"
                     r"|\bgave (?:\w+ ){0,3}(?:all )?my (?:good |best )?(?:things|stuff|rings|jewell?e?ry)\b"
                     r"|\bleft my (?:rings|jewell?e?ry|things|stuff) (?:for|to)\b"
                     r"|\b(?:sertraline|citalopram|fluoxetine|amitriptyline|co-?codamol|aspirin|insulin|antidepressants"
                     r"|sleeping pills|laxatives)\b"
                     # (a review of the same: risk before "ta-ra", "going to try and sleep" or an emoji)
                     r"|[💊🪦🔪🩸⚰💀🪢🍺🍷🥃🚗]|\bgas on\b|\btook everything\b|\bhad enough of everything\b|\bcan'?t see a way\b"
                     r"|\bsaid what i needed to say\b|\bpromise not to\b|\bpick me up\b|\bbottle of\b|\bvodka\b|\bpounding\b"
                     r"|\bthe fall\b|\bmixed my\b|\bchest feels\b|\bpanic attack\b|\bnumb\b|\bbreathing\b|\bshaking\b"
                     r"|\bwhen i'?m asleep\b|\bvoices\b|\bhave a plan\b|\b(?:i'?m|im|i am) 1[0-7]\b|\bdriving (?:home|back|to (?:his|hers|her|him))\b"
                     r"|\b(?:whole|entire) (?:packet|box|bottle|lot)\b|\b(?:not|don'?t) care\b|\blike me now\b"
                     # (a review of the thirty-fifth session's new goodbye words: "i cut myself again tonight. cheerio";
                     # every phrasing of the crisis detector's safety net, `perception.crisis_words.PATTERNS`)
                     r"|" + "|".join(f"(?:{p})" for p in CRISIS_PATTERNS) +
                     r"|\bstopped taking (?:my |the )?(?:meds|medication|tablets|pills)\b|\bwon'?t be (?:around|here)\b"
                     r"|\bfinally be free\b|\bsaid goodbye to\b|\b(?:standing|stood) on the (?:platform|edge|ledge)\b"
                     r"|\b(?:screams|screaming|screamed|yells|yelling|yelled) at me\b|\bthanks? (?:you )?for everything\b"
                     r"|\bend (?:it|this|things)\b|\bgoodbye to (?:you|everyone|everybody|all)\b|\bgoodbye letters?\b"
                     r"|\b(?:written|wrote|writing) (?:the|my|some) letters\b"
                     r"|\bletters? to (?:everyone|everybody|all|my family)\b|\bgoodbyes\b"
                     r"|\bmade (?:my|the|a) decision\b|\bcan'?t (?:do|take|go on)\b"
                     r"|\b(?:rope(?! ladder)|(?<!played )(?<!playing )bridge(?! (?:news|club|game|games|night|partner"
                     r"|tournament|group|class|lesson|lessons|evening|afternoon|morning|drive|players?)\b)|roof|ledge"
                     r"|tracks)\b"  # (not the card game: "Thank you for listening to an old woman's bridge news.")
                     r"|\bsaving (?:them|it|up)\b"
                     r"|\b(?:want|need) (?:it |this )?(?:all )?to (?:stop|end)\b|\bmake it stop\b|\bcollapsed\b"
                     r"|\b(?:hit|hits|hurt|hurts|grabbed) me\b|\bangry\b|\bscared\b|\bterrified\b|\bambulance\b"
                     r"|\bbleeding\b|\b(?:die|dying|dead|kill\w*)\b|\bself.?harm"
                     r"|\bfeel(?:ing)? (?:so )?(?:terrible|awful|worse|hopeless|empty|numb|worthless|alone)\b"
                     r"|\bi love (?:you|u)\b|\bdrunk\b|\bother side\b|\briver\b|\btime to do it\b|\bmy will\b"
                     r"|\btonight'?s the night\b|\btook my phone\b|\bknow what i (?:have|need|must) to do\b"
                     r"|\b(?:gtg|g2g|gotta go|got to go|have to go)\W+(?:he|she)(?:'s| is) (?:home|back|coming)\b"
                     r"|\b(?:see|be with|join) (?:him|her|them|my \w+) (?:again )?soon\b|\bbe with (?:him|her|them) again\b"
                     r"|\b(?:have|got) (?:nobody|no one|noone|nothing)(?: left)?\b|\ball alone\b"
                     r"|\btogether again\b|\b(?:be|go|going) (?:to |with )(?:him|her|them)\b|\bwaiting for me\b"
                     r"|\bready to go\b|\bjoin (?:him|her|them)\b|\b(?:don'?t|never|not) (?:want to )?wake\b"
                     r"|\blast (?:message|words|goodbye|post)\b|\bmy peace\b|\bdoesn'?t matter any ?more\b"
                     r"|\bremember me\b|\bmy only friend\b|\bcruel world\b|\bi'?m done\b|\buntil i drop\b"
                     r"|\bthe end\b|\b(?:haven'?t|not|stopped|didn'?t) eat(?:en|ing)?\b|\bending (?:it|this|things)\b"
                     r"|\b(?:taken|took|take|taking) something\b|\bdizzy\b"
                     r"|\btight chest\b|\bwhole bottle\b|\bsince i fell\b|\bhit my head\b"
                     r"|\bblood\b(?! (?:pressure|tests?|sugar|donation|type|orange))|\bbruis\w*|\blocked\b"
                     r"|\b(?:go|goes|going) mad\b|\b(?:he|she|they)(?:'ll| will) lose it\b"
                     r"|(?:^|[.!?,]\s*)(?:he|she)(?:'s| is) (?:coming|back|home|here)\b"
                     r"|\bnot that it matters\b|\bever again\b|\bany of it\b|\bshouting again\b"
                     r"|\bsleeping outside\b|\bstep ?(?:dad|father|mum|mom)\b|\binto my room\b|\bthis is it\b"
                     r"|\bknowing you\b|\blove you all\b|\bfinally sleep\b|\bsleep for a long time\b|\bgood innings\b"
                     r"|\bgiven (?:the|my) (?:cat|dog|pets?)\b|\bnobody else\b|\bdon'?t worry about me\b|\btell my family\b"
                     r"|\bthe letter\b|\bleft the door\b|\bdecided what to do\b|\bgo do it now\b|\bdo it tonight\b"
                     r"|\bafter tonight\b"
                     r"|\b(?:check|checks|checking|reads?|reading|go(?:es)? through|look(?:s|ing)? (?:at|through)) my "
                     r"(?:phone|messages|texts)\b"
                     r"|\b(?:see|be with|join) [A-Za-z]+ soon\b|\b(?:goodbye|bye|sayonara|farewell),? world\b")


#: Going to do a chore now ("Off to hang the washing out"), and needing sleep ("I need to try and sleep."): a
#: goodbye only after a thanks or words that close the telling ("that's my news", "rant over"): "off to the
#: cliffs" or "I've been awake for three days. I need to sleep." is none.
OFF_TO_CHORE = re.compile(r"^(?:ok |okay |right |anyway )?(?:i'?m |im )?off to (?:" + CHORES + r"|hang|do|get the"
                          r"|walk the dog|collect|fetch|tidy|iron|work|the shops|the gym|school|bed)\b")
NEEDS_SLEEP = re.compile(r"\b(?:need to|should|must|have to|better|gotta|got to) (?:really )?(?:try (?:to|and) )?"
                         r"(?:go to )?(?:sleep|bed)(?: now)?[.!~]*$")
#: Called away by a parent or the kids, or going back to a chore, as the whole message ("ok mum is calling me
#: for dinner.", "Right, back to packing."), or before a promise to tell the rest later ("ill tell u about the
#: dress hunt later!!"): with any other sentence beside it, no goodbye ("mum is calling me. she's locked the
#: door again", "right, back to marking. the bruises are mostly gone now", "I told him I'd leave him. dinner's
#: ready.").
CALLED_OR_BACK = re.compile(r"(?:" + CALLED_AWAY + r"|" + SETTLING + r"back to " + BACK_TO_CHORE + r")[.!~]*$")
TELL_LATER = re.compile(r"^(?:i'?ll|ill|will) (?:tell|update|message|text) (?:you|u)\b[\w' ]*\blater\b[.!~]*$")


#: Words that close a talk only as its very last sentence ("... I'm going in for a root beer. Good talking to
#: you.", "Thank you for letting an old man rattle on."), never with anything after them.
LAST_WORDS = re.compile(r"^(?:it was |it's been )?(?:good|nice|lovely|great) (?:talking|chatting) (?:to|with) (?:you|u)"
                        r"(?:,? sam)?[.!~]*$|^(?:thanks|thank you)(?: sam)?,? for letting an old (?:man|woman|lady|fella)"
                        r" rattle on[.!~]*$")
