#!/usr/bin/env python3
"""Stage `safety` as the pipeline runs it: F1 on held-back tweets, rejections of clean real text.

    python perf/safety_eval.py \\
        --web-text ../shared/data/web_text/dolma_tests \\
        --aeb ../shared/data/extraction/scrapinghub_aeb \\
        --trafilatura-eval ../shared/data/extraction/trafilatura_eval \\
        --readability ../shared/data/extraction/mozilla_readability [--sweep]

1. Unsafe (hate or offensive) vs neither on the held-back fifth of the shipped Davidson copy (never
   trained on), with the stage's default configuration; each tweet is a document whose language is
   unknown (the stage reads it as English), and again after the langid stage, as in a run.
2. Share of clean documents the stage rejects. Text sets (Common Crawl text, AEB article bodies) go
   through langid, HTML sets (trafilatura's and Mozilla Readability's test pages) through extract
   and langid first, exactly like a run. Documents of the text sets that the model trained on are
   skipped (the same hash split as classifiers/safety_data.py); the HTML sets were never trained on.
3. With --sweep: the same two numbers over a grid of word-rule and model settings, and for the
   document-score aggregate (mean of windows, the default, against the maximum).
All directories are optional; sets not given are left out.
"""
from __future__ import annotations

import argparse
import gzip
import json
import logging
import sys
from collections import Counter
from pathlib import Path
from typing import Dict, List, Tuple

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from classifiers.metrics import binary_report, prf, upper_bound_95  # noqa: E402
from classifiers.safety_data import (  # noqa: E402
    CLEAN_TEST_SHARE, davidson_split, is_held_out, read_davidson,
)
from transforms.document import Document  # noqa: E402
from transforms.extract import Extract  # noqa: E402
from transforms.ingest.decode import decode_html  # noqa: E402
from transforms.langid import LanguageId  # noqa: E402
from transforms.safety import Safety, SafetyParams  # noqa: E402


def _html(path: Path) -> str:
    data = path.read_bytes()
    return decode_html(gzip.decompress(data) if path.suffix == ".gz" else data)[0]


def load_clean_sets(args) -> Dict[str, List[Document]]:
    """{set name: documents before extract/langid}, training documents of the text sets left out."""
    sets: Dict[str, List[Document]] = {}
    if args.web_text:
        docs = []
        for path in sorted(Path(args.web_text).glob("*.jsonl.gz")):
            for line in gzip.open(path, "rt", encoding="utf-8"):
                row = json.loads(line)
                if is_held_out(row["id"], CLEAN_TEST_SHARE):
                    docs.append(Document(row["id"], "web_text", "public", row["id"], text=row["text"]))
        sets["Common Crawl text (held-out half)"] = list({d.id: d for d in docs}.values())
    if args.aeb:
        truth = json.loads((Path(args.aeb) / "ground-truth.json").read_text())
        sets["AEB article bodies (held-out half)"] = [
            Document(key, "aeb", "public", case["url"], text=case["articleBody"])
            for key, case in sorted(truth.items()) if is_held_out(key, CLEAN_TEST_SHARE)]
    if args.trafilatura_eval:
        root = Path(args.trafilatura_eval)
        cases = json.loads((root / "evaldata.json").read_text())
        sets["trafilatura eval pages (extracted)"] = [
            Document(url, "tev", "web", url, html=_html(root / "html" / case["file"]))
            for url, case in sorted(cases.items())]
    if args.readability:
        root = Path(args.readability)
        sets["Mozilla Readability pages (extracted)"] = [
            Document(d.name, "moz", "web", d.name, html=_html(d / "source.html.gz"))
            for d in sorted(root.iterdir()) if (d / "source.html.gz").is_file()]
    return sets


class Flow:
    """extract -> langid, as a run applies them; documents they reject are counted, not judged."""

    def __init__(self):
        self.extract, self.langid = Extract(), LanguageId()
        self.extract.setup()
        self.langid.setup()

    def __call__(self, doc: Document):
        if doc.html is not None:
            verdict = self.extract.judge(doc)
            if not verdict.kept:
                return None
            doc = verdict.document
        verdict = self.langid.judge(doc)
        return verdict.document if verdict.kept else None


