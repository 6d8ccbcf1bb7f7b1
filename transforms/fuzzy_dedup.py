"""Stage `fuzzy_dedup`: near-duplicates across every participating source, by MinHash LSH.

    documents -> signature (transforms/fuzzy/minhash.py) -> one (band key, node) per band
              -> candidate edges per bucket (transforms/fuzzy/lsh.py, hot buckets split)
              -> connected components (transforms/fuzzy/components.py, large-star/small-star rounds)
              -> one survivor per component -> documents kept, or rejected as `duplicate`

Components, not buckets, decide: A~B and B~C put A, B and C in one cluster even when A and C share no
band. The survivor is chosen by a stated rule over the whole component (`survivor`: the longest text,
ties to the smallest id; or the smallest id), so the output does not depend on the runner's order
or the number of workers. Every removed document names its survivor (`duplicate_of`, the survivor's
id) and its cluster size. Defaults are FineWeb's: 5-word shingles, 112 permutations as 14 bands of
8 rows (a pair at Jaccard 0.75 is caught with probability 0.92, at 0.85 with 0.998, at 0.5 with 0.04).
The rounds the components took are written to OUT/fuzzy_dedup/components.json.
"""
from __future__ import annotations

import dataclasses
import json
from typing import Optional

import apache_beam as beam
from apache_beam.io.filesystems import FileSystems

from transforms.document import Document
from transforms.exact_dedup import FirstRankAndCount
from transforms.fuzzy.components import ConnectedComponents
from transforms.fuzzy.lsh import CandidateEdges
from transforms.params import param
from transforms.stage import ERRORS, KEPT, REJECTED, StageCounters, StageOutputs, error_record, rejection_record

STAGE = "fuzzy_dedup"
SURVIVOR_RULES = ("longest", "lowest_id")
SIGNATURE_BATCH = 256  # documents per vectorised signature call (bounds the batch's memory)


@dataclasses.dataclass(frozen=True)
class FuzzyDedupParams:
    ngram: int = param(5, ge=1, help="words per shingle")
    num_perm: int = param(112, ge=2, help="MinHash permutations")
    bands: int = param(14, ge=1, help="LSH bands; bands x rows <= num_perm")
    rows: int = param(8, ge=1, help="rows (signature values) per band")
    threshold: Optional[float] = param(None, gt=0.0, lt=1.0,
                                       help="if set, bands and rows come from datasketch's optimal-parameter "
                                            "routine for this Jaccard threshold instead")
    seed: int = param(1, ge=0, help="permutation seed (datasketch's default)")
    survivor: str = param("longest", choices=SURVIVOR_RULES,
                          help="which document of a cluster stays: the longest text, or the smallest id")
    bucket_splits: int = param(16, ge=1, help="each LSH bucket is spread over this many workers (hot buckets)")
    max_rounds: int = param(10, ge=1, help="connected-component rounds unrolled into the DAG")
    verify_jaccard: Optional[float] = param(None, gt=0.0, le=1.0,
                                            help="if set, every LSH candidate pair is checked on the true Jaccard "
                                                 "similarity of its shingle sets and dropped below this (removes "
                                                 "LSH false positives; costs a shuffle of every document's shingles)")

    def check(self):
        if self.threshold is None and self.bands * self.rows > self.num_perm:
            return "bands", f"bands x rows = {self.bands * self.rows} exceeds num_perm = {self.num_perm}"
        return None

    def bands_and_rows(self):
        if self.threshold is None:
            return self.bands, self.rows
        from transforms.fuzzy.minhash import optimal_bands_rows

        return optimal_bands_rows(self.threshold, self.num_perm)


def node_key(doc: Document) -> str:
    """A document's node in the similarity graph: its id, made unique with source and origin."""
    return f"{doc.id}\x1f{doc.source}\x1f{doc.origin}"


def survivor_rank(doc: Document, rule: str) -> tuple:
    """Smaller is better; ties always end on the node key, so the rank is a total order."""
    if rule == "longest":
        return (-len(doc.text or ""), node_key(doc))
    return (node_key(doc),)


