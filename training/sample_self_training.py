"""Self-training data for the listener: first messages the agent has never seen (EmpatheticDialogues
train situations: people telling what happened to them), answered by the agent's own turn (perception,
causes, response emotion, six candidates ranked by its checks and the reply judge), and the answers a
strict reader would most likely accept kept as one-exchange conversations in the layout of the written
conversations (`training/data/replies/written/*.jsonl`):

    python -m training.sample_self_training --data ../shared/data --count 800 --out self.jsonl

Kept: the reply judge (`agent.reply_judge`) gives it at least `--min-acceptance`, it brings in no
content word nobody said (`agent.reply_checks.novel_words`: readers accepted 0.42 of such replies, 0.11
with one invented word), and the turn was no crisis turn (a fixed reply teaches nothing). Messages
close to one of the judged everyday conversations (`training/data/conversations/everyday.json`:
Jaccard >= 0.45 over words, the rule the written conversations follow) are left out, so the readers'
set stays unseen. Each line is written as it is made; a run that stops resumes where it ended.
`python -m training.train_reply_model --self-training FILE` trains on the kept lines.
"""

from __future__ import annotations

import json
import random
import re
import tempfile
from pathlib import Path

import typer
from rich.console import Console

from agent.evaluation.datasets import DEFAULT_DATA, ED_LABELS, ED_TO_EMOTION, read_ed_situations
from training.common import progress

console = Console(highlight=False)
JUDGED = Path(__file__).parent / "data" / "conversations" / "everyday.json"
CLOSE = 0.45  # Jaccard over words at which a message counts as a near copy of a judged one


def words(text: str) -> set[str]:
    return set(re.findall(r"[a-z']+", text.lower()))


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
    out = []
    for key, text in pool:
        if len(out) == count:
            break
        if not near_copy(text, judged):
            out.append((key, text))
    return out


def main(data: Path = typer.Option(DEFAULT_DATA), out: Path = typer.Option(..., help="JSONL file to write"),
         count: int = 800, seed: int = 0,
         min_acceptance: float = typer.Option(0.5, help="the judge's acceptance a kept reply needs")) -> None:
    from agent.reply_checks import novel_words
    from agent.reply_judge import ReplyJudge
    from agent.sdk import EmpatheticAgent

    done = {json.loads(line)["id"] for line in out.read_text().splitlines()} if out.is_file() else set()
    todo = [(k, t) for k, t in openers(data, count, seed) if k not in done]
    console.print(f"{len(done)} done, {len(todo)} to answer")
    with tempfile.TemporaryDirectory() as store:
        agent = EmpatheticAgent.from_profile("offline", data_dir=store)
        judge = ReplyJudge.load()
        with progress() as bar, out.open("a", encoding="utf-8") as f:
            task = bar.add_task("answering", total=len(todo), info="")
            for key, text in todo:
                reply = agent.respond(text, user_id="self-training", session_id=key)
                acceptance = float(judge.acceptance([], text, [reply.text])[0])
                keep = (reply.crisis is None and not reply.careful and acceptance >= min_acceptance
                        and not novel_words(reply.text, [text]))
                f.write(json.dumps({"id": key, "turns": [{"user": text, "listener": reply.text}],
                                    "acceptance": round(acceptance, 3), "kept": keep}) + "\n")
                f.flush()
                bar.update(task, advance=1, info=f"{acceptance:.2f} {reply.text[:50]}")
        agent.close()


if __name__ == "__main__":
    typer.run(main)
