"""Train the crisis detector (see `perception/crisis.py`): LoRA adapters and a one-logit risk head on
the packaged all-MiniLM-L6-v2, the same model format as the text-emotion model, reading each message
with the user's recent messages as a second segment.

    python -m training.train_crisis_detector --data ../shared/data

Training data, each epoch: a sample of the suicidal-intention posts of
`DIR/text/crisis/suicidal_tweets_train.csv` (noisy labels, so only a sample), HYPO's hyperboles and
their literal paraphrases as figures of speech (never a crisis), a sample of EmpatheticDialogues
situations (everyday self-disclosures: sad, afraid, angry, never a crisis), a sample of MELD lines
(everyday chat: "ok thanks", "bye", "I don't know", never a crisis) and the project's own
written examples, repeated `--written-repeats` times because their labels are clean:
`training/data/crisis/written_train.csv` (risk: passive and active ideation, plans, means, self-harm,
past attempts, goodbyes; hard negatives: figures of speech, dark humour, ordinary sadness, other
people and the news, harmless death words, denial and recovery) and `context_train.csv` (messages
with the user's earlier messages: risk that builds up, and the same words in harmless context). A
share of the single written messages gets everyday earlier messages (ED situations) as context, label
kept, so that context alone never makes a message risky; so do a share of the MELD lines. With
`--bury-share`, a share of the written single messages is put inside a longer everyday message (an ED
situation before or after it), label kept: risk in one clause of a long message is still risk.

The tune sets (`training/data/crisis/eval_tune.csv`, `context_tune.csv`) pick the epoch and set the
threshold, recall first: the highest threshold at which the detector (classifier or patterns) still
flags at least `--recall` of their risk messages; a false alarm costs one careful reply, a miss can
cost far more. The held-out sets are left to `empathica eval crisis`. An interrupted run resumes from
its last finished epoch (`--checkpoint`). The threshold is set on the scores the agent reads
(`CrisisDetector.message_scores`: with `read_sentences`, a message of several sentences scores the
highest of itself and each sentence); `--calibrate-only` sets it again for a trained folder.
"""

from __future__ import annotations

import json
import math
import random
import shutil
import time
from pathlib import Path

import numpy as np
import torch
import typer
from rich.console import Console

from agent.evaluation.crisis import evaluate_crisis
from agent.evaluation.esconv import read_esconv, support_messages
from agent.evaluation.datasets import (DEFAULT_DATA, CrisisMessage, read_crisis_csv, read_ed_situations, read_goemotions,
                            read_hyperboles, read_meld, read_reccon, reccon_utterances)
from perception.adapted_encoder import AdaptedEncoder, pad_batch
from perception.crisis import PACKAGED_CRISIS_DIR, CrisisDetector, is_topic_word, pattern_words
from perception.defaults import PACKAGED_MINILM
from perception.text import encode_with_context
from training.common import bucketed_batches, optimiser, progress, resume, start, step

console = Console()
WRITTEN = Path(__file__).parent / "data" / "crisis"
TUNE_SETS = ("eval_tune.csv", "context_tune.csv")
#: The project's conversation sets written for the agent (everyday talk to "Sam", no self-harm) that are
#: trained on; `fresh4.json`, `fresh5.json` and `fresh7.json` are kept out, to measure the flags on everyday
#: turns.
CONVERSATIONS = Path(__file__).parent / "data" / "conversations"
CONVERSATION_SETS = ("everyday.json", "fresh.json", "fresh2.json", "fresh3.json", "fresh6.json")
SECOND_FOLDER = "second"  # where `--second-opinion` puts the second model, inside OUT


