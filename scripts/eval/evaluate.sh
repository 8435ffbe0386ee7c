#!/usr/bin/env bash
# Measures a model on the corpus's held-out material (docs/evaluation.md):
#   evaluate.sh MODEL CORPUS OUT
# MODEL: a model package (folder or zip), or a codec fragment folder (from 'soundstorm import hificodec' or the trainer)
# for the codec-only measurements. CORPUS: the folder scripts/corpus/build-corpus.sh wrote (manifest.tsv + wav/).
# Writes OUT/report.md and OUT/report.json. Needs sox, pocketsphinx_batch (+ pocketsphinx-en-us), praat, python3 and
# SPTK (/usr/libexec/sptk/bin, or SPTK_BIN). Environment: SOUNDSTORM (the CLI command; default: build it in Release),
# VOICE_SENTENCES (sentences per other voice, 5), PROMPT_SECONDS (3), SEED (0), EXTRA_SEEDS (same-voice resynthesis
# again at these seeds, "1 2"; empty: none), SKIP_MCD=1 (leave the MCD out).
set -euo pipefail

if [ $# -ne 3 ]; then echo "usage: $0 MODEL CORPUS OUT" >&2; exit 2; fi
model=$(realpath "$1"); corpus=$(realpath "$2"); out=$3
here=$(cd "$(dirname "$0")" && pwd); repo=$(cd "$here/../.." && pwd)
voice_sentences=${VOICE_SENTENCES:-5}; prompt_seconds=${PROMPT_SECONDS:-3}; seed=${SEED:-0}
ps_model=${POCKETSPHINX_MODEL:-/usr/share/pocketsphinx/model/en-us}
export SPTK_BIN=${SPTK_BIN:-/usr/libexec/sptk/bin}

need() { command -v "$1" >/dev/null || { echo "error: $1 is missing ($2)" >&2; exit 2; }; }
need sox "apt-get install sox libsox-fmt-base"
need pocketsphinx_batch "apt-get install pocketsphinx pocketsphinx-en-us"
need praat "apt-get install praat"
need python3 "apt-get install python3"
[ -x "$SPTK_BIN/mcep" ] || { echo "error: SPTK not found in $SPTK_BIN (apt-get install sptk)" >&2; exit 2; }
[ -f "$ps_model/en-us.lm.bin" ] || { echo "error: no language model $ps_model/en-us.lm.bin" >&2; exit 2; }
[ -f "$ps_model/cmudict-en-us.dict" ] || { echo "error: no pocketsphinx model in $ps_model" >&2; exit 2; }
[ -f "$corpus/manifest.tsv" ] || { echo "error: $corpus/manifest.tsv not found" >&2; exit 2; }
[ -e "$model" ] || { echo "error: model $model not found" >&2; exit 2; }

if [ -z "${SOUNDSTORM:-}" ]; then
  dotnet build "$repo/src/SoundStorm.Cli" -c Release -v q -nologo >&2
  SOUNDSTORM="$repo/src/SoundStorm.Cli/bin/Release/net10.0/soundstorm"
fi
if [ -f "$model/fragment.json" ]; then model_args=(--codec "$model"); full=0; else model_args=(--model "$model"); full=1; fi

mkdir -p "$out"; out=$(realpath "$out"); work="$out/work"
rm -rf "$work"; mkdir -p "$work"/{roundtrip,same,cross,raw}
log() { echo "[$(date +%T)] $*" >&2; }

# Held-out sets from the manifest: every test row (unique paths), and the English test sentences with transcripts.
awk -F'\t' -v c="$corpus" 'NR > 1 && $6 == "test" && !seen[$1]++ { print $2 "\t" c "/" $1 }' "$corpus/manifest.tsv" > "$work/test.tsv"
awk -F'\t' -v c="$corpus" 'NR > 1 && $2 == "asterisk-en" && $6 == "test" { print c "/" $1 "\t" $7 }' "$corpus/manifest.tsv" > "$work/en-rows.tsv"
[ -s "$work/en-rows.tsv" ] || { echo "error: no asterisk-en test rows in $corpus/manifest.tsv" >&2; exit 2; }
python3 "$here/sentences.py" grammar "$work/en-rows.tsv" "$ps_model/cmudict-en-us.dict" "$work"

# Recognition: 16 kHz raw copies (corpus WAVs carry LIST chunks, so a fixed 44-byte header cannot be assumed).
recognise() { # NAME FILE... (ids are file names without .wav) → $work/NAME.json
  local name=$1; shift
  mkdir -p "$work/raw/$name"; : > "$work/$name.ctl"
  for f in "$@"; do
    local id; id=$(basename "$f" .wav)
    sox "$f" -t raw -r 16000 -c 1 -b 16 -e signed-integer "$work/raw/$name/$id.raw" && echo "$id" >> "$work/$name.ctl" \
      || echo "warning: $f could not be converted" >&2
  done
  pocketsphinx_batch -hmm "$ps_model/en-us" -dict "$ps_model/cmudict-en-us.dict" -jsgf "$work/grammar.jsgf" \
    -ctl "$work/$name.ctl" -cepdir "$work/raw/$name" -cepext .raw -adcin yes -adchdr 0 -hyp "$work/$name.hyp" > "$work/$name.pslog" 2>&1
  python3 "$here/sentences.py" score "$work/refs.tsv" "$work/$name.ctl" "$work/$name.hyp" > "$work/$name.json"
  # Free recognition with the generic language model: a graded word error rate where identification is all or nothing.
  # (Not for the 100 other-voice outputs: free decoding of babble runs at about real time, and adds little there.)
  case "$name" in *cross | same-seed*) return 0 ;; esac
  pocketsphinx_batch -hmm "$ps_model/en-us" -dict "$ps_model/cmudict-en-us.dict" -lm "$ps_model/en-us.lm.bin" \
    -ctl "$work/$name.ctl" -cepdir "$work/raw/$name" -cepext .raw -adcin yes -adchdr 0 -hyp "$work/$name-lm.hyp" > "$work/$name-lm.pslog" 2>&1
  python3 "$here/sentences.py" wer "$work/refs.tsv" "$work/$name.ctl" "$work/$name-lm.hyp" > "$work/$name-wer.json"
}
median_f0() { # LIST OUT.tsv
  praat --run "$here/median-f0.praat" "$1" "$2"
}

