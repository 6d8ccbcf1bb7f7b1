"""Words, n-gram keys and the choice of n: the one definition that benchmark and corpus text share.

Normalisation (matching only; documents are never changed)
    Exactly the fuzzy-dedup normalisation of transforms/fuzzy/minhash.py, imported, not copied:
    NFKC, casefold, every Unicode punctuation character and whitespace -> space. Words are what lies
    between spaces. So "Janet’s ducks lay 16 eggs" and "JANET'S  ducks, lay 16 eggs!" are the same
    six words: `janet s ducks lay 16 eggs`.

Keys
    A word's hash is minhash's 64-bit word hash (`_word_hashes`). The key of the n-gram w_1 .. w_n is
        key = (w_1 * M**(n-1) + w_2 * M**(n-2) + ... + w_n)  XOR  SALT[n]      (uint64, wrapping)
    with M = minhash's _NGRAM_MULT: the polynomial is minhash's `_combine`, so all n-gram keys of a
    text for n = 4 .. 13 come from one rolling multiply-add per extra word, and SALT[n] (splitmix64 of
    n) keeps an n-gram and an n'-gram apart. The key's top bits are uniform (each word hash is
    mixed, and a multiplication by an odd constant carries every bit upwards), so the index uses
    them to address its bitmaps.

The n rule (per benchmark, overridable with `n:` in its registry entry)
    n = the median length, in normalised words, of the benchmark's evaluation texts that have at
        least 4 words (the lower median), clamped to [4, 13].
    So about half of a benchmark's texts are at least n words long and contribute every n-gram
    (sliding window); the shorter half are matched whole. Passages, solutions and code (medians of
    15 to 60 words) get 13, the report's maximum; benchmarks of short questions and options get
    less (COPA and OpenBookQA 6, ARC 8, PIQA 10, MMLU 11). A long text of a short-n benchmark is
    matched on shorter n-grams than it would alone: the price of one n per benchmark, bounded by
    the corpus-side common-usage rule (an n-gram in >= 1000 documents is ignored).

Texts shorter than n
    MIN_WHOLE_WORDS (6) <= words < n: matched whole, as one n'-gram with n' = its length (an
    answer option "the water in the toilet overflowed" is one 6-gram). Fewer words ("yes",
    "Antelope", "42", "the new york times", "i don't know"): skipped, and counted in the index
    metadata. A 4- or 5-word option is a common phrase more often than not: on the bundled sample,
    whole-matched 4-word MMLU and TruthfulQA options ("in the united states", "a rule of thumb",
    "1 2 3 4") removed 8 of 172 clean documents, and the common-usage rule only sets such phrases
    aside in a corpus with over 1000 documents that contain them.
"""
from __future__ import annotations

import hashlib
from typing import Iterable, Optional, Tuple

import numpy as np

from benchmarks_ngrams.words import NGRAM_MULT as _NGRAM_MULT, combine as _combine, mix64 as _mix64, normalized_bytes as _normalized_bytes, word_hashes as _word_hashes

MIN_N, MAX_N = 4, 13
MIN_WHOLE_WORDS = 6  # a text shorter than its benchmark's n is matched whole from this many words
_U64 = np.uint64
# SALT[n] for n = 0 .. MAX_N; splitmix64 of n + a constant, so no two n share a salt.
SALT = _mix64(np.arange(MAX_N + 1, dtype=np.uint64) + _U64(0x632BE59BD9B4E019))
MULT = _NGRAM_MULT


def words(text: str) -> Tuple[bytes, np.ndarray, np.ndarray]:
    """(normalised UTF-8 bytes, uint64 hash of every word, byte offset where each word starts)."""
    buf = _normalized_bytes(text)
    hashes, starts = _word_hashes(buf)
    return buf, hashes, starts


def ngram_keys(word_hashes: np.ndarray, n: int, positions: Optional[np.ndarray] = None) -> np.ndarray:
    """Keys of the n-grams starting at `positions` (default: every n-gram) of a word-hash array."""
    total = len(word_hashes) - n + 1
    if total <= 0:
        return np.empty(0, dtype=np.uint64)
    acc = _combine(word_hashes, n, total)
    if positions is not None:
        acc = acc[positions]
    acc ^= SALT[n]
    return acc


def prefix_keys(word_hashes: np.ndarray, positions: Optional[np.ndarray] = None) -> np.ndarray:
    """Top 32 bits (uint32) of the key of the MIN_N-gram starting at `positions`: an n-gram can only be
    in the index if the 4 words it starts with are the start of an indexed n-gram."""
    return (ngram_keys(word_hashes, MIN_N, positions) >> _U64(32)).astype(np.uint32)


def choose_n(lengths: Iterable[int]) -> int:
    """The n rule (module docstring) applied to the word counts of a benchmark's texts."""
    matchable = np.fromiter((x for x in lengths if x >= MIN_N), dtype=np.int64)
    if not len(matchable):
        return MIN_N
    median = int(np.percentile(matchable, 50, method="lower"))
    return min(MAX_N, max(MIN_N, median))


def scheme_fingerprint() -> str:
    """A digest of the keys of a fixed probe text: changes whenever normalisation or hashing changes,
    so a cached index built by other code is never mistaken for a current one."""
    probe = ("Ünïcode ＦＵＬＬ-width ﬁ ligatures, Straße; “quotes” — a b c d e f g h i j k l m n o p "
             + "x" * 100 + " 𝔘𝔫𝔦 한국어 ١٢٣ " + "long" * 40)
    _, hashes, _ = words(probe)
    keys = [ngram_keys(hashes, n) for n in range(MIN_N, MAX_N + 1)]
    return hashlib.sha256(np.concatenate(keys).astype("<u8").tobytes()).hexdigest()[:16]
