"""Write the reply: prompt the LLM, reject degenerate output, keep the candidate that fits best.

`ReplyWriter.write` samples several candidates in one batched call, drops degenerate ones (empty,
looping, speaking for the user, copying the user), those a reader rejects at once
(`agent.reply_checks.reply_failure`: speaking as the user, contradicting them, repeating an earlier
reply, making up contact details, closing the conversation unbidden) and unsafe ones (repeating the
prompt's instructions, role markers, saying what an injection attempt demanded: `agent.injection`; in
a careful session, mentioning a way of self-harm or sounding cheerful: `agent.safety`), and keeps the
one that scores best: its emotion - read by the project's own text recognizer - matching the target
emotion, mentioning the cause, asking the kind of question readers accept (`agent.question_prior`),
bringing in no words nobody said, and not only echoing a given start; where there is a reply judge
(`agent.reply_judge`, fitted on blinded readers' verdicts), its chance that a strict reader accepts
the candidate weighs most, and where it gives the best candidate less than `JUDGE_FLOOR` the given
start is followed by a common question instead (`agent.common_questions`: "How are you feeling
now?"). With a given start (`agent.reflection`) the candidates continue it, some of them made to go
on with an open question ("What ...", "How ...") and one, where the words name a feeling, to ask
"How do you feel ...". `ReplyWriter.stream` yields a given start at once and then the best
continuation; without one it streams one candidate live and cleans it at the end.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Iterator

import numpy as np

from agent.about_listener import claims_to_be_human
from agent.common_questions import asked_feeling_lately, common_question
from agent.farewell import (QUIET_FEELINGS, closes_here, closing_words, leaving_words, luck_words, signs_off, thanks_in,
                            wishes_for_luck)
from agent.injection import BOUNDARY_REPLY, unsafe_output
from agent.llm import LLM, GenerationOptions, LLMError
from agent.safety import CAREFUL_REPLY, careful_verdict
from agent.question_prior import question_prior
from agent.reply_start import ACKNOWLEDGEMENTS
from agent.typed_words import ITS_IS
from agent.reply_judge import ReplyJudge
from agent.reply_checks import asks, content_words, degeneracy, normalised, novel_words, reply_failure
from agent.prompt import PromptInput, chat_messages, instructions, transcript_prompt, transcript_so_far, transcript_stops
from agent.settings import LLMSection
from perception.emotions import EMOTIONS
from perception.text import TextEmotionRecognizer
from perception.sentences import ends_sentence, split_sentences

CAUSE_WEIGHT = 0.5
CONTINUATION_TOKENS = 28  # the most the model writes after a given start (one sentence)
#: how readers take the reply's question (`agent.question_prior`: "What happened?" 0.67 accepted,
#: "How long have ...?" 0.34, asking nothing 0.38), per unit of that acceptance
QUESTION_WEIGHT = 1.8
#: per content word nobody said (what a small model invents). Blinded readers (everyday
#: conversations, 221 replies each) accepted 0.42-0.44 of the replies whose model-written part
#: brought no new content word, 0.11-0.15 of those with one, none with two or more.
NOVEL_WEIGHT = 0.6
#: per word the model wrote after a given start: the same readers accepted shorter ones more often
#: (AUC 0.67-0.68 for length alone); a short fitting question beats a long guess.
LENGTH_WEIGHT = 0.02
ECHO_WEIGHT = 0.3  # the model's words after a given start only say again what the start said
#: per unit of the reply judge's acceptance (`agent.reply_judge`, trained on the readers' verdicts):
#: chosen with conversations held out (model card in `agent/models/reply_judge/`): 50 and 100 picked
#: alike and a little better than 24 on the everyday and the third conversation set (0.547 against
#: 0.540 pooled, within the noise); at 50 the checks above only break near ties
JUDGE_WEIGHT = 50.0
#: Words of sympathy or gladness that add nothing after a start that already says it.
ECHO_WORDS = {"sorry", "hear", "glad", "happy", "understand", "feel", "know", "sad", "great", "hard"}
MAX_SENTENCES = 2
#: The words some candidates after a given start must begin with (`[llm] open_questions`): the model
#: alone mostly asks closed, presuming questions ("Have you ever taken him to the doctor?").
OPEN_QUESTION_WORDS = ("What", "How")
#: The words one candidate after a given start begins with (`[llm] feeling_questions`): blinded
#: readers accepted 0.74 of the agent's replies whose question began so (181 of the 8,658 judgements
#: in `training/data/replies/judged.jsonl`), against 0.49 of all; the model seldom asks it by itself.
#: Only where the words name a feeling, and not within two replies of the last time it was asked.
FEELING_QUESTION = "How do you feel"
#: Under this chance of acceptance from the reply judge, the best candidate's own question gives way
#: to a common one (`agent.common_questions`). Chosen on the readings of the eighth conversation set
#: (every turn's reply and each common question after its start, read blinded): replacing replies the
#: judge gives under 0.5 / 0.6 / 0.7 / 0.8 / always gave 0.62 / 0.68 / 0.72 / 0.69 / 0.68 accepted (the agent's own
#: 0.49), a common question then in 35 / 49 / 60 / 72 / 85 % of the turns.
JUDGE_FLOOR = 0.7


def clean_reply(text: str) -> str:
    """One line, at most two sentences, no trailing fragment when a full sentence exists."""
    text = text.strip().split("\n")[0].strip().strip('"').strip()
    text = re.sub(r"^\[[^\]]*\]:?\s*", "", text)  # a stray tag at the start
    kept = [_capitalised(k) for k in split_sentences(text)[:MAX_SENTENCES]]
    if len(kept) > 1 and not ends_sentence(kept[-1]):
        kept = kept[:-1]
    return _its_is(_capital_i(" ".join(kept).strip()))


_ITS = re.compile(r"\b([Ii])ts (?=(?:" + "|".join(sorted(ITS_IS)) + r")\b)")


def _its_is(text: str) -> str:
    """"its" written "it's" where it is one ("I hope its a great day"; "broke its leg" stays)."""
    return _ITS.sub(lambda m: f"{m.group(1)}t's ", text)


def _capitalised(sentence: str) -> str:
    """A sentence with a capital first letter ("what happened?" after a given start)."""
    return sentence[:1].upper() + sentence[1:]


def _capital_i(text: str) -> str:
    """"i" as a word written "I" ("how can i help" -> "how can I help")."""
    return re.sub(r"\bi(?=\b|')", "I", text)


#: The given starts that say nothing of what the person told (`agent.reply_start.ACKNOWLEDGEMENTS`).
BARE_STARTS = frozenset(a for options in ACKNOWLEDGEMENTS.values() for a in options)


def _closed(reply: str, closing: str | None) -> str:
    """`reply` and then the closing words of a person's goodbye (`agent.farewell.closing_words`);
    their goodbye left out where the reply already says one ("... Goodnight!")."""
    if closing and leaving_words(reply):
        closing = " ".join(s for s in split_sentences(closing) if not leaving_words(s))
    return f"{reply} {closing}".strip() if closing else reply


def _closes(p: PromptInput) -> bool:
    """Whether this turn may get closing words (`agent.farewell.closes_here`)."""
    return p.closing and closes_here(p.careful, p.user_emotion)


def _closing_words_for(p: PromptInput, said_back: bool = True) -> str | None:
    """The closing words of a longer message that signs off (`agent.farewell.closing_words`): quiet
    ones where no cheerful goodbye fits (`_closes` false), none in a careful session."""
    return None if p.careful else closing_words(p.user_text, said_back=said_back, quiet=not _closes(p),
                                                luck=luck_words(not p.closing, p.user_emotion))


def _leaves(p: PromptInput) -> bool:
    """The person says goodbye, in a turn that may get closing words, or asks for luck where no risk is
    near (afraid, as often then): no question for them then."""
    lucky = p.closing and not p.careful and wishes_for_luck(p.user_text)
    return (_closes(p) or lucky) and signs_off(p.user_text)


def uses_chat(llm: LLM, section: LLMSection) -> bool:
    """Whether replies are asked for with chat messages (an instruct model) rather than a transcript."""
    return llm.chat if section.prompt_style == "auto" else section.prompt_style == "chat"


class ReplyWriter:
    def __init__(self, llm: LLM, recognizer: TextEmotionRecognizer, section: LLMSection,
                 judge: ReplyJudge | None = None):
        self.llm = llm
        self.recognizer = recognizer
        self.section = section
        self.judge = judge  # how likely a strict reader accepts each candidate (`agent.reply_judge`)

    def _uses_chat(self) -> bool:
        return uses_chat(self.llm, self.section)

    def _shaped(self, p: PromptInput) -> PromptInput:
        """`p` with the few-shot examples only when the model needs them (a base model does; the
        listener adapter was trained without them), and a given reply start only where it is used."""
        few_shot = getattr(self.llm, "few_shot", True)
        start = self._start(p)
        return p if (p.examples, p.reply_start) == (few_shot, start) else replace(p, examples=few_shot,
                                                                                  reply_start=start)

    def _prompt(self, p: PromptInput, candidates: int, seed: int | None):
        s = self.section
        p = self._shaped(p)
        if self._uses_chat():
            prompt, stop, prefix = chat_messages(p), (), ""
        else:
            prompt, stop, prefix = transcript_prompt(p), transcript_stops(p.persona), self._so_far(p)
        # after a given start the model writes one more sentence: fewer tokens bound the batch's time
        tokens = min(s.max_new_tokens, CONTINUATION_TOKENS) if p.reply_start else s.max_new_tokens
        # (no candidate made to ask as the person says goodbye: `agent.farewell`)
        asking = min(s.open_questions, candidates) if p.reply_start and not _leaves(p) else 0
        feeling = min(s.feeling_questions, candidates) if self._may_ask_feeling(p) else 0
        return prompt, GenerationOptions(
            max_new_tokens=tokens, temperature=s.temperature, top_p=s.top_p,
            repetition_penalty=s.repetition_penalty, num_candidates=candidates, stop=stop, seed=seed,
            prefix=prefix, first_words=OPEN_QUESTION_WORDS if asking else (), first_word_rows=asking,
            opening=FEELING_QUESTION if feeling else "", opening_rows=feeling)

    @staticmethod
    def _may_ask_feeling(p: PromptInput) -> bool:
        """A candidate may be made to ask how the user feels: after a given start, where the words
        name a feeling (not after "Right, I see." to the day's plans), and not when one of the last
        replies asked it (`agent.common_questions.asked_feeling_lately`; measured: asked whenever
        allowed, it ended 62 of 121 replies of the everyday conversations, "How do you feel about the
        croissants?" among them)."""
        return (bool(p.reply_start) and p.response_emotion != "neutral" and not asked_feeling_lately(p.history)
                and not _leaves(p))

    def score(self, candidates: list[str], p: PromptInput) -> np.ndarray:
        """Target-emotion probability (own recognizer) + how much of the cause it mentions + how readers
        take its question (or asking nothing) - the content words it brings in that nobody said - how
        long the model's own part is - whether it only echoes the given start; + the reply judge's
        chance that a strict reader accepts it, where there is a judge."""
        return self._scored(candidates, p)[0]

    def _scored(self, candidates: list[str], p: PromptInput) -> tuple[np.ndarray, np.ndarray | None]:
        """`score`, and the judge's chances on their own (None without a judge)."""
        probs = self.recognizer.probabilities(candidates)[:, EMOTIONS.index(p.response_emotion)]
        cause = content_words(p.cause or "")
        mention = np.array([len(cause & content_words(c)) / len(cause) if cause else 0.0
                            for c in candidates])
        said = [p.user_text, *(t.user_text for t in p.history), *(t.reply for t in p.history)]
        start = self._start(p)
        opening = p.response_emotion if start else None  # (the prior knows a question after an opening)
        asking = np.array([question_prior(c, opening) for c in candidates])
        novel = np.array([len(novel_words(c, said)) for c in candidates], dtype=float)
        echo = np.array([self._echoes(start, c) for c in candidates], dtype=float)
        length = np.array([len((c[len(start):] if start and c.startswith(start) else c).split())
                           for c in candidates], dtype=float)
        checks = (probs + CAUSE_WEIGHT * mention + QUESTION_WEIGHT * asking - NOVEL_WEIGHT * novel
                  - LENGTH_WEIGHT * length - ECHO_WEIGHT * echo)
        if self.judge is None:
            return checks, None
        accepted = self.judge.acceptance([t.user_text for t in p.history], p.user_text, candidates)
        return checks + JUDGE_WEIGHT * accepted, accepted

    @staticmethod
    def _echoes(start: str, reply: str) -> bool:
        """After a given start, the model's sentence asks nothing and says nothing new ("I'm sorry. I'm
        sorry to hear that.")."""
        if not start or not reply.startswith(start):
            return False
        rest = reply[len(start):]
        return not asks(rest) and not content_words(rest) - content_words(start) - ECHO_WORDS

    def _start(self, p: PromptInput) -> str:
        """The reply's given start (`agent.reflection`), where the prompt shape takes one."""
        return "" if self._uses_chat() or not self.section.reflect else p.reply_start

    @staticmethod
    def _continued(start: str, raw: str) -> str:
        """The cleaned reply `start` + the model's continuation `raw`; empty when the model added no
        sentence of its own (the start alone is not the model's reply, nor the start and one plain word
        such as "Good.")."""
        if not start:
            return clean_reply(raw)
        reply = clean_reply(f"{start} {raw.strip()}")
        rest = reply[len(start):] if reply.startswith(start) else reply
        # one word that neither asks nor exclaims ("Okay, I hear you. Good.") is no sentence of its own
        one_word = len(rest.split()) < 2 and not asks(rest) and not rest.rstrip().endswith("!")
        return "" if normalised(reply) == normalised(start) or one_word else reply

    def _so_far(self, p: PromptInput) -> str:
        # (without a trailing new line: it would merge with the next one into another token)
        return transcript_so_far(self._shaped(p)).rstrip("\n")

    def prepare_next(self, p: PromptInput) -> bool:
        """Let the LLM read, while it is idle, the start of the next turn's prompt: `p` holds the
        conversation as the next turn will remember it (its own message does not matter)."""
        return not self._uses_chat() and self.llm.prepare(self._so_far(p))

    def warm_up(self, persona) -> None:
        """Read the persona's fixed prompt prefix once (a local LLM keeps its attention cache), so
        the first turn pays only for its own words."""
        from agent.llm.transformers_backend import TransformersLLM

        if self._uses_chat() or not isinstance(self.llm, TransformersLLM):
            return
        p = PromptInput(persona, "Hello.", "neutral", None, "neutral")
        prompt, options = self._prompt(p, 1, 0)
        self.llm.complete(prompt, GenerationOptions(**{**vars(options), "max_new_tokens": 1}))

    def verdict(self, reply: str, p: PromptInput) -> str | None:
        """Why `reply` cannot be used, or None."""
        return (degeneracy(reply, p.user_text)
                or self._reader_rejects(reply, p)
                or ("asks a question as the person leaves" if _leaves(p) and asks(reply) else None)
                or ("claims to be a person" if claims_to_be_human(reply) else None)
                or unsafe_output(reply, instructions(p, self._uses_chat()), list(p.attempts))
                or (careful_verdict(reply) if p.careful else None))

    @staticmethod
    def _reader_rejects(reply: str, p: PromptInput) -> str | None:
        return reply_failure(p.user_text, reply, [t.user_text for t in p.history], [t.reply for t in p.history])

    def write(self, p: PromptInput, seed: int | None = None, start_tries: int = 1) -> str:
        """The best of the candidates that pass every check. The first `start_tries` tries continue a
        given start; when none of their candidates does that well, the next write the reply whole.
        When a message that tried to instruct the model gets none, the fixed `BOUNDARY_REPLY`; a
        careful turn `CAREFUL_REPLY`; else the given start, which a streamed turn has already
        shown and said ("So he's 71 and his knee has been bugging him since March.", where every
        candidate asked what the person had just told), with a common question where one fits
        (`_common_if_doubtful`), else alone: a short reply rather than an error after it (the
        conversation eval counts a restatement alone as copying the user); otherwise LLMError. The
        best candidate's question gives way to a common one where the judge doubts it."""
        rejected: list[str] = []
        given = self._start(p)
        if given and p.whole_start:
            # the listener's closing (`agent.farewell`) or its answer about itself (`agent.about_listener`)
            # is the whole reply: asked to go on, the model asked the person something as they left
            return given
        # (a longer message ending in goodbye; without a start, the model's reply says nothing back)
        closing = _closing_words_for(p, said_back=bool(given))
        if given and closing:  # the start said back what it was about; the model's sentence between the
            return self._goodbye(given, p)  # two made things up ("Happy new year!" before the hardware store)
        for attempt in range(self.section.retries + 1):
            if attempt >= start_tries and p.reply_start:
                p = replace(p, reply_start="")
            prompt, options = self._prompt(p, self.section.candidates,
                                           None if seed is None else seed + attempt)
            raw = self.llm.complete(prompt, options)
            start = self._start(p)
            verdicts = [(c, self.verdict(c, p)) for c in (self._continued(start, r) for r in raw)]
            usable = [c for c, why in verdicts if why is None]
            rejected += [f"{why}: {c[:40]!r}" for c, why in verdicts if why]
            if usable:
                totals, accepted = self._scored(usable, p)
                n = int(np.argmax(totals))
                chance = None if accepted is None else float(accepted[n])
                return _closed(self._common_if_doubtful(usable[n], start, p, chance), closing)
        if p.attempts:
            return BOUNDARY_REPLY
        if p.careful:
            return CAREFUL_REPLY
        if given:
            return _closed(self._common_if_doubtful(given, given, p, None), closing)
        raise LLMError(f"the LLM gave no usable reply in {self.section.retries + 1} tries "
                       f"({'; '.join(rejected[:4])})")

    def _common_if_doubtful(self, best: str, start: str, p: PromptInput, chance: float | None) -> str:
        """`best`, or the given `start` followed by a common question (`agent.common_questions`) where `best` is
        the start alone, its sentence after the start asks nothing (readers of the thirteenth to twenty-third sets
        took a start and a statement 0.33-0.37 of 194 times, and a question 0.67-0.72 of 3,994: "Okay, I hear
        you. It's a lot to take in.") or the judge gave it a `chance` under `JUDGE_FLOOR`, and that reply passes
        every check; not as the person leaves, in a careful session, or after a start that asks."""
        if (not (self.section.common_questions and start and best.startswith(start))
                or _leaves(p) or p.careful or asks(start)):
            return best
        statement = not asks(best[len(start):]) and p.closing and not asks(p.user_text)  # (not where risk is near
        # or the person asked something the rules do not answer)
        doubtful = best == start or statement or (chance is not None and chance < JUDGE_FLOOR)
        question = common_question(p) if doubtful else None
        if question is None:
            return best
        common = f"{start} {question}"
        return common if self.verdict(common, p) is None else best

    @staticmethod
    def _goodbye(start: str, p: PromptInput) -> str:
        """The reply to a longer message that ends with a goodbye: its start where the start says back
        what was told, then the closing words; a bare acknowledgement ("Oh, that's nice!" to "thanks
        sam. i should really try to get some sleep before the drive. goodnight") or a start that says
        the person's thanks back as its own ("That's wonderful, thanks for being kind about it!") is
        left out, and their thanks get "You're welcome.". A sympathy ("I'm so sorry." to "my dog died this
        morning. goodnight") stays before quiet closing words."""
        sympathy = p.response_emotion in QUIET_FEELINGS and not _closes(p)
        bare = (start in BARE_STARTS and not sympathy) or thanks_in(start)
        return _closed("" if bare else start, _closing_words_for(p, said_back=not bare)).strip()

    def stream(self, p: PromptInput, seed: int | None = None) -> Iterator[str]:
        """Text deltas of the reply; the generator's return value is the cleaned reply.

        With a given start (`PromptInput.reply_start`), the start comes at once and the best of the
        batched candidates for the rest follows (`write`). Without one, one candidate streams live; if
        it turns out degenerate or unsafe, nothing more is streamed and the batched
        `write` path supplies the reply (its text is returned, for the caller to show whole). A turn
        whose prompt holds an injection attempt is not streamed live: it is written and checked
        whole first, then streamed. A goodbye at the end of a longer message is answered whole at once
        (no model call: `_goodbye`, which may leave the start out).
        """
        start = self._start(p)
        if p.attempts or (start and _closing_words_for(p)):
            reply = self.write(p, seed)
            yield reply
            return reply
        if start:  # shown (and said) at once; meanwhile the candidates for the rest are written
            yield start + " "  # (the space ends the sentence for a voice's sentence buffer)
            reply = self.write(p, seed, start_tries=max(1, self.section.retries))  # keep what was said
            if reply.startswith(start + " "):
                yield reply[len(start) + 1:]
            return reply
        prompt, options = self._prompt(p, 1, seed)
        rules = instructions(p, self._uses_chat())
        text = ""
        for delta in self.llm.stream(prompt, options):
            delta = delta if text else delta.lstrip()
            if not delta:
                continue
            if (unsafe_output(text + delta, rules, []) or (p.careful and careful_verdict(text + delta))
                    or self._reader_rejects(text + delta, p) or (_leaves(p) and asks(text + delta))
                    or claims_to_be_human(text + delta)):
                return self.write(p, seed)  # stop before showing it; a checked reply replaces it
            text += delta
            yield delta
            if ends_sentence(text) and len(split_sentences(text)) >= MAX_SENTENCES:
                break
        reply = clean_reply(text)
        if self.verdict(reply, p) is not None:
            return self.write(p, seed)
        closing = _closing_words_for(p, said_back=False)
        closed = _closed(reply, closing)
        if closed != reply:
            yield closed[len(reply):]
        return closed