mapfile -t en_sources < <(cut -f1 "$work/refs.tsv")
log "original recordings: ${#en_sources[@]} sentences"
recognise original "${en_sources[@]}"

log "codec round trip of $(wc -l < "$work/test.tsv") held-out files"
awk -F'\t' -v w="$work/roundtrip" '{ n = split($2, p, "/"); print $2 "\t" w "/" $1 "__" p[n] }' "$work/test.tsv" > "$work/roundtrip.list"
"$SOUNDSTORM" roundtrip --list "$work/roundtrip.list" "${model_args[@]}" > "$work/roundtrip.log" || log "warning: some round trips failed (see $work/roundtrip.log)"
mapfile -t rt_en < <(for s in "${en_sources[@]}"; do echo "$work/roundtrip/asterisk-en__$(basename "$s")"; done)
recognise roundtrip "${rt_en[@]}" # ids asterisk-en__<id>: scoring maps them back to <id>

log "pitch of every held-out file"
cut -f2 "$work/test.tsv" > "$work/test-files.txt"
median_f0 "$work/test-files.txt" "$work/test-f0.tsv"
while IFS=$'\t' read -r voice path; do
  printf '%s\t%s\t%s\n' "$voice" "$path" "$(soxi -D "$path" 2>/dev/null || echo 0)"
done < "$work/test.tsv" > "$work/test-durations.tsv"
log "pitch of the round trips (does the codec keep the speaker's F0?)"
cut -f1,2 "$work/roundtrip.list" | awk -F'\t' 'system("test -f \"" $2 "\"") == 0' > "$work/roundtrip-pairs.tsv"
cut -f2 "$work/roundtrip-pairs.tsv" > "$work/roundtrip-files.txt"
median_f0 "$work/roundtrip-files.txt" "$work/roundtrip-f0.tsv"
awk -F'\t' 'NR == FNR { f0[$1] = $2; next } { print $1 "\t" $2 "\t" $3 "\t" ($2 in f0 ? f0[$2] : "--undefined--") }' \
  "$work/test-f0.tsv" "$work/test-durations.tsv" > "$work/test-rows.tsv"

