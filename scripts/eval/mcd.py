#!/usr/bin/env python3
"""Mel-cepstral distortion between reference and processed recordings, with SPTK.

  mcd.py PAIRS.tsv OUT.json     PAIRS: voice<TAB>reference.wav<TAB>processed.wav

Both files are brought to 16 kHz mono 16-bit with sox, then: x2x +sf | frame -l 400 -p 80 | window -l 400 -L 512 |
mcep -l 512 -m 24 -a 0.42 (25 ms frames, 5 ms shift, 24th-order mel-cepstra). Frames are compared index by index
(the codec keeps time: its output starts where its input did), up to the shorter file. Silent frames of the
reference are masked: a frame counts when its energy is above -60 dBFS and within 40 dB of the loudest frame.
MCD per frame = 10/ln10 · sqrt(2 Σ_{d=1..24} (c_d − c'_d)²), c0 (the gain) excluded; averaged over the counted
frames of an utterance, then over utterances."""
import array
import json
import math
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

SPTK = os.environ.get("SPTK_BIN", "/usr/libexec/sptk/bin")
ORDER, FRAME, SHIFT, FFT = 24, 400, 80, 512


def run(command, data=None):
    return subprocess.run(command, input=data, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=True).stdout


def samples(path):
    return run(["sox", path, "-t", "raw", "-r", "16000", "-c", "1", "-b", "16", "-e", "signed-integer", "-"])


def frames_and_cepstra(raw):
    as_float = run([f"{SPTK}/x2x", "+sf"], raw)
    framed = run([f"{SPTK}/frame", "-l", str(FRAME), "-p", str(SHIFT)], as_float)
    windowed = run([f"{SPTK}/window", "-l", str(FRAME), "-L", str(FFT)], framed)
    cepstra = run([f"{SPTK}/mcep", "-l", str(FFT), "-m", str(ORDER), "-a", "0.42", "-e", "1"], windowed)
    f, c = array.array("f"), array.array("f")
    f.frombytes(framed)
    c.frombytes(cepstra)
    return f, c


def distortion(reference, processed):
    ref_frames, ref_cep = frames_and_cepstra(samples(reference))
    _, out_cep = frames_and_cepstra(samples(processed))
    width = ORDER + 1
    count = min(len(ref_cep), len(out_cep)) // width
    energy = []
    for t in range(count):
        frame = ref_frames[t * FRAME:(t + 1) * FRAME]
        mean_square = sum(x * x for x in frame) / FRAME
        energy.append(10 * math.log10(mean_square / 32768.0 ** 2 + 1e-12))
    if not energy:
        return None, 0, 0
    loudest = max(energy)
    total, used = 0.0, 0
    for t in range(count):
        if energy[t] < -60 or energy[t] < loudest - 40:
            continue
        a, b = ref_cep[t * width:(t + 1) * width], out_cep[t * width:(t + 1) * width]
        total += 10 / math.log(10) * math.sqrt(2 * sum((a[d] - b[d]) ** 2 for d in range(1, width)))
        used += 1
    return (total / used if used else None), used, count


def main(pairs_path, out_path):
    with open(pairs_path, encoding="utf-8") as f:
        pairs = [line.rstrip("\n").split("\t") for line in f if line.strip()]

    def one(pair):
        voice, reference, processed = pair
        try:
            mcd, used, frames = distortion(reference, processed)
            return {"voice": voice, "reference": reference, "processed": processed, "mcd": mcd, "frames": frames, "speech_frames": used}
        except (subprocess.CalledProcessError, OSError) as e:
            return {"voice": voice, "reference": reference, "processed": processed, "mcd": None, "error": str(e)}

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        rows = list(pool.map(one, pairs))
    scored = [r for r in rows if r["mcd"] is not None]
    by_voice = {}
    for r in scored:
        by_voice.setdefault(r["voice"], []).append(r["mcd"])
    result = {
        "utterances": len(scored),
        "failed": [r for r in rows if "error" in r],
        "silent": [r["reference"] for r in rows if r["mcd"] is None and "error" not in r],  # no frame above the energy mask
        "mean_mcd_db": round(sum(r["mcd"] for r in scored) / len(scored), 3) if scored else None,
        "by_voice": {v: {"utterances": len(x), "mean_mcd_db": round(sum(x) / len(x), 3)} for v, x in sorted(by_voice.items())},
        "per_utterance": rows,
    }
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump(result, f, indent=1)
    print(f"MCD over {len(scored)} utterances: {result['mean_mcd_db']} dB ({len(result['silent'])} silent, {len(result['failed'])} failed)", file=sys.stderr)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(*sys.argv[1:])
