#!/usr/bin/env python3
"""Score `fuzzy_dedup` against true Jaccard on a near-duplicate set built from real text.

    python perf/fuzzy_dedup_eval.py --aeb DIR --gsm8k DIR [--seed 0]

The set: every Scrapinghub AEB article body (`--aeb`, ground-truth.json) with copies under controlled
word edits (a share of words replaced, deleted or inserted, from 1% to 60%), and GSM8K's test and
test_socratic files (`--gsm8k`): the same 1,319 questions with two styles of worked answer, real
near-duplicates of every similarity. The stage runs in Beam with its default parameters (or those
given); its clusters are compared with the true Jaccard similarity of the 5-word shingle sets of
every pair of documents that shares at least one shingle (every other pair has Jaccard 0):

- recall: the share of pairs with Jaccard >= 0.85 that end in one cluster;
- false merges: the share of pairs with Jaccard <= 0.5 that end in one cluster (of the pairs that
  share a shingle, and of all pairs);
- the S-curve: the share of pairs in one cluster by Jaccard bin, beside the LSH theory
  1 - (1 - J^rows)^bands.
The data is not shipped with winnow; both sets are public (see tests/data/SOURCES.md for origins).
"""
from __future__ import annotations

import argparse
import gzip
import itertools
import json
import random
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import apache_beam as beam  # noqa: E402
from apache_beam.options.pipeline_options import PipelineOptions  # noqa: E402

from transforms.document import Document  # noqa: E402
from transforms.fuzzy.minhash import shingle_hashes  # noqa: E402
from transforms.fuzzy_dedup import FuzzyDedup, FuzzyDedupParams  # noqa: E402

EDIT_RATES = (0.01, 0.03, 0.05, 0.08, 0.12, 0.2, 0.3, 0.45, 0.6)


def edited(text: str, rate: float, rng: random.Random) -> str:
    words = text.split()
    vocabulary = words or ["word"]
    out = []
    for word in words:
        roll = rng.random()
        if roll < rate / 3:
            continue  # deleted
        if roll < 2 * rate / 3:
            out.append(rng.choice(vocabulary))  # replaced
        else:
            out.append(word)
        if rng.random() < rate / 3:
            out.append(rng.choice(vocabulary))  # inserted
    return " ".join(out)


def build_set(aeb: Path, gsm8k: Path, seed: int):
    rng = random.Random(seed)
    docs = []
    truth = json.loads((aeb / "ground-truth.json").read_text())
    for page_id, case in sorted(truth.items()):
        body = case["articleBody"]
        docs.append((f"aeb-{page_id}", body))
        for rate in EDIT_RATES:
            docs.append((f"aeb-{page_id}-edit{rate}", edited(body, rate, rng)))
    for name in ("test", "test_socratic"):
        with gzip.open(gsm8k / f"{name}.jsonl.gz", "rt") as lines:
            for i, line in enumerate(lines):
                row = json.loads(line)
                docs.append((f"gsm8k-{name}-{i:04d}", row["question"] + "\n" + row["answer"]))
    return docs


def true_pairs(docs, ngram):
    """Jaccard of every pair that shares a shingle (an inverted index, so not n^2 set operations)."""
    shingles = [set(shingle_hashes(text, ngram).tolist()) for _, text in docs]
    postings = defaultdict(list)
    for index, hashes in enumerate(shingles):
        for value in hashes:
            postings[value].append(index)
    candidates = set()
    for members in postings.values():
        if len(members) < 200:  # a shingle in 200+ documents is boilerplate: pairs still found via others
            candidates.update(itertools.combinations(members, 2))
    pairs = {}
    for a, b in candidates:
        union = len(shingles[a] | shingles[b])
        pairs[(a, b)] = len(shingles[a] & shingles[b]) / union if union else 0.0
    return pairs


