"""The crisis verifier (`perception/crisis_verifier.py`): a Gemma body with LoRA adapters merged at load
and a risk head, read by the crisis detector as a third opinion where its score could reach a
decision (`CrisisDetector.verified`), and how `training.train_crisis_verifier` writes and calibrates it.
A tiny random Gemma 3 (hidden size 32, two layers, a BPE tokenizer trained on a few sentences) stands
in for the packaged 270M model; the detector is the packaged one."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
import torch

from perception.crisis import PACKAGED_CRISIS_DIR, CrisisDetector
from perception.defaults import PACKAGED_CRISIS
from perception.crisis_verifier import CrisisVerifier, encode_message, left_padded, verifier_prompt
from perception.loading import ModelLoadError


@pytest.fixture(scope="module")
def tiny_gemma(tmp_path_factory):
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import Gemma3ForCausalLM, Gemma3TextConfig, PreTrainedTokenizerFast

    root = tmp_path_factory.mktemp("tiny-gemma")
    sentences = ["Earlier messages: I feel sad today | my dog is sick\nMessage: I want it all to stop.",
                 "Message: my cat knocked the plant over lol", "Thank you for listening, goodnight."]
    bpe = Tokenizer(models.BPE())
    bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    bpe.decoder = decoders.ByteLevel()
    bpe.train_from_iterator(sentences * 4, trainers.BpeTrainer(vocab_size=300, special_tokens=["<pad>", "<eos>", "<bos>"]))
    tok = PreTrainedTokenizerFast(tokenizer_object=bpe, eos_token="<eos>", pad_token="<pad>", bos_token="<bos>")
    config = Gemma3TextConfig(vocab_size=len(tok), hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                              num_attention_heads=2, num_key_value_heads=1, head_dim=16, sliding_window=16,
                              max_position_embeddings=512, pad_token_id=0, eos_token_id=1, bos_token_id=2)
    torch.manual_seed(0)
    Gemma3ForCausalLM(config).save_pretrained(root)
    tok.save_pretrained(root)
    return root


def trained_net(base):
    """The training script's network on the tiny base, its adapters and head set to random values."""
    from training.train_crisis_verifier import VerifierNet

    torch.manual_seed(1)
    net = VerifierNet(str(base), rank=4, alpha=8)
    with torch.no_grad():
        for name, p in net.named_parameters():
            if p.requires_grad:
                p.normal_(0, 0.2)
    return net.eval()


@pytest.fixture(scope="module")
def verifier_folder(tiny_gemma, tmp_path_factory):
    from training.train_crisis_verifier import write_folder

    folder = tmp_path_factory.mktemp("verifier") / "verifier"
    write_folder(trained_net(tiny_gemma), folder, 4, {"epochs": 0})
    return folder


TEXTS = ["I want it all to stop.", "my cat knocked the plant over lol"]
EARLIER = [["I feel sad today", "", "my dog is sick"], []]


def test_the_prompt_holds_the_last_earlier_messages_oldest_first():
    assert verifier_prompt(["a", "b", " ", "c", "d"], 3) == "Earlier messages: b | c | d\nMessage: "
    assert verifier_prompt([], 3) == verifier_prompt(["a"], 0) == "Message: "


def test_the_shipped_verifier_reads_as_the_trained_network_does(tiny_gemma, verifier_folder):
    """Adapters merged into the weights at load (no peft at run time) give the probabilities the
    training network gives with peft's unmerged adapters."""
    net, verifier = trained_net(tiny_gemma), CrisisVerifier(verifier_folder, str(tiny_gemma))
    encodings = [encode_message(verifier.tokenizer, t, e, 3) for t, e in zip(TEXTS, EARLIER)]
    with torch.no_grad():
        expected = torch.sigmoid(net(*left_padded(encodings))).numpy()
    assert verifier.scores(TEXTS, EARLIER) == pytest.approx(expected, abs=1e-5)
    assert verifier.scores(TEXTS[:1], EARLIER[:1])[0] == pytest.approx(expected[0], abs=1e-5)  # (alone, or cached)


def with_verifier(tmp_path, verifier_folder, section=None):
    folder = tmp_path / "crisis"
    shutil.copytree(PACKAGED_CRISIS_DIR, folder, ignore=shutil.ignore_patterns("verifier"))
    shutil.copytree(verifier_folder, folder / "verifier")
    config = json.loads((folder / "model.json").read_text())
    config["verifier"] = section or {"folder": "verifier", "threshold": 0.2, "topic_floor": 0.01}
    (folder / "model.json").write_text(json.dumps(config))
    return folder


