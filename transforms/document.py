"""The one record type that flows through every stage, and its Beam coder.

A Document is immutable: a stage that changes the text, the metadata or the scores builds a new one
with the `with_*` helpers (DESIGN.md: "stages never mutate their input element"). `meta` and `scores`
must stay JSON-serialisable because they are written to the output as JSON lines, and because the
coder below encodes a document as JSON (readable by any SDK, no pickle).
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
from typing import Any, Mapping, Optional

import apache_beam as beam

SOURCE_KINDS = ("web", "code", "math", "licensed", "public")


def make_document_id(source: str, locator: str) -> str:
    """A stable id from the source name and a locator that does not depend on where files live.

    The locator is a WARC-Record-ID, or a file path relative to the input glob plus a row number,
    so moving a crawl from a laptop to gs:// keeps every id.
    """
    digest = hashlib.blake2b(f"{source}\x00{locator}".encode("utf-8"), digest_size=12)
    return digest.hexdigest()


@dataclasses.dataclass(frozen=True)
class Document:
    id: str
    source: str  # the configured source's name: the unit of the manifest's counts and of docs/<source>/
    kind: str  # web, code, math, licensed or public: what kind of data the source holds
    origin: str  # URL for web pages, path for files, dataset locator for rows
    text: str = ""
    html: Optional[str] = None  # raw markup until `extract` turns it into text; None after
    meta: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    scores: Mapping[str, Any] = dataclasses.field(default_factory=dict)

    def with_text(self, text: str, **meta: Any) -> "Document":
        """A copy with new text, the raw HTML dropped, and extra metadata merged in."""
        return dataclasses.replace(self, text=text, html=None, meta={**self.meta, **meta})

    def with_meta(self, **meta: Any) -> "Document":
        return dataclasses.replace(self, meta={**self.meta, **meta})

    def with_scores(self, stage: str, measurements: Mapping[str, Any]) -> "Document":
        """A copy whose scores hold this stage's measurements under the stage's name."""
        if not measurements:
            return self
        merged = {**self.scores.get(stage, {}), **measurements}
        return dataclasses.replace(self, scores={**self.scores, stage: merged})

    def to_output_record(self) -> dict:
        """The JSON object written to OUT/docs/<source>/ (the output contract)."""
        return {
            "id": self.id,
            "source": self.source,
            "kind": self.kind,
            "origin": self.origin,
            "text": self.text,
            "meta": dict(self.meta),
            "scores": dict(self.scores),
        }

    def to_json_dict(self) -> dict:
        record = self.to_output_record()
        if self.html is not None:
            record["html"] = self.html
        return record

    @classmethod
    def from_json_dict(cls, record: Mapping[str, Any]) -> "Document":
        return cls(
            id=record["id"],
            source=record["source"],
            kind=record["kind"],
            origin=record["origin"],
            text=record.get("text", ""),
            html=record.get("html"),
            meta=record.get("meta") or {},
            scores=record.get("scores") or {},
        )


class DocumentCoder(beam.coders.Coder):
    """Encodes a Document as compact UTF-8 JSON: portable across workers and SDKs, no pickle."""

    def encode(self, value: Document) -> bytes:
        return json.dumps(value.to_json_dict(), ensure_ascii=False, separators=(",", ":")).encode("utf-8")

    def decode(self, encoded: bytes) -> Document:
        return Document.from_json_dict(json.loads(encoded))

    def to_type_hint(self):
        return Document


beam.coders.registry.register_coder(Document, DocumentCoder)
