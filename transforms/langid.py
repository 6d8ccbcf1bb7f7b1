"""Stage `langid`: the document's language into meta.language, with the model's confidence.

Rejects documents below `min_confidence` and, when `languages` is set, documents in other languages.
"""
from __future__ import annotations

import dataclasses
from typing import Optional, Tuple

from transforms.document import Document
from transforms.params import param
from transforms.stage import Stage, Verdict


@dataclasses.dataclass(frozen=True)
class LangIdParams:
    model_path: Optional[str] = param(None, help="a fastText LID model; default: the shipped lid.176.ftz")
    languages: Optional[Tuple[str, ...]] = param(None, help="ISO codes to keep; null keeps every language")
    min_confidence: float = param(0.5, ge=0.0, le=1.0, help="lower-confidence documents are rejected")
    max_chars: int = param(10_000, ge=100, help="characters of the document the model reads")


class LanguageId(Stage):
    name = "langid"
    Params = LangIdParams

    def setup(self):
        from classifiers.langid import LanguageIdentifier

        self._identifier = LanguageIdentifier(self.params.model_path, self.params.max_chars)

    def judge(self, doc: Document) -> Verdict:
        language, confidence = self._identifier.identify(doc.text)
        confidence = round(confidence, 4)
        if confidence < self.params.min_confidence:
            return Verdict.reject("low_confidence", language=language, confidence=confidence)
        if self.params.languages is not None and language not in self.params.languages:
            return Verdict.reject("language_not_allowed", language=language, confidence=confidence)
        return Verdict.keep(doc.with_meta(language=language), language=language, confidence=confidence)
