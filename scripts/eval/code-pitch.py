#!/usr/bin/env python3
"""Do a codec's codes carry the speaker's pitch? A lookup probe: for each codebook, the mean log F0 of the voiced
frames that chose each code, fitted on training utterances; applied to held-out utterances, the correlation of its
prediction with their measured log F0 says how much pitch that codebook holds (1 = all of it, 0 = none). A codec
whose codes carry no pitch cannot render a voice's pitch, whatever its decoder. For scale, the same table keyed by
the voice instead of a code (speaker_baseline) shows how much of the pitch merely knowing the speaker explains.

  code-pitch.py probe SOUNDSTORM ENCODER.onnx CORPUS OUT.json [TRAIN_PER_VOICE [TEST_PER_VOICE]]
      SOUNDSTORM: the soundstorm CLI (run-graph runs the encoder); F0 from aubiopitch (yinfft, a window of two code
      frames centred on each code frame).
  code-pitch.py score FRAMES.tsv
      FRAMES.tsv: split<TAB>voice<TAB>log_f0<TAB>code_0 … code_Q-1 per voiced frame (split = train or test); prints the JSON.
Pure Python (no numpy), so it runs wherever the evaluation does."""
import array
import ast
import json
import math
import os
import struct
import subprocess
import sys
import tempfile
import wave

SMOOTHING = 2  # frames of the global mean added to every code's average (codes seen once are not trusted)


def correlation(xs, ys):
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    return sxy / math.sqrt(sxx * syy) if sxx > 0 and syy > 0 else 0.0


def lookup_prediction(train, test, key):
    """Smoothed mean of the training values per key, applied to the test items (an unseen key gets the overall mean)."""
    mean = sum(f for f, _ in train) / len(train)
    sums, counts = {}, {}
    for f, item in train:
        sums[key(item)] = sums.get(key(item), 0.0) + f
        counts[key(item)] = counts.get(key(item), 0) + 1
    table = {k: (sums[k] + SMOOTHING * mean) / (counts[k] + SMOOTHING) for k in sums}
    return [table.get(key(item), mean) for _, item in test]


def score(frames):
    """frames: (split, voice, log_f0, codes). Returns the per-codebook, averaged and speaker-baseline correlations on the test frames."""
    train = [(f, (v, c)) for s, v, f, c in frames if s == "train"]
    test = [(f, (v, c)) for s, v, f, c in frames if s == "test"]
    if not train or not test:
        raise ValueError(f"need voiced frames in both splits (found {len(train)} train, {len(test)} test)")
    books = len(train[0][1][1])
    predictions = [lookup_prediction(train, test, lambda item, q=q: item[1][q]) for q in range(books)]
    measured = [f for f, _ in test]
    measured_mean = sum(measured) / len(measured)
    averaged = [sum(p[i] for p in predictions) / books for i in range(len(test))]
    return {
        "train_frames": len(train),
        "test_frames": len(test),
        "per_codebook": [round(correlation(p, measured), 4) for p in predictions],
        "averaged": round(correlation(averaged, measured), 4),
        "speaker_baseline": round(correlation(lookup_prediction(train, test, lambda item: item[0]), measured), 4),
        "log_f0_std": round(math.sqrt(sum((f - measured_mean) ** 2 for f in measured) / len(measured)), 4),
    }


def read_wav(path):
    with wave.open(path, "rb") as w:
        if w.getsampwidth() != 2 or w.getnchannels() != 1:
            raise ValueError(f"{path}: expected 16-bit mono PCM")
        raw = array.array("h", w.readframes(w.getnframes()))
        if sys.byteorder == "big":
            raw.byteswap()
        return [v / 32768.0 for v in raw], w.getframerate()