def tweet_documents(davidson: str = None) -> List[Tuple[Document, bool]]:
    tweets = davidson_split(read_davidson(davidson), test=True)
    return [(Document(t.id, "davidson", "public", t.id, text=t.text), t.label == "unsafe") for t in tweets]


def stage(**overrides) -> Safety:
    s = Safety(SafetyParams(**overrides))
    s.setup()
    return s


def tweet_report(safety: Safety, tweets, flow=None) -> str:
    docs = tweets if flow is None else [(flow(d), t) for d, t in tweets]
    judged = [(d, t) for d, t in docs if d is not None]
    verdicts = [safety.judge(d) for d, _ in judged]
    truth = [t for _, t in judged]
    predicted = [not v.kept for v in verdicts]
    reasons = Counter(v.reason for v, t in zip(verdicts, truth) if not v.kept)
    head = f"{len(judged)} tweets judged" + (f" ({len(docs) - len(judged)} rejected by langid first)" if flow else "")
    return "\n".join([head + f"; rejections by reason: {dict(reasons)}", binary_report(truth, predicted)])


def clean_report(safety: Safety, prepared: Dict[str, List[Document]]) -> Tuple[str, int, int]:
    rows, total, rejected_total, details = [], 0, 0, []
    for name, docs in prepared.items():
        verdicts = [(d, safety.judge(d)) for d in docs]
        rejected = [(d, v) for d, v in verdicts if not v.kept]
        total += len(docs)
        rejected_total += len(rejected)
        languages = Counter(d.meta.get("language") for d in docs)
        share = 100 * len(rejected) / max(len(docs), 1)
        top = ", ".join(f"{k} {v}" for k, v in languages.most_common(4))
        rows.append(f"  {name:<40} {len(docs):>4} docs  rejected {len(rejected):>3} ({share:4.1f}%)  languages: {top}")
        for d, v in rejected:
            m = v.measurements
            details.append(f"    {v.reason:<13} {d.meta.get('language')} {d.origin[:70]}  words={m.get('profanity_words')} "
                           f"per1000={m.get('profanity_per_1000_words')} score={m.get('unsafe_score')}")
    share = 100 * rejected_total / max(total, 1)
    bound = 100 * upper_bound_95(rejected_total, total)
    rows.append(f"  {'all clean documents':<40} {total:>4} docs  rejected {rejected_total:>3} ({share:4.1f}%; "
                f"95% upper bound {bound:.1f}%)")
    return "\n".join(rows + details), rejected_total, total


def sweep(tweets, prepared):
    """Word-rule and model settings against tweet F1 and clean rejections (documents already prepared)."""
    clean = [d for docs in prepared.values() for d in docs]
    truth = [t for _, t in tweets]
    print(f"{'setting':<58} {'unsafe P':>8} {'R':>6} {'F1':>6} {'safe F1':>7}  clean rejected")
    grid = [("word rule only, C4 (any listed word, no allow-list)",
             dict(model=False, profanity_min_per_1000_words=0.0, use_default_allow_list=False)),
            ("word rule only, any word, allow-list", dict(model=False, profanity_min_per_1000_words=0.0))]
    for density in (2.0, 5.0, 10.0, 20.0):
        grid.append((f"word rule only, >= {density:g} per 1000 words",
                     dict(model=False, profanity_min_per_1000_words=density)))
    grid.append(("word rule only, >= 2 hits and >= 5 per 1000", dict(model=False, profanity_min_hits=2)))
    for threshold in (0.3, 0.5, 0.7, 0.9):
        grid.append((f"model only, threshold {threshold}", dict(profanity=False, model_threshold=threshold)))
    for threshold in (0.3, 0.5, 0.7, 0.9):
        grid.append((f"word rule (defaults) OR model >= {threshold}", dict(model_threshold=threshold)))
    grid.append(("word rule (defaults) OR model, model on every language", dict(model_languages=None)))
    for label, overrides in grid:
        s = stage(**overrides)
        predicted = [not s.judge(d).kept for d, _ in tweets]
        unsafe, safe = prf(truth, predicted), prf(truth, predicted, False)
        rejected = sum(not s.judge(d).kept for d in clean)
        print(f"{label:<58} {unsafe['precision']:>8.3f} {unsafe['recall']:>6.3f} {unsafe['f1']:>6.3f} "
              f"{safe['f1']:>7.3f}  {rejected:>3}/{len(clean)} ({100 * rejected / max(len(clean), 1):.1f}%)")
    aggregate_sweep(tweets, clean)


