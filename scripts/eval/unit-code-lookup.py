#!/usr/bin/env python3
"""How much of each codec code the semantic units give away on their own: a count table, built on one token dataset,
from (speaker, the units within ±C frames) to the most frequent code of a level, scored on another dataset as the
share of frames whose code it picks exactly. A context seen in training with this speaker gives its code; an unseen
one backs off to fewer frames of context, then to the speaker's most frequent code, then to the overall one.

No acoustic context is used, so this is a floor for what an acoustic model reads from the units alone (MODEL_CARD.md,
"Where the acoustic model stands").

usage: unit-code-lookup.py TRAIN_TOKENS TEST_TOKENS [--voice SPEAKER] [--context C] [--levels 0,1]
prints one line per level and context: "level L context ±C: N/M frames (P %)".
"""
import argparse
import collections
import json
import os
import sys

import numpy as np


def load(folder, voice=None):
    header = os.path.join(folder, "dataset.json")
    if not os.path.isfile(header):
        sys.exit(f"{header}: missing; expected a token dataset folder")
    with open(header) as f:
        entries = json.load(f)["utterances"]
    items = []
    for entry in entries:
        if voice is not None and entry["speaker"] != voice:
            continue
        semantic = np.load(os.path.join(folder, entry["id"], "semantic.npy"))
        acoustic = np.load(os.path.join(folder, entry["id"], "acoustic.npy"))
        items.append((entry["speaker"], semantic, acoustic))
    return items


def windows(units, context):
    """The units within ±context of every frame, -1 beyond the ends."""
    padded = np.pad(units, context, constant_values=-1)
    return [tuple(padded[t:t + 2 * context + 1].tolist()) for t in range(len(units))]


def best(counter):
    """The most frequent code; ties go to the smallest, so results do not depend on reading order."""
    top = max(counter.values())
    return min(code for code, n in counter.items() if n == top)


def score(train, test, level, context):
    tables = [collections.defaultdict(collections.Counter) for _ in range(context + 1)]
    by_speaker = collections.defaultdict(collections.Counter)
    overall = collections.Counter()
    for speaker, units, codes in train:
        for c in range(context + 1):
            for t, key in enumerate(windows(units, c)):
                tables[c][(speaker, key)][int(codes[t, level])] += 1
        by_speaker[speaker].update(codes[:, level].tolist())
        overall.update(codes[:, level].tolist())
    hits = frames = 0
    for speaker, units, codes in test:
        keys = [windows(units, c) for c in range(context + 1)]
        for t in range(len(units)):
            guess = None
            for c in range(context, -1, -1):
                counts = tables[c].get((speaker, keys[c][t]))
                if counts:
                    guess = best(counts)
                    break
            if guess is None:
                guess = best(by_speaker[speaker] or overall)
            hits += guess == int(codes[t, level])
            frames += 1
    return hits, frames


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("train")
    parser.add_argument("test")
    parser.add_argument("--voice", help="score only this speaker's test utterances")
    parser.add_argument("--context", type=int, default=1)
    parser.add_argument("--levels", default="0,1")
    args = parser.parse_args()
    train, test = load(args.train), load(args.test, args.voice)
    if not test:
        sys.exit(f"{args.test}: no utterance of voice '{args.voice}'")
    levels = [int(x) for x in args.levels.split(",")]
    depth = train[0][2].shape[1]
    for level in levels:
        if not 0 <= level < depth:
            sys.exit(f"--levels: level {level} does not exist; the datasets have levels 0..{depth - 1}")
        for context in range(args.context + 1):
            hits, frames = score(train, test, level, context)
            print(f"level {level} context ±{context}: {hits}/{frames} frames ({100.0 * hits / frames:.1f} %)")


if __name__ == "__main__":
    main()
