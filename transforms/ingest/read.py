"""ReadSource: globs of files -> Documents (+ dead letters), one Beam transform per configured source.

Files are matched through Beam's FileSystems (local, gs://, s3://, hdfs://), reshuffled so that many
workers share a crawl file by file, and read by the per-format generators in `readers`.
"""
from __future__ import annotations

import glob
import os
from typing import Any, Iterable, Mapping, NamedTuple, Optional, Sequence

import apache_beam as beam
from apache_beam.io import fileio
from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.filesystems import FileSystems

from transforms.document import Document
from transforms.ingest.formats import common_base, detect_format, relative_locator
from transforms.ingest.readers import FileContext, ReadFailure, ReadParams, Skipped, read_file
from transforms.stage import ERRORS, READ_STAGE, StageCounters, error_record

def open_input(path: str, fmt: str):
    """Gzip is undone by the readers (readers.GunzipStream), which report a truncated file where
    Beam's decompression ends quietly; Parquet needs the raw seekable file. Other compressions
    (.zst, .bz2) are undone by Beam from the extension."""
    raw = fmt in ("warc", "parquet", "repo") or path.lower().endswith(".gz")
    return FileSystems.open(path, compression_type=CompressionTypes.UNCOMPRESSED if raw else CompressionTypes.AUTO)


def expand_pattern(path: str) -> str:
    """A directory means every file below it; anything else is a file name or a glob."""
    if path.endswith("/"):
        return path + "**"
    return path


def local_repositories(pattern: str) -> list:
    """`format: repo` on local paths: each directory or archive the glob names is one repository
    (a directory is the repository itself, not the files below it)."""
    roots = sorted(glob.glob(pattern.rstrip("/")))
    return [r for r in roots if os.path.isdir(r) or detect_format(r) == "repo"]


class ReadOutputs(NamedTuple):
    documents: beam.PCollection
    errors: beam.PCollection


class _ReadFileDoFn(beam.DoFn):
    def __init__(self, source: str, kind: str, pattern: str, base: str, fmt: Optional[str], params: ReadParams,
                 source_meta: Mapping[str, Any]):
        self.source, self.kind, self.pattern, self.base, self.fmt = source, kind, pattern, base, fmt
        self.params, self.source_meta = params, dict(source_meta)

    def setup(self):
        self.counters = StageCounters(READ_STAGE)

    def process(self, path: str):
        locator = relative_locator(path, self.base)
        fmt = self.fmt or detect_format(path)
        if fmt is None:
            if self.pattern.endswith("**"):  # a directory: stray files (README, .DS_Store) are skipped
                self.counters.inc(self.source, "skipped:unrecognised_file")
                return
            self.counters.inc(self.source, "errors")
            error = ValueError(f"cannot tell the format of {path!r}; set `format:` on the source")
            yield beam.pvalue.TaggedOutput(ERRORS, error_record(READ_STAGE, self.source, locator, error))
            return
        ctx = FileContext(self.source, self.kind, path, locator, self.params, self.source_meta)
        try:
            if fmt == "repo" and os.path.isdir(path):  # a checkout or git repository: read in place
                yield from self._emit(read_file(fmt, None, ctx))
                return
            with open_input(path, fmt) as fileobj:
                yield from self._emit(read_file(fmt, fileobj, ctx))
        except Exception as error:  # the file could not be opened or its reader broke mid-way
            self.counters.inc(self.source, "errors")
            yield beam.pvalue.TaggedOutput(ERRORS, error_record(READ_STAGE, self.source, locator, error))

    def _emit(self, items: Iterable):
        for item in items:
            if isinstance(item, Document):
                self.counters.inc(self.source, "documents")
                yield item
            elif isinstance(item, ReadFailure):
                self.counters.inc(self.source, "errors")
                yield beam.pvalue.TaggedOutput(
                    ERRORS, error_record(READ_STAGE, self.source, item.origin, item.error, item.doc_id, item.location)
                )
            elif isinstance(item, Skipped):
                self.counters.inc(self.source, f"skipped:{item.reason}")


class ReadSource(beam.PTransform):
    """Reads every file matched by `patterns` as documents of one source."""

    def __init__(self, source: str, kind: str, patterns: Sequence[str], fmt: Optional[str] = None,
                 params: Optional[ReadParams] = None, source_meta: Optional[Mapping[str, Any]] = None,
                 label: Optional[str] = None):
        super().__init__(label)
        self.source, self.kind, self.fmt = source, kind, fmt
        # Repositories are directories: their patterns name roots, not every file below them.
        self.patterns = [p if fmt == "repo" and "://" not in p else expand_pattern(p) for p in patterns]
        self.params = params or ReadParams()
        self.source_meta = source_meta or {}

    def expand(self, pbegin):
        per_pattern = []
        base = common_base(self.patterns)
        for index, pattern in enumerate(self.patterns):
            if self.fmt == "repo" and "://" not in pattern:
                matched = pbegin | f"Repositories{index}" >> beam.Create(local_repositories(pattern))
            else:
                matched = (pbegin
                           | f"Match{index}" >> fileio.MatchFiles(pattern)
                           | f"Paths{index}" >> beam.Map(lambda metadata: metadata.path))
            paths = (
                matched
                # Without this, fusion would read every file of the glob on the worker that matched it.
                | f"SpreadFiles{index}" >> beam.Reshuffle()
                | f"ReadFiles{index}" >> beam.ParDo(
                    _ReadFileDoFn(self.source, self.kind, pattern, base, self.fmt, self.params, self.source_meta)
                ).with_outputs(ERRORS, main="documents")
            )
            per_pattern.append(paths)
        if len(per_pattern) == 1:
            return ReadOutputs(per_pattern[0]["documents"], per_pattern[0][ERRORS])
        documents = [r["documents"] for r in per_pattern] | "FlattenDocuments" >> beam.Flatten()
        errors = [r[ERRORS] for r in per_pattern] | "FlattenErrors" >> beam.Flatten()
        return ReadOutputs(documents, errors)
