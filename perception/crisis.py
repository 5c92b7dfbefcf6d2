"""Self-harm and suicide risk in what the user says: `CrisisDetector.load().read(text, earlier)`.

Two readers; either one flags a message:

* **a classifier** trained here (`training/train_crisis_detector.py`, model card in
  `perception/models/crisis/`): the packaged all-MiniLM-L6-v2 with LoRA adapters and a one-logit
  risk head, so that paraphrases nobody listed ("I don't want to be around anymore", "I swallowed a
  lot of pills an hour ago") are caught. Its threshold was set for recall first: a false alarm costs
  one careful reply, a miss can cost a life.
* **patterns**: explicit phrasings, a safety net under the classifier. One's own wish or act
  (`PATTERNS`: "I want to die", "kms") flags a message unless the classifier is all but sure it is
  not a crisis (score below `pattern_floor` in model.json); a word of the topic (`TOPIC_PATTERNS`)
  only above `topic_floor`, set on the tune files, for such words are as often said about it: "an
  essay on suicide prevention", "my grandpa died by suicide", "one year self harm free today",
  "that curry was so spicy I thought I was going to die".

The classifier reads the message with the user's recent messages as a second segment, the way the
text-emotion model reads its context: risk that builds over turns ("I've said goodbye to everyone"
after "I can't do this anymore") raises the score, the same words after a farewell party do not.
A message of several sentences also has each sentence read (`message_scores`). A detector folder may
name a third reader, a Gemma verifier (`perception/crisis_verifier.py`; the packaged one does), whose
weighted geometric mean with the classifier's score is then the score (the verifier's weight
`verifier.share`; read per sentence, or once per message against the classifier's highest sentence
score: `verifier.reads` in model.json).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from perception.dialogue_head import LogitCache
from perception.text import encode_with_context
from perception.loading import ModelLoadError, active_source, resolve_device, shared_model
from perception.crisis_words import (MIN_SENTENCE_WORDS, PATTERNS, TOPIC_PATTERNS, is_topic_word,  # noqa: F401
                                     message_cores, pattern_words)
from perception.defaults import PACKAGED_CRISIS
from perception.sentences import split_sentences

if TYPE_CHECKING:
    from perception.crisis_verifier import VerifierBody

PACKAGED_CRISIS_DIR = Path(__file__).parent / "models" / "crisis"

@dataclass(frozen=True)
class RiskReading:
    """What the detector read in one message."""

    score: float  # the classifier's risk probability for the message read with its context
    classified: bool  # the score reached the classifier's threshold
    words: str | None = None  # the words an explicit pattern matched (unless the classifier ruled it out)

    @property
    def at_risk(self) -> bool:
        return self.classified or self.words is not None

    @property
    def source(self) -> str | None:
        """What flagged it: "classifier", "patterns", "both", or None."""
        if self.classified and self.words:
            return "both"
        return "classifier" if self.classified else "patterns" if self.words else None


SETTINGS = ("threshold", "context_turns", "max_length")
#: With a second opinion: the lowest score, apart from a pattern's floors (a message with a pattern's
#: words is always read again), that a decision reads by default. The threshold is far above it and a
#: careful session's concern level is half the threshold; `CrisisDetector.reads_down_to` lowers it
#: for a lower level. A sequence whose own score is under its square cannot reach it in the mean.
LOWEST_DECISION_SCORE = 0.05
#: Older detector folders have no `pattern_floor`: there every pattern match flags.
DEFAULT_PATTERN_FLOOR = 0.0
#: The score from which a first signal is clear enough for the fixed crisis reply rather than a
#: check-in (`agent.safety`), where model.json names none.
DEFAULT_PROTOCOL_SCORE = 0.95
#: What a verifier reads (model.json's `verifier.reads`): each sentence of a message as the classifier
#: does (the default), or the whole message once, against the classifier's highest sentence score.
VERIFIER_READINGS = ("sentences", "message")


class CrisisDetector:
    """Patterns + the trained classifier (the packaged MiniLM with LoRA adapters, merged, and a
    one-logit head). Shared per process: use `.load()`."""

    def __init__(self, folder: Path, device: str = "cpu", onnx: bool = True,
                 verifier_body: "VerifierBody | str | None" = None):
        """`onnx`: on the CPU, run the model on ONNX Runtime with int8 weights
        (`perception/onnx_runner.py`; about a quarter of torch's time, the same recall on the
        project's sets: model card); torch where that is unavailable, on a GPU, or when False.
        `verifier_body`: the Gemma the verifier named in model.json reads with
        (`perception.crisis_verifier.VerifierBody`, or a model folder: the agent passes its own LLM where
        it fits, else the packaged Gemma's folder); without it the detector reads alone, at its own
        threshold."""
        from transformers import AutoTokenizer

        from perception.adapted_encoder import CONFIG_FILE, WEIGHTS_FILE, AdaptedEncoder
        from perception.onnx_runner import OnnxHead
        from perception.encoder import resolve_encoder_path

        try:
            settings = json.loads((folder / CONFIG_FILE).read_text())
            missing = [k for k in (*SETTINGS, "base") if k not in settings]
            if missing or settings.get("heads") != {"risk": 1}:
                raise ValueError(f"it lacks {', '.join(missing) or 'the risk head'}")
        except (OSError, ValueError) as exc:
            raise ModelLoadError(f"{folder / CONFIG_FILE} is not a crisis detector's (as "
                                 f"training.train_crisis_detector writes): {exc}") from exc
        base = resolve_encoder_path(settings["base"])
        self.model = AdaptedEncoder.load(folder, base, device)
        self.runner = (OnnxHead.for_model(self.model, "risk", [folder / CONFIG_FILE, folder / WEIGHTS_FILE],
                                          int8=True)
                       if onnx and device == "cpu" else None)
        self.tokenizer = AutoTokenizer.from_pretrained(base)
        self.device = device
        self.max_length = int(settings["max_length"])
        self.threshold = float(settings["threshold"])
        self.context_turns = int(settings["context_turns"])
        self.pattern_floor = float(settings.get("pattern_floor", DEFAULT_PATTERN_FLOOR))
        self.topic_floor = float(settings.get("topic_floor", self.pattern_floor))
        self.read_sentences = bool(settings.get("read_sentences", False))
        self.protocol_score = float(settings.get("protocol_score", DEFAULT_PROTOCOL_SCORE))
        self._scores = LogitCache(size=2048)  # by digest: no words are kept
        self.second = self._second_opinion(folder, settings.get("second_opinion"), device, onnx)
        self.verifier, self.verifier_reads, self.verifier_share = None, VERIFIER_READINGS[0], 0.5
        if verifier_body is not None and settings.get("verifier"):
            self._attach_verifier(folder, settings["verifier"], verifier_body, device)
        self.lowest_decision_score = min(LOWEST_DECISION_SCORE, self.threshold)

    def _attach_verifier(self, folder: Path, section: dict, body: "VerifierBody | str", device: str) -> None:
        """The verifier of model.json's `verifier` section (its folder inside this one, the threshold
        and topic floor of the combined score, what it `reads`: each sentence as the classifier does,
        or the whole message only, and its `share` of the weighted geometric mean, 0.5 by default),
        reading with `body`."""
        from perception.crisis_verifier import CrisisVerifier

        try:
            name, threshold, floor = section["folder"], float(section["threshold"]), float(section["topic_floor"])
            protocol = float(section.get("protocol_score", self.protocol_score))
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelLoadError(f"{folder / 'model.json'}: its verifier section needs folder, threshold and "
                                 f"topic_floor (numbers, as protocol_score): {exc}") from exc
        reads, share = section.get("reads", VERIFIER_READINGS[0]), section.get("share", 0.5)
        if reads not in VERIFIER_READINGS:
            raise ModelLoadError(f"{folder / 'model.json'}: the verifier reads {reads!r}; one of "
                                 f"{', '.join(VERIFIER_READINGS)}")
        if not isinstance(share, (int, float)) or not 0 < share < 1:
            raise ModelLoadError(f"{folder / 'model.json'}: the verifier's share {share!r} is not a number "
                                 "between 0 and 1")
        self.verifier = CrisisVerifier(folder / name, body, device)
        self.pair_threshold = self.threshold
        self.threshold, self.topic_floor = threshold, floor
        self.verifier_reads, self.verifier_share, self.protocol_score = reads, float(share), protocol

    @staticmethod
    def _second_opinion(folder: Path, name: str | None, device: str, onnx: bool) -> "CrisisDetector | None":
        """The detector in `folder/name` (model.json's `second_opinion`: a plain detector folder, whose
        own threshold and floors are not read), or None."""
        if not name:
            return None
        second = (folder / name).resolve()
        if second == folder.resolve() or not second.is_relative_to(folder.resolve()):
            raise ModelLoadError(f"{folder / 'model.json'}: second_opinion {name!r} must be a folder inside it")
        try:
            if json.loads((second / "model.json").read_text()).get("second_opinion"):
                raise ModelLoadError(f"{second}: a second opinion cannot have a second opinion of its own")
            return CrisisDetector(second, device, onnx)
        except (ModelLoadError, OSError, ValueError) as exc:
            raise ModelLoadError(f"{folder / 'model.json'} names {name!r} as its second opinion, which "
                                 f"cannot be loaded: {exc}") from exc

    def protocol_score_or(self, setting: float | None) -> float:
        """The score from which a first signal gets the fixed crisis reply: `setting` (the settings'
        `safety.protocol_score`) where given, else this detector's (model.json's, or its verifier
        section's: the combined score has its own scale)."""
        return self.protocol_score if setting is None else setting

    def reads_down_to(self, level: float) -> None:
        """A decision reads scores as low as `level` (the agent's concern level): the second opinion
        is then asked wherever the mean could reach it."""
        self.lowest_decision_score = min(self.lowest_decision_score, level)

    @classmethod
    def load(cls, source: str | None = None, device: str = "auto",
             verifier_body: "VerifierBody | str | None" = None) -> "CrisisDetector":
        source = source or active_source("crisis", PACKAGED_CRISIS)
        folder = PACKAGED_CRISIS_DIR if source == PACKAGED_CRISIS else Path(source).expanduser()
        if not (folder / "model.json").is_file():
            raise ModelLoadError(f"{folder} is not a crisis detector folder (no model.json)")
        device = resolve_device(device)
        from perception.crisis_verifier import VerifierBody

        key = VerifierBody.of(verifier_body).key() if verifier_body is not None else None
        return shared_model("crisis", f"{folder}|{key}", device,
                            lambda: cls(folder, device, verifier_body=verifier_body))

    def encode(self, texts: list[str], earlier: list[list[str]]) -> list[dict]:
        """Tokenizer inputs: each message, then the user's recent messages (most recent first)."""
        contexts = [[("user", t) for t in e] for e in earlier]
        return encode_with_context(self.tokenizer, texts, contexts, ["user"] * len(texts),
                                   self.context_turns, self.max_length)

    def _probabilities(self, encodings: list[dict], batch_size: int = 64) -> np.ndarray:
        from perception.adapted_encoder import head_logits

        logits = head_logits(encodings, "risk", self.model, self.runner, self.device, batch_size).reshape(-1)
        return (1 / (1 + np.exp(-logits))).astype(np.float32)

    def scores(self, texts: list[str], earlier: list[list[str]] | None = None,
               with_pattern: list[bool] | None = None) -> np.ndarray:
        """Risk probabilities of messages, each with its earlier messages (evaluation, training);
        with a second opinion, the geometric mean of both models' (`second_opinion`); `with_pattern`:
        which texts belong to a message with a pattern's words (by default: which have them)."""
        texts, earlier = list(texts), earlier or [[] for _ in texts]
        encodings = self.encode(texts, [[t for t in e if t.strip()] for e in earlier])
        keys = [LogitCache.key(repr(e["input_ids"])) for e in encodings]
        found = self._scores.lookup(keys, lambda idx: self._probabilities([encodings[i] for i in idx]))
        own = np.array(found, dtype=np.float32)
        if self.second is None:
            return own
        if with_pattern is None:
            with_pattern = [pattern_words(t) is not None for t in texts]
        return self.second_opinion(own, texts, earlier, with_pattern)

    def second_opinion(self, own: np.ndarray, texts: list[str], earlier: list[list[str]],
                       with_pattern: list[bool]) -> np.ndarray:
        """The geometric mean of this model's scores `own` and the second model's (in model.json's
        `second_opinion` folder: the same recipe trained on other data or another seed, whose false
        alarms fall partly on other messages). The second model reads only what could reach a level
        a decision reads (`lowest_decision_score`; every text of a message with a pattern's words,
        whose floors are far lower): elsewhere the square root of `own`, an upper bound of the mean
        under every such level, is the score (so a stored risk under it is an upper bound), and
        everyday messages cost one model's time while every decision is the full mean's."""
        out = np.sqrt(own)
        asked = [i for i, (score, pattern) in enumerate(zip(own, with_pattern))
                 if pattern or score >= self._pair_level() ** 2]
        if asked:
            other = self.second.scores([texts[i] for i in asked], [earlier[i] for i in asked])
            out[asked] = np.sqrt(own[asked] * other)
        return out

    def message_scores(self, texts: list[str], earlier: list[list[str]] | None = None) -> np.ndarray:
        """`scores`, but where the model reads sentences (`read_sentences` in model.json) a message of
        several sentences scores the highest of itself and each sentence, read with the same earlier
        messages: risk said in one clause of a long everyday message ("Work has been a mess ...
        Lately I catch myself thinking it wouldn't be the worst thing if a truck hit me. Anyway, any
        tips for a wedding speech?") is not drowned by the rest."""
        texts, earlier = list(texts), earlier or [[] for _ in texts]
        kept = [[p for p in split_sentences(t) if len(p.split()) >= MIN_SENTENCE_WORDS] if self.read_sentences
                else [] for t in texts]
        parts = [p if len(p) > 1 else [] for p in kept]  # (one sentence is the message itself)
        owners = [i for i, p in enumerate(parts) for _ in p]
        pieces = [piece for p in parts for piece in p]
        with_pattern = [pattern_words(t) is not None for t in texts]
        every_earlier = list(earlier) + [earlier[i] for i in owners]
        every_pattern = with_pattern + [with_pattern[i] for i in owners]
        found = self.scores(texts + pieces, every_earlier, every_pattern)
        by_sentence = self.verifier is not None and self.verifier_reads == "sentences"
        if by_sentence:
            found = self.verified(found, texts + pieces, every_earlier, every_pattern)
        out = found[:len(texts)].copy()
        for owner, score in zip(owners, found[len(texts):]):
            out[owner] = max(out[owner], score)
        if self.verifier is not None and not by_sentence:  # (one Gemma pass per message)
            out = self.verified(out, texts, earlier, with_pattern)
        return self._with_core(out, texts, earlier)

    def _with_core(self, out: np.ndarray, texts: list[str], earlier: list[list[str]]) -> np.ndarray:
        """`out`, raised where a message's core (`message_cores`: without the goodbye at its end) scores higher: the
        verifier, reading the whole message, took risk followed by a goodbye for a farewell ("I'm so tired of
        living. Talk soon!" 0.031 as the agent reads it, its core 0.664; "Soon it'll all be over. speak soon" 0.053,
        its core 0.418)."""
        cores = [(i, core) for i, text in enumerate(texts) for core in message_cores(text)]
        if cores:
            found = self.message_scores([core for _, core in cores], [earlier[i] for i, _ in cores])
            for (i, _), score in zip(cores, found):
                out[i] = max(out[i], score)
        return out

    def _pair_level(self) -> float:
        """The lowest score of this model (with its second opinion) that a decision reads: with a
        verifier of weight `share`, whose combined score is at most this score ** (1 - share), the
        decision level ** (1 / (1 - share)) (squared for the plain geometric mean)."""
        if self.verifier is None:
            return self.lowest_decision_score
        return self.lowest_decision_score ** (1 / (1 - self.verifier_share))

    def verified(self, scores: np.ndarray, texts: list[str], earlier: list[list[str]],
                 with_pattern: list[bool]) -> np.ndarray:
        """The weighted geometric mean, scores ** (1 - share) * verifier ** share, of the `scores` of
        messages (or their sentences) and the verifier's reading of each (`perception.crisis_verifier`),
        the verifier asked only where the mean could reach a level a decision reads (and for every
        text of a message with a pattern's words); elsewhere scores ** (1 - share), an upper bound of
        the mean, so everyday messages cost no Gemma pass. A text longer than the verifier reads is
        decided by the classifier pair alone (`on_verified_scale`)."""
        share = self.verifier_share
        out = np.power(scores, 1 - share)
        near = [i for i, (score, pattern) in enumerate(zip(scores, with_pattern))
                if pattern or score >= self._pair_level()]
        cut = [i for i in near if not self.verifier.reads_whole(texts[i])]  # (decided by the pair alone)
        asked = [i for i in near if i not in cut]
        if asked:
            other = self.verifier.scores([texts[i] for i in asked], [earlier[i] for i in asked])
            out[asked] = np.power(scores[asked], 1 - share) * np.power(other, share)
        out[cut] = self.on_verified_scale(scores[cut])
        return out

    def on_verified_scale(self, scores: np.ndarray) -> np.ndarray:
        """The classifier pair's own `scores` where the verifier would read a message cut short (a long
        post: "... i wish i was dead ..." past its first 96 tokens scored 0.001 there), put on the
        combined score's scale, piecewise linear in the log: unchanged up to the pattern floors (the
        same numbers on both scales), the pair's own threshold onto the combined one, 1 onto 1; so such
        a message is flagged, by score or pattern, exactly where the pair alone flags it."""
        floor = max(self.topic_floor, self.pattern_floor)
        if not floor < min(self.threshold, self.pair_threshold):
            floor = min(self.threshold, self.pair_threshold) / 2
        low = min(floor, 1e-9)
        known = np.log([low, floor, self.pair_threshold, 1.0])
        mapped = np.log([low, floor, self.threshold, 1.0])
        logs = np.log(np.clip(scores, 1e-12, 1.0))
        return np.where(logs < known[0], scores, np.exp(np.interp(logs, known, mapped)))

    def floor_for(self, words: str) -> float:
        """The classifier score under which the pattern words `words` flag nothing."""
        return self.topic_floor if is_topic_word(words) else self.pattern_floor

    def pattern_flag(self, text: str, score: float) -> str | None:
        """The pattern words that flag `text` at the classifier score `score` (None: none, or a score
        under their floor)."""
        words = pattern_words(text)
        return words if words and score >= self.floor_for(words) else None

    def read(self, text: str, earlier: list[str] | None = None) -> RiskReading:
        """Risk in `text`, the user's message, read with `earlier`: the user's previous messages in
        this conversation, oldest first (the last `context_turns` are used)."""
        score = float(self.message_scores([text], [earlier or []])[0])
        return RiskReading(score=score, classified=score >= self.threshold, words=self.pattern_flag(text, score))
