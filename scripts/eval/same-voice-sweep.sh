#!/usr/bin/env bash
# Same-voice resynthesis of the English test sentences under several sampling settings (docs/evaluation.md): the
# evaluate.sh same-voice measure alone, once per setting, with the same sentences, prompts and seed.
#   same-voice-sweep.sh MODEL CORPUS OUT "FLAGS" ["FLAGS" ...]      e.g. "" "--steps 16,16,4,4"
# Prints one line per setting: sentence identification (pocketsphinx + the test sentences' grammar) and the word error
# rate of free recognition. Needs what evaluate.sh needs (sox, pocketsphinx, python3), not praat or SPTK.
# Environment: SOUNDSTORM (the CLI command; default: build it in Release), PROMPT_SECONDS (3), SEED (0), FREE=0 (no
# word error rate: free recognition of babble runs at about real time).
set -euo pipefail
if [ $# -lt 4 ]; then echo "usage: $0 MODEL CORPUS OUT FLAGS [FLAGS ...]" >&2; exit 2; fi
model=$(realpath "$1"); corpus=$(realpath "$2"); out=$3; shift 3
here=$(cd "$(dirname "$0")" && pwd); repo=$(cd "$here/../.." && pwd)
ps_model=${POCKETSPHINX_MODEL:-/usr/share/pocketsphinx/model/en-us}
for tool in sox pocketsphinx_batch python3; do command -v "$tool" >/dev/null || { echo "error: $tool is missing" >&2; exit 2; }; done
[ -f "$corpus/manifest.tsv" ] || { echo "error: $corpus/manifest.tsv not found" >&2; exit 2; }
if [ -z "${SOUNDSTORM:-}" ]; then
  dotnet build "$repo/src/SoundStorm.Cli" -c Release -v q -nologo >&2
  SOUNDSTORM="$repo/src/SoundStorm.Cli/bin/Release/net10.0/soundstorm"
fi

mkdir -p "$out"; out=$(realpath "$out"); work="$out/work"; mkdir -p "$work"
awk -F'\t' -v c="$corpus" 'NR > 1 && $2 == "asterisk-en" && $6 == "test" { print c "/" $1 "\t" $7 }' "$corpus/manifest.tsv" > "$work/en-rows.tsv"
python3 "$here/sentences.py" grammar "$work/en-rows.tsv" "$ps_model/cmudict-en-us.dict" "$work"
# prompts.py writes the same-voice jobs (and other-voice ones, unused here: no test rows of other voices are given).
: > "$work/no-other-voices.tsv"
python3 "$here/prompts.py" "$work/no-other-voices.tsv" "$work/refs.tsv" "$work" 0 "${PROMPT_SECONDS:-3}"

decode() { # NAME ARGS... → $work/NAME.hyp with the recogniser's output for the files in $work/NAME.ctl
  local name=$1; shift
  pocketsphinx_batch -hmm "$ps_model/en-us" -dict "$ps_model/cmudict-en-us.dict" "$@" -ctl "$work/$name.ctl" \
    -cepdir "$work/raw-$name" -cepext .raw -adcin yes -adchdr 0 -hyp "$work/$name.hyp" > "$work/$name.pslog" 2>&1
}

index=0
for flags in "$@"; do
  name="setting-$index"; index=$((index + 1))
  rm -rf "$work/$name" "$work/raw-$name"; mkdir -p "$work/$name" "$work/raw-$name"; : > "$work/$name.ctl"
  awk -F'\t' -v d="$work/$name" '{ n = split($3, p, "/"); print $1 "\t" $2 "\t" d "/" p[n] }' "$work/same.list" > "$work/$name.list"
  # shellcheck disable=SC2086 # the flags are words to split
  "$SOUNDSTORM" resynthesize --list "$work/$name.list" --model "$model" --seed "${SEED:-0}" $flags > "$work/$name.log"
  while IFS=$'\t' read -r _ _ output; do
    id=$(basename "$output" .wav)
    sox "$output" -t raw -r 16000 -c 1 -b 16 -e signed-integer "$work/raw-$name/$id.raw" && echo "$id" >> "$work/$name.ctl"
  done < "$work/$name.list"
  decode "$name" -jsgf "$work/grammar.jsgf"
  identified=$(python3 "$here/sentences.py" score "$work/refs.tsv" "$work/$name.ctl" "$work/$name.hyp" \
    | python3 -c 'import json, sys; s = json.load(sys.stdin); print("%d/%d sentences (%s %%)" % (s["correct"], s["total"], s["accuracy"]))')
  wer="not measured"
  if [ "${FREE:-1}" != 0 ]; then
    cp "$work/$name.hyp" "$work/$name-jsgf.hyp"
    decode "$name" -lm "$ps_model/en-us.lm.bin"
    wer=$(python3 "$here/sentences.py" wer "$work/refs.tsv" "$work/$name.ctl" "$work/$name.hyp" | python3 -c 'import json, sys; print("%s %%" % json.load(sys.stdin)["wer"])')
  fi
  echo "${flags:-(defaults)}: identified $identified; word error rate $wer"
done
