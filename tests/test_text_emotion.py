"""The trained text-emotion model (packaged): reading emotion in context, its inputs and errors, the
training loop on a tiny data folder, and the shipped weights against their recorded dev figure."""

import json
from pathlib import Path

import pytest

from perception import TextEmotionRecognizer
from perception.loading import ModelLoadError
from perception.text import PACKAGED_TEXT_EMOTION_DIR, TrainedTextEmotion, context_string

SHARED_DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"


@pytest.fixture(scope="module")
def recognizer():
    return TextEmotionRecognizer.load()


def test_default_is_the_trained_model_loaded_once(recognizer):
    assert isinstance(recognizer, TrainedTextEmotion)
    assert TextEmotionRecognizer.load() is recognizer


@pytest.mark.parametrize("text,label", [
    ("I'm so happy, I got the job!", "joy"),
    ("My dog died and I can't stop crying.", "sadness"),
    ("How dare you lie to me!", "anger"),
    ("Ew, that's disgusting.", "disgust"),
    ("Wait, what? You're getting married?!", "surprise"),
])
def test_reads_clear_emotions(recognizer, text, label):
    (est,) = recognizer.predict([text])
    assert est.label == label
    assert abs(sum(est.scores.values()) - 1) < 1e-6 and est.modality == "text"


def test_context_is_read_with_speaker_turns(recognizer):
    text = "Oh my god. Are you serious?"
    alone = recognizer.probabilities([text])
    good = recognizer.probabilities([text], contexts=[[("Ross", "I won the lottery!")]], speakers=["Rachel"])
    bad = recognizer.probabilities([text], contexts=[[("Ross", "Your cat was run over.")]], speakers=["Rachel"])
    assert abs(good - alone).max() > 0.01 and abs(good - bad).max() > 0.01
    # bare strings alternate speakers, the most recent being the other person's
    as_strings = recognizer.probabilities([text], contexts=[["I lost it.", "Lost what?"]])
    as_pairs = recognizer.probabilities([text], contexts=[[("me", "I lost it."), ("you", "Lost what?")]],
                                        speakers=["me"])
    assert abs(as_strings - as_pairs).max() < 1e-5


def test_context_string_tags_speakers_most_recent_first():
    context = [("Ross", "one"), ("Rachel", "two  words"), ("Ross", "three")]
    assert context_string(context, "Rachel", 2) == "B: three | A: two words"
    assert context_string(context, "Rachel", 0) == ""
    assert context_string(["x", "y"], None, 5) == "B: y | A: x"


def test_bad_inputs_are_clear_errors(recognizer, tmp_path):
    assert recognizer.predict([]) == []
    with pytest.raises(ValueError, match="contexts"):
        recognizer.predict(["a", "b"], contexts=[[]])
    with pytest.raises(ValueError, match="speakers"):
        recognizer.predict(["a"], speakers=["x", "y"])
    with pytest.raises(ModelLoadError, match="does not exist"):
        TextEmotionRecognizer.load(str(tmp_path / "nope"))
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "model.json").write_text("{}")
    with pytest.raises(ModelLoadError, match="not a text-emotion model"):
        TextEmotionRecognizer.load(str(tmp_path / "broken"))
    with pytest.raises(ModelLoadError, match="not in the local Hugging Face cache"):
        TextEmotionRecognizer.load("someone/not-downloaded-model")  # HF_HUB_OFFLINE=1 in tests


def test_shipped_model_has_a_model_card_and_is_small():
    config = json.loads((PACKAGED_TEXT_EMOTION_DIR / "model.json").read_text())
    assert config["kind"] == "text-emotion" and config["temperature"] > 0
    assert (PACKAGED_TEXT_EMOTION_DIR / "adapter.safetensors").stat().st_size < 8_000_000
    card = (PACKAGED_TEXT_EMOTION_DIR / "MODEL_CARD.md").read_text()
    for needed in ("MELD", "GoEmotions", "GPL-3.0", "python -m training.train_text_emotion"):
        assert needed in card


def test_training_runs_on_a_tiny_slice_and_members_make_an_ensemble(tiny_data, tmp_path):
    import numpy as np

    from training.calibrate_text_emotion import write_ensemble
    from training.train_text_emotion import main

    for seed in (1, 2):
        main(data=tiny_data, out=tmp_path / "model" / f"seed{seed}", epochs=1, goemotions_per_epoch=4,
             context_turns=2, max_length=48, batch_size=4, lr=1e-3, head_lr=3e-3, rank=4, seed=seed,
             limit=0, threads=2)
    config = json.loads((tmp_path / "model" / "seed1" / "model.json").read_text())
    assert config["metrics"]["meld_dev_weighted_f1"] >= 0 and config["lora"]["r"] == 4
    single = TextEmotionRecognizer.load(str(tmp_path / "model" / "seed1"))
    assert single is not TextEmotionRecognizer.load()
    (est,) = single.predict(["hello"], contexts=[[("a", "hi")]], speakers=["b"])
    assert abs(sum(est.scores.values()) - 1) < 1e-6
    write_ensemble(tmp_path / "model", ["seed1", "seed2"])
    ensemble = TextEmotionRecognizer.load(str(tmp_path / "model"))
    assert len(ensemble.models) == 2
    other = TextEmotionRecognizer.load(str(tmp_path / "model" / "seed2"))
    args = (["hello"], [[("a", "hi")]], ["b"])
    assert np.allclose(ensemble.logits(*args), (single.logits(*args) + other.logits(*args)) / 2, atol=1e-5)


@pytest.mark.skipif(not (SHARED_DATA / "text" / "meld" / "dev.csv").is_file(), reason="needs ../shared/data")
def test_shipped_weights_give_the_recorded_dev_figure():
    from agent.evaluation import evaluate_text

    recorded = json.loads((PACKAGED_TEXT_EMOTION_DIR / "model.json").read_text())["metrics"]
    report = evaluate_text(SHARED_DATA, "meld", "dev")
    assert report.weighted_f1 == pytest.approx(recorded["meld_dev_weighted_f1"], abs=0.005)


def test_adapters_merge_like_peft_without_importing_it():
    """`AdaptedEncoder.load` adds each LoRA update itself (peft's import costs ~1.8 s of start-up);
    the merged encoder gives what peft's own merge gives."""
    import torch
    from peft import LoraConfig, get_peft_model, set_peft_model_state_dict
    from safetensors.torch import load_file
    from transformers import AutoModel

    from perception.adapted_encoder import AdaptedEncoder, merge_lora
    from perception.encoder import resolve_encoder_path

    folder = Path(PACKAGED_TEXT_EMOTION_DIR)
    config = json.loads((folder / "model.json").read_text())
    base = resolve_encoder_path(config["base"])
    state = load_file(str(folder / "adapter.safetensors"))
    lora = {k[len("lora."):]: v for k, v in state.items() if k.startswith("lora.")}
    reference = get_peft_model(AutoModel.from_pretrained(base), LoraConfig(**config["lora"]))
    set_peft_model_state_dict(reference, lora)
    reference = reference.merge_and_unload().eval()
    ours = AdaptedEncoder.load(folder, base).encoder
    batch = {"input_ids": torch.tensor([[101, 1045, 2293, 2023, 102]]), "attention_mask": torch.ones(1, 5, dtype=torch.long)}
    with torch.no_grad():
        assert torch.allclose(ours(**batch).last_hidden_state, reference(**batch).last_hidden_state, atol=1e-5)
    with pytest.raises(ValueError, match="not plain LoRA pairs"):
        merge_lora(AutoModel.from_pretrained(base), {"x.lora_A.weight": torch.zeros(1)}, config["lora"])
