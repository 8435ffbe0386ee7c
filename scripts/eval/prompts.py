#!/usr/bin/env python3
"""Chooses voice prompts and writes the resynthesis job lists of the evaluation.

  prompts.py TEST_ROWS REFS OUT_DIR SENTENCES_PER_VOICE PROMPT_SECONDS

TEST_ROWS: voice<TAB>path<TAB>seconds<TAB>median F0 (or --undefined--) for every held-out utterance.
REFS: the kept English test sentences (sentences.py grammar): path<TAB>id<TAB>text.

Same voice: sentence i gets the first PROMPT_SECONDS of sentence i+1 (Allison, held out) as its prompt.
Other voices: for each voice but asterisk-en, its longest voiced held-out utterance; the fillets-cs dub mixes many
actors, so it gives two prompts, its longest low (< 150 Hz) and high (> 200 Hz) utterance. Each reads
SENTENCES_PER_VOICE sentences spread evenly over the kept ones. Prompts are cut to PROMPT_SECONDS with sox.

Writes OUT_DIR/prompts/*.wav, same.list and cross.list (source<TAB>prompt<TAB>output, for soundstorm resynthesize
--list) and cross.tsv (output<TAB>prompt<TAB>prompt voice<TAB>source)."""
import os
import subprocess
import sys


def cut(source, destination, seconds):
    subprocess.run(["sox", "-V1", source, "-r", "16000", "-c", "1", "-b", "16", destination, "trim", "0", str(seconds)], check=True)


def main(rows_path, refs_path, out_dir, per_voice, seconds):
    per_voice, seconds = int(per_voice), float(seconds)
    rows = []
    with open(rows_path, encoding="utf-8") as f:
        for line in f:
            voice, path, duration, f0 = line.rstrip("\n").split("\t")
            rows.append((voice, path, float(duration), None if f0.startswith("--") else float(f0)))
    with open(refs_path, encoding="utf-8") as f:
        refs = [line.rstrip("\n").split("\t")[:2] for line in f if line.strip()]
    prompts_dir = os.path.join(out_dir, "prompts")
    os.makedirs(prompts_dir, exist_ok=True)

    with open(os.path.join(out_dir, "same.list"), "w", encoding="utf-8") as same:
        for i, (path, uid) in enumerate(refs):
            prompt_source, prompt_id = refs[(i + 1) % len(refs)]
            prompt = os.path.join(prompts_dir, f"asterisk-en__{prompt_id}.wav")
            if not os.path.exists(prompt):
                cut(prompt_source, prompt, seconds)
            same.write(f"{path}\t{prompt}\t{os.path.join(out_dir, 'same', uid + '.wav')}\n")

    chosen = []  # (label, path)
    for voice in sorted({r[0] for r in rows} - {"asterisk-en"}):
        voiced = [r for r in rows if r[0] == voice and r[3] is not None]
        if voice == "fillets-cs":
            for label, keep in (("fillets-cs-low", lambda f0: f0 < 150), ("fillets-cs-high", lambda f0: f0 > 200)):
                pick = [r for r in voiced if keep(r[3])]
                if pick:
                    chosen.append((label, max(pick, key=lambda r: r[2])[1]))
        elif voiced:
            chosen.append((voice, max(voiced, key=lambda r: r[2])[1]))
    step = max(1, len(refs) // max(1, per_voice))
    sentences = refs[::step][:per_voice]
    with open(os.path.join(out_dir, "cross.list"), "w", encoding="utf-8") as jobs, open(os.path.join(out_dir, "cross.tsv"), "w", encoding="utf-8") as pairs:
        for label, source in chosen:
            prompt = os.path.join(prompts_dir, f"{label}.wav")
            cut(source, prompt, seconds)
            for path, uid in sentences:
                output = os.path.join(out_dir, "cross", f"{label}__{uid}.wav")
                jobs.write(f"{path}\t{prompt}\t{output}\n")
                pairs.write(f"{output}\t{prompt}\t{label}\t{path}\n")
    print(f"{len(refs)} same-voice jobs; {len(chosen)} other voices × {len(sentences)} sentences", file=sys.stderr)


if __name__ == "__main__":
    if len(sys.argv) != 6:
        sys.exit(__doc__)
    main(*sys.argv[1:])
