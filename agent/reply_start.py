"""The reply's given start: the listener's own words as the whole reply where they fit (about itself, an
answer to a question put to it, a greeting, a goodbye), else the reflection of what happened
(`agent.reflection`), else a short acknowledgement in the response emotion. Either way the reply's first
words are ready at once (a voice starts speaking them while the model writes the rest), and the model's
candidates for the rest can be compared (`agent.respond.ReplyWriter`).
"""

from __future__ import annotations

from agent.about_listener import GREETING, GREETINGS_BACK, listener_answer
from agent.direct_questions import direct_answer
from agent.farewell import closing_start, gentle_closing, signs_off
from agent.clause import learner_english
from agent.feeling_words import glad_fits_message
from agent.reflection import plain_restatement, reflection
from perception.sentences import split_sentences

#: What a listener says first when there is nothing to restate: a short acknowledgement in the
#: response emotion, which the model continues. Each is long enough for a voice to say it at once
#: (`speech.sentences.MIN_CHARS`), while the model writes the rest. ("Oh, that's unsettling.", for
#: uneasy news, was accepted by blinded readers 17 times in 94: it fits eerie things, not worries.
#: "I see what you mean.", a third plain one until 2026-12-06, was the least accepted in six of seven
#: judged files: 0.39 of 854 in `judged.jsonl`, against 0.43 and 0.49 for the two kept. "Oh, how lovely!",
#: a third glad one until 2026-12-07, was accepted 0.45 of 66 times over the thirteenth to twenty-third
#: sets, 0.38 of 408 in all judged files, against 0.48-0.58 for the two kept.)
ACKNOWLEDGEMENTS = {
    "neutral": ("Okay, I hear you.", "Right, I see."),
    "joy": ("Oh, that's nice!", "That's great to hear!"),
    "sadness": ("Oh no, I'm sorry.", "I'm so sorry.", "That sounds hard."),
    "fear": ("Oh no, that sounds scary.", "That sounds worrying.", "That sounds like a lot to handle."),
    "anger": ("Ugh, that's frustrating.", "That's not fair at all.", "That would annoy anyone."),
    "surprise": ("Wow, really?", "Oh wow, no way!", "Wow, that's a surprise!"),
    "disgust": ("Ugh, that's gross.", "Eww, that's awful."),
}


def whole_reply(message: str | None, name: str, turn: int, closing: bool = True,
                answering: bool | None = None) -> str | None:
    """The listener's own words as the whole reply, or None: about itself (`agent.about_listener`), to a final question
    (`agent.direct_questions`, where `answering`: no risk near; `closing` unless given), to a thanks or goodbye alone
    (`agent.farewell`); quiet ones where `closing` is false (sad, afraid). None for no message (careful)."""
    if not message:
        return None
    answering = closing if answering is None else answering
    answer = listener_answer(message, name, turn) or (direct_answer(message, name, not closing) if answering else None)
    return answer or (closing_start(message, turn) if closing else gentle_closing(message))


def reply_start(cause: str | None, cause_in_message: bool, response_emotion: str, turn: int,
                previous_cause: str | None = None, user_emotion: str | None = None,
                message: str | None = None, name: str = "Sam", closing: bool = True, answering: bool | None = None,
                earlier: tuple[str, ...] = ()) -> str:
    """The given start of the reply: the reflection where it fits, else a short acknowledgement in the
    response emotion. Nothing is said back to a learner of English (`agent.clause.learner_english`) whose slips
    show in the message or in the `earlier` messages of the conversation: over the sixteenth to twenty-fourth
    sets, blinded readers accepted what was said back 0.27 of 48 times after a message with slips and 0.29 of
    42 times after a message without them in a conversation with them, an acknowledgement 0.78 and 0.56."""
    whole = whole_reply(message, name, turn, closing, answering)
    if whole:
        return whole
    if message and GREETING.match(message.strip()):
        return GREETINGS_BACK[turn % len(GREETINGS_BACK)]
    said_back = reflection(cause, cause_in_message, response_emotion, turn, previous_cause, user_emotion, message,
                           gladly=bool(message) and signs_off(message) and not (cause and signs_off(cause)))
    # (not where what would be said back is the leaving itself: "That's wonderful, going to bed before you reread her
    # comments for the 10th time!", rejected by both readers of the thirty-third set)
    if not said_back and response_emotion == "neutral" and (user_emotion == "neutral" or not cause):
        said_back = plain_restatement(message, turn)  # (not a cause left out for a reason above)
    if said_back and not learner_english([s for m in (*earlier, message or "") for s in split_sentences(m)]):
        return said_back  # (a learner's slips said back read as the listener's own)
    return acknowledgement(glad_fits_message(response_emotion, message), turn)


def acknowledgement(response_emotion: str, turn: int) -> str:
    """The turn's short acknowledgement in the response emotion ("Okay, I hear you.", "Oh no, I'm sorry.")."""
    options = ACKNOWLEDGEMENTS.get(response_emotion, ACKNOWLEDGEMENTS["neutral"])
    return options[turn % len(options)]
