"""Readers for the emotion data sets, laid out as in ../shared/data (training and evaluation only).

    DIR/text/meld/NAME.csv                     utterances in dialogue order, one emotion each
    DIR/text/goemotions/ekman/NAME.tsv         text, label ids (comma-separated), id
    DIR/text/reccon/dailydialog_NAME.json      dialogues with emotions and cause evidence/spans
    DIR/text/peld/NAME.tsv                     dyadic triples with the responder's Big Five
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from perception.emotions import EMOTIONS
from perception.text import map_label

from agent.evaluation import DEFAULT_DATA  # noqa: F401  (where the commands look by default)


@dataclass
class LabelledUtterance:
    text: str
    labels: list[str]  # one for MELD; one or more for GoEmotions
    speaker: str = "A"
    context: list[tuple[str, str]] = field(default_factory=list)  # (speaker, text), oldest first
    dialogue: str = ""  # MELD's Dialogue_ID
    sentiment: str = ""  # MELD's sentiment (positive, negative, neutral); empty elsewhere


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
        out.append(LabelledUtterance(text, [map_label(r["Emotion"])], r["Speaker"], list(context), dialogue,
                                     r.get("Sentiment", "").strip().lower()))
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


_SPACED = re.compile(r" ([.,!?;:%)]|n't|'(?:s|m|re|ve|ll|d)\b)|([($]) ")


def detokenize(text: str) -> str:
    """DailyDialog's spaced punctuation ("Hi , I'm Mike .") written the usual way ("Hi, I'm Mike.")."""
    return _SPACED.sub(lambda m: m.group(1) or m.group(2), text.replace(" ’ ", "'").strip())


def reccon_utterances(dialogues: list[RecconDialogue]) -> list[LabelledUtterance]:
    """RECCON-DD turns as emotion-in-conversation examples (like MELD's): each with its earlier turns."""
    out = []
    for d in dialogues:
        context: list[tuple[str, str]] = []
        for t in d.turns:
            text = detokenize(t.text)
            out.append(LabelledUtterance(text, [t.emotion], t.speaker, list(context), d.id))
            context.append((t.speaker, text))
    return out


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


@dataclass
class PeldTriple:
    """Speaker 1 says utterance 1, speaker 2 answers, speaker 1 responds (utterance 3) with `emotions[2]`.
    `personality` is speaker 1's Big Five (OCEAN, each in [0, 1]), as PELD gives it."""

    speakers: tuple[str, str]
    personality: tuple[float, float, float, float, float]
    utterances: tuple[str, str, str]
    emotions: tuple[str, str, str]


PELD_COLUMNS = ("Speaker_1", "Speaker_2", "Personality", "Utterance_1", "Utterance_2", "Utterance_3",
                "Emotion_1", "Emotion_2", "Emotion_3")


