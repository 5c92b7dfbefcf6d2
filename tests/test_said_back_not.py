"""Spans not said back as the person's own (agent.reflection): what the person says of the listener ("You've been
very patient with an old man"), and what they had better do (said back, an order: "you'd better get your notes in
order"); found by the blinded readers of the thirty-first conversation set (fresh30)."""

from __future__ import annotations

import pytest

from agent.reflection import reflection, second_person


@pytest.mark.parametrize("span", [
    "You've been very patient with an old man and his character counting", "you'd be proud of me",
    "you'll laugh at this", "I'd better get my notes in order", "we'd better leave early", "I had better go",
])
def test_what_is_said_of_the_listener_or_had_better_be_done_is_not_said_back(span):
    assert second_person(span) is None
    assert reflection(span, True, "joy", 3, None, "joy", span + ".") is None


def test_a_better_day_is_still_said_back():
    assert second_person("I had a better day today") == "you had a better day today"
