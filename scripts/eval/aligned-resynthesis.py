#!/usr/bin/env python3
"""Same-voice resynthesis of the held-out English test sentences from their forced-aligned phone labels: what an
acoustic model trained on phone units (scripts/corpus/phone-tokens.py) does when its units are exactly right.

  aligned-resynthesis.py PACKAGE CORPUS PHONES OUT

PACKAGE: a model package whose semantic vocabulary is align-phones.py's 40 phone ids. PHONES: align-phones.py's
phones.tsv holding the test sentences (run it with --split test or all). The sentences, the prompts and the scoring
are evaluate.sh's same-voice measure (docs/evaluation.md): sentence i is generated with the first PROMPT_SECONDS (3)
of sentence i + 1 as its prompt — that prompt's codes from the package's codec encoder, its phone labels as the
prompt's semantic tokens — then identified by pocketsphinx against a grammar of the test sentences. Environment:
SOUNDSTORM (the CLI; default: the Release build of this checkout), SEED (0), PROMPT_SECONDS (3).
Writes OUT/report.json ({correct, total, accuracy, wrong}) and OUT/wav/*.wav.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "corpus"))
from importlib import import_module  # noqa: E402

align_phones = import_module("align-phones")
PHONES = align_phones.PHONES
MODEL = os.environ.get("POCKETSPHINX_MODEL", "/usr/share/pocketsphinx/model/en-us")
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))


def run(cmd, **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if r.returncode != 0:
        sys.exit(f"error: {' '.join(cmd[:3])} … failed: {(r.stderr or r.stdout).strip()[-400:]}")
    return r


def main(package, corpus, phones_tsv, out):
    cli = os.environ.get("SOUNDSTORM") or os.path.join(REPO, "src/SoundStorm.Cli/bin/Release/net10.0/soundstorm")
    seed = os.environ.get("SEED", "0")
    prompt_seconds = float(os.environ.get("PROMPT_SECONDS", "3"))
    if not os.path.exists(cli):
        sys.exit(f"error: {cli} not found (dotnet build src/SoundStorm.Cli -c Release, or set SOUNDSTORM)")
    labels = {path: np.asarray([PHONES.index(p) for p in symbols], dtype=np.int64)
              for path, symbols in align_phones.read_labels(phones_tsv).items()}
    work = tempfile.mkdtemp(prefix="aligned-resynthesis-")
    try:
        rows = os.path.join(work, "en-rows.tsv")
        with open(os.path.join(corpus, "manifest.tsv"), encoding="utf-8") as f, open(rows, "w", encoding="utf-8") as w:
            f.readline()
            for line in f:
                c = line.rstrip("\n").split("\t")
                if c[1] == "asterisk-en" and c[5] == "test":
                    w.write(f"{os.path.join(corpus, c[0])}\t{c[6]}\n")
        run([sys.executable, os.path.join(HERE, "sentences.py"), "grammar", rows, os.path.join(MODEL, "cmudict-en-us.dict"), work])
        refs = [line.rstrip("\n").split("\t") for line in open(os.path.join(work, "refs.tsv"), encoding="utf-8") if line.strip()]
        missing = [p for p, _, _ in refs if os.path.relpath(p, corpus) not in labels]
        if missing:
            sys.exit(f"error: {phones_tsv} has no alignment for {len(missing)} test sentences, e.g. {missing[0]}")
        wav_dir = os.path.join(work, "wav")
        os.makedirs(wav_dir)
        prompt_frames_max = int((prompt_seconds * 16000 - 400) // 320 + 1)
        for i, (path, uid, _) in enumerate(refs):
            prompt_path = refs[(i + 1) % len(refs)][0]
            prompt_labels = labels[os.path.relpath(prompt_path, corpus)]
            # The prompt's codes: the codec encoder on its first PROMPT_SECONDS, as the pipeline encodes a prompt.
            cut = os.path.join(work, "prompt.raw")
            run(["sox", "-V1", prompt_path, "-t", "raw", "-r", "16000", "-c", "1", "-b", "16", "-e", "signed-integer", cut,
                 "trim", "0", str(prompt_seconds)])
            waveform = (np.fromfile(cut, dtype="<i2").astype(np.float32) / 32768.0)[None, :]
            np.save(os.path.join(work, "waveform.npy"), waveform)
            run([cli, "run-graph", "--graph", os.path.join(package, "codec_encoder.onnx"),
                 "--in", f"waveform={os.path.join(work, 'waveform.npy')}", "--out-dir", work])
            codes = np.load(os.path.join(work, "codes.npy"))[0]
            n = min(len(codes), len(prompt_labels), prompt_frames_max)
            np.save(os.path.join(work, "prompt-acoustic.npy"), codes[:n].astype(np.int64))
            np.save(os.path.join(work, "prompt-semantic.npy"), prompt_labels[:n])
            np.save(os.path.join(work, "semantic.npy"), labels[os.path.relpath(path, corpus)])
            run([cli, "generate", "--model", package, "--semantic", os.path.join(work, "semantic.npy"),
                 "--prompt-semantic", os.path.join(work, "prompt-semantic.npy"),
                 "--prompt-acoustic", os.path.join(work, "prompt-acoustic.npy"), "--seed", seed,
                 "--out", os.path.join(wav_dir, uid + ".wav")])
        raw_dir = os.path.join(work, "raw")
        os.makedirs(raw_dir)
        with open(os.path.join(work, "ctl"), "w") as ctl:
            for _, uid, _ in refs:
                run(["sox", os.path.join(wav_dir, uid + ".wav"), "-t", "raw", "-r", "16000", "-c", "1", "-b", "16",
                     "-e", "signed-integer", os.path.join(raw_dir, uid + ".raw")])
                ctl.write(uid + "\n")
        run(["pocketsphinx_batch", "-hmm", os.path.join(MODEL, "en-us"), "-dict", os.path.join(MODEL, "cmudict-en-us.dict"),
             "-jsgf", os.path.join(work, "grammar.jsgf"), "-ctl", os.path.join(work, "ctl"), "-cepdir", raw_dir,
             "-cepext", ".raw", "-adcin", "yes", "-adchdr", "0", "-hyp", os.path.join(work, "hyp")])
        score = run([sys.executable, os.path.join(HERE, "sentences.py"), "score", os.path.join(work, "refs.tsv"),
                     os.path.join(work, "ctl"), os.path.join(work, "hyp")]).stdout
        os.makedirs(out, exist_ok=True)
        with open(os.path.join(out, "report.json"), "w", encoding="utf-8") as f:
            f.write(score)
        shutil.rmtree(os.path.join(out, "wav"), ignore_errors=True)
        shutil.move(wav_dir, os.path.join(out, "wav"))
        result = json.loads(score)
        print(f"same-voice sentence identification from aligned phones: {result['correct']}/{result['total']} "
              f"({result['accuracy']} %)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit(__doc__.split("\n\n")[1])
    main(*sys.argv[1:])
