"""The reply model's training data and loss, and adapters merged at load. The models are the tiny
random LM of conftest (a stand-in at the edge of the test), never the trained listener."""

import pytest
import torch

from agent.evaluation.esconv import EsconvTurn
from agent.llm.adapter import adapter_folder, adapter_info, merge_adapter
from agent.persona import Persona
from agent.prompt import PromptInput, PromptTurn, transcript_prompt
from perception.loading import ModelLoadError
from training.reply_data import Exchange, exchanges_of, prompt_text, rebuild, reply_spans, windows
from training.train_reply_model import ReplyLoss, batch_of, encode, learned, inner_model, with_lora, write_adapter


def test_a_conversation_is_rebuilt_from_lines_that_keep_four_turns():
    lines = [EsconvTurn(0, 1, [("seeker", "hi")], "Question", "hello, what is up?"),
             EsconvTurn(0, 3, [("seeker", "hi"), ("supporter", "hello, what is up?"), ("seeker", "I lost my job")],
                        "Reflection", "losing a job hurts"),
             EsconvTurn(0, 5, [("supporter", "hello, what is up?"), ("seeker", "I lost my job"),
                               ("supporter", "losing a job hurts"), ("seeker", "yes")], "Question", "how long ago?")]
    turns = rebuild(lines)
    assert [t for _, t, _ in turns] == ["hi", "hello, what is up?", "I lost my job", "losing a job hurts",
                                        "yes", "how long ago?"]
    assert [s for _, _, s in turns if s] == ["Question", "Reflection", "Question"]


def test_exchanges_join_a_speakers_turns_and_skip_a_reply_to_no_one():
    turns = [("supporter", "Hello!", "Greeting"), ("seeker", "hi", ""), ("seeker", "I am  sad", ""),
             ("supporter", "I am sorry.", "Reflection"), ("supporter", "What happened?", "Question"),
             ("seeker", "my cat died", ""), ("supporter", "That is so hard.", "Reflection")]
    out = exchanges_of(turns)
    assert [(x.message, x.reply, x.strategy) for x in out] == [
        ("hi I am sad", "I am sorry. What happened?", "Reflection"),
        ("my cat died", "That is so hard.", "Reflection")]


def exchanges(n: int) -> list[Exchange]:
    return [Exchange(f"message {k}", f"reply {k}.", "Question", "sadness", f"cause {k}" if k % 2 else None,
                     "neutral") for k in range(n)]


def test_the_training_text_is_the_agents_own_prompt_with_the_reply_written_out():
    window = exchanges(3)
    text = prompt_text(window, Persona())
    history = [PromptTurn(x.message, x.user_emotion, x.cause, x.agent_emotion, x.reply) for x in window[:2]]
    runtime = transcript_prompt(PromptInput(Persona(), "message 2", "sadness", None, "neutral", history,
                                            examples=False))
    assert text == f"{runtime} reply 2.\n"
    assert "I failed my driving test" not in text  # no few-shot examples
    assert [text[a:b] for a, b in reply_spans(text, Persona())] == [" reply 0.\n", " reply 1.\n", " reply 2.\n"]


def test_windows_cover_each_exchange_once():
    import random

    conversation = exchanges(11)
    for rng in (None, random.Random(3)):
        cut = windows([conversation], 4, rng)
        assert [x for w in cut for x in w] == conversation and all(1 <= len(w) <= 4 for w in cut)


def test_only_reply_tokens_are_targets_and_the_loss_matches_the_full_output_layer(tiny_llm):
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(tiny_llm["base"])
    model = AutoModelForCausalLM.from_pretrained(tiny_llm["base"])
    window = [Exchange("I feel sad today", "That sounds hard.", "Reflection"),
              Exchange("my dog is sick", "I am here for you.", "Reflection")]  # words the tiny tokenizer knows
    text = prompt_text(window, Persona())
    [(ids, target)] = encode([text], tokenizer, Persona(), max_tokens=10_000)
    said = tokenizer.decode([i for i, t in zip(ids, target) if t])
    assert said == " That sounds hard.\n I am here for you.\n"
    window[1] = Exchange("my dog is sick", "I am here for you.", "Self-disclosure")
    [(_, first_only)] = encode([text], tokenizer, Persona(), 10_000, [learned(window)])
    assert tokenizer.decode([i for i, t in zip(ids, first_only) if t]) == " That sounds hard.\n"
    every = list(range(model.get_output_embeddings().weight.shape[0]))
    loss_fn = ReplyLoss(model, every)
    peft_model = with_lora(model, rank=2)
    batch = batch_of([(ids, target)], pad=0)
    loss, n = loss_fn(inner_model(peft_model), *batch)
    logits = peft_model(input_ids=batch[0]).logits[0, :-1]
    chosen = batch[2][0, 1:]
    expected = torch.nn.functional.cross_entropy(logits[chosen], batch[0][0, 1:][chosen])
    assert n == int(chosen.sum()) and torch.allclose(loss, expected, atol=1e-5)


def test_a_written_adapter_merges_into_the_same_model(tiny_llm, tmp_path):
    from transformers import AutoModelForCausalLM

    torch.manual_seed(0)
    peft_model = with_lora(AutoModelForCausalLM.from_pretrained(tiny_llm["base"]), rank=2)
    for name, p in peft_model.named_parameters():
        if "lora_B" in name:
            torch.nn.init.normal_(p, std=0.5)  # a trained-looking update (B starts at zero)
    ids = torch.tensor([[1, 5, 9, 12]])
    peft_model.eval()
    with torch.no_grad():
        expected = peft_model(input_ids=ids).logits
    write_adapter(peft_model, tmp_path / "adapter", {"history": []}, {"rank": 2})
    assert adapter_info(tmp_path / "adapter")["examples"] is False
    import json

    config = json.loads((tmp_path / "adapter" / "adapter_config.json").read_text())
    assert config["base_model_name_or_path"] is None and config["inference_mode"] is True  # no local path
    merged = merge_adapter(AutoModelForCausalLM.from_pretrained(tiny_llm["base"]), tmp_path / "adapter")
    with torch.no_grad():
        got = merged(input_ids=ids).logits
    assert torch.allclose(got, expected, atol=2e-2)  # (the adapter is stored in fp16)


