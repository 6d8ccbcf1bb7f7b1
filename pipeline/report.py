"""OUT/report.html: a run at a glance, from the manifest and a bounded sample of the run's files.

What it shows and where each number comes from:
- the funnel per source and stage, and rejections by reason: the manifest's counts (exact, computed
  from the data by the pipeline), with a few seeded example documents per reason (OUT/rejected/);
- histograms of the main scores (text length, quality model score, safety model score, language
  confidence): kept documents, a seeded sample of at most `sample_docs` of them (said on the page);
- dedup: fuzzy-duplicate cluster sizes (OUT/rejected/fuzzy_dedup measurements) and exact copies;
- contamination per benchmark (the manifest's `decontamination`), tokens per source, any mixture
  plans under OUT/mixtures/, the run's configuration and package versions.

`collect_report` gathers (pure data, tested on its own); pipeline/report_html.py renders it as one
self-contained page (inline SVG and CSS, no script, no network). Written at the end of every run and
by `winnow report OUT`.
"""
from __future__ import annotations

import json
import math
from collections import Counter, defaultdict
from typing import Dict, List, Mapping, Optional

from pipeline.inspect import Reservoir, excerpt, iter_lines, load_manifest
from transforms.registry import STAGE_ORDER

REPORT = "report.html"
EXAMPLES_PER_REASON = 3
EXAMPLE_CHARS = 300
SAMPLE_DOCS = 20_000  # kept documents read for the score histograms (a reservoir per source)
MAX_FUZZY_RECORDS = 1_000_000  # fuzzy-dedup rejections read for the cluster sizes
HISTOGRAM_BINS = 20
# (title, where the value is in a kept document, lower bound, upper bound, log10 scale)
SCORES = (
    ("Text length (characters, log scale)", ("text_length",), 1.0, 7.0, True),
    ("Quality model score", ("quality", "model_score"), 0.0, 1.0, False),
    ("Safety model score (unsafe)", ("safety", "unsafe_score"), 0.0, 1.0, False),
    ("Language identification confidence", ("langid", "confidence"), 0.0, 1.0, False),
)


def funnel(manifest: Mapping) -> Dict[str, List[dict]]:
    """source -> [{stage, in, rejected, errors, out}] in flow order, from the manifest's exact counts."""
    result = {}
    configured = {s["name"]: s["stages"] for s in manifest["config"]["sources"]}
    for name, entry in manifest["sources"].items():
        remaining = entry["read"] - entry["errors"].get("read", 0)
        rows = [{"stage": "read", "in": entry["read"], "rejected": 0, "errors": entry["errors"].get("read", 0),
                 "out": remaining}]
        for stage in sorted(configured.get(name, {}), key=STAGE_ORDER.index):
            rejected = sum(entry["rejected"].get(stage, {}).values())
            errors = entry["errors"].get(stage, 0)
            rows.append({"stage": stage, "in": remaining, "rejected": rejected, "errors": errors,
                         "out": remaining - rejected - errors})
            remaining -= rejected + errors
        result[name] = rows
    return result


def rejection_examples(out_dir: str, manifest: Mapping, per_reason: int, seed: int) -> Dict[str, Dict[str, list]]:
    """stage -> reason -> up to `per_reason` seeded examples {source, origin, excerpt, measurements}."""
    stages = sorted({stage for entry in manifest["sources"].values() for stage in entry["rejected"]},
                    key=lambda s: STAGE_ORDER.index(s) if s in STAGE_ORDER else len(STAGE_ORDER))
    examples: Dict[str, Dict[str, list]] = {}
    for stage in stages:
        reservoirs: Dict[str, Reservoir] = {}
        for line in iter_lines(f"{out_dir.rstrip('/')}/rejected/{stage}"):
            record = json.loads(line)
            reason = record.get("reason", "")
            reservoir = reservoirs.setdefault(reason, Reservoir(per_reason, f"{seed}/{stage}/{reason}"))
            reservoir.offer({"source": record.get("source"), "origin": record.get("origin"),
                             "excerpt": excerpt(record.get("text_preview", ""), EXAMPLE_CHARS),
                             "measurements": record.get("measurements", {})})
        examples[stage] = {reason: r.items for reason, r in sorted(reservoirs.items())}
    return examples


