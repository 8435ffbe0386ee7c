#!/usr/bin/env python3
"""A token dataset whose semantic tokens are forced-aligned phones: the acoustic model's upper bound.

  phone-tokens.py TOKENS MANIFEST PHONES OUT

TOKENS: a token dataset that `soundstorm-train prepare --manifest MANIFEST` made (docs/training.md): the corpus's
manifest.tsv, or a manifest of some of its rows beside it. PHONES: align-phones.py's phones.tsv for the same corpus. OUT gets a dataset with the same acoustic codes and, as
semantic tokens, the phone ids (align-phones.py's PHONES: SIL = 0, then the 39 ARPAbet phones; vocabulary 40), for
the utterances that have an alignment; the others are left out. Utterance ids are matched to manifest paths the way
`prepare` names them (the file name, with the voice prefixed where names clash); an alignment whose frame count is more
than one frame off the dataset's is an error, a difference of one is the codec's frame count rounding and is padded
with the last label. The dataset is written into OUT.partial and renamed at the end, so a failed run leaves nothing.
"""
import json
import os
import re
import shutil
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from importlib import import_module  # noqa: E402

align_phones = import_module("align-phones")
PHONES = align_phones.PHONES


def safe_id(name):
    return re.sub(r"[^A-Za-z0-9_.-]", "_", name)


def manifest_ids(manifest):
    """The ids `prepare --manifest` gives the train rows: file name, voice-prefixed where names clash."""
    rows, seen = [], set()
    with open(manifest, encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
        col = {name: i for i, name in enumerate(header)}
        for line in f:
            row = line.rstrip("\n").split("\t")
            path = row[col["path"]]
            if row[col["split"]] != "train" or path in seen:
                continue
            seen.add(path)
            rows.append((path, row[col["voice"]]))
    drafts = [(path, voice, safe_id(os.path.splitext(os.path.basename(path))[0])) for path, voice in rows]
    counts = {}
    for _, _, draft in drafts:
        counts[draft] = counts.get(draft, 0) + 1
    return {(safe_id(voice) + "-" + draft if counts[draft] > 1 else draft): path for path, voice, draft in drafts}


def main(tokens, manifest, phones_tsv, out):
    header = json.load(open(os.path.join(tokens, "dataset.json"), encoding="utf-8"))
    labels = {path: [PHONES.index(p) for p in symbols] for path, symbols in align_phones.read_labels(phones_tsv).items()}
    paths = manifest_ids(manifest)
    if os.path.exists(out):
        sys.exit(f"error: {out} exists; choose a new folder")
    partial = out + ".partial"
    shutil.rmtree(partial, ignore_errors=True)
    os.makedirs(partial)
    try:
        write(header, tokens, labels, paths, phones_tsv, partial)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    os.rename(partial, out)


def write(header, tokens, labels, paths, phones_tsv, out):
    kept, frames = [], 0
    for u in header["utterances"]:
        path = paths.get(u["id"])
        if path is None or path not in labels:
            continue
        ids = labels[path]
        if abs(len(ids) - u["frames"]) > 1:
            raise SystemExit(f"error: {path}: {len(ids)} aligned frames but {u['frames']} in {tokens}/{u['id']}")
        ids = (ids + ids[-1:])[: u["frames"]]
        os.makedirs(os.path.join(out, u["id"]))
        np.save(os.path.join(out, u["id"], "semantic.npy"), np.asarray(ids, dtype=np.int64))
        acoustic = np.load(os.path.join(tokens, u["id"], "acoustic.npy"))
        np.save(os.path.join(out, u["id"], "acoustic.npy"), acoustic)
        kept.append(u)
        frames += u["frames"]
    if not kept:
        raise SystemExit(f"error: no utterance of {tokens} has an alignment in {phones_tsv}")
    header = dict(header, semanticVocabulary=len(PHONES), utterances=kept)
    with open(os.path.join(out, "dataset.json"), "w", encoding="utf-8") as f:
        json.dump(header, f, indent=1)
    print(f"{len(kept)} utterances, {frames} frames ({frames / 50 / 3600:.2f} h)", file=sys.stderr)


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit(__doc__.split("\n\n")[1])
    main(*sys.argv[1:])
