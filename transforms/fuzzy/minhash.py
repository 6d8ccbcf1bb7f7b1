"""MinHash signatures of documents, vectorised with numpy; datasketch's default scheme, bit for bit.

Pure logic, no Beam. The fuzzy-dedup stage computes one signature per document, cuts it into LSH
bands (`band_keys`) and groups documents that share a band key.

Text -> words
    `normalize` (see its docstring): case, punctuation and whitespace folded; words are what is
    left between spaces. Normalisation and word hashing live in benchmarks_ngrams/words.py, shared
    with decontamination so both match a text the same way.

Words -> shingle hashes
    A shingle is a word n-gram (`ngram` words, default 5, as FineWeb and text-dedup use). A word's
    hash is the polynomial sum_j (byte_j XOR 0x20) * P**j mod 2**64 over its UTF-8 bytes (P the
    64-bit FNV prime), mixed with the splitmix64 finaliser. The n word hashes of an n-gram are
    combined polynomially (uint64, wrapping) and mixed again; the top 32 bits are the shingle's hash.
    A text of fewer than `ngram` words gives one shingle of all its words; an empty text none.
    Everything is deterministic: the same in every process and on every platform.

    Speed: a batch of documents is one byte buffer, and every word of it is hashed at once, with no
    Python object per word: each byte is weighted by P**(its offset in the buffer), one segmented
    sum (`np.add.reduceat`) per word start gives P**start * hash, and multiplying by P**-start (P is
    odd, so invertible mod 2**64) removes the offset. XOR 0x20 gives spaces the weight 0, so the
    segment from one word's start to the next sums exactly that word's bytes.

Shingles -> signature: datasketch 2.0's default permutation scheme, "affine32"
    Each 32-bit shingle hash h is pre-mixed with the MurmurHash3 32-bit finaliser (fmix32), then
    permutation k maps it to a_k * h + b_k mod 2**32, with a_k odd (a bijection), a_k and b_k drawn
    exactly as datasketch draws them (np.random.RandomState(seed)). So given the same 32-bit hash
    values, a signature here equals ``MinHash(num_perm, seed)`` (default scheme, hashfunc returning
    those values) updated with them, bit for bit (tested). The older "legacy" scheme ((a*h + b) mod
    2**61 - 1, truncated to 32 bits) is biased on large sets (datasketch issue 212) and slower, and is
    not offered. Per block of shingles x permutations the work is one uint32 multiply, one add and
    a segmented minimum per document, with nothing per shingle in Python.
"""
from __future__ import annotations

import struct
from typing import Iterable, List, Sequence, Tuple

import numpy as np

from benchmarks_ngrams.words import (  # noqa: F401  (normalize, _char_rule: part of this module's API)
    NGRAM_MULT as _NGRAM_MULT,
    _char_rule,
    combine as _combine,
    mix64 as _mix64,
    normalize,
    normalized_bytes as _normalized_bytes,
    word_hashes as _word_hashes,
)

MAX_HASH = np.uint32(0xFFFFFFFF)  # the signature value of a permutation no shingle reached

_U64 = np.uint64
_U32 = np.uint32
_SHORT_SALT = _U64(0xD6E8FEB86659FD93)  # marks the one shingle of a text shorter than ngram
# Normalised bytes per batch of documents: the byte-level arrays (8 bytes per input byte) of a batch
# stay within the CPU's L2 cache, which makes the byte passes several times faster than one pass
# over a large buffer. A document longer than this is a batch of its own, hashed in chunks.
_BATCH_BYTES = 1 << 16
# Shingles per permutation block: a (num_perm x block) uint32 array, ~1.8 MB at 112 permutations.
_BLOCK_SHINGLES = 1 << 12

