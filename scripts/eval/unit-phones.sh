#!/usr/bin/env bash
# Phone information of semantic units (docs/evaluation.md): decodes the corpus's asterisk-en training utterances with
# pocketsphinx's phone loop once (OUT/hypseg.txt, kept for later runs), then prints unit-phones.py's figures for each
# token dataset given:
#   unit-phones.sh CORPUS OUT DATASET...
# Needs sox, pocketsphinx_batch (+ pocketsphinx-en-us) and python3 with numpy (apt-get install python3-numpy).
set -euo pipefail
if [ $# -lt 3 ]; then echo "usage: $0 CORPUS OUT DATASET..." >&2; exit 2; fi
corpus=$(realpath "$1"); out=$2; shift 2
here=$(cd "$(dirname "$0")" && pwd)
ps_model=${POCKETSPHINX_MODEL:-/usr/share/pocketsphinx/model/en-us}
for tool in sox pocketsphinx_batch python3; do
  command -v "$tool" >/dev/null || { echo "error: $tool is missing" >&2; exit 2; }
done
phone_lm=$ps_model/en-us-phone.lm.bin
[ -f "$phone_lm" ] || { echo "error: no phone language model $phone_lm" >&2; exit 2; }
python3 -c "import numpy" 2>/dev/null || { echo "error: python3 has no numpy (apt-get install python3-numpy)" >&2; exit 2; }
[ -f "$corpus/manifest.tsv" ] || { echo "error: $corpus/manifest.tsv not found" >&2; exit 2; }

mkdir -p "$out"
if [ ! -s "$out/hypseg.txt" ]; then
  work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
  awk -F'\t' '$2 == "asterisk-en" && $6 == "train" { print $1 }' "$corpus/manifest.tsv" | while read -r path; do
    id=$(basename "$path" .wav)
    sox "$corpus/$path" -t raw -r 16000 -c 1 -b 16 -e signed-integer "$work/$id.raw" && echo "$id" >> "$work/ctl"
  done
  pocketsphinx_batch -hmm "$ps_model/en-us" -allphone "$phone_lm" -backtrace yes -beam 1e-20 -pbeam 1e-20 -lw 2.0 \
    -ctl "$work/ctl" -cepdir "$work" -cepext .raw -adcin yes -adchdr 0 -hypseg "$work/hypseg.txt" > "$work/log" 2>&1 \
    || { echo "error: pocketsphinx_batch failed (log: $work/log)" >&2; trap - EXIT; exit 1; }
  mv "$work/hypseg.txt" "$out/hypseg.txt" # only a complete decoding is kept
fi
for dataset in "$@"; do python3 "$here/unit-phones.py" "$out/hypseg.txt" "$dataset"; done
