"""The licence of a whole repository, from its files: licence files first, SPDX headers after.

Evidence, in order; the first kind that names a licence decides:

  1. root licence files: LICENSE, LICENCE, COPYING, UNLICENSE, COPYRIGHT in the repository's root,
     any case, bare or with a documentation extension (.md .txt .rst ...) or a suffix (LICENSE-MIT,
     LICENSE.APACHE2, COPYING.LESSER, MIT-LICENSE). Each is matched by detect_license_text. A root
     file that matches nothing (a contribution policy in COPYING.md, a file we cannot read) is kept as
     evidence but decides nothing while another root file names a licence.
  2. other licence files outside vendored folders: docs/license.rst, REUSE's LICENSES/<id>.txt ...
     (pallets/itsdangerous's docs/license.rst only includes ../LICENSE.txt, and is not needed).
  3. `SPDX-License-Identifier:` headers of all files (spdx.py); an invalid expression is evidence,
     not part of the answer.

Several licences found at one level are joined with AND: a repository with LICENSE-MIT and
LICENSE-APACHE is often "MIT OR Apache-2.0", but the files alone do not say OR, and AND never keeps
code whose licence is not allowed. A GNU licence found by its full text is reported `-or-later`
(references.py says why); when the repository's SPDX headers all name that licence with one suffix
(`GPL-3.0-only`), the headers' suffix is used.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Dict, List, Mapping, Optional, Tuple

from transforms.license_detection.matcher import detect_license_text
from transforms.license_detection.policy import licence_base
from transforms.license_detection.spdx import canonical_expression, licensing, spdx_identifiers

_DOC_EXTENSIONS = (".txt", ".md", ".markdown", ".mdown", ".mkd", ".rst", ".text", ".html", ".htm",
                   ".org", ".adoc", ".asciidoc")
# a licence word, optionally with a suffix naming the licence, or a licence name in front of it
_LICENSE_NAME = re.compile(
    r"(?:(?:un)?licen[cs]es?|copying|copyright)(?:[-_.][a-z0-9.+_-]{1,24})?"
    r"|[a-z0-9.+_-]{1,24}[-_.](?:licen[cs]e|copying)"
)
# a "suffix" that is a source or data file's extension: license.py, copyright.go, licenses.json
_CODE_EXTENSIONS = frozenset({
    "py", "pyc", "js", "mjs", "ts", "tsx", "jsx", "go", "rs", "java", "kt", "scala", "rb", "php",
    "c", "h", "cc", "cpp", "hpp", "cs", "swift", "m", "mm", "pl", "pm", "lua", "sh", "ps1", "sql",
    "json", "yaml", "yml", "toml", "xml", "ini", "cfg", "css", "scss", "vue", "svg", "png", "lock",
})
_VENDORED = frozenset({"node_modules", "vendor", "vendored", "third_party", "third-party",
                       "thirdparty", "3rdparty", "external", "extern", "deps", "site-packages"})
_GNU_FAMILIES = ("gpl-", "lgpl-", "agpl-", "gfdl-")


@dataclass(frozen=True)
class Evidence:
    path: str                 # the file (for headers: the first file carrying that expression)
    spdx_id: Optional[str]    # the licence id, or a header's expression; None when unrecognised
    score: float              # a licence file's similarity (0..1); 1.0 for a header
    method: str               # "text", "notice", "spdx_header", or why spdx_id is None
    files: int = 1            # for a header: how many files carry that expression


@dataclass(frozen=True)
class RepoLicense:
    expression: Optional[str]  # the repository's licence as an SPDX expression; None: unknown
    source: str                # "license_file", "other_license_file", "spdx_header" or "none"
    evidence: Tuple[Evidence, ...]


def is_license_file(path: str) -> bool:
    """Whether a file's name says it holds a licence (LICENSE, COPYING.md, LICENSE-MIT ...)."""
    name = path.rsplit("/", 1)[-1].lower()
    for extension in _DOC_EXTENSIONS:
        if name.endswith(extension):
            name = name[: -len(extension)]
            break
    if "." in name and name.rsplit(".", 1)[1] in _CODE_EXTENSIONS:
        return False
    return bool(_LICENSE_NAME.fullmatch(name))


def is_root_license_file(path: str) -> bool:
    return "/" not in path.strip("/") and is_license_file(path)


def _is_other_license_file(path: str) -> bool:
    parts = path.strip("/").split("/")
    if len(parts) < 2 or _VENDORED.intersection(part.lower() for part in parts[:-1]):
        return False
    in_reuse_folder = len(parts) == 2 and parts[0] == "LICENSES"
    return in_reuse_folder or is_license_file(path)


def _file_evidence(files: Mapping[str, str], paths: List[str]) -> List[Evidence]:
    evidence = []
    for path in paths:
        found = detect_license_text(files[path] or "")
        if found.spdx_id is None:
            evidence.append(Evidence(path, None, found.score, found.method))
        else:
            evidence.extend(Evidence(path, spdx_id, found.score, found.method) for spdx_id in found.ids)
    return evidence


def _header_evidence(files: Mapping[str, str]) -> List[Evidence]:
    first: Dict[Tuple[Optional[str], str], str] = {}
    counts: Dict[Tuple[Optional[str], str], int] = {}
    for path in sorted(files):
        for written in spdx_identifiers(files[path] or ""):
            canonical = canonical_expression(written)
            key = (canonical, written if canonical is None else canonical)  # invalid: as written
            first.setdefault(key, path)
            counts[key] = counts.get(key, 0) + 1
    return [Evidence(first[key], key[0], 1.0, "spdx_header" if key[0] else "invalid_spdx_header", counts[key])
            for key in first]


def _and(expressions: List[str]) -> str:
    unique = sorted(set(expressions))
    if len(unique) == 1:
        return unique[0]
    return canonical_expression(" AND ".join(f"({e})" for e in unique)) or " AND ".join(unique)


def _gnu_suffix_from_headers(spdx_id: str, headers: List[Evidence]) -> str:
    """A GNU licence found by its text, with the -only/-or-later its repository's headers agree on."""
    base = licence_base(spdx_id)
    named = {key for header in headers if header.spdx_id
             for key in licensing().license_keys(header.spdx_id) if licence_base(key) == base}
    return named.pop() if len(named) == 1 else spdx_id


def detect_repo_license(files: Mapping[str, str]) -> RepoLicense:
    """The licence of one repository, from {repo-relative path: file text} (module docstring)."""
    evidence: List[Evidence] = []
    levels = (("license_file", sorted(p for p in files if is_root_license_file(p))),
              ("other_license_file", sorted(p for p in files if _is_other_license_file(p))))
    for source, paths in levels:
        found = _file_evidence(files, paths)
        evidence.extend(found)
        if not any(e.spdx_id for e in found):
            continue
        gnu_texts = [e for e in found if e.method == "text" and e.spdx_id.lower().startswith(_GNU_FAMILIES)]
        headers = _header_evidence(files) if gnu_texts else []
        evidence.extend(headers)
        ids = [_gnu_suffix_from_headers(e.spdx_id, headers) if e in gnu_texts else e.spdx_id
               for e in found if e.spdx_id]
        return RepoLicense(_and(ids), source, tuple(evidence))
    headers = _header_evidence(files)
    evidence.extend(headers)
    expressions = [e.spdx_id for e in headers if e.spdx_id]
    if expressions:
        return RepoLicense(_and(expressions), "spdx_header", tuple(evidence))
    return RepoLicense(None, "none", tuple(evidence))
