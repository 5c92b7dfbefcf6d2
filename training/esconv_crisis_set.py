"""Write ESConv's support conversations as a crisis set of hard negatives (label 0), each seeker
message with its earlier messages (`agent.evaluation.esconv.support_messages`), in the layout of
`empathica eval crisis`:

    python -m training.esconv_crisis_set --data ../shared/data --part validation --out /tmp/esconv_support.csv
    empathica eval crisis --data /tmp/esconv_support.csv

ESConv is for academic research use only: the file is written outside the repository, never committed.
"""

from __future__ import annotations

import csv
from pathlib import Path

import typer

from agent.evaluation.datasets import CONTEXT_SEPARATOR, DEFAULT_DATA
from agent.evaluation.esconv import read_esconv, support_messages


def main(data: Path = typer.Option(DEFAULT_DATA), split: str = typer.Option("dev"),
         part: str = typer.Option("validation", help="train or validation (split by conversation)"),
         out: Path = typer.Option(..., help="the CSV to write")) -> None:
    if part not in ("train", "validation"):
        raise typer.BadParameter(f"unknown part {part!r}; choose train or validation", param_hint="--part")
    messages = support_messages(read_esconv(data, split), part)
    with open(out, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["text", "label", "category", "context"])
        for text, earlier in messages:
            writer.writerow([text, 0, "esconv_support", CONTEXT_SEPARATOR.join(earlier)])
    typer.echo(f"{len(messages)} messages written to {out}")


if __name__ == "__main__":
    typer.run(main)
