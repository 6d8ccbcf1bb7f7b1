#!/usr/bin/env python3
"""Score `fuzzy_dedup` against true Jaccard on a near-duplicate set built from real text.

    python perf/fuzzy_dedup_eval.py --aeb DIR --gsm8k DIR [--seed 0] [--workers 1 2] [--verify-jaccard 0.7]

The set: every Scrapinghub AEB article body (`--aeb`, ground-truth.json) with copies under controlled
word edits (a share of words replaced, deleted or inserted, from 0.2% to 60%; the low rates give
the many pairs above Jaccard 0.85 that recall is measured on), and GSM8K's test and
test_socratic files (`--gsm8k`): the same 1,319 questions with two styles of worked answer, real
near-duplicates of every similarity. The stage runs in Beam with its default parameters (or those
given); its clusters are compared with the true Jaccard similarity of the 5-word shingle sets of
every pair of documents that shares at least one shingle (every other pair has Jaccard 0):

- recall: the share of pairs with Jaccard >= 0.85 that end in one cluster;
- false merges: the share of pairs with Jaccard <= 0.5 that end in one cluster (of the pairs that
  share a shingle, and of all pairs);
- the S-curve: the share of pairs in one cluster by Jaccard bin, beside the LSH theory
  1 - (1 - J^rows)^bands.
With --verify-jaccard T the stage also runs (1 worker) with its exact Jaccard check of candidate
pairs on, and the same scores and its wall time are printed beside the default's. Besides pairs,
removals are scored directly: removed documents whose true Jaccard with their survivor is <= 0.5
(false removals), and pairs above 0.85 that were both kept (missed duplicates).
The data is not shipped with winnow; both sets are public (see tests/data/SOURCES.md for origins).
"""
from __future__ import annotations

import argparse
import dataclasses
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

EDIT_RATES = (0.002, 0.005, 0.01, 0.015, 0.02, 0.03, 0.05, 0.08, 0.12, 0.2, 0.3, 0.45, 0.6)


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
    parser.add_argument("--verify-jaccard", type=float, nargs="*", default=[])
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
    print("\ndefault parameters:")
    score(docs, pairs, reference, rows, bands)
    for threshold in args.verify_jaccard:
        verified = dataclasses.replace(params, verify_jaccard=threshold)
        started = time.perf_counter()
        clusters, _ = run_stage(docs, verified, 1)
        print(f"\nverify_jaccard={threshold} (exact Jaccard check of every LSH candidate pair), "
              f"1 worker: {time.perf_counter() - started:.1f} s")
        score(docs, pairs, clusters, rows, bands)


def score(docs, pairs, clusters, rows, bands):
    ids = [doc_id for doc_id, _ in docs]
    total_pairs = len(docs) * (len(docs) - 1) // 2
    same = {pair: clusters[ids[pair[0]]] == clusters[ids[pair[1]]] for pair in pairs}
    high = [p for p, j in pairs.items() if j >= 0.85]
    low = [p for p, j in pairs.items() if j <= 0.5]
    sizes = defaultdict(int)
    for cluster in clusters.values():
        sizes[cluster] += 1
    merged_pairs = sum(n * (n - 1) // 2 for n in sizes.values())
    low_merged = sum(same[p] for p in low)
    # pairs sharing no shingle have Jaccard 0: merged ones are false merges too
    zero_merged = merged_pairs - sum(same.values())
    removed = [doc_id for doc_id, cluster in clusters.items() if doc_id != cluster]
    index = {doc_id: i for i, doc_id in enumerate(ids)}
    to_survivor = [pairs.get(tuple(sorted((index[d], index[clusters[d]]))), 0.0) for d in removed]
    both_kept = sum(1 for a, b in high if clusters[ids[a]] == ids[a] and clusters[ids[b]] == ids[b])
    print(f"documents removed: {len(removed):,} of {len(docs):,}; true Jaccard with their survivor <= 0.5 "
          f"(false removals): {sum(j <= 0.5 for j in to_survivor):,}, < 0.7: {sum(j < 0.7 for j in to_survivor):,}")
    print(f"missed duplicates: pairs with Jaccard >= 0.85 both kept: {both_kept:,} of {len(high):,}")
    print(f"recall, Jaccard >= 0.85: {sum(same[p] for p in high) / len(high):.4f} ({len(high):,} pairs)")
    zero_pairs = total_pairs - len(pairs)
    print(f"false merges, 0 < Jaccard <= 0.5: {low_merged:,} of {len(low):,} pairs ({low_merged / len(low):.4%}); "
          f"Jaccard 0 (no shared shingle): {zero_merged:,} of {zero_pairs:,}; all pairs <= 0.5: "
          f"{(low_merged + zero_merged) / (len(low) + zero_pairs):.5%}")
    print("S-curve: share of pairs in one cluster by true Jaccard (theory: 1 - (1 - J^rows)^bands at the bin centre)")
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