def aggregate_sweep(tweets, clean):
    """Mean of window scores (the stage's score) against the maximum window, model alone, English only."""
    from classifiers.safety import SafetyClassifier

    classifier = SafetyClassifier()
    english = [d for d in clean if d.meta.get("language") == "en"]
    tweet_scores = [classifier.score(d.text) for d, _ in tweets]
    clean_scores = [classifier.score(d.text) for d in english]
    truth = [t for _, t in tweets]
    print(f"\ndocument score aggregate, model alone: tweets and {len(english)} clean English documents")
    print(f"{'aggregate':<10} {'threshold':>9} {'unsafe F1':>9} {'safe F1':>7}  clean rejected")
    for key, name in (("score", "mean"), ("max_window", "max")):
        for threshold in (0.3, 0.5, 0.7, 0.9):
            predicted = [s[key] >= threshold for s in tweet_scores]
            flagged = sum(s[key] >= threshold for s in clean_scores)
            unsafe_f1, safe_f1 = prf(truth, predicted)["f1"], prf(truth, predicted, False)["f1"]
            print(f"{name:<10} {threshold:>9.1f} {unsafe_f1:>9.3f} {safe_f1:>7.3f}"
                  f"  {flagged:>3}/{len(english)} ({100 * flagged / max(len(english), 1):.1f}%)")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--davidson", default=None, help="Davidson CSV(.gz); default: the shipped train80 copy")
    parser.add_argument("--web-text", help="directory of Dolma-style *.jsonl.gz (id, text)")
    parser.add_argument("--aeb", help="Scrapinghub article-extraction-benchmark directory (ground-truth.json)")
    parser.add_argument("--trafilatura-eval", help="trafilatura evaluation directory (evaldata.json, html/)")
    parser.add_argument("--readability", help="Mozilla Readability test-pages directory (<case>/source.html.gz)")
    parser.add_argument("--sweep", action="store_true", help="also print the settings grid")
    args = parser.parse_args()
    logging.disable(logging.WARNING)  # trafilatura logs every page without a body

    safety = stage()
    p = safety.params
    print(f"default configuration: profanity min_hits={p.profanity_min_hits} "
          f"min_per_1000_words={p.profanity_min_per_1000_words} "
          f"allow-list={'default' if p.use_default_allow_list else 'none'}; model threshold={p.model_threshold} "
          f"languages={p.model_languages}; rule: profanity OR model\n")
    tweets = tweet_documents(args.davidson)
    flow = Flow()
    print("1. held-back Davidson tweets, language unknown (read as English):")
    print(tweet_report(safety, tweets))
    print("\n   the same tweets after the langid stage (as in a run):")
    print(tweet_report(safety, tweets, flow))

    sets = load_clean_sets(args)
    prepared = {}
    for name, docs in sets.items():
        kept = [d for d in map(flow, docs) if d is not None]
        prepared[name] = kept
        if len(kept) < len(docs):
            print(f"   ({name}: {len(docs) - len(kept)} of {len(docs)} documents rejected by extract/langid "
                  "before safety)")
    if prepared:
        print("\n2. clean real text, documents never trained on, default configuration:")
        report, _, _ = clean_report(safety, prepared)
        print(report)
    if args.sweep:
        print("\n3. settings grid (tweets with language unknown; clean documents as above):")
        sweep(tweets, prepared)


if __name__ == "__main__":
    main()
