#!/usr/bin/env python3
"""How accurate must the acoustic model's codes be for the test sentences to be recognised? (docs/evaluation.md)

  code-accuracy.py SOUNDSTORM MODEL CORPUS OUT [SEED]
  code-accuracy.py substitute CODES.npy OUT.npy KEEP0,KEEP1,... SEED   (the substitution alone, on one [T, Q] file)

SOUNDSTORM: the CLI command; MODEL: a full model package; CORPUS: scripts/corpus/build-corpus.sh's folder.
For each kept English test sentence (sentences.py grammar) it
  1. encodes the recording with the package's codec encoder: the true codes [T, Q];
  2. generates codes as resynthesis does (source semantic tokens, the first PROMPT_SECONDS (3) of the next held-out
     sentence as the same-voice prompt, seed SEED) and counts, per level, the frames where they equal the true codes;
  3. decodes the true codes with a share of them replaced at random, per level (CONDITIONS below), and the generated
     codes — then asks pocketsphinx, constrained to the test sentences' grammar, which sentence it hears.
A replaced code is drawn from the level's code frequencies over the test sentences, never the true one. Random
substitution is harsher than a model's near-misses, so its curve bounds from above the accuracy a model needs.
Writes OUT/report.json and prints one line per condition. CONDITIONS (environment) replaces the default list:
conditions separated by ';', each the keep shares per level separated by ',' or the word 'generated'. Encodings and
generated codes already in OUT/work are reused. Needs sox, pocketsphinx_batch (+ pocketsphinx-en-us) and
python3 with numpy."""
import json
import os
import subprocess
import sys
import wave

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import sentences  # noqa: E402

PS_MODEL = os.environ.get("POCKETSPHINX_MODEL", "/usr/share/pocketsphinx/model/en-us")
PROMPT_SECONDS = float(os.environ.get("PROMPT_SECONDS", "3"))
# Share of each level's codes kept true (levels 0..3); None marks the generated codes.
CONDITIONS = [
    ("true codes", (1.0, 1.0, 1.0, 1.0)),
    ("level 0 at 80 %, others true", (0.8, 1.0, 1.0, 1.0)),
    ("level 0 at 60 %, others true", (0.6, 1.0, 1.0, 1.0)),
    ("level 0 at 40 %, others true", (0.4, 1.0, 1.0, 1.0)),
    ("level 0 at 20 %, others true", (0.2, 1.0, 1.0, 1.0)),
    ("level 0 true, others at 30 / 9 / 8 %", (1.0, 0.3, 0.09, 0.08)),
    ("all levels at 60 %", (0.6, 0.6, 0.6, 0.6)),
    ("all levels at 21 / 30 / 9 / 8 % (held-out masked accuracy)", (0.21, 0.3, 0.09, 0.08)),
    ("generated (same-voice resynthesis)", None),
]


def conditions():
    text = os.environ.get("CONDITIONS")
    if not text:
        return CONDITIONS
    chosen = []
    for item in text.split(";"):
        if item.strip() == "generated":
            chosen.append(("generated (same-voice resynthesis)", None))
        else:
            keep = tuple(float(k) for k in item.split(","))
            chosen.append((" / ".join(f"{100 * k:g}" for k in keep) + " % of each level's codes kept", keep))
    return chosen


def run(*args):
    subprocess.run([str(a) for a in args], check=True, stdout=subprocess.DEVNULL)


def waveform_npy(wav_path, npy_path):
    with wave.open(wav_path, "rb") as w:
        if w.getsampwidth() != 2 or w.getnchannels() != 1 or w.getframerate() != 16000:
            sys.exit(f"error: {wav_path} is not 16 kHz mono 16-bit (the corpus format)")
        samples = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float32) / 32768.0
    np.save(npy_path, samples[None, :])


def encode(soundstorm, model, wav_path, work, name):
    cached = os.path.join(work, name + "-codes", "codes.npy")
    if os.path.exists(cached):
        return np.load(cached)[0]
    waveform_npy(wav_path, os.path.join(work, name + "-wave.npy"))
    out_dir = os.path.join(work, name + "-codes")
    run(soundstorm, "run-graph", "--graph", os.path.join(model, "codec_encoder.onnx"),
        "--in", f"waveform={os.path.join(work, name + '-wave.npy')}", "--out-dir", out_dir)
    return np.load(os.path.join(out_dir, "codes.npy"))[0]


