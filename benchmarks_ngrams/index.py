"""The benchmark n-gram index as decontamination reads it: load, look up a document's n-grams.

    index = BenchmarkIndex.default()            # the shipped benchmarks, built once into a cache file
    index = BenchmarkIndex.load("gs://bucket/benchmarks.npz")
    for hit in index.collisions(document_text):  # distinct n-grams found, in text order
        hit.key, hit.n, hit.benchmarks, hit.text

How a document is checked (`collisions`), with no Python loop over its words:
 1. normalise and hash every word once (ngrams.words: the fuzzy-dedup normalisation and word hash);
 2. prefix filter: the 4-gram key at every word (three multiply-adds over the word-hash array) is
    tested in a bitmap of the first 4 words of every indexed n-gram. An n-gram can only be indexed
    if its first 4 words are such a prefix, so one test per word replaces one per word and n. On
    the repo's real web pages 6.6% of positions pass (3.9% are true prefixes: common phrases);
 3. at those positions only, the keys for every n the index holds (4 .. 13), as one uint64 matrix
    product of the word windows with the powers of the multiplier (ngrams.py's polynomial): 0.66
    keys per word instead of 10;
 4. two bitmaps of the index's keys, one addressed by the keys' top bits and one by their low bits
    (byte test, then the exact bit): together they pass ~0.15% of absent keys;
 5. np.searchsorted in the sorted keys confirms; only for the hits the benchmark set is read and
    the n-gram's text rebuilt from the normalised words.

Memory for the 25 shipped benchmarks: 26 MB of keys and set ids, 3 x 8 MB of bitmaps; the file is
34 MB (keys, set ids, prefixes; bitmaps are rebuilt on load, ~0.5 s).
"""
from __future__ import annotations

import os
import threading
from typing import Dict, List, NamedTuple, Tuple

import numpy as np

from benchmarks_ngrams import ngrams
from benchmarks_ngrams.build import FORMAT_VERSION, build_index, content_hash
from benchmarks_ngrams.registry import select

__all__ = ["BenchmarkIndex", "Collision", "build_index", "default_index_path"]

CACHE_ENV = "WINNOW_CACHE_DIR"
# Bitmap sizes: a power of two of at least this many bits per value. At 16 bits per key a bitmap is
# 2-4% full, and the two key bitmaps together pass ~0.15% of absent n-grams. The prefix bitmap is
# tested once per word of every document, so it gets twice the bits: ~2% false passes.
_KEY_BITS_PER_KEY = 16
_PREFIX_BITS_PER_KEY = 32
# Word positions whose keys are computed at once: 13 words x 8 bytes each, so at most ~7 MB.
_BLOCK_POSITIONS = 1 << 16


class Collision(NamedTuple):
    key: int                       # the n-gram's uint64 key, as stored in the index
    n: int
    benchmarks: Tuple[str, ...]    # names of the benchmarks holding this n-gram, sorted
    text: str                      # the matched n-gram: its normalised words joined by spaces


