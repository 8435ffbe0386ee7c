#!/usr/bin/env python3
"""Phone information of a semantic tokenizer on held-out speech, against forced-aligned phone labels.

  aligned-pnmi.py SEMANTIC CORPUS PHONES [VOICE_REGEX]

SEMANTIC: a folder holding semantic.onnx (a model package, or the fragment `hubert-units` writes). PHONES:
scripts/corpus/align-phones.py's phones.tsv with the held-out rows (run it with --split test or all). Every held-out
(split = test) utterance of the voices matching VOICE_REGEX (default ^asterisk-en$: the 40 Allison test sentences)
that has an alignment is tokenised by the graph and compared frame by frame with its labels (the graph's frames are
the labels' frames). Prints JSON: PNMI = I(phone; unit) / H(phone) over the speech frames (silence left out, as
unit-phones.py does), its chance level (the units shuffled against the phones: the plug-in estimate's bias) and the
PNMI above it, frame counts, and how many units occur. Environment: SOUNDSTORM (the CLI; default: this checkout's
Release build).
"""
import json
import os
import re
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from importlib import import_module  # noqa: E402

unit_phones = import_module("unit-phones")
sys.path.insert(0, os.path.join(HERE, "..", "corpus"))
align_phones = import_module("align-phones")
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))


def main(semantic, corpus, phones_tsv, voices="^asterisk-en$"):
    cli = os.environ.get("SOUNDSTORM") or os.path.join(REPO, "src/SoundStorm.Cli/bin/Release/net10.0/soundstorm")
    graph = os.path.join(semantic, "semantic.onnx")
    for path, what in ((cli, "the soundstorm CLI (dotnet build src/SoundStorm.Cli -c Release, or set SOUNDSTORM)"),
                       (graph, "the semantic graph"), (phones_tsv, "the phone labels")):
        if not os.path.exists(path):
            sys.exit(f"error: {path} not found ({what})")
    labels = align_phones.read_labels(phones_tsv)
    rows = []
    with open(os.path.join(corpus, "manifest.tsv"), encoding="utf-8") as f:
        f.readline()
        for line in f:
            c = line.rstrip("\n").split("\t")
            if c[5] == "test" and re.search(voices, c[1]) and c[0] in labels:
                rows.append(c[0])
    if not rows:
        sys.exit(f"error: no held-out utterance of voices /{voices}/ has an alignment in {phones_tsv}")
    units, phones = [], []
    with tempfile.TemporaryDirectory(prefix="aligned-pnmi-") as work:
        for path in rows:
            raw = os.path.join(work, "in.raw")
            subprocess.run(["sox", "-V1", os.path.join(corpus, path), "-t", "raw", "-r", "16000", "-c", "1", "-b", "16",
                            "-e", "signed-integer", raw], check=True)
            np.save(os.path.join(work, "waveform.npy"), (np.fromfile(raw, dtype="<i2").astype(np.float32) / 32768.0)[None, :])
            r = subprocess.run([cli, "run-graph", "--graph", graph, "--in", f"waveform={work}/waveform.npy", "--out-dir", work],
                               capture_output=True, text=True)
            if r.returncode != 0:
                sys.exit(f"error: run-graph failed on {path}: {r.stderr.strip()[-300:]}")
            tokens = np.load(os.path.join(work, "tokens.npy")).ravel()
            n = min(len(tokens), len(labels[path]))
            if abs(len(tokens) - len(labels[path])) > 1:
                sys.exit(f"error: {path}: {len(tokens)} token frames but {len(labels[path])} labels")
            units.append(tokens[:n])
            phones += labels[path][:n]
    units, phones = np.concatenate(units), np.array(phones)
    speech = phones != "SIL"
    i_phone, h_phone = unit_phones.mutual_information(phones[speech], units[speech])
    chance = unit_phones.chance_information(phones[speech], units[speech])
    print(json.dumps({
        "semantic": os.path.abspath(semantic), "utterances": len(rows), "speech_frames": int(speech.sum()),
        "units_used": int(len(np.unique(units))), "pnmi": round(i_phone / h_phone, 4),
        "pnmi_chance": round(chance / h_phone, 4), "pnmi_above_chance": round((i_phone - chance) / h_phone, 4),
        "phone_entropy_bits": round(h_phone, 3),
    }, indent=2))


if __name__ == "__main__":
    if len(sys.argv) not in (4, 5):
        sys.exit(__doc__.split("\n\n")[1])
    main(*sys.argv[1:])
