"""MinHash signatures of documents, vectorised with numpy; parameters compatible with datasketch.

Pure logic, no Beam. The fuzzy-dedup stage computes one signature per document, cuts it into LSH
bands (`band_keys`) and groups documents that share a band key.

Text -> shingles
    `normalize` (see its docstring) turns a text into space-separated words; a shingle is a word
    n-gram (`ngram` words, default 5, as FineWeb and text-dedup use). Each word is hashed with
    zlib.crc32 of its UTF-8 bytes (a C-level, unsalted function: the same in every process and on
    every platform, unlike Python's `hash`), mixed to 64 bits with the splitmix64 finaliser; the
    n consecutive word hashes of an n-gram are combined polynomially in uint64 (wrapping) and mixed
    again, and the top 32 bits are the shingle's hash. Distinct shingles only (a set, as MinHash
    needs). A text of fewer than `ngram` words gives one shingle of all its words; an empty text
    gives none.

Shingles -> signature
    Permutation k maps a 32-bit hash h to ((a_k * h + b_k) mod 2**64 mod (2**61 - 1)) & (2**32 - 1),
    where the uint64 wrap of a_k * h + b_k is exactly what datasketch's ``scheme="legacy"``
    (the only scheme before datasketch 2.0, and the one with the Mersenne prime) computes; a_k, b_k
    are drawn exactly as datasketch draws them (np.random.RandomState(seed), a in [1, p), b in
    [0, p)). So given the same 32-bit hash values, a signature here equals
    ``MinHash(num_perm, seed, scheme="legacy")`` updated with those values, bit for bit (tested).
    Note datasketch >= 2.0 defaults to ``scheme="affine32"``, whose values differ.

    Speed: the low 32 bits of a*h + b only need the low 32 bits of a and b, so the candidates for
    each permutation's minimum are found with uint32 SIMD arithmetic (one multiply, one add per
    shingle x permutation); the exact value (which also adds the 3 top bits of the 64-bit sum,
    and in a ~2**-58 case subtracts the prime) lies within 8 of that 32-bit value, so only the
    entries within 8 of each column's minimum (about one per column) are computed exactly in
    uint64. The result is exact, not an approximation: see `_min_perm`.
"""
from __future__ import annotations

import re
import string
import struct
import unicodedata
import zlib
from typing import Iterable, List, Sequence, Tuple

import numpy as np

MERSENNE_PRIME = np.uint64((1 << 61) - 1)
MAX_HASH = np.uint64((1 << 32) - 1)

_U64 = np.uint64
_MASK32 = np.uint64(0xFFFFFFFF)
_NGRAM_MULT = np.uint64(0x9E3779B97F4A7C15)  # odd: the polynomial combination of word hashes
_SHORT_SALT = np.uint64(0xD6E8FEB86659FD93)  # marks the one shingle of a text shorter than ngram
# Shingle x permutation entries per block: bounds the working set (uint32 block ~0.5 MB).
_BLOCK_ENTRIES = 1 << 17
# Words per batch of documents in `signatures` (bounds the concatenated arrays).
_BATCH_WORDS = 1 << 18

# ---------------------------------------------------------------------------------------------
# Normalisation
# ---------------------------------------------------------------------------------------------


def _ascii_table() -> bytes:
    table = bytearray(range(256))
    for i in range(128):
        c = chr(i)
        if c in string.punctuation or c.isspace():
            table[i] = ord(" ")
        elif "A" <= c <= "Z":
            table[i] = ord(c.lower())
    return bytes(table)


_ASCII_TABLE = _ascii_table()


_NON_ASCII = re.compile("[^\x00-\x7f]")
_SEPARATOR_CACHE: dict = {}


def _is_separator(c: str) -> bool:
    """Non-ASCII character that `normalize` turns into a space: punctuation or whitespace."""
    sep = _SEPARATOR_CACHE.get(c)
    if sep is None:
        sep = unicodedata.category(c).startswith("P") or c.isspace()
        if len(_SEPARATOR_CACHE) < 100_000:
            _SEPARATOR_CACHE[c] = sep
    return sep


