"""Gopher quality and repetition rules (Rae et al. 2021, appendix A), as datatrove implements them.

The rules and their defaults follow datatrove's GopherQualityFilter and GopherRepetitionFilter, so
results are comparable with FineWeb. Words are whitespace-separated tokens, with the punctuation
glued to them stripped for the word rules (what a word tokenizer would give).

Deliberate differences:
- the top-n-gram rule counts only n-grams that occur more than once (datatrove also counts a
  most-common n-gram seen once, which rejects short texts for "repetition" they do not have);
- the stop-word rule is language-aware (stop_words.py): Gopher's eight English words for English or
  unknown-language documents, spaCy's list of the language otherwise, skipped for a language
  without a list;
- word-based rules are skipped for languages written without spaces;
- lines are str.splitlines() (shared with C4 and FineWeb), so "\r" and Unicode line separators
  also end a line.

A threshold set to None switches its rule off: it is neither checked nor measured (except
`words`, which the stop-word and mean-length rules need anyway).
"""
from __future__ import annotations

import re
from collections import Counter
from typing import Iterable, Optional, Sequence, Tuple, Union

import numpy as np

from transforms.quality_rules.stop_words import stop_words_for
from transforms.quality_rules.text import DocumentText

_PARAGRAPH_SPLIT = re.compile(r"\n{2,}")
_BULLETS = ("•", "-")  # datatrove's (FineWeb's) set, so rejection rates stay comparable
TOP_NGRAM_SIZES = (2, 3, 4)
DUP_NGRAM_SIZES = (5, 6, 7, 8, 9, 10)

Result = Tuple[Optional[str], dict]


def _below(value, limit) -> bool:
    return limit is not None and value < limit


def _above(value, limit) -> bool:
    return limit is not None and value > limit


# ---------------------------------------------------------------- Gopher quality

def count_words_with_a_letter(words: Sequence[str]) -> int:
    # str.isalpha settles most words; only the others ("U.S.", "(Reuters)", "2019") are searched.
    return len([w for w in words if w.isalpha() or any(ch.isalpha() for ch in w)])


def gopher_quality(text: Union[str, DocumentText], params, language: Optional[str] = None) -> Result:
    """(reason or None, measurements) for the Gopher quality rules."""
    doc = DocumentText.of(text, language)
    p = params
    m = {}
    n_words = max(len(doc.words), 1)
    lines = doc.lines or [""]
    if p.max_symbol_word_ratio is not None:
        m["hash_word_ratio"] = round(doc.text.count("#") / n_words, 4)
        m["ellipsis_word_ratio"] = round((doc.text.count("...") + doc.text.count("…")) / n_words, 4)
    if p.max_bullet_lines_ratio is not None:
        m["bullet_lines_ratio"] = round(sum(line.lstrip().startswith(_BULLETS) for line in lines) / len(lines), 4)
    if p.max_ellipsis_lines_ratio is not None:
        m["ellipsis_lines_ratio"] = round(sum(line.rstrip().endswith(("...", "…")) for line in lines) / len(lines), 4)
    stop_words = None
    if doc.has_spaces:
        content_words = doc.content_words
        m["words"] = len(content_words)
        if p.min_mean_word_length is not None or p.max_mean_word_length is not None:
            m["mean_word_length"] = round(sum(map(len, content_words)) / max(len(content_words), 1), 3)
        if p.min_alpha_words_ratio is not None:
            m["alpha_words_ratio"] = round(count_words_with_a_letter(doc.words) / n_words, 4)
        stop_words = stop_words_for(doc.language) if p.min_stop_words is not None else None
        if stop_words is not None:
            m["stop_words"] = len([w for w in map(str.lower, content_words) if w in stop_words])

    if doc.has_spaces:
        if _below(m["words"], p.min_words):
            return "gopher_too_few_words", m
        if _above(m["words"], p.max_words):
            return "gopher_too_many_words", m
        if "mean_word_length" in m and (_below(m["mean_word_length"], p.min_mean_word_length)
                                        or _above(m["mean_word_length"], p.max_mean_word_length)):
            return "gopher_mean_word_length", m
    if _above(m.get("hash_word_ratio", 0), p.max_symbol_word_ratio):
        return "gopher_hash_ratio", m
    if _above(m.get("ellipsis_word_ratio", 0), p.max_symbol_word_ratio):
        return "gopher_ellipsis_ratio", m
    if _above(m.get("bullet_lines_ratio", 0), p.max_bullet_lines_ratio):
        return "gopher_bullet_lines", m
    if _above(m.get("ellipsis_lines_ratio", 0), p.max_ellipsis_lines_ratio):
        return "gopher_ellipsis_lines", m
    if "alpha_words_ratio" in m and _below(m["alpha_words_ratio"], p.min_alpha_words_ratio):
        return "gopher_alpha_words", m
    if "stop_words" in m and _below(m["stop_words"], p.min_stop_words):
        return "gopher_stop_words", m
    return None, m


