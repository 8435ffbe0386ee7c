#!/usr/bin/env bash
# The default model's first stage, from scratch on the Debian speech corpus: the codec (which ships unchanged), a first
# HuBERT-style tokenizer and an acoustic model on its units (MODEL_CARD.md lists the runs and their times). The second
# stage, scripts/train-phone-units.sh CORPUS WORK, replaces the tokenizer with phonetic units and carries the acoustic
# model over to them. Run by hand; each step resumes or can be re-run on its own.
#   scripts/train-default-model.sh CORPUS WORK        # CORPUS from scripts/corpus/build-corpus.sh
# Environment: CODEC_MINUTES (55), DECODER_MINUTES (62), DECODER3_MINUTES (115), HUBERT_STEPS (1000),
# THREADS (1; the last two acoustic runs use ACOUSTIC4_THREADS, 2).
set -euo pipefail
corpus=$(realpath "${1:?usage: train-default-model.sh CORPUS WORK}"); work=${2:?usage: train-default-model.sh CORPUS WORK}
mkdir -p "$work"; work=$(realpath "$work")
repo=$(cd "$(dirname "$0")/.." && pwd)
threads=${THREADS:-1}
dotnet build "$repo/src/SoundStorm.Trainer" -c Release -v q -nologo
dotnet build "$repo/src/SoundStorm.Cli" -c Release -v q -nologo
train() { dotnet "$repo/src/SoundStorm.Trainer/bin/Release/net10.0/soundstorm-train.dll" "$@"; }
soundstorm() { dotnet "$repo/src/SoundStorm.Cli/bin/Release/net10.0/soundstorm.dll" "$@"; }
codec() { train train-codec --audio "$corpus" --skip-bad-files --threads "$threads" "$@"; }

# 1. Codec, first joint phase (encoder + group-residual VQ + decoder), and 2. the HuBERT tokenizer (both can run at
#    once on two cores).
codec --out "$work/codec" --steps 3000 --minutes "${CODEC_MINUTES:-55}" --warmup 200 --min-lr 2e-4 --log-every 50 --checkpoint-every 200 &
codec_job=$!
train pretrain-hubert --audio "$corpus" --out "$work/hubert" --steps "${HUBERT_STEPS:-1000}" --warmup 100 --threads "$threads" \
  --checkpoint-every 100 --log-every 25
train hubert-units --checkpoint "$work/hubert/checkpoint.safetensors" --audio "$corpus" --out "$work/semantic" --threads "$threads"
wait "$codec_job"
# 3. Three decoder-only runs, each a warm restart of the one before (--start-from): 4500 steps at 5e-4, 2800 at 2.5e-4,
#    then 12000 at 3e-4 (--minutes is only a safety limit; it ran all 12000). They made the first package's decoder;
#    the joint phases below start from the last one.
# 4. Two more joint phases with the auxiliary pitch loss, so that the codes carry F0 (encoder and codebooks train again,
#    so the codes change): 3878 steps of a 4000-step schedule, then 4894 of a 20000-step one.
codec_phases() {
  codec --out "$work/codec-dec" --start-from "$work/codec/checkpoint.safetensors" --decoder-only \
    --steps 4500 --minutes "${DECODER_MINUTES:-62}" --lr 5e-4 --warmup 50 --min-lr 1e-4
  codec --out "$work/codec-dec2" --start-from "$work/codec-dec/checkpoint.safetensors" --decoder-only \
    --steps 2800 --lr 2.5e-4 --warmup 50 --min-lr 4e-5
  codec --out "$work/codec-dec3" --start-from "$work/codec-dec2/checkpoint.safetensors" --decoder-only \
    --steps 12000 --minutes "${DECODER3_MINUTES:-115}" --lr 3e-4 --warmup 50 --min-lr 3e-5 --seed 3
  codec --out "$work/codec-pitch" --start-from "$work/codec-dec3/checkpoint.safetensors" --pitch-weight 2 \
    --steps 4000 --stop-after 3878 --lr 3e-4 --warmup 100 --min-lr 5e-5 --seed 7 --log-every 100 --checkpoint-every 500
  codec --out "$work/codec-pitch2" --start-from "$work/codec-pitch/checkpoint.safetensors" --pitch-weight 2 \
    --steps 20000 --stop-after 4894 --lr 3e-4 --warmup 100 --min-lr 3e-5 --seed 8 --log-every 100 --checkpoint-every 500
}
codec_phases &
codec_job=$!

