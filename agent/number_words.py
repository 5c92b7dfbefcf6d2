"""Numbers as people write them, read into integers: digits ("3am", "$400", "4.2" as 4), ordinals
("3rd", "third") and words ("three", "twenty-four", "four hundred"). The reply checks compare the
numbers a reply gives with those the user said (`agent.reply_checks.contradicts`)."""

from __future__ import annotations

import re

NUMBER_WORDS = {w: n for n, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty".split())}
NUMBER_WORDS.update({"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
                     "ninety": 90, "hundred": 100, "first": 1, "second": 2, "third": 3, "fourth": 4,
                     "fifth": 5, "sixth": 6})
_TENS = r"(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
_UNITS = r"(?:one|two|three|four|five|six|seven|eight|nine)"
#: A number: digits (with thousands commas, "1,000"; before a unit, "3am", "$400", "10k"; "4.2" as 4;
#: not inside a word, "mp3", nor a decade, "your 20s"), or number words, "twenty-four" and "four
#: hundred" / "three thousand" read whole.
_NUMBER = re.compile(r"(?<![\w.])(?<!\d,)(\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+|st|nd|rd|th|am|pm|k|h)?(?!\w|,\d|\.\d)"
                     r"|\b(" + _TENS + r"[- ]" + _UNITS + r"|" + _UNITS + r" (?:hundred|thousand)|"
                     + "|".join(NUMBER_WORDS) + r")\b")
#: Words that name the people spoken to, not a count ("what are you two doing?").
_NOT_A_COUNT = re.compile(r"\byou (?:two|both)\b|\b(?:the )?two of you\b|\bwait a second\b")


def numbers(text: str) -> set[int]:
    """The numbers in lower-cased `text`, written as digits, ordinals or words ("3rd", "three",
    "twenty-four", "four hundred"); not "you two"."""
    found = _NUMBER.findall(_NOT_A_COUNT.sub(" ", text))
    return {int(digits.replace(",", "")) if digits else _words_number(said) for digits, said in found}


def _words_number(said: str) -> int:
    """ "twenty-four" -> 24, "four hundred" -> 400, "thirty eight" -> 38, "three" -> 3."""
    first, *rest = re.split(r"[- ]", said)
    if rest in (["hundred"], ["thousand"]):
        return NUMBER_WORDS[first] * (100 if rest == ["hundred"] else 1000)
    return NUMBER_WORDS[first] + (NUMBER_WORDS[rest[0]] if rest else 0)
