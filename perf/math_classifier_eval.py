#!/usr/bin/env python3
"""The fastText math classifier: accuracy on the held-back split and beyond it, and documents per second.

    python perf/math_classifier_eval.py [--model PATH] [--rounds 3] [--cv] [--ablation]

1. Precision, recall, F1 at 0.5, ROC AUC and a threshold sweep on the held-back split of
   classifiers/data/math/ (documentation sections and web sites never trained on), and the share of
   each kind of document scoring >= each threshold.
   --cv: leave-one-project-out cross-validation on the training split, the shipped settings: for each
   math library (mpmath, SciPy, SymPy, scikit-learn) a model trained without any page of that library
   (neither its math pages nor its developer pages) and without a quarter of the other negatives
   (by group), tested on them. It asks whether the model learnt mathematics or one library's docs.
   --ablation: the same training and held-back evaluation with DCLM's plain line (`dclm_line`)
   instead of `math_line`, to show what the math tokenisation buys.
2. Text never trained on and unlike the training data: the MathJax pages of pipeline/sample/math/ and
   the web pages of tests/data/extraction/ (both through the pipeline's extractor), the bundled
   Common Crawl text, and, as out-of-domain mathematics, 500 MATH competition problems with their
   worked solutions (TeX) and 500 GSM8K word problems with solutions (no TeX) from
   benchmarks_ngrams/data/ (benchmark test sets: used here to evaluate only, never trained on).
3. Throughput of `MathModel.scores` (one batched fastText call, one thread), with the same-run
   baseline of the quality model (`QualityModel.scores`, DCLM's plain line) on the same texts and the
   cost of `math_line` alone: best of `rounds` passes, documents and MB per second on one core.
Everything read here ships in the repository.
"""
from __future__ import annotations

import argparse
import glob
import gzip
import hashlib
import json
import random
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "perf"))

from classifiers import quality  # noqa: E402
from classifiers.math import (  # noqa: E402
    DEFAULT_MODEL_HYPERPARAMETERS, MathModel, math_line, shipped_data, table, train,
)
from classifiers.quality import DEFAULT_THRESHOLDS, QualityModel, dclm_line, evaluate_scores  # noqa: E402
from classifiers.quality_data import read_records  # noqa: E402  (the math data has the quality data's fields)
from timing import best_seconds  # noqa: E402

CC_TEXT = ROOT / "pipeline" / "sample" / "cc_text"
SAMPLE_MATH = ROOT / "pipeline" / "sample" / "math"
WEB_PAGES = ROOT / "tests" / "data" / "extraction"
BENCHMARKS = ROOT / "benchmarks_ngrams" / "data"
MATH_PROJECTS = ("mpmath", "scipy", "sympy", "sklearn")  # the sources of the math pages (SOURCES.md)


def read_jsonl_gz(path) -> list:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def extracted_pages(paths) -> dict:
    from transforms.extraction.extractors import extract_body

    pages = {}
    for path in paths:
        data = Path(path).read_bytes()
        if str(path).endswith(".gz"):
            data = gzip.decompress(data)
        pages[Path(path).name] = extract_body(data.decode("utf-8", errors="replace"), None).text
    return pages


def held_back():
    return read_records(shipped_data("heldout", "math")), read_records(shipped_data("heldout", "other"))


def report(positives: list, negatives: list, pos_scores: list, neg_scores: list) -> None:
    print(table(evaluate_scores(pos_scores, neg_scores)))
    print("\nshare scoring >= threshold, by kind of document:")
    groups = {}
    for record, score in zip(positives + negatives, pos_scores + neg_scores):
        groups.setdefault(f"{record.label} {record.kind} ({record.source})", []).append(score)
    print(f"{'documents':<36} {'n':>4} " + " ".join(f"{t:>5g}" for t in DEFAULT_THRESHOLDS))
    for name, scores in sorted(groups.items()):
        shares = [sum(s >= t for s in scores) / len(scores) for t in DEFAULT_THRESHOLDS]
        print(f"{name:<36} {len(scores):>4} " + " ".join(f"{x:>5.2f}" for x in shares))


