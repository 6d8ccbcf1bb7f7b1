"""Words of a text for matching: the normalisation and word hashing shared by fuzzy dedup and decontamination.

Pure numpy and the standard library; no Beam. `normalize` folds case, punctuation, whitespace and
Unicode compatibility forms (its docstring has the definition); `normalized_bytes` is its UTF-8 with
runs of spaces left in, which is what gets hashed. `word_hashes` hashes every word of a byte buffer
at once (8 bytes at a time in numpy, no Python object per word); `combine` rolls n consecutive word
hashes into one n-gram value. transforms/fuzzy/minhash.py builds MinHash shingles from them and
benchmarks_ngrams/ngrams.py the benchmark n-gram keys, so a text is matched the same way by both.
It lives here because benchmarks_ngrams imports nothing of the pipeline (DESIGN.md), while the
pipeline's transforms may import benchmarks_ngrams.
"""
from __future__ import annotations

import string
import unicodedata
from hashlib import blake2b
from typing import Sequence, Tuple

import numpy as np

_U64 = np.uint64
NGRAM_MULT = _U64(0x9E3779B97F4A7C15)  # odd: the polynomial combination of word hashes

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
_ASCII_BYTES = bytes(range(128))
_HANGUL_JAMO = ((0x1100, 0x11FF), (0xA960, 0xA97F), (0xD7B0, 0xD7FF))


class _CharRule:
    """What `normalize` does to one non-ASCII character, decided once per character."""

    __slots__ = ("replacement", "nfkc_sensitive")

    def __init__(self, c: str):
        # NFKC can change text around c: c itself changes, or c is a mark or a Hangul jamo (the
        # characters that reorder or compose with the character before them).
        code = ord(c)
        self.nfkc_sensitive = (
            not unicodedata.is_normalized("NFKC", c)
            or unicodedata.category(c).startswith("M")
            or any(lo <= code <= hi for lo, hi in _HANGUL_JAMO)
        )
        # After NFKC: a space (punctuation, whitespace), its case fold, or None (kept as it is).
        # Case folding is defined per character (no context, unlike lower() for the final sigma),
        # so folding character by character equals str.casefold on the whole text.
        if unicodedata.category(c).startswith("P") or c.isspace():
            self.replacement = " "
        else:
            folded = c.casefold()
            self.replacement = None if folded == c else folded


_CHAR_RULES: dict = {}


def _char_rule(c: str) -> _CharRule:
    rule = _CHAR_RULES.get(c)
    if rule is None:
        rule = _CharRule(c)
        if len(_CHAR_RULES) < 200_000:
            _CHAR_RULES[c] = rule
    return rule


def _non_ascii_chars(data: bytes) -> set:
    """The distinct non-ASCII characters of UTF-8 `data`. C-level passes only: drop the ASCII bytes,
    decode what is left (set(text) would build a str object per character)."""
    return set(data.translate(None, _ASCII_BYTES).decode("utf-8"))


def _nfkc(text: str, sensitive: Sequence[str]) -> str:
    """unicodedata.normalize("NFKC", text), normalising only the space-delimited spans that hold a
    character of `sensitive` (the text's characters NFKC could change or combine). Exact: an ASCII
    space never reorders and never composes with a neighbour, so NFKC of a text equals NFKC of its
    pieces joined at spaces; a piece without a sensitive character is already NFKC."""
    if unicodedata.is_normalized("NFKC", text):
        return text
    positions = []
    for c in sensitive:
        at = text.find(c)
        while at >= 0:
            positions.append(at)
            if len(positions) > len(text) // 64:  # dense (e.g. decomposed accents): all at once
                return unicodedata.normalize("NFKC", text)
            at = text.find(c, at + 1)
    pieces, done = [], 0
    for at in sorted(positions):
        if at < done:
            continue  # inside the span already normalised
        lo = text.rfind(" ", done, at) + 1 or done
        hi = text.find(" ", at)
        hi = len(text) if hi < 0 else hi
        pieces.append(text[done:lo])
        pieces.append(unicodedata.normalize("NFKC", text[lo:hi]))
        done = hi
    pieces.append(text[done:])
    return "".join(pieces)