def run_stage(docs, params, workers=1):
    clusters = {}
    with tempfile.TemporaryDirectory() as out:
        options = PipelineOptions(["--runner=DirectRunner", f"--direct_num_workers={workers}",
                                   "--direct_running_mode=multi_processing" if workers > 1 else
                                   "--direct_running_mode=in_memory"])
        with beam.Pipeline(options=options) as pipeline:
            documents = pipeline | beam.Create([Document(id=doc_id, source="eval", kind="public", origin=doc_id,
                                                         text=text) for doc_id, text in docs])
            result = documents | FuzzyDedup(params, out)
            kept = result.kept | "KeptIds" >> beam.Map(lambda d: (d.id, d.id))
            removed = result.rejected | "RemovedIds" >> beam.Map(lambda r: (r["id"], r["measurements"]["duplicate_of"]))
            _ = (kept, removed) | beam.Flatten() | beam.io.WriteToText(f"{out}/clusters", file_name_suffix=".txt")
        for path in Path(out).glob("clusters*.txt"):
            for line in path.read_text().splitlines():
                doc_id, cluster = eval(line)  # noqa: S307 -- our own tuples of two strings
                clusters[doc_id] = cluster
        report = json.loads((Path(out) / "fuzzy_dedup" / "components.json").read_text())
    return clusters, report


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--aeb", type=Path, required=True)
    parser.add_argument("--gsm8k", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, nargs="*", default=[1, 2])
    args = parser.parse_args(argv)

    params = FuzzyDedupParams()
    bands, rows = params.bands_and_rows()
    docs = build_set(args.aeb, args.gsm8k, args.seed)
    pairs = true_pairs(docs, params.ngram)
    total_pairs = len(docs) * (len(docs) - 1) // 2
    print(f"{len(docs)} documents, {total_pairs:,} pairs, {len(pairs):,} share a shingle; "
          f"{params.num_perm} permutations as {bands} bands x {rows} rows, {params.ngram}-word shingles")

    outputs = {}
    for workers in args.workers:
        started = time.perf_counter()
        clusters, report = run_stage(docs, params, workers)
        outputs[workers] = clusters
        print(f"DirectRunner, {workers} worker(s): {time.perf_counter() - started:.1f} s, components converged "
              f"in {report['rounds_used']} round(s) of {report['max_rounds']} "
              f"(edges changed per round: {report['changed_edges_per_round']})")
    reference = outputs[args.workers[0]]
    for workers, clusters in outputs.items():
        print(f"  output with {workers} worker(s) identical to {args.workers[0]}: {clusters == reference}")

    ids = [doc_id for doc_id, _ in docs]
    same = {pair: reference[ids[pair[0]]] == reference[ids[pair[1]]] for pair in pairs}
    high = [p for p, j in pairs.items() if j >= 0.85]
    low = [p for p, j in pairs.items() if j <= 0.5]
    merged_pairs = sum(1 for i, a in enumerate(ids) for b in ids[i + 1:] if reference[a] == reference[b])
    low_merged = sum(same[p] for p in low)
    # pairs sharing no shingle have Jaccard 0: merged ones are false merges too
    zero_merged = merged_pairs - sum(same.values())
    print(f"recall, Jaccard >= 0.85: {sum(same[p] for p in high) / len(high):.4f} ({len(high):,} pairs)")
    zero_pairs = total_pairs - len(pairs)
    print(f"false merges, 0 < Jaccard <= 0.5: {low_merged:,} of {len(low):,} pairs ({low_merged / len(low):.4%}); "
          f"Jaccard 0 (no shared shingle): {zero_merged:,} of {zero_pairs:,}; all pairs <= 0.5: "
          f"{(low_merged + zero_merged) / (len(low) + zero_pairs):.5%}")
    print("\nS-curve: share of pairs in one cluster by true Jaccard (theory: 1 - (1 - J^rows)^bands at the bin centre)")
    print(f"{'Jaccard':>12}{'pairs':>10}{'merged':>10}{'theory':>10}")
    for low_edge in [i / 10 for i in range(10)]:
        in_bin = [p for p, j in pairs.items() if low_edge <= j < low_edge + 0.1 or (low_edge == 0.9 and j == 1.0)]
        if not in_bin:
            continue
        centre = low_edge + 0.05
        theory = 1 - (1 - centre ** rows) ** bands
        print(f"{low_edge:>5.1f}-{low_edge + 0.1:<5.1f}{len(in_bin):>10,}{sum(same[p] for p in in_bin) / len(in_bin):>10.3f}"
              f"{theory:>10.3f}")


if __name__ == "__main__":
    main()
