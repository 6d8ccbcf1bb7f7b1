"""Stage `exact_dedup`: one document per normalised-content hash, across every participating source.

Normalisation folds case and collapses whitespace (so re-wrapped or re-cased copies match) and keeps
punctuation and digits (so different numbers in a template stay different). The survivor of a group
is the document with the smallest (id, source, origin): deterministic whatever order the runner
delivers the group in, even when two inputs gave the same id.
The group is streamed, never materialised, so a page copied a million times costs O(1) memory.
"""
from __future__ import annotations

import hashlib
from typing import Iterable, Optional

import apache_beam as beam

from transforms.document import Document
from transforms.stage import ERRORS, KEPT, REJECTED, StageCounters, StageOutputs, error_record, rejection_record

STAGE = "exact_dedup"


def normalize_for_exact_match(text: str) -> str:
    return " ".join(text.lower().split())


def content_hash(text: str) -> str:
    return hashlib.blake2b(normalize_for_exact_match(text).encode("utf-8"), digest_size=16).hexdigest()


def _rank(doc: Document) -> tuple:
    return (doc.id, doc.source, doc.origin)


def pick_survivor(docs: Iterable[Document]):
    """Yield ('kept', doc) once and ('rejected', doc) for every other doc, streaming.

    Whenever a smaller id arrives, the previous best is rejected; the group is read once.
    """
    best: Optional[Document] = None
    group_size = 0
    for doc in docs:
        group_size += 1
        if best is None:
            best = doc
        elif _rank(doc) < _rank(best):
            yield REJECTED, best
            best = doc
        else:
            yield REJECTED, doc
    if best is not None:
        yield KEPT, best.with_scores(STAGE, {"copies": group_size})


class _KeyByHash(beam.DoFn):
    def setup(self):
        self.counters = StageCounters(STAGE)

    def process(self, doc: Document):
        self.counters.inc(doc.source, "in")
        try:
            # A row whose HTML was never extracted has no text yet: its markup is its content.
            yield content_hash(doc.text or doc.html or ""), doc
        except Exception as error:
            self.counters.inc(doc.source, "errors")
            yield beam.pvalue.TaggedOutput(ERRORS, error_record(STAGE, doc.source, doc.origin, error, doc.id))


class _KeepOnePerHash(beam.DoFn):
    def setup(self):
        self.counters = StageCounters(STAGE)

    def process(self, element):
        digest, docs = element
        for outcome, doc in pick_survivor(docs):
            if outcome == KEPT:
                self.counters.inc(doc.source, "kept")
                yield doc
            else:
                self.counters.inc(doc.source, "rejected:duplicate")
                yield beam.pvalue.TaggedOutput(
                    REJECTED, rejection_record(doc, STAGE, "duplicate", {"content_hash": digest})
                )


class ExactDedup(beam.PTransform):
    """PCollection[Document] -> StageOutputs: the smallest-id copy of each normalised text survives."""

    def expand(self, docs):
        keyed = docs | "HashContent" >> beam.ParDo(_KeyByHash()).with_outputs(ERRORS, main="keyed")
        picked = (
            keyed["keyed"]
            | "GroupByContent" >> beam.GroupByKey()
            | "KeepOnePerContent" >> beam.ParDo(_KeepOnePerHash()).with_outputs(REJECTED, main=KEPT)
        )
        return StageOutputs(picked[KEPT], picked[REJECTED], keyed[ERRORS])