def write_npy(path, values):
    header = "{'descr': '<f4', 'fortran_order': False, 'shape': (1, %d), }" % len(values)
    header += " " * ((64 - (10 + len(header) + 1) % 64) % 64) + "\n"
    data = array.array("f", values)
    if sys.byteorder == "big":
        data.byteswap()
    with open(path, "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode("latin1"))
        f.write(data.tobytes())


def read_npy_int64(path):
    with open(path, "rb") as f:
        if f.read(6) != b"\x93NUMPY":
            raise ValueError(f"{path}: not a .npy file")
        major = f.read(2)[0]
        size = struct.unpack("<H" if major == 1 else "<I", f.read(2 if major == 1 else 4))[0]
        header = ast.literal_eval(f.read(size).decode("latin1"))
        if header["descr"] != "<i8" or header["fortran_order"]:
            raise ValueError(f"{path}: expected C-ordered little-endian int64 codes, found {header['descr']}")
        values = array.array("q", f.read())
        if sys.byteorder == "big":
            values.byteswap()
    return values, header["shape"]


def codec_rates(encoder):
    """(sample rate, frame rate) from the package manifest or fragment.json beside the encoder graph."""
    for name in ("manifest.json", "fragment.json"):
        path = os.path.join(os.path.dirname(os.path.abspath(encoder)), name)
        if os.path.exists(path):
            with open(path, encoding="utf-8") as f:
                info = json.load(f)
            if info.get("sampleRate") and info.get("frameRate"):
                return int(info["sampleRate"]), float(info["frameRate"])
    raise ValueError(f"{encoder}: no manifest.json or fragment.json with sampleRate and frameRate beside it")


def utterance_frames(soundstorm, encoder, wav_path, scratch):
    """(log_f0, codes) for every voiced frame, or [] when the encoder refuses the file (e.g. shorter than a frame)."""
    sample_rate, frame_rate = codec_rates(encoder)
    samples, rate = read_wav(wav_path)
    if rate != sample_rate:
        raise ValueError(f"{wav_path}: {rate} Hz, but the codec runs at {sample_rate} Hz (resample the corpus first)")
    npy = os.path.join(scratch, "waveform.npy")
    write_npy(npy, samples)
    out_dir = os.path.join(scratch, "codes")
    if subprocess.run([soundstorm, "run-graph", "--graph", encoder, "--in", f"waveform={npy}", "--out-dir", out_dir],
                      capture_output=True).returncode != 0:
        return []
    codes, shape = read_npy_int64(os.path.join(out_dir, os.listdir(out_dir)[0]))
    frames, books = shape[1], shape[2]
    # aubio's row k analyses the B samples ending at (k + 1)·step, centred at (k + 1)·step − B/2. With step = hop/2 and
    # B = 2·hop, row 2t + 2 is centred on code frame t's centre, (t + ½)·hop.
    hop = round(sample_rate / frame_rate)
    step = hop // 2
    pitch = subprocess.run(["aubiopitch", "-i", wav_path, "-r", str(rate), "-H", str(step), "-B", str(2 * hop), "-p", "yinfft", "-u", "Hz"],
                           capture_output=True, text=True, check=True).stdout.split()
    f0 = [float(v) for v in pitch[1::2]]
    pairs = []
    for t in range(frames):
        k = 2 * t + 2
        if k < len(f0) and 60 < f0[k] < 400:
            pairs.append((math.log(f0[k]), tuple(codes[t * books:(t + 1) * books])))
    return pairs


def probe(soundstorm, encoder, corpus, out_path, train_per_voice=6, test_per_voice=2):
    with open(os.path.join(corpus, "manifest.tsv"), encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
        rows = [dict(zip(header, line.rstrip("\n").split("\t"))) for line in f]
    chosen = {}
    for row in rows:
        wanted = train_per_voice if row["split"] == "train" else test_per_voice if row["split"] == "test" else 0
        bucket = chosen.setdefault((row["voice"], row["split"]), [])
        if len(bucket) < wanted:
            bucket.append(row["path"])
    frames = []
    with tempfile.TemporaryDirectory() as scratch:
        for (voice, split), paths in sorted(chosen.items()):
            for path in paths:
                frames += [(split, voice, f, c) for f, c in utterance_frames(soundstorm, encoder, os.path.join(corpus, path), scratch)]
    result = score(frames)
    result["encoder"] = encoder
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump(result, f, indent=1)
    print(json.dumps(result))


def main(argv):
    if len(argv) >= 5 and argv[0] == "probe":
        probe(argv[1], argv[2], argv[3], argv[4], *(int(a) for a in argv[5:7]))
    elif len(argv) == 2 and argv[0] == "score":
        with open(argv[1], encoding="utf-8") as f:
            frames = [(p[0], p[1], float(p[2]), tuple(int(c) for c in p[3:])) for p in (line.rstrip("\n").split("\t") for line in f) if p[0]]
        print(json.dumps(score(frames)))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
