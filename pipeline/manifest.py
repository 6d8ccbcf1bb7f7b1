"""OUT/manifest.json: what ran, with which versions, and where every document went.

Per source: documents read, written, rejected by stage and reason, dead-lettered by stage, and
whether those add up (conservation); per stage the funnel from Beam metrics (in, kept, rejected,
errors), and the records that ingestion skipped because they are not documents (WARC requests,
images). Written last and atomically (temp file then rename): a run that crashed leaves no manifest,
never a half-written one that looks complete.
"""
from __future__ import annotations

import json
import platform
from collections import defaultdict
from importlib import metadata
from typing import Dict, Iterable, List, Mapping

from apache_beam.io.filesystems import FileSystems
from apache_beam.metrics.metric import MetricsFilter

from transforms.shards import SHARD_INFO_DIR
from transforms.shards import write_atomically as write_bytes_atomically
from transforms.stage import METRICS_PREFIX
from transforms.tokenize import tokenizer_model_path

MANIFEST = "manifest.json"
TRACKED_PACKAGES = (
    "winnow", "apache-beam", "trafilatura", "fasttext-numpy2", "datasketch", "presidio-analyzer",
    "pyarrow", "sentencepiece", "warcio", "protego", "numpy", "lxml",
)


def package_versions() -> Dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in TRACKED_PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def read_json_lines(output_dir: str, counts_dir: str) -> List[dict]:
    pattern = FileSystems.join(output_dir, counts_dir, "part*")
    records = []
    for match in FileSystems.match([pattern])[0].metadata_list:
        with FileSystems.open(match.path) as handle:
            records.extend(json.loads(line) for line in handle.read().decode("utf-8").splitlines() if line)
    return records


def read_stage_report(output_dir: str, stage: str, name: str):
    """A global stage's report (OUT/<stage>/<name>, one JSON object), or None if it did not run."""
    path = FileSystems.join(output_dir, stage, name)
    if not FileSystems.exists(path):
        return None
    with FileSystems.open(path) as handle:
        return json.loads(handle.read().decode("utf-8"))


def read_shard_records(output_dir: str) -> List[dict]:
    """Every shard written by the tokenize stage, sorted by path (the run's order is not stable)."""
    return sorted(read_json_lines(output_dir, SHARD_INFO_DIR), key=lambda s: s["path"])


def copy_tokenizer(params, output_dir: str) -> dict:
    """Copy the run's tokenizer model to OUT/tokenizer/ so shards are never without their vocabulary."""
    import hashlib

    source = tokenizer_model_path(params)
    with FileSystems.open(source) as handle:
        model = handle.read()
    name = source.rstrip("/").rsplit("/", 1)[-1]
    target = FileSystems.join(output_dir, "tokenizer", name)
    with FileSystems.create(target) as handle:
        handle.write(model)
    import sentencepiece as spm

    processor = spm.SentencePieceProcessor(model_proto=model)
    return {
        "path": f"tokenizer/{name}",
        "source": source,
        "sha256": hashlib.sha256(model).hexdigest(),
        "vocab_size": processor.vocab_size(),
        "eos_id": processor.eos_id(),
        "pad_id": processor.pad_id(),
    }


def summarise_counts(records: Iterable[dict], source_names: Iterable[str]) -> Dict[str, dict]:
    """Per source: read, written, rejected[stage][reason], errors[stage], written documents per licence,
    and the conservation check."""
    sources = {
        name: {"read": 0, "written": 0, "rejected": defaultdict(lambda: defaultdict(int)), "errors": defaultdict(int),
               "licenses": defaultdict(int)}
        for name in source_names
    }
    for record in records:
        outcome, source, stage, reason = record["key"]
        entry = sources[source]
        if outcome in ("read", "written"):
            entry[outcome] += record["count"]
        elif outcome == "rejected":
            entry["rejected"][stage][reason] += record["count"]
        elif outcome == "errors":
            entry["errors"][stage] += record["count"]
        elif outcome == "license":  # written documents by licence (`stage` holds the licence)
            entry["licenses"][stage] += record["count"]
    summary = {}
    for name, entry in sources.items():
        rejected = {stage: dict(sorted(reasons.items())) for stage, reasons in sorted(entry["rejected"].items())}
        rejected_total = sum(sum(reasons.values()) for reasons in rejected.values())
        errors_total = sum(entry["errors"].values())
        summary[name] = {
            "read": entry["read"],
            "written": entry["written"],
            "rejected_total": rejected_total,
            "errors_total": errors_total,
            "rejected": rejected,
            "errors": dict(sorted(entry["errors"].items())),
            "licenses": dict(sorted(entry["licenses"].items())),
            "conserved": entry["read"] == entry["written"] + rejected_total + errors_total,
        }
    return summary


def stage_funnel(metric_results) -> Dict[str, Dict[str, dict]]:
    """source -> stage -> {in, kept, rejected:{reason: n}, errors, skipped:{...}} from Beam counters."""
    funnel: Dict[str, Dict[str, dict]] = defaultdict(dict)
    for counter in metric_results.get("counters", []):
        namespace = counter.key.metric.namespace
        if not namespace.startswith(METRICS_PREFIX + "/"):
            continue
        _, stage, source = namespace.split("/", 2)
        try:
            value = counter.committed
        except Exception:  # runners without committed metrics
            value = counter.attempted
        if value is None:
            value = counter.attempted
        entry = funnel[source].setdefault(stage, {})
        name = counter.key.metric.name
        if ":" in name:
            group, reason = name.split(":", 1)
            entry.setdefault(group, {})
            entry[group][reason] = entry[group].get(reason, 0) + value
        else:
            entry[name] = entry.get(name, 0) + value
    return {source: dict(stages) for source, stages in funnel.items()}


def query_metrics(result) -> Mapping:
    try:
        return result.metrics().query(MetricsFilter())
    except Exception:  # some runners do not report metrics; the manifest says so
        return {}


def write_atomically(path: str, text: str) -> None:
    """Temp file then rename: readers never see a half-written file."""
    write_bytes_atomically(path, text.encode("utf-8"))


def write_manifest(output_dir: str, manifest: Mapping) -> str:
    path = FileSystems.join(output_dir, MANIFEST)
    write_atomically(path, json.dumps(manifest, indent=2, ensure_ascii=False, sort_keys=False) + "\n")
    return path
