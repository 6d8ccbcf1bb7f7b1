#!/usr/bin/env python3
"""Throughput of the decontamination check, `BenchmarkIndex.collisions`, on real web text, one core.

    python perf/decontam_throughput.py [--mb 50] [--rounds 3] [--naive-mb 0.2]

Index: all 25 shipped benchmarks (benchmarks_ngrams/), built from scratch into a temporary file;
build time, file size, load time and memory are printed.

Texts: the real Common Crawl documents in pipeline/sample/cc_text/*.jsonl.gz and
tests/data/web_text/*.jsonl.gz (30 documents, 0.21 MB), repeated to --mb MB of UTF-8 text, checked
one document at a time as the Beam stage does. MB/s = MB of UTF-8 text per second, best of --rounds.

Same run, same texts:
  baseline  `text.split()` of every document: a floor, what merely touching the words costs;
  baseline  the plain-Python reference (benchmarks_ngrams/naive.py): normalise, split, look up
            every n-gram tuple for n = 4..13 in a dict of the index's 2.5 M n-grams (on --naive-mb
            MB only, it is slow); its results are checked equal to the index's;
  part      `ngrams.words` alone (normalisation + word hashing, shared with fuzzy dedup): the part
            of the check that is not the index lookup.
"""
from __future__ import annotations

import argparse
import glob
import gzip
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks_ngrams import naive, ngrams  # noqa: E402
from benchmarks_ngrams.build import build_index  # noqa: E402
from benchmarks_ngrams.index import BenchmarkIndex  # noqa: E402
from benchmarks_ngrams.registry import select  # noqa: E402
from timing import best_seconds  # noqa: E402


def load_texts():
    paths = sorted(glob.glob(str(ROOT / "pipeline/sample/cc_text/*.jsonl.gz")))
    paths += sorted(glob.glob(str(ROOT / "tests/data/web_text/*.jsonl.gz")))
    texts = []
    for path in paths:
        with gzip.open(path, "rb") as f:
            texts += [json.loads(line)["text"] for line in f if line.strip()]
    return texts, paths


def megabytes(texts):
    return sum(len(t.encode("utf-8")) for t in texts) / 1e6


def repeat_to(texts, mb):
    out, size, unit = [], 0.0, megabytes(texts)
    while size < mb:
        out += texts
        size += unit
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mb", type=float, default=50.0, help="MB of text to check per round (default 50)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--naive-mb", type=float, default=0.2,
                        help="MB for the plain-Python baseline (default 0.2: the 30 documents once)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        path = f"{scratch}/benchmarks.npz"
        started = time.perf_counter()
        build_index(None, path)
        build_seconds = time.perf_counter() - started
        started = time.perf_counter()
        index = BenchmarkIndex.load(path)
        load_seconds = time.perf_counter() - started
        info = index.describe()
    print(f"index: {len(index.benchmarks)} benchmarks, {info['ngrams']:,} distinct n-grams, "
          f"{info['prefixes']:,} prefixes, {info['benchmark_sets']} benchmark sets; "
          f"built in {build_seconds:.1f} s; file {info['bytes'] / 1e6:.1f} MB; loaded in {load_seconds:.2f} s; "
          f"{info['memory_bytes'] / 1e6:.1f} MB of arrays in memory")

    base, paths = load_texts()
    texts = repeat_to(base, args.mb)
    mb = megabytes(texts)
    print(f"input: {len(base)} real documents ({megabytes(base):.2f} MB) from {len(paths)} files, repeated to "
          f"{len(texts)} documents, {mb:.1f} MB; one document per call; best of {args.rounds} rounds, one core")

    index.collisions(base[0])  # warm-up
    t_index = best_seconds(lambda: [index.collisions(t) for t in texts], args.rounds)
    t_words = best_seconds(lambda: [ngrams.words(t) for t in texts], args.rounds)
    t_split = best_seconds(lambda: [t.split() for t in texts], args.rounds)

    naive_texts = repeat_to(base, args.naive_mb)
    naive_mb = megabytes(naive_texts)
    started = time.perf_counter()
    table = naive.benchmark_table(select())
    table_seconds = time.perf_counter() - started
    t_naive = best_seconds(lambda: [naive.collisions(table, t) for t in naive_texts], args.rounds)
    for text in base:  # the same answers, or the comparison means nothing
        assert [(h.n, h.text, h.benchmarks) for h in index.collisions(text)] == naive.collisions(table, text)
    hits = sum(len(index.collisions(t)) for t in base)

    def line(name, seconds, size):
        return f"  {name:<66} {seconds:8.3f} s  {size / seconds:8.1f} MB/s"

    print(line("BenchmarkIndex.collisions (25 benchmarks, n = 4..13)", t_index, mb))
    print(line("  of which ngrams.words (normalise + hash words, fuzzy dedup's code)", t_words, mb))
    print(line("baseline: text.split()", t_split, mb))
    print(line(f"baseline: plain-Python n-gram tuples in a dict (on {naive_mb:.1f} MB)", t_naive, naive_mb))
    print(f"  ratio index / plain Python: {(mb / t_index) / (naive_mb / t_naive):.0f}x;  "
          f"index / str.split: {(mb / t_index) / (mb / t_split):.2f};  "
          f"lookup share of the check: {1 - t_words / t_index:.0%}")
    print(f"  the plain-Python table took {table_seconds:.1f} s to build; both found the same {hits} collisions "
          f"in the {len(base)} distinct documents")


if __name__ == "__main__":
    main()
