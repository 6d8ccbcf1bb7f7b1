"""`winnow inspect OUT`: what each rule rejected in a finished run, with examples, to tune thresholds.

    winnow inspect OUT [--stage S] [--reason R] [--source SRC] [--samples N] [--kept] [--seed S]
                       [--chars C] [--json]

For every stage and reason: how many documents it rejected and what share of the documents that
stage read (from the manifest), then N sample rejections with their id, source, origin, the rule's
measured values and a text excerpt. With --kept, also N kept documents per source with their scores,
so the values of documents that pass sit next to those that fail.

Output of a big run is many GB: files are streamed line by line and samples are drawn by seeded
reservoir sampling, so memory stays at N records per rule and the same seed gives the same samples.
`rejection_shares` / `format_rejection_shares` also give the run report its per-rule table.

Also runnable as `python -m pipeline.inspect OUT ...`.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import random
import re
import sys
from collections import Counter
from typing import Dict, Iterable, Iterator, List, Mapping, Optional, Sequence

EXIT_OK, EXIT_USAGE = 0, 2
MANIFEST = "manifest.json"  # as pipeline.manifest.MANIFEST (that module pulls in the tokenizer)
ALL_SOURCES = "all"


class InspectError(Exception):
    """OUT is not a finished run, or a filter names nothing in it; reported with exit code 2."""


# --- the per-rule table (also printed at the end of `winnow run`) -----------------------------------

@dataclasses.dataclass(frozen=True)
class ShareRow:
    """Documents one rule rejected, over all sources (`source` = "all") or in one source."""

    stage: str
    reason: str
    source: str
    rejected: int
    stage_read: Optional[int]  # documents that stage read (its `in`); None if the manifest cannot say

    @property
    def share(self) -> Optional[float]:
        return self.rejected / self.stage_read if self.stage_read else None

    def as_dict(self) -> dict:
        return {**dataclasses.asdict(self), "share": None if self.share is None else round(self.share, 6)}


def _flow_position(stage: str):
    """Sort key putting stages in DESIGN.md's flow order (the funnel), unknown names last."""
    from transforms.registry import STAGE_ORDER

    return (STAGE_ORDER.index(stage), "") if stage in STAGE_ORDER else (len(STAGE_ORDER), stage)


def _stages_run(manifest: Mapping, source: str) -> List[str]:
    """The stages a source ran, in flow order: from the resolved config, else from what was counted."""
    entry = manifest["sources"][source]
    configured = [s.get("stages", {}) for s in manifest.get("config", {}).get("sources", []) if s.get("name") == source]
    names = set(configured[0]) if configured else set(entry.get("stages", {})) | set(entry.get("rejected", {}))
    return sorted(names, key=_flow_position)


def documents_read_by_stage(manifest: Mapping) -> Dict[str, Dict[str, Optional[int]]]:
    """source -> stage -> documents the stage read.

    From the per-stage counter `in` (Beam metrics) when the manifest has it. Some runners report no
    metrics; then it is derived from the exact data counts: what reached a stage is what was read,
    less the dead letters of reading and everything earlier stages rejected or dead-lettered
    (conservation makes this exact).
    """
    result: Dict[str, Dict[str, Optional[int]]] = {}
    for source, entry in manifest["sources"].items():
        funnel, errors = entry.get("stages", {}), entry.get("errors", {})
        remaining = entry["read"] - errors.get("read", 0)
        result[source] = {}
        for stage in _stages_run(manifest, source):
            counted = funnel.get(stage, {}).get("in")
            result[source][stage] = counted if counted is not None else remaining
            remaining -= sum(entry.get("rejected", {}).get(stage, {}).values()) + errors.get(stage, 0)
    return result


