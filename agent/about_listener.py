"""Questions a person asks the listener about itself, and its honest answers.

What a new user types first was answered as if it told a feeling: "how are you?" -> "I see what you
mean. How are you feeling about it?", "what's your name?" -> "I see what you mean. What's your name?",
"are you a real person?" -> "I see what you mean. How are you feeling about the situation?". A message
that only asks how the listener is, its name, whether it is a person, what it is for, or for its help
gets a short answer made of the persona's name and what the agent is (an AI companion that listens;
never a claim to be human), most ending with a question back, as the whole reply. So does a message
that only opens the conversation before the news ("hey sam, you there?", "can i tell you something",
"I have some news.", "the weirdest thing just happened": "I see what you mean. What happened?" before).
Anything more in the message ("how are you? i had a rough day") is an ordinary turn. A careful session
(`agent.safety`) never gets these words.
"""

from __future__ import annotations

import re

from agent.reply_words import plain_lower

#: What may come before the question: a greeting or a filler (the listener's name is taken out first).
_LEAD = (r"^(?:(?:hi+|hello+|hey+|hiya|yo|(?:good )?(?:morning|afternoon|evening)|ok|okay|so|um+|uh+|well|sorry|mate"
         r"|(?:quick|random|honest|serious|weird|dumb) question|(?:just )?(?:curious|wondering)"
         r"|can i ask(?: you)?(?: something)?|be honest)\b[\s,!.:]*)*")
