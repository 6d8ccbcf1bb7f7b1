"""The decontamination match in plain Python: slow and obviously right.

The reference that tests/test_benchmarks_ngrams.py and perf/decontam_throughput.py hold the index to.
Same rules (ngrams.py), but words are strings and n-grams are tuples in a dict: no hashing, no
bitmaps, no arrays.
"""
from __future__ import annotations

from typing import Dict, List, Sequence, Tuple

from benchmarks_ngrams import ngrams
from benchmarks_ngrams.loader import iter_eval_texts
from benchmarks_ngrams.registry import Benchmark
from benchmarks_ngrams.words import normalize

Table = Dict[Tuple[str, ...], set]  # n-gram (its words) -> names of the benchmarks holding it


def benchmark_table(benchmarks: Sequence[Benchmark]) -> Table:
    table: Table = {}
    for benchmark in benchmarks:
        texts = [normalize(text).split() for _, _, text in iter_eval_texts(benchmark)]
        n = benchmark.n or ngrams.choose_n(len(words) for words in texts)
        for words in texts:
            if len(words) >= n:
                grams = (tuple(words[i:i + n]) for i in range(len(words) - n + 1))
            elif len(words) >= min(n, ngrams.MIN_WHOLE_WORDS):
                grams = [tuple(words)]
            else:
                grams = []
            for gram in grams:
                table.setdefault(gram, set()).add(benchmark.name)
    return table


def collisions(table: Table, text: str) -> List[Tuple[int, str, Tuple[str, ...]]]:
    """(n, the n-gram's words joined by spaces, sorted benchmark names) for every distinct n-gram of
    `text` in `table`, in order of first start, then n: what BenchmarkIndex.collisions must find."""
    words = normalize(text).split()
    lengths = sorted({len(gram) for gram in table})
    found, seen = [], set()
    for i in range(len(words)):
        for n in lengths:
            gram = tuple(words[i:i + n])
            if len(gram) == n and gram in table and gram not in seen:
                seen.add(gram)
                found.append((n, " ".join(gram), tuple(sorted(table[gram]))))
    return found
