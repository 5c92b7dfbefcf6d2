"""A goodbye right after a flagged turn (agent.safety.assess, `leaving`; agent.graph.careful_goodbye): the turn
stays careful, gets quiet closing words and the crisis lines again, never "Bye, take care." with the check-in's
"are you safe right now?" left unanswered."""

from __future__ import annotations

import pytest

from agent import EmpatheticAgent, Settings
from agent.farewell import GENTLE_CLOSING
from agent.graph import careful_goodbye
from agent.safety import CHECK_IN, CRISIS_LINES, CRISIS_REPLY, assess
from test_safety import reading, stored


def test_a_goodbye_right_after_a_check_in_stays_careful_and_offers_the_lines():
    check_in = stored(0.02, "classifier: risk 0.02", careful=True)
    goodbye = assess(reading(0.001, threshold=0.01), [check_in], threshold=0.01, feeling="joy", leaving=True)
    assert goodbye.careful and goodbye.offer_lines and not goodbye.protocol and goodbye.signal is None
    # a calm turn that does not leave still ends the mode a check-in began, as before
    assert not assess(reading(0.001, threshold=0.01), [check_in], threshold=0.01, feeling="joy").careful
    # a goodbye after an unflagged turn, or with no earlier turn, is no careful turn
    assert not assess(reading(0.001, threshold=0.01), [stored()], threshold=0.01, feeling="joy", leaving=True).careful
    assert not assess(reading(0.001, threshold=0.01), [], threshold=0.01, feeling="joy", leaving=True).careful
    # a goodbye after a calm careful turn (no signal in it) follows the usual rule
    calm = stored(0.001, careful=True)
    assert not assess(reading(0.001, threshold=0.01), [check_in, calm], threshold=0.01, feeling="joy",
                      leaving=True).offer_lines


def test_a_goodbye_later_in_a_careful_stretch_is_the_models_careful_reply_not_closing_words_without_lines():
    crisis, calm = stored(0.9, "classifier: risk 0.90", careful=True), stored(0.01, careful=True)
    later = assess(reading(0.001, threshold=0.5), [crisis, calm], threshold=0.5, feeling="neutral", leaving=True)
    assert later.careful and not later.offer_lines and careful_goodbye(later) is None
    right_after = assess(reading(0.001, threshold=0.5), [crisis], threshold=0.5, feeling="neutral", leaving=True)
    assert careful_goodbye(right_after) == GENTLE_CLOSING and right_after.offer_lines


@pytest.fixture
def agent(tiny_llm):
    settings = Settings.load(llm={"model": str(tiny_llm["base"]), "max_new_tokens": 12, "candidates": 2,
                                  "retries": 4}, safety={"protocol_score": 1.0})  # every classifier flag uncertain
    a = EmpatheticAgent.from_settings(settings)
    yield a
    a.close()


@pytest.mark.parametrize("goodbye", ["Well, I'd best go and put the kettle on.", "ok bed, night!", "thanks sam"])
def test_through_the_agent_a_goodbye_after_the_check_in_gets_quiet_words_and_the_lines(agent, goodbye):
    first = agent.respond(text="Everything feels pointless and I dont see why I should keep going.", user_id="u",
                          session_id="s")
    assert first.careful and first.text.endswith(CHECK_IN) and first.text != CRISIS_REPLY
    reply = agent.respond(text=goodbye, user_id="u", session_id="s")
    assert reply.careful and reply.text.endswith(CRISIS_LINES)
    if reply.crisis is None:  # (read with the message before it, a goodbye may itself be a signal: then the
        assert reply.text == f"{GENTLE_CLOSING} {CRISIS_LINES}"  # careful reply is the model's, the lines after it)
    assert [t.careful for t in agent.history("u", "s")] == [True, True]