def test_the_detector_reads_the_geometric_mean_with_the_verifier_only_where_it_could_decide(
        tmp_path, tiny_gemma, verifier_folder):
    folder = with_verifier(tmp_path, verifier_folder)
    alone = CrisisDetector(folder)  # no base given: the detector reads alone, at its own threshold
    both = CrisisDetector(folder, verifier_body=str(tiny_gemma))
    assert alone.verifier is None and alone.threshold == json.loads((PACKAGED_CRISIS_DIR / "model.json").read_text())["threshold"]
    assert (both.threshold, both.topic_floor) == (0.2, 0.01)
    alone.lowest_decision_score = 0.0  # (every sequence read by both of its models: exact scores)
    both.lowest_decision_score = 0.12  # (a verifier gate of 0.0144, over the plain message's score)
    risky, plain = "I just want to fall asleep and never wake up again", "what's your favourite film?"
    own = alone.message_scores([risky, plain])
    assert own[1] < both.lowest_decision_score ** 2 <= own[0]
    other = both.verifier.scores([risky], [[]])[0]
    asked = []
    real = both.verifier.scores
    both.verifier.scores = lambda texts, earlier: asked.extend(texts) or real(texts, earlier)
    read = both.message_scores([risky, plain])
    assert asked == [risky]
    assert read[0] == pytest.approx(np.sqrt(own[0] * other), rel=1e-4)
    assert np.sqrt(own[1]) <= read[1] < both.lowest_decision_score  # (an upper bound, under any decision)
    reading = both.read(risky)
    assert reading.score == pytest.approx(read[0], rel=1e-4) and reading.classified == (read[0] >= 0.2)
    asked.clear()  # a long message: each sentence is read by both too, the highest mean kept
    long = f"The bus was late again and my coffee went cold on the way. {risky}."
    score = both.message_scores([long])[0]
    assert f"{risky}." in asked
    assert score >= np.sqrt(alone.message_scores([f"{risky}."])[0] * real([f"{risky}."], [[]])[0]) * 0.9999


def test_a_verifier_that_reads_the_whole_message_is_asked_once_against_the_highest_sentence(
        tmp_path, tiny_gemma, verifier_folder):
    """`"reads": "message"`: one Gemma pass per message, its score against the classifier's highest
    score over the message and its sentences."""
    section = {"folder": "verifier", "threshold": 0.2, "topic_floor": 0.01, "reads": "message"}
    folder = with_verifier(tmp_path, verifier_folder, section)
    alone, both = CrisisDetector(folder), CrisisDetector(folder, verifier_body=str(tiny_gemma))
    alone.lowest_decision_score, both.lowest_decision_score = 0.0, 0.0  # (every message asked: exact scores)
    long = "The bus was late again and my coffee went cold on the way. I just want to fall asleep and never wake up."
    asked = []
    real = both.verifier.scores
    both.verifier.scores = lambda texts, earlier: asked.extend(texts) or real(texts, earlier)
    score = both.message_scores([long], [["rough week"]])[0]
    assert asked == [long]
    highest = alone.message_scores([long], [["rough week"]])[0]
    assert score == pytest.approx(np.sqrt(highest * real([long], [["rough week"]])[0]), rel=1e-4)


def test_the_verifiers_share_weights_the_mean_and_the_level_it_is_asked_from(tmp_path, tiny_gemma, verifier_folder):
    """`"share": 1/3`: the score is classifier ** (2/3) * verifier ** (1/3); a message is sent to the
    verifier only when its classifier score ** (2/3) could reach the lowest decision level."""
    section = {"folder": "verifier", "threshold": 0.2, "topic_floor": 0.01, "reads": "message", "share": 1 / 3}
    folder = with_verifier(tmp_path, verifier_folder, section)
    alone, both = CrisisDetector(folder), CrisisDetector(folder, verifier_body=str(tiny_gemma))
    alone.lowest_decision_score, both.lowest_decision_score = 0.0, 0.1
    risky, plain = "I just want to fall asleep and never wake up again", "what's your favourite film?"
    own = alone.message_scores([risky, plain])
    assert own[1] < 0.1 ** 1.5 <= own[0]
    read = both.message_scores([risky, plain])
    other = both.verifier.scores([risky], [[]])[0]
    assert read[0] == pytest.approx(own[0] ** (2 / 3) * other ** (1 / 3), rel=1e-4)
    assert own[1] ** (2 / 3) <= read[1] < 0.1  # (an upper bound, under any decision)


