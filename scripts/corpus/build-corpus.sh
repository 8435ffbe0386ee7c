#!/usr/bin/env bash
# Builds the default model's training corpus from speech that Debian packages carry (run by hand; see docs/corpus.md).
#   scripts/corpus/build-corpus.sh OUT_DIR            # everything (≈ 2 h of recorded speech + synthetic voices)
#   LIMIT=5 scripts/corpus/build-corpus.sh OUT_DIR    # at most 5 files per source, for a quick check
# Writes OUT_DIR/wav/<voice>/<utterance>.wav (16 kHz mono 16-bit) and OUT_DIR/manifest.tsv
# (path, voice, language, source package, licence, split, transcript). pocketsphinx-testdata and alsa-utils are
# reserved for evaluation and never used here.
set -euo pipefail
out=${1:?usage: build-corpus.sh OUT_DIR}
limit=${LIMIT:-0}
mkdir -p "$out/wav" "$out/debs"
out=$(cd "$out" && pwd)
manifest="$out/manifest.tsv"
printf 'path\tvoice\tlanguage\tsource\tlicence\tsplit\ttranscript\n' > "$manifest"

need() { command -v "$1" >/dev/null || { echo "missing $1: apt-get install -y --no-install-recommends $2" >&2; exit 1; }; }
need ffmpeg ffmpeg; need sox "sox libsox-fmt-base"; need espeak-ng espeak-ng; need flite flite

unpack() { # PACKAGE → prints the folder it was unpacked into
  local pkg=$1 dir="$out/debs/$1"
  if [ ! -d "$dir" ]; then
    (cd "$out/debs" && apt-get download "$pkg" >/dev/null 2>&1) || { echo "apt-get download $pkg failed (run apt-get update?)" >&2; exit 1; }
    dpkg -x "$out/debs/${pkg}"_*.deb "$dir"
  fi
  echo "$dir"
}

take() { awk -v n="$limit" 'n == 0 || NR <= n'; } # reads everything: no SIGPIPE under pipefail

