"""The reply judge: how likely a blinded strict reader is to accept a candidate reply to the user's
message (`ReplyJudge.load().acceptance(earlier, message, replies)`).

A logistic regression over sentence embeddings (the packaged all-MiniLM-L6-v2, mean-pooled) of the
message, the reply and the reply's last sentence (mostly its question), and how they relate, fitted
here on the readers' judgements of the agent's own replies (`training/train_reply_judge.py`, model
card in `agent/models/reply_judge/`). `agent.respond.ReplyWriter` ranks its candidates with it; the
hard checks (perspective, contradiction, safety) stay in front of it. (A MiniLM cross-encoder
fine-tuned on the same judgements picked worse with conversations held out: model card.)
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Callable

import numpy as np

from agent.question_prior import question_prior
from agent.reply_checks import asks
from perception.loading import ModelLoadError, resolve_device, shared_model
from perception.sentences import split_sentences

JUDGE_DIR = Path(__file__).resolve().parent / "models" / "reply_judge"
JUDGE_FILE = "judge.json"
#: What the weights are over (`judge_features`); a file of another layout is refused.
FEATURES = "message*last, |message-last|, message*reply, last, 6 scalars; v1"

SCALARS = 6  # the numbers after the four embedding-sized parts (`judge_features`)
Encode = Callable[[list[str]], np.ndarray]  # texts -> unit-length embeddings, one row each


def last_sentence(reply: str) -> str:
    sentences = split_sentences(reply)
    return sentences[-1] if sentences else reply


def judge_features(encode: Encode, earlier: list[str], message: str, replies: list[str]) -> np.ndarray:
    """One row per reply: the message's embedding times the reply's last sentence's, their absolute
    difference, the message times the whole reply, the last sentence itself; then the cosines of the
    message with the reply and with its last sentence, of the user's previous message with the last
    sentence, the reply's length (words / 20), how readers took its question's start
    (`agent.question_prior`), and whether it asks."""
    previous = earlier[-1] if earlier else message
    vectors = encode([message, previous, *replies, *(last_sentence(r) for r in replies)])
    m, prev = vectors[0], vectors[1]
    whole, last = vectors[2:2 + len(replies)], vectors[2 + len(replies):]
    scalars = np.array([[whole[i] @ m, last[i] @ m, last[i] @ prev, len(r.split()) / 20, question_prior(r),
                         float(asks(r))] for i, r in enumerate(replies)], dtype=np.float32).reshape(len(replies), SCALARS)
    return np.hstack([m * last, np.abs(m - last), m * whole, last, scalars]).astype(np.float32)


class ReplyJudge:
    """The fitted weights and the sentence encoder they read. Shared per process: use `load()`."""

    def __init__(self, folder: Path, device: str = "cpu"):
        from perception.sentence_encoder import SentenceEncoder

        try:
            config = json.loads((folder / JUDGE_FILE).read_text())
            if not isinstance(config, dict) or config.get("kind") != "reply-judge" or config.get("features") != FEATURES:
                raise ValueError(f"it is not a reply judge over the features {FEATURES!r}")
            self.coef = np.asarray(config["coef"], dtype=np.float32).reshape(-1)
            self.intercept = float(config["intercept"])
            base = str(config["base"])
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ModelLoadError(f"{folder / JUDGE_FILE} cannot be read as a reply judge "
                                 f"(as training.train_reply_judge writes): {exc}") from exc
        self.encoder = SentenceEncoder.load(base, device)
        if self.coef.shape[0] != 4 * self.encoder.dim + SCALARS:
            raise ModelLoadError(f"{folder / JUDGE_FILE} has {self.coef.shape[0]} weights; its features over "
                                 f"{base} need {4 * self.encoder.dim + SCALARS}")

    @classmethod
    def load(cls, source: str | Path | None = None, device: str = "auto") -> "ReplyJudge":
        folder = Path(source).expanduser() if source else JUDGE_DIR
        if not (folder / JUDGE_FILE).is_file():
            raise ModelLoadError(f"{folder} is not a reply judge folder (no {JUDGE_FILE})")
        device = resolve_device(device)
        return shared_model("reply-judge", str(folder), device, lambda: cls(folder, device))

    def acceptance(self, earlier: list[str], message: str, replies: list[str]) -> np.ndarray:
        """For each reply, the judged chance that a strict reader accepts it."""
        if not replies:
            return np.zeros(0, dtype=np.float32)
        x = judge_features(self.encoder.encode, earlier, message, replies)
        return 1 / (1 + np.exp(-(x @ self.coef + self.intercept)))


def load_judge(setting: str, device: str = "auto", chat_model: bool = False) -> ReplyJudge | None:
    """The judge `[llm] judge` names: "auto" the packaged one, fitted on the packaged Gemma's replies
    to transcript prompts, so none for a chat model (an instruct model, a server); "none" no judge;
    or a folder written by training.train_reply_judge."""
    if setting == "none" or (setting == "auto" and chat_model):
        return None
    return ReplyJudge.load(None if setting == "auto" else setting, device)
