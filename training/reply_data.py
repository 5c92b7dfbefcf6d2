"""The reply model's training data: ESConv conversations rebuilt whole, each exchange labelled the way
the agent sees a turn at run time, and written as the agent's own transcript prompt.

ESConv's processed lines keep only the last four turns before each supporter reply, so a conversation
is rebuilt by following its lines: each line adds the turns after the previous line's reply. Each
exchange (the seeker's messages, the supporter's reply; consecutive messages of one speaker joined,
`agent.evaluation.esconv.exchanges`) is labelled with what the agent's turn would know:

* the user's feeling: the project's text recognizer on the message, with the exchanges before it
  as context (speaker "user", the replies as "agent"), as `perceive` reads it;
* the cause: the project's cause extractor over the same utterances, as `find_causes` runs it;
* the response emotion: the text recognizer's reading of the reference reply (the emotion of the
  words the model learns to write, so the tag it is given at run time means what it learned).

Labels are computed once and kept in a JSON cache (they depend on the data and the shipped models).
"""

from __future__ import annotations

import hashlib
import json
import random
from dataclasses import asdict, dataclass
from pathlib import Path

from agent.evaluation.dialogue_emotions import written_conversation_rows, written_part
from agent.evaluation.esconv import EsconvTurn, exchanges, part_of, read_esconv
from agent.persona import Persona
from agent.prompt import PromptInput, PromptTurn, transcript_prompt

HISTORY_TURNS = 6  # the agent's `memory.history_turns` default


@dataclass(frozen=True)
class Exchange:
    message: str
    reply: str
    strategy: str
    user_emotion: str = "neutral"
    cause: str | None = None
    agent_emotion: str = "neutral"


def rebuild(lines: list[EsconvTurn]) -> list[tuple[str, str, str]]:
    """The (speaker, text, strategy) turns of one conversation from its lines, oldest first."""
    turns: list[tuple[str, str, str]] = []
    for line in lines:
        context = [(s, t, "") for s, t in line.context]
        if turns:
            last = turns[-1][:2]
            ends = [i for i, (s, t, _) in enumerate(context) if (s, t) == last]
            context = context[ends[-1] + 1:] if ends else context
        turns += context + [("supporter", line.reply, line.strategy)]
    return turns


def exchanges_of(turns: list[tuple[str, str, str]]) -> list[Exchange]:
    """The conversation's exchanges (`agent.evaluation.esconv.exchanges`), to be labelled."""
    return [Exchange(message, reply, strategy) for message, reply, strategy in exchanges(turns)[0]]


def esconv_conversations(data: Path, split: str, part: str) -> list[list[Exchange]]:
    """The conversations of `part` ("train" or "validation", `agent.evaluation.esconv.part_of`) as exchanges."""
    by_dialogue: dict[int, list[EsconvTurn]] = {}
    for line in read_esconv(data, split):
        if part_of(line) == part:
            by_dialogue.setdefault(line.dialogue, []).append(line)
    return [x for x in (exchanges_of(rebuild(lines)) for lines in by_dialogue.values()) if x]


def label(conversations: list[list[Exchange]], recognizer, extractor) -> list[list[Exchange]]:
    """Each exchange with the user's feeling, the cause and the reply's emotion, as the turn sees them."""
    labelled = []
    for conversation in conversations:
        out: list[Exchange] = []
        for k, x in enumerate(conversation):
            earlier = conversation[max(0, k - HISTORY_TURNS):k]
            context = [item for e in earlier for item in (("user", e.message), ("agent", e.reply))]
            feeling = recognizer.predict([x.message], [context], ["user"])[0].label
            utterances = [t for _, t in context] + [x.message]
            speakers = [s for s, _ in context] + ["user"]
            causes = extractor.extract(utterances, len(utterances) - 1, emotion=feeling, max_causes=1,
                                       speakers=speakers)
            reply_emotion = recognizer.predict([x.reply])[0].label
            out.append(Exchange(x.message, x.reply, x.strategy, feeling, causes[0].text if causes else None,
                                reply_emotion))
        labelled.append(out)
    return labelled


def labelled_conversations(data: Path, split: str, part: str, cache: Path) -> list[list[Exchange]]:
    """`label(esconv_conversations(...))`, read from `cache` when it was written before."""
    return cached_labels(lambda: esconv_conversations(data, split, part), cache)