def _words(text: str) -> List[bytes]:
    """The words of `normalize(text)`, as UTF-8 bytes (what gets hashed)."""
    if not text:
        return []
    if text.isascii():
        # Same result as the general path: NFKC is the identity on ASCII and casefold is lower().
        return text.encode("ascii").translate(_ASCII_TABLE).split()
    t = unicodedata.normalize("NFKC", text).casefold()
    # ASCII punctuation and whitespace via one byte table; the few distinct non-ASCII
    # punctuation / whitespace characters present are replaced one by one (UTF-8 is
    # self-synchronising, so replacing a character's encoding never cuts another character).
    data = t.encode("utf-8").translate(_ASCII_TABLE)
    for c in set(_NON_ASCII.findall(t)):
        if _is_separator(c):
            data = data.replace(c.encode("utf-8"), b" ")
    return data.split()


def normalize(text: str) -> str:
    """Normalise a text for near-duplicate detection (FineWeb / text-dedup style).

    1. Unicode NFKC (compatibility forms folded: full-width letters, ligatures, superscripts,
       composed accents), then `str.casefold()` (lower-casing that also folds e.g. ß -> ss);
    2. punctuation -> space: every Unicode punctuation character (general category P*, e.g.
       ``. , ; : ! ? ' " - _ ( ) « » “ ” — …``) and the ASCII symbols of `string.punctuation`
       (``$ + < = > ^ ` | ~``); letters, digits, combining marks and other symbols are kept;
    3. whitespace collapsed: split on any Unicode whitespace, joined with single spaces (no
       leading or trailing space).

    So case, punctuation and spacing variants of a text normalise to the same string.
    """
    return " ".join(w.decode("utf-8") for w in _words(text))


# ---------------------------------------------------------------------------------------------
# Shingles
# ---------------------------------------------------------------------------------------------


