"""Stage `quality`: heuristic quality rules, four families run in order on a text split once.

    1. Gopher quality     (Rae et al. 2021, appendix A)       reasons gopher_*
    2. Gopher repetition  (same)                              reasons gopher_*
    3. C4                 (Raffel et al. 2020)                reasons c4_*
    4. FineWeb            (Penedo et al. 2024)                reasons fineweb_*

The first failing rule rejects; the measurements of every rule that ran go into the Verdict (kept
documents carry them in scores["quality"], rejected ones in the rejection record). The rules are
pure functions in transforms/quality_rules/ (their docstrings give the definitions and where they
differ from datatrove's); this module holds the parameters and the thin stage.

Language (meta.language, from langid): languages written without spaces (NO_SPACE_LANGUAGES) skip
every word-based rule. The Gopher stop-word rule uses Gopher's eight English words for English and
for unknown language (None, "und"), spaCy's stop-word list of the language otherwise, and is
skipped for a language spaCy has no list for (quality_rules/stop_words.py).

Every rule can be switched off: a threshold of null, or a family switch (gopher_quality,
gopher_repetition, c4, fineweb). A rule switched off is neither checked nor measured.

Defaults. Gopher's and FineWeb's are the papers' (datatrove's). C4 has no document thresholds of
its own (it edits lines), so they were measured on real text (perf/quality_eval.py): 541 pages of
trafilatura's and Readability's test sets through our extract, 30 Common Crawl documents, and the
boilerplate of 607 real pages (their nav/header/footer/aside and link-dense blocks):
- c4_min_terminal_punct_ratio 0.1: 90% of the boilerplate pages are below 0.1, 3% of the extracted
  pages; at 0.2 or 0.3 it would also reject 8% or 13% of the extracted pages, mostly good articles
  whose headings, lists, captions or signatures do not end in punctuation.
- c4_max_short_line_ratio 0.5: the extracted pages' 95th percentile is 0.38 (1.7% above 0.5),
  the boilerplate's median 0.70 (86% above 0.5).
- c4_max_javascript_line_ratio, c4_max_policy_line_ratio 0.2: no extracted page measured exceeds
  0.12 and 0.02 (boilerplate pages: 0.15 and 0.15); a cookie notice or a "please enable
  JavaScript" block on its own measures 0.5-1.0 (tests/test_quality.py).
With these defaults the heuristics keep 92.5% of the AEB article bodies and reject 100% of the
Davidson tweets and 99.5% of the boilerplate pages (perf/quality_eval.py).
"""
from __future__ import annotations

import dataclasses
from typing import Optional, Tuple

from transforms.document import Document
from transforms.params import param
from transforms.quality_rules.c4 import c4_quality
from transforms.quality_rules.fineweb import fineweb_quality
from transforms.quality_rules.gopher import (  # noqa: F401  (re-exported: the stage's public helpers)
    DUP_NGRAM_SIZES,
    TOP_NGRAM_SIZES,
    NgramIndex,
    duplicate_stats,
    duplicated_ngram_chars,
    gopher_quality,
    gopher_repetition,
    top_ngram_chars,
)
from transforms.quality_rules.text import NO_SPACE_LANGUAGES, DocumentText  # noqa: F401
from transforms.stage import Stage, Verdict

OptionalFloat = Optional[float]


