"""Stage `extract`: HTML -> main text with trafilatura (boilerplate, navigation and comments removed).

Documents that arrive as clean text (no `html`) pass through untouched, so a source can mix WARC
pages and pre-extracted JSONL rows.
"""
from __future__ import annotations

import dataclasses
from typing import Optional

from transforms.document import Document
from transforms.params import param
from transforms.stage import Stage, Verdict


@dataclasses.dataclass(frozen=True)
class ExtractParams:
    fast: bool = param(True, help="skip trafilatura's fallback extractors (about 2x faster)")
    favor_precision: bool = param(True, help="prefer dropping borderline boilerplate over keeping it")
    include_tables: bool = param(True)
    include_comments: bool = param(False, help="user comment sections are not body text")
    with_metadata: bool = param(False, help="title and publication date into meta (halves throughput)")
    min_chars: int = param(50, ge=0, help="shorter extractions are rejected as too_short")
    max_html_chars: int = param(5_000_000, ge=1, help="larger pages are rejected before parsing")


def trafilatura_config():
    """trafilatura's default config with its signal-based timeout off: Beam runs DoFns off the main
    thread, where signal.alarm raises."""
    from trafilatura.settings import use_config

    config = use_config()
    config.set("DEFAULT", "EXTRACTION_TIMEOUT", "0")
    return config


def extract_main_text(html: str, url: Optional[str], params: ExtractParams, config=None) -> Optional[dict]:
    """Pure: HTML -> {'text', 'title', 'date'} or None when no main text was found."""
    import trafilatura

    result = trafilatura.bare_extraction(
        html,
        url=url,
        fast=params.fast,
        favor_precision=params.favor_precision,
        include_tables=params.include_tables,
        include_comments=params.include_comments,
        with_metadata=params.with_metadata,
        config=config or trafilatura_config(),
    )
    if result is None or not result.text:
        return None
    return {
        "text": result.text,
        "title": result.title,
        "date": result.date,
    }


class Extract(Stage):
    name = "extract"
    Params = ExtractParams
    needs_text = False

    def setup(self):
        self._config = trafilatura_config()

    def judge(self, doc: Document) -> Verdict:
        if doc.html is None:
            return Verdict.keep(doc)
        html_chars = len(doc.html)
        if html_chars > self.params.max_html_chars:
            return Verdict.reject("html_too_large", html_chars=html_chars)
        url = doc.origin if doc.origin.startswith(("http://", "https://")) else None
        extracted = extract_main_text(doc.html, url, self.params, self._config)
        if extracted is None:
            return Verdict.reject("no_content", html_chars=html_chars)
        text = extracted.pop("text")
        if len(text) < self.params.min_chars:
            return Verdict.reject("too_short", chars=len(text), html_chars=html_chars)
        meta = {k: v for k, v in extracted.items() if v}
        new_doc = doc.with_text(text, extractor="trafilatura", **meta)
        return Verdict.keep(new_doc, chars=len(text), html_chars=html_chars)
