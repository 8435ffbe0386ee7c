#!/usr/bin/env python3
"""Sentence-identification scoring with pocketsphinx: build a JSGF grammar whose alternatives are exactly the test
sentences, and score pocketsphinx_batch hypotheses against them.

  sentences.py grammar MANIFEST_ROWS DICT OUT_DIR   rows: path<TAB>transcript; writes grammar.jsgf, refs.tsv, dropped.tsv
  sentences.py score REFS CTL HYP                  prints JSON {correct, total, accuracy, wrong: [...]}
  sentences.py wer REFS CTL HYP                    prints JSON {words, errors, wer} (for free recognition with a language model)

Text is normalised the same way on both sides: lower case, digits and '*' spelled out, punctuation and hyphens to
spaces. A sentence with a word missing from the pronunciation dictionary cannot be in the grammar, so it is dropped
and listed in dropped.tsv (with the missing words)."""
import json
import os
import re
import sys

ONES = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split()
TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()


def number_words(digits):
    n = int(digits)
    if n < 20:
        return ONES[n]
    if n < 100:
        return TENS[n // 10] + ("" if n % 10 == 0 else " " + ONES[n % 10])
    return " ".join(ONES[int(d)] for d in digits)  # longer numbers are read digit by digit


def normalise(text):
    text = text.lower().replace("*", " star ").replace("#", " pound ")
    text = re.sub(r"\d+", lambda m: " " + number_words(m.group(0)) + " ", text)
    text = re.sub(r"[^a-z' ]+", " ", text)  # punctuation, hyphens, ellipses
    words = [w.strip("'") for w in text.split()]
    return " ".join(w for w in words if w)


def read_dictionary(path):
    words = set()
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            if line.strip():
                words.add(re.sub(r"\(\d+\)$", "", line.split()[0]))
    return words


def utterance_id(path):
    return os.path.splitext(os.path.basename(path))[0]


def grammar(rows_path, dict_path, out_dir):
    vocabulary = read_dictionary(dict_path)
    kept, dropped, seen = [], [], set()
    with open(rows_path, encoding="utf-8") as f:
        for line in f:
            path, transcript = line.rstrip("\n").split("\t", 1)
            uid = utterance_id(path)
            if uid in seen:
                continue  # the same recording listed twice
            seen.add(uid)
            text = normalise(transcript)
            missing = sorted({w for w in text.split() if w not in vocabulary})
            if missing or not text:
                dropped.append((path, transcript, " ".join(missing) or "(no words)"))
            else:
                kept.append((path, uid, text))
    alternatives = sorted({text for _, _, text in kept})
    with open(os.path.join(out_dir, "grammar.jsgf"), "w", encoding="utf-8") as f:
        f.write("#JSGF V1.0;\ngrammar testsentences;\npublic <sentence> = ( " + "\n  | ".join(alternatives) + " );\n")
    with open(os.path.join(out_dir, "refs.tsv"), "w", encoding="utf-8") as f:
        for path, uid, text in kept:
            f.write(f"{path}\t{uid}\t{text}\n")
    with open(os.path.join(out_dir, "dropped.tsv"), "w", encoding="utf-8") as f:
        for path, transcript, missing in dropped:
            f.write(f"{path}\t{missing}\t{transcript}\n")
    print(f"{len(kept)} sentences kept ({len(alternatives)} distinct), {len(dropped)} dropped", file=sys.stderr)


def read_refs_and_hyps(refs_path, ctl_path, hyp_path):
    refs = {}
    with open(refs_path, encoding="utf-8") as f:
        for line in f:
            _, uid, text = line.rstrip("\n").split("\t")
            refs[uid] = text
    with open(ctl_path, encoding="utf-8") as f:
        expected = [line.strip() for line in f if line.strip()]
    hyps = {}
    if os.path.exists(hyp_path):
        with open(hyp_path, encoding="utf-8") as f:
            for line in f:
                m = re.match(r"^(.*)\((\S+?)(?: [-\d]+)?\)\s*$", line.rstrip("\n"))
                if m:
                    hyps[m.group(2)] = normalise(m.group(1))
    return refs, expected, hyps


def score(refs_path, ctl_path, hyp_path):
    refs, expected, hyps = read_refs_and_hyps(refs_path, ctl_path, hyp_path)
    # An utterance id is the sentence id, optionally prefixed "VOICE__" when several voices read it.
    wrong = [{"utterance": u, "expected": refs[u.split("__")[-1]], "heard": hyps.get(u, "(nothing)")}
             for u in expected if hyps.get(u) != refs[u.split("__")[-1]]]
    correct = len(expected) - len(wrong)
    print(json.dumps({"correct": correct, "total": len(expected), "accuracy": round(100.0 * correct / len(expected), 1) if expected else None, "wrong": wrong}))


def edit_distance(a, b):
    row = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        previous, row[0] = row[0], i
        for j, y in enumerate(b, 1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (x != y))
    return row[len(b)]


def word_errors(refs_path, ctl_path, hyp_path):
    """Word error rate of free (language-model) recognition: a graded measure where sentence identification is all or nothing."""
    refs, expected, hyps = read_refs_and_hyps(refs_path, ctl_path, hyp_path)
    words = errors = 0
    for u in expected:
        ref = refs[u.split("__")[-1]].split()
        words += len(ref)
        errors += edit_distance(ref, hyps.get(u, "").split())
    print(json.dumps({"words": words, "errors": errors, "wer": round(100.0 * errors / words, 1) if words else None}))


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "grammar":
        grammar(*sys.argv[2:])
    elif len(sys.argv) == 5 and sys.argv[1] == "score":
        score(*sys.argv[2:])
    elif len(sys.argv) == 5 and sys.argv[1] == "wer":
        word_errors(*sys.argv[2:])
    else:
        sys.exit(__doc__)
