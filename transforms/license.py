"""Stage `license`: every document kept carries a licence it may be trained under, never a guess.

Where a document's licence comes from:
- a source's declaration in the config (`license: {id, publisher, training_stages}`: an SPDX id or a
  publisher's licence name), which pipeline/config.py copies into every document's meta;
- the document itself: a row's own `license` column (or `license_spdx`, `repo_license_spdx`,
  `spdx`, as datasets name it), which wins over the source's declaration because it is more specific.

Rejections:
  no_license           nothing declares a licence for this document (a licensed source whose
                       declaration leaves the licence to each row, and a row without one)
  not_allowed:<id>     `allow` is set and the document's licence is not on it

Licensed sources must run this stage (pipeline/config.py enforces it).
"""
from __future__ import annotations

import dataclasses
from typing import Any, Mapping, Optional, Tuple

from transforms.document import Document
from transforms.params import param
from transforms.stage import Stage, Verdict

# Meta keys that hold a document's licence, most specific first; the first non-empty one counts.
LICENSE_KEYS = ("license", "license_spdx", "repo_license_spdx", "spdx")
UNDECLARED_LICENSE = "undeclared"  # how counts name documents without one (sources not running this stage)


def document_license(meta: Mapping[str, Any]) -> Optional[str]:
    """The licence a document declares in its meta, or None."""
    for key in LICENSE_KEYS:
        value = meta.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def judge_license(meta: Mapping[str, Any], allow: Optional[Tuple[str, ...]]) -> Tuple[Optional[str], Optional[str]]:
    """(licence, rejection reason or None) for a document's meta under an allow-list (None: any)."""
    licence = document_license(meta)
    if licence is None:
        return None, "no_license"
    if allow is not None and licence.casefold() not in {entry.casefold() for entry in allow}:
        return licence, f"not_allowed:{licence}"
    return licence, None


@dataclasses.dataclass(frozen=True)
class LicenseParams:
    allow: Optional[Tuple[str, ...]] = param(
        None, help="licences (SPDX ids or publisher licence names, case-insensitive) a document may "
                   "carry; null: any declared licence")


class License(Stage):
    name = "license"
    Params = LicenseParams
    needs_text = False  # judges meta only: runs the same on pages not yet extracted

    def judge(self, doc: Document) -> Verdict:
        licence, reason = judge_license(doc.meta, self.params.allow)
        if reason is not None:
            return Verdict.reject(reason, license=licence)
        return Verdict.keep(doc, license=licence)