def normalized_bytes(text: str) -> bytes:
    """UTF-8 of `normalize(text)`, except that runs of spaces are not collapsed (words are what lies
    between spaces either way)."""
    if text.isascii():
        # NFKC is the identity on ASCII and casefold is lower(): one byte table does it all.
        return text.encode("ascii").translate(_ASCII_TABLE)
    data = text.encode("utf-8")
    others = _non_ascii_chars(data)
    sensitive = [c for c in others if _char_rule(c).nfkc_sensitive]
    if sensitive:
        normalized = _nfkc(text, sensitive)
        if normalized is not text:
            text, data = normalized, normalized.encode("utf-8")
            others = _non_ascii_chars(data)
    # One str.replace per distinct non-ASCII character that changes (a single-character replace
    # is a fast C loop, about 5x faster than bytes.replace of its UTF-8 sequence).
    changed = False
    for c in others:
        replacement = _char_rule(c).replacement
        if replacement is not None:
            text = text.replace(c, replacement)
            changed = True
    if changed:
        data = text.encode("utf-8")
    return data.translate(_ASCII_TABLE)


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
    return " ".join(w.decode("utf-8") for w in normalized_bytes(text).split())


# ---------------------------------------------------------------------------------------------
# Shingle hashes
# ---------------------------------------------------------------------------------------------


def mix64(x: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser, element-wise, wrapping uint64 arithmetic (returns a new array)."""
    x = x ^ (x >> _U64(30))
    x *= _U64(0xBF58476D1CE4E5B9)
    x ^= x >> _U64(27)
    x *= _U64(0x94D049BB133111EB)
    x ^= x >> _U64(31)
    return x


_WORD_SEED = _U64(0x9E3779B97F4A7C15)
_VECTOR_WORD_BYTES = 64  # word bytes hashed 8 at a time in numpy; the rest of a longer word by blake2b
_LOW_BYTES_MASK = np.array([(1 << (8 * k)) - 1 for k in range(9)], dtype=np.uint64)  # k low bytes set


def word_hashes(buf: bytes) -> Tuple[np.ndarray, np.ndarray]:
    """(64-bit hash of every space-separated word of `buf`, the byte offset where each word starts)."""
    n = len(buf)
    if n == 0:
        return np.empty(0, dtype=np.uint64), np.empty(0, dtype=np.int64)
    is_word = np.frombuffer(buf, dtype=np.uint8) != 0x20
    edge = np.empty(n + 1, dtype=bool)  # edge[i]: a word starts or ends at offset i
    edge[0], edge[n] = is_word[0], is_word[-1]
    np.not_equal(is_word[1:], is_word[:-1], out=edge[1:n])
    bounds = np.flatnonzero(edge)
    starts, lengths = bounds[0::2], bounds[1::2] - bounds[0::2]
    # The 8 bytes at every offset as one little-endian uint64 (a strided view, nothing copied).
    eights = np.ndarray((n,), dtype="<u8", buffer=buf + bytes(8), strides=(1,))
    # First 8 bytes of every word (bytes past its end masked off), mixed with its length ...
    chunk = eights[starts]
    chunk &= _LOW_BYTES_MASK[np.minimum(lengths, 8)]
    hashes = mix64((lengths.astype(np.uint64) * _WORD_SEED) ^ chunk)
    # ... then the next 8 bytes of the words longer than that, and so on.
    todo = np.flatnonzero(lengths > 8)
    offset = 8
    while len(todo) and offset < _VECTOR_WORD_BYTES:
        left = lengths[todo] - offset
        chunk = eights[starts[todo] + offset]
        chunk &= _LOW_BYTES_MASK[np.minimum(left, 8)]
        hashes[todo] = mix64(hashes[todo] ^ chunk)
        todo = todo[left > 8]
        offset += 8
    if len(todo):  # the rest of a very long "word" (a URL, base64): one digest each, so a
        # megabyte without spaces costs one call, not a numpy pass per 8 bytes
        tails = [blake2b(buf[s + offset:s + length], digest_size=8).digest()
                 for s, length in zip(starts[todo].tolist(), lengths[todo].tolist())]
        hashes[todo] = mix64(hashes[todo] ^ np.frombuffer(b"".join(tails), dtype="<u8"))
    return hashes, starts


def combine(w: np.ndarray, ngram: int, m: int) -> np.ndarray:
    """acc[i] = polynomial of w[i], ..., w[i+ngram-1] (uint64, wrapping), for i < m."""
    acc = w[:m].copy()
    for k in range(1, ngram):
        acc *= NGRAM_MULT
        acc += w[k:k + m]
    return acc