def rejection_shares(manifest: Mapping, stage: Optional[str] = None, reason: Optional[str] = None,
                     source: Optional[str] = None) -> List[ShareRow]:
    """Every (stage, reason) with its rejections and share of what the stage read, stages in flow order,
    reasons biggest first. Over all sources ("all"), followed by one row per source when more than one
    source ran the stage; a stage only one source ran gets one row named after that source.
    The filters keep only that stage, reason or source (a source filter computes shares within it).
    """
    read_by_stage = documents_read_by_stage(manifest)
    sources = [source] if source else list(manifest["sources"])
    rejected = {name: manifest["sources"][name].get("rejected", {}) for name in sources}
    stages = sorted({s for name in sources for s in rejected[name]}, key=_flow_position)
    rows: List[ShareRow] = []
    for stage_name in stages:
        if stage and stage_name != stage:
            continue
        ran_it = [name for name in sources if stage_name in read_by_stage[name] or stage_name in rejected[name]]
        totals = Counter()
        for name in ran_it:
            totals.update(rejected[name].get(stage_name, {}))
        for reason_name, count in sorted(totals.items(), key=lambda item: (-item[1], item[0])):
            if reason and reason_name != reason:
                continue
            reads = [read_by_stage[name].get(stage_name) for name in ran_it]
            total_read = None if None in reads else sum(reads)
            label = ran_it[0] if len(ran_it) == 1 else ALL_SOURCES
            rows.append(ShareRow(stage_name, reason_name, label, count, total_read))
            if len(ran_it) > 1:
                rows.extend(_per_source_rows(stage_name, reason_name, ran_it, rejected, read_by_stage))
    return rows


def _per_source_rows(stage, reason, sources, rejected, read_by_stage) -> List[ShareRow]:
    rows = [ShareRow(stage, reason, name, rejected[name].get(stage, {}).get(reason, 0), read_by_stage[name].get(stage))
            for name in sources]
    return sorted((row for row in rows if row.rejected), key=lambda row: (-row.rejected, row.source))


def _percent(share: Optional[float]) -> str:
    return "n/a" if share is None else f"{100 * share:.1f}%"


def format_share_rows(rows: Sequence[ShareRow], with_source: bool = True) -> str:
    """An aligned text table of `rows`; per-source rows are indented under their "all" row."""
    header = ["stage", "reason"] + (["source"] if with_source else []) + ["rejected", "of read", "share"]
    has_all_row = {(r.stage, r.reason) for r in rows if r.source == ALL_SOURCES}
    lines = [header]
    for row in rows:
        under_all = row.source != ALL_SOURCES and (row.stage, row.reason) in has_all_row
        source = ["  " + row.source if under_all else row.source] if with_source else []
        read = "?" if row.stage_read is None else str(row.stage_read)
        lines.append([row.stage, row.reason] + source + [str(row.rejected), read, _percent(row.share)])
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    first_number = len(header) - 3  # numbers right-aligned, names left-aligned
    return "\n".join(
        "  ".join(cell.rjust(w) if i >= first_number else cell.ljust(w)
                  for i, (cell, w) in enumerate(zip(line, widths))).rstrip()
        for line in lines
    )


def format_rejection_shares(manifest: Mapping) -> str:
    """The run report's table: rejections per stage and reason, with the share of what the stage read."""
    rows = rejection_shares(manifest)
    if not rows:
        return "rejected per rule: none"
    title = "rejected per rule (share of the documents that stage read):"
    return title + "\n" + format_share_rows(rows, with_source=len(manifest["sources"]) > 1)


# --- streaming the run's files -----------------------------------------------------------------------

def _join(*parts: str) -> str:
    from apache_beam.io.filesystems import FileSystems

    return FileSystems.join(*parts)


def load_manifest(out_dir: str) -> dict:
    """The manifest of a finished run; InspectError if OUT has none (a run writes it last, atomically)."""
    from apache_beam.io.filesystems import FileSystems

    path = _join(out_dir, MANIFEST)
    if not FileSystems.exists(path):
        raise InspectError(f"{out_dir} is not a finished winnow run: {path} not found "
                           "(a run writes its manifest last; a run that failed or is still going has none)")
    with FileSystems.open(path) as handle:
        manifest = json.loads(handle.read())
    if manifest.get("status") != "complete":
        raise InspectError(f"{path} says the run is {manifest.get('status')!r}, not complete")
    return manifest