class TrainingPool:
    """Every source, read once; `epoch()` draws one epoch's messages."""

    def __init__(self, data: Path, tweet_sample: int, ed_sample: int, chat_sample: int, written_repeats: int,
                 context_share: float, limit: int = 0, dialogue_sample: int = 0, casual_sample: int = 0,
                 bury_share: float = 0.0, support_sample: int = 0, conversation_repeats: int = 0):
        self.tweets = read_crisis_csv(data / "text" / "crisis" / "suicidal_tweets_train.csv")
        self.figures = [CrisisMessage(t, 0) for t in read_hyperboles(data)]
        self.ed = [t for t, _ in read_ed_situations(data, "train")]
        self.short_ed = [t for t in self.ed if len(t.split()) <= 40]  # (a buried message stays within max_length)
        self.chat = sorted({u.text for u in read_meld(data, "train")})
        self.dialogue = everyday_dialogue(data) if dialogue_sample else []
        self.dialogue_sample = min(dialogue_sample, len(self.dialogue))
        self.casual = casual_comments(data) if casual_sample else []
        self.casual_sample = min(casual_sample, len(self.casual))
        self.support = support_conversations(data) if support_sample else []
        self.support_sample = min(support_sample, len(self.support))
        self.written = read_crisis_csv(WRITTEN / "written_train.csv") + read_crisis_csv(WRITTEN / "context_train.csv")
        self.conversations = conversation_turns() if conversation_repeats else []
        self.conversation_repeats = conversation_repeats
        if limit:
            self.tweets, self.figures, self.written = self.tweets[:limit], self.figures[:limit], self.written[:limit]
        self.tweet_sample, self.ed_sample = min(tweet_sample, len(self.tweets)), min(ed_sample, len(self.ed))
        self.chat_sample = min(chat_sample, len(self.chat))
        self.repeats, self.context_share, self.bury_share = written_repeats, context_share, bury_share
        console.print(f"training on {self.tweet_sample} of {len(self.tweets)} posts, {len(self.figures)} "
                      f"hyperboles and paraphrases, {self.ed_sample} ED situations, {self.chat_sample} MELD "
                      f"lines, {self.dialogue_sample} DailyDialog lines, {self.casual_sample} GoEmotions comments, "
                      f"{self.support_sample} ESConv seeker messages, {len(self.conversations)} conversation "
                      f"turns x {conversation_repeats} and "
                      f"{len(self.written)} "
                      f"written examples x {written_repeats} an epoch")

    def epoch(self, rng: random.Random) -> list[CrisisMessage]:
        ed = [CrisisMessage(t, 0) for t in rng.sample(self.ed, self.ed_sample)]
        chat = [self.with_context(CrisisMessage(t, 0), rng) for t in rng.sample(self.chat, self.chat_sample)]
        written = [self.with_context(buried(m, self.short_ed, self.bury_share, rng), rng)
                   for _ in range(self.repeats) for m in self.written]
        dialogue = rng.sample(self.dialogue, self.dialogue_sample)
        casual = [CrisisMessage(t, 0) for t in rng.sample(self.casual, self.casual_sample)]
        support = rng.sample(self.support, self.support_sample)
        return (rng.sample(self.tweets, self.tweet_sample) + self.figures + ed + chat + dialogue + casual + support
                + written + self.conversations * self.conversation_repeats)

    def with_context(self, message: CrisisMessage, rng: random.Random) -> CrisisMessage:
        """A single message, at the rate `context_share`, with 1-3 everyday ED situations before it."""
        if message.earlier or rng.random() >= self.context_share:
            return message
        return CrisisMessage(message.text, message.label, message.category, rng.sample(self.ed, rng.randint(1, 3)))



def buried(message: CrisisMessage, everyday: list[str], share: float, rng: random.Random) -> CrisisMessage:
    """A single message, at the rate `share`, inside a longer one: one of the `everyday` texts (ED
    situations) before or after it in the same message, label kept ("Work has been a mess ... Lately I
    catch myself thinking it wouldn't be the worst thing if a truck hit me. Anyway, any tips?"): risk
    in one clause of a long message is still risk, and a hard negative stays one."""
    if message.earlier or rng.random() >= share:
        return message
    other = rng.choice(everyday)
    text = f"{other} {message.text}" if rng.random() < 0.5 else f"{message.text} {other}"
    return CrisisMessage(text, message.label, message.category)


def everyday_dialogue(data: Path) -> list[CrisisMessage]:
    """DailyDialog lines (RECCON-DD train) as everyday negatives, each read with the same speaker's
    earlier lines in its conversation, as the detector reads a user's message."""
    out = []
    for message in reccon_utterances(read_reccon(data, "train")):
        earlier = [text for speaker, text in message.context if speaker == message.speaker][-3:]
        out.append(CrisisMessage(message.text, 0, "everyday_dialogue", earlier))
    return out


