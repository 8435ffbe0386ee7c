#!/usr/bin/env python3
"""Writes the text-to-speech job lists of the evaluation: the same sentences, prompts and output names as the
resynthesis lists, with each source recording replaced by its sentence's phones.

  speak-lists.py REFS SAME_LIST CROSS_LIST OUT_DIR

REFS: the kept English test sentences (sentences.py grammar: path<TAB>id<TAB>text). SAME_LIST, CROSS_LIST: prompts.py's
resynthesis lists (source<TAB>prompt<TAB>output). Writes OUT_DIR/speak-same.list and speak-cross.list
(/phones/<TAB>prompt<TAB>output, for soundstorm speak --list, which reads text between slashes as phones; outputs under OUT_DIR/speak-same/ and speak-cross/ with the
resynthesis outputs' file names). Phones: CMUdict's first pronunciation of each word, silence at both ends — what the
text front end gives for plain lower-case words, so the figure measures the text-to-semantic model, not normalisation."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "corpus"))
from importlib import import_module  # noqa: E402

align_phones = import_module("align-phones")


def main(refs_path, same_list, cross_list, out_dir):
    prons = align_phones.read_pronunciations(os.path.join(align_phones.MODEL, "cmudict-en-us.dict"))
    phones = {}
    with open(refs_path, encoding="utf-8") as f:
        for line in f:
            path, _, text = line.rstrip("\n").split("\t")
            words = align_phones.normalise(text).split()
            phones[path] = " ".join(["SIL"] + [p for w in words for p in prons[w][0]] + ["SIL"])
    for name, source in (("speak-same", same_list), ("speak-cross", cross_list)):
        os.makedirs(os.path.join(out_dir, name), exist_ok=True)
        with open(source, encoding="utf-8") as f, open(os.path.join(out_dir, name + ".list"), "w", encoding="utf-8") as out:
            for line in f:
                src, prompt, output = line.rstrip("\n").split("\t")
                if src in phones:
                    out.write(f"/{phones[src]}/\t{prompt}\t{os.path.join(out_dir, name, os.path.basename(output))}\n")


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    main(*sys.argv[1:])