def tokenize(soundstorm, model, wav_path, npy_path):
    if not os.path.exists(npy_path):
        run(soundstorm, "tokenize", "--model", model, "--input", wav_path, "--out", npy_path)
    return np.load(npy_path)


def code_frequencies(codes):
    """Per level, how often each code occurs in CODES [T, Q] (the codes a replacement is drawn from)."""
    size = int(codes.max()) + 1
    return [np.bincount(codes[:, q], minlength=size).astype(np.float64) for q in range(codes.shape[1])]


def substitute(codes, keep, frequencies, rng):
    """CODES with each level's frames replaced with probability 1 - KEEP[level], by another code of that level."""
    result = codes.copy()
    for level, share in enumerate(keep):
        replace = rng.random(codes.shape[0]) >= share
        for t in np.nonzero(replace)[0]:
            p = frequencies[level].copy()
            p[codes[t, level]] = 0.0
            if p.sum() == 0:  # the level holds one code only: any other will do
                p[:] = 1.0
                p[codes[t, level]] = 0.0
            result[t, level] = rng.choice(len(p), p=p / p.sum())
    return result


def recognise(folder, ids, work, name):
    raw = os.path.join(work, "raw-" + name)
    os.makedirs(raw, exist_ok=True)
    ctl = os.path.join(work, name + ".ctl")
    with open(ctl, "w", encoding="utf-8") as f:
        for uid in ids:
            run("sox", os.path.join(folder, uid + ".wav"), "-t", "raw", "-r", "16000", "-c", "1", "-b", "16", "-e", "signed-integer",
                os.path.join(raw, uid + ".raw"))
            f.write(uid + "\n")
    hyp = os.path.join(work, name + ".hyp")
    with open(os.path.join(work, name + ".pslog"), "w", encoding="utf-8") as log:
        subprocess.run(["pocketsphinx_batch", "-hmm", os.path.join(PS_MODEL, "en-us"), "-dict", os.path.join(PS_MODEL, "cmudict-en-us.dict"),
                        "-jsgf", os.path.join(work, "grammar.jsgf"), "-ctl", ctl, "-cepdir", raw, "-cepext", ".raw", "-adcin", "yes",
                        "-adchdr", "0", "-hyp", hyp], check=True, stdout=log, stderr=log)
    scored = subprocess.run([sys.executable, os.path.join(HERE, "sentences.py"), "score", os.path.join(work, "refs.tsv"), ctl, hyp],
                            check=True, capture_output=True, text=True)
    return json.loads(scored.stdout)


