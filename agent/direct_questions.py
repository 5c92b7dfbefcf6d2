"""A question the person puts to the listener at the end of a message, and the listener's honest answer.

"do you know if binoculars help for meteors or is just your eyes better?" was answered "Right, I see.
How are you feeling now?", "Hey Sam. If you could go anywhere in the world, where would it be?" with
"Okay, I hear you. How are you feeling now?", "I don't want to break his trust but I can't just do
nothing either. What would you do?" with "Right, I see. What's the best thing you can do?": blinded
readers accepted 0.17 of such replies (36 judgements of the thirteenth to sixteenth sets). The small
model cannot answer them, and ignoring them reads as not listening. So a message whose last sentence
asks the listener something gets an honest answer as the whole reply: about the listener itself (it is
an AI and has no favourites or travels of its own: "I'm an AI, so ..."), a fact (it is no reference:
"I'm honestly not sure"), or the person's own choice (it thinks it through with them, it does not
decide for them); each ends by giving the question back. A rhetorical question ("that's not an excuse,
is it?", "under the front garden maybe??") and a quoted one are no such question. Never in a careful
session (`agent.graph` passes no message there).
"""

from __future__ import annotations

import re

from agent.about_listener import without_name
from agent.reply_words import plain_lower

#: The question's kinds, tried in this order on the message's last sentence (lower-cased, "sam" taken out).
_KINDS = {
    "about_listener": re.compile(
        r"\b(?:do|did|have|would|could|are|were|will) (?:you|u)(?: \w+)? (?:ever been|have a fav(?:ou)?rite|"
        r"like(?! to)|prefer|enjoy|go anywhere|been to)\b|\bwhat(?:'s| is| are) (?:your|ur) fav(?:ou)?rite\b"
        r"|\bwhere would (?:you|u)\b|\bif (?:you|u) could (?:go|have|be|live|pick|choose|eat|travel)\b"),
    "fact": re.compile(
        r"\b(?:do|does) (?:you|u|anyone|any1) know (?:if|whether|anything|how|what|why|when|where)\b"
        r"|^(?:how (?:often|long|many|much) (?:do|does|should|can)\b|what(?:'s| is) the best way|is it (?:true|normal"
        r"|safe|bad) )"
        r"|\bare (?:you|we) (?:supposed|meant) to\b"),
    "choice": re.compile(
        r"\bwhat would (?:you|u) do\b|\b(?:do|d'?) (?:you|u) (?:think|reckon)\b|\bwhat (?:do|would) (?:you|u) "
        r"(?:think|reckon|suggest|say)\b|^(?:so |and |but |ok )?should i\b|\bis (?:it|that) (?:worth|too(?! much to)|"
        r"weird|silly|normal|bad|wrong|reasonable)\b|\bam i (?:wrong|overreacting|being)\b"
        r"|\bwhat (?:questions )?should i\b|\bis there anything (?:else )?i can do\b"
        r"|\bwhat do (?:you|u|i) even (?:say|talk about|do)\b"),
}
ANSWERS = {
    "about_listener": "I'm an AI, so I don't have one of my own, but I'd love to hear yours. What would you pick?",
    "fact": "Good question! I'm honestly not sure, I'm better at listening than at facts. What have you found so far?",
    "choice": ("That's a good question. I'm not sure there's one right answer, but let's think it through "
               "together. What feels right to you?"),
}
_QUOTED = re.compile(r"(?<!\w)['‘][^'’]*['’](?!\w)|[\"“][^\"”]*[\"”]")  # (not the apostrophe of "what's")


def _last_question(message: str, name: str) -> str | None:
    """The message's last sentence where it asks something (lower-cased, quotes and the name taken out)."""
    text = _QUOTED.sub(" ", " ".join(plain_lower(message).split()))
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", text) if s.strip(" .!?~")]
    if not sentences or not sentences[-1].rstrip(" ~").endswith("?"):
        return None
    return without_name(sentences[-1], name)


def question_kind(message: str, name: str = "Sam") -> str | None:
    """Which question the message's last sentence puts to the listener (a key of `ANSWERS`), or None."""
    last = _last_question(message, name)
    if last is None:
        return None
    return next((kind for kind, pattern in _KINDS.items() if pattern.search(last)), None)


def direct_answer(message: str, name: str = "Sam") -> str | None:
    """The listener's honest answer to a question the message ends with, or None."""
    kind = question_kind(message, name)
    return ANSWERS[kind] if kind else None
