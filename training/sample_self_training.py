"""Self-training data for the listener: first messages the agent has never seen (EmpatheticDialogues
train situations: people telling what happened to them), answered by the agent's own turn (perception,
causes, response emotion, six candidates ranked by its checks and the reply judge), and the answers a
strict reader would most likely accept kept as one-exchange conversations in the layout of the written
conversations (`training/data/replies/written/*.jsonl`):

    python -m training.sample_self_training --data ../shared/data --count 800 --out self.jsonl

Kept: the reply judge (`agent.reply_judge`) gives it at least `--min-acceptance` (stored on each
line), it brings in no content word nobody said (`agent.reply_checks.novel_words`: readers accepted
0.42 of such replies, 0.11 with one invented word), and the turn was neither a crisis turn nor a
careful one (a fixed reply teaches nothing); a message with no usable reply is recorded, not kept. Messages
close to one of the judged everyday conversations (`training/data/conversations/everyday.json`:
Jaccard >= 0.45 over words, the rule the written conversations follow) are left out, so the readers'
set stays unseen. Each line is written as it is made; a run that stops resumes where it ended.
`python -m training.train_reply_model --self-training FILE` trains on the kept lines.
"""

from __future__ import annotations

import json
import random
import tempfile
from pathlib import Path

import typer
from rich.console import Console

from agent.evaluation.datasets import DEFAULT_DATA, ED_LABELS, ED_TO_EMOTION, read_ed_situations
from agent.reply_checks import novel_words
from agent.reply_checks import words as reply_words
from training.common import progress

console = Console(highlight=False)
JUDGED = Path(__file__).parent / "data" / "conversations" / "everyday.json"
WRITTEN = Path(__file__).parent / "data" / "replies" / "written"
CLOSE = 0.45  # Jaccard over words at which a message counts as a near copy of a judged one


def words(text: str) -> set[str]:
    return set(reply_words(text))


def judged_messages(path: Path = JUDGED) -> list[set[str]]:
    return [words(turn) for conversation in json.loads(path.read_text()) for turn in conversation["turns"]]


def near_copy(text: str, judged: list[set[str]]) -> bool:
    w = words(text)
    return any(len(w & j) / max(1, len(w | j)) >= CLOSE for j in judged)


def openers(data: Path, count: int, seed: int) -> list[tuple[str, str]]:
    """`count` (id, message) pairs: ED train situations whose label maps into the emotions, of 4-40
    words, no near copy of a judged message, in a seeded random order."""
    judged = judged_messages()
    pool = [(f"ed-{k}", " ".join(text.split())) for k, (text, label) in enumerate(read_ed_situations(data, "train"))
            if ED_LABELS[label] in ED_TO_EMOTION and 4 <= len(text.split()) <= 40]
    random.Random(seed).shuffle(pool)
    out, seen = [], set()
    for key, text in pool:
        if len(out) == count:
            break
        if text.lower() not in seen and not near_copy(text, judged):  # (ED repeats some situations)
            out.append((key, text))
            seen.add(text.lower())
    return out


def answered(out: Path) -> set[str]:
    """The ids already answered in `out`; an unfinished last line (a run stopped mid-write) is cut off,
    any other line that is not a self-training line is refused with its place."""
    if not out.is_file():
        return set()
    text = out.read_text(encoding="utf-8")
    lines = text.split("\n")
    done = set()
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            done.add(json.loads(line)["id"])
        except (ValueError, KeyError, TypeError) as error:
            if number == len(lines):  # the last line, never finished: drop it
                out.write_text(text[:len(text) - len(line)], encoding="utf-8")
                break
            raise typer.BadParameter(f"{out}:{number}: not a self-training line ({error})") from error
    return done


def main(data: Path = typer.Option(DEFAULT_DATA), out: Path = typer.Option(..., help="JSONL file to write"),
         count: int = 800, seed: int = 0,
         min_acceptance: float = typer.Option(0.5, help="the judge's acceptance a kept reply needs")) -> None:
    from agent.reply_judge import ReplyJudge
    from agent.sdk import EmpatheticAgent

    if out.resolve().parent == WRITTEN.resolve():
        raise typer.BadParameter(f"{out} is among the written conversations, which are all trained on; "
                                 "write it elsewhere and give it to train_reply_model --self-training")
    done = answered(out)
    todo = [(k, t) for k, t in openers(data, count, seed) if k not in done]
    console.print(f"{len(done)} done, {len(todo)} to answer")
    with tempfile.TemporaryDirectory() as store:
        agent = EmpatheticAgent.from_profile("offline", data_dir=store)
        try:
            answer_all(agent, ReplyJudge.load(), todo, out, min_acceptance)
        finally:
            agent.close()


def answer_all(agent, judge, todo: list[tuple[str, str]], out: Path, min_acceptance: float) -> None:
    """Each message answered in its own session, one line written (and flushed) per answer."""
    from agent.llm import LLMError

    with progress() as bar, out.open("a", encoding="utf-8") as f:
        task = bar.add_task("answering", total=len(todo), info="")
        for key, text in todo:
            line = {"id": key, "min_acceptance": min_acceptance}
            try:
                reply = agent.respond(text, user_id="self-training", session_id=key)
            except LLMError as error:  # no usable reply: recorded, never kept
                line.update(turns=[], kept=False, error=str(error))
                info = "no usable reply"
            else:
                acceptance = float(judge.acceptance([], text, [reply.text])[0])
                keep = (reply.crisis is None and not reply.careful and acceptance >= min_acceptance
                        and not novel_words(reply.text, [text]))
                line.update(turns=[{"user": text, "listener": reply.text}], acceptance=round(acceptance, 3),
                            kept=keep)
                info = f"{acceptance:.2f} {reply.text[:50]}"
            f.write(json.dumps(line) + "\n")
            f.flush()
            bar.update(task, advance=1, info=info)


if __name__ == "__main__":
    typer.run(main)
