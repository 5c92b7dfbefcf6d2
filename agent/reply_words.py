"""The words of a reply or a message as the reply checks read them (`agent.reply_checks`,
`agent.told_checks`)."""

from __future__ import annotations

import re

from perception.sentences import split_sentences

_WORD = re.compile(r"[a-z']+")


def words(text: str) -> list[str]:
    """The lower-cased words of `text` (letters and apostrophes)."""
    return _WORD.findall(text.lower())


def plain_lower(text: str) -> str:
    """`text` lower-cased, with straight apostrophes (what the phrase patterns expect)."""
    return text.lower().replace("’", "'")


def lower_sentences(text: str) -> list[str]:
    """The sentences of `text`, each `plain_lower` and stripped."""
    return [s.strip() for s in split_sentences(plain_lower(text))]