# ---------------------------------------------------------------- Gopher repetition: definitions

def duplicate_stats(elements: Iterable[str]) -> Tuple[int, int, int]:
    """(number of elements, number that repeat an earlier one, characters in those repeats)."""
    seen = set()
    total = duplicates = duplicate_chars = 0
    for element in elements:
        total += 1
        if element in seen:
            duplicates += 1
            duplicate_chars += len(element)
        else:
            seen.add(element)
    return total, duplicates, duplicate_chars


def top_ngram_chars(words: Sequence[str], n: int) -> int:
    """Characters covered by the most frequent n-gram: its length times its count.

    The definition, on strings; the stage uses `NgramIndex.top_chars`, which gives the same number.
    """
    if len(words) < n:
        return 0
    counts = Counter(" ".join(words[i : i + n]) for i in range(len(words) - n + 1))
    gram, count = counts.most_common(1)[0]
    return len(gram) * count if count > 1 else 0


def duplicated_ngram_chars(words: Sequence[str], n: int) -> int:
    """Characters in n-grams that repeat an earlier n-gram, each repeated word counted once.

    The definition, on strings; the stage uses `NgramIndex.duplicated_chars` (same number).
    """
    seen = set()
    repeated = index = 0
    while index < len(words) - n + 1:
        gram = " ".join(words[index : index + n])
        if gram in seen:
            repeated += sum(map(len, words[index : index + n]))
            index += n
        else:
            seen.add(gram)
            index += 1
    return repeated


# ---------------------------------------------------------------- Gopher repetition: fast n-grams

