"""The words a listener uses about anything: the most frequent words of the supporters' replies in our
ESConv train part (`agent.evaluation.esconv.part_of`), written one per line to
`agent/listener_words.txt`. `agent.reply_checks.novel_words` does not count them as brought in by the
reply (what a small model invents is the rare, specific word: "Is your dog an emotional support
animal?").

    python -m training.build_listener_words --data ../shared/data   # --top 500

Only words and their rank order are kept (no text); ESConv is for research use only (its card).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import typer

from agent.evaluation.esconv import part_of, read_esconv
from agent.reply_checks import words

OUT = Path(__file__).resolve().parents[1] / "agent" / "listener_words.txt"


def main(data: Path = typer.Option(Path("../shared/data")), split: str = "dev", top: int = 500,
         out: Path = OUT) -> None:
    counts: Counter[str] = Counter()
    seen_dialogues: dict[int, int] = {}
    for turn in read_esconv(data, split):
        if part_of(turn) == "train":
            counts.update(set(words(turn.reply)))  # in how many replies a word appears
            seen_dialogues[turn.dialogue] = 1
    kept = [w for w, _ in counts.most_common(top)]
    out.write_text("\n".join(kept) + "\n", encoding="utf-8")
    print(f"{len(kept)} words from {sum(seen_dialogues.values())} conversations -> {out}")


if __name__ == "__main__":
    typer.run(main)