def main(soundstorm, model, corpus, out, seed="0"):
    model, corpus = os.path.abspath(model), os.path.abspath(corpus)
    if not os.path.exists(os.path.join(model, "codec_encoder.onnx")):
        sys.exit(f"error: {model} has no codec_encoder.onnx (give a full model package folder)")
    work = os.path.join(out, "work")
    os.makedirs(work, exist_ok=True)
    with open(os.path.join(corpus, "manifest.tsv"), encoding="utf-8") as f, open(os.path.join(work, "en-rows.tsv"), "w", encoding="utf-8") as rows:
        next(f)
        for line in f:
            path, voice, _, _, _, split, transcript = line.rstrip("\n").split("\t")
            if voice == "asterisk-en" and split == "test":
                rows.write(f"{os.path.join(corpus, path)}\t{transcript}\n")
    sentences.grammar(os.path.join(work, "en-rows.tsv"), os.path.join(PS_MODEL, "cmudict-en-us.dict"), work)
    with open(os.path.join(work, "refs.tsv"), encoding="utf-8") as f:
        refs = [line.rstrip("\n").split("\t")[:2] for line in f if line.strip()]

    truth, generated = {}, {}
    agree, frames = np.zeros(4), 0
    for i, (path, uid) in enumerate(refs):
        prompt_path = os.path.join(work, f"prompt-{uid}.wav")
        run("sox", "-V1", refs[(i + 1) % len(refs)][0], "-r", "16000", "-c", "1", "-b", "16", prompt_path, "trim", "0", PROMPT_SECONDS)
        codes = encode(soundstorm, model, path, work, uid)
        semantic = tokenize(soundstorm, model, path, os.path.join(work, uid + "-semantic.npy"))
        prompt_codes = encode(soundstorm, model, prompt_path, work, "prompt-" + uid)
        prompt_semantic = tokenize(soundstorm, model, prompt_path, os.path.join(work, "prompt-" + uid + "-semantic.npy"))
        n = min(len(prompt_codes), len(prompt_semantic))
        np.save(os.path.join(work, f"prompt-{uid}-a.npy"), prompt_codes[:n].astype(np.int64))
        np.save(os.path.join(work, f"prompt-{uid}-s.npy"), prompt_semantic[:n].astype(np.int64))
        if not os.path.exists(os.path.join(work, uid + "-generated.npy")):
            run(soundstorm, "generate", "--model", model, "--semantic", os.path.join(work, uid + "-semantic.npy"), "--prompt-semantic",
                os.path.join(work, f"prompt-{uid}-s.npy"), "--prompt-acoustic", os.path.join(work, f"prompt-{uid}-a.npy"), "--seed", seed,
                "--out", os.path.join(work, uid + "-generated.npy"))
        made = np.load(os.path.join(work, uid + "-generated.npy"))
        t = min(len(made), len(codes))
        truth[uid], generated[uid] = codes[:t].astype(np.int64), made[:t].astype(np.int64)
        agree += (truth[uid] == generated[uid]).sum(axis=0)
        frames += t
        print(f"[{i + 1}/{len(refs)}] {uid}: {t} frames", file=sys.stderr)

    frequencies = code_frequencies(np.concatenate(list(truth.values())))
    rng = np.random.default_rng(int(seed))
    results = {"sentences": len(refs), "frames": frames,
               "generated_agreement_per_level": [round(100.0 * a / frames, 1) for a in agree], "conditions": []}
    for label, keep in conditions():
        folder = os.path.join(work, "audio-" + str(len(results["conditions"])))
        os.makedirs(folder, exist_ok=True)
        kept = np.zeros(4)
        for uid in truth:
            codes = generated[uid] if keep is None else substitute(truth[uid], keep, frequencies, rng)
            kept += (codes == truth[uid]).sum(axis=0)
            np.save(os.path.join(folder, uid + ".npy"), codes)
            run(soundstorm, "decode", "--model", model, "--codes", os.path.join(folder, uid + ".npy"), "--out", os.path.join(folder, uid + ".wav"))
        score = recognise(folder, list(truth), work, "condition-" + str(len(results["conditions"])))
        row = {"condition": label, "codes_equal_to_true_per_level": [round(100.0 * k / frames, 1) for k in kept],
               "sentence_identification": score["accuracy"], "correct": score["correct"], "total": score["total"]}
        results["conditions"].append(row)
        print(f"{label}: codes equal to the true ones {row['codes_equal_to_true_per_level']} % per level → "
              f"{score['correct']}/{score['total']} sentences identified ({score['accuracy']} %)", flush=True)
    with open(os.path.join(out, "report.json"), "w", encoding="utf-8") as f:
        json.dump(results, f, indent=2)


if __name__ == "__main__":
    if len(sys.argv) == 6 and sys.argv[1] == "substitute":
        original = np.load(sys.argv[2])
        keeps = [float(k) for k in sys.argv[4].split(",")]
        if original.ndim != 2 or len(keeps) != original.shape[1]:
            sys.exit(f"error: {sys.argv[2]} has shape {original.shape}; give one KEEP per level of a [T, Q] array")
        np.save(sys.argv[3], substitute(original, keeps, code_frequencies(original), np.random.default_rng(int(sys.argv[5]))))
    elif len(sys.argv) in (5, 6) and sys.argv[1] != "substitute":
        main(*sys.argv[1:])
    else:
        sys.exit(__doc__)
