"""Pure logic of the `license` stage: which licence a code repository is under, and whether to keep it.

No Beam here; transforms/license.py is the thin stage on top.

    normalize   licence text -> words, normalised as the SPDX matching guidelines say
    references  the 47 shipped licence texts (data/, choosealicense.com) and 7 standard notices
    matcher     detect_license_text: a LICENSE/COPYING file's text -> Detection (SPDX id or None)
    spdx        SPDX-License-Identifier headers of source files; expressions parsed and normalised
    repository  detect_repo_license: {path: text} of one repository -> RepoLicense (expression, evidence)
    policy      DEFAULT_ALLOWED (the report's permissive list) and is_allowed(expression, allowed)
"""
from transforms.license_detection.matcher import Detection, detect_license_text
from transforms.license_detection.policy import DEFAULT_ALLOWED, is_allowed
from transforms.license_detection.repository import (
    Evidence, RepoLicense, detect_repo_license, is_license_file, is_root_license_file,
)
from transforms.license_detection.spdx import canonical_expression, spdx_identifiers

__all__ = [
    "DEFAULT_ALLOWED", "Detection", "Evidence", "RepoLicense", "canonical_expression",
    "detect_license_text", "detect_repo_license", "is_allowed", "is_license_file",
    "is_root_license_file", "spdx_identifiers",
]
