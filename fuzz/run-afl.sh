#!/usr/bin/env bash
# Coverage-guided fuzzing of one parser with AFL++ through SharpFuzz (release checks; CI runs the bounded mutation
# tests instead). Usage: fuzz/run-afl.sh wav|npy|safetensors|torch|pickle|onnx|manifest SECONDS
# Needs: apt-get install afl++; dotnet tool install --global SharpFuzz.CommandLine --version 2.3.0
set -euo pipefail
parser=${1:?parser}; seconds=${2:-60}
root=$(cd "$(dirname "$0")/.." && pwd)
out="$root/fuzz/findings/$parser"
bin="$root/fuzz/SoundStorm.Fuzz/bin/Release/net10.0"
dotnet build "$root/fuzz/SoundStorm.Fuzz" -c Release -v q >/dev/null
# Instrument the assemblies that hold the parsers (in the build output only).
for dll in SoundStorm.Onnx.dll SoundStorm.Export.dll; do
  "${SHARPFUZZ:-$HOME/.dotnet/tools/sharpfuzz}" "$bin/$dll" >/dev/null 2>&1 || true   # already instrumented: fine
done
mkdir -p "$out"
export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1
timeout --preserve-status "$seconds" afl-fuzz -i "$root/fuzz/corpus/$parser" -o "$out" -t 10000 -m none -- dotnet "$bin/SoundStorm.Fuzz.dll" "$parser" >"$out/afl.log" 2>&1 || true
stats="$out/default/fuzzer_stats"
if [ -f "$stats" ]; then
  printf '%s: execs %s, paths %s, crashes %s, hangs %s\n' "$parser" \
    "$(awk -F' *: ' '/^execs_done/{print $2}' "$stats")" "$(awk -F' *: ' '/^corpus_count/{print $2}' "$stats")" \
    "$(awk -F' *: ' '/^saved_crashes/{print $2}' "$stats")" "$(awk -F' *: ' '/^saved_hangs/{print $2}' "$stats")"
else
  echo "$parser: afl-fuzz did not start; see $out/afl.log"; tail -20 "$out/afl.log"; exit 1
fi
