"""Stage `license`: every document kept carries a licence it may be trained under, never a guess.

Where a document's licence comes from, most specific first:
- code: the file's own `SPDX-License-Identifier` header; then its repository's licence, detected from
  the repository's LICENSE/COPYING files and headers (transforms/license_detection: the 47 reference
  texts, a measured matcher) by a per-repository pass before judging; then what a dump declares
  (`repo_license_spdx`, `license` ... columns);
- other kinds: what the document's row declares (`license`, `license_spdx` ... columns), then the
  source's `license:` declaration in the config (copied into meta by pipeline/config.py).

Rejections:
  no_license           nothing declares or shows a licence
  unknown_license      code whose licence files match no reference text well enough
  not_allowed:<id>     a licence off the allow list: for code by default the report's permissive
                       list (MIT, Apache, BSD, CC0, CC-BY, Unlicense, ISC, Artistic); for other
                       kinds any declared licence unless `allow` is set

Licensed sources must run this stage (pipeline/config.py enforces it). What was found, and from
where, is kept in scores.license (license, license_from, evidence).
"""
from __future__ import annotations

import dataclasses
from typing import Any, Iterable, Mapping, Optional, Tuple

import apache_beam as beam

from transforms.document import Document
from transforms.params import param
from transforms.stage import Stage, Verdict

STAGE = "license"
# Meta keys that hold a document's declared licence, most specific first; the first non-empty counts.
LICENSE_KEYS = ("license", "license_spdx", "repo_license_spdx", "spdx")
UNDECLARED_LICENSE = "undeclared"  # how counts name documents without one (sources not running this stage)
MAX_EVIDENCE = 3  # licence files named in a document's scores


def document_license(meta: Mapping[str, Any]) -> Optional[str]:
    """The licence a document declares in its meta, or None."""
    for key in LICENSE_KEYS:
        value = meta.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def repository_key(meta: Mapping[str, Any]) -> Optional[str]:
    """One repository at one revision (repository readers: repo/revision; dumps: repo/commit)."""
    repo = meta.get("repo") or meta.get("max_stars_repo_name")
    if not repo:
        return None
    revision = meta.get("revision") or meta.get("commit") or meta.get("max_stars_repo_head_hexsha") or ""
    return f"{repo}@{revision}"


def _has_spdx_header(text: str) -> bool:
    return "SPDX-License-Identifier" in text[:8000]


def is_licence_evidence(path: str, text: str) -> bool:
    """Whether the repository pass needs this file: a licence file, or a file with an SPDX header."""
    from transforms.license_detection import is_license_file

    return is_license_file(path) or _has_spdx_header(text)


def repository_licence(files: Mapping[str, str]) -> dict:
    """{path: text} of one repository's evidence files -> what scores.license.repository holds."""
    from transforms.license_detection import detect_repo_license

    found = detect_repo_license(files)
    return {
        "expression": found.expression,
        "from": found.source,
        "evidence": [{"path": e.path, "license": e.spdx_id, "score": round(e.score, 3), "method": e.method}
                     for e in found.evidence[:MAX_EVIDENCE]],
    }


def file_header_licence(text: str) -> Optional[str]:
    """A file's own SPDX header as one expression (several headers: all of them apply)."""
    if not _has_spdx_header(text):
        return None
    from transforms.license_detection import spdx_identifiers

    found = spdx_identifiers(text)
    if not found:
        return None
    return found[0] if len(found) == 1 else " AND ".join(f"({e})" for e in found)


def code_licence(doc: Document) -> Tuple[Optional[str], str, Optional[list]]:
    """(licence, where it came from, evidence) for a code file; licence None when nothing shows one."""
    header = file_header_licence(doc.text)
    if header:
        return header, "file_header", None
    repository = (doc.scores.get(STAGE) or {}).get("repository")
    if repository and repository["expression"]:
        return repository["expression"], repository["from"], repository["evidence"]
    declared = document_license(doc.meta)
    if declared:
        return declared, "declared", None
    if repository and repository["evidence"]:
        return None, "unrecognised_license_file", repository["evidence"]
    return None, "none", None


