"""FineWeb's quality rules (Penedo et al. 2024), with datatrove's FineWebQualityFilter defaults.

    line_punct_ratio  share of lines ending in terminal punctuation; rejected when <= 0.12
    short_line_ratio  share of lines of at most 30 characters;        rejected when >= 0.67
    char_dup_ratio    characters in lines repeating an earlier line, over all characters (newlines
                      not counted);                                   rejected when >= 0.01
    list_ratio        line breaks per word;                           rejected when > 0.3

The comparisons (<=, >=, >) are datatrove's, so a threshold means what it means in FineWeb.
Deliberate differences, each so that the same text scores the same however it was laid out:
- lines are the non-blank lines, stripped: datatrove splits on "\n" and counts blank lines, so a
  text whose paragraphs are separated by "\n\n" (our extract, the AEB ground truth) would have
  half its lines "short" and without punctuation;
- line breaks for list_ratio are the breaks between non-blank lines (non-blank lines - 1): the
  same as datatrove's newline count for single-"\n" text, not doubled by blank lines;
- words for list_ratio are whitespace tokens (the shared split), not NLTK's word_tokenize, which
  also counts punctuation marks (~10-20% more tokens on prose): our ratio is a little higher,
  i.e. this rule is a little stricter than FineWeb's;
- terminal punctuation includes the typographic and non-Latin forms (text.TERMINAL_PUNCTUATION).
list_ratio counts words, so it is skipped for languages written without spaces. short_line_ratio
counts characters and runs for every language, although 30 characters hold a whole sentence in
Chinese or Japanese: it is stricter there (FineWeb-2 tunes it per language; nothing here measured
clean CJK text to do the same). A threshold of None switches its rule off; `fineweb: false`
switches off the family.
"""
from __future__ import annotations

from typing import Optional, Tuple, Union

from transforms.quality_rules.gopher import duplicate_stats
from transforms.quality_rules.text import DocumentText

Result = Tuple[Optional[str], dict]


def char_duplicate_ratio(doc: DocumentText) -> float:
    """Characters of lines that repeat an earlier line, over the characters of the text without newlines."""
    _, _, duplicate_chars = duplicate_stats(doc.nonblank_lines)
    return duplicate_chars / max(len(doc.text) - doc.text.count("\n"), 1)


def fineweb_measurements(doc: DocumentText, params) -> dict:
    p = params
    lines = doc.nonblank_lines
    n_lines = max(len(lines), 1)
    m = {}
    if p.fineweb_min_line_punct_ratio is not None:
        m["fineweb_line_punct_ratio"] = round(doc.terminal_line_counts[0] / n_lines, 4)
    if p.fineweb_max_short_line_ratio is not None:
        short = sum(len(line) <= p.fineweb_short_line_chars for line in lines)
        m["fineweb_short_line_ratio"] = round(short / n_lines, 4)
    if p.fineweb_max_char_dup_ratio is not None:
        m["fineweb_char_dup_ratio"] = round(char_duplicate_ratio(doc), 4)
    if p.fineweb_max_list_ratio is not None and doc.has_spaces:
        m["fineweb_list_ratio"] = round(max(len(lines) - 1, 0) / max(len(doc.words), 1), 4)
    return m


def fineweb_quality(text: Union[str, DocumentText], params, language: Optional[str] = None) -> Result:
    """(reason or None, measurements) for FineWeb's rules, in datatrove's order."""
    doc = DocumentText.of(text, language)
    p = params
    m = fineweb_measurements(doc, p)
    if "fineweb_line_punct_ratio" in m and m["fineweb_line_punct_ratio"] <= p.fineweb_min_line_punct_ratio:
        return "fineweb_line_punct_ratio", m
    if "fineweb_short_line_ratio" in m and m["fineweb_short_line_ratio"] >= p.fineweb_max_short_line_ratio:
        return "fineweb_short_line_ratio", m
    if "fineweb_char_dup_ratio" in m and m["fineweb_char_dup_ratio"] >= p.fineweb_max_char_dup_ratio:
        return "fineweb_char_dup_ratio", m
    if "fineweb_list_ratio" in m and m["fineweb_list_ratio"] > p.fineweb_max_list_ratio:
        return "fineweb_list_ratio", m
    return None, m