def test_a_message_too_long_for_the_verifier_is_decided_by_the_classifier_pair_alone(
        tmp_path, tiny_gemma, verifier_folder):
    """The verifier reads a message's first `MAX_MESSAGE_TOKENS` tokens: a long post whose risk comes
    later ("... i wish i was dead ...") was read 0.001 there. Such a message is not sent to it; the
    pair's own score is put on the combined scale so it is flagged exactly where the pair flags it."""
    from perception.crisis_verifier import MAX_MESSAGE_TOKENS

    section = {"folder": "verifier", "threshold": 0.2, "topic_floor": 0.01, "reads": "message", "share": 1 / 3}
    folder = with_verifier(tmp_path, verifier_folder, section)
    alone, both = CrisisDetector(folder), CrisisDetector(folder, verifier_body=str(tiny_gemma))
    alone.lowest_decision_score, both.lowest_decision_score = 0.0, 0.0
    long = " ".join(["the bus was late again and my coffee went cold."] * 12) + " i just want to never wake up."
    assert not both.verifier.reads_whole(long) and both.verifier.reads_whole("i just want to never wake up.")
    assert len(both.verifier.tokenizer(long, add_special_tokens=False)["input_ids"]) > MAX_MESSAGE_TOKENS
    asked = []
    real = both.verifier.scores
    both.verifier.scores = lambda texts, earlier: asked.extend(texts) or real(texts, earlier)
    score = both.message_scores([long])[0]
    assert asked == []
    own = alone.message_scores([long])[0]
    assert score == pytest.approx(float(both.on_verified_scale(np.array([own]))[0]), rel=1e-4)
    assert both.read(long).classified == alone.read(long).classified
    # the map keeps the pattern floors and takes the pair's threshold onto the combined one
    floors = np.array([both.pattern_floor, both.topic_floor, alone.threshold, 1.0], dtype=np.float64)
    assert both.on_verified_scale(floors) == pytest.approx([both.pattern_floor, both.topic_floor, 0.2, 1.0])


@pytest.mark.parametrize("section, error", [
    ({"folder": "verifier"}, "needs folder, threshold and topic_floor"),
    ({"folder": "missing", "threshold": 0.2, "topic_floor": 0.01}, "is not a crisis verifier folder"),
    ({"folder": "verifier", "threshold": 0.2, "topic_floor": 0.01, "reads": "words"},
     "the verifier reads 'words'; one of sentences, message"),
    ({"folder": "verifier", "threshold": 0.2, "topic_floor": 0.01, "share": 1.0}, "share 1.0 is not a number between"),
    ({"folder": "verifier", "threshold": 0.2, "topic_floor": 0.01, "share": "a third"}, "share 'a third' is not"),
    ({"folder": "verifier", "threshold": 0.2, "topic_floor": 0.01, "protocol_score": "high"}, "numbers, as protocol"),
])
def test_a_bad_verifier_section_is_a_clear_error(tmp_path, tiny_gemma, verifier_folder, section, error):
    with pytest.raises(ModelLoadError, match=error):
        CrisisDetector(with_verifier(tmp_path, verifier_folder, section), verifier_body=str(tiny_gemma))


def test_a_verifier_on_another_base_model_is_a_clear_error(tmp_path, tiny_gemma, verifier_folder, tiny_llm):
    with pytest.raises(ModelLoadError, match="adapts a gemma3_text model, and .* is a qwen2"):
        CrisisVerifier(verifier_folder, str(tiny_llm["base"]))
    with pytest.raises(ModelLoadError, match="cannot be loaded"):
        CrisisVerifier(verifier_folder, str(tmp_path / "nowhere"))


def test_the_settings_choose_the_verifiers_base(tmp_path, tiny_gemma, verifier_folder):
    from agent.crisis_model import load_crisis_detector, names_verifier, verifier_base

    assert names_verifier(PACKAGED_CRISIS)  # (the packaged detector names one)
    folder = with_verifier(tmp_path, verifier_folder)
    assert names_verifier(str(folder))
    assert load_crisis_detector(str(folder), str(tiny_gemma), "cpu").verifier is not None
    assert load_crisis_detector(str(folder), "none", "cpu").verifier is None
    assert verifier_base("none") is None
    assert verifier_base(str(tiny_gemma)) == str(tiny_gemma)
    with pytest.raises(ModelLoadError, match="is not a model folder"):
        verifier_base(str(tmp_path / "nowhere"))


