"""Stage `extract`: HTML -> main text (boilerplate, navigation and comments removed, math kept as TeX).

The extractors and the policy combining them live in `transforms/extraction/`; this stage adds the
guards a crawl needs: a size cap before parsing, a binary sniff, a wall-clock budget per page, and
rejections that say why (`truncated` if asked, `html_too_large`, `binary`, `timeout`, `empty`,
`too_short`). Documents that arrive as clean text (no `html`) pass through untouched, so a source
can mix WARC pages and pre-extracted JSONL rows.
"""
from __future__ import annotations

import dataclasses
import time
from typing import Optional, Tuple

from transforms.document import Document
from transforms.extraction.binary import binary_kind
from transforms.extraction.extractors import METHODS, extract_body, trafilatura_config
from transforms.extraction.metadata import page_metadata
from transforms.params import param
from transforms.stage import Stage, Verdict
from transforms.time_budget import BudgetExceeded, time_budget


@dataclasses.dataclass(frozen=True)
class ExtractParams:
    method: str = param("combined", choices=METHODS,
                        help="combined: the fast path, with trafilatura as second opinion on short results; "
                             "fast: content root + block rules on resiliparse only; trafilatura: trafilatura alone")
    second_opinion_below: int = param(500, ge=0, help="combined: also run trafilatura when the fast path "
                                                      "returns fewer characters than this; the longer text wins")
    min_chars: int = param(50, ge=0, help="shorter extractions are rejected as too_short")
    max_html_chars: int = param(5_000_000, ge=1, help="larger pages are rejected before parsing")
    time_budget_seconds: float = param(10.0, ge=0.0, help="wall-clock budget per page (0: none); "
                                                          "pages over it are rejected as timeout")
    with_metadata: bool = param(True, help="title, declared language and publication date into meta")
    reject_truncated: bool = param(False, help="reject pages the crawler cut at its size or time cap "
                                               "(WARC-Truncated, meta.warc_truncated) as truncated")
    qa: bool = param(True, help="pages of Stack Exchange-style Q&A sites become one 'Question: ... Answer: ...' "
                                "document cut by their HTML (transforms/math_rules/qa.py), TeX kept")
    qa_domains: Optional[Tuple[str, ...]] = param(
        None, help="Q&A sites with Stack Exchange markup (subdomains too); null: the shipped math sites")
    qa_max_answers: int = param(3, ge=1, help="answers kept, the accepted one first")
    qa_min_answer_score: int = param(0, help="answers scoring less are left out (never the accepted one)")
    keep_html: bool = param(False, help="keep the raw HTML beside the text for math_filter's tag filter "
                                        "(set by the config for sources that run math_filter; it drops it)")


class Extract(Stage):
    name = "extract"
    Params = ExtractParams
    needs_text = False

    def setup(self):
        self._config = trafilatura_config()
        self._qa = None
        if self.params.qa:
            from transforms.math_rules.qa import QAExtractor, QAParams

            qa = QAParams(max_answers=self.params.qa_max_answers, min_answer_score=self.params.qa_min_answer_score)
            if self.params.qa_domains is not None:
                qa = dataclasses.replace(qa, stack_exchange_domains=self.params.qa_domains)
            self._qa = QAExtractor(qa)

    def _qa_page(self, html: str, url: Optional[str]):
        """The page as question and answers if it is one of the configured Q&A sites, else None."""
        if self._qa is None or url is None or self._qa.markup_for(url) is None:
            return None
        return self._qa.extract(html, url)

    def judge(self, doc: Document) -> Verdict:
        if doc.html is None:
            return Verdict.keep(doc)
        html = doc.html
        html_chars = len(html)
        if self.params.reject_truncated and doc.meta.get("warc_truncated"):
            return Verdict.reject("truncated", html_chars=html_chars, warc_truncated=doc.meta["warc_truncated"])
        if html_chars > self.params.max_html_chars:
            return Verdict.reject("html_too_large", html_chars=html_chars)
        kind = binary_kind(html)
        if kind is not None:  # an image or archive served as text/html: nothing to extract
            return Verdict.reject("binary", html_chars=html_chars, binary_kind=kind)
        url = doc.meta.get("url") or doc.origin
        url = url if url.startswith(("http://", "https://")) else None
        started = time.perf_counter()
        meta = {}
        try:
            with time_budget(self.params.time_budget_seconds):
                page = self._qa_page(html, url)
                if page is not None:
                    text = page.text.strip()
                    meta = {"extractor": "qa", "qa_site": page.site, "qa_answers": len(page.answers)}
                else:
                    extraction = extract_body(html, url, self.params.method, self._config,
                                              second_opinion_below=self.params.second_opinion_below)
                    text = extraction.text.strip()
                    meta = {"extractor": extraction.extractor}
                    if extraction.formulas:
                        meta["formulas"] = extraction.formulas
        except BudgetExceeded:
            return Verdict.reject("timeout", html_chars=html_chars,
                                  seconds=round(time.perf_counter() - started, 3))
        if not text:
            return Verdict.reject("empty", html_chars=html_chars)
        if len(text) < self.params.min_chars:
            return Verdict.reject("too_short", chars=len(text), html_chars=html_chars)
        if self.params.with_metadata:
            meta.update(page_metadata(html))
        extracted = doc.with_text(text, **meta)
        if self.params.keep_html:
            extracted = dataclasses.replace(extracted, html=html)
        return Verdict.keep(extracted, chars=len(text), html_chars=html_chars)
