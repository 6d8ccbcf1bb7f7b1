#!/usr/bin/env python3
"""The fastText quality classifier: accuracy on the held-back split, and documents per second per core.

    python perf/quality_classifier_eval.py [--model PATH] [--label hq] [--rounds 3] [--cv]

1. Precision, recall, F1 at 0.5, ROC AUC and a threshold sweep on the held-back fifth of
   classifiers/data/quality/ (pages and tweets never trained on: articles as hq, boilerplate and
   tweets as cc), and the share of each kind of document kept at each threshold.
   With --cv, also 5-fold cross-validation on the training split, folds by site (the shipped
   model's settings, retrained per fold): ~5x more documents than the held-back fifth, so steadier
   numbers, a little optimistic because those settings were chosen by the same cross-validation.
2. Scores of the bundled Common Crawl text (pipeline/sample/cc_text/): ordinary web documents
   without labels, to show where real CC text falls between the two classes.
3. Throughput of `QualityModel.scores` (one batched fastText call, one thread) on those documents
   and on the held-back texts: best of `rounds` passes (each set repeated to `--min-docs`
   documents), documents and MB per second on one core.
Everything read here ships in the repository.
"""
from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "perf"))

from classifiers.quality import (  # noqa: E402
    DEFAULT_MODEL_HYPERPARAMETERS, DEFAULT_THRESHOLDS, QualityModel, evaluate_scores, shipped_data, train,
)
from classifiers.quality_data import read_records  # noqa: E402
from timing import best_seconds  # noqa: E402

CC_TEXT = ROOT / "pipeline" / "sample" / "cc_text"


def read_cc_text(directory: Path) -> list:
    texts = []
    for path in sorted(directory.glob("*.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            texts += [json.loads(line)["text"] for line in handle if line.strip()]
    return texts


def report(positives: list, negatives: list, pos_scores: list, neg_scores: list) -> None:
    """The evaluation table, then the share of each kind of document kept at each threshold."""
    print(evaluate_scores(pos_scores, neg_scores).table())
    print("\nshare kept (score >= threshold) by kind of document:")
    groups = {}
    for record, score in zip(positives + negatives, pos_scores + neg_scores):
        groups.setdefault(f"{record.label} {record.kind} ({record.source})", []).append(score)
    print(f"{'documents':<30} {'n':>4} " + " ".join(f"{t:>5g}" for t in DEFAULT_THRESHOLDS))
    for name, scores in sorted(groups.items()):
        shares = [sum(s >= t for s in scores) / len(scores) for t in DEFAULT_THRESHOLDS]
        print(f"{name:<30} {len(scores):>4} " + " ".join(f"{x:>5.2f}" for x in shares))


def held_back_report(model: QualityModel) -> None:
    positives = read_records(shipped_data("heldout", "hq"))
    negatives = read_records(shipped_data("heldout", "cc"))
    print("1. held-back split (classifiers/data/quality/heldout-*.jsonl.gz, never trained on)")
    report(positives, negatives, model.scores([r.text for r in positives]), model.scores([r.text for r in negatives]))


def _fold(group: str, folds: int) -> int:
    return int.from_bytes(hashlib.sha1(f"winnow-quality-cv:{group}".encode()).digest()[:8], "big") % folds


def cross_validation_report(folds: int = 5) -> None:
    records = read_records(shipped_data("train", "hq")) + read_records(shipped_data("train", "cc"))
    positives, negatives, pos_scores, neg_scores = [], [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        for fold in range(folds):
            training = [r for r in records if _fold(r.group, folds) != fold]
            test = [r for r in records if _fold(r.group, folds) == fold]
            path = f"{tmp}/fold{fold}.ftz"
            train([r.text for r in training if r.label == "hq"], [r.text for r in training if r.label == "cc"], path,
                  DEFAULT_MODEL_HYPERPARAMETERS)
            model = QualityModel(path)
            fold_pos = [r for r in test if r.label == "hq"]
            fold_neg = [r for r in test if r.label == "cc"]
            positives += fold_pos
            negatives += fold_neg
            pos_scores += model.scores([r.text for r in fold_pos])
            neg_scores += model.scores([r.text for r in fold_neg])
    print(f"\n1b. {folds}-fold cross-validation on the training split, folds by site, the shipped settings")
    report(positives, negatives, pos_scores, neg_scores)


def cc_text_report(model: QualityModel, texts: list) -> None:
    scores = model.scores(texts)
    quartiles = statistics.quantiles(scores, n=4)
    print(f"\n2. bundled Common Crawl text ({CC_TEXT.relative_to(ROOT)}, {len(texts)} documents, unlabelled)")
    print(f"score quartiles {quartiles[0]:.3f} / {quartiles[1]:.3f} / {quartiles[2]:.3f}; "
          + ", ".join(f">= {t:g}: {sum(s >= t for s in scores)}" for t in (0.1, 0.5, 0.9)))
    ranked = sorted(zip(scores, texts))
    for label, (score, text) in (("lowest", ranked[0]), ("highest", ranked[-1])):
        print(f"  {label} {score:.3f}: {' '.join(text.split())[:110]!r}")


def throughput_report(model: QualityModel, sets: dict, rounds: int, min_docs: int) -> None:
    print(f"\n3. QualityModel.scores throughput, one core, best of {rounds} rounds "
          f"(each set repeated to >= {min_docs:,} documents a round, so a round lasts long enough to time)")
    print(f"{'documents':<34} {'docs':>5} {'KB/doc':>7} {'docs/s':>9} {'MB/s':>6} {'score() one by one':>19}")
    for name, texts in sets.items():
        batch = texts * -(-min_docs // len(texts))
        megabytes = sum(len(t.encode("utf-8")) for t in batch) / 1e6
        seconds = best_seconds(lambda: model.scores(batch), rounds)
        one_by_one = best_seconds(lambda: [model.score(t) for t in batch], rounds)
        print(f"{name:<34} {len(texts):>5} {1000 * megabytes / len(batch):>7.1f} {len(batch) / seconds:>9,.0f} "
              f"{megabytes / seconds:>6.1f} {len(batch) / one_by_one:>13,.0f} d/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default=None, help="default: the shipped classifiers/models/quality-web.ftz")
    parser.add_argument("--label", default="hq")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--cv", action="store_true", help="also 5-fold cross-validation on the training split (~20 s)")
    parser.add_argument("--min-docs", type=int, default=5000, help="documents scored per round (sets repeated)")
    args = parser.parse_args()

    model = QualityModel(args.model, label=args.label)
    print(f"model: {model.path} ({Path(model.path).stat().st_size:,} bytes)\n")
    held_back_report(model)
    if args.cv:
        cross_validation_report()
    cc_texts = read_cc_text(CC_TEXT)
    cc_text_report(model, cc_texts)
    held_back = [r.text for name in ("hq", "cc") for r in read_records(shipped_data("heldout", name))]
    articles = [r.text for r in read_records(shipped_data("heldout", "hq"))]
    throughput_report(model, {"bundled CC text (pipeline/sample)": cc_texts,
                              "held-back articles": articles,
                              "held-back, all (incl. tweets)": held_back}, args.rounds, args.min_docs)


if __name__ == "__main__":
    main()
