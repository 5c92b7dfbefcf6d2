"""The packaged LLM's English vocabulary shortlist (`llm.output_vocabulary = "auto"`).

    python -m training.build_llm_vocabulary --data ../shared/data

Tokenizes the conversational text of the training splits (MELD train, GoEmotions train,
EmpatheticDialogues situations train, RECCON-DD train, PELD train, ESConv's conversations) with the
packaged Gemma's tokenizer and keeps every token seen, plus the tokens of the most common English
words (`wordfreq`'s list: after a space, lower-case and capitalised, and capitalised at the start of
a line; `pip install wordfreq`, the `training` extra), of the agent's own prompts and fixed replies, the special tokens,
the byte tokens and single printable characters. Writes the ids (no text) to
`agent/llm/vocabularies/gemma3-english.safetensors`, with the tokenizer's fingerprint;
`python -m training.llm_perplexity` measures what the list costs on held-out dialogues.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

import typer
from rich.console import Console

from agent.evaluation.model_eval import DEFAULT_DATA
from agent.llm.output_layer import VOCABULARIES, save_shortlist

console = Console(highlight=False)
csv.field_size_limit(1 << 24)


def training_texts(data: Path) -> dict[str, list[str]]:
    text = data / "text"

    def rows(path: Path, delimiter: str = ","):
        with path.open(encoding="utf-8", newline="") as f:
            yield from csv.DictReader(f, delimiter=delimiter)

    def utterances(node) -> list[str]:
        if isinstance(node, dict):
            return [node["utterance"]] if isinstance(node.get("utterance"), str) else \
                [u for v in node.values() for u in utterances(v)]
        return [u for v in node for u in utterances(v)] if isinstance(node, list) else []

    goemotions = [line.split("\t")[0] for line in
                  (text / "goemotions" / "original" / "train.tsv").read_text(encoding="utf-8").splitlines()]
    esconv = json.loads((text / "esconv" / "failed_conversations.json").read_text(encoding="utf-8"))
    return {
        "MELD train": [r["Utterance"] for r in rows(text / "meld" / "train.csv")],
        "GoEmotions train": goemotions,
        "EmpatheticDialogues situations train": [r["text"] for r in rows(
            text / "empathetic_dialogues_situations" / "train.csv")],
        "RECCON-DD train": utterances(json.loads(
            (text / "reccon" / "dailydialog_train.json").read_text(encoding="utf-8"))),
        "PELD train": [r[f"Utterance_{i}"] for r in rows(text / "peld" / "train.tsv", "\t") for i in (1, 2, 3)],
        "ESConv conversations": [t["content"] for c in esconv for t in c["dialog"]],
    }


def agent_texts() -> list[str]:
    """What the agent itself puts in prompts and says: every reply tag, the examples, fixed replies."""
    from agent.injection import BOUNDARY_REPLY
    from agent.persona import Persona
    from agent.prompt import AGENT_FEELING, PromptInput, PromptTurn, transcript_prompt
    from agent.safety import CRISIS_REPLY

    persona = Persona()
    texts = [CRISIS_REPLY, BOUNDARY_REPLY]
    for emotion in AGENT_FEELING:
        turn = PromptTurn("I lost my job.", emotion, "losing the job", emotion, "I am sorry.")
        texts.append(transcript_prompt(PromptInput(persona, "Hello.", emotion, "a cause", emotion,
                                                   history=[turn], conflict="joy in the face",
                                                   attempts=("x",))))
    return texts


def main(data: Path = typer.Option(DEFAULT_DATA, help="the data folder (../shared/data layout)"),
         out: Path = typer.Option(VOCABULARIES / "gemma3-english.safetensors"),
         min_count: int = typer.Option(1, help="keep corpus tokens seen at least this often"),
         english_words: int = typer.Option(30_000, help="the most common English words to cover (0: none)")
         ) -> None:
    from agent.llm import load_llm
    from agent.settings import Settings

    settings = Settings.load("offline")
    tokenizer = load_llm(settings.llm.model_copy(update={"output_vocabulary": "full"}), "cpu",
                         settings.cache_dir).tokenizer
    counts: Counter[int] = Counter()
    for name, texts in training_texts(data).items():
        before = len(counts)
        for start in range(0, len(texts), 2000):
            for ids in tokenizer(texts[start:start + 2000], add_special_tokens=False)["input_ids"]:
                counts.update(ids)
        console.print(f"{name}: {len(texts):,} texts, {len(counts) - before:,} new tokens")
    keep = {i for i, n in counts.items() if n >= min_count}
    if english_words:
        try:
            from wordfreq import top_n_list
        except ImportError:
            raise SystemExit("--english-words needs wordfreq: pip install wordfreq (or -e '.[training]')")
        words = top_n_list("en", english_words)
        forms = [form for w in words for form in (" " + w, " " + w.capitalize(), w.capitalize())]
        before = len(keep)
        for start in range(0, len(forms), 4000):
            for ids in tokenizer(forms[start:start + 4000], add_special_tokens=False)["input_ids"]:
                keep.update(ids)
        console.print(f"the {english_words:,} most common English words: {len(keep) - before:,} new tokens")
    for text in agent_texts():
        keep.update(tokenizer(text, add_special_tokens=False)["input_ids"])
    keep.update(tokenizer.all_special_ids)
    vocab = tokenizer.get_vocab()
    keep.update(i for token, i in vocab.items() if token.startswith("<0x") and len(token) == 6)  # bytes
    for char in map(chr, range(32, 127)):
        keep.update(vocab[t] for t in (char, "▁" + char) if t in vocab)
    save_shortlist(out, sorted(keep), tokenizer, min_count=str(min_count),
                   corpora="MELD, GoEmotions, EmpatheticDialogues situations, RECCON-DD, PELD (train); ESConv",
                   english_words=str(english_words))
    console.print(f"{len(keep):,} of {len(tokenizer):,} tokens -> {out}")


if __name__ == "__main__":
    typer.run(main)
