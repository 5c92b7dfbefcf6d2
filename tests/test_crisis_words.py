"""The crisis protocol's safety net of explicit phrasings (perception.crisis_words): tired of living said of
oneself is one; tired of living somewhere, or said of someone else, is not."""

from __future__ import annotations

import pytest

from perception.crisis_words import pattern_words


@pytest.mark.parametrize("message", [
    "I am so tired of living.", "im tired of being alive", "so tired of life.", "tired of living",
    "Honestly I'm just so tired of living anymore", "I am so tired of living. Talk soon!",
    "ive been so tired of existing.", "I’m so tired of living.",  # (a phone's apostrophe)
])
def test_tired_of_living_said_of_oneself_is_an_explicit_phrasing(message):
    assert "tired of" in pattern_words(message).lower()


@pytest.mark.parametrize("message", [
    "I'm tired of living in this flat.", "my nan says she's tired of living, she's 98", "I'm tired of life admin",
    "I'm sick and tired of living paycheck to paycheck", "he is tired of living.",
    "im so tired of feeling sad all the time", "I'm not tired of living.", "Honestly I'm never tired of life!",
    "I'm sure Nan is tired of living.", "I get why people get tired of life.",
])
def test_tired_of_living_somewhere_or_said_of_someone_else_is_not(message):
    assert pattern_words(message) is None


def test_a_phones_apostrophe_is_read_like_a_straight_one():
    assert pattern_words("I don’t want to live anymore") == "don't want to live"
