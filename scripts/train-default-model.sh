#!/usr/bin/env bash
# Trains the default model (models/default) from scratch on the Debian speech corpus, the way the shipped one was made
# (MODEL_CARD.md lists the exact runs and their times). Run by hand; each step resumes or can be re-run on its own.
#   scripts/train-default-model.sh CORPUS WORK        # CORPUS from scripts/corpus/build-corpus.sh
# Environment: CODEC_MINUTES (55), DECODER_MINUTES (62), DECODER3_MINUTES (115), HUBERT_STEPS (1000), ACOUSTIC_STEPS (2800),
# ACOUSTIC2_MINUTES (105), ACOUSTIC3_MINUTES (120), THREADS (1).
set -euo pipefail
corpus=$(realpath "${1:?usage: train-default-model.sh CORPUS WORK}"); work=${2:?usage: train-default-model.sh CORPUS WORK}
mkdir -p "$work"; work=$(realpath "$work")
repo=$(cd "$(dirname "$0")/.." && pwd)
threads=${THREADS:-1}
dotnet build "$repo/src/SoundStorm.Trainer" -c Release -v q -nologo
dotnet build "$repo/src/SoundStorm.Cli" -c Release -v q -nologo
train() { dotnet "$repo/src/SoundStorm.Trainer/bin/Release/net10.0/soundstorm-train.dll" "$@"; }
soundstorm() { dotnet "$repo/src/SoundStorm.Cli/bin/Release/net10.0/soundstorm.dll" "$@"; }

# 1. Codec, joint phase (encoder + group-residual VQ + decoder), then 2. the HuBERT tokenizer (both can run at once on
#    two cores), 3. the decoder-only codec phase alongside 4–5. the acoustic model on the now fixed codes.
train train-codec --audio "$corpus" --out "$work/codec" --steps 3000 --minutes "${CODEC_MINUTES:-55}" --warmup 200 --min-lr 2e-4 \
  --skip-bad-files --threads "$threads" --log-every 50 --checkpoint-every 200
train pretrain-hubert --audio "$corpus" --out "$work/hubert" --steps "${HUBERT_STEPS:-1000}" --warmup 100 --threads "$threads" \
  --checkpoint-every 100 --log-every 25
train hubert-units --checkpoint "$work/hubert/checkpoint.safetensors" --audio "$corpus" --out "$work/semantic" --threads "$threads"
# The decoder-only phase ran as three runs, each a warm restart of the one before (--start-from): 4500 steps at 5e-4,
# 2800 at 2.5e-4, then up to 12000 (stopped by --minutes) at 3e-4.
decoder_phases() {
  train train-codec --audio "$corpus" --out "$work/codec-dec" --start-from "$work/codec/checkpoint.safetensors" --decoder-only \
    --steps 4500 --minutes "${DECODER_MINUTES:-62}" --lr 5e-4 --warmup 50 --min-lr 1e-4 --skip-bad-files --threads "$threads"
  train train-codec --audio "$corpus" --out "$work/codec-dec2" --start-from "$work/codec-dec/checkpoint.safetensors" --decoder-only \
    --steps 2800 --lr 2.5e-4 --warmup 50 --min-lr 4e-5 --skip-bad-files --threads "$threads"
  train train-codec --audio "$corpus" --out "$work/codec-dec3" --start-from "$work/codec-dec2/checkpoint.safetensors" --decoder-only \
    --steps 12000 --minutes "${DECODER3_MINUTES:-115}" --lr 3e-4 --warmup 50 --min-lr 3e-5 --seed 3 --skip-bad-files --threads "$threads"
}
decoder_phases &
decoder=$!
[ -f "$work/tokens/dataset.json" ] || train prepare --manifest "$corpus/manifest.tsv" --codec "$work/codec/codec" --semantic "$work/semantic" \
  --out "$work/tokens" --skip-bad-files
train train --data "$work/tokens" --out "$work/acoustic" --dim 256 --layers 6 --heads 4 --feed-forward 1024 --conv-kernel 5 \
  --steps "${ACOUSTIC_STEPS:-2800}" --batch-size 8 --max-frames 250 --lr 1e-3 --warmup 200 --min-lr 5e-5 --threads "$threads" \
  --validate-every 500 --checkpoint-every 250 --log-every 50
# A warm restart of the acoustic model (fresh schedule from its weights), stopped by --minutes.
train train --data "$work/tokens" --out "$work/acoustic2" --start-from "$work/acoustic/checkpoint.safetensors" --steps 4500 \
  --minutes "${ACOUSTIC2_MINUTES:-105}" --batch-size 8 --max-frames 250 --lr 6e-4 --warmup 100 --min-lr 3e-5 --seed 2 --threads "$threads" \
  --validate-every 1000 --checkpoint-every 250 --log-every 50
# A second warm restart (third session), again a fresh schedule, lower peak rate.
train train --data "$work/tokens" --out "$work/acoustic3" --start-from "$work/acoustic2/checkpoint.safetensors" --steps 4000 \
  --minutes "${ACOUSTIC3_MINUTES:-120}" --batch-size 8 --max-frames 250 --lr 4e-4 --warmup 100 --min-lr 2e-5 --seed 3 --threads "$threads" \
  --validate-every 1000 --checkpoint-every 250 --log-every 50
train export --checkpoint "$work/acoustic3/checkpoint.safetensors" --out "$work/acoustic-package" --name soundstorm-default
wait "$decoder"

# 6. One package: the acoustic graphs, the decoder-only codec's graphs (same encoder and codebooks, so the same codes),
#    and the semantic tokenizer.
soundstorm pack --acoustic "$work/acoustic-package" --codec "$work/codec-dec3/codec" --semantic "$work/semantic" \
  --name soundstorm-default --float16-weights --out "$work/default"
echo "package: $work/default (copy to models/default); measure it with scripts/eval/evaluate.sh $work/default $corpus OUT"
