"""The decoding speed-ups of the transformers backend, on conftest's tiny random LLM: the vocabulary
shortlist (with the prompt's own tokens), sampling among the top tokens, prompt prefixes that extend
the last one, and reading the next turn's prefix ahead (`prepare`), through the SDK too."""

from __future__ import annotations

import os
import threading
import time

os.environ["HF_HUB_OFFLINE"] = "1"

import pytest  # noqa: E402
import torch  # noqa: E402

from agent.llm import GenerationOptions  # noqa: E402
from agent.llm.output_layer import save_shortlist, shortlist_for, tokenizer_fingerprint  # noqa: E402
from agent.llm.sampling import top_nucleus_sampler  # noqa: E402
from agent.llm.transformers_backend import TransformersLLM, TransformersOptions  # noqa: E402
from perception.loading import ModelLoadError  # noqa: E402

SAMPLED = GenerationOptions(max_new_tokens=16, temperature=1.0, top_p=0.95, repetition_penalty=1.1, seed=3)


@pytest.fixture(scope="module")
def llm(tiny_llm):
    return TransformersLLM(TransformersOptions(model=str(tiny_llm["base"]), device="cpu"))


def test_a_shortlist_limits_what_is_written_to_its_tokens_and_the_prompts(tiny_llm, llm, tmp_path):
    tokenizer = llm.tokenizer
    listed = sorted(set(tokenizer("That sounds hard, I am here for you.")["input_ids"]) | {tokenizer.eos_token_id})
    path = tmp_path / "list.safetensors"
    save_shortlist(path, listed, tokenizer, corpora="a test")
    assert shortlist_for(tokenizer, str(path))[0] == listed
    assert shortlist_for(tokenizer, "auto") is None and shortlist_for(tokenizer, "full") is None  # none shipped
    short = TransformersLLM(TransformersOptions(model=str(tiny_llm["base"]), device="cpu",
                                                output_vocabulary=str(path)))
    assert short.output_vocabulary == path and llm.output_vocabulary == "full"
    prompt = "The weather is nice"
    inputs = short._encode(prompt)
    kwargs = short._generate_kwargs(SAMPLED, 4)
    rows = short._run_generate(inputs, kwargs, seed=1)[:, inputs["input_ids"].shape[1]:]
    allowed = set(listed) | set(inputs["input_ids"][0].tolist())
    assert set(rows.flatten().tolist()) <= allowed | {short._pad_id}
    assert set(rows.flatten().tolist()) & (set(inputs["input_ids"][0].tolist()) - set(listed))  # said back
    head = short.model.get_output_embeddings()
    logits = head(torch.randn(1, 1, short.model.config.hidden_size))[0, 0]
    assert set(torch.isfinite(logits).nonzero().flatten().tolist()) == allowed
    # the listed logits are the full layer's own
    full = llm.model.get_output_embeddings()
    hidden = torch.randn(2, 3, short.model.config.hidden_size)
    assert torch.allclose(head(hidden)[..., listed], full(hidden)[..., listed], atol=1e-6)


def test_a_shortlist_for_another_tokenizer_or_missing_is_refused(tiny_llm, llm, tmp_path):
    class Other:
        def __len__(self):
            return 5

        def convert_ids_to_tokens(self, ids):
            return [f"t{i}" for i in ids]

    assert tokenizer_fingerprint(Other()) != tokenizer_fingerprint(llm.tokenizer)
    path = tmp_path / "other.safetensors"
    save_shortlist(path, [0, 1, 2], Other())
    with pytest.raises(ModelLoadError, match="made for another tokenizer"):
        TransformersLLM(TransformersOptions(model=str(tiny_llm["base"]), device="cpu", output_vocabulary=str(path)))
    with pytest.raises(ModelLoadError, match="no list at"):
        TransformersLLM(TransformersOptions(model=str(tiny_llm["base"]), device="cpu",
                                            output_vocabulary=str(tmp_path / "missing.safetensors")))
    (tmp_path / "bad.safetensors").write_bytes(b"not safetensors")
    with pytest.raises(ModelLoadError, match="cannot read the vocabulary list"):
        shortlist_for(llm.tokenizer, str(tmp_path / "bad.safetensors"))


