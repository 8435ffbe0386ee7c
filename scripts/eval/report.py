#!/usr/bin/env python3
"""Collects the evaluation's measurements (evaluate.sh's work folder) into OUT/report.json and OUT/report.md.

  report.py WORK MODEL OUT [SEED]   (SEED: the evaluation's sampling seed, 0)"""
import datetime
import json
import os
import statistics
import sys


def load(path):
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def read_f0(path):
    f0 = {}
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            for line in f:
                name, value = line.rstrip("\n").split("\t")
                f0[name] = None if value.startswith("--") else float(value)
    return f0


def pitch_agreement(pairs):
    """pairs: (measured, target) F0; share within 20 % and mean relative error, over pairs where both are voiced."""
    voiced = [(m, t) for m, t in pairs if m and t]
    if not voiced:
        return {"pairs": 0, "unvoiced": len(pairs)}
    errors = [abs(m - t) / t for m, t in voiced]
    return {"pairs": len(voiced), "unvoiced": len(pairs) - len(voiced), "within_20_percent": round(100.0 * sum(e <= 0.2 for e in errors) / len(errors), 1),
            "mean_relative_error": round(sum(errors) / len(errors), 3)}


def voice_section(work, name="cross"):
    rows_path = os.path.join(work, f"{name}.tsv")
    if not os.path.exists(rows_path):
        return None
    f0 = read_f0(os.path.join(work, f"{name}-f0.tsv"))
    with open(rows_path, encoding="utf-8") as f:
        rows = [line.rstrip("\n").split("\t") for line in f if line.strip()]
    per_voice = {}
    for output, prompt, label, source in rows:
        v = per_voice.setdefault(label, {"prompt_f0": f0.get(prompt), "outputs": [], "sources": []})
        v["outputs"].append(f0.get(output) if os.path.exists(output) else None)
        v["sources"].append(f0.get(source))
    model = pitch_agreement([(o, v["prompt_f0"]) for v in per_voice.values() for o in v["outputs"]])
    # What the measure gives when the output keeps the source speaker's pitch (no voice transfer at all).
    baseline = pitch_agreement([(s, v["prompt_f0"]) for v in per_voice.values() for s in v["sources"]])
    # Only pairs where the source's own pitch is more than 20 % off the prompt's: there keeping the source voice scores 0.
    distinct = pitch_agreement([(o, v["prompt_f0"]) for v in per_voice.values() for o, s in zip(v["outputs"], v["sources"])
                                if s and v["prompt_f0"] and abs(s - v["prompt_f0"]) / v["prompt_f0"] > 0.2])
    return {"model": model, "model_distinct_pitch_prompts": distinct, "baseline_source_pitch": baseline,
            "by_voice": {k: {"prompt_f0": v["prompt_f0"], "output_f0_median": statistics.median([o for o in v["outputs"] if o]) if any(v["outputs"]) else None,
                             "outputs": len(v["outputs"])} for k, v in sorted(per_voice.items())}}


def codec_pitch(work):
    """F0 of each round trip against its original recording: does the codec keep the speaker's pitch?"""
    pairs_path = os.path.join(work, "roundtrip-pairs.tsv")
    if not os.path.exists(pairs_path):
        return None
    originals, trips = read_f0(os.path.join(work, "test-f0.tsv")), read_f0(os.path.join(work, "roundtrip-f0.tsv"))
    with open(pairs_path, encoding="utf-8") as f:
        pairs = [line.rstrip("\n").split("\t") for line in f if line.strip()]
    return pitch_agreement([(trips.get(trip), originals.get(original)) for original, trip in pairs])


def word_error_rates(work):
    return {name: load(os.path.join(work, f"{name}-wer.json")) for name in ("original", "roundtrip", "same", "cross", "speak-same")}


def corpus_f0(work):
    by_voice = {}
    with open(os.path.join(work, "test-rows.tsv"), encoding="utf-8") as f:
        for line in f:
            voice, _, _, f0 = line.rstrip("\n").split("\t")
            if not f0.startswith("--"):
                by_voice.setdefault(voice, []).append(float(f0))
    return {v: {"utterances": len(x), "median_f0": round(statistics.median(x), 1)} for v, x in sorted(by_voice.items())}


def dropped(work):
    with open(os.path.join(work, "dropped.tsv"), encoding="utf-8") as f:
        return [{"file": os.path.basename(p), "missing_words": m} for p, m, _ in (line.rstrip("\n").split("\t") for line in f if line.strip())]


def seed_runs(work, seed):
    """Same-voice resynthesis identification at the evaluation's seed and at EXTRA_SEEDS, with the mean."""
    runs = [(seed, load(os.path.join(work, "same.json")))]
    path = os.path.join(work, "same-seeds.tsv")
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            runs += [(int(s), load(p)) for s, p in (line.rstrip("\n").split("\t") for line in f if line.strip())]
    runs = [(s, r) for s, r in runs if r is not None]
    if len(runs) < 2:
        return None
    correct, total = sum(r["correct"] for _, r in runs), sum(r["total"] for _, r in runs)
    return {"seeds": [s for s, _ in runs], "correct": [r["correct"] for _, r in runs], "total": runs[0][1]["total"],
            "mean_accuracy": round(100 * correct / total, 1)}


def summary(score):
    return None if score is None else {k: score[k] for k in ("correct", "total", "accuracy")}


