"""The fixed, careful protocol for a user in crisis (self-harm or suicidal intent).

When the user's words express intent to harm or kill themselves, the turn does not ask the LLM at
all: it answers with `CRISIS_REPLY`, which acknowledges what they said, encourages contacting local
emergency services or a crisis line now, and contains no methods. The response emotion becomes a
calm, low-arousal concern (`CRISIS_RESPONSE`), so the voice is gentle too. Detection is a list of
phrasings, deliberately broad (a false alarm costs one careful reply; a miss could cost far more);
figures of speech such as "this exam is killing me" or "I'm dying to see it" do not trigger it.
"""

from __future__ import annotations

import re

from perception.emotions import VAD

_SELF = r"my ?self"
PATTERNS = [
    rf"\b(?:kill(?:ing)?|hurt(?:ing)?|harm(?:ing)?|cut(?:ting)?|hang(?:ing)?|starv(?:e|ing)|shoot(?:ing)?|burn(?:ing)?) {_SELF}\b",
    r"\bsuicid(?:e|al)\b",
    r"\bself[- ]?harm",
    r"\b(?:end|take|ending|taking) (?:my|my own) life\b",
    r"\bend(?:ing)? it all\b",
    r"\b(?:want|wanna|going|plan(?:ning)?|wish|ready) (?:to )?(?:die|be dead)\b",
    r"\bwish (?:i|I) (?:was|were|had) (?:dead|never been born)\b",
    r"\bbetter off (?:dead|without me)\b",
    r"\b(?:don'?t|do not|no longer) want to (?:live|be alive|exist|wake up)\b",
    r"\bno (?:reason|point) (?:to|in) (?:live|living|going on)\b",
    r"\boverdos(?:e|ing)\b",
    r"\b(?:not|won'?t|will not|never) (?:be|being) (?:here|around) (?:anymore|any more|tomorrow|much longer)\b",
]
_CRISIS = re.compile("|".join(f"(?:{p})" for p in PATTERNS), re.IGNORECASE)

CRISIS_REPLY = (
    "I'm really glad you told me, and I'm so sorry you're in this much pain. Your safety matters most "
    "right now. If you might act on these thoughts, please call your local emergency number (such as "
    "911 in the US and Canada, 112 in Europe, 999 in the UK) or a crisis line: in the US you can call or "
    "text 988, in the UK and Ireland Samaritans answer on 116 123, and findahelpline.com lists free, "
    "confidential lines in other countries. If you can, reach out to someone you trust and let them "
    "stay with you. I'm here to keep talking with you.")

CRISIS_RESPONSE = ("sadness", VAD(-0.2, -0.35, -0.1), 0.3)  # label, VAD, intensity: calm concern


def crisis_signal(text: str) -> str | None:
    """The words that express self-harm or suicidal intent in `text`, or None."""
    found = _CRISIS.search(text or "")
    return found.group(0) if found else None