def iter_lines(directory: str) -> Iterator[bytes]:
    """Every non-empty line of the part-* files in `directory`, in file-name order, one at a time.

    Compression from the extension (the pipeline writes .jsonl.gz; plain .jsonl and other codecs
    Beam knows work too). Local or remote (gs://, s3://) alike, through Beam's FileSystems.
    """
    from apache_beam.io.filesystem import CompressionTypes
    from apache_beam.io.filesystems import FileSystems

    matches = FileSystems.match([_join(directory, "part-*")])[0].metadata_list
    for path in sorted(m.path for m in matches):
        with FileSystems.open(path, compression_type=CompressionTypes.AUTO) as handle:
            for line in iter(handle.readline, b""):
                if line.strip():
                    yield line


class Reservoir:
    """A uniform sample of `size` items from a stream of unknown length (Algorithm R), seeded.

    Seeded by text (e.g. "0/quality/gopher_too_few_words") so each rule's sample depends only on the
    seed and that rule's own stream, not on which other rules were filtered in or out.
    """

    def __init__(self, size: int, seed: str):
        self.size = size
        self.seen = 0
        self.items: list = []
        self._rng = random.Random(seed)

    def offer(self, item) -> None:
        if self.seen < self.size:
            self.items.append(item)
        else:
            slot = self._rng.randint(0, self.seen)
            if slot < self.size:
                self.items[slot] = item
        self.seen += 1


def _may_contain(line: bytes, values: Iterable[Optional[str]]) -> bool:
    """Cheap pre-check before parsing: a record whose line lacks a wanted value verbatim cannot hold it."""
    return all(value is None or json.dumps(value, ensure_ascii=False)[1:-1].encode("utf-8") in line for value in values)


def excerpt(text: str, chars: int) -> str:
    """The first `chars` characters of `text` with every run of whitespace collapsed to one space.

    Walks words lazily so a huge document costs only the excerpt's length.
    """
    words, length = [], 0
    for match in re.finditer(r"\S+", text or ""):
        words.append(match.group())
        length += len(match.group()) + 1
        if length > chars:
            break
    return " ".join(words)[:chars]


# --- sampling --------------------------------------------------------------------------------------

def sample_rejections(out_dir: str, rows: Sequence[ShareRow], samples: int, seed: int, chars: int,
                      source: Optional[str] = None) -> Dict[tuple, List[dict]]:
    """(stage, reason) -> up to `samples` rejection records of that rule, one pass per stage directory."""
    wanted = {(row.stage, row.reason) for row in rows}
    if samples <= 0:
        return {key: [] for key in wanted}
    picked = {key: Reservoir(samples, f"{seed}/{key[0]}/{key[1]}") for key in wanted}
    for stage in sorted({stage for stage, _ in wanted}):
        reasons = [reason for st, reason in wanted if st == stage]
        only_reason = reasons[0] if len(reasons) == 1 else None
        for line in iter_lines(_join(out_dir, "rejected", stage)):
            if not _may_contain(line, (only_reason, source)):
                continue
            record = json.loads(line)
            key = (record.get("stage", stage), record.get("reason"))
            if key in picked and (source is None or record.get("source") == source):
                picked[key].offer(record)
    return {key: [_rejection_sample(r, chars) for r in reservoir.items] for key, reservoir in picked.items()}


def _rejection_sample(record: Mapping, chars: int) -> dict:
    return {
        "id": record.get("id"),
        "source": record.get("source"),
        "origin": record.get("origin"),
        "measurements": record.get("measurements", {}),
        "excerpt": excerpt(record.get("text_preview", ""), chars),
    }