def _value(doc: Mapping, path: tuple) -> Optional[float]:
    if path == ("text_length",):
        return float(len(doc.get("text") or ""))
    value = doc.get("scores", {})
    for key in path:
        if not isinstance(value, Mapping) or key not in value:
            return None
        value = value[key]
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def histogram(values: List[float], low: float, high: float, log: bool, bins: int = HISTOGRAM_BINS) -> dict:
    """Counts in `bins` equal bins over [low, high] (log10 of the value if `log`); outliers clamped."""
    counts = [0] * bins
    for value in values:
        x = math.log10(max(value, 1.0)) if log else value
        index = int((x - low) / (high - low) * bins)
        counts[min(max(index, 0), bins - 1)] += 1
    return {"low": low, "high": high, "log": log, "counts": counts, "n": len(values)}


def score_histograms(out_dir: str, sources: List[str], sample_docs: int, seed: int) -> dict:
    """The histograms of SCORES over a seeded sample of kept documents of every source."""
    per_source = max(1, sample_docs // max(1, len(sources)))
    values = defaultdict(list)
    exact_copies = Counter()
    sampled = total = 0
    for name in sources:
        reservoir = Reservoir(per_source, f"{seed}/report/{name}")
        for line in iter_lines(f"{out_dir.rstrip('/')}/docs/{name}"):
            reservoir.offer(line)
        total += reservoir.seen
        for line in reservoir.items:
            doc = json.loads(line)
            sampled += 1
            for title, path, *_ in SCORES:
                value = _value(doc, path)
                if value is not None:
                    values[title].append(value)
            copies = doc.get("scores", {}).get("exact_dedup", {}).get("copies")
            if isinstance(copies, int) and copies > 1:
                exact_copies[copies] += 1
    charts = [{"title": title, **histogram(values[title], low, high, log)}
              for title, _, low, high, log in SCORES if values[title]]
    return {"charts": charts, "sampled": sampled, "kept_total": total, "exact_copies": dict(sorted(exact_copies.items()))}


def fuzzy_clusters(out_dir: str) -> Dict[int, int]:
    """cluster size -> number of clusters, from the fuzzy-dedup rejections (each names its cluster's size)."""
    members = Counter()
    for index, line in enumerate(iter_lines(f"{out_dir.rstrip('/')}/rejected/fuzzy_dedup")):
        if index >= MAX_FUZZY_RECORDS:
            break
        size = json.loads(line).get("measurements", {}).get("cluster_size")
        if isinstance(size, int) and size > 1:
            members[size] += 1
    return {size: math.ceil(n / (size - 1)) for size, n in sorted(members.items())}  # size-1 rejected each


def mixture_plans(out_dir: str) -> List[dict]:
    from apache_beam.io.filesystems import FileSystems

    plans = []
    for match in FileSystems.match([f"{out_dir.rstrip('/')}/mixtures/*.json"])[0].metadata_list:
        with FileSystems.open(match.path) as handle:
            plans.append(json.loads(handle.read()))
    return sorted(plans, key=lambda p: p.get("training_stage", ""))


def collect_report(out_dir: str, sample_docs: int = SAMPLE_DOCS, examples: int = EXAMPLES_PER_REASON,
                   seed: int = 0, manifest: Optional[Mapping] = None) -> dict:
    manifest = manifest or load_manifest(out_dir)
    sources = list(manifest["sources"])
    return {
        "manifest": manifest,
        "funnel": funnel(manifest),
        "examples": rejection_examples(out_dir, manifest, examples, seed),
        "scores": score_histograms(out_dir, sources, sample_docs, seed),
        "fuzzy_clusters": fuzzy_clusters(out_dir),
        "mixtures": mixture_plans(out_dir),
    }


def write_report(out_dir: str, manifest: Optional[Mapping] = None, **options) -> str:
    from apache_beam.io.filesystems import FileSystems

    from pipeline.manifest import write_atomically
    from pipeline.report_html import render

    path = FileSystems.join(out_dir, REPORT)
    write_atomically(path, render(collect_report(out_dir, manifest=manifest, **options)))
    return path
