#!/usr/bin/env python3
"""How much phonetic content do semantic units carry? Phone-normalised mutual information (PNMI, as in the HuBERT
paper: I(phone; unit) / H(phone)) between a token dataset's semantic units and phone labels from pocketsphinx's
phone-loop decoding (`-allphone … -hypseg`, 100 frames/s), over the utterances both have; silence frames are left
out. Also the share of the speaker entropy the units explain, I(unit; speaker) / H(speaker), over the whole dataset:
units that spend their bits on who speaks have fewer left for what is said. The labels come from phone recognition,
not forced alignment, so they are noisy: compare unit sets with one another on the same labels, not with published
figures, and compare unit sets of different sizes above their chance level (pnmi_chance: the units shuffled against
the phones), which the estimate's small-sample bias raises with the number of units.

  unit-phones.py HYPSEG DATASET [SPEAKER]     (SPEAKER: the dataset speaker whose utterances were decoded;
                                               default asterisk-en; ids are <speaker>-<hypseg id>)
"""
import json, os, sys

import numpy as np

HOP, WINDOW, RATE, LABEL_HOP = 320, 400, 16000, 160  # the tokenizer's frames and pocketsphinx's 10 ms frames


def read_hypseg(path):
    """id → (segment start frames, phone names, end frame)."""
    segments = {}
    with open(path) as f:
        for line in f:
            fields = line.split()
            if len(fields) < 13:
                continue  # an utterance with no segment
            rest = fields[9:]  # after "id S n T n A n L n"
            starts = [int(rest[i]) for i in range(0, len(rest) - 1, 4)]
            phones = [rest[i + 3] for i in range(0, len(rest) - 1, 4)]
            segments[fields[0]] = (np.array(starts), phones, int(rest[-1]))
    return segments


def labels_for(frames, segment):
    starts, phones, end = segment
    centres = (np.arange(frames) * HOP + WINDOW // 2) // LABEL_HOP
    index = np.searchsorted(starts, centres, side="right") - 1
    return [phones[i] if c < end and i >= 0 else "" for i, c in zip(index, centres)]


def entropy(p):
    p = p[p > 0]
    return float(-(p * np.log2(p)).sum())


def mutual_information(a, b):
    _, ia = np.unique(a, return_inverse=True)
    _, ib = np.unique(b, return_inverse=True)
    joint = np.zeros((ia.max() + 1, ib.max() + 1))
    np.add.at(joint, (ia, ib), 1)
    joint /= joint.sum()
    return entropy(joint.sum(1)) + entropy(joint.sum(0)) - entropy(joint.ravel()), entropy(joint.sum(1))


def chance_information(a, b, draws=5):
    """The mutual information the plug-in estimate gives when a says nothing about b (a shuffled against b, mean of
    seeded draws): its small-sample bias, which grows with the number of classes — large for 1024 codec codes on a
    few thousand frames — so unit sets of different sizes compare only above it."""
    rng = np.random.default_rng(0)
    return float(np.mean([mutual_information(rng.permutation(a), b)[0] for _ in range(draws)]))


def main(hypseg, dataset, speaker="asterisk-en"):
    segments = read_hypseg(hypseg)
    with open(os.path.join(dataset, "dataset.json")) as f:
        info = json.load(f)
    units, phones, all_units, speakers = [], [], [], []
    for u in info["utterances"]:
        tokens = np.load(os.path.join(dataset, u["id"], "semantic.npy")).ravel()
        all_units.append(tokens)
        speakers += [u["speaker"]] * tokens.size
        name = u["id"][len(speaker) + 1:]
        if u["speaker"] == speaker and name in segments:
            units.append(tokens)
            phones += labels_for(tokens.size, segments[name])
    if not units:
        sys.exit(f"no utterance of speaker {speaker} in {dataset} has a segmentation in {hypseg}")
    units, phones = np.concatenate(units), np.array(phones)
    speech = (phones != "") & (phones != "SIL")
    i_phone, h_phone = mutual_information(phones[speech], units[speech])
    chance = chance_information(phones[speech], units[speech])
    i_speaker, h_speaker = mutual_information(np.array(speakers), np.concatenate(all_units))
    result = {
        "dataset": os.path.abspath(dataset), "units": info["semanticVocabulary"],
        "decoded_utterances": len(segments), "speech_frames": int(speech.sum()),
        "pnmi": round(i_phone / h_phone, 4), "pnmi_chance": round(chance / h_phone, 4),
        "pnmi_above_chance": round((i_phone - chance) / h_phone, 4), "phone_entropy_bits": round(h_phone, 3),
        "speaker_share": round(i_speaker / h_speaker, 4),
        "unit_entropy_bits": round(entropy(np.bincount(np.concatenate(all_units)) / sum(map(len, all_units))), 3),
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    main(*sys.argv[1:])
