"""The response-emotion transition: Mehrabian's signs, the shipped PELD-trained model's behaviour,
persona files, the PELD reader, `empathica eval transition` and the training script."""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from agent import Big5, EmotionTransition, Persona, PersonaError
from agent.evaluation.datasets import peld_holdout, read_peld
from agent.evaluation.model_eval import LOGIT_ADJUSTMENTS, peld_inputs, predict_labels, transition_report
from agent.transition import PACKAGED_TRANSITION_DIR, load_network, personality_vad
from perception import EMOTIONS, ModelLoadError

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
NEUTRAL = [("agent", "neutral"), ("user", "neutral")]


@pytest.fixture(scope="module")
def model() -> EmotionTransition:
    return EmotionTransition.load()


def test_mehrabian_signs():
    assert personality_vad(Big5()).valence == pytest.approx(0, abs=1e-6)
    assert personality_vad(Big5(agreeableness=0.9)).valence > 0
    assert personality_vad(Big5(extraversion=0.9)).dominance > 0
    # neuroticism = low emotional stability: less pleasant, more aroused
    neurotic = personality_vad(Big5(neuroticism=0.9))
    assert neurotic.valence < 0 < neurotic.arousal


def test_learned_disposition_keeps_mehrabians_directions(model):
    pull = model.network.disposition(torch.tensor([[0.5, 0.5, 0.9, 0.9, 0.5]]))[0]
    assert (pull > 0).all()  # extraverted + agreeable: more pleasant, aroused, dominant
    for member in model.network.members:
        assert (torch.nn.functional.softplus(member.disposition_weight) > 0).all()


@pytest.mark.parametrize("history", [NEUTRAL, [("agent", "neutral"), ("user", "sadness")],
                                     [("agent", "joy"), ("user", "anger")], [("user", "fear")]])
def test_raising_extraversion_and_agreeableness_moves_the_response_as_the_coefficients_say(model, history):
    low = model.predict(history, Big5(extraversion=0.2, agreeableness=0.2))
    high = model.predict(history, Big5(extraversion=0.9, agreeableness=0.9))
    # Mehrabian: valence +.21E +.59A, arousal +.30A
    assert high.vad.valence > low.vad.valence
    assert high.vad.arousal > low.vad.arousal


def test_neuroticism_in_a_calm_exchange(model):
    # Where little happens the temperament pull dominates: neurotic = less pleasant, more aroused.
    # (After a big swing, such as joy met with anger, the learned gate - how far a person moves -
    # can outweigh it; the model card says so.)
    neurotic = model.predict(NEUTRAL, Big5(neuroticism=0.9))
    stable = model.predict(NEUTRAL, Big5(neuroticism=0.1))
    assert neurotic.vad.valence < stable.vad.valence and neurotic.vad.arousal > stable.vad.arousal


def test_predict_gives_a_label_vad_and_intensity(model):
    r = model.predict([("agent", "joy"), ("user", "joy")], Persona().big5)
    assert r.label in EMOTIONS and 0 <= r.intensity <= 1
    assert sum(r.scores.values()) == pytest.approx(1, abs=1e-5) and max(r.scores, key=r.scores.get) == r.label
    assert r.label == "joy" and r.intensity > 0  # joy sustained by a joyful partner
    calm = model.predict(NEUTRAL, Big5())
    assert calm.label == "neutral" and calm.intensity == 0
    assert all(-1 <= x <= 1 for x in r.to_dict()["vad"])


def test_previous_agent_state_carries_over(model):
    fresh = model.predict([("user", "neutral")], Big5())
    after_joy = model.predict([("agent", "joy"), ("user", "neutral")], Big5())
    exact = model.predict([("user", "neutral")], Big5(), agent_vad=after_joy.vad)
    assert after_joy.vad.valence > fresh.vad.valence
    assert exact.vad != fresh.vad


def test_bad_history_is_rejected(model):
    with pytest.raises(ValueError, match="at least"):
        model.predict([], Big5())
    with pytest.raises(ValueError, match="unknown emotion"):
        model.predict([("user", "bored")], Big5())


def test_missing_or_broken_model_folders(tmp_path):
    with pytest.raises(ModelLoadError, match="no emotion-transition model"):
        EmotionTransition.load(str(tmp_path))
    (tmp_path / "model.json").write_text("{not json")
    with pytest.raises(ModelLoadError, match="cannot load"):
        load_network(tmp_path)


def test_shipped_model_card_and_ablation():
    card = (PACKAGED_TRANSITION_DIR / "MODEL_CARD.md").read_text()
    for needed in ("PELD", "python -m training.train_emotion_transition", "leave one character out",
                   "Mehrabian"):
        assert needed in card
    config = json.loads((PACKAGED_TRANSITION_DIR / "model.json").read_text())
    assert config["personality"] is True and config["labels"] == list(EMOTIONS)
    ablation = json.loads((PACKAGED_TRANSITION_DIR / "no_personality" / "model.json").read_text())
    assert ablation["personality"] is False


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


