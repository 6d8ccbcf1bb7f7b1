"""Stage `pii`: personal data (and secrets in code) replaced by typed placeholders; dense documents rejected.

What is found: EMAIL_ADDRESS, PHONE_NUMBER, IP_ADDRESS, CREDIT_CARD, IBAN_CODE, US_SSN (presidio's
recognizers, offline, with the improvements in transforms/pii_detection/), and in documents of kind
"code" also private keys, cloud/API tokens and passwords in URLs. Each value becomes `<TYPE>`, and
meta["pii"] lists {"type", "start", "end"} with offsets into the text *before* replacement, so a
consumer can tell what was there without seeing it. A document with more than
`max_spans_per_1000_chars` found values (short documents counted as 1,000 characters, see
spans.spans_per_1000_chars) is a contact list or a dump rather than prose, and is rejected as
`too_dense`. Measurements: the number of spans, the count per type, the density, and how many
characters presidio read (0 when the pre-filter found nothing to look at).
"""
from __future__ import annotations

import dataclasses
from collections import Counter
from typing import Tuple

from transforms.document import Document
from transforms.params import param
from transforms.pii_detection.entities import PII_ENTITIES
from transforms.pii_detection.spans import redact, spans_per_1000_chars
from transforms.stage import Stage, Verdict


@dataclasses.dataclass(frozen=True)
class PiiParams:
    entities: Tuple[str, ...] = param(PII_ENTITIES, choices=PII_ENTITIES, help="personal data types to replace")
    min_score: float = param(0.4, ge=0.0, le=1.0,
                             help="presidio score a value needs: 0.4 is a validated phone number, or a "
                                  "weak pattern (SSN digits, a phone-shaped number) with a context word")
    max_spans_per_1000_chars: float = param(5.0, gt=0.0,
                                            help="more found values than this per 1,000 characters "
                                                 "(short documents count as 1,000) is rejected as too_dense")
    secrets_in_code: bool = param(True, help="also replace keys, tokens and URL passwords in kind=code documents")
    prefilter: bool = param(True, help="skip documents with no candidate characters; off: presidio reads everything")
    windows: bool = param(True, help="with prefilter: presidio reads only the windows around candidates "
                                     "(same results as the whole text, fewer characters)")


class Pii(Stage):
    name = "pii"
    Params = PiiParams

    def setup(self):
        # Presidio and its recognizers are built once per DoFn instance, never per document.
        from transforms.pii_detection.analyzer import PiiDetector

        p = self.params
        self._detector = PiiDetector(entities=p.entities, secrets=p.secrets_in_code, min_score=p.min_score,
                                     prefilter=p.prefilter, windows=p.windows)

    def judge(self, doc: Document) -> Verdict:
        text = doc.text
        detection = self._detector.detect(text, code=doc.kind == "code")
        spans = detection.spans
        density = spans_per_1000_chars(len(spans), len(text))
        measured = {"spans": len(spans), "spans_per_1000_chars": density, "scanned_chars": detection.scanned_chars,
                    **dict(sorted(Counter(span.type for span in spans).items()))}
        if density > self.params.max_spans_per_1000_chars:
            return Verdict.reject("too_dense", **measured)
        if not spans:
            return Verdict.keep(doc, **measured)
        return Verdict.keep(doc.with_text(redact(text, spans), pii=[span.as_record() for span in spans]), **measured)
