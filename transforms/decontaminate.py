"""Stage `decontaminate`: drop documents that collide with a benchmark, the AFM report's two-pass rule.

A document is dropped when one of its word n-grams (n = 4..13 per benchmark, benchmarks_ngrams/)
is an n-gram of a benchmark's evaluation text, unless that n-gram is common usage: it occurs in at
least `common_usage_threshold` (1000) distinct documents of the corpus. Without the threshold,
boilerplate shared by a benchmark and the web ("the following is a multiple choice question", a
licence header in a code benchmark) removes good documents by the thousand.

    pass 1  documents -> their colliding n-grams (BenchmarkIndex.collisions: vectorised hashing,
            bitmap prefilter; most documents have none) -> per n-gram the number of distinct
            documents it occurs in (CombinePerKey over the colliding n-grams only: cheap, they are rare)
    pass 2  n-grams at or above the threshold are common usage (a side input: few); every document
            with a remaining collision is rejected as `benchmark_collision`, naming the benchmarks
            and the matched n-grams

OUT/decontaminate/report.json: per benchmark the documents removed and the n-grams declared common,
and the most frequent common n-grams; the manifest carries it as `decontamination`.
"""
from __future__ import annotations

import dataclasses
import functools
import json
from typing import Optional

import apache_beam as beam
from apache_beam.io.filesystems import FileSystems

from transforms.document import Document
from transforms.params import param
from transforms.stage import ERRORS, KEPT, REJECTED, StageCounters, StageOutputs, error_record, rejection_record

STAGE = "decontaminate"
REASON = "benchmark_collision"
REPORT_NAME = "report"
COMMON_EXAMPLES = 100  # the most frequent common-usage n-grams listed in the report


@dataclasses.dataclass(frozen=True)
class DecontaminateParams:
    index_path: Optional[str] = param(
        None, help="an index written by `winnow benchmarks build-index` (local or gs://); "
                   "default: the shipped benchmarks' index, built once and cached")
    common_usage_threshold: int = param(
        1000, ge=1, help="an n-gram found in at least this many corpus documents is common usage: ignored")
    max_reported_ngrams: int = param(5, ge=1, help="matched n-grams named in a rejection")


@functools.lru_cache(maxsize=4)
def _load_index(path: Optional[str]):
    """One index per worker process and path: every DoFn instance (one per SDK thread) shares it."""
    from benchmarks_ngrams.index import BenchmarkIndex

    return BenchmarkIndex.load(path) if path else BenchmarkIndex.default()


def collision_record(collision) -> tuple:
    """A collision as a small picklable tuple: (key, n, benchmarks, text)."""
    return (int(collision.key), int(collision.n), tuple(collision.benchmarks), collision.text)


class _FindCollisions(beam.DoFn):
    """doc -> (doc, its collisions); each colliding n-gram key once per document on "keys"."""

    def __init__(self, params: DecontaminateParams):
        self.params = params

    def setup(self):
        self.index = _load_index(self.params.index_path)
        self.counters = StageCounters(STAGE)

    def process(self, doc: Document):
        self.counters.inc(doc.source, "in")
        try:
            collisions = [collision_record(c) for c in self.index.collisions(doc.text or "")]
        except Exception as error:  # a bad document must never crash the job: dead-letter it
            self.counters.inc(doc.source, "errors")
            yield beam.pvalue.TaggedOutput(ERRORS, error_record(STAGE, doc.source, doc.origin, error, doc.id))
            return
        for key, n, benchmarks, text in collisions:
            yield beam.pvalue.TaggedOutput("keys", (key, (n, benchmarks, text)))
        yield doc, collisions


class _CountDocuments(beam.CombineFn):
    """(n, benchmarks, text) per document -> (documents, (n, benchmarks, text)); lifted, so a common
    n-gram's million occurrences are counted in parts."""

    def create_accumulator(self):
        return (0, None)

    def add_input(self, accumulator, info):
        count, seen = accumulator
        return (count + 1, seen if seen is not None else info)

    def merge_accumulators(self, accumulators):
        count, seen = 0, None
        for other_count, other_seen in accumulators:
            count += other_count
            seen = seen if seen is not None else other_seen
        return (count, seen)

    def extract_output(self, accumulator):
        return accumulator


