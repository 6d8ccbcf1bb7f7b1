"""Bytes of a web page to text: the HTTP charset, then <meta charset>, then detection.

Undecodable bytes never raise: the last resort is UTF-8 with replacement characters, and the
encoding actually used is returned so it can be recorded in the document's metadata.
"""
from __future__ import annotations

import codecs
import re
from typing import Optional, Tuple

import charset_normalizer

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.IGNORECASE)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_\-:.]+)", re.IGNORECASE)
_SNIFF_BYTES = 4096
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def charset_from_content_type(content_type: Optional[str]) -> Optional[str]:
    if not content_type:
        return None
    match = _HEADER_CHARSET.search(content_type)
    return match.group(1) if match else None


def _normalise(encoding: Optional[str]) -> Optional[str]:
    if not encoding:
        return None
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        return None
    # Browsers treat latin-1 labels as windows-1252 (WHATWG encoding standard); so do we.
    return "cp1252" if name in ("latin-1", "iso8859-1", "ascii") else name


def decode_html(data: bytes, declared_charset: Optional[str] = None) -> Tuple[str, str]:
    """Decode page bytes; returns (text, encoding used)."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace"), encoding
    candidates = [_normalise(declared_charset)]
    meta = _META_CHARSET.search(data[:_SNIFF_BYTES])
    if meta:
        declared_in_page = _normalise(meta.group(1).decode("ascii", "ignore"))
        # WHATWG: a UTF-16/32 label found by an ASCII-compatible sniff means UTF-8 (a real UTF-16
        # page could not have been sniffed as ASCII; it announces itself with a BOM).
        if declared_in_page and declared_in_page.startswith(("utf-16", "utf-32", "utf_16", "utf_32")):
            declared_in_page = "utf-8"
        candidates.append(declared_in_page)
    candidates.append("utf-8")
    for encoding in candidates:
        if encoding:
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError:
                continue
    best = charset_normalizer.from_bytes(data).best()
    if best is not None and best.encoding:
        return str(best), best.encoding
    return data.decode("utf-8", errors="replace"), "utf-8-replace"