def test_sampling_among_the_top_tokens_draws_like_temperature_and_top_p():
    torch.manual_seed(0)
    scores = torch.randn(1, 40) * 2
    temperature, top_p = 0.7, 0.8
    probs = torch.softmax(scores[0] / temperature, -1)
    order = probs.argsort(descending=True)
    before = probs[order].cumsum(0) - probs[order]
    nucleus = order[before < top_p]
    expected = torch.zeros(40)
    expected[nucleus] = probs[nucleus] / probs[nucleus].sum()
    sampler = top_nucleus_sampler(temperature, top_p)
    draws = torch.zeros(40)
    for _ in range(20_000):
        out = sampler(None, scores.clone())
        assert torch.isfinite(out).sum() == 1
        draws[out[0].argmax()] += 1
    assert set(draws.nonzero().flatten().tolist()) <= set(nucleus.tolist())  # never outside the nucleus
    assert torch.allclose(draws / draws.sum(), expected, atol=0.015)
    torch.manual_seed(5)
    first = sampler(None, scores.repeat(3, 1))
    torch.manual_seed(5)
    assert torch.equal(first, sampler(None, scores.repeat(3, 1)))  # a seed fixes the draw


def test_a_prefix_extends_the_longest_kept_one_and_matches_a_fresh_read(tiny_llm, monkeypatch):
    llm = TransformersLLM(TransformersOptions(model=str(tiny_llm["base"]), device="cpu"))
    short, longer, prompt = "I feel", "I feel sad today because", "I feel sad today because my dog"
    greedy = GenerationOptions(max_new_tokens=12, temperature=0.0, repetition_penalty=1.0)
    plain = llm.complete(prompt, greedy)
    llm.complete(prompt, GenerationOptions(**{**greedy.__dict__, "prefix": short}))
    read = []
    forward = llm.model.forward
    monkeypatch.setattr(llm.model, "forward", lambda *a, **k: read.append(k["input_ids"].shape[1]) or forward(*a, **k))
    assert llm.complete(prompt, GenerationOptions(**{**greedy.__dict__, "prefix": longer})) == plain
    count = lambda text: len(llm.tokenizer(text)["input_ids"])  # noqa: E731
    assert read[0] == count(longer) - count(short)  # the longer prefix read only its own new tokens
    assert list(llm._prefixes) == [short, longer]


def test_prepare_reads_a_prefix_only_when_the_model_is_idle(llm):
    prefix = "Thank you for listening"
    with llm._lock:  # a turn is generating
        assert llm.prepare(prefix) is False
    assert llm.prepare(prefix) is True and prefix in llm._prefixes
    assert llm.prepare(prefix) is False  # kept already
    before = llm.prefix_tokens_reused
    llm.complete(prefix + " to me.", GenerationOptions(max_new_tokens=4, temperature=0.0, prefix=prefix))
    assert llm.prefix_tokens_reused - before == len(llm.tokenizer(prefix)["input_ids"])


def test_the_next_turns_prompt_start_is_read_after_a_turn(tiny_llm, tmp_path):
    from agent import EmpatheticAgent, Settings
    from agent.prompt import PromptInput, transcript_so_far

    settings = Settings.load(llm={"model": str(tiny_llm["base"]), "max_new_tokens": 6, "candidates": 1},
                             data_dir=str(tmp_path / "data"))
    agent = EmpatheticAgent.from_settings(settings)
    llm = agent.components.writer.llm
    try:
        agent.respond(text="My dog is sick.", user_id="u", session_id="s")
        deadline = time.monotonic() + 30
        while any(t.name == "empathica-prepare" for t in threading.enumerate()) and time.monotonic() < deadline:
            time.sleep(0.05)
        [turn] = agent.history("u", "s")
        from agent.graph import prompt_history

        upcoming = PromptInput(agent.persona, "", "neutral", None, "neutral",
                               history=prompt_history({"history": [turn]}))
        prefix = transcript_so_far(upcoming).rstrip("\n")
        assert prefix in llm._prefixes  # read while the person was away
        before = llm.prefix_tokens_reused
        agent.respond(text="He will not eat.", user_id="u", session_id="s")
        assert llm.prefix_tokens_reused - before >= len(llm.tokenizer(prefix)["input_ids"])
    finally:
        agent.close()


def test_the_packaged_vocabulary_list_is_small_and_has_a_card():
    from agent.llm.output_layer import VOCABULARIES, read_shortlist

    path = VOCABULARIES / "gemma3-english.safetensors"
    ids, meta = read_shortlist(path)
    assert path.stat().st_size < 1_000_000 and len(ids) == int(meta["size"]) == len(set(ids))
    card = (VOCABULARIES / "README.md").read_text()
    for needed in ("python -m training.build_llm_vocabulary", "python -m training.llm_perplexity", "licen",
                   f"{len(ids):,}"):
        assert needed in card