def judge_collisions(collisions, common_keys, max_reported: int):
    """(reason or None, measurements) for a document's collisions, common-usage ones set aside."""
    remaining = [c for c in collisions if c[0] not in common_keys]
    ignored = len(collisions) - len(remaining)
    if not remaining:
        return None, ({"common_usage_ngrams": ignored} if ignored else {})
    benchmarks = sorted({name for _, _, names, _ in remaining for name in names})
    return REASON, {
        "benchmarks": benchmarks,
        "collisions": len(remaining),
        "common_usage_ngrams": ignored,
        "ngrams": [{"n": n, "text": text, "benchmarks": list(names)} for _, n, names, text in remaining[:max_reported]],
    }


class _Decide(beam.DoFn):
    def __init__(self, max_reported: int):
        self.max_reported = max_reported

    def setup(self):
        self.counters = StageCounters(STAGE)

    def process(self, element, common):
        doc, collisions = element
        reason, measured = judge_collisions(collisions, common, self.max_reported)
        if reason is None:
            self.counters.inc(doc.source, "kept")
            yield doc.with_scores(STAGE, measured) if measured else doc
            return
        self.counters.inc(doc.source, f"rejected:{reason}")
        yield beam.pvalue.TaggedOutput(REJECTED, rejection_record(doc, STAGE, reason, measured))


def _report(rows, threshold):
    """Count rows ((kind, benchmark), n) and common examples -> the report dict."""
    counts, examples = rows
    benchmarks = {}
    for (kind, name), n in counts:
        benchmarks.setdefault(name, {"documents_removed": 0, "ngrams_common": 0})[kind] = n
    return {
        "common_usage_threshold": threshold,
        "benchmarks": dict(sorted(benchmarks.items())),
        "common_ngrams": [{"text": text, "n": n, "benchmarks": list(names), "documents": docs}
                          for docs, n, names, text in examples],
    }


class Decontaminate(beam.PTransform):
    """PCollection[Document] -> StageOutputs; writes OUT/decontaminate/report.json."""

    def __init__(self, params: DecontaminateParams, output_dir: Optional[str] = None):
        super().__init__()
        self.params, self.output_dir = params, output_dir

    def expand(self, docs):
        threshold = self.params.common_usage_threshold
        found = docs | "FindCollisions" >> beam.ParDo(_FindCollisions(self.params)).with_outputs(
            "keys", ERRORS, main="docs")
        per_ngram = found["keys"] | "DocumentsPerNgram" >> beam.CombinePerKey(_CountDocuments())
        common = per_ngram | "CommonUsage" >> beam.Filter(lambda kv: kv[1][0] >= threshold)
        decided = found["docs"] | "Decide" >> beam.ParDo(
            _Decide(self.params.max_reported_ngrams), common=beam.pvalue.AsDict(common)
        ).with_outputs(REJECTED, main=KEPT)
        if self.output_dir is not None:
            self._write_report(decided[REJECTED], common, threshold)
        return StageOutputs(decided[KEPT], decided[REJECTED], found[ERRORS])

    def _write_report(self, rejected, common, threshold):
        removed = rejected | "RemovedPerBenchmark" >> beam.FlatMap(
            lambda r: [("documents_removed", name) for name in r["measurements"]["benchmarks"]])
        declared = common | "CommonPerBenchmark" >> beam.FlatMap(
            lambda kv: [("ngrams_common", name) for name in kv[1][1][1]])
        counts = (
            (removed, declared)
            | "ReportRows" >> beam.Flatten()
            | "CountRows" >> beam.combiners.Count.PerElement()
            | "AllCounts" >> beam.combiners.ToList()
        )
        examples = (
            common
            | "CommonExample" >> beam.Map(lambda kv: (kv[1][0], kv[1][1][0], kv[1][1][1], kv[1][1][2]))
            | "MostCommon" >> beam.combiners.Top.Of(COMMON_EXAMPLES)
        )
        _ = (
            counts
            | "Report" >> beam.Map(lambda rows, top: _report((rows, top), threshold),
                                   top=beam.pvalue.AsSingleton(examples, default_value=[]))
            | "ReportJson" >> beam.Map(json.dumps, sort_keys=True)
            | "WriteReport" >> beam.io.WriteToText(
                FileSystems.join(self.output_dir, STAGE, REPORT_NAME), file_name_suffix=".json",
                num_shards=1, shard_name_template="")
        )