def support_conversations(data: Path) -> list[CrisisMessage]:
    """ESConv's seeker messages (our train part of its dev split) as negatives, each read with the
    seeker's earlier messages: sad over many turns, thanking and saying goodbye at the end, and no
    crisis (conversations with a word of self-harm or death left out; `support_messages`)."""
    return [CrisisMessage(text, 0, "esconv_support", earlier)
            for text, earlier in support_messages(read_esconv(data, "dev"), "train")]


def conversation_turns() -> list[CrisisMessage]:
    """Every user turn of the project's everyday conversation sets (`CONVERSATION_SETS`) as a negative,
    read with the person's earlier turns: the chat people type to the agent ("i'd already eaten half
    of it before i noticed" scored 0.998 with the shipped detector)."""
    out = []
    for name in CONVERSATION_SETS:
        for conversation in json.loads((CONVERSATIONS / name).read_text()):
            turns = conversation["turns"]
            out += [CrisisMessage(t, 0, "agent_conversation", turns[:i]) for i, t in enumerate(turns)]
    return out


def casual_comments(data: Path) -> list[str]:
    """GoEmotions train comments (Reddit: casual, lower-case, everyday) as everyday negatives, those
    the explicit risk patterns match left out (a joke "kms" must not teach that the words are safe)."""
    return sorted({u.text for u in read_goemotions(data, "train") if pattern_words(u.text) is None})


def encode(tokenizer, messages: list[CrisisMessage], context_turns: int, max_length: int) -> list[dict]:
    return encode_with_context(tokenizer, [m.text for m in messages],
                               [[("user", t) for t in m.earlier] for m in messages],
                               ["user"] * len(messages), context_turns, max_length)


def tune_messages() -> dict[str, list[CrisisMessage]]:
    return {name: read_crisis_csv(WRITTEN / name) for name in TUNE_SETS}


#: Floors tried by `calibrate` for words of the topic (`perception.crisis.TOPIC_PATTERNS`), which
#: are as often said about suicide ("an essay on suicide prevention") as of oneself.
TOPIC_FLOORS = (0.001, 0.003, 0.01, 0.03, 0.05, 0.1)
#: The floor of one's own phrasings ("I want to die"): a pattern flags them unless the classifier is
#: all but sure it is no crisis.
PATTERN_FLOOR = 0.001


def threshold_for(scores: np.ndarray, risk: np.ndarray, by_pattern: np.ndarray, recall: float) -> float:
    """The highest threshold (rounded down) at which the classifier, with the patterns' matches
    `by_pattern`, flags at least `recall` of the risk messages."""
    # (the risk messages the patterns miss; the misses allowed)
    return threshold_allowing(scores[risk & ~by_pattern], int(np.floor((1 - recall) * risk.sum())))


def threshold_allowing(scores: np.ndarray, misses: int) -> float:
    """The highest threshold (rounded down) that at most `misses` of the risk messages' `scores` fall
    under (0.5 for none)."""
    needed = np.sort(scores)
    return math.floor(float(needed[min(misses, len(needed) - 1)]) * 1e4) / 1e4 if len(needed) else 0.5


def calibrate(detector: CrisisDetector, recall: float) -> tuple[float, float, int]:
    """The threshold and topic floor at which the detector, classifier or patterns, flags at least
    `recall` of the tune sets' risk messages with the fewest false alarms there (the lowest floor on
    a tie: the safety net as wide as it can be); and those false alarms."""
    messages = [m for ms in tune_messages().values() for m in ms]
    scores = detector.message_scores([m.text for m in messages], [m.earlier for m in messages])
    risk = np.array([m.label == 1 for m in messages])
    words = [pattern_words(m.text) for m in messages]
    topic = np.array([w is not None and is_topic_word(w) for w in words])
    own = np.array([w is not None for w in words]) & ~topic & (scores >= detector.pattern_floor)
    best = None
    for floor in TOPIC_FLOORS:
        by_pattern = own | (topic & (scores >= floor))
        threshold = threshold_for(scores, risk, by_pattern, recall)
        alarms = int(((scores >= threshold) | by_pattern)[~risk].sum())
        if best is None or alarms < best[2]:
            best = (threshold, floor, alarms)
    return best


