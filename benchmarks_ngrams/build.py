"""Building the n-gram index file from registry benchmarks.

The file (one `.npz`, no pickled objects, loads with np.load(allow_pickle=False)):

    format_version      int64 scalar      FORMAT_VERSION; a reader refuses any other
    content_hash        str scalar        sha256 of the benchmarks' YAML + data, the key scheme and the rules
    scheme              str scalar        ngrams.scheme_fingerprint() of the code that built it
    benchmarks          str[B]            benchmark names, sorted; a benchmark's id is its position
    bench_license       str[B]
    bench_n             int64[B]          the n used (rule or registry override)
    bench_items         int64[B]          items (records) read
    bench_texts         int64[B]          evaluation texts (non-empty fields or split pieces)
    bench_sliding       int64[B]          texts of >= n words: every n-gram indexed
    bench_whole         int64[B]          texts of 4 .. n-1 words: indexed whole
    bench_skipped       int64[B]          texts of < 4 normalised words: not indexed
    bench_ngrams        int64[B]          distinct keys of the benchmark (all n)
    ns                  int64[K]          the n values present, ascending
    prefixes            uint32[]          sorted distinct top 32 bits of the 4-gram key of the first 4
                                          words of every indexed n-gram (the checker's first filter)
    keys_<n>            uint64[]          sorted distinct keys of length-n n-grams
    sets_<n>            uint16/32[]       per key: the id of its benchmark set
    set_offsets         int64[S+1]        benchmark set s = set_members[set_offsets[s]:set_offsets[s+1]]
    set_members         int32[]           benchmark ids, ascending within a set

A key shared by several benchmarks is stored once, with the set of all of them; the number of
distinct sets is small (benchmarks that share text: GSM8K and GSM-Hard, MMLU and MMLU-STEM ...).
"""
from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Union

import numpy as np

from benchmarks_ngrams import ngrams
from benchmarks_ngrams.loader import iter_eval_texts
from benchmarks_ngrams.registry import Benchmark, combined_digest, select
from benchmarks_ngrams.words import mix64 as _mix64, normalized_bytes as _normalized_bytes, word_hashes as _word_hashes

FORMAT_VERSION = 1
# Bump when the n rule or what counts as a text changes without the data changing.
RULES_VERSION = f"n=median-of-texts>=4-words,clamp4-13;short>={ngrams.MIN_WHOLE_WORDS}-whole;v2"  # in the cache key


@dataclass
class BenchmarkKeys:
    """One benchmark's distinct keys by n, and what went into them."""

    name: str
    license: str
    n: int
    items: int = 0
    texts: int = 0
    sliding: int = 0
    whole: int = 0
    skipped: int = 0
    keys: Dict[int, np.ndarray] = field(default_factory=dict)
    prefixes: np.ndarray = field(default_factory=lambda: np.empty(0, np.uint32))

    @property
    def ngrams(self) -> int:
        return sum(len(k) for k in self.keys.values())


def benchmark_keys(benchmark: Benchmark) -> BenchmarkKeys:
    """All keys of one benchmark: every n-gram of its texts of >= n words, every text of 4 .. n-1
    words whole. Every text is hashed in one numpy pass over the texts joined by spaces; an n-gram
    is kept only if its first and last word belong to the same text."""
    item_ids, texts = set(), []
    for item_id, _field, text in iter_eval_texts(benchmark):
        item_ids.add(item_id)
        texts.append(text)
    parts = [_normalized_bytes(t) for t in texts]
    part_lengths = np.fromiter(map(len, parts), dtype=np.int64, count=len(parts))
    part_starts = np.cumsum(part_lengths + 1) - (part_lengths + 1)
    hashes, word_starts = _word_hashes(b" ".join(parts))
    word_text = np.searchsorted(part_starts, word_starts, side="right") - 1
    counts = np.bincount(word_text, minlength=len(texts))
    first_word = np.cumsum(counts) - counts

    n = benchmark.n or ngrams.choose_n(counts)
    whole_from = min(n, ngrams.MIN_WHOLE_WORDS)  # shorter texts are skipped
    out = BenchmarkKeys(benchmark.name, benchmark.license, n, items=len(item_ids), texts=len(texts),
                        sliding=int((counts >= n).sum()),
                        whole=int(((counts >= whole_from) & (counts < n)).sum()),
                        skipped=int((counts < whole_from).sum()))
    found: Dict[int, List[np.ndarray]] = {}
    starts: List[np.ndarray] = []  # the first word of every indexed n-gram
    total = len(hashes)
    if total >= n:
        within = word_text[: total - n + 1] == word_text[n - 1:]
        found.setdefault(n, []).append(ngrams.ngram_keys(hashes, n)[within])
        starts.append(np.flatnonzero(within))
    for m in range(whole_from, n):
        short = first_word[counts == m]
        if len(short):
            found.setdefault(m, []).append(ngrams.ngram_keys(hashes, m, short))
            starts.append(short)
    out.keys = {m: sorted_unique(np.concatenate(arrays)) for m, arrays in sorted(found.items())}
    if starts:
        out.prefixes = sorted_unique(ngrams.prefix_keys(hashes, np.concatenate(starts)))
    return out


def sorted_unique(values: np.ndarray) -> np.ndarray:
    """np.unique by sorting: numpy 2's hash-based np.unique is ~10x slower on millions of uint64."""
    values = np.sort(values)
    return values[np.concatenate(([True], values[1:] != values[:-1]))] if len(values) else values