if [ "$full" = 1 ]; then
  python3 "$here/prompts.py" "$work/test-rows.tsv" "$work/refs.tsv" "$work" "$voice_sentences" "$prompt_seconds"
  log "resynthesis, same voice: $(wc -l < "$work/same.list") sentences"
  "$SOUNDSTORM" resynthesize --list "$work/same.list" "${model_args[@]}" --seed "$seed" > "$work/same.log" || log "warning: some resyntheses failed (see $work/same.log)"
  mapfile -t same_out < <(cut -f3 "$work/same.list")
  recognise same "${same_out[@]}"
  # One sentence is 2.9 points and sampling alone moves the count by a few: the same jobs at other seeds.
  for extra in ${EXTRA_SEEDS-1 2}; do
    log "resynthesis, same voice, seed $extra"
    mkdir -p "$work/same-seed$extra"
    awk -F'\t' -v d="$work/same-seed$extra" '{ n = split($3, p, "/"); print $1 "\t" $2 "\t" d "/" p[n] }' "$work/same.list" > "$work/same-seed$extra.list"
    "$SOUNDSTORM" resynthesize --list "$work/same-seed$extra.list" "${model_args[@]}" --seed "$extra" > "$work/same-seed$extra.log" || log "warning: some resyntheses failed (see $work/same-seed$extra.log)"
    mapfile -t seed_out < <(cut -f3 "$work/same-seed$extra.list")
    recognise "same-seed$extra" "${seed_out[@]}"
    printf '%s\t%s\n' "$extra" "$work/same-seed$extra.json" >> "$work/same-seeds.tsv"
  done
  log "resynthesis, other voices: $(wc -l < "$work/cross.list") jobs"
  "$SOUNDSTORM" resynthesize --list "$work/cross.list" "${model_args[@]}" --seed "$seed" > "$work/cross.log" || log "warning: some resyntheses failed (see $work/cross.log)"
  mapfile -t cross_out < <(cut -f1 "$work/cross.tsv")
  recognise cross "${cross_out[@]}"
  { cut -f1,2 "$work/cross.tsv" | tr '\t' '\n'; cut -f4 "$work/cross.tsv"; } | sort -u > "$work/cross-files.txt"
  median_f0 "$work/cross-files.txt" "$work/cross-f0.tsv"
fi

# Text to speech, when the package has a text_to_semantic graph: the same sentences, prompts and seed, spoken from
# their text (CMUdict phones) instead of resynthesised from the recordings.
manifest_text() { if [ -d "$model" ]; then cat "$model/manifest.json"; else unzip -p "$model" manifest.json; fi; }
if [ "$full" = 1 ] && manifest_text 2>/dev/null | grep -q '"text_to_semantic"'; then
  python3 "$here/speak-lists.py" "$work/refs.tsv" "$work/same.list" "$work/cross.list" "$work"
  log "text to speech, same voice: $(wc -l < "$work/speak-same.list") sentences"
  "$SOUNDSTORM" speak --list "$work/speak-same.list" "${model_args[@]}" --seed "$seed" > "$work/speak-same.log" || log "warning: some sentences failed (see $work/speak-same.log)"
  mapfile -t speak_same_out < <(cut -f3 "$work/speak-same.list")
  recognise speak-same "${speak_same_out[@]}"
  log "text to speech, other voices: $(wc -l < "$work/speak-cross.list") jobs"
  "$SOUNDSTORM" speak --list "$work/speak-cross.list" "${model_args[@]}" --seed "$seed" > "$work/speak-cross.log" || log "warning: some sentences failed (see $work/speak-cross.log)"
  awk -F'\t' -v w="$work/speak-cross" '{ n = split($1, p, "/"); print w "/" p[n] "\t" $2 "\t" $3 "\t" $4 }' "$work/cross.tsv" > "$work/speak-cross.tsv"
  mapfile -t speak_cross_out < <(cut -f1 "$work/speak-cross.tsv")
  recognise speak-cross "${speak_cross_out[@]}"
  { cut -f1,2 "$work/speak-cross.tsv" | tr '\t' '\n'; cut -f4 "$work/speak-cross.tsv"; } | sort -u > "$work/speak-cross-files.txt"
  median_f0 "$work/speak-cross-files.txt" "$work/speak-cross-f0.tsv"
fi

if [ "${SKIP_MCD:-0}" != 1 ]; then
  log "mel-cepstral distortion of the round trip"
  paste <(cut -f1 "$work/test.tsv") <(cut -f1,2 "$work/roundtrip.list") | awk -F'\t' 'system("test -f \"" $3 "\"") == 0' > "$work/mcd-pairs.tsv"
  python3 "$here/mcd.py" "$work/mcd-pairs.tsv" "$work/mcd.json"
fi

python3 "$here/report.py" "$work" "$model" "$out" "$seed"
log "wrote $out/report.md and $out/report.json"
