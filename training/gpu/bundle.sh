# Build .gpu/ (git-ignored: add "/.gpu/" to .git/info/exclude) for training/gpu/sweep.sh on a lent GPU
# machine, under the device tool's 64 MiB per call: the packaged all-MiniLM-L6-v2 in fp16 with the
# embedding rows no training or dev text uses set to zero (21,169 of 30,522 used; LoRA never touches
# the embeddings, so training sees the same inputs), xz-compressed (34 MB), its tokenizer files, and
# MELD, GoEmotions-Ekman and the ED situations (2.5 MB). Run from the repository root:
#   bash training/gpu/bundle.sh ../shared/data
# then, with the device tool: run(command="bash training/gpu/sweep.sh", carry=[".gpu"]).
set -eu
DATA=${1:-../shared/data}
mkdir -p .gpu
.venv/bin/python - "$DATA" <<'PY'
import glob, shutil, sys, torch
from pathlib import Path
from safetensors.torch import load_file, save_file
from transformers import AutoTokenizer
from perception.defaults import PACKAGED_MINILM
from perception.encoder import resolve_encoder_path
data, base = Path(sys.argv[1]), Path(resolve_encoder_path(PACKAGED_MINILM))
tok = AutoTokenizer.from_pretrained(str(base))
texts = [*glob.glob(f"{data}/text/meld/*.csv"), *glob.glob(f"{data}/text/goemotions/ekman/*.tsv"),
         *glob.glob(f"{data}/text/empathetic_dialogues_situations/*.csv"), *glob.glob("training/data/everyday/*.csv")]
used = set(tok.all_special_ids)
for f in texts:
    for line in open(f, encoding="utf-8"):
        used.update(tok(line)["input_ids"])
weights = load_file(str(base / "model.safetensors"))
emb = weights["embeddings.word_embeddings.weight"].clone()
keep = torch.zeros(emb.shape[0], dtype=torch.bool)
keep[sorted(used)] = True
emb[~keep] = 0
weights["embeddings.word_embeddings.weight"] = emb
save_file({k: v.half().contiguous() for k, v in weights.items()}, "/tmp/minilm16.safetensors")
meta = Path("/tmp/minilm_meta"); meta.mkdir(exist_ok=True)
for name in ("config.json", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "vocab.txt"):
    shutil.copy(base / name, meta / name)
print(f"{len(used)} of {emb.shape[0]} token rows kept")
PY
xz -9 -T2 -c /tmp/minilm16.safetensors > .gpu/minilm16.safetensors.xz
tar -C /tmp/minilm_meta -cJf .gpu/minilm_meta.tar.xz .
tar -C "$DATA" -cJf .gpu/data.tar.xz text/meld text/goemotions/ekman text/empathetic_dialogues_situations
du -sh .gpu
