#!/usr/bin/env python3
"""Score body extraction on the public benchmarks, beside trafilatura run in the same process.

    python perf/extract_eval.py --aeb DIR --trafilatura-eval DIR [--methods ...] [--rounds 1]

--aeb: Scrapinghub's article-extraction-benchmark (`ground-truth.json` + `html/<id>.html.gz`).
  Score: token-level precision, recall and F1 of the extracted text against `articleBody`, per page,
  averaged over pages (tokens are lower-cased `\\w+` runs, counted as multisets).
--trafilatura-eval: trafilatura's evaluation set (`evaldata.json` + `html/<file>`). Score as in
  trafilatura's own evaluation: a must-contain snippet found is a true positive, one missing a false
  negative, a must-not-contain snippet found a false positive; precision, recall, F1 over all
  snippets, plus the share of `with` snippets found and of `without` snippets absent.
Pages per second: single thread, whole set, best of `--rounds`; decoding the bytes is not timed.

The data is not shipped with winnow (3.6 MB + 15 MB of third-party pages); both sets are public:
github.com/scrapinghub/article-extraction-benchmark and github.com/adbar/trafilatura (tests/).
"""
from __future__ import annotations

import argparse
import gzip
import json
import logging
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from transforms.extraction.extractors import extract_body, trafilatura_config  # noqa: E402
from transforms.ingest.decode import decode_html  # noqa: E402

_TOKENS = re.compile(r"\w+")


def token_prf(predicted: str, truth: str):
    a, b = Counter(_TOKENS.findall(predicted.lower())), Counter(_TOKENS.findall(truth.lower()))
    overlap = sum((a & b).values())
    if not overlap:
        return 0.0, 0.0, 0.0
    precision, recall = overlap / sum(a.values()), overlap / sum(b.values())
    return precision, recall, 2 * precision * recall / (precision + recall)


def _read_page(path: Path) -> str:
    data = path.read_bytes()
    if path.suffix == ".gz":
        data = gzip.decompress(data)
    return decode_html(data)[0]


def load_aeb(directory: Path):
    truth = json.loads((directory / "ground-truth.json").read_text())
    return [(_read_page(directory / "html" / f"{page}.html.gz"), case["url"], case["articleBody"])
            for page, case in sorted(truth.items())]


def load_trafilatura_eval(directory: Path):
    cases = json.loads((directory / "evaldata.json").read_text())
    return [(_read_page(directory / "html" / case["file"]), url, case) for url, case in sorted(cases.items())]


def extractors():
    import trafilatura

    config = trafilatura_config()
    return {
        "winnow combined": lambda html, url: extract_body(html, url, "combined", config).text,
        "winnow fast": lambda html, url: extract_body(html, url, "fast", config).text,
        "winnow trafilatura": lambda html, url: extract_body(html, url, "trafilatura", config).text,
        "trafilatura default": lambda html, url: trafilatura.extract(html, url=url) or "",
        "trafilatura favor_precision": lambda html, url: trafilatura.extract(html, url=url, favor_precision=True) or "",
    }


def timed(fn, pages, rounds):
    best, outputs = float("inf"), None
    for _ in range(rounds):
        start = time.perf_counter()
        outputs = [fn(html, url) for html, url, _ in pages]
        best = min(best, time.perf_counter() - start)
    return outputs, len(pages) / best


def score_aeb(outputs, pages):
    scores = [token_prf(text, truth) for text, (_, _, truth) in zip(outputs, pages)]
    return tuple(statistics.mean(s[i] for s in scores) for i in range(3))


def score_snippets(outputs, pages):
    tp = fn = fp = absent = without = 0
    for text, (_, _, case) in zip(outputs, pages):
        found = sum(snippet in text for snippet in case["with"])
        leaked = sum(snippet in text for snippet in case["without"])
        tp, fn = tp + found, fn + len(case["with"]) - found
        fp, absent, without = fp + leaked, absent + len(case["without"]) - leaked, without + len(case["without"])
    precision, recall = tp / ((tp + fp) or 1), tp / ((tp + fn) or 1)
    f1 = 2 * precision * recall / ((precision + recall) or 1)
    return precision, recall, f1, tp / ((tp + fn) or 1), absent / (without or 1)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--aeb", type=Path, required=True)
    parser.add_argument("--trafilatura-eval", type=Path, required=True)
    parser.add_argument("--methods", nargs="*", help="subset of the extractor names to run")
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args(argv)
    logging.disable(logging.WARNING)

    aeb, evalset = load_aeb(args.aeb), load_trafilatura_eval(args.trafilatura_eval)
    chosen = {k: v for k, v in extractors().items() if not args.methods or k in args.methods}
    print(f"AEB: {len(aeb)} pages; trafilatura eval: {len(evalset)} pages; single thread, best of {args.rounds}")
    header = (f"{'extractor':<28}{'AEB P':>7}{'R':>7}{'F1':>7}{'pages/s':>9}   "
              f"{'TEV P':>7}{'R':>7}{'F1':>7}{'with':>7}{'w/o':>7}{'pages/s':>9}")
    print(header)
    rows = {}
    for name, fn in chosen.items():
        outputs, aeb_rate = timed(fn, aeb, args.rounds)
        p, r, f = score_aeb(outputs, aeb)
        outputs, tev_rate = timed(fn, evalset, args.rounds)
        tp, tr, tf, found, absent = score_snippets(outputs, evalset)
        rows[name] = (aeb_rate, tev_rate)
        print(f"{name:<28}{p:>7.3f}{r:>7.3f}{f:>7.3f}{aeb_rate:>9.1f}   "
              f"{tp:>7.3f}{tr:>7.3f}{tf:>7.3f}{found:>7.3f}{absent:>7.3f}{tev_rate:>9.1f}", flush=True)
    if "trafilatura default" in rows:
        base_pages = len(aeb) / rows["trafilatura default"][0] + len(evalset) / rows["trafilatura default"][1]
        print("\nthroughput over both sets relative to trafilatura default (same run):")
        for name, (a, t) in rows.items():
            pages = len(aeb) / a + len(evalset) / t
            print(f"  {name:<28}{base_pages / pages:>6.2f}x")


if __name__ == "__main__":
    main()