def content_hash(benchmarks: Sequence[Benchmark]) -> str:
    """What the index built from `benchmarks` depends on: their YAML and data, the key scheme (as the
    running code computes it), the rules and the file format."""
    digest = hashlib.sha256()
    digest.update(f"format={FORMAT_VERSION};rules={RULES_VERSION};scheme={ngrams.scheme_fingerprint()};".encode())
    digest.update(combined_digest(benchmarks).encode())
    return digest.hexdigest()


def _set_signature(bench_ids: np.ndarray) -> np.ndarray:
    # Summed over a key's benchmarks (each once per key), it identifies the set in any order.
    return _mix64(bench_ids.astype(np.uint64) + np.uint64(0x2545F4914F6CDD1D))


def index_arrays(per_benchmark: Sequence[BenchmarkKeys], digest: str) -> Dict[str, np.ndarray]:
    """The arrays of the index file (module docstring) from each benchmark's keys."""
    per_benchmark = sorted(per_benchmark, key=lambda b: b.name)
    ns = sorted({n for b in per_benchmark for n in b.keys})
    grouped = {}  # n -> (sorted distinct keys, group starts, bench ids sorted by key, set signature per key)
    for n in ns:
        keys = np.concatenate([b.keys.get(n, np.empty(0, np.uint64)) for b in per_benchmark])
        ids = np.concatenate([np.full(len(b.keys.get(n, ())), i, dtype=np.int32) for i, b in enumerate(per_benchmark)])
        order = np.argsort(keys, kind="stable")  # stable: benchmark ids stay ascending within a key
        keys, ids = keys[order], ids[order]
        starts = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1])))
        grouped[n] = (keys[starts], starts, ids, np.add.reduceat(_set_signature(ids), starts))

    all_signatures = np.concatenate([g[3] for g in grouped.values()]) if ns else np.empty(0, np.uint64)
    signatures, first = np.unique(all_signatures, return_index=True)
    # The members of each distinct set, read off one key that has it.
    owner_n = np.repeat(ns, [len(grouped[n][0]) for n in ns]) if ns else np.empty(0, np.int64)
    owner_pos = np.concatenate([np.arange(len(grouped[n][0])) for n in ns]) if ns else np.empty(0, np.int64)
    members: List[np.ndarray] = []
    for at in first:
        _, starts, ids, _ = grouped[int(owner_n[at])]
        pos = int(owner_pos[at])
        end = starts[pos + 1] if pos + 1 < len(starts) else len(ids)
        members.append(ids[starts[pos]:end])
    set_dtype = np.uint16 if len(signatures) <= np.iinfo(np.uint16).max else np.uint32

    arrays: Dict[str, np.ndarray] = {
        "format_version": np.array(FORMAT_VERSION, dtype=np.int64),
        "content_hash": np.array(digest),
        "scheme": np.array(ngrams.scheme_fingerprint()),
        "benchmarks": np.array([b.name for b in per_benchmark]),
        "bench_license": np.array([b.license for b in per_benchmark]),
        "ns": np.array(ns, dtype=np.int64),
        "prefixes": sorted_unique(np.concatenate([b.prefixes for b in per_benchmark] + [np.empty(0, np.uint32)])),
        "set_offsets": np.concatenate(([0], np.cumsum([len(m) for m in members]))).astype(np.int64),
        "set_members": (np.concatenate(members) if members else np.empty(0)).astype(np.int32),
    }
    for stat in ("n", "items", "texts", "sliding", "whole", "skipped", "ngrams"):
        arrays[f"bench_{stat}"] = np.array([getattr(b, stat) for b in per_benchmark], dtype=np.int64)
    for n in ns:
        keys, _, _, sig = grouped[n]
        arrays[f"keys_{n}"] = keys
        arrays[f"sets_{n}"] = np.searchsorted(signatures, sig).astype(set_dtype)
    return arrays


def build_index(benchmarks: Optional[Sequence[Union[Benchmark, str]]], output_path: str) -> str:
    """Build the index of `benchmarks` (Benchmark objects or registry names; None or empty: all of the
    shipped registry) and write it to `output_path` (local, or any Beam filesystem), atomically.
    Returns output_path."""
    chosen = _resolve(benchmarks)
    per_benchmark = [benchmark_keys(b) for b in chosen]
    write_arrays(index_arrays(per_benchmark, content_hash(chosen)), output_path)
    return output_path


def _resolve(benchmarks) -> List[Benchmark]:
    if not benchmarks:
        return select()
    names = [b for b in benchmarks if isinstance(b, str)]
    objects = [b for b in benchmarks if not isinstance(b, str)]
    chosen = {b.name: b for b in objects + (select(names) if names else [])}
    return [chosen[name] for name in sorted(chosen)]


def write_arrays(arrays: Dict[str, np.ndarray], output_path: str) -> None:
    """np.savez to a temporary file beside the target, then rename: a reader (another worker racing
    to build the same cache file) sees the old file or the whole new one, never a part."""
    if "://" in output_path:
        from apache_beam.io.filesystems import FileSystems

        with tempfile.TemporaryDirectory() as scratch:
            local = os.path.join(scratch, "index.npz")
            write_arrays(arrays, local)
            with open(local, "rb") as src, FileSystems.create(output_path) as dst:
                dst.write(src.read())
        return
    directory = os.path.dirname(os.path.abspath(output_path))
    os.makedirs(directory, exist_ok=True)
    handle, partial = tempfile.mkstemp(dir=directory, prefix=".benchmarks-", suffix=".npz.part")
    try:
        with os.fdopen(handle, "wb") as out:
            np.savez(out, **arrays)
        os.replace(partial, output_path)
    except BaseException:
        if os.path.exists(partial):
            os.unlink(partial)
        raise
