"""ESConv (Liu et al. 2021, emotional-support conversations; academic research use only), as its
authors' processed files lay it out: `DIR/text/esconv/NAME_with_strategy.tsv`, one line per supporter
turn, the turns before it and the turn itself joined by ` EOS `, each turn written

    <flag> <speaker> <turn index> [<Strategy>] <text>      (speaker 1: the supporter, 0: the seeker)

where only supporter turns carry a `[Strategy]` and the last turn of a line is the supporter's reply.
The lines of one conversation follow each other; a conversation starts where the reply's turn index
stops growing. The project ships only the authors' dev split, so `part_of` splits it by conversation
into our own train and validation parts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

TURN = re.compile(r"^\s*\d+(?:\.\d+)?\s+([01])\s+(\d+)\s+(?:\[([^\]]+)\]\s*)?(.*?)\s*$", re.DOTALL)
SPEAKERS = {"0": "seeker", "1": "supporter"}
VALIDATION_EVERY = 5  # every 5th conversation is our validation part


@dataclass(frozen=True)
class EsconvTurn:
    """One supporter turn: the conversation so far (speaker, text), oldest first, and the reply."""

    dialogue: int
    index: int
    context: list[tuple[str, str]]
    strategy: str
    reply: str


def parse_line(line: str) -> tuple[int, list[tuple[str, str]], str, str]:
    """(turn index of the reply, the context, the reply's strategy, the reply) of one line."""
    turns = []
    for raw in line.split(" EOS "):
        match = TURN.match(raw)
        if not match or not match.group(4):
            raise ValueError(f"a turn is not '<flag> <speaker 0|1> <index> [Strategy] text': {raw[:80]!r}")
        speaker, index, strategy, text = match.groups()
        turns.append((SPEAKERS[speaker], int(index), strategy, text))
    speaker, index, strategy, reply = turns[-1]
    if speaker != "supporter" or not strategy:
        raise ValueError("the last turn is not a supporter's reply with a [Strategy]")
    return index, [(s, t) for s, _, _, t in turns[:-1]], strategy, reply


def read_esconv(data: Path, split: str) -> list[EsconvTurn]:
    path = Path(data) / "text" / "esconv" / f"{split}_with_strategy.tsv"
    if not path.is_file():
        raise FileNotFoundError(f"no ESConv split {split!r}: {path} does not exist")
    out: list[EsconvTurn] = []
    dialogue, last_index = -1, None
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            index, context, strategy, reply = parse_line(line)
        except ValueError as exc:
            raise ValueError(f"{path}, line {number}: {exc}") from exc
        if last_index is None or index <= last_index:
            dialogue += 1
        last_index = index
        out.append(EsconvTurn(dialogue, index, context, strategy, reply))
    if not out:
        raise ValueError(f"{path} holds no supporter turns")
    return out


def part_of(turn: EsconvTurn) -> str:
    """'validation' for every `VALIDATION_EVERY`th conversation, else 'train' (split by conversation,
    so no line of a validation conversation is trained on)."""
    return "validation" if turn.dialogue % VALIDATION_EVERY == VALIDATION_EVERY // 2 else "train"


def exchanges(turns: list[tuple[str, ...]]) -> tuple[list[tuple[str, str, str]], str]:
    """A conversation's (speaker, text[, strategy]) turns as (seeker message, supporter reply, the
    reply's first strategy) exchanges, consecutive turns of one speaker joined, and the seeker's
    messages no supporter answered yet (joined; "" when none). A supporter turn before the seeker's
    first message answers no one and is left out. The reply model trains on the exchanges
    (`training/reply_data.py`); `empathica eval replies` stores them as memory and answers the rest."""
    pairs: list[tuple[str, str, str]] = []
    said: list[str] = []
    answered: list[tuple[str, str]] = []
    for speaker, text, *strategy in turns:
        text = " ".join(text.split())
        if speaker == "seeker":
            if answered:
                pairs.append((" ".join(said), " ".join(t for t, _ in answered), answered[0][1]))
                said, answered = [], []
            if text:
                said.append(text)
        elif said:
            answered.append((text, strategy[0] if strategy else ""))
    if answered:
        pairs.append((" ".join(said), " ".join(t for t, _ in answered), answered[0][1]))
        said = []
    return pairs, " ".join(said)


#: Words of self-harm or suicide (and near them) in a seeker's message: its whole conversation is
#: left out of `support_messages`, which are read as conversations with no crisis in them.
RISK_WORDS = re.compile(
    r"suicid|kill(?:ing)? (?:my ?self|me)|end (?:it|my life|things)|\bdie\b|\bdying\b|\bdead\b|hurt(?:ing)? "
    r"myself|harm|cut(?:ting)? myself|point of (?:being alive|living|life|anything)|wake up|not (?:be )?"
    r"(?:here|around)|give up on life|\bpills?\b|overdose|\bjump", re.IGNORECASE)


def support_messages(turns: list[EsconvTurn], part: str) -> list[tuple[str, list[str]]]:
    """Each seeker message of the `part` ("train", "validation") conversations that a supporter turn
    answers, with the seeker's earlier messages (oldest first, the last three), as the crisis detector
    reads a user's message. People asking for emotional support about a job, a break-up, loneliness or
    the pandemic, sad over many turns, thanking and saying goodbye at the end: no crisis. A conversation
    in which any seeker message has a word of self-harm or death (`RISK_WORDS`, or the detector's own
    patterns) is left out whole."""
    from perception.crisis import pattern_words

    found: dict[tuple[int, str], list[str]] = {}
    risky: set[int] = set()
    for turn in turns:
        if part_of(turn) != part:
            continue
        pairs, message = exchanges(turn.context)
        if not message:
            continue
        earlier = [m for m, _, _ in pairs]
        if any(RISK_WORDS.search(m) or pattern_words(m) for m in [*earlier, message]):
            risky.add(turn.dialogue)
        found.setdefault((turn.dialogue, message), earlier[-3:])
    return [(message, earlier) for (dialogue, message), earlier in found.items() if dialogue not in risky]
