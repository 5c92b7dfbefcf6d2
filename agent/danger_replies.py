"""What the agent says when a person tells of danger from someone else or of an emergency (`perception/danger.py`):
a fixed reply per kind, never the LLM's, the way the crisis protocol answers self-harm (`agent/safety.py`), where
the reading is clear; where it is not, the agent's own careful reply and a check-in (`DANGER_CHECK_IN`). Each
takes the person seriously, says what to do first where minutes count (an ambulance, getting out of a house that
smells of gas) and names free, confidential services; the lines are offered again, shorter, if danger is told
again in the careful turns after it. Like the crisis protocol this is not a clinical or emergency service: it reads
only the words and can miss.
"""

from __future__ import annotations

#: Where to call when minutes count.
EMERGENCY = "your local emergency number (911 in the US and Canada, 999 in the UK, 112 in Europe)"
ELSEWHERE = "findahelpline.com lists free lines in other countries"
#: How the lines offered again and the check-in start (`without_danger_lines` finds them).
LINES_START = "If you're in danger, please call"
CHECK_START = "I want to check, just in case: are you safe right now?"

#: Services by kind of danger, said in the reply and offered again.
LINES = {
    "partner_abuse": ("the National Domestic Violence Hotline in the US (1-800-799-7233, or text START to 88788) "
                      "and the National Domestic Abuse Helpline in the UK (0808 2000 247) are free and confidential, "
                      f"and {ELSEWHERE}"),
    "child_abuse": ("Childhelp in the US (1-800-422-4453) and Childline in the UK (0800 1111) are free and they listen, "
                    f"and {ELSEWHERE}"),
    "sexual_assault": ("RAINN in the US (1-800-656-4673) and Rape Crisis in England and Wales (0808 500 2222) are free "
                       f"and confidential and can help with what to do next, and {ELSEWHERE}"),
    "threat_or_stalking": ("VictimConnect in the US (1-855-484-2846) and the National Stalking Helpline in the UK "
                           f"(0808 802 0300) are free and confidential, and {ELSEWHERE}"),
}
LINES["grooming"] = LINES["child_abuse"]

_TOLD = "I'm really glad you told me."
_LISTENING = "I'm here to keep listening."
DANGER_REPLIES = {
    "medical_emergency": (
        "That sounds like it could be a medical emergency, so please don't wait: call " + EMERGENCY + " now and "
        "tell them what's happening, or ask someone near you to call. I'm here, but they can help right away."),
    "home_emergency": (
        "Please put your safety first. If you smell gas or smoke or an alarm is going off, get everyone out now, "
        "don't switch anything on or off, and call " + EMERGENCY + " from outside. I'm here when you're safe."),
    "partner_abuse": (
        f"{_TOLD} Nobody should hurt you or frighten you like that, and it isn't your fault. If you're in danger "
        f"right now, please call {EMERGENCY}. If it's safe to, you can also talk to someone: {LINES['partner_abuse']}. "
        f"{_LISTENING}"),
    "child_abuse": (
        f"{_TOLD} What's happening isn't okay, and it isn't your fault. If you're in danger right now, please call "
        f"{EMERGENCY}. Please tell a grown-up you trust, like a teacher; {LINES['child_abuse']}. {_LISTENING}"),
    "grooming": (
        f"{_TOLD} When an adult asks a young person for secrets, photos or meetings their parents don't know about, "
        "that isn't okay, and it isn't your fault. Please tell a grown-up you trust before anything else happens; "
        f"{LINES['grooming']}. If you're in danger right now, call {EMERGENCY}. {_LISTENING}"),
    "sexual_assault": (
        f"{_TOLD} I'm so sorry, and what happened isn't your fault. If you're hurt or in danger now, please call "
        f"{EMERGENCY}. {LINES['sexual_assault']}. {_LISTENING}"),
    "threat_or_stalking": (
        f"That sounds frightening, and your safety comes first. If you're in danger right now, please call "
        f"{EMERGENCY}, and if you can, go somewhere with other people around. {LINES['threat_or_stalking'][0].upper()}"
        f"{LINES['threat_or_stalking'][1:]}. {_LISTENING}"),
}


#: Said after the agent's own careful reply where danger is read, but not surely: the emergency number and where to
#: find a line, no kind's own services (an unsure reading's kind is the least sure part of it).
DANGER_CHECK_IN = (f"{CHECK_START} {LINES_START} {EMERGENCY}, and findahelpline.com lists free, confidential "
                   "helplines near you.")


def danger_reply(kind: str) -> str:
    """The fixed reply to a first telling of danger of `kind` (any other kind: the threat's, which fits all)."""
    return DANGER_REPLIES.get(kind, DANGER_REPLIES["threat_or_stalking"])


def danger_lines(kind: str) -> str:
    """Said after a careful turn's reply when danger of `kind` is told again."""
    lines = LINES.get(kind)
    return f"{LINES_START} {EMERGENCY}." + (f" Also, {lines}." if lines else "")


def without_danger_lines(reply: str) -> str:
    """`reply` without the lines `danger_lines` or the check-in `DANGER_CHECK_IN` put after it."""
    starts = [i for i in (reply.find(CHECK_START), reply.find(LINES_START)) if i >= 0]
    return reply[:min(starts)].rstrip() if starts else reply
