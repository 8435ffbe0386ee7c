#!/usr/bin/env python3
"""How much does an acoustic model use the semantic tokens? A control dataset: a copy of a token dataset (`prepare`'s
output) whose held-out utterances — the last `--validation-fraction` of dataset.json, as the trainer splits it — carry
the semantic tokens of another held-out utterance (tiled or cut to their own length), or one constant unit; the
acoustic tokens and the training utterances are linked, not copied. Validating a checkpoint on both datasets
(`soundstorm-train train --start-from CKPT --steps 1 --lr 1e-12 --min-lr 1e-12 --warmup 0 --validate-every 1`) gives
its held-out accuracy with and without the right semantic content; the difference is what the semantics contribute.

  semantic-control.py DATASET OUT shuffle|constant [VALIDATION_FRACTION]   (default 0.05, the trainer's)
"""
import json, math, os, shutil, sys

import numpy as np


def main(src, dst, mode, fraction=0.05):
    if mode not in ("shuffle", "constant"):
        sys.exit(f"mode must be 'shuffle' or 'constant', not '{mode}'")
    if os.path.exists(dst):
        sys.exit(f"{dst} exists: give a new folder")
    src, dst = os.path.abspath(src), os.path.abspath(dst)
    with open(os.path.join(src, "dataset.json")) as f:
        dataset = json.load(f)
    utterances = dataset["utterances"]
    held = utterances[len(utterances) - math.ceil(fraction * len(utterances)):]
    if len(held) < 2:
        sys.exit("fewer than two held-out utterances: nothing to shuffle between")
    rng = np.random.default_rng(0)
    order = rng.permutation(len(held))
    while any(i == j for i, j in enumerate(order)):  # every utterance gets another's tokens
        order = rng.permutation(len(held))
    donors = {u["id"]: held[j]["id"] for u, j in zip(held, order)}
    os.makedirs(dst)
    try:
        write_copy(src, dst, dataset, mode, donors)
    except BaseException:
        shutil.rmtree(dst)  # nothing half-written is left behind
        raise
    print(f"{len(held)} held-out utterances given {mode} semantic tokens in {dst}")


def write_copy(src, dst, dataset, mode, donors):
    with open(os.path.join(dst, "dataset.json"), "w") as f:
        json.dump(dataset, f, indent=2)
    for u in dataset["utterances"]:
        folder = os.path.join(dst, u["id"])
        os.makedirs(folder)
        os.symlink(os.path.join(src, u["id"], "acoustic.npy"), os.path.join(folder, "acoustic.npy"))
        own_path = os.path.join(src, u["id"], "semantic.npy")
        if u["id"] not in donors:
            os.symlink(own_path, os.path.join(folder, "semantic.npy"))
            continue
        own = np.load(own_path)
        if mode == "constant":
            values, counts = np.unique(own, return_counts=True)
            tokens = np.full_like(own, values[counts.argmax()])
        else:
            tokens = np.resize(np.load(os.path.join(src, donors[u["id"]], "semantic.npy")), own.shape)
        np.save(os.path.join(folder, "semantic.npy"), tokens)


if __name__ == "__main__":
    if len(sys.argv) not in (4, 5):
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4]) if len(sys.argv) == 5 else 0.05)
