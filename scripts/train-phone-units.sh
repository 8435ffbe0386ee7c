#!/usr/bin/env bash
# The default model's second stage (MODEL_CARD.md, docs/training.md): phonetic semantic units, and the acoustic model
# carried over to them. Run by hand after scripts/train-default-model.sh (the first stage: codec, a first tokenizer and
# acoustic model, packed as BASE); each step can be re-run on its own (a finished step's output is kept):
#   scripts/train-phone-units.sh CORPUS WORK [STEP...]      # CORPUS from scripts/corpus/build-corpus.sh
# Steps (all when none is named):
#   align      forced phone labels of the English utterances with text          → CORPUS/phones/phones.tsv
#   oracle     the upper bound: the shipped acoustic model re-trained with the aligned phones themselves as its
#              semantic tokens (English utterances only), then same-voice resynthesis of the held-out sentences from
#              their own labels                                                 → WORK/oracle-package, WORK/oracle-eval
#   tokenizer  the HuBERT-style network trained as a frame phone classifier, then k-means units on a layer and their
#              phone information on the held-out sentences                      → WORK/phone-hubert, WORK/semantic-*
#   units      the English corpus tokenised by it, the oracle model carried over to its units and trained further, then
#              evaluate.sh's same-voice measure on the whole pipeline            → WORK/units-package, WORK/units-eval
#   all        the whole (multilingual) corpus tokenised by it, and the units model trained further on all of it
#                                                                                → WORK/units-all
#   package    the last acoustic run (units-all, else units-en) with the codec and tokenizer, float16 weights
#                                                                                → WORK/default (copy to models/default)
# Environment: BASE (the first stage's package, WORK/base), THREADS (libtorch threads per run, 1), ORACLE_MINUTES (85),
# TOKENIZER_MINUTES (80), UNITS_MINUTES (35), ALL_MINUTES (85), LAYER (4), UNITS (100).
# The oracle and tokenizer steps can run side by side (one core each).
set -euo pipefail
corpus=$(realpath "${1:?usage: train-phone-units.sh CORPUS WORK [STEP...]}"); work=${2:?usage: train-phone-units.sh CORPUS WORK [STEP...]}
shift 2
steps=${*:-align oracle tokenizer units all package}
mkdir -p "$work"; work=$(realpath "$work")
repo=$(cd "$(dirname "$0")/.." && pwd)
threads=${THREADS:-1}
base=$(realpath "${BASE:-$work/base}")
[ -f "$base/manifest.json" ] || { echo "error: no first-stage package at $base (scripts/train-default-model.sh writes it; or set BASE)" >&2; exit 2; }
py=python3
dotnet build "$repo/src/SoundStorm.Trainer" -c Release -v q -nologo
dotnet build "$repo/src/SoundStorm.Cli" -c Release -v q -nologo
train() { nice dotnet "$repo/src/SoundStorm.Trainer/bin/Release/net10.0/soundstorm-train.dll" "$@"; }
soundstorm() { dotnet "$repo/src/SoundStorm.Cli/bin/Release/net10.0/soundstorm.dll" "$@"; }
phones="$corpus/phones/phones.tsv"

