"""Readers for the emotion data sets, laid out as in ../shared/data (training and evaluation only).

    DIR/text/meld/NAME.csv                     utterances in dialogue order, one emotion each
    DIR/text/goemotions/ekman/NAME.tsv         text, label ids (comma-separated), id
    DIR/text/reccon/dailydialog_NAME.json      dialogues with emotions and cause evidence/spans
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path

from perception.emotions import EMOTIONS
from perception.text import map_label

DEFAULT_DATA = Path("../shared/data")


@dataclass
class LabelledUtterance:
    text: str
    labels: list[str]  # one for MELD; one or more for GoEmotions
    speaker: str = "A"
    context: list[tuple[str, str]] = field(default_factory=list)  # (speaker, text), oldest first
    dialogue: str = ""  # MELD's Dialogue_ID


def _require(path: Path, what: str) -> Path:
    if not path.is_file():
        raise FileNotFoundError(f"no {what} at {path}")
    return path


def read_meld(data: Path, split: str) -> list[LabelledUtterance]:
    """MELD utterances, each with the earlier utterances of its dialogue as context."""
    path = _require(Path(data) / "text" / "meld" / f"{split}.csv", f"MELD split {split!r}")
    with open(path, encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    out: list[LabelledUtterance] = []
    dialogue, context = None, []
    for r in rows:
        if r["Dialogue_ID"] != dialogue:
            dialogue, context = r["Dialogue_ID"], []
        text = r["Utterance"].replace("\x92", "'").replace("\x85", "...").strip()
        out.append(LabelledUtterance(text, [map_label(r["Emotion"])], r["Speaker"], list(context), dialogue))
        context.append((r["Speaker"], text))
    return out


def read_goemotions(data: Path, split: str) -> list[LabelledUtterance]:
    """GoEmotions with the Ekman mapping (6 emotions + neutral), multi-label."""
    folder = Path(data) / "text" / "goemotions" / "ekman"
    names = _require(folder / "labels.txt", "GoEmotions label list").read_text().split()
    path = _require(folder / f"{split}.tsv", f"GoEmotions split {split!r}")
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 2 or not parts[0].strip():
                continue
            labels = [map_label(names[int(i)]) for i in parts[1].split(",")]
            out.append(LabelledUtterance(parts[0].strip(), sorted(set(labels), key=EMOTIONS.index)))
    return out


@dataclass
class RecconTurn:
    speaker: str
    text: str
    emotion: str  # normalised into EMOTIONS
    cause_turns: list[int]  # 0-based indices of the causal utterances (may include itself)
    cause_spans: list[tuple[int, str]]  # (turn index, span text) pairs, spans found in that turn


@dataclass
class RecconDialogue:
    id: str
    turns: list[RecconTurn]


def read_reccon(data: Path, split: str) -> list[RecconDialogue]:
    """RECCON-DD dialogues. Evidence 'b' (the cause is outside the dialogue) is dropped."""
    path = _require(Path(data) / "text" / "reccon" / f"dailydialog_{split}.json",
                    f"RECCON split {split!r}")
    raw = json.loads(path.read_text(encoding="utf-8"))
    dialogues = []
    for did, versions in raw.items():
        turns = []
        for t in versions[0]:
            evidence = t.get("expanded emotion cause evidence", [])
            spans = t.get("expanded emotion cause span", [])
            turns.append(RecconTurn(t["speaker"], t["utterance"].strip(), map_label(t["emotion"]),
                                    sorted({e - 1 for e in evidence if isinstance(e, int)}),
                                    [(e - 1, s) for e, s in zip(evidence, spans) if isinstance(e, int)]))
        dialogues.append(RecconDialogue(did, turns))
    return dialogues


@dataclass
class CausePair:
    """One causal-emotion-entailment question: is `utterances[candidate]` a cause of `target`'s emotion?"""

    utterances: list[str]
    speakers: list[str]
    target: int
    candidate: int
    emotion: str
    is_cause: bool
    spans: list[str]  # the annotated cause spans inside the candidate (positives only)


def reccon_pairs(dialogues: list[RecconDialogue]) -> list[CausePair]:
    """Every (non-neutral target, candidate at or before it) pair, as in RECCON's CEE set-up."""
    pairs = []
    for d in dialogues:
        utterances = [t.text for t in d.turns]
        speakers = [t.speaker for t in d.turns]
        for target, turn in enumerate(d.turns):
            if turn.emotion == "neutral":
                continue
            for candidate in range(target + 1):
                spans = [s for i, s in turn.cause_spans if i == candidate and s.strip()]
                pairs.append(CausePair(utterances, speakers, target, candidate, turn.emotion,
                                       candidate in turn.cause_turns, spans))
    return pairs