_END = r"[\s,?!.~]*$"
_ASKS = {
    "how_are_you": r"(?:how are (?:you|u|ya)(?: doing| today| tonight| feeling)?|how(?:'s| is) it going|how (?:have|ve)?"
                   r" ?you been|how(?:'s| is) your day(?: going)?|hru|how r u|how are things|(?:are )?you (?:ok|okay|good)"
                   r"|what'?s up|wassup|sup|how do you do|how'?s things|how(?:'s| is) (?:life|everything))",
    "well_wish": r"(?:(?:i )?hope (?:you'?re|ur|you are|u r) (?:well|ok|okay|good|doing (?:ok|okay|well|good))|(?:i )?hope"
                 r" (?:your|ur) (?:day|week|evening|morning|weekend|night)(?:'s| is| has been)? (?:going |been )?"
                 r"(?:ok|okay|well|good|great|alright|nice))",
    "name": r"(?:what(?:'s| is) your name|who are (?:you|u)|who(?:'s| is) this|who am i (?:talking|speaking|chatting)"
            r" (?:to|with)|what should i call (?:you|u)|do (?:you|u) have a name)",
    "real": r"(?:are (?:you|u) (?:a |an )?(?:real|human|person|bot|robot|ai|machine|real person|computer|chatbot|"
            r"chat bot)(?: or (?:a |an )?(?:real |)(?:person|human|bot|robot|ai|machine))?|is this (?:a |an )?(?:bot|ai|"
            r"real person|human|robot)|am i (?:talking|speaking|chatting) (?:to|with) (?:a |an )?(?:bot|ai|human|"
            r"real person|robot|machine))",
    "what_for": r"(?:what (?:can|do) (?:you|u) do|what are (?:you|u)(?: for)?|what is this|how does this work"
                r"|what are (?:you|u) here for|what do (?:you|u) do)",
    "here": r"(?:(?:are )?(?:you|u) (?:still )?(?:there|around|awake|up|here|free|busy)|(?:is )?any ?(?:one|body) (?:there|"
            r"around|home|awake))",
    "tell": r"(?:(?:can|could|may) i (?:tell|ask|show|share)(?: (?:you|u|with (?:you|u)))?(?: (?:something|sth|smth"
            r"|a thing|a question))?(?: with (?:you|u))?(?:\?\s*(?:i'?m|i am|im) (?:a (?:bit|little) |so |really |very |quite )?(?:excited"
            r"|happy|nervous))?|(?:i'?m|i am|im) after a (?:bit of a )?sounding board(?:,? nothing serious)?|can i "
            r"(?:vent|rant|talk)(?: (?:to (?:you|u)|for a (?:sec|second|minute|bit)))*|i (?:need|want|have) to (?:vent|"
            r"rant|talk|tell (?:someone|somebody|you|u))(?: to (?:someone|somebody|you|u))?|(?:do )?(?:you|u) (?:have|got) a "
            r"(?:minute|sec|second)|got a (?:minute|sec|second)|(?:\w+ ){0,2}(?:rant|vent) (?:incoming|time|alert)"
            r"|(?:idk|i don'?t know|not sure) if this is (?:dumb|stupid|silly|weird)"
            r"|this (?:might|may|is gonna|is going to) (?:be|sound) (?:dumb|stupid|silly|weird)"
            r"|can i (?:talk|tell (?:you|u)) about something(?: (?:that'?s|thats|that has) been (?:bugging|bothering"
            r"|worrying|annoying) me)?|i'?d like to (?:get something off my chest|talk about something|tell (?:you|u)"
            r" something)(?:,? if (?:that'?s|thats) (?:all right|alright|ok|okay))?)",
    "tell_about": r"(?:(?:can|could|may) i (?:tell|talk to) (?:you|u) about (?:\w+ ){0,4}?\w+"
                  r"|i (?:wonder|was wondering) if (?:you'?d|you would|i could|i might) (?:let (?:me|an old (?:man|woman"
                  r"|lady|fella)) )?tell (?:you|u) about (?:my|his|her) day)",
    "question": r"(?:(?:i (?:have|got|'ve got|ve got) |got )?(?:a )?(?:quick |random |weird |serious |dumb |silly )?"
                r"(?:question|q)(?: for (?:you|u))?"
                r"|(?:i (?:have|got|'ve got|ve got) |got )a (?:parenting|work|money|dating|relationship|cooking|car|tech"
                r"|computer|maths?|homework|school|garden(?:ing)?|pet|dog|cat|baby|wedding|travel|grammar|english|family|small"
                r"|personal|random|stupid) question(?: for (?:you|u))?"
                r"|i (?:want|wanted|would like|'d like|d like|need) to ask (?:you|u) (?:something|a question|a thing)"
                r"|i (?:wonder|was wondering) if i (?:might|could|may|can) ask (?:you|u|your (?:opinion|advice))"
                r"(?: (?:on|about) something)?)",
    "news": r"(?:guess what|(?:i )?(?:have|got|'ve got|ve got) (?:a )?(?:little |some |big |great |good |exciting "
            r"|happy )*news|i have something to tell (?:you|u))",
    "story": r"(?:(?:i )?(?:have|got|'ve got|ve got) )?(?:a )?(?:bit of a |little )?(?:funny|nice|good|lovely|happy"
             r"|cheerful|sweet) story(?: (?:for (?:you|u)|from today|to tell|from work|from school))?"
             r"(?:,? i (?:want|wanted|need|have) to tell (?:someone|somebody|you|u))?"
             r"|(?:proud \w+|happy|good|great|fun|funny|cute|wholesome|exciting|brag|humble ?brag) (?:\w+ )?(?:moment"
             r"|news|story|update) incoming"  # (glad words only: not "sad news incoming", "final update incoming")
             r"|something (?:cheerful|happy|good|nice|positive|fun|lovely) for (?:once|a change)",
    "happened": r"(?:(?:the|so) )?(?:something|the (?:weirdest|strangest|craziest|funniest|oddest) thing) (?:(?:weird|"
                r"strange|crazy|funny|odd) )?(?:just )?happened(?: (?:today|tonight|at work|at school))?|(?:you )?(?:won'?t|"
                r"will not|wont) believe (?:what (?:just )?happened|this|it)",
    "help": r"(?:can|could|will|would) (?:you|u) help me(?: with (?:something|sth|smth|a thing|stuff|a problem))?"
            r"(?: please)?|i need (?:some )?help|(?:can|could) i talk to (?:you|u)(?: about something)?",
}
#: Openers that may stand one after another before the last ("hi sam! got a minute? i have news"):
#: the last one is answered.
_OPENERS = "|".join(_ASKS[kind] for kind in ("here", "tell", "tell_about", "question", "news", "story", "happened"))
_PATTERNS = {kind: re.compile(_LEAD + rf"(?:(?:{_OPENERS})[\s,?!.~]+)*" + "(?:" + asks + ")" + _END)
             for kind, asks in _ASKS.items()}