def report(detector: CrisisDetector, threshold: float, topic_floor: float) -> None:
    """The tune files through `empathica eval crisis`'s evaluation, at `threshold` and `topic_floor`."""
    detector.threshold, detector.topic_floor = threshold, topic_floor
    for name in TUNE_SETS:
        r = evaluate_crisis(WRITTEN / name, detector)
        console.print(f"  {name}: recall {r.recall:.3f}, false alarms {r.false_alarm_rate:.3f}")


def recalibrate(folder: Path, recall: float, read_sentences: bool, second_opinion: Path | None = None) -> None:
    """The threshold and topic floor of the trained detector in `folder` set again (`calibrate`) and
    written into its model.json, with `read_sentences` as given; with `second_opinion`, another
    trained detector folder copied into `folder/second` and read as the second opinion
    (`CrisisDetector.second_opinion`) before the threshold is set on the two together. int8 on ONNX
    Runtime (as the agent reads) and fp32 on torch (where ONNX cannot run) score a little apart, and
    int8 differently again on CPUs with other instruction sets: the lower threshold and the lower
    topic floor of the two keep recall first on either. On any error model.json is left as it was."""
    path = folder / "model.json"
    before = path.read_text()
    config = {**json.loads(before), "read_sentences": read_sentences}
    if second_opinion is not None:
        if CrisisDetector(second_opinion, "cpu", onnx=False).second is not None:
            raise typer.BadParameter(f"{second_opinion} has a second opinion of its own: give a plain "
                                     "detector folder", param_hint="--second-opinion")
        target = folder / SECOND_FOLDER
        target.mkdir(exist_ok=True)
        if target.resolve() != second_opinion.resolve():
            for name in ("model.json", "adapter.safetensors"):
                shutil.copyfile(second_opinion / name, target / name)
        config["second_opinion"] = SECOND_FOLDER
    try:
        path.write_text(json.dumps(config, indent=2) + "\n")
        found = {onnx: calibrate(CrisisDetector(folder, "cpu", onnx=onnx), recall) for onnx in (True, False)}
    except BaseException:
        path.write_text(before)
        raise
    threshold, floor = min(t for t, _, _ in found.values()), min(f for _, f, _ in found.values())
    path.write_text(json.dumps({**config, "threshold": threshold, "topic_floor": floor}, indent=2) + "\n")
    for onnx, (t, f, alarms) in found.items():
        console.print(f"{'int8' if onnx else 'fp32'}: threshold {t}, topic floor {f}, {alarms} false alarms "
                      "on the tune sets")
    console.print(f"written: threshold {threshold}, topic floor {floor}")
    report(CrisisDetector(folder, "cpu"), threshold, floor)