def main(work, model, out, seed=0):
    mcd = load(os.path.join(work, "mcd.json"))
    report = {
        "model": model,
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "intelligibility": {
            "original": summary(load(os.path.join(work, "original.json"))),
            "codec_round_trip": summary(load(os.path.join(work, "roundtrip.json"))),
            "resynthesis_same_voice": summary(load(os.path.join(work, "same.json"))),
            "resynthesis_same_voice_seeds": seed_runs(work, seed),
            "resynthesis_other_voices": summary(load(os.path.join(work, "cross.json"))),
            "speech_same_voice": summary(load(os.path.join(work, "speak-same.json"))),
            "speech_other_voices": summary(load(os.path.join(work, "speak-cross.json"))),
            "dropped_sentences": dropped(work),
        },
        "word_error_rate": word_error_rates(work),
        "codec_pitch": codec_pitch(work),
        "voice": voice_section(work),
        "speech_voice": voice_section(work, "speak-cross"),
        "mcd": None if mcd is None else {k: mcd[k] for k in ("utterances", "mean_mcd_db", "by_voice")} | {"failed": len(mcd["failed"]), "silent": len(mcd.get("silent", []))},
        "corpus_f0": corpus_f0(work),
    }
    with open(os.path.join(out, "report.json"), "w", encoding="utf-8") as f:
        json.dump(report, f, indent=1)

    def pct(s):
        return "—" if s is None else f"{s['accuracy']} % ({s['correct']}/{s['total']})"

    i = report["intelligibility"]
    lines = [f"# Evaluation of `{os.path.basename(model.rstrip('/'))}`", "", f"{report['date']}; method: docs/evaluation.md.", "",
             "| measure | result |", "|---|---|",
             f"| sentence identification, original recordings (ceiling) | {pct(i['original'])} |",
             f"| sentence identification, codec round trip | {pct(i['codec_round_trip'])} |",
             f"| sentence identification, resynthesis in the same voice | {pct(i['resynthesis_same_voice'])} |",
             f"| sentence identification, resynthesis in other voices | {pct(i['resynthesis_other_voices'])} |"]
    if i["resynthesis_same_voice_seeds"]:
        r = i["resynthesis_same_voice_seeds"]
        lines.insert(-1, f"| … same voice at sampling seeds {', '.join(map(str, r['seeds']))} | {', '.join(map(str, r['correct']))} of {r['total']}: "
                     f"mean {r['mean_accuracy']} % |")
    if i["speech_same_voice"] or i["speech_other_voices"]:
        lines += [f"| sentence identification, text to speech in the same voice | {pct(i['speech_same_voice'])} |",
                  f"| sentence identification, text to speech in other voices | {pct(i['speech_other_voices'])} |"]
    labels = {"original": "original recordings", "roundtrip": "codec round trip", "same": "resynthesis in the same voice", "cross": "resynthesis in other voices",
              "speak-same": "text to speech in the same voice"}
    for name, w in report["word_error_rate"].items():
        if w:
            lines.append(f"| word error rate, free recognition (generic LM), {labels[name]} | {w['wer']} % ({w['errors']} errors / {w['words']} words) |")
    c = report["codec_pitch"]
    if c and c.get("pairs"):
        lines.append(f"| codec round trip F0 within 20 % of the original's | {c['within_20_percent']} % of {c['pairs']} voiced files (mean relative error {c['mean_relative_error']}) |")
    v = report["voice"]
    if v and v["model"].get("pairs"):
        lines.append(f"| output F0 within 20 % of the prompt's (other voices) | {v['model']['within_20_percent']} % of {v['model']['pairs']} (mean relative error {v['model']['mean_relative_error']}) |")
        d = v["model_distinct_pitch_prompts"]
        if d.get("pairs"):
            lines.append(f"| … only where the source's pitch is > 20 % off the prompt's | {d['within_20_percent']} % of {d['pairs']} (mean relative error {d['mean_relative_error']}) |")
        b = v["baseline_source_pitch"]
        if b.get("pairs"):
            lines.append(f"| … if the output kept the source's pitch (baseline) | {b['within_20_percent']} % (mean relative error {b['mean_relative_error']}) |")
    sv = report["speech_voice"]
    if sv and sv["model"].get("pairs"):
        lines.append(f"| text to speech: output F0 within 20 % of the prompt's (other voices) | {sv['model']['within_20_percent']} % of {sv['model']['pairs']} (mean relative error {sv['model']['mean_relative_error']}) |")
    if report["mcd"]:
        lines.append(f"| mel-cepstral distortion of the codec round trip | {report['mcd']['mean_mcd_db']} dB over {report['mcd']['utterances']} held-out files |")
    lines += ["", f"Sentences left out (words missing from the pronunciation dictionary): "
              + (", ".join(f"{d['file']} ({d['missing_words']})" for d in i["dropped_sentences"]) or "none") + "."]
    if v:
        lines += ["", "| prompt voice | prompt F0 (Hz) | output F0 median (Hz) |", "|---|---|---|"]
        lines += [f"| {k} | {x['prompt_f0']} | {x['output_f0_median']} |" for k, x in v["by_voice"].items()]
    if report["mcd"]:
        lines += ["", "| voice (held-out files) | MCD (dB) |", "|---|---|"]
        lines += [f"| {k} ({x['utterances']}) | {x['mean_mcd_db']} |" for k, x in report["mcd"]["by_voice"].items()]
    lines += ["", "| voice | held-out files | median F0 of the recordings (Hz) |", "|---|---|---|"]
    lines += [f"| {k} | {x['utterances']} | {x['median_f0']} |" for k, x in report["corpus_f0"].items()]
    with open(os.path.join(out, "report.md"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    if len(sys.argv) not in (4, 5):
        sys.exit(__doc__)
    main(*sys.argv[1:4], *(int(a) for a in sys.argv[4:]))
