"""The crisis protocol's safety net of explicit phrasings (perception.crisis_words): tired of living said of
oneself is one; tired of living somewhere, or said of someone else, is not."""

from __future__ import annotations

import pytest

from perception.crisis_words import pattern_words


@pytest.mark.parametrize("message", [
    "I am so tired of living.", "im tired of being alive", "so tired of life.", "tired of living",
    "Honestly I'm just so tired of living anymore", "I am so tired of living. Talk soon!",
    "ive been so tired of existing."
])
def test_tired_of_living_said_of_oneself_is_an_explicit_phrasing(message):
    assert "tired of" in pattern_words(message).lower()


@pytest.mark.parametrize("message", [
    "I'm tired of living in this flat.", "my nan says she's tired of living, she's 98", "I'm tired of life admin",
    "I'm sick and tired of living paycheck to paycheck", "he is tired of living.",
    "im so tired of feeling sad all the time",
])
def test_tired_of_living_somewhere_or_said_of_someone_else_is_not(message):
    assert pattern_words(message) is None
