# On a lent GPU machine (device tool), from the repository root, after training/gpu/bundle.sh built .gpu/:
# unpack the MiniLM and the data, train the text-emotion recipes of $CONFIGS (one per line: a name and
# options of training.train_text_emotion) side by side on the GPU, and put every run's model and log in
# $OUT/NAME.tgz as each ends (at most 8 files come back), to be finished here (dialogue head, calibration: the model card's commands) and measured
# with `empathica eval text --model DIR`. training/gpu/shim stands in for the PyPI MiniLM package there.
# First try (2026-12-05): eight recipes at once; the machine stopped answering before any result came
# back, so start with two or three lines (RUN_TIMEOUT bounds each run; a killed run leaves nothing).
# Checked on the CPU: DEV=cpu CONFIGS=FILE with "tiny --epochs 1 --limit 60 ..." (OUT, MINILM_DIR,
# DATA_DIR set to folders under /tmp).
set -u
M=${MINILM_DIR:-/tmp/minilm}; DATA=${DATA_DIR:-/tmp/data}; DEV=${DEV:-cuda}; T=${RUN_TIMEOUT:-420}
mkdir -p $M $DATA /tmp/runs
tar -C $M -xJf .gpu/minilm_meta.tar.xz && xz -dc .gpu/minilm16.safetensors.xz > /tmp/m16.safetensors
tar -C $DATA -xJf .gpu/data.tar.xz
export PYTHONPATH=$PWD/training/gpu/shim:$PWD PYTHONUNBUFFERED=1
python3 -c "import peft, typer, transformers, sklearn" || { echo "a package is missing there: carry it as wheels (device README)"; exit 1; }
python3 training/gpu/prep.py /tmp/m16.safetensors $M/model.safetensors $M || exit 1
nvidia-smi --query-gpu=name,memory.used --format=csv 2>/dev/null
run() { name=$1; shift
  timeout $T python3 -m training.train_text_emotion --data $DATA --out /tmp/runs/$name --device $DEV \
    --everyday-repeats 4 --threads 2 --checkpoints /tmp/ck "$@" > /tmp/runs/$name.log 2>&1; echo "$name rc $?"
  tar -C /tmp/runs -czf ${OUT:-/tmp}/$name.tgz $name $name.log 2>/dev/null; }  # (each run back as it ends)
while read -r name args; do [ -n "$name" ] && run $name $args & done < ${CONFIGS:-training/gpu/configs.txt}
wait
for f in /tmp/runs/*.log; do echo "== $f"; grep -E "epoch [0-9]+:|saved|Error|error" $f | tail -8; done