class _Signature(beam.DoFn):
    """A batch of documents -> their band keys, ranks and the documents keyed by node. Signatures
    are computed for the whole batch at once (the vectorised path of MinHasher)."""

    def __init__(self, params: FuzzyDedupParams):
        self.params = params

    def setup(self):
        from transforms.fuzzy.minhash import MinHasher, band_keys

        self.band_keys = band_keys
        self.counters = StageCounters(STAGE)
        self.bands, self.rows = self.params.bands_and_rows()
        self.hasher = MinHasher(num_perm=self.params.num_perm, ngram=self.params.ngram, seed=self.params.seed)

    def process(self, batch):
        texts = [doc.text or "" for doc in batch]
        verify = self.params.verify_jaccard is not None
        try:
            signatures, shingles = self.hasher.signatures_and_shingles(texts, shingles=verify)
        except Exception:  # one bad document must not fail its batch: find it one by one
            signatures = shingles = None
        for i, doc in enumerate(batch):
            self.counters.inc(doc.source, "in")
            node = node_key(doc)
            try:
                if doc.text:  # an empty text has no shingles and no near-duplicates
                    if signatures is not None:
                        signature, shingle_set = signatures[i], shingles[i] if verify else None
                    else:
                        one, sets = self.hasher.signatures_and_shingles([doc.text], shingles=verify)
                        signature, shingle_set = one[0], sets[0] if verify else None
                    for key in self.band_keys(signature, self.bands, self.rows):
                        yield beam.pvalue.TaggedOutput("bands", (key, node))
                    if verify:
                        yield beam.pvalue.TaggedOutput("shingles", (node, shingle_set.astype("<u4").tobytes()))
                    yield beam.pvalue.TaggedOutput("ranks", (node, survivor_rank(doc, self.params.survivor)))
            except Exception as error:
                self.counters.inc(doc.source, "errors")
                yield beam.pvalue.TaggedOutput(ERRORS, error_record(STAGE, doc.source, doc.origin, error, doc.id))
                continue
            yield node, doc


def _members_with_rank(element):
    node, grouped = element
    for label in grouped["label"]:
        for rank in grouped["rank"]:
            yield label, (rank, node)


def _decisions(element):
    _, grouped = element
    for (best_rank, best_node), size in grouped["best"]:
        for _, node in grouped["member"]:
            yield node, (best_node, size)


def _route_pair_to_second(element):
    """(first node, {pairs, shingles}) -> (second node, (first node, first's shingles)) per pair."""
    _, grouped = element
    for shingles in grouped["shingles"]:
        for first, second in grouped["pair"]:
            yield second, (first, shingles)


class _CheckPairs(beam.DoFn):
    """(second node, {pending pairs, shingles}) -> the pairs whose true Jaccard reaches the threshold."""

    def __init__(self, verify_jaccard: float):
        self.verify_jaccard = verify_jaccard

    def setup(self):
        self.checked = beam.metrics.Metrics.counter(f"winnow/{STAGE}", "candidate_pairs_checked")
        self.dropped = beam.metrics.Metrics.counter(f"winnow/{STAGE}", "candidate_pairs_dropped")

    def process(self, element):
        import numpy as np

        from transforms.fuzzy.minhash import sorted_jaccard

        second, grouped = element
        for second_bytes in grouped["shingles"]:
            second_set = np.frombuffer(second_bytes, dtype="<u4")
            for first, first_bytes in grouped["pending"]:  # streamed: a hot node is not held in memory
                self.checked.inc()
                if sorted_jaccard(np.frombuffer(first_bytes, dtype="<u4"), second_set) >= self.verify_jaccard:
                    yield first, second
                else:
                    self.dropped.inc()