class NgramIndex:
    """Exact integer ids of every word n-gram of a document, n = 1, 2, ... built incrementally.

    Joining and hashing the strings of 9 n-gram sizes was ~2 ms a document, most of the stage's
    time. Here each distinct word gets an id, and the id of an n-gram at position i is the rank of
    the pair (id of the (n-1)-gram at i, id of word i+n-1): exact (no hashing, no collisions), one
    numpy sort per n. The results equal `top_ngram_chars` and `duplicated_ngram_chars`.
    """

    def __init__(self, words: Sequence[str]):
        # dict.fromkeys keeps first-seen order: ids in order of first occurrence, built in C
        vocabulary = {word: i for i, word in enumerate(dict.fromkeys(words))}
        self.word_ids = np.fromiter(map(vocabulary.__getitem__, words), dtype=np.int64, count=len(words))
        lengths = np.fromiter(map(len, words), dtype=np.int64, count=len(words))
        self.length_prefix = np.concatenate(([0], np.cumsum(lengths)))  # chars of words[:i]
        self._ids = {1: self.word_ids}

    def ids(self, n: int) -> np.ndarray:
        """Id of the n-gram starting at each position (len(words) - n + 1 of them)."""
        if n not in self._ids:
            shorter = self.ids(n - 1)[:-1]
            following = self.word_ids[n - 1:]
            pairs = shorter * (int(self.word_ids.max()) + 1) + following  # < 1e10 for 1e5 words: fits
            self._ids[n] = np.unique(pairs, return_inverse=True)[1].reshape(-1)
        return self._ids[n]

    def _chars(self, start: int, n: int) -> int:
        """Characters of the words[start:start+n], without the spaces between them."""
        return int(self.length_prefix[start + n] - self.length_prefix[start])

    def top_chars(self, n: int) -> int:
        if len(self.word_ids) < n:
            return 0
        ids = self.ids(n)
        counts = np.bincount(ids)
        best = int(counts.max())
        if best < 2:
            return 0
        # Counter.most_common breaks ties by first occurrence: the earliest n-gram with that count.
        first = int(np.flatnonzero(counts[ids] == best)[0])
        return (self._chars(first, n) + n - 1) * best

    def duplicated_chars(self, n: int) -> int:
        """`duplicated_ngram_chars(words, n)`, visiting only the positions that can be repeats.

        The definition scans left to right: an n-gram already seen counts and the scan jumps past
        it (the n-grams it jumps over are never "seen"); any other n-gram is added to the seen
        ones. An n-gram whose first occurrence is here cannot be a repeat, so only the later
        occurrences ("candidates") need a decision: a candidate repeats when its first occurrence
        was not jumped over, or when an earlier candidate with the same id was visited.
        """
        if len(self.word_ids) < n:
            return 0
        ids = self.ids(n)
        first_seen_at = np.full(int(ids.max()) + 1, len(ids), dtype=np.int64)
        np.minimum.at(first_seen_at, ids, np.arange(len(ids)))
        first = first_seen_at[ids]
        candidates = np.flatnonzero(first < np.arange(len(ids)))
        if len(candidates) == 0:
            return 0  # no n-gram repeats: nothing to scan
        jumped = np.zeros(len(ids), dtype=bool)
        visited_candidates = set()
        repeated = next_index = 0
        for position, gram, first_position in zip(candidates.tolist(), ids[candidates].tolist(),
                                                  first[candidates].tolist()):
            if position < next_index:
                continue  # jumped over
            if not jumped[first_position] or gram in visited_candidates:
                repeated += self._chars(position, n)
                jumped[position + 1 : position + n] = True
                next_index = position + n
            else:
                visited_candidates.add(gram)
                next_index = position + 1
        return repeated


def gopher_repetition(text: Union[str, DocumentText], params, language: Optional[str] = None) -> Result:
    """(reason or None, measurements) for the Gopher repetition rules."""
    doc = DocumentText.of(text, language)
    p = params
    chars = max(len(doc.text), 1)
    m = {}
    paragraphs = [para for para in _PARAGRAPH_SPLIT.split(doc.text.strip()) if para]
    n_para, dup_para, dup_para_chars = duplicate_stats(paragraphs)
    n_lines, dup_lines, dup_line_chars = duplicate_stats(doc.filled_lines)
    fractions = (
        ("dup_para_frac", dup_para / max(n_para, 1), p.max_dup_para_frac),
        ("dup_para_char_frac", dup_para_chars / chars, p.max_dup_para_char_frac),
        ("dup_line_frac", dup_lines / max(n_lines, 1), p.max_dup_line_frac),
        ("dup_line_char_frac", dup_line_chars / chars, p.max_dup_line_char_frac),
    )
    for key, value, limit in fractions:
        if limit is not None:
            m[key] = round(value, 4)
    for key, _, limit in fractions:
        if key in m and _above(m[key], limit):
            return f"gopher_{key}", m
    if not doc.has_spaces:
        return None, m
    ngrams = NgramIndex(doc.words)
    for n, limit in zip(TOP_NGRAM_SIZES, p.top_ngram_max_char_frac):
        if limit is None:
            continue
        m[f"top_{n}gram_char_frac"] = round(ngrams.top_chars(n) / chars, 4)
        if _above(m[f"top_{n}gram_char_frac"], limit):
            return f"gopher_top_{n}gram", m
    for n, limit in zip(DUP_NGRAM_SIZES, p.dup_ngram_max_char_frac):
        if limit is None:
            continue
        m[f"dup_{n}gram_char_frac"] = round(ngrams.duplicated_chars(n) / chars, 4)
        if _above(m[f"dup_{n}gram_char_frac"], limit):
            return f"gopher_dup_{n}gram", m
    return None, m