ANSWERS = {
    "how_are_you": ("I'm doing well, thanks for asking. How are you?",
                    "I'm good, thank you. How are you doing today?"),
    "well_wish": ("Thank you, that's kind of you. How are you doing?", "Thanks, it's good to hear from you. How are "
                  "things with you?"),
    "name": ("I'm {name}, an AI companion who's here to listen. What's on your mind?",),
    "real": ("I'm an AI, not a person, but I'm here to listen. What's on your mind?",),
    "what_for": ("I'm {name}, an AI companion. I'm here to listen: tell me about your day, or anything "
                 "that's on your mind.",),
    "help": ("Of course, I'll do my best. What's going on?",),
    "here": ("I'm here. What's on your mind?", "Yes, I'm here. What's going on?"),
    "tell": ("Of course, I'm listening. What's going on?", "Of course. I'm all ears, what's up?"),
    "tell_about": ("Of course, I'm listening. Tell me about it.", "Of course. Go ahead, I'm all ears."),
    "question": ("Sure, ask away!", "Of course, go ahead."),
    "news": ("Ooh, tell me! What is it?", "Oh, I'd love to hear it. What's the news?"),
    "story": ("Ooh, I'd love to hear it. Go on!", "Oh, go on, tell me!"),
    "happened": ("Oh? Tell me, what happened?", "Ooh, what happened?"),
}

#: A message that only greets ("hi", "hello there!", "hey sam, how are you?"), and what the listener
#: says first to it: a greeting back, not "I see what you mean." (which the model went on from with
#: "How do you feel about your boyfriend?" to a plain "hi").
GREETING = re.compile(r"^(?:hi+|hello+|hey+|hiya|heya|howdy|yo|greetings|(?:good )?(?:morning|afternoon|evening)|mornin'?"
                      r"|good day)(?: there| again| sam| you| all| everyone)?[\s!.,~]*(?:how are (?:you|u)|how's it going"
                      r"|what'?s up|sup|sorry (?:it'?s|its|for) (?:so )?(?:late|the late (?:message|text)))?[\s!.?,~]*$",
                      re.IGNORECASE)
GREETINGS_BACK = ("Hi, it's good to hear from you.", "Hello, it's nice to hear from you.")


def without_address(span: str, name: str) -> str:
    """`span` (cased as typed) without the listener's `name` said first or last as a word of address
    ("Sam I had such a surprise today" -> "I had such a surprise today"): said back, it would make the
    person the listener ("Wow, Sam you had such a surprise today!")."""
    name = re.escape(name)
    first = rf"^{name}(?:\s*[,!.:]\s*|\s+(?=(?:i|i'm|im|my|we|our|just|guess)\b))"  # not "Sam got the job", "Sam's"
    last = rf"(?:\s*,\s*|(?<=\byou)\s+|(?<=\bthanks)\s+){name}[\s!.?]*$"  # not "I had lunch with Sam"
    return re.sub(rf"{first}|{last}", "", span.strip(), flags=re.IGNORECASE) or span


def without_name(text: str, name: str) -> str:
    """Lower-cased `text` with the listener's `name` taken out where it stands as a word of address
    ("hey sam, how are you?" -> "hey, how are you?")."""
    text = re.sub(rf"(?:^|(?<=[\s,]))(?:{re.escape(name.lower())})(?=[\s,!.?~]|$)[,]?", " ", text)
    return " ".join(text.replace(" ,", ",").split()).strip(" ,")


def question_to_listener(message: str, name: str = "Sam") -> str | None:
    """Which question about the listener `message` asks, alone (a key of `ANSWERS`), or None. The
    listener's `name` may stand before or after it ("hey sam, how are you?", "how are you, sam?")."""
    text = without_name(" ".join(plain_lower(message).split()), name)
    return next((kind for kind, pattern in _PATTERNS.items() if pattern.match(text)), None)


#: A reply that claims the listener is a human ("I am a real person, but ..."): never sent.
_CLAIMS_HUMAN = re.compile(r"\b(?:i am|i'm|im) (?:only |just |also )?(?:a |an )?(?:real |actual |living )?"
                           r"(?:human|person|human being)\b|\b(?:i am|i'm|im) (?:a )?real\b(?! ?(?:ly|sorry|glad|happy))"
                           r"|\b(?:i am|i'm|im) not (?:a |an )?(?:bot|robot|ai|machine|computer|program)\b")


def claims_to_be_human(reply: str) -> bool:
    """Whether `reply` says the listener is a person ("I am a real person") or no AI ("I'm not a bot")."""
    return bool(_CLAIMS_HUMAN.search(plain_lower(reply)))


def listener_answer(message: str, name: str, turn: int) -> str | None:
    """The listener's answer to a question about itself ("what's your name?" -> "I'm Sam, an AI
    companion who's here to listen. What's on your mind?"), or None for any other message."""
    kind = question_to_listener(message, name)
    if kind is None:
        return None
    options = ANSWERS[kind]
    return options[turn % len(options)].format(name=name)
