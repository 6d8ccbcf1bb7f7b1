"""Stage `code_quality`: which code files are worth training on (Codex / The Stack / StarCoder rules).

Two decisions per file, in this order:
  other_language      the file's language (meta.language, from the reader; detected here if absent)
                      is not one the run keeps: by default the 14 of transforms/code_rules/languages
                      (the report's Swift, Python, C, Objective-C, C++, JavaScript, Java, Go, and
                      TypeScript, Kotlin, Rust, C#, Ruby, Shell); measurements name the language
  <rule>              the first failing rule of transforms/code_rules/quality.py (too_large,
                      auto_generated, data_blob, max_line_length, mean_line_length,
                      low_alphanumeric, non_ascii ...), with every measurement
Thresholds are StarCoder's, overridable per language (`per_language: {Python: {max_line_length: 120}}`).
"""
from __future__ import annotations

import dataclasses
from typing import Optional, Tuple

from transforms.code_rules.languages import CODE_LANGUAGES, detect_language
from transforms.code_rules.quality import CodeQualityParams, code_quality
from transforms.document import Document
from transforms.params import param
from transforms.stage import Stage, Verdict


@dataclasses.dataclass(frozen=True)
class CodeQualityStageParams(CodeQualityParams):
    languages: Optional[Tuple[str, ...]] = param(
        tuple(sorted(CODE_LANGUAGES)), help="linguist names of the languages kept (e.g. add Markdown); "
                                            "null: every file, whatever its language")


class CodeQuality(Stage):
    name = "code_quality"
    Params = CodeQualityStageParams

    def setup(self):
        self._languages = frozenset(self.params.languages) if self.params.languages is not None else None

    def judge(self, doc: Document) -> Verdict:
        from transforms.ingest.code_files import file_path

        language = doc.meta.get("language") or detect_language(file_path(doc), doc.text)
        if self._languages is not None and language not in self._languages:
            return Verdict.reject("other_language", language=language)
        result = code_quality(doc.text, language, self.params)
        if not result.kept:
            return Verdict.reject(result.reason, language=language, **result.measurements)
        return Verdict.keep(doc, **result.measurements)
