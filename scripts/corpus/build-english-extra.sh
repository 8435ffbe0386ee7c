#!/usr/bin/env bash
# More English with known text for the phone tokenizer (docs/corpus.md): the corpus's synthetic voices read every
# transcript sentence they did not read in build-corpus.sh (which gives each voice the first 50). Run by hand after
# build-corpus.sh:
#   scripts/corpus/build-english-extra.sh CORPUS
#   LIMIT=5 scripts/corpus/build-english-extra.sh CORPUS     # at most 5 sentences per voice, for a quick check
# Writes CORPUS/wav/<voice>/<n>.wav for n ≥ 50, CORPUS/manifest-english-extra.tsv (those rows) and
# CORPUS/manifest-with-english-extra.tsv (manifest.tsv followed by them), the manifest to give align-phones.py and
# pretrain-hubert. manifest.tsv itself is left as it is, so the acoustic model's token datasets do not change.
# The 40 English test sentences stay unread, as in build-corpus.sh; every 20th new utterance is held out (test).
set -euo pipefail
corpus=$(cd "${1:?usage: build-english-extra.sh CORPUS}" && pwd)
limit=${LIMIT:-0}
here=$(cd "$(dirname "$0")" && pwd)
for tool in espeak-ng flite sox; do command -v "$tool" >/dev/null || { echo "error: $tool is missing" >&2; exit 2; }; done
transcripts="$corpus/debs/asterisk-core-sounds-en/usr/share/doc/asterisk-core-sounds-en/core-sounds-en.txt.gz"
[ -f "$transcripts" ] || { echo "error: $transcripts not found (run build-corpus.sh first)" >&2; exit 2; }

# The same sentence list as build-corpus.sh (its first 50 lines are read there), without the test sentences' text.
mapfile -t sentences < <(zcat "$transcripts" | grep -v -E "^($(paste -sd'|' "$here/english-test-sentences.txt")):" | cut -d: -f2- \
  | sed 's/^ *//' | grep -v -i -E 'pbx|unmute')
extra="$corpus/manifest-english-extra.tsv"
rows=$(mktemp)
trap 'rm -f "$rows"' EXIT
split_of() { if [ $(($1 % 20)) -eq 19 ]; then echo test; else echo train; fi; }
synthesise() { # VOICE KIND SOURCE LICENCE
  local voice=$1 kind=$2 source=$3 licence=$4 dir="$corpus/wav/$1" count=0
  mkdir -p "$dir"
  for ((n = 50; n < ${#sentences[@]}; n++)); do
    [ "$limit" -gt 0 ] && [ "$count" -ge "$limit" ] && break
    local text=${sentences[$n]}
    if [ "$kind" = espeak ]; then espeak-ng -v "${voice#espeak-}" -w "$dir/tmp.wav" "$text"
    else flite -voice "${voice#flite-}" -t "$text" -o "$dir/tmp.wav"; fi
    sox -V1 "$dir/tmp.wav" -r 16000 -c 1 -b 16 "$dir/$n.wav" && rm "$dir/tmp.wav"
    printf '%s\t%s\ten\t%s\t%s\t%s\t%s\n' "wav/$voice/$n.wav" "$voice" "$source" "$licence" "$(split_of "$n")" "$text" >> "$rows"
    count=$((count + 1))
  done
}
for v in en-us+f1 en-us+f2 en-us+m1 en-us+m3 en+f3 en+m2 en-gb-scotland+f5 en-us+steph en-us+Annie en-us+max; do
  synthesise "espeak-$v" espeak espeak-ng GPL-3+
done
for v in kal16 awb rms slt; do synthesise "flite-$v" flite flite "BSD-like (flite)"; done

{ head -1 "$corpus/manifest.tsv"; cat "$rows"; } > "$extra.tmp" && mv "$extra.tmp" "$extra"
{ cat "$corpus/manifest.tsv"; cat "$rows"; } > "$corpus/manifest-with-english-extra.tsv.tmp" \
  && mv "$corpus/manifest-with-english-extra.tsv.tmp" "$corpus/manifest-with-english-extra.tsv"
echo "$(wc -l < "$rows") utterances → $extra"