def _mix64(x: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser, element-wise, wrapping uint64 arithmetic (returns a new array)."""
    x = x ^ (x >> _U64(30))
    x *= _U64(0xBF58476D1CE4E5B9)
    x ^= x >> _U64(27)
    x *= _U64(0x94D049BB133111EB)
    x ^= x >> _U64(31)
    return x


def _word_hashes(words: Sequence[bytes]) -> np.ndarray:
    crc = np.fromiter(map(zlib.crc32, words), dtype=np.uint64, count=len(words))
    return _mix64(crc)


def _combine(w: np.ndarray, ngram: int, m: int) -> np.ndarray:
    """acc[i] = polynomial of w[i], ..., w[i+ngram-1] (uint64, wrapping), for i < m."""
    acc = w[:m].copy()
    for k in range(1, ngram):
        acc *= _NGRAM_MULT
        acc += w[k:k + m]
    return acc


def _short_shingle(w: np.ndarray) -> np.uint64:
    acc = _combine(w, len(w), 1) ^ (_SHORT_SALT + _U64(len(w)))
    return _mix64(acc)[0] >> _U64(32)


def shingle_hashes(text: str, ngram: int = 5) -> np.ndarray:
    """Sorted distinct 32-bit hashes (as uint64) of the word `ngram`-grams of `normalize(text)`."""
    if ngram < 1:
        raise ValueError("ngram must be >= 1")
    words = _words(text)
    n = len(words)
    if n == 0:
        return np.empty(0, dtype=np.uint64)
    w = _word_hashes(words)
    if n < ngram:
        return np.array([_short_shingle(w)], dtype=np.uint64)
    return np.unique(_mix64(_combine(w, ngram, n - ngram + 1)) >> _U64(32))


def _batch_shingles(texts: Sequence[str], ngram: int) -> Tuple[np.ndarray, np.ndarray]:
    """Distinct shingle hashes of every text, concatenated (each text's sorted), and the
    start offset of each text (len(texts) + 1 entries). Vectorised over the whole batch."""
    words: List[bytes] = []
    counts = np.empty(len(texts), dtype=np.int64)
    for i, text in enumerate(texts):
        ws = _words(text)
        counts[i] = len(ws)
        words.extend(ws)
    total = len(words)
    doc_ids = []
    hashes = []
    if total:
        w = _word_hashes(words)
        starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
        full = counts >= ngram
        if total >= ngram and full.any():
            comb = _mix64(_combine(w, ngram, total - ngram + 1)) >> _U64(32)
            # Valid n-gram starts of text i: starts[i] .. starts[i] + counts[i] - ngram.
            n_valid = np.where(full, counts - ngram + 1, 0)
            docs = np.repeat(np.arange(len(texts), dtype=np.int64), n_valid)
            pos = np.arange(int(n_valid.sum()), dtype=np.int64)
            pos -= np.repeat(np.cumsum(n_valid) - n_valid, n_valid)
            pos += np.repeat(starts, n_valid)
            doc_ids.append(docs)
            hashes.append(comb[pos])
        short = np.nonzero((counts > 0) & ~full)[0]
        if len(short):
            doc_ids.append(short.astype(np.int64))
            hashes.append(np.array([_short_shingle(w[starts[i]:starts[i] + counts[i]]) for i in short],
                                   dtype=np.uint64))
    if not hashes:
        return np.empty(0, dtype=np.uint64), np.zeros(len(texts) + 1, dtype=np.int64)
    # One sort dedups and groups every text's shingles: key = doc id << 32 | hash.
    keys = (np.concatenate(doc_ids).astype(np.uint64) << _U64(32)) | np.concatenate(hashes)
    keys.sort()
    if len(keys) > 1:
        distinct = np.empty(len(keys), dtype=bool)
        distinct[0] = True
        np.not_equal(keys[1:], keys[:-1], out=distinct[1:])
        keys = keys[distinct]
    offsets = np.searchsorted(keys >> _U64(32), np.arange(len(texts) + 1, dtype=np.uint64))
    return keys & _MASK32, offsets.astype(np.int64)


# ---------------------------------------------------------------------------------------------
# MinHash
# ---------------------------------------------------------------------------------------------


def _datasketch_permutations(num_perm: int, seed: int) -> Tuple[np.ndarray, np.ndarray]:
    """a, b exactly as datasketch.MinHash(scheme="legacy") draws them."""
    gen = np.random.RandomState(seed)
    ab = np.array(
        [(gen.randint(1, MERSENNE_PRIME, dtype=np.uint64), gen.randint(0, MERSENNE_PRIME, dtype=np.uint64))
         for _ in range(num_perm)],
        dtype=np.uint64,
    ).T
    return ab[0].copy(), ab[1].copy()


def _exact(h: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """datasketch's legacy arithmetic, element-wise: ((a*h + b) wrapping uint64 % p) & max_hash."""
    return ((h * a + b) % MERSENNE_PRIME) & MAX_HASH


class MinHasher:
    """MinHash signatures of texts; `num_perm` permutations drawn as datasketch draws them."""

    def __init__(self, num_perm: int = 112, ngram: int = 5, seed: int = 1):
        if num_perm < 1:
            raise ValueError("num_perm must be positive")
        if ngram < 1:
            raise ValueError("ngram must be >= 1")
        self.num_perm = num_perm
        self.ngram = ngram
        self.seed = seed
        self.a, self.b = _datasketch_permutations(num_perm, seed)
        self._a_lo = (self.a & _MASK32).astype(np.uint32)
        # +8 (mod 2**32) so that the entries whose true value may wrap below the others land in
        # [0, 8) and become candidates on their own (see `_min_perm`).
        self._b_lo8 = ((self.b + _U64(8)) & _MASK32).astype(np.uint32)
        self._a_lo_col = self._a_lo[:, None]
        self._b_lo8_col = self._b_lo8[:, None]
        self._rows = max(4, _BLOCK_ENTRIES // num_perm)

    @property
    def permutations(self) -> Tuple[np.ndarray, np.ndarray]:
        return self.a, self.b

    def signature(self, text: str) -> np.ndarray:
        return self.signatures([text])[0]

    def signatures(self, texts: Iterable[str]) -> np.ndarray:
        """[len(texts), num_perm] uint64; an empty text (no words) gets all MAX_HASH."""
        texts = list(texts)
        out = np.full((len(texts), self.num_perm), MAX_HASH, dtype=np.uint64)
        lo = 0
        while lo < len(texts):
            # Batches bounded by word count (approximated by characters / 4).
            hi, chars = lo, 0
            while hi < len(texts) and (hi == lo or chars < 6 * _BATCH_WORDS):
                chars += len(texts[hi])
                hi += 1
            hashes, offsets = _batch_shingles(texts[lo:hi], self.ngram)
            self._min_perm(hashes, offsets, out[lo:hi])
            lo = hi
        return out

    def signature_from_hashes(self, hashes: np.ndarray) -> np.ndarray:
        """Signature of one set of 32-bit hash values (duplicates allowed), e.g. `shingle_hashes`."""
        hashes = np.asarray(hashes, dtype=np.uint64)
        if len(hashes) and int(hashes.max()) > int(MAX_HASH):
            raise ValueError("hash values must be < 2**32")
        out = np.full((1, self.num_perm), MAX_HASH, dtype=np.uint64)
        self._min_perm(hashes, np.array([0, len(hashes)], dtype=np.int64), out)
        return out[0]

    def _min_perm(self, hashes: np.ndarray, offsets: np.ndarray, out: np.ndarray) -> None:
        """out[d] = min over hashes[offsets[d]:offsets[d+1]] of every permutation (in place).

        Exactness: with y = a*h + b (mod 2**64), y = H * 2**61 + L (H < 8), the value is
        v = (L + H) mod p & max_hash. If L + H < p then v = (lo32(y) + H) mod 2**32, and
        lo32(y) = a_lo * h + b_lo (mod 2**32). Let q = lo32(y) + 8 (mod 2**32), computed in
        uint32. If lo32(y) < 2**32 - 8: L + H < p (L + H >= p needs lo32(y) >= 2**32 - 8) and
        lo32(y) + H < 2**32, so v = lo32(y) + H lies in [q - 8, q - 1]. Otherwise q < 8. Per
        document and permutation let m = min q over its shingles, reached at shingle i: the best
        v is <= v_i <= m - 1 (or i has q < 8); any shingle j with v_j <= that has q_j - 8 <= v_j,
        so q_j <= m + 7 -- and every q < 8 is <= m + 7 too. Computing v exactly for all entries
        with q <= m + 7 (about one per column) therefore finds the exact minimum.
        """
        n = len(hashes)
        if n == 0:
            return
        h32 = hashes.astype(np.uint32)
        rows = self._rows
        lens = np.diff(offsets)
        # Blocks of whole documents (up to `rows` shingles), or one slice of a large document.
        d, ndocs = 0, len(lens)
        while d < ndocs:
            if lens[d] >= rows // 4:
                start, stop = int(offsets[d]), int(offsets[d + 1])
                for s in range(start, stop, rows):
                    self._block_one(hashes, h32, s, min(stop, s + rows), out[d])
                d += 1
                continue
            e, total = d, 0
            while e < ndocs and lens[e] < rows // 4 and total + lens[e] <= rows:
                total += int(lens[e])
                e += 1
            if total:
                self._block_many(hashes, h32, offsets[d:e + 1], out[d:e])
            d = e

    def _block_one(self, hashes, h32, s, e, out_row) -> None:
        """Shingles [s, e) of one document: the argmin of each permutation's 32-bit proxy is the
        only candidate unless another entry is within 7 of it (then fall back to all candidates)."""
        q = self._a_lo_col * h32[None, s:e]
        q += self._b_lo8_col
        cols = np.arange(self.num_perm)
        idx = q.argmin(axis=1)
        m = q[cols, idx]
        thr = np.minimum(m, np.uint32(0xFFFFFFFF - 7)) + np.uint32(7)
        q[cols, idx] = np.uint32(0xFFFFFFFF)
        if (q.min(axis=1) <= thr).any():  # a near tie, or a shingle whose value may wrap
            q[cols, idx] = m
            flat = np.flatnonzero(q <= thr[:, None])
            c, r = np.divmod(flat, e - s)
        else:
            c, r = cols, idx
        vals = _exact(hashes[s + r], self.a[c], self.b[c])
        np.minimum.at(out_row, c, vals)

    def _block_many(self, hashes, h32, offsets, out) -> None:
        """Several whole documents (their shingles hashes[offsets[0]:offsets[-1]])."""
        s, e = int(offsets[0]), int(offsets[-1])
        lens = np.diff(offsets)
        nonempty = lens > 0
        starts = (offsets[:-1] - s)[nonempty]
        seglens = lens[nonempty]
        docs = np.nonzero(nonempty)[0]
        q = self._a_lo_col * h32[None, s:e]
        q += self._b_lo8_col
        segmin = np.minimum.reduceat(q, starts, axis=1)
        thr = np.minimum(segmin, np.uint32(0xFFFFFFFF - 7)) + np.uint32(7)
        flat = np.flatnonzero(q <= np.repeat(thr, seglens, axis=1))
        c, r = np.divmod(flat, e - s)
        vals = _exact(hashes[s + r], self.a[c], self.b[c])
        row_doc = np.repeat(docs, seglens)
        np.minimum.at(out, (row_doc[r], c), vals)


# ---------------------------------------------------------------------------------------------
# LSH helpers
# ---------------------------------------------------------------------------------------------


def band_keys(signature: np.ndarray, bands: int, rows: int) -> List[bytes]:
    """One key per band: 2-byte big-endian band index + the band's `rows` values as 4-byte
    big-endian unsigned integers (values are < 2**32). Byte-identical on every platform."""
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
