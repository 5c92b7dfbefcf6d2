"""The feeling of each message in the project's own conversations, labelled by readers
(`training/data/conversation_emotions/`): a test of the text emotion model on what this agent meets,
follow-up messages read with the turns before them ("its the full tuition one" after "i got the
scholarship!!" is still joy), and data for the text model's dialogue head.

    training/data/conversation_emotions/NAME.jsonl   {"id", "turn", "emotion"} per message of a person
    training/data/conversations/NAME.json            [{"id", "turns": [message, ...]}, ...]
    training/data/replies/written*/*.jsonl           {"id", "turns": [{"user", "listener"}, ...]} per line
"""

from __future__ import annotations

import json
from pathlib import Path

from perception.emotions import EMOTIONS

from agent.evaluation.datasets import LabelledUtterance, _require

TRAINING_DATA = Path(__file__).resolve().parents[2] / "training" / "data"
LABELS = TRAINING_DATA / "conversation_emotions"
CONVERSATIONS = TRAINING_DATA / "conversations"
WRITTEN = (TRAINING_DATA / "replies" / "written", TRAINING_DATA / "replies" / "written_next")


def read_emotion_labels(path: Path) -> dict[tuple[str, int], str]:
    """(conversation id, 0-based message index) -> emotion, from a JSON-lines labels file."""
    labels = {}
    for number, line in enumerate(_require(path, "conversation emotion labels").read_text(
            encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            key, emotion = (str(row["id"]), int(row["turn"])), row["emotion"]
        except (ValueError, KeyError, TypeError) as error:
            raise ValueError(f"{path}:{number}: not a label line ({error})") from error
        if emotion not in EMOTIONS:
            raise ValueError(f"{path}:{number}: unknown emotion {emotion!r}; one of {', '.join(EMOTIONS)}")
        labels[key] = emotion
    return labels


def labelled_messages(conversations: list[tuple[str, list[tuple[str, str | None]]]],
                      labels: dict[tuple[str, int], str], where: str) -> list[LabelledUtterance]:
    """Each person's message of `conversations` ((id, [(message, listener line or None), ...])) with its
    label, read with every earlier message and listener line of its conversation."""
    out = []
    for cid, turns in conversations:
        context: list[tuple[str, str]] = []
        for n, (message, answer) in enumerate(turns):
            if (cid, n) not in labels:
                raise ValueError(f"{where}: no emotion label for message {n} of conversation {cid!r}")
            out.append(LabelledUtterance(message, [labels[(cid, n)]], "user", list(context)))
            context += [("user", message)] + ([("agent", answer)] if answer else [])
    return out


def read_everyday_dialogue(data: Path, split: str) -> list[LabelledUtterance]:
    """`training/data/conversations/NAME.json` (the person's messages only: what the agent answered
    differs from run to run), each message read with the person's earlier ones (`data` is not used:
    the set ships with the code)."""
    path = _require(CONVERSATIONS / f"{split}.json", f"everyday conversations {split!r}")
    conversations = [(str(c["id"]), [(m, None) for m in c["turns"]])
                     for c in json.loads(path.read_text(encoding="utf-8"))]
    return labelled_messages(conversations, read_emotion_labels(LABELS / f"{split}.jsonl"), str(path))


def written_conversation_rows(folder: Path) -> list[tuple[str, list[tuple[str, str]]]]:
    """The written listener conversations of `folder` (`*.jsonl`, file and line order): (id, [(message,
    listener line), ...]) each; a line that is not one is named with its place."""
    rows = []
    for path in sorted(Path(folder).glob("*.jsonl")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                turns = [(t["user"].strip(), t["listener"].strip()) for t in row["turns"]]
            except (ValueError, KeyError, TypeError, AttributeError) as error:
                raise ValueError(f"{path}:{number}: not a written conversation ({error})") from error
            rows.append((str(row.get("id", f"{path.name}:{number}")), turns))
    return rows


def written_part(rows: list, part: str) -> list:
    """Every 10th conversation (from the first) is the validation part, the rest train: the reply
    model's split (`training.reply_data.written_conversations`)."""
    return [row for k, row in enumerate(rows) if (k % 10 == 0) == (part == "validation")]


def read_written_dialogue(part: str) -> list[LabelledUtterance]:
    """The written listener conversations (both batches), each person's message labelled
    (`conversation_emotions/written.jsonl`) and read with the listener's lines before it; `part` is
    "train" or "validation", `written_part` of each folder (for `written/`, the reply model's split)."""
    if part not in ("train", "validation"):
        raise ValueError(f"no written-dialogue split {part!r}; choose train or validation")
    labels = read_emotion_labels(LABELS / "written.jsonl")
    conversations = [row for folder in WRITTEN for row in written_part(written_conversation_rows(folder), part)]
    return labelled_messages(conversations, labels, "written conversations")
