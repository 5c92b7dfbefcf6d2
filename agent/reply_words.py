"""The words of a reply or a message as the reply checks read them (`agent.reply_checks`,
`agent.told_checks`)."""

from __future__ import annotations

import re

from perception.sentences import split_sentences

_WORD = re.compile(r"[a-z']+")
#: Words that may be a warning sign (means, an ending, danger) wherever they stand beside the listener's own
#: words: no direct answer calls such a message all right (`agent.direct_questions`), no closing words close
#: it (`agent.farewell`); each adds its own words to these. Lower case, for a regex alternation.
WARNING_SIGNS = (r"pills|tablets|paracetamol|ibuprofen|razor|blades?|overdose|suicid\w*|no point|for good|stop fighting"
                 r"|at peace|police|guns?|jump(?:ing|ed)? (?:off|from|in front)|restraining order|blocked me"
                 r"|go through with it|over soon|without me|before i go|change my mind|say goodbye|letters"
                 r"|hid(?:e|ing) from")
#: What the person quotes ('... the email said "Thanks."'): someone else's words, not theirs to the listener.
QUOTED = re.compile(r"(?<!\w)['‘][^'’]*['’](?!\w)|[\"“][^\"”]*[\"”]")  # (not the apostrophe of "what's")


def words(text: str) -> list[str]:
    """The lower-cased words of `text` (letters and apostrophes)."""
    return _WORD.findall(text.lower())


def plain_lower(text: str) -> str:
    """`text` lower-cased, with straight apostrophes (what the phrase patterns expect)."""
    return text.lower().replace("’", "'")


def lower_sentences(text: str) -> list[str]:
    """The sentences of `text`, each `plain_lower` and stripped."""
    return [s.strip() for s in split_sentences(plain_lower(text))]
