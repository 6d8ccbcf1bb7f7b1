"""Is this "HTML" really a picture? Crawls hold images, PDFs and archives served as text/html.

Decoding never fails (bad bytes become U+FFFD), so a JPEG labelled text/html arrives as a string of
replacement characters and NULs; parsing it wastes time and its "text" is noise. Markup never holds
NUL, and real pages in a wrongly guessed charset have a few U+FFFD, not a quarter of the page.
"""
from __future__ import annotations

from typing import Optional

SNIFF_CHARS = 2048  # enough for any file signature and a sample of the bytes after it
MAX_REPLACEMENT_SHARE = 0.1  # real pages mis-decoded as UTF-8 stay well under this (accents only)
SIGNATURES = (  # magic numbers as they read after a lossy UTF-8 decode (a file starts with them)
    ("\ufffdPNG\r\n\x1a\n", "png"), ("GIF87a", "gif"), ("GIF89a", "gif"), ("%PDF-", "pdf"),
    ("PK\x03\x04", "zip"), ("\x1f\ufffd\x08", "gzip"), ("RIFF", "riff"), ("wOFF", "woff"), ("wOF2", "woff2"),
)


def binary_kind(html: str) -> Optional[str]:
    """The kind of binary file this decoded payload is ("jpeg", "png", ..., "binary"), or None for text."""
    head = html[:SNIFF_CHARS]
    for signature, kind in SIGNATURES:
        if head.startswith(signature):
            return kind
    if head.startswith("\ufffd\ufffd\ufffd") and ("JFIF" in head[:16] or "Exif" in head[:16]):
        return "jpeg"
    if "\x00" in head:
        return "binary"
    if head and head.count("\ufffd") / len(head) > MAX_REPLACEMENT_SHARE:
        return "binary"
    return None
