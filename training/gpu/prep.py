import sys, torch
from safetensors.torch import load_file, save_file
d = load_file(sys.argv[1])
save_file({k: v.float().contiguous() for k, v in d.items()}, sys.argv[2])
from transformers import AutoTokenizer
t = AutoTokenizer.from_pretrained(sys.argv[3])
print("ids", t("I got the scholarship I applied for! | B: okay, whatever.")["input_ids"])
print("torch", torch.__version__, torch.cuda.is_available())