def cached_labels(conversations, cache: Path) -> list[list[Exchange]]:
    """`label(conversations())` with the shipped text model and cause extractor, kept in `cache`."""
    if cache.is_file():
        return [[Exchange(**x) for x in c] for c in json.loads(cache.read_text(encoding="utf-8"))]
    from perception.cause import CauseExtractor
    from perception.text import TextEmotionRecognizer

    recognizer = TextEmotionRecognizer.load(device="cpu")
    labelled = label(conversations(), recognizer, CauseExtractor.load(device="cpu", recognizer=recognizer))
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_text(json.dumps([[asdict(x) for x in c] for c in labelled]), encoding="utf-8")
    return labelled


def written_conversations(folder: Path, part: str) -> list[list[Exchange]]:
    """The project's own written conversations (`training/data/replies/written/*.jsonl`: lines of
    {"id", "turns": [{"user", "listener"}, ...]}); every 10th conversation (in file and line order)
    is the validation part (`agent.evaluation.dialogue_emotions.written_part`)."""
    return [[Exchange(message, reply, "") for message, reply in turns]
            for _, turns in written_part(written_conversation_rows(folder), part) if turns]


def labelled_written(folder: Path, part: str, cache_folder: Path) -> list[list[Exchange]]:
    """`label(written_conversations(...))`, cached under a name that changes with the files' text."""
    digest = hashlib.sha256(b"".join(p.read_bytes() for p in sorted(Path(folder).glob("*.jsonl"))))
    cache = cache_folder / f"written-{part}-{digest.hexdigest()[:12]}.json"
    return cached_labels(lambda: written_conversations(folder, part), cache)


def self_training_conversations(path: Path) -> list[list[Exchange]]:
    """The kept lines of a self-training file (`training.sample_self_training`: the agent's own
    answers that the reply judge and the checks keep), as one-exchange conversations."""
    out = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            if item["kept"] is not True:  # (a line is kept only by an explicit true)
                continue
            exchanges = [Exchange(t["user"].strip(), t["listener"].strip(), "") for t in item["turns"]]
            if not exchanges or not all(x.message and x.reply for x in exchanges):
                raise ValueError("a kept line needs turns with a user message and a listener reply")
            out.append(exchanges)
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise ValueError(f"{path}:{number}: not a self-training line ({error})") from error
    if not out:
        raise ValueError(f"{path}: no kept line to train on")
    return out


def self_training_digest(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]


def labelled_self_training(path: Path, cache_folder: Path) -> list[list[Exchange]]:
    """`label(self_training_conversations(path))`, cached under a name that changes with the file."""
    return cached_labels(lambda: self_training_conversations(path),
                         cache_folder / f"self-{self_training_digest(path)}.json")


def prompt_text(window: list[Exchange], persona: Persona) -> str:
    """The agent's transcript prompt (no few-shot examples) for the window's last exchange, with
    its reply written out and the line ended: every reply of the window is in it."""
    *earlier, last = window
    history = [PromptTurn(x.message, x.user_emotion, x.cause, x.agent_emotion, x.reply) for x in earlier]
    p = PromptInput(persona=persona, user_text=last.message, user_emotion=last.user_emotion,
                    cause=last.cause, response_emotion=last.agent_emotion, history=history, examples=False)
    return f"{transcript_prompt(p)} {' '.join(last.reply.split())}\n"


def windows(conversations: list[list[Exchange]], size: int, rng: random.Random | None) -> list[list[Exchange]]:
    """Each conversation cut into windows of at most `size` exchanges, each exchange in one window;
    with `rng`, the first cut of a longer conversation falls at a random place (another each epoch);
    one that fits in a window stays whole (its replies keep what came before them)."""
    out = []
    for conversation in conversations:
        first = rng.randrange(1, size + 1) if rng and len(conversation) > size else size
        cuts = [0, *range(first, len(conversation), size), len(conversation)]
        out += [conversation[a:b] for a, b in zip(cuts, cuts[1:]) if b > a]
    return out


def reply_spans(text: str, persona: Persona) -> list[tuple[int, int]]:
    """Character spans of the agent's replies in a prompt text (each with the new line that ends it)."""
    spans, start = [], 0
    tag = f"{persona.name} ["
    for line in text.split("\n")[:-1]:
        if line.startswith(tag) and "]: " in line:
            begin = start + line.index("]: ") + 2  # the space before the reply: one token with it
            spans.append((begin, start + len(line) + 1))
        start += len(line) + 1
    return spans
