"""Which reader a file needs, from its name, and how a file is named in ids and origins."""
from __future__ import annotations

import posixpath
import re
from typing import Optional

# Longest suffixes first so ".warc.gz" wins over ".gz".
_SUFFIXES = (
    ("warc", (".warc.gz", ".warc", ".arc.gz", ".arc", ".wet.gz", ".wet")),
    ("jsonl", (".jsonl.gz", ".jsonl.zst", ".jsonl.bz2", ".jsonl", ".json.gz", ".json.zst", ".ndjson", ".ndjson.gz")),
    ("parquet", (".parquet",)),
    ("html", (".html.gz", ".htm.gz", ".html", ".htm", ".xhtml")),
    ("text", (".txt.gz", ".txt", ".md")),
)
FORMATS = tuple(name for name, _ in _SUFFIXES)
_GLOB_CHARS = re.compile(r"[*?\[]")


def detect_format(path: str) -> Optional[str]:
    """The reader for `path` by its extension (case-insensitive), or None if unknown."""
    lower = path.lower()
    for name, suffixes in _SUFFIXES:
        if lower.endswith(suffixes):
            return name
    return None


def glob_base(pattern: str) -> str:
    """The directory part of a glob before its first wildcard: 'data/*/x.gz' -> 'data'."""
    match = _GLOB_CHARS.search(pattern)
    head = pattern if match is None else pattern[: match.start()]
    if match is None:
        return posixpath.dirname(head.rstrip("/"))
    return head if head.endswith("/") else posixpath.dirname(head)


def relative_locator(path: str, pattern: str) -> str:
    """`path` relative to the glob's base, so ids do not change when a crawl moves to gs://."""
    base = glob_base(pattern).rstrip("/")
    if base and path.startswith(base + "/"):
        return path[len(base) + 1 :]
    return posixpath.basename(path)