def held_back_report(model: MathModel) -> None:
    positives, negatives = held_back()
    print("1. held-back split (classifiers/data/math/heldout-*.jsonl.gz, never trained on)")
    report(positives, negatives, model.scores([r.text for r in positives]), model.scores([r.text for r in negatives]))


def _quarter(group: str) -> int:
    return int.from_bytes(hashlib.sha1(f"winnow-math-cv:{group}".encode()).digest()[:8], "big") % 4


def cross_validation_report() -> None:
    records = read_records(shipped_data("train", "math")) + read_records(shipped_data("train", "other"))
    projects = list(MATH_PROJECTS)
    positives, negatives, pos_scores, neg_scores, rows = [], [], [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        for i, project in enumerate(projects):
            test = [r for r in records if r.source == project
                    or (r.label == "other" and r.source not in projects and _quarter(r.group) == i)]
            test_ids = {r.id for r in test}
            training = [r for r in records if r.id not in test_ids]
            path = f"{tmp}/{project}.ftz"
            train([r.text for r in training if r.label == "math"], [r.text for r in training if r.label == "other"],
                  path, DEFAULT_MODEL_HYPERPARAMETERS)
            model = MathModel(path)
            fold_pos = [r for r in test if r.label == "math"]
            fold_neg = [r for r in test if r.label == "other"]
            ps, ns = model.scores([r.text for r in fold_pos]), model.scores([r.text for r in fold_neg])
            result = evaluate_scores(ps, ns)
            rows.append(f"  without {project:<8}: {len(fold_pos):>4} math pages, {len(fold_neg):>4} other; AUC "
                        f"{result.auc:.4f}, at 0.5 P {result.precision:.3f} R {result.recall:.3f} F1 {result.f1:.3f}")
            positives += fold_pos
            negatives += fold_neg
            pos_scores += ps
            neg_scores += ns
    print("\n1b. leave-one-project-out cross-validation on the training split, the shipped settings")
    print("\n".join(rows))
    print("pooled:")
    report(positives, negatives, pos_scores, neg_scores)


def ablation_report(extra_sets: dict) -> None:
    """The shipped settings trained on dclm_line instead of math_line: held-back and out-of-domain scores."""
    records = read_records(shipped_data("train", "math")) + read_records(shipped_data("train", "other"))
    positives, negatives = held_back()
    print("\n1c. ablation: the same training with DCLM's plain line instead of math_line")
    with tempfile.TemporaryDirectory() as tmp:
        path = f"{tmp}/plain.ftz"
        quality.train([dclm_line(r.text) for r in records if r.label == "math"],
                      [dclm_line(r.text) for r in records if r.label == "other"], path,
                      DEFAULT_MODEL_HYPERPARAMETERS, positive_label="math", negative_label="other")
        plain = QualityModel(path, label="math")  # QualityModel reads dclm_line
        result = evaluate_scores(plain.scores([r.text for r in positives]), plain.scores([r.text for r in negatives]))
        print(f"held-back: AUC {result.auc:.4f}, at 0.5 P {result.precision:.3f} R {result.recall:.3f} "
              f"F1 {result.f1:.3f}")
        for name, texts in extra_sets.items():
            scores = plain.scores(texts)
            print(f"  {name:<44} {len(scores):>4} docs: >= 0.5 {sum(s >= 0.5 for s in scores) / len(scores):.3f}, "
                  f"median {statistics.median(scores):.3f}")


def outside_sets() -> dict:
    rng = random.Random(0)
    math_items = read_jsonl_gz(BENCHMARKS / "math" / "test.jsonl.gz")
    gsm_items = read_jsonl_gz(BENCHMARKS / "gsm8k" / "test.jsonl.gz")
    sample_math = extracted_pages(sorted(SAMPLE_MATH.glob("*")))
    web_pages = extracted_pages(sorted(glob.glob(str(WEB_PAGES / "*" / "html" / "*"))))
    cc = [row["text"] for path in sorted(CC_TEXT.glob("*.jsonl.gz")) for row in read_jsonl_gz(path)]
    return {
        "MathJax pages, pipeline/sample/math (math)": list(sample_math.values()),
        "web pages, tests/data/extraction (other)": list(web_pages.values()),
        "bundled CC text, pipeline/sample (other)": cc,
        "MATH test: problem + solution (math)": [f"{r['problem']}\n{r['solution']}"
                                                 for r in rng.sample(math_items, 500)],
        "GSM8K test: question + answer (math, no TeX)": [f"{r['question']}\n{r['answer']}"
                                                         for r in rng.sample(gsm_items, 500)],
    }, sample_math, web_pages


def outside_report(model: MathModel, sets: dict, sample_math: dict, web_pages: dict) -> None:
    print("\n2. text never trained on (pages through the pipeline's extractor; benchmarks: evaluation only)")
    print(f"{'documents':<46} {'n':>4} {'>=0.1':>6} {'>=0.5':>6} {'>=0.9':>6} {'median':>7} {'min':>6} {'max':>6}")
    for name, texts in sets.items():
        scores = model.scores(texts)
        print(f"{name:<46} {len(scores):>4} " + " ".join(f"{sum(s >= t for s in scores) / len(scores):>6.3f}"
                                                          for t in (0.1, 0.5, 0.9))
              + f" {statistics.median(scores):>7.3f} {min(scores):>6.3f} {max(scores):>6.3f}")
    print("  per page:")
    for name, text in list(sample_math.items()) + list(web_pages.items()):
        print(f"    {model.score(text):.3f}  {name[:70]}")


def throughput_report(model: MathModel, sets: dict, rounds: int, min_docs: int) -> None:
    baseline = QualityModel()  # the quality model: same fastText, DCLM's plain line
    print(f"\n3. throughput, one core, best of {rounds} rounds (each set repeated to >= {min_docs:,} documents)")
    print(f"{'documents':<30} {'docs':>5} {'KB/doc':>7} {'MathModel d/s':>14} {'MB/s':>6} "
          f"{'math_line only d/s':>19} {'QualityModel d/s':>17}")
    for name, texts in sets.items():
        batch = texts * -(-min_docs // len(texts))
        megabytes = sum(len(t.encode("utf-8")) for t in batch) / 1e6
        seconds = best_seconds(lambda: model.scores(batch), rounds)
        line_only = best_seconds(lambda: [math_line(t) for t in batch], rounds)
        base = best_seconds(lambda: baseline.scores(batch), rounds)
        print(f"{name:<30} {len(texts):>5} {1000 * megabytes / len(batch):>7.1f} {len(batch) / seconds:>14,.0f} "
              f"{megabytes / seconds:>6.1f} {len(batch) / line_only:>19,.0f} {len(batch) / base:>17,.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default=None, help="default: the shipped classifiers/models/math-web.ftz")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--cv", action="store_true", help="also leave-one-project-out cross-validation (~1 min)")
    parser.add_argument("--ablation", action="store_true", help="also train on dclm_line instead of math_line")
    parser.add_argument("--min-docs", type=int, default=3000, help="documents scored per round (sets repeated)")
    args = parser.parse_args()

    model = MathModel(args.model)
    print(f"model: {model.path} ({Path(model.path).stat().st_size:,} bytes)\n")
    held_back_report(model)
    if args.cv:
        cross_validation_report()
    sets, sample_math, web_pages = outside_sets()
    if args.ablation:
        ablation_report(sets)
    outside_report(model, sets, sample_math, web_pages)
    positives, negatives = held_back()
    throughput_report(model, {"held-back math pages": [r.text for r in positives],
                              "held-back other (web, docs)": [r.text for r in negatives],
                              "bundled CC text": sets["bundled CC text, pipeline/sample (other)"]},
                      args.rounds, args.min_docs)


if __name__ == "__main__":
    main()