def _fmix32(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finaliser, as datasketch applies it before the affine32 permutations."""
    h = h ^ (h >> _U32(16))
    h *= _U32(0x85EBCA6B)
    h ^= h >> _U32(13)
    h *= _U32(0xC2B2AE35)
    h ^= h >> _U32(16)
    return h


def _short_shingle(w: np.ndarray) -> np.uint32:
    acc = _combine(w, len(w), 1) ^ (_SHORT_SALT + _U64(len(w)))
    return (_mix64(acc)[0] >> _U64(32)).astype(np.uint32)


def _batch_shingles(texts: Sequence[str], ngram: int) -> Tuple[np.ndarray, np.ndarray]:
    """Shingle hashes (uint32) of a batch of texts and the index of the text each belongs to,
    grouped by text in order. Repeated shingles of a text are kept: they cannot change a minimum,
    and removing them would cost a sort."""
    parts = [_normalized_bytes(t) for t in texts]
    buf = b" ".join(parts)
    lengths = np.fromiter(map(len, parts), dtype=np.int64, count=len(parts))
    text_starts = np.cumsum(lengths + 1) - (lengths + 1)
    word_hash, word_starts = _word_hashes(buf)
    word_text = np.searchsorted(text_starts, word_starts, side="right") - 1
    counts = np.bincount(word_text, minlength=len(texts))
    hashes: List[np.ndarray] = []
    owners: List[np.ndarray] = []
    total = len(word_hash)
    if total >= ngram:
        # an n-gram is a shingle when its first and last word belong to the same text
        within = word_text[: total - ngram + 1] == word_text[ngram - 1:]
        # consecutive n-grams' polynomials are linearly related (c2 = M*c1 - M**n * w0 + wn): one
        # xor-shift-multiply round breaks that before the top half is taken (and fmix32 follows)
        combined = _combine(word_hash, ngram, total - ngram + 1)[within]
        combined ^= combined >> _U64(29)
        combined *= _U64(0xBF58476D1CE4E5B9)
        combined >>= _U64(32)
        hashes.append(combined.astype(np.uint32))
        owners.append(word_text[: total - ngram + 1][within])
    short = np.flatnonzero((counts > 0) & (counts < ngram))
    if len(short):
        first = np.searchsorted(word_text, short)
        hashes.append(np.array([_short_shingle(word_hash[f:f + counts[t]]) for f, t in zip(first, short)],
                               dtype=np.uint32))
        owners.append(short)
    if not hashes:
        return np.empty(0, dtype=np.uint32), np.empty(0, dtype=np.int64)
    if len(hashes) == 1:
        return hashes[0], owners[0]
    owner = np.concatenate(owners)
    order = np.argsort(owner, kind="stable")
    return np.concatenate(hashes)[order], owner[order]


def shingle_hashes(text: str, ngram: int = 5) -> np.ndarray:
    """Sorted distinct 32-bit hashes (uint32) of the word `ngram`-grams of `normalize(text)`:
    the set MinHash summarises, and what a datasketch hashfunc would return for them."""
    if ngram < 1:
        raise ValueError("ngram must be >= 1")
    return np.unique(_batch_shingles([text], ngram)[0])


def sorted_jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Jaccard of two sorted arrays of distinct values (as `shingle_hashes` gives them)."""
    union = len(a) + len(b)
    if union == 0:
        return 1.0
    common = len(np.intersect1d(a, b, assume_unique=True))
    return common / (union - common)


# ---------------------------------------------------------------------------------------------
# MinHash
# ---------------------------------------------------------------------------------------------


def _datasketch_permutations(num_perm: int, seed: int) -> Tuple[np.ndarray, np.ndarray]:
    """a (odd), b exactly as datasketch.MinHash(num_perm, seed) draws them for scheme affine32."""
    gen = np.random.RandomState(seed)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return a, b


class MinHasher:
    """MinHash signatures of texts; datasketch's default scheme and permutations."""

    def __init__(self, num_perm: int = 112, ngram: int = 5, seed: int = 1):
        if num_perm < 1:
            raise ValueError("num_perm must be positive")
        if ngram < 1:
            raise ValueError("ngram must be >= 1")
        self.num_perm = num_perm
        self.ngram = ngram
        self.seed = seed
        self.a, self.b = _datasketch_permutations(num_perm, seed)
        self._a_col = self.a[:, None]
        self._b_col = self.b[:, None]
        self._block = None  # (num_perm, _BLOCK_SHINGLES) scratch, allocated on first use

    @property
    def permutations(self) -> Tuple[np.ndarray, np.ndarray]:
        return self.a, self.b

    def signature(self, text: str) -> np.ndarray:
        return self.signatures([text])[0]

    def signatures(self, texts: Iterable[str]) -> np.ndarray:
        """[len(texts), num_perm] uint32; a text without words gets all MAX_HASH."""
        return self.signatures_and_shingles(texts, shingles=False)[0]

    def signatures_and_shingles(self, texts: Iterable[str], shingles: bool = True):
        """(`signatures(texts)`, and if `shingles` the sorted distinct shingle hashes of each text,
        as `shingle_hashes` gives them, from the same pass)."""
        texts = list(texts)
        out = np.full((len(texts), self.num_perm), MAX_HASH, dtype=np.uint32)
        sets: List[np.ndarray] = []
        lo = 0
        while lo < len(texts):
            hi, size = lo, 0
            while hi < len(texts) and (hi == lo or size < _BATCH_BYTES):
                size += len(texts[hi]) + 1  # characters, a fair estimate of normalised bytes
                hi += 1
            hashes, owner = _batch_shingles(texts[lo:hi], self.ngram)
            self._min_perm(hashes, owner, out[lo:hi])
            if shingles:
                bounds = np.searchsorted(owner, np.arange(hi - lo + 1))
                sets.extend(np.unique(hashes[bounds[i]:bounds[i + 1]]) for i in range(hi - lo))
            lo = hi
        return out, (sets if shingles else None)

    def signature_from_hashes(self, hashes) -> np.ndarray:
        """Signature of one set of 32-bit hash values (duplicates allowed), e.g. `shingle_hashes`."""
        hashes = np.asarray(hashes)
        if hashes.size and (int(hashes.max()) > int(MAX_HASH) or int(hashes.min()) < 0):
            raise ValueError("hash values must be in [0, 2**32)")
        out = np.full((1, self.num_perm), MAX_HASH, dtype=np.uint32)
        self._min_perm(hashes.astype(np.uint32), np.zeros(hashes.size, dtype=np.int64), out)
        return out[0]

    def _min_perm(self, hashes: np.ndarray, owner: np.ndarray, out: np.ndarray) -> None:
        """out[d] = min(out[d], min over the hashes owned by d of each permutation), in place;
        `owner` is non-decreasing."""
        if not len(hashes):
            return
        if self._block is None:
            self._block = np.empty((self.num_perm, _BLOCK_SHINGLES), dtype=np.uint32)
        mixed = _fmix32(hashes)
        for s in range(0, len(hashes), _BLOCK_SHINGLES):
            e = min(len(hashes), s + _BLOCK_SHINGLES)
            block = self._block[:, : e - s]
            np.multiply(self._a_col, mixed[None, s:e], out=block)
            block += self._b_col
            docs = owner[s:e]
            starts = np.concatenate(([0], np.flatnonzero(docs[1:] != docs[:-1]) + 1))
            mins = np.minimum.reduceat(block, starts, axis=1).T
            rows = docs[starts]
            out[rows] = np.minimum(out[rows], mins)


# ---------------------------------------------------------------------------------------------
# LSH helpers
# ---------------------------------------------------------------------------------------------


def band_keys(signature: np.ndarray, bands: int, rows: int) -> List[bytes]:
    """One key per band: 2-byte big-endian band index + the band's `rows` values as 4-byte
    big-endian unsigned integers. Byte-identical on every platform."""
    sig = np.asarray(signature)
    if bands * rows > len(sig):
        raise ValueError(f"bands*rows = {bands * rows} exceeds the signature length {len(sig)}")
    if bands > 0xFFFF:
        raise ValueError("at most 65535 bands")
    body = sig[: bands * rows].astype(">u4").tobytes()
    width = 4 * rows
    return [struct.pack(">H", i) + body[i * width:(i + 1) * width] for i in range(bands)]


def optimal_bands_rows(threshold: float, num_perm: int) -> Tuple[int, int]:
    """(bands, rows) minimising equal-weighted false positive + false negative probability at
    `threshold` (datasketch's own choice for MinHashLSH)."""
    from datasketch.lsh import _optimal_param

    return tuple(int(x) for x in _optimal_param(threshold, num_perm, 0.5, 0.5))


def jaccard(a_hashes, b_hashes) -> float:
    """True Jaccard similarity of two sets of shingle hashes (two empty sets: 1.0)."""
    a = np.unique(np.asarray(a_hashes))
    b = np.unique(np.asarray(b_hashes))
    union = len(np.union1d(a, b))
    if union == 0:
        return 1.0
    return len(np.intersect1d(a, b, assume_unique=True)) / union
