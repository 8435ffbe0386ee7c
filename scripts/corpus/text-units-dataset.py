#!/usr/bin/env python3
"""Builds the text-to-semantic training set: for every utterance with forced phone labels, its phone sequence, each
phone's duration in frames and the semantic units of its frames.

  text-units-dataset.py TOKENS MANIFEST PHONES OUT

TOKENS: a token dataset (`soundstorm-train prepare`) of the corpus, tokenised by the package's semantic graph.
MANIFEST: the manifest it was prepared from (its train rows give the dataset ids). PHONES: align-phones.py's
phones.tsv. OUT (a new folder) gets dataset.json and <id>/phones.npy (int64 [N], align-phones.py's ids: SIL = 0),
<id>/durations.npy (int64 [N], frames, summing to T) and <id>/units.npy (int64 [T]). Runs of one label become one
phone: the aligner's labels do not mark where one of two equal neighbouring phones ends."""
import json
import os
import shutil
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from importlib import import_module  # noqa: E402

align_phones = import_module("align-phones")
phone_tokens = import_module("phone-tokens")
PHONES = align_phones.PHONES


def runs(labels):
    """[symbol per frame] → (phone ids, durations)."""
    ids, durations = [], []
    for symbol in labels:
        phone = PHONES.index(symbol)
        if ids and ids[-1] == phone:
            durations[-1] += 1
        else:
            ids.append(phone)
            durations.append(1)
    return ids, durations


def main(tokens, manifest, phones_tsv, out):
    header = json.load(open(os.path.join(tokens, "dataset.json"), encoding="utf-8"))
    labels = align_phones.read_labels(phones_tsv)
    paths = phone_tokens.manifest_ids(manifest)
    if os.path.exists(out):
        sys.exit(f"error: {out} exists; choose a new folder")
    partial = out + ".partial"
    shutil.rmtree(partial, ignore_errors=True)
    os.makedirs(partial)
    kept = []
    try:
        for u in header["utterances"]:
            path = paths.get(u["id"])
            if path is None or path not in labels:
                continue
            units = np.load(os.path.join(tokens, u["id"], "semantic.npy"))
            frames = labels[path]
            if abs(len(frames) - len(units)) > 1:
                sys.exit(f"error: {path}: {len(frames)} aligned frames but {len(units)} units in {tokens}/{u['id']}")
            n = min(len(frames), len(units))
            ids, durations = runs(frames[:n])
            folder = os.path.join(partial, u["id"])
            os.makedirs(folder)
            np.save(os.path.join(folder, "phones.npy"), np.asarray(ids, dtype=np.int64))
            np.save(os.path.join(folder, "durations.npy"), np.asarray(durations, dtype=np.int64))
            np.save(os.path.join(folder, "units.npy"), np.asarray(units[:n], dtype=np.int64))
            kept.append({"id": u["id"], "speaker": u.get("speaker"), "phones": len(ids), "frames": n})
        if not kept:
            sys.exit(f"error: no utterance of {tokens} has an alignment in {phones_tsv}")
        dataset = {"formatVersion": 1, "kind": "text-units", "phones": PHONES, "units": header["semanticVocabulary"],
                   "frameRate": header["frameRate"], "utterances": kept}
        with open(os.path.join(partial, "dataset.json"), "w", encoding="utf-8") as f:
            json.dump(dataset, f, indent=1)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    os.rename(partial, out)
    print(f"{len(kept)} utterances, {sum(u['frames'] for u in kept)} frames → {out}", file=sys.stderr)


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    main(*sys.argv[1:])