def test_example_personas_load_and_differ(model):
    folder = Path(__file__).parent.parent / "examples" / "personas"
    personas = {p.stem: Persona.from_file(p) for p in folder.glob("*.toml")}
    assert {"sam", "jo"} <= set(personas)
    history = [("agent", "neutral"), ("user", "joy")]
    jo, sam = (model.predict(history, personas[n].big5) for n in ("jo", "sam"))
    assert jo.vad != sam.vad


def test_peld_reader_and_report(tiny_data, model):
    triples = read_peld(tiny_data, "train")
    assert len(triples) == 4 and triples[0].speakers == ("Joey", "Ross")
    assert triples[1].emotions == ("neutral", "neutral", "anger") and len(triples[0].personality) == 5
    report = transition_report("tiny", triples, model.network)
    assert set(report.rows) == {"model (with personality)", "majority class", "copy own previous emotion",
                                "copy other speaker's emotion"}
    assert report.rows["copy other speaker's emotion"]["accuracy"] == pytest.approx(0.5)
    assert report.rows["majority class"]["accuracy"] == pytest.approx(0.25)
    assert [i for i in range(400) if peld_holdout(i)] == list(range(150, 200))


def test_logit_adjustment_moves_decisions_to_rarer_classes(tiny_data, model):
    triples = read_peld(tiny_data, "train")
    prior = np.full(len(EMOTIONS), 0.3)
    prior[EMOTIONS.index("fear")] = 1e-4  # a class all but absent from training: adjusted, it wins
    report = transition_report("tiny", triples, model.network, prior=prior)
    assert {f"model, logit-adjusted (tau {tau})" for tau in LOGIT_ADJUSTMENTS} <= set(report.rows)
    inputs = peld_inputs(triples)
    assert list(predict_labels(model.network, inputs, prior, tau=1.0)) == [EMOTIONS.index("fear")] * len(triples)
    assert list(predict_labels(model.network, inputs, prior, tau=0.0)) == list(predict_labels(model.network, inputs))


def test_peld_reader_rejects_bad_files(tmp_path):
    folder = tmp_path / "text" / "peld"
    folder.mkdir(parents=True)
    (folder / "x.tsv").write_text("Speaker_1\tUtterance_1\nA\thi\n")
    with pytest.raises(ValueError, match="lacks the PELD columns"):
        read_peld(tmp_path, "x")
    with pytest.raises(FileNotFoundError, match="no PELD split 'y'"):
        read_peld(tmp_path, "y")


def run_eval(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "agent.cli", "eval", "transition", *args], capture_output=True,
                          text=True, env={**os.environ, "COLUMNS": "200"}, timeout=300)


def test_eval_transition_command(tiny_data, tmp_path):
    result = run_eval("--data", str(tiny_data), "--split", "train", "--json", str(tmp_path / "t.json"))
    assert result.returncode == 0, result.stderr
    for needed in ("same model without personality", "copy own previous emotion", "majority class",
                   "logit-adjusted (tau 0.5)", "per-class F1"):
        assert needed in result.stdout
    figures = json.loads((tmp_path / "t.json").read_text())
    assert figures["n"] == 4 and set(figures["per_class_f1"]) == set(EMOTIONS)
    missing = run_eval("--data", str(tiny_data), "--split", "test")
    assert missing.returncode == 2 and "no PELD split 'test'" in missing.stderr
    only_other = tmp_path / "other_data" / "text" / "peld"  # no train split: no prior, no adjusted rows
    only_other.mkdir(parents=True)
    (only_other / "other.tsv").write_text((tiny_data / "text" / "peld" / "train.tsv").read_text())
    other = run_eval("--data", str(tmp_path / "other_data"), "--split", "other")
    assert other.returncode == 0, other.stderr
    assert "copy own previous emotion" in other.stdout and "logit-adjusted" not in other.stdout


def test_training_script_on_tiny_data(tiny_data, tmp_path):
    from training.train_emotion_transition import main

    main(data=tiny_data, out=tmp_path / "m", seeds=1, epochs=5, lr=0.01, class_weight_power=0.5,
         vad_weight=0.5, hidden=8, leave_one_out=True, block=1, threads=1)
    trained = EmotionTransition.load(str(tmp_path / "m"))
    assert trained.config["training"]["holdout_block"] == 1
    assert set(trained.config["metrics"]["leave_one_character_out"]) == {"Joey", "Ross"}
    assert (tmp_path / "m" / "no_personality" / "transition.safetensors").is_file()
    assert trained.predict([("user", "joy")], Big5()).label in EMOTIONS


@pytest.mark.skipif(not (SHARED_DATA / "text" / "peld" / "train.tsv").is_file(), reason="needs ../shared/data")
def test_shipped_model_reproduces_its_recorded_dev_figures(model):
    from agent.evaluation.model_eval import evaluate_transition

    report = evaluate_transition(SHARED_DATA, "train", holdout=True)
    recorded = model.config["metrics"]["dev_ensemble"]
    assert report.n == model.config["training"]["dev_triples"]
    for name, row in recorded.items():
        assert report.rows[name]["weighted_f1"] == pytest.approx(row["weighted_f1"], abs=1e-4)
    ours = report.rows["model (with personality)"]
    for baseline in ("majority class", "copy own previous emotion", "copy other speaker's emotion"):
        assert ours["weighted_f1"] > report.rows[baseline]["weighted_f1"]
