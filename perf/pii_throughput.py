#!/usr/bin/env python3
"""Throughput of stage `pii` per core, with and without the pre-filter, in the same run.

    python perf/pii_throughput.py [--text GLOB ...] [--presidio FILE ...] [--code GLOB ...] [--rounds 3]

Corpora (real text; defaults are the copies bundled with winnow):
  web       --text: JSONL(.gz) rows with a "text" field (default: Dolma's Common Crawl text in
            pipeline/sample/cc_text/ and tests/data/web_text/)
  sentences --presidio: presidio-research JSON(.gz) files (default: tests/data/pii/presidio/)
  code      --code: JSONL(.gz) rows with a "content" field, judged as kind=code, so secrets are
            searched too (default: pipeline/sample/code/)

Modes, all on one engine, one core, no Beam:
  off        prefilter=false: presidio reads every document whole (the reference)
  documents  prefilter=true, windows=false: documents without a trigger skip presidio
  windows    prefilter=true, windows=true (the default): presidio reads only windows around triggers
Best of --rounds. The spans of every mode are compared with `off` in the same run: the pre-filter
must not change a single result.
"""
from __future__ import annotations

import argparse
import glob
import gzip
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_TEXT = [str(ROOT / "pipeline/sample/cc_text/*.jsonl.gz"), str(ROOT / "tests/data/web_text/*.jsonl.gz")]
DEFAULT_PRESIDIO = [str(ROOT / "tests/data/pii/presidio/*.json.gz")]
DEFAULT_CODE = [str(ROOT / "pipeline/sample/code/*.jsonl.gz")]
MODES = (("off", False, False), ("documents", True, False), ("windows", True, True))


def read_json_lines(patterns, field):
    texts = []
    for pattern in patterns:
        for path in sorted(glob.glob(pattern)):
            opener = gzip.open if path.endswith(".gz") else open
            with opener(path, "rt", encoding="utf-8") as handle:
                texts += [json.loads(line)[field] for line in handle if line.strip()]
    return texts


def read_presidio(patterns):
    texts = []
    for pattern in patterns:
        for path in sorted(glob.glob(pattern)):
            raw = Path(path).read_bytes()
            texts += [r["full_text"] for r in json.loads(gzip.decompress(raw) if path.endswith(".gz") else raw)]
    return texts


def measure(detector, texts, code, rounds):
    best, results = float("inf"), None
    for _ in range(rounds):
        started = time.perf_counter()
        detections = [detector.detect(text, code=code) for text in texts]
        best = min(best, time.perf_counter() - started)
        results = detections
    return best, results


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--text", nargs="*", default=DEFAULT_TEXT)
    parser.add_argument("--presidio", nargs="*", default=DEFAULT_PRESIDIO)
    parser.add_argument("--code", nargs="*", default=DEFAULT_CODE)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)

    from transforms.pii_detection.analyzer import PiiDetector, build_analyzer

    corpora = [("web", read_json_lines(args.text, "text"), False),
               ("sentences", read_presidio(args.presidio), False),
               ("code", read_json_lines(args.code, "content"), True)]
    analyzer = build_analyzer()
    detectors = {name: PiiDetector(prefilter=prefilter, windows=windows, analyzer=analyzer)
                 for name, prefilter, windows in MODES}
    for detector in detectors.values():  # warm up: tldextract builds its suffix trie on first use
        detector.detect("warm-up a@example.com +1 212 555 0100")

    print(f"{'corpus':<10}{'docs':>6}{'KB/doc':>8}  {'mode':<10}{'docs/s':>9}{'KB/s':>8}{'x off':>7}"
          f"{'to presidio':>13}{'chars read':>12}  same spans as off")
    for corpus, texts, code in corpora:
        if not texts:
            continue
        chars = sum(map(len, texts))
        reference = None
        for name, detector in detectors.items():
            seconds, detections = measure(detector, texts, code, args.rounds)
            if reference is None:
                reference, reference_seconds = detections, seconds
            same = all(a.spans == b.spans for a, b in zip(detections, reference, strict=True))
            reached = sum(d.scanned_chars > 0 for d in detections) / len(texts)
            read = sum(d.scanned_chars for d in detections) / chars
            print(f"{corpus:<10}{len(texts):>6}{chars / len(texts) / 1000:>8.1f}  {name:<10}"
                  f"{len(texts) / seconds:>9.0f}{chars / seconds / 1000:>8.0f}{reference_seconds / seconds:>7.2f}"
                  f"{reached:>13.0%}{read:>12.0%}  {'yes' if same else 'NO'}")


if __name__ == "__main__":
    main()