def test_calibrate_detector_copies_the_verifier_and_keeps_the_lower_settings(tmp_path, tiny_gemma, verifier_folder,
                                                                            monkeypatch):
    """`--calibrate-detector FOLDER` copies the verifier in and sets the combined score's threshold and
    topic floor, the lower of int8's and fp32's (the calibration itself, a few minutes on the tune
    files, replaced by fixed figures); on an error model.json is left as it was."""
    from training import train_crisis_verifier as training

    folder = tmp_path / "crisis"
    shutil.copytree(PACKAGED_CRISIS_DIR, folder, ignore=shutil.ignore_patterns("verifier"))
    before = (folder / "model.json").read_text()
    monkeypatch.setattr("agent.llm.model_files.resolve_model_source", lambda *a, **k: str(tiny_gemma))
    monkeypatch.setattr(training, "report", lambda *args: None)
    monkeypatch.setattr(training, "protocol_score_for", lambda alone, both: 0.9)

    def failing(detector, recall):
        raise RuntimeError("interrupted")

    monkeypatch.setattr(training, "calibrate", failing)
    with pytest.raises(RuntimeError):
        training.calibrate_detector(folder, verifier_folder, 0.98)
    assert (folder / "model.json").read_text() == before
    monkeypatch.setattr(training, "calibrate", lambda d, r: (0.3, 0.03, 9) if d.runner is not None else (0.2, 0.05, 11))
    training.calibrate_detector(folder, verifier_folder, 0.98)
    config = json.loads((folder / "model.json").read_text())
    assert config["verifier"] == {"folder": "verifier", "threshold": 0.2, "topic_floor": 0.03, "reads": "message",
                                  "share": 0.5, "protocol_score": 0.9}
    assert config["threshold"] == json.loads(before)["threshold"]  # (the detector's own, read without it)
    assert (folder / "verifier" / "adapter.safetensors").read_bytes() == (verifier_folder / "adapter.safetensors").read_bytes()


def test_calibrating_without_a_trained_verifier_is_a_clear_error(tmp_path):
    import typer

    from training.train_crisis_verifier import main

    before = (PACKAGED_CRISIS_DIR / "model.json").read_text()
    with pytest.raises(typer.BadParameter, match="has no adapter.safetensors: train it first"):
        main(out=tmp_path / "untrained", calibrate_detector_folder=PACKAGED_CRISIS_DIR)
    assert (PACKAGED_CRISIS_DIR / "model.json").read_text() == before


def test_calibrating_for_an_unknown_reading_is_a_clear_error(verifier_folder):
    import typer

    from training.train_crisis_verifier import main

    before = (PACKAGED_CRISIS_DIR / "model.json").read_text()
    with pytest.raises(typer.BadParameter, match="'words' is not one of sentences, message"):
        main(out=verifier_folder, calibrate_detector_folder=PACKAGED_CRISIS_DIR, verifier_reads="words")
    assert (PACKAGED_CRISIS_DIR / "model.json").read_text() == before


def test_the_protocol_score_keeps_the_share_of_risk_messages_that_get_the_fixed_reply(monkeypatch, tmp_path,
                                                                                      tiny_gemma, verifier_folder):
    """The combined score's protocol score: as many tune risk messages reach it as reach the detector's
    own protocol score alone (stand-in detectors with fixed scores); the detector then uses it unless
    the settings name one."""
    from training import train_crisis_verifier as training
    from agent.evaluation.datasets import CrisisMessage

    monkeypatch.setattr(training, "tune_messages", lambda: {"t": [CrisisMessage(f"m{i}", 1) for i in range(4)]
                                                           + [CrisisMessage("calm", 0)]})

    class Fixed:
        def __init__(self, scores, protocol=0.95):
            self.scores, self.protocol_score = np.array(scores), protocol

        def message_scores(self, texts, earlier):
            return self.scores[:len(texts)]

    assert training.protocol_score_for(Fixed([0.99, 0.97, 0.6, 0.2]), Fixed([0.8, 0.9, 0.85, 0.1])) == 0.85
    assert training.protocol_score_for(Fixed([0.5, 0.4, 0.6, 0.2]), Fixed([0.8, 0.9, 0.85, 0.1])) == 1.0
    section = {"folder": "verifier", "threshold": 0.2, "topic_floor": 0.01, "protocol_score": 0.85}
    detector = CrisisDetector(with_verifier(tmp_path, verifier_folder, section), verifier_body=str(tiny_gemma))
    assert detector.protocol_score_or(None) == 0.85 and detector.protocol_score_or(0.5) == 0.5
    assert CrisisDetector(PACKAGED_CRISIS_DIR).protocol_score_or(None) == 0.95


