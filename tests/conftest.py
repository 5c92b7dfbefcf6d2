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