class BenchmarkIndex:
    """A loaded index file (layout in build.py). Read-only after loading; safe to share between threads."""

    def __init__(self, arrays: Dict[str, np.ndarray], path: str = "", size: int = 0):
        version = int(arrays["format_version"])
        if version != FORMAT_VERSION:
            raise ValueError(f"{path}: index format {version}, this code reads {FORMAT_VERSION}; rebuild it")
        if str(arrays["scheme"]) != ngrams.scheme_fingerprint():  # keys from other normalisation or hashing
            raise ValueError(f"{path}: built with another word normalisation or hash than this code's; rebuild it")
        self.path, self.size = path, size
        self.content_hash = str(arrays["content_hash"])
        self.benchmarks: Tuple[str, ...] = tuple(str(b) for b in arrays["benchmarks"])
        self._stats = {k: arrays[k] for k in arrays if k.startswith("bench_")}
        self.ns: Tuple[int, ...] = tuple(int(n) for n in arrays["ns"])
        self._ngrams_by_n = {n: len(arrays[f"keys_{n}"]) for n in self.ns}
        offsets, members = arrays["set_offsets"], arrays["set_members"]
        self._set_names = [tuple(sorted(self.benchmarks[m] for m in members[offsets[s]:offsets[s + 1]]))
                           for s in range(len(offsets) - 1)]
        self._row_n = np.array(self.ns, dtype=np.int64)
        # One sorted array of every key (keys of different n differ by their salt): a candidate of
        # any n is confirmed by a single searchsorted.
        all_keys = np.concatenate([arrays[f"keys_{n}"] for n in self.ns] + [np.empty(0, np.uint64)])
        order = np.argsort(all_keys)
        self._all_keys = all_keys[order]
        self._all_sets = np.concatenate([arrays[f"sets_{n}"] for n in self.ns] + [np.empty(0, np.uint16)])[order]
        del all_keys, order
        # _keys_at: powers[j, r] = M**(ns[r]-1-j) for j < ns[r], else 0; salts[r] = SALT[ns[r]]
        self._powers = np.zeros((max(self.ns, default=0), len(self.ns)), dtype=np.uint64)
        for r, n in enumerate(self.ns):
            for j in range(n):
                self._powers[j, r] = pow(int(ngrams.MULT), n - 1 - j, 1 << 64)
        self._salts = ngrams.SALT[list(self.ns)] if self.ns else np.empty(0, np.uint64)
        # The filters (module docstring, steps 2 and 3).
        prefixes = arrays["prefixes"].astype(np.uint64) << np.uint64(32)
        self._prefix_filter = _Bitmap(prefixes, _PREFIX_BITS_PER_KEY, top=True, max_k=32)
        self._key_filters = (_Bitmap(self._all_keys, _KEY_BITS_PER_KEY, top=True),
                             _Bitmap(self._all_keys, _KEY_BITS_PER_KEY, top=False))
        self._prefix_count = len(prefixes)

    # -- loading --------------------------------------------------------------------------------

    @classmethod
    def load(cls, path: str) -> "BenchmarkIndex":
        """Load an index file; a remote one (gs://, s3:// ...) is copied to local disk once."""
        from classifiers.model_files import local_model_path

        local = local_model_path(path)
        with np.load(local, allow_pickle=False) as archive:
            arrays = {name: archive[name] for name in archive.files}
        return cls(arrays, path, os.path.getsize(local))

    @classmethod
    def default(cls) -> "BenchmarkIndex":
        """The index of every benchmark of the shipped registry: loaded from the cache file named by
        its content hash, built first if missing (see default_index_path; ~2 s). One instance per
        process and cache path."""
        path = default_index_path()
        with _DEFAULT_LOCK:  # threads of one worker: one build, one load
            if path not in _DEFAULTS:
                if not os.path.isfile(path):
                    build_index(None, path)  # atomic: a racing process's reader sees all or nothing
                _DEFAULTS[path] = cls.load(path)
            return _DEFAULTS[path]

    # -- lookups --------------------------------------------------------------------------------

    def collisions(self, text: str) -> List[Collision]:
        """The distinct n-grams of `text` that the index holds, ordered by where they first start in
        the text (then by n). Matching is on normalised words (ngrams.py)."""
        if not self.ns:
            return []
        buf, hashes, starts = ngrams.words(text)
        count = len(hashes)
        if count < self.ns[0]:
            return []
        rows = int(np.searchsorted(self._row_n, count, side="right"))  # the n values that fit
        found_keys, found_rows, found_pos = [], [], []
        all_positions = self._prefix_candidates(hashes)
        for lo in range(0, len(all_positions), _BLOCK_POSITIONS):  # bounded memory on huge documents
            positions = all_positions[lo:lo + _BLOCK_POSITIONS]
            flat = self._keys_at(hashes, positions, rows).reshape(-1)  # [len(positions), rows], flattened
            candidates = self._prefilter(flat)
            column, row = np.divmod(candidates, rows)
            pos = positions[column]
            valid = pos <= count - self._row_n[row]  # keys past the text's end were rolled over padding
            found_keys.append(flat[candidates[valid]])
            found_rows.append(row[valid])
            found_pos.append(pos[valid])
        if not found_keys or not sum(map(len, found_keys)):
            return []
        return self._confirm(np.concatenate(found_keys), np.concatenate(found_rows), np.concatenate(found_pos),
                             buf, starts)

    def _prefix_candidates(self, hashes: np.ndarray) -> np.ndarray:
        """Word positions whose first 4 words may start an indexed n-gram: one bitmap test per word
        instead of one per word and n."""
        return self._prefix_filter.passing(ngrams.ngram_keys(hashes, ngrams.MIN_N))

    def _keys_at(self, hashes: np.ndarray, positions: np.ndarray, rows: int) -> np.ndarray:
        """keys[j, r] = key of the (self.ns[r])-gram starting at word positions[j]: the polynomial of
        ngrams.py as one uint64 matrix product (wrapping) of the word windows with the powers of M. A
        window that runs past the text's end is rolled over zero padding: garbage, masked later."""
        longest = self.ns[rows - 1]
        padded = np.zeros(len(hashes) + longest, dtype=np.uint64)
        padded[: len(hashes)] = hashes
        windows = padded[positions[:, None] + np.arange(longest)]
        keys = windows @ self._powers[:longest, :rows]
        keys ^= self._salts[:rows]
        return keys

    def _prefilter(self, flat: np.ndarray) -> np.ndarray:
        """Positions in `flat` whose key passes both key bitmaps."""
        top, low = self._key_filters
        maybe = top.passing(flat)
        return maybe[low.passing(flat[maybe])]

    def _confirm(self, keys, row, pos, buf: bytes, starts: np.ndarray) -> List[Collision]:
        """The candidates whose key is in the index, as Collisions: distinct keys, first occurrence,
        in text order."""
        at = np.searchsorted(self._all_keys, keys)
        at[at == len(self._all_keys)] = 0
        hit = self._all_keys[at] == keys
        if not hit.any():
            return []
        keys, n_of, pos, sets = keys[hit], self._row_n[row[hit]], pos[hit], self._all_sets[at[hit]]
        order = np.lexsort((n_of, pos))  # text order, then n
        _, first = np.unique(keys[order], return_index=True)  # first occurrence of each distinct key
        out = []
        for i in order[np.sort(first)].tolist():
            start, n = int(pos[i]), int(n_of[i])
            end = buf.find(b" ", int(starts[start + n - 1]))
            words = buf[int(starts[start]): end if end >= 0 else len(buf)].split()
            out.append(Collision(int(keys[i]), n, self._set_names[int(sets[i])], b" ".join(words).decode("utf-8")))
        return out

    # -- reporting ------------------------------------------------------------------------------

    def describe(self) -> dict:
        """What the index holds: per benchmark its n, items, texts, n-grams, texts matched whole and
        skipped; totals; file and memory bytes."""
        per = {}
        for i, name in enumerate(self.benchmarks):
            per[name] = {stat[len("bench_"):]: (str(v[i]) if v.dtype.kind == "U" else int(v[i]))
                         for stat, v in self._stats.items()}
        memory = self._all_keys.nbytes + self._all_sets.nbytes + self._prefix_filter.nbytes
        memory += sum(f.nbytes for f in self._key_filters)
        return {
            "benchmarks": per,
            "ngrams": len(self._all_keys),
            "ngrams_by_n": dict(self._ngrams_by_n),
            "prefixes": self._prefix_count,
            "benchmark_sets": len(self._set_names),
            "bytes": self.size,
            "memory_bytes": memory,
            "format_version": FORMAT_VERSION,
            "content_hash": self.content_hash,
            "path": self.path,
        }


