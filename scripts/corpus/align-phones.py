#!/usr/bin/env python3
"""Forced phone alignment of the corpus's English utterances with known text, at the semantic token rate (50 Hz).

  align-phones.py CORPUS [--manifest FILE] [--out DIR] [--split train|test|all] [--voices REGEX] [--check N]

pocketsphinx 0.8 has no alignment verb, so each utterance is decoded against a finite-state grammar that allows only
its own phone sequence: every ARPAbet phone is entered as a one-phone "word", a word's pronunciations
(cmudict-en-us.dict, alternatives included) are parallel phone chains, and an optional silence word sits between words
and at both ends. pocketsphinx_batch's -hypseg then gives each phone's first and last 10 ms frame.

Writes DIR (default CORPUS/phones):
  phones.tsv   path, frames, labels — one ARPAbet symbol (or SIL) per 50 Hz frame, space-separated; frame t covers
               samples [320t, 320t + 400) at 16 kHz as the HuBERT-style tokenizer's frames do (⌊(n − 400)/320⌋ + 1 of
               them), and takes the phone of pocketsphinx frame 2t (the frame centred nearest to it)
  failed.tsv   path, reason — no text, words missing from the dictionary (cmudict-en-us.dict and
               extra-pronunciations.dict beside this script), no text to align, or a decoding that did
               not reach the end of the grammar
  check.tsv    with --check N: for N aligned utterances, the word boundaries of the phone alignment against those of a
               word-level decode of the same text, and their mean and largest difference in ms
The phone inventory (40 ids: SIL = 0, then the 39 ARPAbet phones in alphabetical order) is PHONES below; the token
datasets built from these labels use those ids.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "eval"))
from sentences import normalise  # noqa: E402  (the same text normalisation as the evaluation's grammar)

PHONES = ["SIL"] + ("AA AE AH AO AW AY B CH D DH EH ER EY F G HH IH IY JH K L M N NG OW OY P R S SH T TH "
                    "UH UW V W Y Z ZH").split()
SILENCE_WORD = "sil"
MODEL = os.environ.get("POCKETSPHINX_MODEL", "/usr/share/pocketsphinx/model/en-us")
SAMPLE_RATE, HOP, WINDOW = 16000, 320, 400
EXTRA_DICTIONARY = os.path.join(os.path.dirname(os.path.abspath(__file__)), "extra-pronunciations.dict")


def read_labels(path):
    """phones.tsv → {corpus-relative path: [symbol per frame]} (what the label consumers read)."""
    labels = {}
    with open(path, encoding="utf-8") as f:
        f.readline()
        for line in f:
            name, _, text = line.rstrip("\n").split("\t")
            labels[name] = text.split()
    return labels


def phone_word(phone):
    return "ph_" + phone.lower()


def read_pronunciations(path):
    """word → list of phone lists (cmudict-en-us: 'word(2)' marks an alternative)."""
    prons = {}
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            parts = line.split()
            if len(parts) < 2 or parts[0].startswith(";;"):
                continue
            word = re.sub(r"\(\d+\)$", "", parts[0])
            phones = [re.sub(r"\d", "", p) for p in parts[1:]]
            if all(p in PHONES for p in phones):
                prons.setdefault(word, []).append(phones)
    return prons


class GrammarBuilder:
    """A Sphinx FSG: states are integers, transitions (from, to, word or None for an empty move)."""

    def __init__(self):
        self.states = 1
        self.transitions = []

    def new_state(self):
        self.states += 1
        return self.states - 1

    def add(self, a, b, word=None):
        self.transitions.append((a, b, word))

    def optional_silence(self, state):
        after = self.new_state()
        self.add(state, after, SILENCE_WORD)
        self.add(state, after)
        return after

    def text(self, name, final):
        lines = [f"FSG_BEGIN {name}", f"NUM_STATES {self.states}", "START_STATE 0", f"FINAL_STATE {final}"]
        for a, b, word in self.transitions:
            lines.append(f"TRANSITION {a} {b} 1.0" + (f" {word}" if word else ""))
        lines.append("FSG_END")
        return "\n".join(lines) + "\n"


def phone_grammar(name, words, prons):
    g = GrammarBuilder()
    state = g.optional_silence(0)
    for i, word in enumerate(words):
        end = g.new_state()
        for pron in prons[word]:
            s = state
            for k, phone in enumerate(pron):
                t = end if k == len(pron) - 1 else g.new_state()
                g.add(s, t, phone_word(phone))
                s = t
        state = end if i == len(words) - 1 else g.optional_silence(end)
    final = g.optional_silence(state)
    return g.text(name, final)


def word_grammar(name, words):
    g = GrammarBuilder()
    state = g.optional_silence(0)
    for word in words:
        nxt = g.new_state()
        g.add(state, nxt, word)
        state = g.optional_silence(nxt)
    return g.text(name, state)


def read_manifest(manifest, split, voices):
    with open(manifest, encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
        col = {name: i for i, name in enumerate(header)}
        for needed in ("path", "voice", "language", "split", "transcript"):
            if needed not in col:
                sys.exit(f"error: {manifest} has no '{needed}' column")
        seen = set()
        for line in f:
            row = line.rstrip("\n").split("\t")
            row += [""] * (len(header) - len(row))
            path = row[col["path"]]
            if path in seen or row[col["language"]] != "en" or not re.search(voices, row[col["voice"]]):
                continue
            if split != "all" and row[col["split"]] != split:
                continue
            seen.add(path)
            yield path, row[col["voice"]], row[col["transcript"]]


def frame_count(wav_path):
    import wave
    with wave.open(wav_path, "rb") as w:
        if w.getframerate() != SAMPLE_RATE:
            raise ValueError(f"{wav_path}: {w.getframerate()} Hz, expected {SAMPLE_RATE}")
        n = w.getnframes()
    return 0 if n < WINDOW else (n - WINDOW) // HOP + 1


def read_hypseg(path):
    """uttid → list of [word, first frame, last frame] (10 ms frames). A line is 'uttid S s T t A a L l', then
    'start ascr lscr word' per segment, then the end frame; empty moves of the grammar appear as (NULL) and are dropped."""
    out = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if len(parts) < 10:
                continue
            body, end_frame = parts[9:-1], int(parts[-1])
            starts = [int(body[k]) for k in range(0, len(body) - 3, 4)]
            words = [body[k + 3] for k in range(0, len(body) - 3, 4)]
            segs = []
            for k, word in enumerate(words):
                last = (starts[k + 1] if k + 1 < len(starts) else end_frame) - 1
                if word != "(NULL)" and last >= starts[k]:
                    segs.append([word, starts[k], last])
            out[parts[0]] = segs
    return out


def decode(work, name, items, dictionary, fsgs):
    """items: [(uid, raw path)]; fsgs: uid → grammar text. Returns read_hypseg of the run."""
    gdir = os.path.join(work, name + "-fsg")
    os.makedirs(gdir, exist_ok=True)
    with open(os.path.join(work, name + ".ctl"), "w") as ctl, open(os.path.join(work, name + ".fsgctl"), "w") as fctl:
        for uid, _ in items:
            with open(os.path.join(gdir, uid + ".fsg"), "w") as g:
                g.write(fsgs[uid])
            ctl.write(uid + "\n")
            fctl.write(uid + "\n")
    hypseg = os.path.join(work, name + ".hypseg")
    cmd = ["pocketsphinx_batch", "-hmm", os.path.join(MODEL, "en-us"), "-dict", dictionary,
           "-fsgctl", os.path.join(work, name + ".fsgctl"), "-fsgdir", gdir, "-fsgext", ".fsg",
           "-fsgusefiller", "no", "-fsgusealtpron", "no", "-bestpath", "no",
           "-ctl", os.path.join(work, name + ".ctl"), "-cepdir", os.path.join(work, "raw"), "-cepext", ".raw",
           "-adcin", "yes", "-adchdr", "0", "-hypseg", hypseg,
           "-beam", "1e-60", "-pbeam", "1e-60", "-wbeam", "1e-50"]
    with open(os.path.join(work, name + ".log"), "w") as log:
        r = subprocess.run(cmd, stdout=log, stderr=subprocess.STDOUT)
    if r.returncode != 0:
        sys.exit(f"error: pocketsphinx_batch failed (log: {work}/{name}.log)")
    return read_hypseg(hypseg)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus")
    ap.add_argument("--manifest", help="the rows to align (default CORPUS/manifest.tsv; paths relative to CORPUS)")
    ap.add_argument("--out")
    ap.add_argument("--split", default="all", choices=["train", "test", "all"])
    ap.add_argument("--voices", default=".", help="regular expression on the manifest's voice column")
    ap.add_argument("--check", type=int, default=10, help="utterances whose word boundaries are checked (0: none)")
    args = ap.parse_args()
    corpus = os.path.abspath(args.corpus)
    out = os.path.abspath(args.out or os.path.join(corpus, "phones"))
    manifest = os.path.abspath(args.manifest or os.path.join(corpus, "manifest.tsv"))
    if not os.path.isfile(manifest):
        sys.exit(f"error: {manifest} not found")
    for tool in ("pocketsphinx_batch", "sox"):
        if shutil.which(tool) is None:
            sys.exit(f"error: {tool} is missing (apt-get install pocketsphinx pocketsphinx-en-us sox)")
    cmudict = os.path.join(MODEL, "cmudict-en-us.dict")
    if not os.path.isfile(cmudict):
        sys.exit(f"error: {cmudict} not found (apt-get install pocketsphinx-en-us)")
    prons = read_pronunciations(cmudict)
    for word, alternatives in read_pronunciations(EXTRA_DICTIONARY).items():
        prons.setdefault(word, []).extend(alternatives)

    work = tempfile.mkdtemp(prefix="align-phones-")
    try:
        phone_dict = os.path.join(work, "phones.dict")
        with open(phone_dict, "w") as f:
            for p in PHONES[1:]:
                f.write(f"{phone_word(p)} {p}\n")
            f.write(f"{SILENCE_WORD} SIL\n")
        os.makedirs(os.path.join(work, "raw"))
        failed, items, texts, frames, fsgs = [], [], {}, {}, {}
        for path, voice, transcript in read_manifest(manifest, args.split, args.voices):
            uid = re.sub(r"[^A-Za-z0-9_.-]", "_", path[:-4] if path.endswith(".wav") else path)
            # In the recordings a [bracketed] note describes a sound (a beep); a synthetic voice reads it out.
            spoken = re.sub(r"\[[^\]]*\]", " ", transcript) if voice.startswith("asterisk") else transcript
            words = normalise(spoken).split()
            missing = sorted({w for w in words if w not in prons})
            if not words:
                failed.append((path, "no text"))
                continue
            if missing:
                failed.append((path, "not in the dictionary: " + " ".join(missing)))
                continue
            wav = os.path.join(corpus, path)
            frames[uid] = frame_count(wav)
            if frames[uid] == 0:
                failed.append((path, "shorter than one frame"))
                continue
            raw = os.path.join(work, "raw", uid + ".raw")
            subprocess.run(["sox", wav, "-t", "raw", "-r", str(SAMPLE_RATE), "-c", "1", "-b", "16",
                            "-e", "signed-integer", raw], check=True)
            items.append((uid, path))
            texts[uid] = words
            fsgs[uid] = phone_grammar(uid, words, prons)
        print(f"aligning {len(items)} utterances ({len(failed)} left out before decoding)", file=sys.stderr)
        hyps = decode(work, "phones", items, phone_dict, fsgs)

        rows = []
        for uid, path in items:
            segs = hyps.get(uid)
            if not segs or all(s[0] == SILENCE_WORD for s in segs):
                failed.append((path, "the decoding did not reach the end of the grammar"))
                continue
            # Labels per 10 ms frame, then every second one (frame 2t is centred on token frame t).
            labels10 = ["SIL"] * (segs[-1][2] + 1)  # frames before the first segment (if any) are silence
            for word, start, end in segs:
                labels10[start:end + 1] = ["SIL" if word == SILENCE_WORD else word[3:].upper()] * (end - start + 1)
            t_count = frames[uid]
            labels = [labels10[min(2 * t, len(labels10) - 1)] for t in range(t_count)]
            rows.append((path, t_count, " ".join(labels)))
        with open(os.path.join(work, "phones.tsv"), "w", encoding="utf-8") as f:
            f.write("path\tframes\tlabels\n")
            for path, n, labels in rows:
                f.write(f"{path}\t{n}\t{labels}\n")
        with open(os.path.join(work, "failed.tsv"), "w", encoding="utf-8") as f:
            f.write("path\treason\n")
            for path, reason in failed:
                f.write(f"{path}\t{reason}\n")
        checked = check_boundaries(work, items, texts, prons, hyps, args.check) if args.check > 0 else None

        os.makedirs(out, exist_ok=True)
        for name in ("phones.tsv", "failed.tsv") + (("check.tsv",) if checked else ()):
            shutil.move(os.path.join(work, name), os.path.join(out, name))  # only complete files reach DIR
        total = len(rows) + len(failed)
        seconds = sum(n for _, n, _ in rows) / 50
        print(f"{len(rows)} of {total} utterances aligned ({seconds / 3600:.2f} h of speech); "
              f"{len(failed)} failed → {out}/failed.tsv", file=sys.stderr)
        if checked:
            print(checked, file=sys.stderr)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def word_spans(segs, words, prons):
    """Walks the phone segments of an alignment and returns (first frame, last frame) per word."""
    spans, k = [], 0
    phones = [s for s in segs if s[0] != SILENCE_WORD]
    for word in words:
        # The aligned phones of this word are the next ones; try the pronunciations that fit.
        for pron in sorted(prons[word], key=len, reverse=True):
            got = [p[0][3:].upper() for p in phones[k:k + len(pron)]]
            if got == pron:
                first, last = phones[k], phones[k + len(pron) - 1]
                spans.append((first[1], last[2]))
                k += len(pron)
                break
        else:
            return None
    return spans


def check_boundaries(work, items, texts, prons, hyps, n):
    chosen = [(uid, path) for uid, path in items if uid in hyps][:: max(1, len(items) // n)][:n]
    fsgs = {uid: word_grammar(uid, texts[uid]) for uid, _ in chosen}
    word_hyps = decode(work, "words", chosen, os.path.join(MODEL, "cmudict-en-us.dict"), fsgs)
    lines, diffs = ["path\twords\tmean_ms\tmax_ms"], []
    for uid, path in chosen:
        phone_spans = word_spans(hyps[uid], texts[uid], prons)
        wsegs = [s for s in word_hyps.get(uid, []) if s[0] != SILENCE_WORD and not s[0].startswith("<")]
        if phone_spans is None or len(wsegs) != len(phone_spans):
            lines.append(f"{path}\t{len(texts[uid])}\tfailed\tfailed")
            continue
        d = []
        for (ps, pe), (_, ws, we) in zip(phone_spans, wsegs):
            d += [abs(ps - ws) * 10, abs(pe - we) * 10]
        diffs += d
        lines.append(f"{path}\t{len(phone_spans)}\t{sum(d) / len(d):.1f}\t{max(d)}")
    with open(os.path.join(work, "check.tsv"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    if not diffs:
        return "boundary check: no utterance could be compared"
    within = sum(1 for x in diffs if x <= 20) / len(diffs)
    return (f"boundary check on {len(chosen)} utterances: word boundaries differ by {sum(diffs) / len(diffs):.1f} ms on "
            f"average (largest {max(diffs)} ms), {100 * within:.0f} % within 20 ms")


if __name__ == "__main__":
    main()
