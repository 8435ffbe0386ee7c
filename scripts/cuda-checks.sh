#!/usr/bin/env bash
# The checks and measurements that need an NVIDIA GPU, in one run: every project built against ONNX Runtime's CUDA
# package (-p:OnnxRuntimeNative=Gpu), the provider tests (which skip on CPU-only machines), the README's first command
# on the CPU and on CUDA, and the benchmark scenarios on CUDA. Needs the .NET SDK, an NVIDIA driver, and the CUDA and
# cuDNN versions ONNX Runtime's CUDA provider lists for its release (1.32: CUDA 12, cuDNN 9).
#
#   bash scripts/cuda-checks.sh [OUT_DIR]      # default: cuda-results/ (or $OUT when set)
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-${OUT:-cuda-results}}"
mkdir -p "$out"
gpu=(-c Release -p:OnnxRuntimeNative=Gpu)

nvidia-smi > "$out/nvidia-smi.txt" 2>&1 || echo "nvidia-smi failed: no NVIDIA driver?" | tee -a "$out/nvidia-smi.txt"

# 1. The CLI with CUDA natives: its provider list must name CUDA.
dotnet build src/SoundStorm.Cli "${gpu[@]}" -o "$out/cli" > "$out/build.log" 2>&1
cli=(dotnet "$out/cli/soundstorm.dll")
"${cli[@]}" info | tee "$out/info.txt"
grep -q CUDAExecutionProvider "$out/info.txt" || { echo "error: this ONNX Runtime has no CUDA provider (see $out/info.txt)" >&2; exit 1; }

# 2. Provider tests: CUDA parity and provider selection (the CUDA ones are skipped without a GPU, so they run here).
dotnet test tests/SoundStorm.Onnx.Tests "${gpu[@]}" --filter "FullyQualifiedName~Sessions" --logger "console;verbosity=normal" 2>&1 | tee "$out/provider-tests.log"
grep -q "Skipped.*CudaParity" "$out/provider-tests.log" && { echo "error: the CUDA parity tests were skipped" >&2; exit 1; }

# 3. The README's first command on each provider, same seed: wall time and peak memory.
for provider in cpu cuda; do
    /usr/bin/time -f "$provider: %e s wall, %M KB peak resident" -a -o "$out/readme-times.txt" \
        "${cli[@]}" resynthesize --provider "$provider" --seed 1 --source samples/audio/allison-en-new-extension.wav \
        --prompt samples/audio/carlo-it-prompt.wav --out "$out/readme-$provider.wav"
done
cat "$out/readme-times.txt"

# 4. The benchmark scenarios on CUDA (tables and plots under $out/scenarios and $out/seed).
dotnet run "${gpu[@]}" --project benchmarks/SoundStorm.Benchmarks -- scenarios --provider cuda --out "$out/scenarios" 2>&1 | tee "$out/scenarios.log"
dotnet run "${gpu[@]}" --project benchmarks/SoundStorm.Benchmarks -- scenarios --seed --provider cuda --out "$out/seed" 2>&1 | tee "$out/seed.log"
echo "results → $out"
