"""Stage `quality`: the Gopher quality and repetition heuristics (Rae et al. 2021, appendix A).

The rules and their defaults follow the Gopher paper as implemented in datatrove's
GopherQualityFilter and GopherRepetitionFilter, so results are comparable with FineWeb. Words are
whitespace-separated tokens with the punctuation glued to them stripped for the word rules (what a
word tokenizer would give). One deliberate difference: the top-n-gram rule counts only n-grams
that occur more than once (datatrove also counts a most-common n-gram seen once, which rejects
short texts for "repetition" they do not have). Word-based rules are skipped for languages written
without spaces, and the stop-word rule (an English list) applies to English or unknown-language
documents only, so a German page is not rejected for lacking "the".
"""
from __future__ import annotations

import dataclasses
import re
import string
from collections import Counter
from typing import Iterable, List, Optional, Sequence, Tuple

from transforms.document import Document
from transforms.params import param
from transforms.stage import Stage, Verdict

# Languages whose text has no spaces between words: whitespace word counts mean nothing there.
NO_SPACE_LANGUAGES = frozenset({"zh", "ja", "th", "lo", "km", "my", "bo", "wuu", "yue"})
ENGLISH_STOP_WORDS = frozenset({"the", "be", "to", "of", "and", "that", "have", "with"})
_PUNCTUATION_CHARS = string.punctuation + "«»“”‘’…–—·•"
_PARAGRAPH_SPLIT = re.compile(r"\n{2,}")
_LINE_SPLIT = re.compile(r"\n+")
_BULLETS = ("•", "-")  # datatrove's (FineWeb's) set, so rejection rates stay comparable


@dataclasses.dataclass(frozen=True)
class QualityParams:
    # Gopher quality
    min_words: int = param(50, ge=0)
    max_words: int = param(100_000, ge=1)
    min_mean_word_length: float = param(3.0, ge=0)
    max_mean_word_length: float = param(10.0, ge=0)
    max_symbol_word_ratio: float = param(0.1, ge=0, help="limit for '#' per word and for '...' per word, each")
    max_bullet_lines_ratio: float = param(0.9, ge=0, le=1)
    max_ellipsis_lines_ratio: float = param(0.3, ge=0, le=1)
    min_alpha_words_ratio: float = param(0.8, ge=0, le=1, help="share of words with a letter")
    min_stop_words: int = param(2, ge=0)
    # Gopher repetition
    max_dup_line_frac: float = param(0.3, ge=0, le=1)
    max_dup_para_frac: float = param(0.3, ge=0, le=1)
    max_dup_line_char_frac: float = param(0.2, ge=0, le=1)
    max_dup_para_char_frac: float = param(0.2, ge=0, le=1)
    top_ngram_max_char_frac: Tuple[float, float, float] = param((0.20, 0.18, 0.16), ge=0, le=1, help="n = 2, 3, 4")
    dup_ngram_max_char_frac: Tuple[float, float, float, float, float, float] = param(
        (0.15, 0.14, 0.13, 0.12, 0.11, 0.10), ge=0, le=1, help="n = 5 .. 10"
    )


    def check(self):
        if self.min_words > self.max_words:
            return "min_words", f"{self.min_words} is above max_words ({self.max_words}): every document would be rejected"
        if self.min_mean_word_length > self.max_mean_word_length:
            return "min_mean_word_length", "is above max_mean_word_length: every document would be rejected"
        return None


TOP_NGRAM_SIZES = (2, 3, 4)
DUP_NGRAM_SIZES = (5, 6, 7, 8, 9, 10)


def split_words(text: str) -> List[str]:
    return text.split()


def word_forms(words: Sequence[str]) -> List[str]:
    """Words without the punctuation glued to them ("the," -> "the"); punctuation-only tokens dropped.

    A word tokenizer (datatrove uses NLTK's) splits punctuation off; stripping it gives the same
    words for the stop-word, word-count and mean-length rules without a tokenizer per language.
    """
    stripped = (w.strip(_PUNCTUATION_CHARS) for w in words)
    return [w for w in stripped if w]


# ---------------------------------------------------------------- Gopher quality (pure)