def is_licence_allowed(licence: str, kind: str, allow: Optional[Tuple[str, ...]]) -> bool:
    """Code licences are SPDX expressions (OR: one allowed branch suffices; AND: every part must be
    allowed); other kinds may name a publisher's licence, compared as a name."""
    if kind == "code":
        from transforms.license_detection import DEFAULT_ALLOWED, is_allowed

        return is_allowed(licence, DEFAULT_ALLOWED if allow is None else allow)
    return allow is None or licence.casefold() in {entry.casefold() for entry in allow}


@dataclasses.dataclass(frozen=True)
class LicenseParams:
    allow: Optional[Tuple[str, ...]] = param(
        None, help="licences a document may carry (code: SPDX ids, expressions handled; other kinds: "
                   "SPDX ids or publisher licence names, case-insensitive); null: code the report's "
                   "permissive list, other kinds any declared licence")
    detect: bool = param(True, help="code: detect each repository's licence from its LICENSE/COPYING "
                                    "files and SPDX headers (a per-repository pass); false: declared only")


class AttachRepositoryLicences(beam.PTransform):
    """Code documents of a repository get scores.license.repository: the licence its licence files
    and SPDX headers show. Only those files travel to the per-repository step; every document is
    joined back by its repository key (CoGroupByKey: no repository list is held in memory)."""

    def expand(self, docs):
        parts = docs | "ByRepository" >> beam.Partition(
            lambda doc, n: 0 if doc.kind == "code" and repository_key(doc.meta) else 1, 2)
        in_repositories, others = parts[0], parts[1]
        keyed = in_repositories | "KeyByRepository" >> beam.Map(lambda doc: (repository_key(doc.meta), doc))
        licences = (
            in_repositories
            | "EvidenceFiles" >> beam.FlatMap(_evidence)
            | "GroupEvidence" >> beam.GroupByKey()
            | "DetectRepositoryLicence" >> beam.MapTuple(lambda key, files: (key, repository_licence(dict(files))))
        )
        attached = (
            {"docs": keyed, "licence": licences}
            | "JoinLicence" >> beam.CoGroupByKey()
            | "Attach" >> beam.FlatMap(_attach)
        )
        return (attached, others) | "AllDocuments" >> beam.Flatten()


def _evidence(doc: Document) -> Iterable[Tuple[str, Tuple[str, str]]]:
    from transforms.ingest.code_files import file_path

    path = file_path(doc)
    if is_licence_evidence(path, doc.text):
        yield repository_key(doc.meta), (path, doc.text)


def _attach(element) -> Iterable[Document]:
    _, grouped = element
    licences = list(grouped["licence"])
    repository = licences[0] if licences else {"expression": None, "from": "none", "evidence": []}
    for doc in grouped["docs"]:
        yield doc.with_scores(STAGE, {"repository": repository})


class License(Stage):
    name = STAGE
    Params = LicenseParams
    needs_text = False  # judges meta (and code's text): runs the same on pages not yet extracted

    def before_judging(self) -> Optional[beam.PTransform]:
        return AttachRepositoryLicences() if self.params.detect else None

    def judge(self, doc: Document) -> Verdict:
        if doc.kind == "code" and self.params.detect:
            licence, origin, evidence = code_licence(doc)
        else:
            licence, origin, evidence = document_license(doc.meta), "declared", None
        found = {"license": licence, "license_from": origin}
        if evidence:
            found["evidence"] = evidence
        if licence is None:
            reason = "unknown_license" if origin == "unrecognised_license_file" else "no_license"
            return Verdict.reject(reason, **found)
        if not is_licence_allowed(licence, doc.kind, self.params.allow):
            return Verdict.reject(f"not_allowed:{licence}", **found)
        kept = doc.with_meta(license=licence) if licence != doc.meta.get("license") else doc
        return Verdict.keep(kept, **found)