# 5. Beside those, the first acoustic model, on the codes of the first joint phase (the decoder-only runs keep them):
#    a cold run and two warm restarts (--start-from: fresh AdamW and schedule from the weights), one thread each.
[ -f "$work/tokens/dataset.json" ] || train prepare --manifest "$corpus/manifest.tsv" --codec "$work/codec/codec" --semantic "$work/semantic" \
  --out "$work/tokens" --skip-bad-files
acoustic() { train train --batch-size 8 --max-frames 250 --checkpoint-every 250 --log-every 50 "$@"; }
acoustic --data "$work/tokens" --out "$work/acoustic" --dim 256 --layers 6 --heads 4 --feed-forward 1024 --conv-kernel 5 \
  --steps 2800 --lr 1e-3 --warmup 200 --min-lr 5e-5 --validate-every 500 --threads "$threads"
acoustic --data "$work/tokens" --out "$work/acoustic2" --start-from "$work/acoustic/checkpoint.safetensors" --steps 4500 --stop-after 3402 \
  --lr 6e-4 --warmup 100 --min-lr 3e-5 --seed 2 --validate-every 1000 --threads "$threads"
acoustic --data "$work/tokens" --out "$work/acoustic3" --start-from "$work/acoustic2/checkpoint.safetensors" --steps 4000 \
  --lr 4e-4 --warmup 100 --min-lr 2e-5 --seed 3 --validate-every 1000 --threads "$threads"
wait "$codec_job"
# 6. The corpus re-tokenised with the final codes, and the acoustic model warm-started on them (a cold start at lr 1e-3
#    on these codes stalled at the unigram loss and lost held-out accuracy), on two threads (1.1–1.2 steps/s) with an
#    EMA of the weights.
[ -f "$work/tokens2/dataset.json" ] || train prepare --manifest "$corpus/manifest.tsv" --codec "$work/codec-pitch2/codec" \
  --semantic "$work/semantic" --out "$work/tokens2" --skip-bad-files
acoustic --data "$work/tokens2" --out "$work/acoustic4" --start-from "$work/acoustic3/checkpoint.safetensors" --steps 7000 \
  --stop-after 5312 --lr 5e-4 --warmup 200 --min-lr 2e-5 --ema-decay 0.999 --seed 12 --validate-every 1000 --threads "${ACOUSTIC4_THREADS:-2}"
#    Then a warm restart from it with a full cosine schedule (5,500 steps in 86 min at 1.0–1.1 steps/s).
acoustic --data "$work/tokens2" --out "$work/acoustic5" --start-from "$work/acoustic4/checkpoint.safetensors" --steps 5500 \
  --lr 4e-4 --warmup 100 --min-lr 1e-5 --ema-decay 0.999 --seed 14 --validate-every 1000 --threads "${ACOUSTIC4_THREADS:-2}"
train export --checkpoint "$work/acoustic5/checkpoint.safetensors" --ema --out "$work/acoustic-package" --name soundstorm-default

# 7. One package: the acoustic graphs, the codec's graphs and the semantic tokenizer.
soundstorm pack --acoustic "$work/acoustic-package" --codec "$work/codec-pitch2/codec" --semantic "$work/semantic" \
  --name soundstorm-base --float16-weights --out "$work/base"
echo "first stage: $work/base; continue with scripts/train-phone-units.sh $corpus $work"