for step in $steps; do
  case $step in
  align)
    # Train and held-out rows: only evaluation reads the held-out labels.
    [ -f "$phones" ] || $py "$repo/scripts/corpus/align-phones.py" "$corpus" --split all --check 10
    ;;
  oracle)
    # English rows only (the labels exist for them), as a manifest beside the corpus's own.
    awk -F'\t' 'NR == 1 || $3 == "en"' "$corpus/manifest.tsv" > "$corpus/manifest-en.tsv"
    [ -f "$work/tokens-en/dataset.json" ] || train prepare --manifest "$corpus/manifest-en.tsv" --model "$base" \
      --out "$work/tokens-en" --skip-bad-files
    [ -f "$work/tokens-phones/dataset.json" ] || $py "$repo/scripts/corpus/phone-tokens.py" "$work/tokens-en" "$corpus/manifest-en.tsv" \
      "$phones" "$work/tokens-phones"
    [ -f "$work/default.safetensors" ] || train import-package --model "$base" --out "$work/default.safetensors"
    # The shipped model's semantic embedding carried over to the phones (each phone's row: the mean of the old units'
    # rows on its frames), so the warm start keeps what the model knows about codes and prompts.
    [ -f "$work/oracle-start.safetensors" ] || train remap-units --checkpoint "$work/default.safetensors" --old-data "$work/tokens-en" \
      --new-data "$work/tokens-phones" --out "$work/oracle-start.safetensors"
    if [ ! -f "$work/oracle/checkpoint.safetensors" ]; then
      train train --data "$work/tokens-phones" --out "$work/oracle" --start-from "$work/oracle-start.safetensors" --batch-size 8 \
        --max-frames 250 --steps 2400 --lr 5e-4 --warmup 100 --min-lr 2e-5 --ema-decay 0.999 --level-weights 0.4,0.4,0.1,0.1 \
        --validate-every 400 --checkpoint-every 200 --log-every 50 --seed 21 --threads "$threads" --minutes "${ORACLE_MINUTES:-85}"
    fi
    rm -rf "$work/oracle-acoustic" "$work/oracle-package"
    train export --checkpoint "$work/oracle/checkpoint.safetensors" --ema --out "$work/oracle-acoustic" --name soundstorm-oracle-phones
    # The shipped codec, as a fragment of its own (the shipped package's other graphs read 100 units, not phones).
    rm -rf "$work/codec-fragment"; mkdir -p "$work/codec-fragment"
    cp "$base/codec_encoder.onnx" "$base/codec_decoder.onnx" "$work/codec-fragment/"
    $py - "$base/manifest.json" "$work/codec-fragment/fragment.json" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
json.dump({"sampleRate": m["sampleRate"], "frameRate": m["frameRate"], "codebooks": m["codebooks"], "codebookSize": m["codebookSize"],
           "graphs": {role: m["graphs"][role]["file"] for role in ("codec_encoder", "codec_decoder")}}, open(sys.argv[2], "w"))
