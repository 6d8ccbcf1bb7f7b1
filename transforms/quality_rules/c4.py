"""C4's rules (Raffel et al. 2020, section 2.2; datatrove's C4QualityFilter) as document measurements.

C4 edits a page: it drops the lines that do not end in terminal punctuation, have fewer than 3
words, mention "javascript" or a cookie/terms policy, then drops the page if fewer than 5 sentences
are left. Here the text is never modified; each line rule becomes the share of the page's
non-blank lines it would drop, with a threshold on that share. A well-edited article loses a
heading or two to C4 and passes; a navigation page, a cookie banner or a "please enable
JavaScript" shell loses most of its lines and is rejected. The two page rules are C4's own: any
"lorem ipsum" (placeholder text) or any curly brace (code, templates) rejects.

Thresholds (defaults in transforms/quality.py, measured with perf/quality_eval.py): a threshold
of None switches its rule off (not checked, not measured); `c4: false` switches off the family.
The short-line rule counts words, so it is skipped for languages written without spaces.
"""
from __future__ import annotations

from typing import Optional, Tuple, Union

from transforms.quality_rules.text import DocumentText

# datatrove's POLICY_SUBSTRINGS (from C4's reference code, tensorflow_datasets c4_utils.py).
POLICY_PHRASES = ("terms of use", "privacy policy", "cookie policy", "uses cookies", "use of cookies", "use cookies")
LOREM_IPSUM = "lorem ipsum"
JAVASCRIPT = "javascript"

Result = Tuple[Optional[str], dict]


def lines_mentioning(doc: DocumentText, phrases: Tuple[str, ...]) -> int:
    """Non-blank lines that contain any of the (lowercase) phrases, case-insensitively."""
    if not any(phrase in doc.lower for phrase in phrases):
        return 0  # the usual page: one search of the whole text, no per-line work
    return sum(any(phrase in line.lower() for phrase in phrases) for line in doc.nonblank_lines)


def short_lines(doc: DocumentText, min_words: int) -> int:
    """Non-blank lines with fewer than `min_words` whitespace-separated words."""
    return sum(len(line.split(None, min_words - 1)) < min_words for line in doc.nonblank_lines) if min_words > 0 else 0


def c4_measurements(doc: DocumentText, params) -> dict:
    """Every enabled C4 measurement; shares are over the non-blank lines."""
    p = params
    n_lines = max(len(doc.nonblank_lines), 1)
    m = {}
    if p.c4_lorem_ipsum:
        m["c4_lorem_ipsum"] = doc.lower.count(LOREM_IPSUM)
    if p.c4_curly_brace:
        m["c4_curly_braces"] = doc.text.count("{")
    if p.c4_max_javascript_line_ratio is not None:
        m["c4_javascript_line_ratio"] = round(lines_mentioning(doc, (JAVASCRIPT,)) / n_lines, 4)
    if p.c4_max_policy_line_ratio is not None:
        m["c4_policy_line_ratio"] = round(lines_mentioning(doc, POLICY_PHRASES) / n_lines, 4)
    if p.c4_min_terminal_punct_ratio is not None:
        m["c4_terminal_punct_ratio"] = round(doc.terminal_line_counts[1] / n_lines, 4)
    if p.c4_max_short_line_ratio is not None and doc.has_spaces:
        m["c4_short_line_ratio"] = round(short_lines(doc, p.c4_min_words_per_line) / n_lines, 4)
    return m


def c4_quality(text: Union[str, DocumentText], params, language: Optional[str] = None) -> Result:
    """(reason or None, measurements) for C4's rules, checked in C4's order of cost."""
    doc = DocumentText.of(text, language)
    p = params
    m = c4_measurements(doc, p)
    if m.get("c4_lorem_ipsum"):
        return "c4_lorem_ipsum", m
    if m.get("c4_curly_braces"):
        return "c4_curly_brace", m
    if "c4_javascript_line_ratio" in m and m["c4_javascript_line_ratio"] > p.c4_max_javascript_line_ratio:
        return "c4_javascript", m
    if "c4_policy_line_ratio" in m and m["c4_policy_line_ratio"] > p.c4_max_policy_line_ratio:
        return "c4_policy", m
    if "c4_terminal_punct_ratio" in m and m["c4_terminal_punct_ratio"] < p.c4_min_terminal_punct_ratio:
        return "c4_terminal_punct", m
    if "c4_short_line_ratio" in m and m["c4_short_line_ratio"] > p.c4_max_short_line_ratio:
        return "c4_short_lines", m
    return None, m
