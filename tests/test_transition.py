"""The first personality-driven VAD transition."""

import pytest

from agent import Big5, EmotionTransition, Persona, PersonaError
from agent.transition import personality_vad
from perception import EMOTIONS


def test_mehrabian_signs():
    base = Big5()
    assert personality_vad(base).valence == pytest.approx(0, abs=1e-6)
    agreeable = Big5(agreeableness=0.9)
    extravert = Big5(extraversion=0.9)
    neurotic = Big5(neuroticism=0.9)
    assert personality_vad(agreeable).valence > 0
    assert personality_vad(extravert).dominance > 0
    # neuroticism = low emotional stability: less pleasant, more aroused
    assert personality_vad(neurotic).valence < 0 < personality_vad(neurotic).arousal


def test_raising_extraversion_and_agreeableness_moves_the_response():
    model = EmotionTransition()
    history = [("agent", "neutral"), ("user", "sadness")]
    low = model.predict(history, Big5(extraversion=0.2, agreeableness=0.2))
    high = model.predict(history, Big5(extraversion=0.9, agreeableness=0.9))
    assert high.vad.valence > low.vad.valence
    assert high.vad.dominance > low.vad.dominance


def test_predict_gives_a_label_and_intensity():
    model = EmotionTransition()
    r = model.predict([("user", "joy")], Persona().big5)
    assert r.label in EMOTIONS and r.label == "joy" and 0 < r.intensity <= 1
    calm = model.predict([("user", "neutral")], Big5())
    assert calm.label == "neutral" and calm.intensity == 0


def test_previous_agent_state_carries_over():
    model = EmotionTransition()
    fresh = model.predict([("user", "neutral")], Big5())
    after_joy = model.predict([("agent", "joy"), ("user", "neutral")], Big5())
    assert after_joy.vad.valence > fresh.vad.valence


def test_bad_history_is_rejected():
    with pytest.raises(ValueError, match="at least"):
        EmotionTransition().predict([], Big5())
    with pytest.raises(ValueError, match="unknown emotion"):
        EmotionTransition().predict([("user", "bored")], Big5())


def test_persona_files(tmp_path):
    path = tmp_path / "p.toml"
    path.write_text('name = "Ada"\nstyle = "calm"\n[big5]\nextraversion = 0.9\n')
    p = Persona.from_file(path)
    assert p.name == "Ada" and p.big5.extraversion == 0.9 and p.big5.openness == 0.5
    path.write_text("[big5]\nextraversion = 3\n")
    with pytest.raises(PersonaError, match="less than or equal"):
        Persona.from_file(path)
    path.write_text("name = \n")
    with pytest.raises(PersonaError, match="not valid TOML"):
        Persona.from_file(path)
    with pytest.raises(PersonaError, match="does not exist"):
        Persona.from_file(tmp_path / "missing.toml")


def test_example_personas_load():
    from pathlib import Path

    for path in (Path(__file__).parent.parent / "examples" / "personas").glob("*.toml"):
        assert Persona.from_file(path).name