def main(data: Path = typer.Option(DEFAULT_DATA), out: Path = typer.Option(PACKAGED_CRISIS_DIR),
         epochs: int = 3, tweet_sample: int = 400, ed_sample: int = 1200, chat_sample: int = 2000,
         dialogue_sample: int = typer.Option(0, help="DailyDialog lines (RECCON-DD train) an epoch, with the "
                                                      "speaker's earlier lines, as everyday negatives"),
         casual_sample: int = typer.Option(0, help="GoEmotions comments an epoch as everyday negatives"),
         support_sample: int = typer.Option(0, help="ESConv seeker messages (train part) an epoch, with their "
                                                     "earlier messages, as support-conversation negatives"),
         conversation_repeats: int = typer.Option(0, help="the project's everyday conversation sets' turns "
                                                          "(CONVERSATION_SETS), with their earlier turns, this "
                                                          "many times an epoch as negatives"),
         written_repeats: int = 4,
         context_share: float = 0.3, context_turns: int = 3, max_length: int = 128,
         bury_share: float = typer.Option(0.0, help="share of the written single messages put inside a "
                                                    "longer everyday message (label kept)"),
         batch_size: int = 32, lr: float = 1e-3, head_lr: float = 3e-3, rank: int = 8,
         recall: float = typer.Option(0.98, help="recall kept on the tune sets' risk messages"),
         read_sentences: bool = typer.Option(True, help="a message of several sentences scores the highest "
                                                         "of itself and each sentence"),
         calibrate_only: bool = typer.Option(False, help="only set the threshold of the detector in OUT "
                                                         "again (after a change to how it reads)"),
         second_opinion: Path = typer.Option(None, help="with --calibrate-only: another trained detector "
                                                        "folder, read as OUT's second opinion"),
         checkpoint: Path = typer.Option(Path.home() / ".cache" / "empathica" / "crisis-train.pt"),
         seed: int = 0, threads: int = 2,
         limit: int = typer.Option(0, help="use only N examples per source (tests)")) -> None:
    if calibrate_only:
        return recalibrate(out, recall, read_sentences, second_opinion)
    if second_opinion is not None:
        raise typer.BadParameter("is read only with --calibrate-only", param_hint="--second-opinion")
    rng, base, tokenizer = start(threads, seed)
    pool = TrainingPool(data, tweet_sample, ed_sample, chat_sample, written_repeats, context_share, limit,
                        dialogue_sample, casual_sample, bury_share, support_sample, conversation_repeats)
    config = {"kind": "crisis-detector", "base": PACKAGED_MINILM, "max_length": max_length,
              "context_turns": context_turns, "threshold": 0.5, "pool": "first_segment",
              "pattern_floor": PATTERN_FLOOR, "read_sentences": read_sentences}
    model = AdaptedEncoder.new(base, {"risk": 1}, config, rank=rank, alpha=2 * rank)
    steps = (len(pool.epoch(random.Random(seed))) + batch_size - 1) // batch_size
    opt, schedule = optimiser(model, steps * epochs, lr, head_lr)
    first, best, rng = resume(checkpoint, model, opt, schedule, seed, rng, {"epoch": -1, "alarms": None})
    started = time.perf_counter()
    for epoch in range(first, epochs):
        messages = pool.epoch(rng)
        train_epoch(model, encode(tokenizer, messages, context_turns, max_length),
                    torch.tensor([m.label for m in messages], dtype=torch.float32),
                    batch_size, opt, schedule, rng, f"epoch {epoch + 1}/{epochs}")
        model.save(out, **config)
        detector = CrisisDetector(out, "cpu", onnx=False)
        threshold, floor, alarms = calibrate(detector, recall)
        console.print(f"epoch {epoch + 1}: threshold {threshold}, topic floor {floor}, {alarms} false alarms "
                      f"on the tune sets ({time.perf_counter() - started:.0f} s)")
        report(detector, threshold, floor)
        if best["alarms"] is None or alarms < best["alarms"]:
            best = {"epoch": epoch, "alarms": alarms, "threshold": threshold, "floor": floor,
                    "state": {k: v.clone() for k, v in model.state_dict().items()}}
        checkpoint.parent.mkdir(parents=True, exist_ok=True)
        torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "schedule": schedule.state_dict(),
                    "epoch": epoch, "best": best}, checkpoint)
    model.load_state_dict(best["state"])
    model.save(out, **{**config, "threshold": best["threshold"], "topic_floor": best["floor"]},
               training={"epochs": epochs, "best_epoch": best["epoch"] + 1, "tweet_sample": tweet_sample,
                         "ed_sample": ed_sample, "chat_sample": chat_sample, "dialogue_sample": dialogue_sample,
                         "casual_sample": casual_sample, "support_sample": support_sample,
                         "conversation_repeats": conversation_repeats,
                         "written_repeats": written_repeats, "bury_share": bury_share,
                         "context_share": context_share, "lr": lr, "head_lr": head_lr, "rank": rank,
                         "batch_size": batch_size, "recall_on_tune": recall, "seed": seed})
    console.print(f"saved epoch {best['epoch'] + 1} to {out}: threshold {best['threshold']}")
    report(CrisisDetector(out, "cpu"), best["threshold"], best["floor"])


def train_epoch(model, encodings, y, batch_size, opt, schedule, rng, name: str) -> None:
    model.train()
    positive_weight = (len(y) - y.sum()) / y.sum()  # balanced classes
    batches = bucketed_batches([len(e["input_ids"]) for e in encodings], batch_size, rng)
    with progress() as bar:
        task = bar.add_task(name, total=len(batches), info="")
        for n, idx in enumerate(batches):
            logits = model.classify(pad_batch([encodings[i] for i in idx]), "risk").squeeze(-1)
            loss = torch.nn.functional.binary_cross_entropy_with_logits(logits, y[idx], pos_weight=positive_weight)
            step(model, loss, opt, schedule)
            bar.update(task, advance=1, **({"info": f"loss {loss.item():.3f}"} if n % 10 == 0 else {}))


if __name__ == "__main__":
    typer.run(main)