@pytest.fixture(scope="module")
def reply_adapter(tiny_gemma, tmp_path_factory):
    """A random reply-model LoRA adapter for the tiny Gemma, in peft's saved layout (as the packaged
    listener adapter: every projection of every layer)."""
    from safetensors.torch import save_file
    from transformers import Gemma3ForCausalLM

    folder = tmp_path_factory.mktemp("reply-adapter")
    model = Gemma3ForCausalLM.from_pretrained(tiny_gemma)
    torch.manual_seed(2)
    weights = {}
    for name, layer in model.named_modules():
        if isinstance(layer, torch.nn.Linear) and name.rsplit(".", 1)[-1].endswith("_proj"):
            weights[f"base_model.model.{name}.lora_A.weight"] = torch.randn(4, layer.in_features) * 0.2
            weights[f"base_model.model.{name}.lora_B.weight"] = torch.randn(layer.out_features, 4) * 0.2
    save_file(weights, str(folder / "adapter_model.safetensors"))
    (folder / "adapter_config.json").write_text(json.dumps({"r": 4, "lora_alpha": 8, "peft_type": "LORA"}))
    return folder


@pytest.fixture(scope="module")
def listener_verifier(tiny_gemma, reply_adapter, tmp_path_factory):
    """A verifier trained on the tiny Gemma with the reply adapter merged in, and its network."""
    from perception.crisis_verifier import adapter_digest
    from training.train_crisis_verifier import VerifierNet, write_folder

    torch.manual_seed(3)
    net = VerifierNet(str(tiny_gemma), rank=4, alpha=8, llm_adapter=reply_adapter)
    with torch.no_grad():
        for p in (p for p in net.parameters() if p.requires_grad):
            p.normal_(0, 0.2)
    folder = tmp_path_factory.mktemp("listener-verifier") / "verifier"
    write_folder(net.eval(), folder, 4, {"epochs": 0}, adapter_digest(reply_adapter))
    return folder, net


def assert_reads_through_the_llm(folder, tiny_gemma, reply_adapter, expected):
    """The verifier in `folder`, reading through an LLM (the tiny Gemma with the reply adapter merged in,
    as the agent's), scores `expected`, and the LLM's own logits stay as they were."""
    from transformers import Gemma3ForCausalLM

    from agent.llm.adapter import merge_adapter
    from perception.crisis_verifier import VerifierBody

    llm = merge_adapter(Gemma3ForCausalLM.from_pretrained(tiny_gemma), reply_adapter).eval()
    ids = torch.tensor([[3, 4, 5, 6]])
    with torch.no_grad():
        before = llm(input_ids=ids).logits
    shared = CrisisVerifier(folder, VerifierBody(base=str(tiny_gemma), adapter=reply_adapter, model=llm))
    assert shared.scores(TEXTS, EARLIER) == pytest.approx(expected, abs=1e-5)
    with torch.no_grad():
        assert torch.equal(llm(input_ids=ids).logits, before)


def test_a_verifier_reads_through_the_agents_llm_as_the_trained_network_does(tiny_gemma, reply_adapter,
                                                                               listener_verifier):
    """Trained on the Gemma with the reply adapter merged in, the verifier reads the same loaded on its
    own (both adapters merged) and through the agent's LLM (its adapters beside the LLM's layers, on
    the reading thread only): the LLM's own logits stay as they were."""
    from perception.crisis_verifier import VerifierBody

    folder, net = listener_verifier
    alone = CrisisVerifier(folder, VerifierBody(base=str(tiny_gemma), adapter=reply_adapter))
    encodings = [encode_message(alone.tokenizer, t, e, 3) for t, e in zip(TEXTS, EARLIER)]
    with torch.no_grad():
        expected = torch.sigmoid(net(*left_padded(encodings))).numpy()
    assert alone.scores(TEXTS, EARLIER) == pytest.approx(expected, abs=1e-5)
    assert_reads_through_the_llm(folder, tiny_gemma, reply_adapter, expected)
    with pytest.raises(ModelLoadError, match="trained on a Gemma with the reply adapter .* given one with none"):
        CrisisVerifier(folder, str(tiny_gemma))


