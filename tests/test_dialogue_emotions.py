"""The reader-labelled feelings of the project's own conversations (agent/evaluation/dialogue_emotions.py):
every message of the shipped conversations has a label, each is read with the turns before it, and a
bad label file is a clear error naming its line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agent.evaluation.dialogue_emotions import (labelled_messages, read_emotion_labels, read_everyday_dialogue,
                                                read_written_dialogue)
from perception.emotions import EMOTIONS


def test_every_message_of_the_shipped_conversations_is_labelled_and_read_in_context():
    everyday = read_everyday_dialogue(Path("unused"), "everyday")
    assert len(everyday) == 121 and {u.labels[0] for u in everyday} == set(EMOTIONS)
    assert everyday[1].context == [("user", everyday[0].text)]  # the person's messages only
    train, validation = read_written_dialogue("train"), read_written_dialogue("validation")
    assert len(train) + len(validation) == 2886 and len(validation) == 291
    followers = [u for u in train if u.context]
    assert followers and all(u.context[-1][0] == "agent" for u in followers)  # the listener's line before it


def write(tmp_path: Path, *rows) -> Path:
    path = tmp_path / "labels.jsonl"
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows) + "\n")
    return path


@pytest.mark.parametrize("row,message", [
    ({"id": "c1", "turn": 0, "emotion": "happy"}, "unknown emotion 'happy'"),
    ({"id": "c1", "emotion": "joy"}, "not a label line"),
    ("{not json", "not a label line"),
])
def test_a_bad_label_file_names_its_line(tmp_path, row, message):
    path = write(tmp_path, {"id": "c0", "turn": 0, "emotion": "joy"}, row)
    with pytest.raises(ValueError, match=rf"labels.jsonl:2: {message}"):
        read_emotion_labels(path)


def test_a_missing_label_or_file_or_split_is_a_clear_error(tmp_path):
    labels = read_emotion_labels(write(tmp_path, {"id": "c1", "turn": 0, "emotion": "joy"}))
    with pytest.raises(ValueError, match="no emotion label for message 1 of conversation 'c1'"):
        labelled_messages([("c1", [("i won!", None), ("the big one", None)])], labels, "test")
    with pytest.raises(FileNotFoundError):
        read_emotion_labels(tmp_path / "nothing.jsonl")
    with pytest.raises(FileNotFoundError, match="everyday conversations 'nope'"):
        read_everyday_dialogue(Path("unused"), "nope")
    with pytest.raises(ValueError, match="no written-dialogue split 'dev'"):
        read_written_dialogue("dev")
