"""Words people write in lower case inside a sentence: a capital on one of them at a sentence's start is only
the sentence's, so a restatement lower-cases it ("Light has not come for 3 days" said back "Oh, light has not
come ...", not "Oh, Light ..."; `agent.reflection`). Counted over the training splits of MELD, GoEmotions and
RECCON-DD (DailyDialog): a word is kept where it is seen lower-case at least `--min-count` times after
a sentence's first word and capitalised there less than a quarter as often (names are capitalised: "Chloe",
"Jim", "Mark"). Written one per line, sorted, to `agent/common_words.txt` (words only, no text).

    python -m training.build_common_words --data ../shared/data
"""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from pathlib import Path

import typer

OUT = Path(__file__).resolve().parents[1] / "agent" / "common_words.txt"
_WORD = re.compile(r"[A-Za-z][a-z']*")


#: The training files read, under the data folder.
SOURCES = ("text/meld/train.csv", "text/goemotions/original/train.tsv", "text/reccon/dailydialog_train.json")


def _texts(data: Path) -> list[str]:
    """The cased training texts (EmpatheticDialogues situations are lower-cased: not used)."""
    missing = [name for name in SOURCES if not (data / name).is_file()]
    if missing:
        raise typer.BadParameter(f"{data} has no {', '.join(missing)}: point --data at the shared data folder",
                                 param_hint="--data")
    text = data / "text"
    with open(text / "meld" / "train.csv", encoding="utf-8") as meld:
        texts = [row["Utterance"] for row in csv.DictReader(meld)]
    goemotions = (text / "goemotions" / "original" / "train.tsv").read_text(encoding="utf-8").splitlines()
    texts += [line.split("\t")[0] for line in goemotions]
    dialogues = json.loads((text / "reccon" / "dailydialog_train.json").read_text(encoding="utf-8"))
    texts += [turn["utterance"] for dialogue in dialogues.values() for part in dialogue for turn in part]
    return texts


def main(data: Path = typer.Option(Path("../shared/data")), min_count: int = 3, out: Path = OUT) -> None:
    lower: Counter[str] = Counter()
    capital: Counter[str] = Counter()
    for text in _texts(data):
        for sentence in re.split(r"(?<=[.!?])\s+", text):
            for word in _WORD.findall(sentence)[1:]:
                if word != "I":
                    (capital if word[0].isupper() else lower)[word.lower()] += 1
    kept = sorted(w for w, n in lower.items() if n >= min_count and capital[w] < 0.25 * n)
    out.write_text("\n".join(kept) + "\n", encoding="utf-8")
    print(f"{len(kept)} words -> {out}")


if __name__ == "__main__":
    typer.run(main)
