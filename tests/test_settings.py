"""Profiles, the TOML file and EMPATHICA_* variables."""

import pytest

from agent.llm.options import PACKAGED_GEMMA
from agent.settings import ProfileError, Settings


def test_offline_is_the_default(monkeypatch, tmp_path):
    monkeypatch.setenv("EMPATHICA_CONFIG", str(tmp_path / "none.toml"))
    s = Settings.load()
    assert s.profile == "offline" and s.llm.model == PACKAGED_GEMMA and s.device == "auto"


def test_gpu_profile_names_hub_models(monkeypatch, tmp_path):
    monkeypatch.setenv("EMPATHICA_CONFIG", str(tmp_path / "none.toml"))
    s = Settings.load("gpu")
    assert "/" in s.llm.model and "/" in s.text.model


def test_toml_then_env_then_arguments(monkeypatch, tmp_path):
    config = tmp_path / "c.toml"
    config.write_text('profile = "gpu"\n[llm]\nbackend = "openai"\nmax_new_tokens = 20\n'
                      '[limits]\nmax_text_chars = 50\n')
    monkeypatch.setenv("EMPATHICA_CONFIG", str(config))
    s = Settings.load()
    assert s.profile == "gpu" and s.llm.backend == "openai" and s.llm.max_new_tokens == 20
    assert s.llm.model == "Qwen/Qwen2.5-1.5B-Instruct"  # the gpu profile fills what the file omits
    monkeypatch.setenv("EMPATHICA_LLM__MAX_NEW_TOKENS", "30")
    assert Settings.load().llm.max_new_tokens == 30
    assert Settings.load(limits={"max_text_chars": 10}).limits.max_text_chars == 10


def test_unknown_profile_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setenv("EMPATHICA_CONFIG", str(tmp_path / "none.toml"))
    with pytest.raises(ProfileError, match="unknown profile 'cloud'"):
        Settings.load("cloud")


def test_the_response_policy_settings_are_checked(monkeypatch, tmp_path):
    from pydantic import ValidationError

    monkeypatch.setenv("EMPATHICA_CONFIG", str(tmp_path / "none.toml"))
    s = Settings.load(transition={"temperament": 0.0})
    assert (s.transition.follow, s.transition.temperament) == (0.7, 0.0)
    with pytest.raises(ValidationError, match="temperament"):
        Settings.load(transition={"temperament": 1.5})
    monkeypatch.setenv("EMPATHICA_TRANSITION__FOLLOW", "-1")
    with pytest.raises(ValidationError, match="follow"):
        Settings.load()


def test_the_crisis_protocol_settings_are_checked(monkeypatch, tmp_path):
    from pydantic import ValidationError

    monkeypatch.setenv("EMPATHICA_CONFIG", str(tmp_path / "none.toml"))
    assert Settings.load().safety.protocol_score is None  # (the detector's own: 0.95 for the packaged one)
    with pytest.raises(ValidationError, match="protocol_score"):
        Settings.load(safety={"protocol_score": 2})
    monkeypatch.setenv("EMPATHICA_SAFETY__PROTOCOL_SCORE", "-0.1")
    with pytest.raises(ValidationError, match="protocol_score"):
        Settings.load()


def test_the_common_questions_setting_is_checked(monkeypatch, tmp_path):
    from pydantic import ValidationError

    monkeypatch.setenv("EMPATHICA_CONFIG", str(tmp_path / "none.toml"))
    assert Settings.load().llm.common_questions is True
    assert Settings.load(llm={"common_questions": False}).llm.common_questions is False
    monkeypatch.setenv("EMPATHICA_LLM__COMMON_QUESTIONS", "maybe")
    with pytest.raises(ValidationError, match="common_questions"):
        Settings.load()
