"""Cheap page metadata from the raw HTML: title, language hint, publication date.

Regular expressions over the page (C speed) rather than a parse: this runs on every page, and
trafilatura's full metadata pass (htmldate, JSON-LD, author heuristics) halves extraction throughput.
Only unambiguous, machine-written fields are read; anything else is left out rather than guessed.
"""
from __future__ import annotations

import html as html_entities
import re
from typing import Dict, Optional

_TITLE = re.compile(r"<title[^>]*>(.*?)</title\s*>", re.I | re.S)
_OG_TITLE = re.compile(r"<meta[^>]+property=[\"']og:title[\"'][^>]*content=[\"']([^\"']+)", re.I)
_HTML_LANG = re.compile(r"<html\b[^>]*?\blang=[\"']?([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*)", re.I)
_META_LANG = re.compile(r"<meta[^>]+http-equiv=[\"']content-language[\"'][^>]*content=[\"']([A-Za-z-]{2,})", re.I)
_OG_LOCALE = re.compile(r"<meta[^>]+property=[\"']og:locale[\"'][^>]*content=[\"']([A-Za-z_-]{2,})", re.I)
_DATE_SOURCES = (
    re.compile(r"<meta[^>]+(?:property|name|itemprop)=[\"'](?:article:published_time|datePublished|"
               r"pubdate|publishdate|date|dc\.date|dcterms\.created|sailthru\.date)[\"'][^>]*content=[\"']([^\"']+)", re.I),
    re.compile(r"<meta[^>]+content=[\"']([^\"']+)[\"'][^>]*(?:property|name|itemprop)=[\"'](?:article:published_time|"
               r"datePublished)[\"']", re.I),
    re.compile(r"\"datePublished\"\s*:\s*\"([^\"]+)\""),
    re.compile(r"<time[^>]+datetime=[\"']([^\"']+)", re.I),
)
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def page_title(html: str) -> Optional[str]:
    match = _TITLE.search(html) or _OG_TITLE.search(html)
    if not match:
        return None
    title = " ".join(html_entities.unescape(match.group(1)).split())
    return title or None


def language_hint(html: str) -> Optional[str]:
    """The language the page declares (<html lang>, Content-Language, og:locale), lower-cased primary
    subtag. A hint only: the langid stage decides."""
    for pattern in (_HTML_LANG, _META_LANG, _OG_LOCALE):
        match = pattern.search(html)
        if match:
            return re.split(r"[-_]", match.group(1))[0].lower()
    return None


def publication_date(html: str) -> Optional[str]:
    """YYYY-MM-DD from the first machine-readable publication date, or None."""
    for pattern in _DATE_SOURCES:
        match = pattern.search(html)
        if match:
            iso = _ISO_DATE.search(match.group(1))
            if iso and 1990 <= int(iso.group(1)) <= 2100 and 1 <= int(iso.group(2)) <= 12 and 1 <= int(iso.group(3)) <= 31:
                return iso.group(0)
    return None


def page_metadata(html: str) -> Dict[str, str]:
    found = {"title": page_title(html), "html_lang": language_hint(html), "date": publication_date(html)}
    return {key: value for key, value in found.items() if value}