def read_peld(data: Path, split: str) -> list[PeldTriple]:
    """PELD triples from DIR/text/peld/NAME.tsv (the columns of preke/PELD's data file)."""
    path = _require(Path(data) / "text" / "peld" / f"{split}.tsv", f"PELD split {split!r}")
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f, delimiter="\t")
        missing = [c for c in PELD_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise ValueError(f"{path} lacks the PELD columns {missing}")
        triples = []
        for line, r in enumerate(reader, start=2):
            try:
                personality = tuple(float(x) for x in json.loads(r["Personality"]))
                emotions = tuple(map_label(r[f"Emotion_{k}"]) for k in (1, 2, 3))
            except (ValueError, TypeError) as exc:
                raise ValueError(f"{path}, line {line}: {exc}") from exc
            if len(personality) != 5 or not all(0.0 <= x <= 1.0 for x in personality):
                raise ValueError(f"{path}, line {line}: Personality must be five numbers in [0, 1]")
            triples.append(PeldTriple((r["Speaker_1"], r["Speaker_2"]), personality,  # type: ignore[arg-type]
                                      (r["Utterance_1"], r["Utterance_2"], r["Utterance_3"]),
                                      emotions))  # type: ignore[arg-type]
    return triples


def peld_holdout(index: int, block: int = 50, every: int = 7) -> bool:
    """Our PELD dev split: every 7th block of 50 consecutive triples (neighbouring triples share
    utterances, so a block split keeps the same lines of dialogue out of both sides)."""
    return (index // block) % every == every // 2


# -- speech: RAVDESS ------------------------------------------------------------------------------
#
#     DIR/speech/ravdess/Actor_XX/03-01-EE-II-SS-RR-AA.flac
#
# modality 03 (audio only), vocal channel 01 (speech), EE emotion (01..08, `RAVDESS_EMOTIONS`),
# II intensity (01 normal, 02 strong), SS statement, RR repetition, AA actor (odd: male, even: female).

from perception.speech_emotion import SPEECH_LABELS as RAVDESS_EMOTIONS  # noqa: E402  (codes 01..08)

RAVDESS_INTENSITIES = ("normal", "strong")


@dataclass
class RavdessClip:
    path: Path
    actor: int
    emotion: str  # one of RAVDESS_EMOTIONS
    intensity: str  # "normal" or "strong"


def parse_ravdess_name(path: Path) -> RavdessClip:
    """The clip named `path` (03-01-EE-II-SS-RR-AA.ext); ValueError for other names."""
    parts = Path(path).stem.split("-")
    if len(parts) != 7 or not all(p.isdigit() for p in parts):
        raise ValueError(f"{path.name} is not a RAVDESS file name (MM-VV-EE-II-SS-RR-AA)")
    emotion, intensity, actor = int(parts[2]), int(parts[3]), int(parts[6])
    if not 1 <= emotion <= len(RAVDESS_EMOTIONS) or not 1 <= intensity <= len(RAVDESS_INTENSITIES):
        raise ValueError(f"{path.name}: emotion code {parts[2]} or intensity code {parts[3]} is out of range")
    return RavdessClip(Path(path), actor, RAVDESS_EMOTIONS[emotion - 1], RAVDESS_INTENSITIES[intensity - 1])


def read_ravdess(data: Path, actors: list[int]) -> list[RavdessClip]:
    """The speech clips of `actors` under DIR/speech/ravdess (FLAC or WAV), sorted by path.
    FileNotFoundError when the folder or an asked-for actor's folder is missing."""
    root = Path(data) / "speech" / "ravdess"
    if not root.is_dir():
        raise FileNotFoundError(f"no RAVDESS folder at {root} (expected Actor_XX/*.flac inside)")
    clips = []
    for actor in sorted(set(actors)):
        folder = root / f"Actor_{actor:02d}"
        if not folder.is_dir():
            raise FileNotFoundError(f"no RAVDESS actor {actor} at {folder}")
        for path in sorted(folder.iterdir()):
            if path.suffix.lower() in (".flac", ".wav") and not path.name.startswith("."):
                clip = parse_ravdess_name(path)
                if clip.actor != actor:
                    raise ValueError(f"{path} is in the folder of actor {actor} but names actor {clip.actor}")
                clips.append(clip)
    return clips


def parse_actors(spec: str) -> list[int]:
    """Actor numbers from "17-20" or "1,3,5-7" (sorted, no duplicates); ValueError on bad input."""
    actors: set[int] = set()
    for part in str(spec).replace(" ", "").split(","):
        bounds = part.split("-")
        if not part or len(bounds) > 2 or not all(b.isdigit() for b in bounds):
            raise ValueError(f"bad actor list {spec!r}: use numbers and ranges, e.g. '17-20' or '1,3,5-7'")
        low, high = int(bounds[0]), int(bounds[-1])
        if low < 1 or high < low:
            raise ValueError(f"bad actor range {part!r} in {spec!r}: actors are numbered from 1, low-high")
        actors.update(range(low, high + 1))
    return sorted(actors)


# -- face expressions (FER2013) -------------------------------------------------------------------
#
# DIR/vision/fer2013/SPLIT/LABEL/*.jpg: 48x48 greyscale face crops, one folder per expression
# (angry disgust fear happy neutral sad surprise); "dev" is FER2013's PublicTest.

FER2013_IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png")


@dataclass
class FaceImage:
    path: Path
    label: str  # one of EMOTIONS


def read_fer2013(data: Path, split: str) -> list[FaceImage]:
    """The face crops of FER2013 `split` (DIR/vision/fer2013/SPLIT/LABEL/*.jpg), labels mapped into
    `EMOTIONS`, sorted by label folder then file name. FileNotFoundError for a missing split or an
    empty one; ValueError for a label folder with no mapping into `EMOTIONS`."""
    root = Path(data) / "vision" / "fer2013" / split
    if not root.is_dir():
        raise FileNotFoundError(f"no FER2013 split {split!r} at {root} (expected LABEL/*.jpg folders inside)")
    images = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        label = map_label(folder.name)
        images += [FaceImage(path, label) for path in sorted(folder.iterdir())
                   if path.suffix.lower() in FER2013_IMAGE_SUFFIXES and not path.name.startswith(".")]
    if not images:
        raise FileNotFoundError(f"FER2013 split {split!r} at {root} has no images")
    return images


@dataclass
class CrisisMessage:
    """One labelled message of a crisis set: 1 = self-harm or suicide risk, 0 = not."""

    text: str
    label: int
    category: str = ""
    earlier: list[str] = field(default_factory=list)  # the user's previous messages, oldest first


#: The separator of earlier messages in a crisis set's optional `context` column.
CONTEXT_SEPARATOR = " || "
CRISIS_LABEL_COLUMNS = ("label", "suicidal")


def read_crisis_csv(path: Path, label_column: str | None = None) -> list[CrisisMessage]:
    """A crisis set: a CSV with a `text` column and a 0/1 label column (`label` or `suicidal`, the
    layout of suicidal_tweets_*.csv, or the one named), optionally `category` and `context` (the
    user's earlier messages, separated by " || "). Rows with an empty text are skipped."""
    path = _require(Path(path), "crisis CSV")
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        columns = reader.fieldnames or []
        label_column = label_column or next((c for c in CRISIS_LABEL_COLUMNS if c in columns), None)
        if "text" not in columns or label_column not in columns:
            raise ValueError(f"{path} needs a 'text' column and a 0/1 label column "
                             f"({label_column or ' or '.join(CRISIS_LABEL_COLUMNS)}); it has: "
                             f"{', '.join(columns) or 'no header'}")
        out = []
        for line, row in enumerate(reader, start=2):
            label = (row[label_column] or "").strip()
            if label not in ("0", "1"):
                raise ValueError(f"{path}, line {line}: the label must be 0 or 1, got {label!r}")
            if (row["text"] or "").strip():
                earlier = (row.get("context") or "").split(CONTEXT_SEPARATOR.strip())
                out.append(CrisisMessage(row["text"].strip(), int(label), (row.get("category") or "").strip(),
                                         [t.strip() for t in earlier if t.strip()]))
    if not out:
        raise ValueError(f"{path} holds no labelled messages")
    return out


def read_hyperboles(data: Path) -> list[str]:
    """HYPO's hyperboles and their literal paraphrases (figures of speech and plain talk, never a
    crisis); its third column, which holds some literal death sentences, is left out."""
    path = _require(Path(data) / "text" / "crisis" / "hyperboles_hypo.tsv", "HYPO hyperbole corpus")
    with open(path, encoding="utf-8") as f:
        rows = list(csv.reader(f, delimiter="\t"))[1:]
    return [cell.strip() for row in rows for cell in row[:2] if cell.strip()]


def read_ed_situations(data: Path, split: str) -> list[tuple[str, int]]:
    """EmpatheticDialogues situation descriptions: (text, ED label id 0-31)."""
    path = _require(Path(data) / "text" / "empathetic_dialogues_situations" / f"{split}.csv",
                    f"EmpatheticDialogues situations split {split!r}")
    with open(path, encoding="utf-8", newline="") as f:
        return [(r["text"].strip(), int(r["label"])) for r in csv.DictReader(f) if r["text"].strip()]


#: EmpatheticDialogues' 32 labels in the order of the derived copy's ids (HypEmo's `label2idx`).
ED_LABELS = ("sad", "trusting", "terrified", "caring", "disappointed", "faithful", "joyful", "jealous",
             "disgusted", "surprised", "ashamed", "afraid", "impressed", "sentimental", "devastated",
             "excited", "anticipating", "annoyed", "anxious", "furious", "content", "lonely", "angry",
             "confident", "apprehensive", "guilty", "embarrassed", "grateful", "hopeful", "proud",
             "prepared", "nostalgic")
#: The ED labels that map clearly into EMOTIONS. Left out as ambiguous (no single basic emotion):
#: trusting, caring, faithful, sentimental, nostalgic, anticipating, hopeful, confident, prepared,
#: impressed, jealous, ashamed, guilty, embarrassed.
ED_TO_EMOTION = {
    "sad": "sadness", "devastated": "sadness", "lonely": "sadness", "disappointed": "sadness",
    "afraid": "fear", "terrified": "fear", "anxious": "fear", "apprehensive": "fear",
    "joyful": "joy", "excited": "joy", "proud": "joy", "grateful": "joy", "content": "joy",
    "angry": "anger", "furious": "anger", "annoyed": "anger",
    "disgusted": "disgust", "surprised": "surprise",
}


def read_ed_mapped(data: Path, split: str) -> list[LabelledUtterance]:
    """The ED situations whose label maps clearly into EMOTIONS (`ED_TO_EMOTION`), one label each."""
    return [LabelledUtterance(text, [ED_TO_EMOTION[ED_LABELS[label]]])
            for text, label in read_ed_situations(data, split) if ED_LABELS[label] in ED_TO_EMOTION]


#: The project's own everyday messages (`training/data/everyday/`): the obvious cases.
EVERYDAY = Path(__file__).resolve().parents[2] / "training" / "data" / "everyday"


def read_everyday(data: Path, split: str) -> list[LabelledUtterance]:
    """The project's own everyday messages, one clear emotion each (`data` is not used: the set ships
    with the code, `training/data/everyday/NAME.csv`)."""
    path = _require(EVERYDAY / f"{split}.csv", f"everyday messages split {split!r}")
    with open(path, encoding="utf-8", newline="") as f:
        return [LabelledUtterance(r["text"].strip(), [r["emotion"]]) for r in csv.DictReader(f)]


#: The agent's answer in an everyday conversation, by the feeling of the message it answers.
EVERYDAY_REPLIES = {"joy": "That's wonderful news, congratulations!", "sadness": "I'm so sorry, that sounds really hard.",
                    "fear": "That sounds frightening. What worries you most?",
                    "anger": "That's so unfair, no wonder you're angry.", "disgust": "Ugh, that sounds awful.",
                    "surprise": "Wow, I did not expect that!", "neutral": "I see. Tell me more."}


def read_everyday_conversation(data: Path, split: str) -> list[LabelledUtterance]:
    """Each everyday message as the next turn of a conversation about something else: after another
    message of the set with a *different* feeling (drawn with a fixed seed) and the agent's answer to
    it. Measures whether the earlier turn's feeling is carried over onto a message that says its own."""
    import random

    items, rng = read_everyday(data, split), random.Random(0)
    out = []
    for item in items:
        earlier = rng.choice([x for x in items if x.labels[0] != item.labels[0]])
        context = [("user", earlier.text), ("agent", EVERYDAY_REPLIES[earlier.labels[0]])]
        out.append(LabelledUtterance(item.text, item.labels, "user", context))
    return out
