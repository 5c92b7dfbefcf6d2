"""The crisis protocol: a user who may harm or kill themselves, and the session after it.

The detector (`perception/crisis.py`: a trained MiniLM classifier, with patterns as a safety
net) reads every message with the user's recent turns. `assess` turns its reading and the session's
stored turns into this turn's `Safety`:

* **Crisis turn**: a flagged message in a session that is not already careful, when the signal is
  clear (a pattern matched, or the classifier's score reaches `protocol_score`). The LLM is not asked
  at all: the reply is `CRISIS_REPLY`, which acknowledges what they said, encourages contacting local
  emergency services or a crisis line now, and contains no methods; the voice is a calm, low-arousal
  concern (`CRISIS_RESPONSE`). The session turns careful.
* **Check-in turn**: a flagged message whose signal is uncertain (the classifier's score between its
  recall-first threshold and `protocol_score`, no pattern). The agent answers carefully in its own
  words and then asks whether the person is safe, with the crisis lines (`CHECK_IN`), the way
  well-run support services confirm before they escalate. The session turns careful; when no clear
  signal follows, one calm turn ends it. (The threshold
  is set for recall: on everyday talk most of its flags are uncertain ones, and the full script in
  answer to "my roommate planned my 30th" helps nobody.)
* **Careful turns**: the turns after a crisis turn. The LLM is told the person may be at risk (stay
  gentle, take them seriously, no jokes or cheerful small talk, never a method), the response emotion
  stays calm concern or care, and a reply that mentions a way of self-harm, speaks of self-harm or
  sounds cheerful is rejected (`careful_verdict`). When risk signals repeat (a flagged message, or one
  whose score reaches `concern` of the threshold) the crisis lines are offered again
  (`CRISIS_LINES` after the reply). Careful mode ends when the conversation has clearly moved on:
  `calm_turns` user turns in a row with no risk signal and no sad or afraid feeling.

* **Danger turn**: a message that tells of harm from someone else or of an emergency (`perception/danger.py`),
  with no clear self-harm signal: the fixed reply for its kind (`agent.danger_replies`) where the reading is
  clear, else the careful reply and a check-in with the emergency number; then careful turns as after a crisis
  turn; danger told again in them gets that kind's lines after the reply.

This is not a clinical tool: it cannot assess risk the way a person trained for it can, it reads
only what is written or said, and it can miss; it points people to those who can help.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from agent.danger_replies import DANGER_CHECK_IN, danger_lines, danger_reply
from agent.transition import ResponseEmotion
from memory import StoredTurn
from perception.crisis import RiskReading, pattern_words
from perception.danger import DangerReading
from perception.emotions import VAD

CRISIS_REPLY = (
    "I'm really glad you told me, and I'm so sorry you're in this much pain. Your safety matters most "
    "right now. If you might act on these thoughts, please call your local emergency number (such as "
    "911 in the US and Canada, 112 in Europe, 999 in the UK) or a crisis line: in the US you can call or "
    "text 988, in the UK and Ireland Samaritans answer on 116 123, and findahelpline.com lists free, "
    "confidential lines in other countries. If you can, reach out to someone you trust and let them "
    "stay with you. I'm here to keep talking with you.")

#: Offered again after a careful turn's reply when risk signals repeat; shown on the page while careful.
CRISIS_LINES = ("If you're in danger or might act on these thoughts, please call your local emergency "
                "number, or a crisis line: 988 (call or text) in the US, Samaritans on 116 123 in the UK "
                "and Ireland, or findahelpline.com for other countries.")


def careful_lines(danger: str | None) -> str:
    """The lines kept in view (the page, the terminal) while a session is careful: the crisis lines, or those of the
    kind of danger the session is about (`Safety.about_danger`; a partner's violence had shown the self-harm lines)."""
    return danger_lines(danger) if danger else CRISIS_LINES


#: Said after the careful reply of a check-in turn (an uncertain risk reading).
CHECK_IN = ("I want to ask, just in case: are you safe right now? If you're having thoughts of harming "
            "yourself, you can call or text 988 in the US, call Samaritans on 116 123 in the UK and Ireland, "
            "or find a line near you at findahelpline.com.")

#: A careful turn's reply when the LLM gives no reply that passes the checks.
CAREFUL_REPLY = "I'm here with you, and I'm listening. How are you feeling right now?"

CRISIS_RESPONSE = ("sadness", VAD(-0.2, -0.35, -0.1), 0.3)  # label, VAD, intensity: calm concern
CARING_RESPONSE = ("neutral", VAD(0.1, -0.35, -0.1), 0.2)  # calm care, when the person is not sad or afraid

#: Feelings that keep a careful session careful.
LOW_FEELINGS = ("sadness", "fear")

_MEANS = re.compile(
    r"\b(?:pills?|tablets?|overdos\w*|rope|noose|hang\w*|bridge|jump\w*|gun|shoot\w*|blade|razor|knife|"
    r"cut\w*|wrists?|poison\w*|bleach|drown\w*|tracks|ledge|roof|medication|dose)\b", re.IGNORECASE)
#: Cheer, celebration and declarations of love: never what a person at risk needs to hear. Exclamations
#: too ("I'm here for you!"): a careful reply is calm. "I'm glad you told me" stays allowed.
_CHEERFUL = re.compile(
    r"\b(?:haha\w*|lol|lmao|yay|awesome|amazing|wonderful|fantastic|congrat\w*|fun|exciting|hooray|"
    r"celebrat\w*|great news|love you|(?:so|very|really) (?:happy|excited) (?:that|for|to|you)|"
    r"(?:that'?s|that is|how|so) (?:great|lovely|nice|cool))\b|!|:\)",
    re.IGNORECASE)


@dataclass(frozen=True)
class Safety:
    """This turn's place in the protocol."""

    risk: float  # the detector's score for the message (with its recent turns; under the levels read, an upper bound)
    signal: str | None  # what flagged the message: the pattern words, or "classifier: risk 0.93"
    protocol: bool  # the reply is the fixed CRISIS_REPLY
    careful: bool  # careful mode is on for this turn (always, on a crisis turn)
    offer_lines: bool  # a careful turn whose reply is followed by CRISIS_LINES
    check_in: bool = False  # an uncertain first risk signal: the careful reply is followed by CHECK_IN
    leaving: bool = False  # a careful turn whose message says goodbye (`agent.graph.careful_goodbye`)
    danger: str | None = None  # the kind of danger told (`perception.danger.KINDS`): its reply or lines, not self-harm's
    self_harm_too: bool = False  # a danger turn whose message the crisis detector flagged, unsurely: its check-in too
    self_harm_near: bool = False  # a danger turn in a careful stretch where self-harm was read before

    @property
    def about_danger(self) -> str | None:
        """The kind of danger a careful turn is about, for the prompt's note and the lines kept in view; None where
        self-harm was read in this turn or its careful stretch (its note and lines stay)."""
        return self.danger if self.careful and not (self.self_harm_too or self.self_harm_near) else None

    @classmethod
    def none(cls) -> "Safety":
        return cls(0.0, None, False, False, False)

    @property
    def protocol_reply(self) -> str:
        """The fixed reply of a protocol turn: the danger's kind's (and the crisis check-in where self-harm was
        read too), or the crisis protocol's."""
        if not self.danger:
            return CRISIS_REPLY
        return f"{danger_reply(self.danger)} {CHECK_IN}" if self.self_harm_too else danger_reply(self.danger)

    def finish(self, reply: str) -> str:
        """The turn's reply as said: the LLM's, followed by the check-in or the lines if due."""
        if self.danger:
            said = [reply.rstrip()]
            if self.check_in:
                said.append(DANGER_CHECK_IN)
            elif self.offer_lines:
                said.append(danger_lines(self.danger))
            if self.self_harm_too:  # (the crisis check-in's lines; its question once, where the danger's asked it)
                said.append(CHECK_IN.split("? ", 1)[1] if self.check_in else CHECK_IN)
            return " ".join(said)
        if self.check_in:
            return f"{reply.rstrip()} {CHECK_IN}"
        return f"{reply.rstrip()} {CRISIS_LINES}" if self.offer_lines else reply


#: How a classifier-only signal is written (`Safety.signal`, stored as the turn's `crisis`).
CLASSIFIER_SIGNAL = "classifier: risk"
#: How a danger signal is written: "danger: partner_abuse 0.99" a clear one (as a pattern's words are), "danger?:
#: partner_abuse 0.85" one that got a check-in (uncertain, as a classifier's score under `protocol_score`).
DANGER_SIGNAL, UNSURE_DANGER_SIGNAL = "danger:", "danger?:"
#: Added to a danger signal where the crisis detector flagged the same message ("danger?: partner_abuse 0.85 +self-harm").
SELF_HARM_TOO = "+self-harm"


def _calm(flagged: bool, risk: float, feeling: str, concern_score: float) -> bool:
    """A turn that shows the conversation moving on: no risk signal, a score under the concern
    level, and no sad or afraid feeling."""
    return not flagged and risk < concern_score and feeling not in LOW_FEELINGS


def is_clear(reading: RiskReading, protocol_score: float) -> bool:
    """Whether a flagged message is a clear risk signal (the fixed reply) rather than an uncertain
    one (a check-in): an explicit phrasing, or a classifier score of at least `protocol_score`."""
    return reading.words is not None or reading.score >= protocol_score


def _was_clear(turn: StoredTurn, protocol_score: float) -> bool:
    """`is_clear` for a stored flagged turn, whose signal is the pattern words, the classifier's or a danger's."""
    if turn.crisis.startswith((DANGER_SIGNAL, UNSURE_DANGER_SIGNAL)):
        return turn.crisis.startswith(DANGER_SIGNAL)
    words = None if turn.crisis.startswith(CLASSIFIER_SIGNAL) else turn.crisis
    return is_clear(RiskReading(turn.risk, True, words), protocol_score)


def assess(reading: RiskReading, history: Sequence[StoredTurn], threshold: float,
           calm_turns: int = 3, concern: float = 0.5, protocol_score: float = 0.5,
           feeling: str | None = None, leaving: bool = False, danger: DangerReading | None = None) -> Safety:
    """This turn's `Safety` from the detector's `reading` and the session's stored turns (oldest
    first); `threshold` is the detector's, `concern` a share of it; a first signal below
    `protocol_score` (and no pattern) is a check-in rather than the fixed protocol; `feeling` is the
    user's feeling this turn (a calm turn after a check-in ends careful mode); `leaving`: the message says
    goodbye, which right after a flagged turn keeps the turn careful and offers the lines again ("I am so
    tired of living." got the check-in, "Well, I'd best go and put the kettle on." then got "Bye, take care.",
    the question "are you safe right now?" left unanswered). `danger`: the danger detector's reading, read
    where the message shows no clear self-harm risk (`danger_safety`: "my dad hits me when he's drunk. i'm 13"
    is better met with Childline than with a question about harming oneself)."""
    if danger is not None and danger.at_risk and not (reading.at_risk and is_clear(reading, protocol_score)):
        return danger_safety(reading, danger, history, concern * threshold, calm_turns, protocol_score)
    signal = (reading.words or f"{CLASSIFIER_SIGNAL} {reading.score:.2f}") if reading.at_risk else None
    if leaving and history and history[-1].crisis and history[-1].careful and not signal:
        return Safety(reading.score, None, protocol=False, careful=True, offer_lines=True, leaving=True,
                      danger=stretch_danger(history))  # (after a danger turn, its lines: not self-harm's)
    calm_now = feeling is not None and _calm(reading.at_risk, reading.score, feeling, concern * threshold)
    careful_before = still_careful(history, concern * threshold, calm_turns, protocol_score, calm_now)
    if signal and not careful_before:
        clear = is_clear(reading, protocol_score)
        return Safety(reading.score, signal, protocol=clear, careful=True, offer_lines=False, check_in=not clear)
    if not careful_before:
        return Safety(reading.score, None, False, False, False)
    repeated = signal is not None or reading.score >= concern * threshold
    return Safety(reading.score, signal, protocol=False, careful=True, offer_lines=repeated, leaving=leaving,
                  danger=None if repeated else stretch_danger(history))  # (self-harm read now: its lines)


#: Kinds of danger where minutes count: a clear reading gets the fixed reply (what to do now) even in a careful session.
URGENT_KINDS = ("medical_emergency", "home_emergency")


def danger_safety(reading: RiskReading, danger: DangerReading, history: Sequence[StoredTurn], concern_score: float,
                  calm_turns: int, protocol_score: float) -> Safety:
    """A message telling of danger: its kind's fixed reply where the reading is clear and the session is not careful
    yet (or the kind is urgent), a careful reply and a check-in where it is not clear, else (careful already) the
    careful reply with the kind's lines after it (a clear reading) or the check-in. An uncertain self-harm reading
    of the same message adds the crisis check-in (`Safety.self_harm_too`)."""
    signal = f"{DANGER_SIGNAL if danger.clear else UNSURE_DANGER_SIGNAL} {danger.kind} {danger.score:.2f}"
    signal += f" {SELF_HARM_TOO}" if reading.at_risk else ""
    careful_before = still_careful(history, concern_score, calm_turns, protocol_score)
    protocol = danger.clear and (not careful_before or danger.kind in URGENT_KINDS)
    return Safety(reading.score, signal, protocol=protocol, careful=True, offer_lines=danger.clear and not protocol,
                  check_in=not danger.clear, danger=danger.kind, self_harm_too=reading.at_risk,
                  self_harm_near=self_harm_in_stretch(history))


def _careful_stretch(history: Sequence[StoredTurn]) -> list[StoredTurn]:
    """The session's latest careful turns in a row, most recent first."""
    run = []
    for turn in reversed(history):
        if not turn.careful:
            break
        run.append(turn)
    return run


def self_harm_in_stretch(history: Sequence[StoredTurn]) -> bool:
    """Whether self-harm was read in the session's careful stretch (a crisis signal, or a danger turn's own)."""
    return any(t.crisis and (not danger_told(t) or t.crisis.endswith(SELF_HARM_TOO)) for t in _careful_stretch(history))


def stretch_danger(history: Sequence[StoredTurn]) -> str | None:
    """The kind of danger the session's careful stretch is about: that of its latest flagged turn, None where self-harm
    was read in it (a later careful turn of a session a danger reply began had offered the self-harm lines and told
    the model of a risk of self-harm; where self-harm was read too, its lines and note stay)."""
    if self_harm_in_stretch(history):
        return None
    return next((danger_told(t) for t in _careful_stretch(history) if t.crisis), None)


def danger_told(turn: StoredTurn) -> str | None:
    """The kind of danger a stored turn's signal names ("danger: partner_abuse 0.99"), or None."""
    if turn.crisis and turn.crisis.startswith((DANGER_SIGNAL, UNSURE_DANGER_SIGNAL)):
        parts = turn.crisis.split()
        return parts[1] if len(parts) > 1 else None
    return None


def still_careful(history: Sequence[StoredTurn], concern_score: float, calm_turns: int,
                  protocol_score: float, calm_now: bool = False) -> bool:
    """Whether the session's careful mode goes on: it ends after `calm_turns` calm user turns in a
    row; when every signal of this careful stretch was uncertain (check-ins only), one calm turn,
    this one (`calm_now`) included, ends it."""
    run = _careful_stretch(history)
    if not run:
        return False
    signals = [t for t in run if t.crisis]
    uncertain = bool(signals) and not any(_was_clear(t, protocol_score) for t in signals)
    calm_run = 0
    for turn in run:  # most recent first
        if not _calm(bool(turn.crisis), turn.risk, turn.affect.fused.label, concern_score):
            break
        calm_run += 1
    return calm_run + (uncertain and calm_now) < (1 if uncertain else calm_turns)


def careful_response(user_feeling: str) -> ResponseEmotion:
    """The response emotion of a careful turn: calm concern, or calm care."""
    return ResponseEmotion(*(CRISIS_RESPONSE if user_feeling in LOW_FEELINGS + ("anger",) else CARING_RESPONSE))


def careful_verdict(reply: str) -> str | None:
    """Why `reply` cannot be said to a person who may be at risk, or None."""
    if _MEANS.search(reply):
        return "mentions a way of self-harm"
    if pattern_words(reply):
        return "speaks of self-harm"
    if _CHEERFUL.search(reply):
        return "cheerful"
    return None


#: The reply speaks of the person harming themselves ("What happens if you do end up hurting
#: yourself?" to "it was a tree branch. heart still pounding", written by the model in a careful turn);
#: not "Did you hurt yourself?" after a fall, or ending "your day".
_SELF_HARM_TO_YOU = re.compile(
    r"\b(?:thoughts? of|think(?:ing)? (?:of|about)|want(?:ing)? to|going to|end(?:ing)? up|plan(?:ning)? to|urge to)"
    r" (?:hurt(?:ing)?|harm(?:ing)?|kill(?:ing)?) yourself\b|\bkill(?:ing)? yourself\b|\bself[- ]?harm|\bsuicid"
    r"|\bend(?:ing)? (?:your (?:own )?life|it all)\b|\btak(?:e|ing) your (?:own )?life\b")


def raises_self_harm(reply: str, said: list[str]) -> bool:
    """The reply brings up self-harm or suicide though the person said nothing of it: it alarms, and
    the crisis protocol above, not the model, decides when to ask."""
    return bool(_SELF_HARM_TO_YOU.search(reply.lower())) and not any(
        pattern_words(t) or _SELF_HARM_TO_YOU.search(t.lower()) for t in said)