def test_the_agent_shares_its_llm_with_the_verifier_only_where_it_fits(tmp_path, monkeypatch, tiny_gemma,
                                                                       reply_adapter, listener_verifier,
                                                                       verifier_folder):
    """`[safety] verifier = "auto"`: the agent's LLM (a stand-in holding the packaged Gemma's options)
    is shared when its reply adapter is the one the verifier was trained on; otherwise the verifier
    gets its own Gemma with that adapter (the packaged listener's), and "none" none."""
    from types import SimpleNamespace

    import agent.llm.adapter as adapters
    from agent.crisis_model import trained_adapter, verifier_body
    from agent.llm.options import PACKAGED_GEMMA
    from perception.crisis_verifier import adapter_digest

    monkeypatch.setattr("agent.llm.model_files.resolve_model_source", lambda *a, **k: str(tiny_gemma))
    monkeypatch.setattr(adapters, "PACKAGED_ADAPTER_DIR", reply_adapter)
    detector = with_verifier(tmp_path, listener_verifier[0])
    assert trained_adapter(str(detector)) == adapter_digest(reply_adapter)
    model = object()
    fits = SimpleNamespace(options=SimpleNamespace(model=PACKAGED_GEMMA, adapter=str(reply_adapter)), model=model)
    assert verifier_body("auto", str(detector), fits).model is model
    other = SimpleNamespace(options=SimpleNamespace(model=PACKAGED_GEMMA, adapter="none"), model=model)
    own = verifier_body("auto", str(detector), other)
    assert own.model is None and (own.base, own.adapter) == (str(tiny_gemma), reply_adapter)
    assert verifier_body("auto", str(detector)).model is None and verifier_body("none", str(detector)) is None
    plain = with_verifier(tmp_path / "plain", verifier_folder)  # (trained on the plain Gemma: any adapter shared)
    assert trained_adapter(str(plain)) is None and verifier_body("auto", str(plain), other).model is model
    assert verifier_body("auto", str(plain)).adapter is None


def test_a_verifier_trained_on_the_plain_gemma_reads_through_an_llm_with_a_reply_adapter(
        tiny_gemma, reply_adapter, verifier_folder):
    """The LLM's reply adapter is taken off beside (its update subtracted on the reading thread), so the
    verifier reads as on the plain Gemma; the LLM's own logits stay as they were."""
    from perception.crisis_verifier import VerifierBody

    expected = CrisisVerifier(verifier_folder, str(tiny_gemma)).scores(TEXTS, EARLIER)
    assert_reads_through_the_llm(verifier_folder, tiny_gemma, reply_adapter, expected)
    with pytest.raises(ModelLoadError, match="reply adapter none merged in, and is given one with"):
        CrisisVerifier(verifier_folder, VerifierBody(base=str(tiny_gemma), adapter=reply_adapter))


def test_the_threshold_is_lowered_until_a_dev_set_keeps_the_detectors_recall(tmp_path):
    """`--keep-recall-of FILE`: the combined threshold comes down to the score at which as many of the
    file's risk messages are flagged as by the detector alone (stand-in detectors with fixed scores)."""
    from types import SimpleNamespace

    from training.train_crisis_verifier import keeping_recall

    path = tmp_path / "dev.csv"
    path.write_text("text,label\na,1\nb,1\nc,1\nd,1\ne,0\n")
    combined = {"a": 0.9, "b": 0.3, "c": 0.12, "d": 0.01, "e": 0.5}
    alone = SimpleNamespace(read=lambda text, earlier: SimpleNamespace(at_risk=text in "abc"))
    reads_all = SimpleNamespace(reads_whole=lambda text: True)
    both = SimpleNamespace(reads_down_to=lambda level: None, pattern_flag=lambda text, score: None,
                           message_scores=lambda texts, earlier: np.array([combined[t] for t in texts]),
                           verifier=reads_all)
    assert keeping_recall(alone, both, 0.5, path) == 0.12  # (three flagged alone: a, b and c)
    assert keeping_recall(alone, both, 0.1, path) == 0.1  # (already kept)
    # "c" too long for the verifier: the detector alone decides it (flagged), so b is the last one needed
    both.verifier = SimpleNamespace(reads_whole=lambda text: text != "c")
    assert keeping_recall(alone, both, 0.5, path) == 0.3
