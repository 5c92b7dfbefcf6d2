"""Shared fixtures. Tiny models are built here, in temporary folders, with random weights; they stand
in for hub models at the edge of the tests (nothing is downloaded)."""

from __future__ import annotations

import os
import uuid

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path, monkeypatch):
    """Each test gets its own data dir (database) and no user config file."""
    monkeypatch.setenv("EMPATHICA_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("EMPATHICA_CONFIG", str(tmp_path / "no-config.toml"))


#: Admin URL of a PostgreSQL server the memory tests may create databases on (.ci/start-postgres).
POSTGRES_ENV = "EMPATHICA_TEST_POSTGRES_URL"


@pytest.fixture
def postgres_url():
    """A fresh, empty database on the PostgreSQL server that $EMPATHICA_TEST_POSTGRES_URL names,
    dropped afterwards. Skipped without a server, except under CI, where it must be there."""
    admin = os.environ.get(POSTGRES_ENV)
    if not admin:
        if os.environ.get("CI"):
            pytest.fail(f"CI must test PostgreSQL: .ci/run sets {POSTGRES_ENV}")
        pytest.skip(f"no PostgreSQL server: set {POSTGRES_ENV} (.ci/start-postgres DIR starts one)")
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"empathica_test_{uuid.uuid4().hex[:12]}"
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        yield make_url(admin).set(database=name).render_as_string(hide_password=False)
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        engine.dispose()


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


@pytest.fixture(scope="session")
def tiny_data(tmp_path_factory):
    """A hand-made data folder laid out like ../shared/data (MELD, GoEmotions-Ekman, RECCON-DD, PELD, ED),
    a few lines each, so training and evaluation run without the real data."""
    import csv
    import json

    root = tmp_path_factory.mktemp("data")
    meld = root / "text" / "meld"
    meld.mkdir(parents=True)
    rows = [("0", "Ross", "I got the job, I'm so happy!", "joy"),
            ("0", "Rachel", "Wait, really?", "surprise"),
            ("0", "Ross", "Yes, they called this morning.", "neutral"),
            ("1", "Monica", "My grandmother died last night.", "sadness"),
            ("1", "Chandler", "Oh no, I'm so sorry.", "sadness"),
            ("1", "Monica", "How dare you laugh at that!", "anger"),
            ("2", "Joey", "There's a spider on my sandwich, gross.", "disgust"),
            ("2", "Phoebe", "I'm scared of what happens next.", "fear")]
    for split in ("train", "dev"):
        with open(meld / f"{split}.csv", "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["Sr No.", "Utterance", "Speaker", "Emotion", "Sentiment", "Dialogue_ID", "Utterance_ID"])
            for i, (d, speaker, text, emotion) in enumerate(rows):
                w.writerow([i + 1, text, speaker, emotion, "neutral", d, i])
    ekman = root / "text" / "goemotions" / "ekman"
    ekman.mkdir(parents=True)
    (ekman / "labels.txt").write_text("anger\ndisgust\nfear\njoy\nneutral\nsadness\nsurprise\n")
    lines = ["This is the best day ever\t3\ta1", "WHY does this keep happening\t0\ta2",
             "I have no idea what that is\t4\ta3", "That is so sad and surprising\t5,6\ta4",
             "Creepy, I'm afraid\t2,1\ta5"]
    for split in ("train", "dev"):
        (ekman / f"{split}.tsv").write_text("\n".join(lines) + "\n")
    reccon = root / "text" / "reccon"
    reccon.mkdir(parents=True)
    dialogue = [
        {"turn": 1, "speaker": "A", "utterance": "I lost my job today .", "emotion": "sad",
         "expanded emotion cause evidence": [1], "expanded emotion cause span": ["I lost my job today"]},
        {"turn": 2, "speaker": "B", "utterance": "Oh no , that is awful .", "emotion": "sadness",
         "expanded emotion cause evidence": [1, 2], "expanded emotion cause span": ["lost my job", "awful"]},
        {"turn": 3, "speaker": "A", "utterance": "What will we eat ?", "emotion": "neutral"},
        {"turn": 4, "speaker": "B", "utterance": "We won a free dinner , remember ?", "emotion": "happines",
         "expanded emotion cause evidence": [4, "b"], "expanded emotion cause span": ["won a free dinner", "x"]},
    ]
    data = {"tr_1": [dialogue], "tr_2": [dialogue[:2]]}
    for split in ("train", "valid"):
        (reccon / f"dailydialog_{split}.json").write_text(json.dumps(data))
    peld = root / "text" / "peld"
    peld.mkdir(parents=True)
    header = ("Speaker_1\tSpeaker_2\tPersonality\tUtterance_1\tUtterance_2\tUtterance_3\t"
              "Emotion_1\tEmotion_2\tEmotion_3\tSentiment_1\tSentiment_2\tSentiment_3")
    joey, ross = "[0.574, 0.614, 0.297, 0.545, 0.455]", "[0.722, 0.489, 0.6, 0.533, 0.356]"
    triples = [("Joey", "Ross", joey, "How you doin?", "Great, I got the job!", "That's amazing!",
                "neutral", "joy", "joy"),
               ("Ross", "Joey", ross, "I'm fine.", "You ate my sandwich.", "You did WHAT?",
                "neutral", "neutral", "anger"),
               ("Joey", "Ross", joey, "Hey.", "Hi.", "What's up?", "neutral", "neutral", "neutral"),
               ("Ross", "Joey", ross, "We were on a break!", "Whatever, man.", "I am so tired of this.",
                "anger", "neutral", "sadness")]
    lines = [header] + ["\t".join([*t, "neutral", "neutral", "neutral"]) for t in triples]
    (peld / "train.tsv").write_text("\n".join(lines) + "\n")
    situations = root / "text" / "empathetic_dialogues_situations"
    situations.mkdir(parents=True)
    # ids as in the derived copy: 6 joyful, 0 sad, 11 afraid, 22 angry, 1 trusting (not mapped)
    ed = [("i passed my driving test on the first try!", 6), ("my dog died last week.", 0),
          ("there was a strange noise downstairs at 3am.", 11), ("someone keyed my car.", 22),
          ("i lent my friend my car for the weekend.", 1)]
    for split in ("train", "valid"):
        with open(situations / f"{split}.csv", "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["text", "aug_text", "label"])
            w.writerows([(text, text, label) for text, label in ed])
    return root
