"""The response policy (agent/response_policy.py) over the packaged transition network: it follows the
user, keeps what an empathetic agent never says, and lets the persona presets sound different."""

from __future__ import annotations

import numpy as np
import pytest

from agent.persona import CALMEST, LIVELIEST, Big5
from agent.persona import PRESETS as PERSONA_PRESETS
from agent.evaluation.response import PREVIOUS, presets_differ
from agent.response_policy import EMPATHIC_ANSWERS, MIN_INTENSITY, NO_JOY_FOR, ResponsePolicy, allowed_answers
from agent.transition import EmotionTransition, personality_vad
from perception.emotions import EMOTIONS, VAD

PRESETS = {"calm": PERSONA_PRESETS[CALMEST].big5, "lively": PERSONA_PRESETS[LIVELIEST].big5}


@pytest.fixture(scope="module")
def transition():
    return EmotionTransition.load()


def answer(transition, user: str, previous: str, big5: Big5, policy=ResponsePolicy()):
    return policy.choose(transition, [("agent", previous)], user, big5, agent_vad=VAD.of(previous))


def test_the_calmest_and_the_liveliest_preset_are_what_their_names_say():
    calm, lively = (personality_vad(PRESETS[k]) for k in ("calm", "lively"))
    assert calm.arousal < lively.arousal and calm.dominance < lively.dominance
    assert PERSONA_PRESETS[CALMEST].voice_style == "calm" and PERSONA_PRESETS[LIVELIEST].voice_style == "lively"


def test_the_calm_and_the_lively_preset_answer_differently_in_mehrabians_direction(transition):
    assert presets_differ(transition, ResponsePolicy()) >= 0.70
    pull = personality_vad(PRESETS["lively"]).as_array() - personality_vad(PRESETS["calm"]).as_array()
    exact = 0
    for user in EMOTIONS:
        for previous in PREVIOUS:
            calm, lively = (answer(transition, user, previous, PRESETS[k]) for k in ("calm", "lively"))
            points = [r.vad.as_array() for r in (calm, lively)]
            untouched = (user not in NO_JOY_FOR and all(np.abs(p).max() < 1 for p in points)
                         and all(MIN_INTENSITY < r.intensity < 1 for r in (calm, lively)))
            if untouched:  # no floor, clamp or clip: the only difference is the temperament pull
                assert points[1] - points[0] == pytest.approx(ResponsePolicy().temperament * pull, abs=1e-5)
                exact += 1
    assert exact >= 10


def test_no_cheerful_or_flat_voice_for_pain_even_when_unsure(transition):
    for user in NO_JOY_FOR:
        for big5 in (PRESETS["lively"], Big5(agreeableness=1.0, extraversion=1.0, neuroticism=0.0)):
            network = transition.predict([("user", user)], Big5())
            for confidence in (0.3, 0.6, 1.0):
                r = ResponsePolicy().answer(user, network, big5, confidence)
                assert r.vad.valence <= 0 and r.intensity >= MIN_INTENSITY - 1e-6, (user, confidence, r)


def test_an_emotional_user_gets_the_empathic_answer_and_never_disgust(transition):
    for user in EMOTIONS:
        for previous in PREVIOUS:
            for big5 in (*PRESETS.values(), Big5(agreeableness=0.0, neuroticism=1.0)):
                r = answer(transition, user, previous, big5)
                assert r.label in allowed_answers(user) and r.label != "disgust"
                if user in EMPATHIC_ANSWERS:
                    assert r.label == EMPATHIC_ANSWERS[user][0]
                assert 0.0 <= r.intensity <= 1.0


def test_anger_is_only_indignation_on_the_users_behalf_and_pain_is_never_met_with_joy():
    assert "anger" in allowed_answers("anger") and "anger" in allowed_answers("disgust")
    for user in ("neutral", "joy", "sadness", "fear", "surprise"):
        assert "anger" not in allowed_answers(user)
    for user in ("sadness", "fear", "anger", "disgust"):
        assert "joy" not in allowed_answers(user)
    assert EMPATHIC_ANSWERS["disgust"][0] == "anger"
    assert all("disgust" not in allowed_answers(u) for u in EMOTIONS)


def test_a_neutral_user_gets_joy_sadness_or_neutral_never_anger(transition):
    for previous in PREVIOUS:
        for big5 in (*PRESETS.values(), Big5(agreeableness=0.0, neuroticism=1.0)):
            r = answer(transition, "neutral", previous, big5)
            assert r.label in ("joy", "sadness", "neutral")
            assert r.label == "neutral" or r.intensity >= MIN_INTENSITY


def test_the_users_confidence_scales_the_answer(transition):
    network = transition.predict([("user", "joy")], Big5())
    sure, unsure = (ResponsePolicy().answer("joy", network, Big5(), c) for c in (1.0, 0.4))
    assert sure.label == unsure.label == "joy" and sure.intensity > unsure.intensity


def test_bad_settings_and_labels_are_refused(transition):
    with pytest.raises(ValueError, match="follow must be in"):
        ResponsePolicy(follow=1.5)
    with pytest.raises(ValueError, match="temperament must be in"):
        ResponsePolicy(temperament=-0.1)
    with pytest.raises(ValueError, match="unknown emotion 'happy'"):
        ResponsePolicy().answer("happy", transition.predict([("user", "joy")], Big5()), Big5())


def test_the_prompt_words_the_intensity():
    from agent.prompt import agent_feeling

    assert [agent_feeling("joy", i) for i in (0.1, 0.5, 0.9)] == ["quietly glad", "glad", "very glad"]
    assert agent_feeling("neutral", 0.0) == "caring"


def test_emotional_everyday_messages_get_emotional_answers_from_every_preset():
    """`empathica eval response` on the project's everyday set, through the packaged text model.
    Measured 2026-12-03: 0.974-1.000 of 155 emotional messages answered non-neutrally; presets differ
    in 71 % of cells."""
    from agent.evaluation.response import evaluate_response
    from agent.settings import Settings

    settings = Settings.load("offline")
    report = evaluate_response("dev", settings.text.model, settings.transition.model, ResponsePolicy())
    assert report.emotional >= 150 and min(report.non_neutral.values()) >= 0.5
    assert report.presets_differ >= 0.70
    assert "disgust" not in {label for answers in report.answers.values() for label in answers}


def test_eval_response_names_a_missing_split(tmp_path):
    from typer.testing import CliRunner

    from agent.cli import app

    result = CliRunner().invoke(app, ["eval", "response", "--split", "nosuch"])
    assert result.exit_code == 2 and "nosuch" in result.output