@dataclasses.dataclass(frozen=True)
class QualityParams:
    # --- Gopher quality (Gopher's values; null switches a rule off)
    gopher_quality: bool = param(True, help="run the Gopher quality rules")
    min_words: Optional[int] = param(50, ge=0)
    max_words: Optional[int] = param(100_000, ge=1)
    min_mean_word_length: OptionalFloat = param(3.0, ge=0)
    max_mean_word_length: OptionalFloat = param(10.0, ge=0)
    max_symbol_word_ratio: OptionalFloat = param(0.1, ge=0, help="limit for '#' per word and for '...' per word, each")
    max_bullet_lines_ratio: OptionalFloat = param(0.9, ge=0, le=1)
    max_ellipsis_lines_ratio: OptionalFloat = param(0.3, ge=0, le=1)
    min_alpha_words_ratio: OptionalFloat = param(0.8, ge=0, le=1, help="share of words with a letter")
    min_stop_words: Optional[int] = param(
        2, ge=0, help="stop words needed: Gopher's 8 English words, or spaCy's list of the document's language")
    # --- Gopher repetition
    gopher_repetition: bool = param(True, help="run the Gopher repetition rules")
    max_dup_line_frac: OptionalFloat = param(0.3, ge=0, le=1)
    max_dup_para_frac: OptionalFloat = param(0.3, ge=0, le=1)
    max_dup_line_char_frac: OptionalFloat = param(0.2, ge=0, le=1)
    max_dup_para_char_frac: OptionalFloat = param(0.2, ge=0, le=1)
    top_ngram_max_char_frac: Tuple[OptionalFloat, OptionalFloat, OptionalFloat] = param(
        (0.20, 0.18, 0.16), ge=0, le=1, help="n = 2, 3, 4")
    dup_ngram_max_char_frac: Tuple[OptionalFloat, OptionalFloat, OptionalFloat,
                                   OptionalFloat, OptionalFloat, OptionalFloat] = param(
        (0.15, 0.14, 0.13, 0.12, 0.11, 0.10), ge=0, le=1, help="n = 5 .. 10")
    # --- C4 (shares of the non-blank lines C4 would drop; the text is not modified)
    c4: bool = param(True, help="run the C4 rules")
    c4_lorem_ipsum: bool = param(True, help="reject a document containing 'lorem ipsum' (placeholder text)")
    c4_curly_brace: bool = param(True, help="reject a document containing '{' (code, templates; C4's rule)")
    c4_max_javascript_line_ratio: OptionalFloat = param(
        0.2, ge=0, le=1, help="reject when more than this share of lines mentions 'javascript'")
    c4_max_policy_line_ratio: OptionalFloat = param(
        0.2, ge=0, le=1, help="reject when more than this share of lines mentions a terms/privacy/cookie policy")
    c4_min_terminal_punct_ratio: OptionalFloat = param(
        0.1, ge=0, le=1, help="reject when fewer than this share of lines end in . ! ? or a closing quote "
                              "(an ellipsis does not count)")
    c4_max_short_line_ratio: OptionalFloat = param(
        0.5, ge=0, le=1, help="reject when more than this share of lines has fewer than c4_min_words_per_line words")
    c4_min_words_per_line: int = param(3, ge=1, help="C4 drops lines with fewer words than this")
    # --- FineWeb (datatrove's FineWebQualityFilter defaults and comparisons)
    fineweb: bool = param(True, help="run the FineWeb rules")
    fineweb_min_line_punct_ratio: OptionalFloat = param(
        0.12, ge=0, le=1, help="reject when the share of lines ending in terminal punctuation is at most this")
    fineweb_max_short_line_ratio: OptionalFloat = param(
        0.67, ge=0, le=1, help="reject when the share of lines of at most fineweb_short_line_chars is at least this")
    fineweb_short_line_chars: int = param(30, ge=1, help="a line this long or shorter is short")
    fineweb_max_char_dup_ratio: OptionalFloat = param(
        0.01, ge=0, le=1, help="reject when characters in repeated lines are at least this share of the text")
    fineweb_max_list_ratio: OptionalFloat = param(
        0.3, ge=0, help="reject when line breaks per word are above this (lists, menus)")
    # --- fastText quality model (DCLM-style), after the rules pass; its score goes to scores.quality
    model: bool = param(True, help="score documents with the fastText quality model")
    model_path: Optional[str] = param(
        None, help="any fastText model (.bin/.ftz; DCLM's loads as is); default: the shipped quality-web.ftz")
    model_label: str = param("hq", help="the model's label for high quality, without __label__")
    model_min_score: OptionalFloat = param(
        None, ge=0, le=1, help="reject documents scoring below this (model_low_score); null: score only")
    model_keep_top_fraction: OptionalFloat = param(
        None, gt=0, le=1, help="keep only this fraction of each source's documents, the best scoring "
                               "(DCLM keeps 0.1); needs every score first: an extra global step")
    model_languages: Optional[Tuple[str, ...]] = param(
        ("en",), help="languages the model scores (no language counts as English); null: all")

    def check(self):
        if not self.model and (self.model_min_score is not None or self.model_keep_top_fraction is not None):
            return "model", "model_min_score / model_keep_top_fraction need model: true"
        if self.min_words is not None and self.max_words is not None and self.min_words > self.max_words:
            return "min_words", f"{self.min_words} is above max_words ({self.max_words}): every document would be rejected"
        if (self.min_mean_word_length is not None and self.max_mean_word_length is not None
                and self.min_mean_word_length > self.max_mean_word_length):
            return "min_mean_word_length", "is above max_mean_word_length: every document would be rejected"
        return None


# The rule families in the order they run: (switch in QualityParams, function).
RULE_FAMILIES = (
    ("gopher_quality", gopher_quality),
    ("gopher_repetition", gopher_repetition),
    ("c4", c4_quality),
    ("fineweb", fineweb_quality),
)


def judge_text(text: str, params: QualityParams, language: Optional[str] = None) -> Tuple[Optional[str], dict]:
    """(reason of the first failing rule or None, measurements of every rule that ran)."""
    doc = DocumentText(text, language)  # split once, shared by the families
    measured = {}
    for switch, family in RULE_FAMILIES:
        if not getattr(params, switch):
            continue
        reason, measurements = family(doc, params)
        measured.update(measurements)
        if reason is not None:
            return reason, measured
    return None, measured


class Quality(Stage):
    name = "quality"
    Params = QualityParams
    _model = None  # loaded in setup(); judge() without setup() runs the rules only

    def setup(self):
        self._model = None
        if self.params.model:
            from classifiers.quality import QualityModel

            self._model = QualityModel(self.params.model_path, self.params.model_label)

    def _model_applies(self, language: Optional[str]) -> bool:
        languages = self.params.model_languages
        return languages is None or (language or "en") in languages or language == "und"

    def judge(self, doc: Document) -> Verdict:
        language = doc.meta.get("language")
        reason, measured = judge_text(doc.text, self.params, language)
        if reason is not None:
            return Verdict.reject(reason, **measured)
        if self._model is not None and self._model_applies(language):
            measured["model_score"] = round(self._model.score(doc.text), 6)
            minimum = self.params.model_min_score
            if minimum is not None and measured["model_score"] < minimum:
                return Verdict.reject("model_low_score", **measured)
        return Verdict.keep(doc, **measured)

    def after_judging(self):
        fraction = self.params.model_keep_top_fraction
        if fraction is None:
            return None
        from transforms.top_fraction import KeepTopFraction

        return KeepTopFraction(self.name, "model_score", fraction)