def test_adapter_choices_and_clear_errors(tmp_path):
    assert adapter_folder("none", "packaged:gemma", "packaged:gemma") is None
    assert adapter_folder("auto", "some/other-model", "packaged:gemma") is None
    with pytest.raises(ModelLoadError, match="not an adapter folder"):
        adapter_folder(str(tmp_path), "m", "packaged:gemma")
    (tmp_path / "adapter_config.json").write_text("{}")
    (tmp_path / "adapter_model.safetensors").write_bytes(b"not safetensors")
    assert adapter_folder(str(tmp_path), "m", "packaged:gemma") == tmp_path
    with pytest.raises(ModelLoadError, match="cannot apply the adapter"):
        merge_adapter(torch.nn.Linear(2, 2), tmp_path)
    (tmp_path / "empathica.json").write_text("{broken")
    with pytest.raises(ModelLoadError, match="not valid JSON"):
        adapter_info(tmp_path)


def test_the_backend_merges_an_adapter_and_the_writer_drops_the_examples(tiny_llm, tmp_path):
    from transformers import AutoModelForCausalLM

    from agent.llm.transformers_backend import TransformersLLM, TransformersOptions
    from agent.respond import ReplyWriter
    from agent.settings import LLMSection
    from perception import TextEmotionRecognizer

    recognizer = TextEmotionRecognizer.load()
    write_adapter(with_lora(AutoModelForCausalLM.from_pretrained(tiny_llm["base"]), rank=2),
                  tmp_path / "adapter", {"history": []}, {})
    plain = TransformersLLM(TransformersOptions(model=str(tiny_llm["base"]), device="cpu"))
    adapted = TransformersLLM(TransformersOptions(model=str(tiny_llm["base"]), device="cpu",
                                                  adapter=str(tmp_path / "adapter")))
    assert plain.few_shot and not adapted.few_shot
    p = PromptInput(Persona(), "I feel sad today", "sadness", None, "sadness")
    prompts = [ReplyWriter(llm, recognizer, LLMSection())._prompt(p, 1, 0) for llm in (plain, adapted)]
    assert "I failed my driving test" in prompts[0][0] and "I failed my driving test" not in prompts[1][0]
    assert prompts[1][0].startswith(prompts[1][1].prefix)


def test_written_conversations_are_read_split_by_conversation_and_a_bad_line_is_named(tmp_path):
    import json

    from training.reply_data import written_conversations

    lines = [json.dumps({"id": f"w-{k}", "turns": [{"user": f"hi {k}", "listener": f" hello {k} "},
                                                   {"user": "bye", "listener": "take care"}]}) for k in range(12)]
    (tmp_path / "a.jsonl").write_text("\n".join(lines) + "\n\n", encoding="utf-8")
    train, valid = written_conversations(tmp_path, "train"), written_conversations(tmp_path, "validation")
    assert [c[0].message for c in valid] == ["hi 0", "hi 10"] and len(train) == 10
    assert train[0][0] == Exchange("hi 1", "hello 1", "") and len(train[0]) == 2
    (tmp_path / "b.jsonl").write_text('{"id": "x", "turns": [{"user": "hi"}]}\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"b\.jsonl:1: not a written conversation"):
        written_conversations(tmp_path, "train")


def test_only_kept_self_training_lines_are_read_and_a_bad_one_is_named(tmp_path):
    import json

    from training.reply_data import self_training_conversations
    from training.sample_self_training import answered

    line = lambda key, kept, reply="Oh no, what happened?": json.dumps(  # noqa: E731
        {"id": key, "turns": [{"user": "my car broke down", "listener": reply}], "kept": kept})
    path = tmp_path / "self.jsonl"
    path.write_text("\n".join([line("a", True), line("b", False), line("c", "false")]) + "\n", encoding="utf-8")
    assert self_training_conversations(path) == [[Exchange("my car broke down", "Oh no, what happened?", "")]]
    assert answered(path) == {"a", "b", "c"}
    path.write_text(line("b", False) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match="no kept line"):
        self_training_conversations(path)
    path.write_text(line("a", True, reply="") + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"self\.jsonl:1: not a self-training line"):
        self_training_conversations(path)
    path.write_text(line("a", True) + '\n{"id": "b", "tu', encoding="utf-8")  # a run stopped mid-line
    assert answered(path) == {"a"} and path.read_text(encoding="utf-8").endswith("\n")


def test_every_epoch_trains_on_every_window_once_and_short_conversations_stay_whole():
    """The random first cut makes more windows than the plain cut: each epoch's batches are counted
    from its own windows (an earlier version counted the plain cut and left ~28 % of them out)."""
    from training.train_reply_model import epoch_steps, epoch_windows

    run = dict(seed=0, written=[exchanges(3) for _ in range(5)], esconv=[exchanges(11) for _ in range(8)],
               drawn=4, window=4, batch_size=2)
    for epoch in range(3):
        cut, _ = epoch_windows(run, epoch)
        assert sum(len(w) for w in cut) == 5 * 3 + 4 * 11
        assert all(len(w) == 3 for w in cut[:5])  # a conversation that fits a window is not cut
    assert epoch_steps(run, 3) == [-(-len(epoch_windows(run, e)[0]) // 2) for e in range(3)]