PY
    soundstorm pack --acoustic "$work/oracle-acoustic" --codec "$work/codec-fragment" --out "$work/oracle-package"
    $py "$repo/scripts/eval/aligned-resynthesis.py" "$work/oracle-package" "$corpus" "$phones" "$work/oracle-eval"
    ;;
  tokenizer)
    [ -f "$work/phone-hubert/checkpoint.safetensors" ] || train pretrain-hubert --audio "$corpus" --phone-labels "$phones" \
      --out "$work/phone-hubert" --steps 2400 --warmup 200 --lr 7e-4 --mask-prob 0.3 --checkpoint-every 200 --log-every 50 \
      --threads "$threads" --minutes "${TOKENIZER_MINUTES:-80}"
    layer=${LAYER:-4}; units=${UNITS:-100}
    out="$work/semantic-l$layer-k$units"
    [ -f "$out/semantic.onnx" ] || train hubert-units --checkpoint "$work/phone-hubert/checkpoint.safetensors" --audio "$corpus" \
      --out "$out" --layer "$layer" --units "$units" --threads "$threads"
    $py "$repo/scripts/eval/aligned-pnmi.py" "$out" "$corpus" "$phones"
    ;;
  units)
    layer=${LAYER:-4}; units=${UNITS:-100}
    semantic="$work/semantic-l$layer-k$units"
    [ -f "$work/tokens-en-units/dataset.json" ] || train prepare --manifest "$corpus/manifest-en.tsv" --codec "$work/codec-fragment" \
      --semantic "$semantic" --out "$work/tokens-en-units" --skip-bad-files
    [ -f "$work/units-start.safetensors" ] || train remap-units --checkpoint "$work/oracle/checkpoint.safetensors" --ema \
      --old-data "$work/tokens-phones" --new-data "$work/tokens-en-units" --out "$work/units-start.safetensors"
    if [ ! -f "$work/units-en/checkpoint.safetensors" ]; then
      train train --data "$work/tokens-en-units" --out "$work/units-en" --start-from "$work/units-start.safetensors" --batch-size 8 \
        --max-frames 250 --steps 1500 --lr 3e-4 --warmup 50 --min-lr 2e-5 --ema-decay 0.998 --level-weights 0.4,0.4,0.1,0.1 \
        --validate-every 500 --checkpoint-every 250 --log-every 50 --seed 23 --threads "$threads" --minutes "${UNITS_MINUTES:-35}"
    fi
    rm -rf "$work/units-acoustic" "$work/units-package"
    train export --checkpoint "$work/units-en/checkpoint.safetensors" --ema --out "$work/units-acoustic" --name soundstorm-phone-units
    soundstorm pack --acoustic "$work/units-acoustic" --codec "$work/codec-fragment" --semantic "$semantic" --out "$work/units-package"
    FREE=0 bash "$repo/scripts/eval/same-voice-sweep.sh" "$work/units-package" "$corpus" "$work/units-eval" ""
    ;;
  all)
    # Every voice and language of the corpus, so the model meets the prompts' voices it will be asked to speak in.
    layer=${LAYER:-4}; units=${UNITS:-100}
    [ -f "$work/tokens-all-units/dataset.json" ] || train prepare --manifest "$corpus/manifest.tsv" --codec "$work/codec-fragment" \
      --semantic "$work/semantic-l$layer-k$units" --out "$work/tokens-all-units" --skip-bad-files
    if [ -f "$work/units-all/checkpoint.safetensors" ]; then resume=(--resume "$work/units-all/checkpoint.safetensors")
    else resume=(--start-from "$work/units-en/checkpoint.safetensors"); fi
    train train --data "$work/tokens-all-units" --out "$work/units-all" "${resume[@]}" --batch-size 8 --max-frames 250 --steps 3000 \
      --lr 2e-4 --warmup 50 --min-lr 2e-5 --ema-decay 0.998 --level-weights 0.4,0.4,0.1,0.1 --validate-every 500 \
      --checkpoint-every 250 --log-every 50 --seed 29 --threads "$threads" --minutes "${ALL_MINUTES:-85}"
    ;;
  package)
    layer=${LAYER:-4}; units=${UNITS:-100}
    run="$work/units-all"; [ -f "$run/checkpoint.safetensors" ] || run="$work/units-en"
    rm -rf "$work/default-acoustic" "$work/default" "$work/default-semantic"
    train export --checkpoint "$run/checkpoint.safetensors" --ema --out "$work/default-acoustic" --name soundstorm-default
    # The tokenizer again with attention bounded to 10 s each way (what its training utterances span), so long inputs
    # tokenise in chunks as in one pass; inputs up to 10 s get exactly the tokens the acoustic model was trained on.
    semantic="$work/semantic-l$layer-k$units"
    soundstorm import hubert --checkpoint "$semantic/hubert.safetensors" --config "$semantic/hubert-config.json" --layer "$layer" \
      --kmeans "$semantic/kmeans.npy" --attention-span "${ATTENTION_SPAN:-500}" --out "$work/default-semantic"
    soundstorm pack --acoustic "$work/default-acoustic" --codec "$work/codec-fragment" --semantic "$work/default-semantic" \
      --name soundstorm-default --float16-weights --out "$work/default"
    echo "package: $work/default (copy to models/default); measure it with scripts/eval/evaluate.sh $work/default $corpus OUT"
    ;;
  *) echo "error: unknown step '$step' (align, oracle, tokenizer, units, all, package)" >&2; exit 2 ;;
  esac
done
