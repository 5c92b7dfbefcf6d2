"""`empathica eval replies --data DIR --split NAME`: the agent's replies against ESConv's supporters.

Each supporter turn of the chosen part of ESConv (`agent/evaluation/esconv.py`) whose turn before it is the
seeker's is answered through the real turn (perception, causes, response emotion, prompt, the LLM the
settings name): the conversation before it is put into a fresh session of a throwaway database as
earlier turns (seeker messages as the user's, supporter messages as the agent's, labelled as the turn
would have stored them: `seed_session`), and the seeker's last message is the new turn. Supporter turns that follow
another supporter turn have no user message to answer and are counted as skipped. The replies are
scored against the real supporter's with the ESConv authors' definitions (`agent/evaluation/reply_metrics.py`).
"""

from __future__ import annotations

import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from rich.table import Table

from agent.farewell import is_farewell
from agent.evaluation.esconv import EsconvTurn, exchanges, part_of, read_esconv
from agent.evaluation.reply_metrics import reply_scores
from memory import TurnRecord
from perception.emotions import UserAffect

EVAL_USER = "esconv"


@dataclass
class RepliesReport:
    name: str
    scores: dict[str, float]
    answered: int
    skipped: int  # supporter turns with no seeker message right before them
    seconds_per_reply: float
    examples: list[dict[str, str]] = field(default_factory=list)  # message, reply, reference

    def __rich__(self) -> Table:
        table = Table(title=f"{self.name}: {self.answered} supporter turns answered ({self.skipped} skipped: "
                            f"no seeker message right before); {self.seconds_per_reply:.2f} s a reply",
                      title_justify="left")
        for column in self.scores:
            table.add_column(column, justify="right")
        table.add_row(*(f"{v:.2f}" for v in self.scores.values()))
        examples = "\n".join(f"  user: {e['message']}\n  agent: {e['reply']}\n  supporter: {e['reference']}"
                             for e in self.examples)
        table.caption, table.caption_justify = f"examples:\n{examples}", "left"
        return table


def seed_turn(key: str, seed: int = 0) -> None:
    """Seed a local model's sampler (torch's) from the turn's own key (conversation and turn): each
    turn draws the same random numbers whatever the turns before it drew, so two versions of the
    agent differ only in the turns a change reaches (before, one changed turn changed the draws of
    every later one). Another `seed` draws other numbers for every turn (`--seed`: how much a figure
    owes to chance). A remote server samples with its own numbers."""
    import torch

    torch.manual_seed(zlib.crc32((f"{seed}:{key}" if seed else key).encode()))


def answerable(turns: list[EsconvTurn]) -> tuple[list[EsconvTurn], int]:
    """The turns whose context ends with the seeker's message, and how many others there were."""
    kept = [t for t in turns if t.context and t.context[-1][0] == "seeker"]
    return kept, len(turns) - len(kept)


def seed_session(agent, session: str, pairs: list[tuple[str, str]]) -> None:
    """The conversation so far as stored turns of `session`, labelled as the turn would have stored
    them: each message's feeling read by the text model with the turns before it, its cause found by
    the cause extractor, and the supporter reply's own emotion as the response emotion."""
    if not pairs:
        return
    from perception.cause import CauseExtractor
    from perception.emotions import Cause
    from perception.text import TextEmotionRecognizer

    settings = agent.settings
    recognizer = TextEmotionRecognizer.load(settings.text.model, settings.device)  # shared
    extractor = CauseExtractor.load(settings.cause.model, settings.device, settings.cause.context_turns)
    context: list[tuple[str, str]] = []
    for message, reply in pairs:
        reading = recognizer.predict([message], [context], ["user"])[0]
        utterances, speakers = [t for _, t in context] + [message], [s for s, _ in context] + ["user"]
        causes: list[Cause] = extractor.extract(utterances, len(utterances) - 1, emotion=reading.label,
                                                max_causes=1, speakers=speakers)
        answered = recognizer.predict([reply])[0]
        agent.store.save_turn(TurnRecord(
            user_id=EVAL_USER, session_id=session, user_text=message,
            affect=UserAffect(reading, {"text": reading}), causes=causes, response_emotion=answered.label,
            response_vad=answered.vad, response_intensity=0.5, reply_text=reply))
        context += [("user", message), ("agent", reply)]


def evaluate_esconv_replies(agent, data: Path, split: str, part: str = "validation",
                            limit: int | None = None, examples: int = 5, seed: int = 0,
                            farewells: bool = False) -> RepliesReport:
    """`agent`: an EmpatheticAgent on a throwaway database (its sessions are written to). `farewells`:
    only the turns that answer a message of thanks or goodbye alone (`agent.farewell.is_farewell`)."""
    if part not in ("train", "validation", "all"):
        raise ValueError(f"unknown part {part!r}; choose train, validation or all")
    turns = [t for t in read_esconv(data, split) if part == "all" or part_of(t) == part]
    turns, skipped = answerable(turns)
    if farewells:
        turns = [t for t in turns if is_farewell(exchanges(t.context)[1])]
    turns = turns[:limit]
    if not turns:
        raise ValueError(f"ESConv {split} ({part}) has no supporter turn to answer")
    messages, replies, started = [], [], time.perf_counter()
    for n, turn in enumerate(turns):
        pairs, message = exchanges(turn.context)
        pairs = [(m, r) for m, r, _ in pairs]
        session = f"esconv-{turn.dialogue}-{turn.index}-{n}"
        seed_session(agent, session, pairs)
        seed_turn(session, seed)
        messages.append(message)
        replies.append(agent.respond(text=message, user_id=EVAL_USER, session_id=session).text)
    seconds = (time.perf_counter() - started) / len(turns)
    shown = [{"message": m, "reply": r, "reference": t.reply}
             for m, r, t in list(zip(messages, replies, turns))[:examples]]
    return RepliesReport(f"esconv {split} ({part}{', farewells' if farewells else ''})", reply_scores(replies, [t.reply for t in turns]),
                         len(turns), skipped, seconds, shown)
