"""Common questions: short open questions a strict reader takes as fitting almost anywhere, said after
the given start where the model's own question is likely a guess ("So you missed your train and the
next one wasn't till 6:25. How are you feeling now?" rather than "... What did you miss most?").

The small model's specific questions are its most common off-topic failure. Four blinded readers of
the eighth conversation set (`fresh7.json`; every turn's reply and its start followed by each of six
common questions, 1,055 judgements, twenty-fifth session) accepted the agent's own replies 0.49, "How
are you feeling now?" 0.77, "How do you feel about it?" 0.76, "What happens next?" 0.62, "What's the
worst part of it?" 0.79 / 0.77 / 0.61 after fear / anger / sadness (0.07 after joy), "What happened?"
0.39 and "How did it go?" 0.15 (so those two are not here). Later sets read it worse where the feeling
was read wrong ("... What's the worst part of it?" to a vow renewal where the person cried with joy):
on the 46 turns of four sets where the agent said it, the same reply ending "What happens next?" was
accepted 0.87 / 0.78 against 0.70 / 0.61 by two blinded readers (8 better, 0 worse each; twenty-seventh
session; after a disgust reading 4 -> 5 and 4 -> 4 of 6), so it came after "What happens next?", which
now follows every feeling, disgust too. Still, where it was said (the others asked lately) readers took it
0.50-0.56 against "What happens next?" 0.83-0.92 (the sixteenth to eighteenth sets), mostly after a
feeling read wrong ("... What's the worst part of it?" to twins home from the NICU); on those 20 turns
of the seventeenth and eighteenth sets "What's on your mind now?" was accepted 12 and 12 times against
8 and 9 (4 / 3 better, 0 worse; two blinded readers, twenty-eighth session), so that, which fits any
feeling, replaces it.
`agent.respond.ReplyWriter` says one where the reply judge gives its best candidate less than
`agent.respond.JUDGE_FLOOR`, or where no candidate passes its checks: the first in `COMMON_QUESTIONS`
that was not asked lately (never in a careful session).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from agent.prompt import PromptInput, PromptTurn

#: How a reply asks how the user feels (any of these counts as having asked it).
ASKED_FEELING = re.compile(r"\bhow (?:do|did) you feel\b|\bhow are you feeling\b|\bhow does (?:that|it) (?:make you )?feel\b")


#: A message that tells what comes next ("comparison sites tonight", "Spring ladder starts in March"): "What
#: happens next?" after one was accepted 0.62 (112 of 180 judgements, all readings to the twenty-first
#: session) against 0.74 elsewhere, and "What's on your mind now?" there 0.96 (25 of 26).
TELLS_NEXT = re.compile(r"\b(?:tomorrow|tonight|next (?:week|month|year|weekend|time|monday|tuesday|wednesday|thursday"
                        r"|friday|saturday|sunday)|gonna|going to|i'?ll|i will|we'?ll|we will|might|planning|plan is"
                        r"|starts? (?:in|on|at)|this (?:weekend|evening|afternoon|morning)|(?:on|this) (?:monday"
                        r"|tuesday|wednesday|thursday|friday|saturday|sunday))\b", re.IGNORECASE)
#: A message that names the person's feeling ("i think im a bit sad that ..."): "How are you feeling now?"
#: after one was accepted 8 of 16 times; "How do you feel about it?" 19 of 20, but both readers of the
#: twenty-second set took it as asking what was just said.
NAMES_FEELING = re.compile(r"\b(?:i(?:'m| am|m)|i feel|i felt|feeling|i was) (?:so |a bit |really |kind of |kinda |just "
                           r"|pretty |very |a little |quite )*(?:sad|happy|angry|annoyed|scared|afraid|nervous|anxious"
                           r"|worried|excited|upset|gutted|rubbish|terrible|awful|torn|relieved|proud|jealous|lonely"
                           r"|hurt|embarrassed|frustrated|furious|devastated|heartbroken|thrilled|stressed|overwhelmed"
                           r"|down|low|miserable|sick|ill|calm|calmer|tired|exhausted|knackered|drained|shaky|fine"
                           r"|better|worse|(?:in )?(?:a )?(?:good|great|bad|foul) mood)\b", re.IGNORECASE)
#: (sick ... mood: "sam i feel sick." got "Oh, you feel sick. How do you feel about it?", "... so I'm in a good
#: mood." got "How are you feeling now?", rejected by a reader of the thirty-second set, fresh31, as asking what was
#: just told)


@dataclass(frozen=True)
class CommonQuestion:
    text: str
    asks_feeling: bool = False  # not said while one of the last `FEELING_GAP` replies asked the feeling
    not_after: re.Pattern | None = None  # not said after a message it matches
    early_only: bool = False  # not said from the `LATE_TURN`th earlier message on


#: In the order they are preferred.
COMMON_QUESTIONS = (
    CommonQuestion("How are you feeling now?", asks_feeling=True, not_after=NAMES_FEELING),
    CommonQuestion("How do you feel about it?", asks_feeling=True, not_after=NAMES_FEELING),
    CommonQuestion("What happens next?", not_after=TELLS_NEXT, early_only=True),
    CommonQuestion("What's on your mind now?"),  # (only where the others were asked lately)
    # where all four were asked within the last three replies (from the fifth message on): the model's own
    # statement stayed there ("Okay, I hear you. Maybe tomorrow."), which blinded readers of the twenty-third to
    # twenty-sixth sets accepted 0.36 of 226 times; the model's "Can you tell me more?" was accepted 11 of 14
    # times over all judged files, "Could you please tell me more?" 10 of 10
    CommonQuestion("Can you tell me more?"),
)
#: "What happens next?" after three or more earlier messages was accepted by blinded readers 0.45 of 164
#: times, "What's on your mind now?" there 0.84 of 172 (both 0.85-0.89 earlier; the sixteenth to
#: twenty-third sets): late in a conversation the story has mostly been told.
LATE_TURN = 3
FEELING_GAP = 2  # replies within which the feeling is not asked again
REPEAT_GAP = 3  # replies within which the same question is not asked again


def asked_feeling_lately(history: list[PromptTurn]) -> bool:
    """Whether one of the last `FEELING_GAP` replies asked how the user feels."""
    return bool(ASKED_FEELING.search(" ".join(t.reply.lower() for t in history[-FEELING_GAP:])))


def common_question(p: PromptInput) -> str | None:
    """The first common question not asked lately in `p` (the feeling not asked within `FEELING_GAP`) and not
    out of place after its message (`CommonQuestion.not_after`); where all fresh ones are, the first of those."""
    recent = " ".join(t.reply.lower() for t in p.history[-REPEAT_GAP:])
    fresh = [q for q in COMMON_QUESTIONS
             if q.text.lower() not in recent and not (q.asks_feeling and asked_feeling_lately(p.history))]
    fitting = [q for q in fresh if (q.not_after is None or not q.not_after.search(p.user_text or ""))
               and not (q.early_only and len(p.history) >= LATE_TURN)]
    chosen = fitting or fresh  # (one out of place still read better than the model's own: 0.62 against 0.49)
    return chosen[0].text if chosen else None
