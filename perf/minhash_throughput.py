#!/usr/bin/env python3
"""MinHash signature throughput of transforms/fuzzy/minhash.py against datasketch, same run, one core.

    python perf/minhash_throughput.py [--docs 2000] [--rounds 3] [--memory-docs 100000]

Texts: the real Common Crawl documents (Dolma CCNet head) in pipeline/sample/cc_text/*.jsonl.gz and
tests/data/web_text/*.jsonl.gz, repeated to --docs documents. num_perm=112, seed=1, 5-gram word
shingles of `normalize(text)`, datasketch's default permutation scheme (affine32) on both sides:
our signatures equal datasketch's for the same 32-bit shingle hashes (tests/test_minhash.py).

Baselines, datasketch 2.0 `MinHash.bulk(..., num_perm=112, seed=1)` with its default sha1 hashfunc:
  end to end: from the same raw texts, the shingles built as a datasketch user builds them
      (`normalize`, 5-word windows joined and UTF-8 encoded, one set per document), then bulk;
  bulk only: the shingle byte strings built beforehand (NOT timed), bulk alone. The harsher
      comparison: our side still starts from raw text.
Also timed for reference: datasketch's "legacy" scheme (its only scheme before 2.0).

Ours: `MinHasher.signatures(texts)` from the raw texts: normalisation, shingling, hashing and all
112 permutations are inside the timing; and its permutation step alone on pre-computed shingle
hashes. Best of --rounds rounds each; docs/s and ratios printed.

Memory: peak traced allocation (tracemalloc, numpy included) and the process's peak RSS growth
while computing signatures of --memory-docs documents (the real documents, each perturbed: a few
words replaced by a per-document token, so no two are identical). The output array alone is
memory-docs x 112 x 4 bytes.
"""
from __future__ import annotations

import argparse
import glob
import gzip
import json
import random
import resource
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from datasketch import MinHash  # noqa: E402

from transforms.fuzzy.minhash import MAX_HASH, MinHasher, _batch_shingles, normalize  # noqa: E402
from timing import best_seconds  # noqa: E402

NUM_PERM, NGRAM, SEED = 112, 5, 1


def load_texts():
    paths = sorted(glob.glob(str(ROOT / "pipeline/sample/cc_text/*.jsonl.gz")))
    paths += sorted(glob.glob(str(ROOT / "tests/data/web_text/*.jsonl.gz")))
    texts = []
    for path in paths:
        with gzip.open(path, "rt", encoding="utf-8") as f:
            texts += [json.loads(line)["text"] for line in f if line.strip()]
    return texts, paths


def shingle_strings(text):
    words = normalize(text).split(" ") if text else []
    words = [w for w in words if w]
    if not words:
        return []
    if len(words) < NGRAM:
        return [" ".join(words).encode("utf-8")]
    return list({" ".join(words[i:i + NGRAM]).encode("utf-8") for i in range(len(words) - NGRAM + 1)})


def perturbed(texts, n, rng):
    out = []
    for i in range(n):
        words = texts[i % len(texts)].split(" ")
        for _ in range(3):
            words[rng.randrange(len(words))] = f"doc{i}"
        out.append(" ".join(words))
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--memory-docs", type=int, default=100_000)
    args = parser.parse_args()

    base, paths = load_texts()
    texts = (base * (args.docs // len(base) + 1))[: args.docs]
    shingles = [shingle_strings(t) for t in texts]
    n_shingles = sum(map(len, shingles))
    print(f"input: {len(base)} real documents from {len(paths)} files, repeated to {len(texts)} documents, "
          f"{sum(map(len, texts)) / 1e6:.1f} MB text, {n_shingles} shingles "
          f"({n_shingles / len(texts):.0f}/doc); num_perm={NUM_PERM} ngram={NGRAM} seed={SEED}; "
          f"best of {args.rounds} rounds, one core")

    hasher = MinHasher(num_perm=NUM_PERM, ngram=NGRAM, seed=SEED)
    hasher.signatures(texts[:50])  # warm-up
    t_ours = best_seconds(lambda: hasher.signatures(texts), args.rounds)
    # Permutations alone, on pre-computed shingle hashes (what MinHash.bulk is given: shingles).
    hashes, owner = _batch_shingles(texts, NGRAM)
    out = np.empty((len(texts), NUM_PERM), dtype=np.uint32)

    def permutations_only():
        out.fill(MAX_HASH)
        hasher._min_perm(hashes, owner, out)

    t_perm = best_seconds(permutations_only, args.rounds)
    ours = hasher.signatures(texts)
    assert np.array_equal(out, ours)
    t_end_to_end = best_seconds(
        lambda: MinHash.bulk([shingle_strings(t) for t in texts], num_perm=NUM_PERM, seed=SEED), args.rounds)
    t_bulk = best_seconds(lambda: MinHash.bulk(shingles, num_perm=NUM_PERM, seed=SEED), args.rounds)
    t_legacy = best_seconds(lambda: MinHash.bulk(shingles, num_perm=NUM_PERM, seed=SEED, scheme="legacy"),
                            args.rounds)

    def line(name, seconds):
        return (f"  {name:<62} {seconds:8.3f} s  {len(texts) / seconds:9.0f} docs/s  "
                f"{seconds / n_shingles * 1e9:7.0f} ns/shingle")

    print(line("datasketch end to end: shingle strings + MinHash.bulk", t_end_to_end))
    print(line("datasketch MinHash.bulk alone (shingles pre-built, not timed)", t_bulk))
    print(line("datasketch MinHash.bulk alone, scheme=legacy (pre-2.0)", t_legacy))
    print(line("ours MinHasher.signatures (from raw text)", t_ours))
    print(line("ours, permutations only (pre-computed shingle hashes)", t_perm))
    print(f"  ratio ours / datasketch end to end (same texts in, same signatures out): "
          f"{t_end_to_end / t_ours:.1f}x")
    print(f"  ratio ours from raw text / datasketch bulk alone on pre-built shingles:  {t_bulk / t_ours:.1f}x")
    print(f"  ratio ours permutations only / datasketch bulk alone:                    {t_bulk / t_perm:.1f}x")
    print(f"  ratio ours from raw text / datasketch bulk alone, legacy scheme:         {t_legacy / t_ours:.1f}x")

    # Peak memory for many documents.
    rng = random.Random(0)
    many = perturbed(base, args.memory_docs, rng)
    text_mb = sum(map(len, many)) / 1e6
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    sigs = hasher.signatures(many)
    elapsed = time.perf_counter() - start
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"memory: {len(many)} perturbed documents ({text_mb:.0f} MB text, allocated by the caller "
          f"before), signatures {sigs.shape} {sigs.dtype} = {sigs.nbytes / 2**20:.1f} MiB; "
          f"peak RSS growth during signatures() {(rss_after - rss_before) / 1024:.1f} MiB; "
          f"{elapsed:.1f} s ({len(many) / elapsed:.0f} docs/s)")
    sub = many[:10_000]
    tracemalloc.start()
    sub_sigs = hasher.signatures(sub)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"        tracemalloc on the first {len(sub)}: peak traced allocation {peak / 2**20:.1f} MiB, "
          f"of which output {sub_sigs.nbytes / 2**20:.1f} MiB, working set "
          f"{(peak - sub_sigs.nbytes) / 2**20:.1f} MiB (bounded per batch, independent of the number of docs)")


if __name__ == "__main__":
    main()