def sample_kept(out_dir: str, sources: Sequence[str], samples: int, seed: int, chars: int,
                stage: Optional[str] = None) -> Dict[str, List[dict]]:
    """source -> up to `samples` kept documents with their scores (only `stage`'s, if given).

    Raw lines go through the reservoir and only the chosen ones are parsed: kept documents carry
    their whole text, so parsing every one would dominate the time on a big run.
    """
    result = {}
    for name in sources:
        reservoir = Reservoir(samples, f"{seed}/kept/{name}")
        if samples > 0:
            for line in iter_lines(_join(out_dir, "docs", name)):
                reservoir.offer(line)
        result[name] = [_kept_sample(json.loads(line), chars, stage) for line in reservoir.items]
    return result


def _kept_sample(doc: Mapping, chars: int, stage: Optional[str]) -> dict:
    scores = doc.get("scores", {})
    if stage:
        scores = {stage: scores[stage]} if stage in scores else {}
    return {
        "id": doc.get("id"),
        "source": doc.get("source"),
        "origin": doc.get("origin"),
        "scores": scores,
        "excerpt": excerpt(doc.get("text", ""), chars),
    }


# --- the command -----------------------------------------------------------------------------------

def _check_filters(manifest: Mapping, stage: Optional[str], source: Optional[str]) -> None:
    """A typo in --stage or --source must say so, not print an empty report."""
    sources = list(manifest["sources"])
    if source and source not in sources:
        raise InspectError(f"no source {source!r} in this run; its sources: {', '.join(sources)}")
    if stage:
        ran = sorted({s for name in sources for s in _stages_run(manifest, name)}, key=_flow_position)
        if stage not in ran:
            raise InspectError(f"no stage {stage!r} ran in this run; its stages: {', '.join(ran)}")


def _group_by_rule(rows: Sequence[ShareRow], samples: Mapping[tuple, List[dict]]) -> List[dict]:
    """One entry per (stage, reason): its headline row, its per-source rows and its samples.

    rejection_shares puts a rule's per-source rows right after its headline row.
    """
    rules: List[dict] = []
    for row in rows:
        if rules and (rules[-1]["stage"], rules[-1]["reason"]) == (row.stage, row.reason):
            rules[-1]["per_source"].append(row.as_dict())
        else:
            rules.append(dict(row.as_dict(), per_source=[], samples=samples[(row.stage, row.reason)]))
    return rules


def inspect_run(out_dir: str, stage: Optional[str] = None, reason: Optional[str] = None,
                source: Optional[str] = None, samples: int = 3, kept: bool = False, seed: int = 0,
                chars: int = 500) -> dict:
    """Everything `winnow inspect` shows, as one JSON-ready dict (the --json output)."""
    manifest = load_manifest(out_dir)
    _check_filters(manifest, stage, source)
    rows = rejection_shares(manifest, stage=stage, reason=reason, source=source)
    report = {
        "output_dir": out_dir,
        "finished_at": manifest.get("finished_at"),
        "sources": list(manifest["sources"]),
        "filters": {"stage": stage, "reason": reason, "source": source},
        "samples_per_rule": samples,
        "seed": seed,
        "rules": _group_by_rule(rows, sample_rejections(out_dir, rows, samples, seed, chars, source)),
        # every stage/reason of the run that rejected anything: what a filter can name
        "all_rules": list(dict.fromkeys(f"{r.stage}/{r.reason}" for r in rejection_shares(manifest))),
    }
    if kept:
        names = [source] if source else list(manifest["sources"])
        kept_samples = sample_kept(out_dir, names, samples, seed, chars, stage)
        report["kept"] = {name: {"written": manifest["sources"][name]["written"], "samples": kept_samples[name]}
                          for name in names}
    return report


def _format_values(values: Mapping) -> str:
    return "  ".join(f"{k}={json.dumps(v, ensure_ascii=False) if isinstance(v, (dict, list)) else v}"
                     for k, v in values.items()) or "(none)"