class VerifyCandidatePairs(beam.PTransform):
    """(edges (node, node), shingles (node, bytes)) -> the edges whose two documents' true Jaccard is
    at least `verify_jaccard`. Each pair is checked once however many bands it shares; each side's
    shingles reach it through one join per side, so no step holds more than one node's pairs."""

    def __init__(self, verify_jaccard: float):
        super().__init__()
        self.verify_jaccard = verify_jaccard

    def expand(self, inputs):
        edges, shingles = inputs
        pairs = (
            edges
            | "OrderPair" >> beam.Map(lambda edge: tuple(sorted(edge)))
            | "DistinctPairs" >> beam.Distinct()
            | "ByFirst" >> beam.Map(lambda pair: (pair[0], pair))
        )
        pending = (
            {"pair": pairs, "shingles": shingles}
            | "JoinFirst" >> beam.CoGroupByKey()
            | "RouteToSecond" >> beam.FlatMap(_route_pair_to_second)
        )
        return (
            {"pending": pending, "shingles": shingles}
            | "JoinSecond" >> beam.CoGroupByKey()
            | "TrueJaccard" >> beam.ParDo(_CheckPairs(self.verify_jaccard))
        )


class _Decide(beam.DoFn):
    def setup(self):
        self.counters = StageCounters(STAGE)

    def process(self, element):
        node, grouped = element
        decisions = list(grouped["decision"])
        for doc in grouped["doc"]:
            if not decisions:
                self.counters.inc(doc.source, "kept")
                yield doc
                continue
            survivor, size = decisions[0]
            if survivor == node:
                self.counters.inc(doc.source, "kept")
                yield doc.with_scores(STAGE, {"cluster_size": size})
            else:
                self.counters.inc(doc.source, "rejected:duplicate")
                yield beam.pvalue.TaggedOutput(REJECTED, rejection_record(
                    doc, STAGE, "duplicate", {"duplicate_of": survivor.split("\x1f", 1)[0], "cluster_size": size}))


class FuzzyDedup(beam.PTransform):
    """PCollection[Document] -> StageOutputs; writes OUT/fuzzy_dedup/components.json (rounds used)."""

    def __init__(self, params: FuzzyDedupParams, output_dir: Optional[str] = None):
        super().__init__()
        self.params, self.output_dir = params, output_dir

    def expand(self, docs):
        signed = (
            docs
            | "Batch" >> beam.BatchElements(min_batch_size=16, max_batch_size=SIGNATURE_BATCH)
            | "Signature" >> beam.ParDo(_Signature(self.params)).with_outputs(
                "bands", "ranks", "shingles", ERRORS, main="docs")
        )
        edges = signed["bands"] | "CandidateEdges" >> CandidateEdges(self.params.bucket_splits)
        if self.params.verify_jaccard is not None:
            edges = (edges, signed["shingles"]) | "VerifyPairs" >> VerifyCandidatePairs(self.params.verify_jaccard)
        labels, report = edges | "Components" >> ConnectedComponents(self.params.max_rounds)
        members = (
            {"label": labels, "rank": signed["ranks"]}
            | "JoinRanks" >> beam.CoGroupByKey()
            | "MembersByCluster" >> beam.FlatMap(_members_with_rank)
        )
        best = members | "BestOfCluster" >> beam.CombinePerKey(FirstRankAndCount())  # (best (rank, node), cluster size)
        decisions = (
            {"member": members, "best": best}
            | "JoinBest" >> beam.CoGroupByKey()
            | "Decisions" >> beam.FlatMap(_decisions)
        )
        decided = (
            {"doc": signed["docs"], "decision": decisions}
            | "JoinDocs" >> beam.CoGroupByKey()
            | "Decide" >> beam.ParDo(_Decide()).with_outputs(REJECTED, main=KEPT)
        )
        if self.output_dir is not None:
            _ = (
                report
                | "ReportJson" >> beam.Map(json.dumps, sort_keys=True)
                | "WriteReport" >> beam.io.WriteToText(
                    FileSystems.join(self.output_dir, STAGE, "components"), file_name_suffix=".json",
                    num_shards=1, shard_name_template="")
            )
        return StageOutputs(decided[KEPT], decided[REJECTED], signed[ERRORS])