# Converts files in parallel (one process per core): reads NUL-separated pairs "input output" on stdin and runs the
# command with {IN} and {OUT} replaced. The manifest rows are written afterwards, in order, so it does not depend on
# which conversion finishes first.
convert_all() {
  local script='in=${@:$#-1:1}; out=${@:$#:1}; set -- "${@:1:$#-2}"; args=()
    for a in "$@"; do a=${a//\{IN\}/$in}; args+=("${a//\{OUT\}/$out}"); done; "${args[@]}"'
  xargs -0 -n 2 -P "$(nproc)" bash -c "$script" convert "$@"
}

# Held-out split: every 20th utterance of each voice (by sorted name) is test; the English test sentences are fixed below.
split_of() { local index=$1; if [ $((index % 20)) -eq 19 ]; then echo test; else echo train; fi; }

add() { printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" "$6" "${7:-}" >> "$manifest"; }

# 1. Asterisk prompts (G.722, 16 kHz): five voices and languages.
declare -A licence=([en]=CC-BY-SA-3.0 [es]=CC-BY-SA-3.0 [fr]=CC-BY-SA-3.0 [it]=CC-BY-3.0 [ru]=CC-BY-3.0)
transcripts="$(unpack asterisk-core-sounds-en)/usr/share/doc/asterisk-core-sounds-en/core-sounds-en.txt.gz"
declare -A text_of=()
while IFS= read -r line; do
  case $line in ''|';'*) continue ;; esac
  name=${line%%:*}; text=${line#*:}; text=${text#"${text%%[! ]*}"}
  [ -n "${text_of[$name]+x}" ] || text_of[$name]=$text
done < <(zcat "$transcripts")
for lang in en es fr it ru; do
  root=$(unpack "asterisk-core-sounds-$lang-g722")
  voice="asterisk-$lang"
  mkdir -p "$out/wav/$voice"
  mapfile -t files < <(find "$root" -name '*.g722' | sort | take)
  for f in "${files[@]}"; do printf '%s\0%s\0' "$f" "$out/wav/$voice/$(basename "$f" .g722).wav"; done \
    | convert_all ffmpeg -nostdin -loglevel error -y -f g722 -i {IN} -ar 16000 -ac 1 -sample_fmt s16 {OUT}
  i=0
  for f in "${files[@]}"; do
    name=$(basename "$f" .g722)
    # The transcript list names files by their path under the voice's folder (digits/7, letters/a), the rest by name.
    rel=${f#*/sounds/*/}; rel=${rel%.g722}
    text=""
    if [ "$lang" = en ]; then text=${text_of[$rel]:-${text_of[$name]:-}}; fi
    # English test set: the fixed list of 40 sentences (docs/corpus.md); other voices: every 20th utterance.
    split=$(split_of "$i")
    if [ "$lang" = en ]; then
      if grep -qx "$name" "$(dirname "$0")/english-test-sentences.txt"; then split=test; else split=train; fi
    fi
    add "wav/$voice/$name.wav" "$voice" "$lang" "asterisk-core-sounds-$lang-g722" "${licence[$lang]}" "$split" "$text"
    i=$((i + 1))
  done
done

# 2. The Czech multi-speaker dub of Fish Fillets (Ogg Vorbis 22.05 kHz), GPL-2+.
root=$(unpack fillets-ng-data-cs)
voice="fillets-cs"
mkdir -p "$out/wav/$voice"
mapfile -t files < <(find "$root" -name '*.ogg' | sort | take)
cs_name() { local rel=${1#"$root"/}; rel=$(echo "$rel" | tr '/' '_'); echo "${rel%.ogg}"; }
for f in "${files[@]}"; do printf '%s\0%s\0' "$f" "$out/wav/$voice/$(cs_name "$f").wav"; done \
  | convert_all sox {IN} -r 16000 -c 1 -b 16 {OUT}
i=0
for f in "${files[@]}"; do
  name=$(cs_name "$f")
  add "wav/$voice/$name.wav" "$voice" cs fillets-ng-data-cs GPL-2+ "$(split_of "$i")"
  i=$((i + 1))
done

# 3. Synthetic voices for speaker variety: espeak-ng variants and flite voices reading the English transcripts.
# The 40 English test sentences are never read by a synthetic voice either: their text stays unseen in training.
test_names="$(dirname "$0")/english-test-sentences.txt"
mapfile -t sentences < <(zcat "$transcripts" | grep -v -E "^($(paste -sd'|' "$test_names")):" | cut -d: -f2- | sed 's/^ *//' \
  | grep -v -i -E 'pbx|unmute' | awk 'NR <= 50')
for voice in en-us+f1 en-us+f2 en-us+m1 en-us+m3 en+f3 en+m2 en-gb-scotland+f5 en-us+steph en-us+Annie en-us+max; do
  dir="$out/wav/espeak-$voice"; mkdir -p "$dir"
  for n in "${!sentences[@]}"; do
    [ "$limit" -gt 0 ] && [ "$n" -ge "$limit" ] && break
    espeak-ng -v "$voice" -w "$dir/tmp.wav" "${sentences[$n]}"
    sox "$dir/tmp.wav" -r 16000 -c 1 -b 16 "$dir/$n.wav" && rm "$dir/tmp.wav"
    add "wav/espeak-$voice/$n.wav" "espeak-$voice" en espeak-ng GPL-3+ "$(split_of "$n")" "${sentences[$n]}"
  done
done
for voice in kal16 awb rms slt; do
  dir="$out/wav/flite-$voice"; mkdir -p "$dir"
  for n in "${!sentences[@]}"; do
    [ "$limit" -gt 0 ] && [ "$n" -ge "$limit" ] && break
    flite -voice "$voice" -t "${sentences[$n]}" -o "$dir/tmp.wav"
    sox "$dir/tmp.wav" -r 16000 -c 1 -b 16 "$dir/$n.wav" && rm "$dir/tmp.wav"
    add "wav/flite-$voice/$n.wav" "flite-$voice" en flite "BSD-like (flite)" "$(split_of "$n")" "${sentences[$n]}"
  done
done

echo "$(($(wc -l < "$manifest") - 1)) utterances → $manifest"
