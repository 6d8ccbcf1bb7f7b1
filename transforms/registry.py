"""Every stage name in DESIGN.md's order, and which of them this version implements.

The order is the default flow: cheap per-document stages first, global shuffles in the middle,
tokenizing last. `scope` says how the DAG applies a stage: "document" stages run per source with
that source's parameters; "global" stages see the union of the sources that enable them, with one
set of parameters (dedup across sources needs one definition of a duplicate).
"""
from __future__ import annotations

import dataclasses
from typing import Callable, Dict

from transforms.code_quality import CodeQuality, CodeQualityStageParams
from transforms.decontaminate import Decontaminate, DecontaminateParams
from transforms.exact_dedup import ExactDedup
from transforms.extract import Extract, ExtractParams
from transforms.fuzzy_dedup import FuzzyDedup, FuzzyDedupParams
from transforms.langid import LangIdParams, LanguageId
from transforms.license import License, LicenseParams
from transforms.math_filter import MathFilter, MathFilterParams
from transforms.pii import Pii, PiiParams
from transforms.quality import Quality, QualityParams
from transforms.safety import Safety, SafetyParams
from transforms.shards import Tokenize
from transforms.tokenize import TokenizeParams
from transforms.url_filter import UrlFilter, UrlFilterParams

STAGE_ORDER = (
    "extract",
    "langid",
    "url_filter",
    "safety",
    # DESIGN.md lists pii before license; it runs after the cheap code and math filters instead
    # (its flow for code: license filter, code quality, then secrets/PII; and "expensive ones (PII)
    # after the volume has dropped"), so presidio never reads a GPL file or a page math_filter drops.
    "license",
    "code_quality",
    "math_filter",
    "pii",
    "exact_dedup",
    "fuzzy_dedup",
    "quality",
    "decontaminate",
    "tokenize",
)


@dataclasses.dataclass(frozen=True)
class NoParams:
    """For stages that have nothing to configure yet."""


@dataclasses.dataclass(frozen=True)
class StageSpec:
    name: str
    scope: str  # "document" or "global"
    Params: type
    build: Callable  # params -> Stage (document scope); (params, output_dir) -> PTransform (global scope)


STAGES: Dict[str, StageSpec] = {
    "extract": StageSpec("extract", "document", ExtractParams, Extract),
    "langid": StageSpec("langid", "document", LangIdParams, LanguageId),
    "url_filter": StageSpec("url_filter", "document", UrlFilterParams, UrlFilter),
    "safety": StageSpec("safety", "document", SafetyParams, Safety),
    "pii": StageSpec("pii", "document", PiiParams, Pii),
    "license": StageSpec("license", "document", LicenseParams, License),
    "code_quality": StageSpec("code_quality", "document", CodeQualityStageParams, CodeQuality),
    "math_filter": StageSpec("math_filter", "document", MathFilterParams, MathFilter),
    "exact_dedup": StageSpec("exact_dedup", "global", NoParams, lambda params, output_dir: ExactDedup()),
    "fuzzy_dedup": StageSpec("fuzzy_dedup", "global", FuzzyDedupParams, FuzzyDedup),
    "quality": StageSpec("quality", "document", QualityParams, Quality),
    "decontaminate": StageSpec("decontaminate", "global", DecontaminateParams, Decontaminate),
    "tokenize": StageSpec("tokenize", "global", TokenizeParams, Tokenize),
}

# What `winnow run --input` runs for each kind of source when --stages is not given.
DEFAULT_STAGES_BY_KIND = {
    "web": ("extract", "langid", "url_filter", "safety", "pii", "exact_dedup", "fuzzy_dedup", "quality", "decontaminate",
            "tokenize"),
    "math": ("extract", "langid", "url_filter", "math_filter", "pii", "exact_dedup", "fuzzy_dedup", "decontaminate", "tokenize"),
    "code": ("pii", "license", "code_quality", "exact_dedup", "fuzzy_dedup", "decontaminate", "tokenize"),
    "licensed": ("extract", "langid", "license", "exact_dedup", "fuzzy_dedup", "decontaminate", "tokenize"),
    "public": ("extract", "langid", "url_filter", "safety", "pii", "exact_dedup", "fuzzy_dedup", "quality", "decontaminate",
               "tokenize"),
}


def in_flow_order(names) -> list:
    return sorted(names, key=STAGE_ORDER.index)