class _Bitmap:
    """A set of uint64 values as a bitmap of 2**k bits addressed by k bits of the value: its top bits
    (top=True) or its low bits. `passing` may say yes for an absent value (about the fraction of bits
    set), never no for a present one."""

    def __init__(self, values: np.ndarray, bits_per_value: int, top: bool, max_k: int = 40):
        k = min(max_k, max(16, int(np.ceil(np.log2(max(1, len(values)) * bits_per_value)))))
        self.top = top
        self.shift = np.uint64(64 - k)
        self.mask = np.uint64((1 << k) - 1)
        address = values >> self.shift if top else values & self.mask
        self.bits = np.zeros(1 << (k - 3), dtype=np.uint8)
        np.bitwise_or.at(self.bits, (address >> _U3).astype(np.int64), np.left_shift(1, address & _U7).astype(np.uint8))

    @property
    def nbytes(self) -> int:
        return self.bits.nbytes

    def passing(self, values: np.ndarray) -> np.ndarray:
        """Indices of `values` whose bit is set. A byte test first (one gather, the bulk of the work),
        then the exact bit for the few whose byte is not zero."""
        address = values >> self.shift if self.top else values & self.mask
        byte = self.bits[address >> _U3]
        maybe = np.flatnonzero(byte)
        if len(maybe):
            bit = (byte[maybe] >> (address[maybe] & _U7).astype(np.uint8)) & 1
            maybe = maybe[bit.astype(bool)]
        return maybe


_U3, _U7 = np.uint64(3), np.uint64(7)


def cache_dir() -> str:
    return os.environ.get(CACHE_ENV) or os.path.join(os.path.expanduser("~"), ".cache", "winnow")


def default_index_path() -> str:
    """$WINNOW_CACHE_DIR (default ~/.cache/winnow)/benchmarks-<content hash>.npz: a new registry or new
    data gives a new name, so a stale index is never loaded (old files are left for the user)."""
    return os.path.join(cache_dir(), f"benchmarks-{content_hash(select())[:16]}.npz")


_DEFAULTS: Dict[str, BenchmarkIndex] = {}  # by cache path: a changed WINNOW_CACHE_DIR is honoured
_DEFAULT_LOCK = threading.Lock()
