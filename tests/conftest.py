"""Shared fixtures. Tiny models are built here, in temporary folders, with random weights; they stand
in for hub models at the edge of the tests (nothing is downloaded)."""

from __future__ import annotations

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path, monkeypatch):
    """Each test gets its own data dir (database) and no user config file."""
    monkeypatch.setenv("EMPATHICA_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("EMPATHICA_CONFIG", str(tmp_path / "no-config.toml"))


@pytest.fixture(scope="session")
def tiny_classifier(tmp_path_factory):
    """A 2-layer BERT (hidden size 32) sequence classifier with a word-level tokenizer and its own
    label names (happy, sad, angry, neutral), saved with save_pretrained."""
    import torch
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import BertConfig, BertForSequenceClassification, PreTrainedTokenizerFast

    root = tmp_path_factory.mktemp("tiny-classifier")
    words = "[PAD] [UNK] [CLS] [SEP] i am happy sad angry so very today".split()
    tok = Tokenizer(models.WordLevel({w: i for i, w in enumerate(words)}, unk_token="[UNK]"))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, pad_token="[PAD]", unk_token="[UNK]",
                                   cls_token="[CLS]", sep_token="[SEP]")
    labels = ["happy", "sad", "angry", "neutral"]
    config = BertConfig(vocab_size=len(words), hidden_size=32, num_hidden_layers=2,
                        num_attention_heads=2, intermediate_size=64,
                        id2label=dict(enumerate(labels)), label2id={l: i for i, l in enumerate(labels)},
                        architectures=["BertForSequenceClassification"])
    torch.manual_seed(0)
    BertForSequenceClassification(config).save_pretrained(root)
    fast.save_pretrained(root)
    return root


@pytest.fixture(scope="session")
def tiny_llm(tmp_path_factory):
    """A tiny random causal LM: a byte-level BPE tokenizer trained on a few sentences and a 2-layer
    Qwen2 (hidden size 32). Folders: "base" (no chat template) and "chat" (same weights, with a
    template writing "role: content" lines and ending in "assistant:")."""
    import shutil

    import torch
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast, Qwen2Config, Qwen2ForCausalLM

    root = tmp_path_factory.mktemp("tiny-llm")
    sentences = ["I feel sad today because my dog is sick.", "That sounds hard, I am here for you.",
                 "Thank you for listening to me.", "The weather is nice and sunny.",
                 "user: hi\nassistant: hello, how are you?", "We can talk about anything you like."]
    bpe = Tokenizer(models.BPE())
    bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    bpe.decoder = decoders.ByteLevel()
    bpe.train_from_iterator(sentences * 4, trainers.BpeTrainer(
        vocab_size=200, special_tokens=["<pad>", "<eos>", "<bos>"]))
    tok = PreTrainedTokenizerFast(tokenizer_object=bpe, eos_token="<eos>", pad_token="<pad>",
                                  bos_token="<bos>")
    config = Qwen2Config(hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                         num_key_value_heads=1, intermediate_size=64, vocab_size=len(tok),
                         max_position_embeddings=256, tie_word_embeddings=False,
                         eos_token_id=tok.eos_token_id, pad_token_id=tok.pad_token_id,
                         bos_token_id=tok.bos_token_id)
    torch.manual_seed(0)
    Qwen2ForCausalLM(config).save_pretrained(root / "base")
    tok.save_pretrained(root / "base")
    shutil.copytree(root / "base", root / "chat")
    tok.chat_template = ("{% for m in messages %}{{ m['role'] }}: {{ m['content'] }}\n{% endfor %}"
                         "{% if add_generation_prompt %}assistant:{% endif %}")
    tok.save_pretrained(root / "chat")
    return {"base": root / "base", "chat": root / "chat"}