def gopher_quality(text: str, params: QualityParams, language: Optional[str] = None) -> Tuple[Optional[str], dict]:
    """(reason or None, measurements) for the Gopher quality rules."""
    words = split_words(text)
    lines = text.splitlines() or [""]
    n_words = max(len(words), 1)
    m = {}
    m["hash_word_ratio"] = round(text.count("#") / n_words, 4)
    m["ellipsis_word_ratio"] = round((text.count("...") + text.count("…")) / n_words, 4)
    m["bullet_lines_ratio"] = round(sum(line.lstrip().startswith(_BULLETS) for line in lines) / len(lines), 4)
    m["ellipsis_lines_ratio"] = round(
        sum(line.rstrip().endswith(("...", "…")) for line in lines) / len(lines), 4
    )
    word_rules = language not in NO_SPACE_LANGUAGES
    if word_rules:
        content_words = word_forms(words)
        m["words"] = len(content_words)
        m["mean_word_length"] = round(sum(map(len, content_words)) / max(len(content_words), 1), 3)
        m["alpha_words_ratio"] = round(sum(any(ch.isalpha() for ch in w) for w in words) / n_words, 4)
        if language in (None, "en", "und"):
            m["stop_words"] = sum(w.lower() in ENGLISH_STOP_WORDS for w in content_words)

    p = params
    if word_rules:
        if m["words"] < p.min_words:
            return "gopher_too_few_words", m
        if m["words"] > p.max_words:
            return "gopher_too_many_words", m
        if not p.min_mean_word_length <= m["mean_word_length"] <= p.max_mean_word_length:
            return "gopher_mean_word_length", m
    if m["hash_word_ratio"] > p.max_symbol_word_ratio:
        return "gopher_hash_ratio", m
    if m["ellipsis_word_ratio"] > p.max_symbol_word_ratio:
        return "gopher_ellipsis_ratio", m
    if m["bullet_lines_ratio"] > p.max_bullet_lines_ratio:
        return "gopher_bullet_lines", m
    if m["ellipsis_lines_ratio"] > p.max_ellipsis_lines_ratio:
        return "gopher_ellipsis_lines", m
    if word_rules:
        if m["alpha_words_ratio"] < p.min_alpha_words_ratio:
            return "gopher_alpha_words", m
        if "stop_words" in m and m["stop_words"] < p.min_stop_words:
            return "gopher_stop_words", m
    return None, m


# ---------------------------------------------------------------- Gopher repetition (pure)

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
    """Characters covered by the most frequent n-gram: its length times its count."""
    if len(words) < n:
        return 0
    counts = Counter(" ".join(words[i : i + n]) for i in range(len(words) - n + 1))
    gram, count = counts.most_common(1)[0]
    return len(gram) * count if count > 1 else 0


def duplicated_ngram_chars(words: Sequence[str], n: int) -> int:
    """Characters in n-grams that repeat an earlier n-gram, each repeated word counted once."""
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


def gopher_repetition(text: str, params: QualityParams, language: Optional[str] = None) -> Tuple[Optional[str], dict]:
    """(reason or None, measurements) for the Gopher repetition rules."""
    chars = max(len(text), 1)
    m = {}
    paragraphs = [p for p in _PARAGRAPH_SPLIT.split(text.strip()) if p]
    n_para, dup_para, dup_para_chars = duplicate_stats(paragraphs)
    lines = [line for line in _LINE_SPLIT.split(text) if line]
    n_lines, dup_lines, dup_line_chars = duplicate_stats(lines)
    m["dup_para_frac"] = round(dup_para / max(n_para, 1), 4)
    m["dup_para_char_frac"] = round(dup_para_chars / chars, 4)
    m["dup_line_frac"] = round(dup_lines / max(n_lines, 1), 4)
    m["dup_line_char_frac"] = round(dup_line_chars / chars, 4)
    p = params
    for key, limit in (("dup_para_frac", p.max_dup_para_frac), ("dup_para_char_frac", p.max_dup_para_char_frac),
                       ("dup_line_frac", p.max_dup_line_frac), ("dup_line_char_frac", p.max_dup_line_char_frac)):
        if m[key] > limit:
            return f"gopher_{key}", m
    if language in NO_SPACE_LANGUAGES:
        return None, m
    words = split_words(text)
    for n, limit in zip(TOP_NGRAM_SIZES, p.top_ngram_max_char_frac):
        m[f"top_{n}gram_char_frac"] = round(top_ngram_chars(words, n) / chars, 4)
        if m[f"top_{n}gram_char_frac"] > limit:
            return f"gopher_top_{n}gram", m
    for n, limit in zip(DUP_NGRAM_SIZES, p.dup_ngram_max_char_frac):
        m[f"dup_{n}gram_char_frac"] = round(duplicated_ngram_chars(words, n) / chars, 4)
        if m[f"dup_{n}gram_char_frac"] > limit:
            return f"gopher_dup_{n}gram", m
    return None, m


class Quality(Stage):
    name = "quality"
    Params = QualityParams

    def judge(self, doc: Document) -> Verdict:
        language = doc.meta.get("language")
        reason, measured = gopher_quality(doc.text, self.params, language)
        if reason is None:
            reason, repetition = gopher_repetition(doc.text, self.params, language)
            measured = {**measured, **repetition}
        if reason is not None:
            return Verdict.reject(reason, **measured)
        return Verdict.keep(doc, **measured)
