#!/usr/bin/env python3
"""Builds a token dataset whose validation split is a chosen set of utterances (docs/evaluation.md).

  validation-split.py OUT FILLER TARGET [VOICE [MAX]]

The trainer validates the last part of a dataset (--validation-fraction). OUT lists as many utterances of the
dataset FILLER as it will validate, then the utterances of the dataset TARGET (only VOICE's when given; at most MAX,
spread evenly over them), and prints the --validation-fraction that makes exactly TARGET's part the validation split.
Validating a checkpoint on OUT (train --start-from CKPT --steps 1 --lr 1e-12 --min-lr 1e-12 --warmup 0
--validate-every 1 --validation-fraction F) gives its masked-token accuracy on those utterances: on held-out real
recordings (TARGET prepared from the corpus's test rows), or on utterances it was trained on (TARGET = its training
dataset), to tell a model that has not fitted its data from one that fits it but does not generalise.
Utterance folders are linked, not copied; nothing is written if an input is wrong."""
import json
import os
import shutil
import sys


def load(folder):
    path = os.path.join(folder, "dataset.json")
    if not os.path.exists(path):
        sys.exit(f"error: {path} not found (give a token dataset folder)")
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def main(out, filler_dir, target_dir, voice=None, limit=None):
    filler, target = load(filler_dir), load(target_dir)
    for key in ("codebooks", "codebookSize", "semanticVocabulary", "frameRate"):
        if filler[key] != target[key]:
            sys.exit(f"error: {key} is {filler[key]} in {filler_dir} but {target[key]} in {target_dir}")
    chosen = [u for u in target["utterances"] if voice is None or u["speaker"] == voice]
    if not chosen:
        sys.exit(f"error: no utterance of voice '{voice}' in {target_dir}")
    if limit is not None and len(chosen) > int(limit):
        step = len(chosen) / int(limit)
        chosen = [chosen[int(i * step)] for i in range(int(limit))]
    target_ids = {u["id"] for u in chosen}
    padding = [u for u in filler["utterances"] if u["id"] not in target_ids][:len(chosen)]
    if len(padding) < len(chosen):
        sys.exit(f"error: {filler_dir} has {len(padding)} other utterances; {len(chosen)} are needed before the validation part")
    if os.path.exists(out):
        sys.exit(f"error: {out} already exists")

    temp = out + ".partial"
    shutil.rmtree(temp, ignore_errors=True)
    os.makedirs(temp)
    entries = []
    for prefix, folder, utterances in (("f-", filler_dir, padding), ("v-", target_dir, chosen)):
        for u in utterances:
            name = prefix + u["id"]
            os.symlink(os.path.abspath(os.path.join(folder, u["id"])), os.path.join(temp, name))
            entries.append(dict(u, id=name))
    header = {k: v for k, v in target.items() if k != "utterances"}
    header["utterances"] = entries
    with open(os.path.join(temp, "dataset.json"), "w", encoding="utf-8") as f:
        json.dump(header, f, indent=1)
    os.rename(temp, out)
    # ceil(F · total) must come to exactly the validation part: half an utterance below it.
    fraction = (len(chosen) - 0.5) / len(entries)
    print(f"{len(chosen)} validation utterances after {len(padding)} others; use --validation-fraction {fraction:.6f}")


if __name__ == "__main__":
    if len(sys.argv) not in (4, 5, 6):
        sys.exit(__doc__)
    main(*sys.argv[1:])
