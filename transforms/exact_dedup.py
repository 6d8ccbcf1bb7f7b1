"""Stage `exact_dedup`: one document per normalised-content hash, across every participating source.

Normalisation folds case and collapses whitespace (so re-wrapped or re-cased copies match) and keeps
punctuation and digits (so different numbers in a template stay different). The survivor of a group
is the document with the smallest (id, source, origin): deterministic whatever order the runner
delivers documents in, even when two inputs gave the same id.

No group of documents is ever built: a combiner finds each hash's smallest rank and copy count from
small (rank) tuples (combined before the shuffle), and every document is then joined to that
decision by its own (hash, rank) key. A page copied a million times costs a million small tuples,
never a million documents in one worker's memory (portable Spark/Flink hand a group over whole).
"""
from __future__ import annotations

import hashlib

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


class FirstRankAndCount(beam.CombineFn):
    """(smallest rank, number of inputs) of one key: a content hash here, a cluster in fuzzy_dedup.
    Lifted: combined in parts before the shuffle, so a huge group is never held whole."""

    def create_accumulator(self):
        return (None, 0)

    def add_input(self, accumulator, rank):
        best, count = accumulator
        return (rank if best is None or rank < best else best, count + 1)

    def merge_accumulators(self, accumulators):
        best, count = None, 0
        for rank, n in accumulators:
            if rank is not None and (best is None or rank < best):
                best = rank
            count += n
        return (best, count)

    def extract_output(self, accumulator):
        return accumulator


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


class _Decide(beam.DoFn):
    """One (hash, rank) key: its documents (normally one) and, if it is its hash's survivor, the
    hash's copy count. The survivor's first document is kept; every other document is a duplicate."""

    def setup(self):
        self.counters = StageCounters(STAGE)

    def process(self, element):
        (digest, _), grouped = element
        copies = next(iter(grouped["survivor"]), None)
        for index, doc in enumerate(grouped["docs"]):
            if copies is not None and index == 0:
                self.counters.inc(doc.source, "kept")
                yield doc.with_scores(STAGE, {"copies": copies})
            else:
                self.counters.inc(doc.source, "rejected:duplicate")
                yield beam.pvalue.TaggedOutput(
                    REJECTED, rejection_record(doc, STAGE, "duplicate", {"content_hash": digest}))


class ExactDedup(beam.PTransform):
    """PCollection[Document] -> StageOutputs: the smallest-rank copy of each normalised text survives."""

    def expand(self, docs):
        keyed = docs | "HashContent" >> beam.ParDo(_KeyByHash()).with_outputs(ERRORS, main="keyed")
        survivors = (
            keyed["keyed"]
            | "RankOf" >> beam.MapTuple(lambda digest, doc: (digest, _rank(doc)))
            | "FirstRankPerContent" >> beam.CombinePerKey(FirstRankAndCount())
            | "KeySurvivor" >> beam.MapTuple(lambda digest, best: ((digest, best[0]), best[1]))
        )
        by_rank = keyed["keyed"] | "KeyByRank" >> beam.MapTuple(lambda digest, doc: ((digest, _rank(doc)), doc))
        decided = (
            {"docs": by_rank, "survivor": survivors}
            | "JoinDecision" >> beam.CoGroupByKey()
            | "Decide" >> beam.ParDo(_Decide()).with_outputs(REJECTED, main=KEPT)
        )
        return StageOutputs(decided[KEPT], decided[REJECTED], keyed[ERRORS])
