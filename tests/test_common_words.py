"""The word list that tells a sentence's capital from a name's (`training/build_common_words.py`)."""

from pathlib import Path

import pytest
import typer

from agent.typed_words import COMMON_WORDS, common_word
from training.build_common_words import main


def test_a_missing_data_folder_is_named_and_the_shipped_list_is_kept(tmp_path: Path):
    out = tmp_path / "words.txt"
    out.write_text("kept\n", encoding="utf-8")
    with pytest.raises(typer.BadParameter, match="text/meld/train.csv"):
        main(data=tmp_path / "nowhere", min_count=3, out=out)
    assert out.read_text(encoding="utf-8") == "kept\n"


def test_the_shipped_list_holds_common_words_and_not_names():
    assert {"light", "food", "lesson", "one"} <= COMMON_WORDS
    assert common_word("light") and not common_word("mum") and not common_word("stan")
    assert "chloe" not in COMMON_WORDS
