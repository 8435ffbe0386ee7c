#!/usr/bin/env bash
# Compares the two text-to-semantic models on the evaluation's same-voice text-to-speech jobs (docs/evaluation.md):
# the package's duration model through `soundstorm speak`, and an autoregressive train-text checkpoint through
# `soundstorm-train sample-text` (units) and `soundstorm generate` (the same acoustic model, prompt and seed).
#   text-models.sh MODEL CORPUS AR_CHECKPOINT OUT
# Prints, per model: sentence identification (pocketsphinx + the test sentences' grammar), free-recognition word error
# rate, and the spoken length against the recordings'. Needs sox, pocketsphinx and python3 (as evaluate.sh).
# Environment: SOUNDSTORM, SOUNDSTORM_TRAIN (the commands; default: build them in Release), PROMPT_SECONDS (3),
# SEED (0), TEMPERATURE (0.8) and TOP_K (20) of the autoregressive sampler, LIMIT (only the first N sentences: a smoke
# run of the script itself).
set -euo pipefail
if [ $# -ne 4 ]; then echo "usage: $0 MODEL CORPUS AR_CHECKPOINT OUT" >&2; exit 2; fi
model=$(realpath "$1"); corpus=$(realpath "$2"); checkpoint=$(realpath "$3"); out=$4
here=$(cd "$(dirname "$0")" && pwd); repo=$(cd "$here/../.." && pwd)
ps_model=${POCKETSPHINX_MODEL:-/usr/share/pocketsphinx/model/en-us}
for tool in sox pocketsphinx_batch python3; do command -v "$tool" >/dev/null || { echo "error: $tool is missing" >&2; exit 2; }; done
[ -f "$corpus/manifest.tsv" ] || { echo "error: $corpus/manifest.tsv not found" >&2; exit 2; }
[ -f "$checkpoint" ] || { echo "error: $checkpoint not found" >&2; exit 2; }
if [ -z "${SOUNDSTORM:-}" ]; then
  dotnet build "$repo/src/SoundStorm.Cli" -c Release -v q -nologo >&2
  SOUNDSTORM="$repo/src/SoundStorm.Cli/bin/Release/net10.0/soundstorm"
fi
if [ -z "${SOUNDSTORM_TRAIN:-}" ]; then
  dotnet build "$repo/src/SoundStorm.Trainer" -c Release -v q -nologo >&2
  SOUNDSTORM_TRAIN="$repo/src/SoundStorm.Trainer/bin/Release/net10.0/soundstorm-train"
fi
seed=${SEED:-0}

mkdir -p "$out"; out=$(realpath "$out"); work="$out/work"; mkdir -p "$work"
awk -F'\t' -v c="$corpus" 'NR > 1 && $2 == "asterisk-en" && $6 == "test" { print c "/" $1 "\t" $7 }' "$corpus/manifest.tsv" > "$work/en-rows.tsv"
python3 "$here/sentences.py" grammar "$work/en-rows.tsv" "$ps_model/cmudict-en-us.dict" "$work"
: > "$work/no-other-voices.tsv"
python3 "$here/prompts.py" "$work/no-other-voices.tsv" "$work/refs.tsv" "$work" 0 "${PROMPT_SECONDS:-3}"
python3 "$here/speak-lists.py" "$work/refs.tsv" "$work/same.list" "$work/cross.list" "$work"
if [ -n "${LIMIT:-}" ]; then head -n "$LIMIT" "$work/speak-same.list" > "$work/limited.list"; mv "$work/limited.list" "$work/speak-same.list"; fi

score() { # NAME LIST → one line: identification, word error rate, spoken/recorded length
  local name=$1 list=$2 raw="$work/raw-$1"
  rm -rf "$raw"; mkdir -p "$raw"; : > "$work/$name.ctl"
  while IFS=$'\t' read -r _ _ output; do
    id=$(basename "$output" .wav)
    [ -f "$output" ] && sox "$output" -t raw -r 16000 -c 1 -b 16 -e signed-integer "$raw/$id.raw" && echo "$id" >> "$work/$name.ctl"
  done < "$list"
  for mode in jsgf lm; do
    if [ $mode = jsgf ]; then args=(-jsgf "$work/grammar.jsgf"); else args=(-lm "$ps_model/en-us.lm.bin"); fi
    pocketsphinx_batch -hmm "$ps_model/en-us" -dict "$ps_model/cmudict-en-us.dict" "${args[@]}" -ctl "$work/$name.ctl" \
      -cepdir "$raw" -cepext .raw -adcin yes -adchdr 0 -hyp "$work/$name-$mode.hyp" > "$work/$name-$mode.pslog" 2>&1
  done
  identified=$(python3 "$here/sentences.py" score "$work/refs.tsv" "$work/$name.ctl" "$work/$name-jsgf.hyp" \
    | python3 -c 'import json, sys; s = json.load(sys.stdin); print("%d/%d sentences (%s %%)" % (s["correct"], s["total"], s["accuracy"]))')
  wer=$(python3 "$here/sentences.py" wer "$work/refs.tsv" "$work/$name.ctl" "$work/$name-lm.hyp" | python3 -c 'import json, sys; print("%s %%" % json.load(sys.stdin)["wer"])')
  spoken=$(cut -f3 "$list" | xargs -r soxi -D 2>/dev/null | awk '{ s += $1 } END { printf "%.1f", s }')
  recorded=$(head -n "$(wc -l < "$list")" "$work/same.list" | cut -f1 | xargs -r soxi -D 2>/dev/null | awk '{ s += $1 } END { printf "%.1f", s }')
  echo "$name: identified $identified; word error rate $wer; spoken ${spoken} s for ${recorded} s recorded"
}

# The duration model, as evaluate.sh runs it.
"$SOUNDSTORM" speak --list "$work/speak-same.list" --model "$model" --seed "$seed" > "$work/duration.log"

# The autoregressive model: units per sentence, then each prompt's tokens and the acoustic model with the same seed.
mkdir -p "$work/ar-units" "$work/ar-prompts" "$work/ar"
"$SOUNDSTORM_TRAIN" sample-text --checkpoint "$checkpoint" --list "$work/speak-same.list" --out "$work/ar-units" \
  --temperature "${TEMPERATURE:-0.8}" --top-k "${TOP_K:-20}" --seed "$seed" --threads 1 > "$work/ar-units.log"
: > "$work/ar.list"
while IFS=$'\t' read -r phones prompt output; do
  id=$(basename "$output" .wav); p="$work/ar-prompts/$(basename "$prompt" .wav)"
  [ -f "$p.codes.npy" ] || "$SOUNDSTORM" encode --in "$prompt" --model "$model" --out "$p.codes.npy" --semantic-out "$p.units.npy" > /dev/null
  "$SOUNDSTORM" generate --semantic "$work/ar-units/$id.npy" --prompt-semantic "$p.units.npy" --prompt-acoustic "$p.codes.npy" \
    --model "$model" --seed "$seed" --out "$work/ar/$id.wav" > /dev/null
  printf '%s\t%s\t%s\n' "$phones" "$prompt" "$work/ar/$id.wav" >> "$work/ar.list"
done < "$work/speak-same.list"

score duration "$work/speak-same.list"
score autoregressive "$work/ar.list"
