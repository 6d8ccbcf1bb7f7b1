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
    # A repository: an archive here, or (with `format: repo`) a directory or git repository.
    ("repo", (".tar.gz", ".tgz", ".tar", ".tar.bz2", ".tbz2", ".tar.xz", ".txz", ".zip")),
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


def common_base(patterns) -> str:
    """The deepest directory above every glob of a source: a/*.jsonl and b/*.jsonl share '.'."""
    bases = [glob_base(p).rstrip("/") for p in patterns]
    if len(bases) == 1:
        return bases[0]
    parts = [b.split("/") for b in bases]
    shared = []
    for segments in zip(*parts):
        if len(set(segments)) != 1:
            break
        shared.append(segments[0])
    return "/".join(shared)


def relative_locator(path: str, base: str) -> str:
    """`path` relative to the source's base directory (see common_base), so ids do not change when
    a crawl moves to gs://, and two files of the same name in different folders stay apart."""
    base = base.rstrip("/")
    if base and path.startswith(base + "/"):
        return path[len(base) + 1 :]
    return path.lstrip("/") if not base else posixpath.basename(path)
