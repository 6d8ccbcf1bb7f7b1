"""Assembles the Beam DAG from a Config: read each source, run its stages in flow order, write.

    Read[src] -> extract[src] -> langid[src] -> ... -> Gather[exact_dedup] -> exact_dedup -> Split[...]
              -> quality[src] -> ... -> WriteDocs[src]
    every stage's rejections -> WriteRejected[stage];  every dead letter -> WriteErrors
    every document read, written, rejected or dead-lettered -> CountOutcomes -> OUT/_counts

Per-document stages run per source with that source's parameters. A global stage gathers the
sources that enable it, runs once over their union, and splits the survivors back by source.
The counts are computed from the data itself (not from metrics) so the manifest's conservation
check is exact on every runner.
"""
from __future__ import annotations

import json
from collections import defaultdict
from typing import Dict, List

import apache_beam as beam
from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.filesystems import FileSystems

from pipeline.config import Config
from transforms.document import Document
from transforms.ingest.read import ReadSource
from transforms.license import UNDECLARED_LICENSE, document_license
from transforms.registry import STAGE_ORDER, STAGES
from transforms.stage import RunStage

COUNTS_DIR = "_counts"


def _to_json_line(record) -> str:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


def _write_jsonl_gz(pcoll, directory: str, label: str):
    return pcoll | label >> beam.io.WriteToText(
        FileSystems.join(directory, "part"),
        file_name_suffix=".jsonl.gz",
        compression_type=CompressionTypes.GZIP,
    )


class _BySource:
    """Partition function: a document's index among the sources of a global stage."""

    def __init__(self, names: List[str]):
        self.index = {name: i for i, name in enumerate(names)}

    def __call__(self, doc: Document, num_partitions: int) -> int:
        return self.index[doc.source]


def _outcome(kind: str):
    """A Map function giving the count key of one output record."""

    def key_of(record) -> tuple:
        if kind == "written":
            return ("written", record.source, "", "")
        if kind == "license":  # what the written documents may be trained under, for the manifest
            return ("license", record.source, document_license(record.meta) or UNDECLARED_LICENSE, "")
        if kind == "read":
            return ("read", record.source, "", "")
        if kind == "read_error":
            return ("read", record["source"], "", "")
        if kind == "rejected":
            return ("rejected", record["source"], record["stage"], record["reason"])
        return ("errors", record["source"], record["stage"], "")

    return key_of


def build_pipeline(pipeline: beam.Pipeline, config: Config, output_dir: str) -> None:
    """Adds the whole flow for `config` to `pipeline`, writing under `output_dir`."""
    streams: Dict[str, beam.PCollection] = {}
    rejected: Dict[str, list] = defaultdict(list)
    errors: List[beam.PCollection] = []
    outcomes: List[beam.PCollection] = []

    for source in config.sources:
        read = pipeline | f"Read[{source.name}]" >> ReadSource(
            source.name, source.kind, source.paths, source.format, source.read, source.meta
        )
        streams[source.name] = read.documents
        errors.append(read.errors)
        outcomes.append(read.documents | f"CountRead[{source.name}]" >> beam.Map(_outcome("read")))
        outcomes.append(read.errors | f"CountReadErrors[{source.name}]" >> beam.Map(_outcome("read_error")))

    for stage_name in STAGE_ORDER:
        participants = [s for s in config.sources if stage_name in s.stages]
        if not participants:
            continue
        spec = STAGES[stage_name]
        if spec.scope == "document":
            for source in participants:
                out = streams[source.name] | f"{stage_name}[{source.name}]" >> RunStage(
                    spec.build(source.stages[stage_name])
                )
                streams[source.name] = out.kept
                rejected[stage_name].append(out.rejected)
                errors.append(out.errors)
        else:
            names = [s.name for s in participants]
            gathered = [streams[n] for n in names] | f"Gather[{stage_name}]" >> beam.Flatten()
            out = gathered | stage_name >> spec.build(config.global_params[stage_name], output_dir)
            rejected[stage_name].append(out.rejected)
            errors.append(out.errors)
            parts = out.kept | f"Split[{stage_name}]" >> beam.Partition(_BySource(names), len(names))
            for index, name in enumerate(names):
                streams[name] = parts[index]

    for source in config.sources:
        docs = streams[source.name]
        lines = docs | f"Serialize[{source.name}]" >> beam.Map(lambda d: _to_json_line(d.to_output_record()))
        _write_jsonl_gz(lines, FileSystems.join(output_dir, "docs", source.name), f"WriteDocs[{source.name}]")
        outcomes.append(docs | f"CountWritten[{source.name}]" >> beam.Map(_outcome("written")))
        outcomes.append(docs | f"CountLicenses[{source.name}]" >> beam.Map(_outcome("license")))

    for stage_name, pcolls in rejected.items():
        merged = pcolls | f"GatherRejected[{stage_name}]" >> beam.Flatten()
        lines = merged | f"SerializeRejected[{stage_name}]" >> beam.Map(_to_json_line)
        _write_jsonl_gz(lines, FileSystems.join(output_dir, "rejected", stage_name), f"WriteRejected[{stage_name}]")
        outcomes.append(merged | f"CountRejected[{stage_name}]" >> beam.Map(_outcome("rejected")))

    all_errors = errors | "GatherErrors" >> beam.Flatten()
    _write_jsonl_gz(all_errors | "SerializeErrors" >> beam.Map(_to_json_line),
                    FileSystems.join(output_dir, "errors"), "WriteErrors")
    outcomes.append(all_errors | "CountErrors" >> beam.Map(_outcome("errors")))

    (
        outcomes
        | "GatherOutcomes" >> beam.Flatten()
        | "CountOutcomes" >> beam.combiners.Count.PerElement()
        | "SerializeCounts" >> beam.MapTuple(lambda key, n: _to_json_line({"key": list(key), "count": n}))
        | "WriteCounts" >> beam.io.WriteToText(FileSystems.join(output_dir, COUNTS_DIR, "part"), file_name_suffix=".jsonl")
    )