def _format_sample(index: int, sample: Mapping, values_label: str) -> List[str]:
    lines = [f"  [{index}] {sample['source']}  {sample['id']}  {sample['origin']}"]
    if values_label == "scores":
        lines += [f"      {stage}: {_format_values(values)}" for stage, values in sample["scores"].items()]
    else:
        lines.append(f"      {_format_values(sample['measurements'])}")
    lines.append(f"      \"{sample['excerpt']}\"")
    return lines


def format_report(report: Mapping) -> str:
    """The human-readable form of `inspect_run`'s dict."""
    out = [f"run: {report['output_dir']} (finished {report['finished_at']}); "
           f"{report['samples_per_rule']} samples per rule, seed {report['seed']}", ""]
    rows = [ShareRow(r["stage"], r["reason"], r["source"], r["rejected"], r["stage_read"])
            for rule in report["rules"] for r in [rule] + rule["per_source"]]
    if rows:
        with_source = len(report["sources"]) > 1 and not report["filters"]["source"]
        out.append(format_share_rows(rows, with_source))
    else:
        out.append("nothing was rejected" if not any(report["filters"].values()) else
                   "no rejections match; rules that rejected documents: " + (", ".join(report["all_rules"]) or "none"))
    for rule in report["rules"]:
        if rule["samples"]:
            out += ["", f"{rule['stage']} / {rule['reason']}: {rule['rejected']} rejected" + (
                "" if rule["share"] is None else
                f", {_percent(rule['share'])} of the {rule['stage_read']} documents {rule['stage']} read")]
            for i, sample in enumerate(rule["samples"], 1):
                out += _format_sample(i, sample, "measurements")
    for name, entry in report.get("kept", {}).items():
        out += ["", f"kept in {name}: {len(entry['samples'])} of {entry['written']} documents written"]
        for i, sample in enumerate(entry["samples"], 1):
            out += _format_sample(i, sample, "scores")
    return "\n".join(out)


def add_arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    parser.add_argument("output_dir", metavar="OUT_DIR", help="the output directory of a finished winnow run")
    parser.add_argument("--stage", help="only this stage (with --kept: only its scores)")
    parser.add_argument("--reason", help="only this rejection reason")
    parser.add_argument("--source", help="only this source (shares then computed within it)")
    parser.add_argument("--samples", type=int, default=3, metavar="N",
                        help="samples per rule and, with --kept, per source (default 3)")
    parser.add_argument("--kept", action="store_true", help="also sample kept documents per source, with their scores")
    parser.add_argument("--seed", type=int, default=0, help="seed of the sampling: same seed, same samples (default 0)")
    parser.add_argument("--chars", type=int, default=500, metavar="C",
                        help="characters of text per sample, whitespace collapsed (default 500; "
                             "rejections keep only their first 500 characters)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    return parser


def _parser() -> argparse.ArgumentParser:
    return add_arguments(argparse.ArgumentParser(
        prog="winnow inspect",
        description="What each rule rejected in a finished run: counts, shares of what the stage read, "
                    "and sample documents with the rule's measured values (seeded, reproducible).",
    ))


def main(argv: Optional[Sequence[str]] = None) -> int:
    """`winnow inspect ...` (argv without the word `inspect`). Exit 0 ok, 2 bad usage or not a finished run."""
    args = _parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    try:
        if args.samples < 0 or args.chars < 0:
            raise InspectError("--samples and --chars must be 0 or more")
        report = inspect_run(args.output_dir.rstrip("/") or "/", args.stage, args.reason, args.source,
                             args.samples, args.kept, args.seed, args.chars)
    except InspectError as error:
        print(f"winnow: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        print(format_report(report))
    return EXIT_OK


if __name__ == "__main__":
    import logging

    # Beam warns about missing GCP client libraries at import; noise unless reading gs://.
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger().handlers[0].addFilter(lambda record: not record.getMessage().startswith("apitools not found"))
    sys.exit(main())
