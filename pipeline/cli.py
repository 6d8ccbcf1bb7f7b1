"""The `winnow` command line.

    winnow run [--config FILE] [--output DIR] [--overwrite] [beam pipeline options]
    winnow run --input GLOB [--input GLOB ...] [--kind KIND] [--stages a,b,...] --output DIR

Exit codes: 0 ok, 2 bad usage or config, 1 the run failed.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import os
import sys
import time
from datetime import datetime, timezone
from typing import List, Optional, Sequence

from pipeline import __version__

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
DEFAULT_OUTPUT = "winnow-out"


class UsageError(Exception):
    """Bad command-line usage; reported with exit code 2."""


def _stage_list(text: str) -> List[str]:
    return [name.strip() for name in text.split(",") if name.strip()]


def _parser() -> argparse.ArgumentParser:
    from transforms.document import SOURCE_KINDS
    from transforms.registry import STAGE_ORDER

    parser = argparse.ArgumentParser(
        prog="winnow",
        description="Curate LLM pre-training data: raw crawls, code, math and corpora in, training data out.",
    )
    parser.add_argument("--version", action="version", version=f"winnow {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    run = commands.add_parser(
        "run",
        help="run the curation pipeline (on the bundled sample when given no config or input)",
        description=(
            "Run the curation pipeline. With no --config and no --input it runs the bundled sample "
            "(pipeline/default_config.yaml). Any other --option is passed to Apache Beam unchanged "
            "(--runner, --direct_running_mode, --direct_num_workers, --project, --region, "
            "--temp_location ...)."
        ),
        epilog=f"stages, in flow order: {', '.join(STAGE_ORDER)}.",
    )
    run.add_argument("--config", metavar="FILE", help="the run configuration (YAML); default: the bundled sample's")
    run.add_argument("--output", metavar="DIR", default=DEFAULT_OUTPUT, help=f"output directory, local or remote (default: {DEFAULT_OUTPUT})")
    run.add_argument("--overwrite", action="store_true", help="replace the output directory's contents if it is not empty")
    run.add_argument("--input", metavar="GLOB", action="append", help="quick run without a config: files to read (repeatable)")
    run.add_argument("--kind", choices=SOURCE_KINDS, default="web", help="with --input: what kind of data it is (default: web)")
    run.add_argument("--stages", type=_stage_list, metavar="A,B,...", help="run only these stages (kept in flow order)")
    run.add_argument("--progress-seconds", type=float, default=30.0, metavar="S",
                     help="print each stage's counts on every worker every S seconds (0: never; default 30)")
    run.add_argument("-v", "--verbose", action="store_true", help="show Beam's progress logs")

    tokenizer = commands.add_parser("tokenizer", help="train the SentencePiece BPE tokenizer")
    tokenizer_commands = tokenizer.add_subparsers(dest="tokenizer_command", metavar="COMMAND", required=True)
    train = tokenizer_commands.add_parser(
        "train",
        help="train a BPE model with the report's settings",
        description=(
            "Train a SentencePiece BPE model with the AFM report's settings: digits split, byte fallback, "
            "no normalisation, whitespace kept, <unk>=0 <s>=1 </s>=2 <pad>=3. Inputs: JSONL globs "
            "(the `text` field, e.g. OUT/docs/*/*.jsonl.gz) or text files."
        ),
    )
    train.add_argument("--input", metavar="GLOB", action="append", required=True, help="documents to learn from (repeatable)")
    train.add_argument("--output", metavar="PREFIX", required=True, help="writes PREFIX.model and PREFIX.settings.json")
    train.add_argument("--vocab-size", type=int, default=49152,
                       help="49152 (the report's on-device size, default) or 100352 (server)")
    train.add_argument("--max-chunks", type=int, default=200_000,
                       help="chunks of at most 8 KiB sampled for training: bounds memory (default 200000)")
    train.add_argument("--seed", type=int, default=0, help="seed of the sample")
    train.add_argument("--threads", type=int, default=2, help="training threads")
    train.add_argument("-v", "--verbose", action="store_true", help="show SentencePiece's training log")

    mix = commands.add_parser(
        "mix",
        help="a training stage's sampling plan from mixture weights and a run's token counts",
        description="Write the sampling plan of one training stage (core, continued, context_lengthening ...): "
                    "per source its weight, target tokens, epochs and shards. Default output: OUT/mixtures/<stage>.json.",
    )
    mix.add_argument("--run", metavar="OUT", required=True, help="the output directory of a winnow run")
    mix.add_argument("--mixture", metavar="FILE", required=True, help="mixture YAML (see pipeline/mixtures/afm_stages.yaml)")
    mix.add_argument("--stage", required=True, help="the training stage in the mixture file")
    mix.add_argument("--output", metavar="FILE", help="where to write the plan (JSON)")
    finalize = commands.add_parser(
        "finalize", help="write the manifest and report of a job that ran without `winnow run` waiting for it",
        description="For a job launched to run on its own (a Dataflow Flex Template): once it has finished, "
                    "write OUT/manifest.json and OUT/report.html from what it wrote (counts and shards are "
                    "exact; the runner's per-stage metrics are not available here).")
    finalize.add_argument("run", metavar="OUT", help="the job's output directory")
    finalize.add_argument("--config", metavar="FILE", help="the job's configuration (default: the bundled sample's)")
    finalize.add_argument("--stages", type=_stage_list, metavar="A,B,...", help="as given to the job")
    finalize.set_defaults(input=None, kind="web")
    report = commands.add_parser(
        "report", help="(re)write OUT/report.html of a finished run",
        description="Write the run's self-contained HTML report (funnel, rejections with examples, score "
                    "histograms, dedup clusters, contamination, tokens, configuration). A run writes it at its end.")
    report.add_argument("run", metavar="OUT", help="the output directory of a finished winnow run")
    report.add_argument("--sample-docs", type=int, default=20_000,
                        help="kept documents sampled for the score histograms (default 20000)")
    report.add_argument("--examples", type=int, default=3, help="example documents per rejection reason (default 3)")
    # Listed for --help only: main() hands these to their own parsers before this one runs.
    commands.add_parser("inspect", help="what each rule rejected in a finished run, with sample documents "
                                        "(winnow inspect OUT --help)")
    commands.add_parser("crawl", help="crawl the web politely into WARC files (winnow crawl --help)")
    commands.add_parser("benchmarks", help="the decontamination index: winnow benchmarks "
                                           "{build-index,check,list} --help")
    commands.add_parser("classifiers", help="train or evaluate a classifier: winnow classifiers "
                                            "{train,evaluate,build-default} {quality,math,safety} --help")
    return parser


def _load(args):
    from pipeline.config import default_config_path, load_config, parse_config
    from transforms.registry import DEFAULT_STAGES_BY_KIND

    if args.input and args.config:
        raise UsageError("give either --config or --input, not both")
    if args.input:
        stages = args.stages or list(DEFAULT_STAGES_BY_KIND[args.kind])
        raw = {"sources": [{"name": args.kind, "kind": args.kind, "paths": args.input, "stages": stages}]}
        if args.kind == "code":  # rows of code dumps hold the file in `content` (The Stack's column)
            raw["sources"][0]["read"] = {"text_key": "content"}
        return parse_config(raw, "--input", only_stages=args.stages)
    return load_config(args.config or default_config_path(), only_stages=args.stages)


def unknown_beam_flags(beam_args: Sequence[str]) -> List[str]:
    """The --flags that no Beam PipelineOptions class declares: typos, caught before the run."""
    from apache_beam.options.pipeline_options import PipelineOptions

    parser = argparse.ArgumentParser(add_help=False)
    for cls in PipelineOptions.__subclasses__() + [PipelineOptions]:
        _add_options_of(cls, parser)
    _, unknown = parser.parse_known_args(list(beam_args))
    return [arg for arg in unknown if arg.startswith("-")]


def _add_options_of(cls, parser) -> None:
    for subclass in cls.__subclasses__():
        _add_options_of(subclass, parser)
    try:
        cls._add_argparse_args(parser)
    except argparse.ArgumentError:  # options declared by two classes
        pass


# What a winnow run writes at the top of its output directory; --overwrite deletes nothing else.
# Written when a run starts and deleted after its manifest: a directory holding it and no manifest
# is a run that was killed midway, which the next run into it replaces without --overwrite.
RUN_MARKER = "_run_in_progress.json"
_OUTPUT_ENTRIES = {RUN_MARKER, "docs", "rejected", "errors", "manifest.json", "manifest.json.tmp", "_counts", "_shards",
                   "report.html", "shards", "packed", "tokenizer", "mixtures",
                   "fuzzy_dedup",  # components.json: the rounds its connected components took
                   "decontaminate"}  # report.json: per benchmark, documents removed, n-grams common


def delete_tree(path: str) -> None:
    """Delete a directory and everything below it, locally or on an object store (a prefix)."""
    from apache_beam.io.filesystems import FileSystems

    if "://" not in path:
        import shutil

        shutil.rmtree(path, ignore_errors=True)
    elif FileSystems.match([path.rstrip("/") + "/**"])[0].metadata_list:
        FileSystems.delete([path.rstrip("/") + "/"])


def _prepare_output(output_dir: str, overwrite: bool) -> None:
    """Make the output directory ready for a run, which always starts from nothing:
    - empty: go;
    - an interrupted run's output (the run marker, no manifest): deleted, the run starts over —
      a restart never mixes old and new shards, and only a finished run writes a manifest;
    - a finished run's output: refused unless --overwrite, then deleted;
    - anything winnow did not write: refused (a typo in --output must not wipe a home directory).
    Only winnow's own entries are ever deleted. Works by listing (`dir/**`), not `exists`, because
    object stores (gs://, s3://) have no directories: a prefix never "exists" there.
    """
    from apache_beam.io.filesystems import FileSystems

    contents = FileSystems.match([FileSystems.join(output_dir, "**")])[0].metadata_list
    if not contents:
        return
    prefix = output_dir.rstrip("/") + "/"
    top_level = {m.path[len(prefix):].split("/", 1)[0] if m.path.startswith(prefix) else m.path for m in contents}
    interrupted = RUN_MARKER in top_level and "manifest.json" not in top_level
    if not overwrite and not interrupted:
        raise UsageError(f"output directory {output_dir} is not empty; pass --overwrite to replace it")
    foreign = sorted(top_level - _OUTPUT_ENTRIES)
    if foreign:
        raise UsageError(f"output directory {output_dir} holds files winnow did not write ({', '.join(foreign[:3])}); "
                         "refusing to overwrite it")
    if interrupted:
        print(f"winnow: {output_dir} holds a run that stopped before it finished (no manifest); starting over",
              file=sys.stderr)
    delete_tree(output_dir)


def deferred_job(options) -> Optional[str]:
    """What the pipeline options build to run later, or None when `run` runs the job itself:
    a Dataflow template (--template_location), a runner's executable jar (--output_executable_path),
    a translation only (--dry_run)."""
    from apache_beam.options.pipeline_options import GoogleCloudOptions, PortableOptions, TestOptions

    if options.view_as(GoogleCloudOptions).template_location:
        return f"the Dataflow template {options.view_as(GoogleCloudOptions).template_location}"
    if options.view_as(PortableOptions).output_executable_path:
        return f"the job jar {options.view_as(PortableOptions).output_executable_path}"
    if options.view_as(TestOptions).dry_run:
        return "a dry run (the job was translated, not submitted)"
    return None


def start_run(output_dir: str, config, overwrite: bool) -> str:
    """Make OUT ready (see _prepare_output) and mark a run in progress; returns its start time.
    Also the first step of launchers that submit without waiting (deploy/dataflow's entry point)."""
    from pipeline import manifest as manifests

    _prepare_output(output_dir, overwrite)
    started_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
    manifests.write_atomically(f"{output_dir}/{RUN_MARKER}",
                               json.dumps({"started_at": started_at, "config": config.file}) + "\n")
    return started_at


def run_command(args, beam_args: Sequence[str]) -> int:
    import apache_beam as beam
    from apache_beam.options.pipeline_options import PipelineOptions

    from pipeline import manifest as manifests
    from pipeline.build import build_pipeline

    config = _load(args)
    unknown = unknown_beam_flags(beam_args)
    if unknown:
        raise UsageError(f"unknown option {unknown[0]} (not a winnow option, nor an Apache Beam pipeline option)")
    output_dir = args.output.rstrip("/") or "/"
    options = PipelineOptions(_quiet_worker_options(beam_args, args.verbose))
    deferred = deferred_job(options)
    if deferred:  # nothing runs now: build the artifact, leave the output directory alone
        pipeline = beam.Pipeline(options=options)
        build_pipeline(pipeline, config, output_dir)
        pipeline.run().wait_until_finish()
        print(f"winnow: built {deferred}; documents are read when it runs, into {output_dir}. No manifest is "
              "written here (a manifest says a run finished).", file=sys.stderr)
        return EXIT_OK

    from transforms.stage import PROGRESS_ENV

    os.environ[PROGRESS_ENV] = str(max(args.progress_seconds, 0.0))  # read by every worker's counters
    started = time.time()
    started_at = start_run(output_dir, config, args.overwrite)
    pipeline = beam.Pipeline(options=options)
    build_pipeline(pipeline, config, output_dir)
    result = pipeline.run()
    result.wait_until_finish()
    elapsed = time.time() - started

    return finish_run(config, output_dir, started_at, elapsed, beam_args, manifests.query_metrics(result))


def finish_run(config, output_dir: str, started_at: str, elapsed: Optional[float], beam_args: Sequence[str],
               metric_results) -> int:
    """The manifest (and report) of a finished run, from what the pipeline wrote under OUT (_counts,
    _shards: exact) and the runner's metrics (the per-stage funnel; empty when unavailable)."""
    from apache_beam.io.filesystems import FileSystems

    from pipeline import manifest as manifests
    from pipeline.build import COUNTS_DIR

    counts = manifests.read_json_lines(output_dir, COUNTS_DIR)
    sources = manifests.summarise_counts(counts, [s.name for s in config.sources])
    funnel = manifests.stage_funnel(metric_results)
    for name, entry in sources.items():
        stages = funnel.get(name, {})
        entry["skipped_records"] = stages.get("read", {}).get("skipped", {})
        entry["stages"] = {stage: counts for stage, counts in stages.items() if stage != "read"}
    shards = manifests.read_shard_records(output_dir)
    tokenizer = None
    if "tokenize" in config.global_params and any("tokenize" in s.stages for s in config.sources):
        tokenizer = manifests.copy_tokenizer(config.global_params["tokenize"], output_dir)
    for source in config.sources:
        entry = sources[source.name]
        entry["tokens"] = sum(s["tokens"] for s in shards if s["source"] == source.name)
        entry["license_terms"] = dataclasses.asdict(source.license) if source.license else None
    manifest = {
        "status": "complete",
        "started_at": started_at,
        "finished_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "wall_seconds": round(elapsed, 3) if elapsed is not None else None,
        "output_dir": output_dir,
        "config": config.resolved(),
        "pipeline_options": list(beam_args),
        "versions": manifests.package_versions(),
        "sources": sources,
        "conserved": all(entry["conserved"] for entry in sources.values()),
        "tokenizer": tokenizer,
        "shards": shards,
        "tokens_per_source": {name: entry["tokens"] for name, entry in sources.items()},
        "decontamination": manifests.read_stage_report(output_dir, "decontaminate", "report.json"),
    }
    delete_tree(FileSystems.join(output_dir, COUNTS_DIR))
    delete_tree(FileSystems.join(output_dir, manifests.SHARD_INFO_DIR))
    path = manifests.write_manifest(output_dir, manifest)
    marker = FileSystems.join(output_dir, RUN_MARKER)
    if FileSystems.exists(marker):
        FileSystems.delete([marker])
    _print_summary(manifest, path)
    _write_report(output_dir, manifest)
    if not manifest["conserved"]:
        print("winnow: error: documents were lost (read != written + rejected + errors); see the manifest", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


def finalize_command(args) -> int:
    """`winnow finalize OUT --config FILE`: the manifest of a job that ran elsewhere without waiting
    (a Dataflow Flex Template): the same manifest `winnow run` writes, less the runner's metrics."""
    from apache_beam.io.filesystems import FileSystems

    from pipeline.build import COUNTS_DIR

    output_dir = args.run.rstrip("/") or "/"
    if FileSystems.exists(FileSystems.join(output_dir, "manifest.json")):
        raise UsageError(f"{output_dir} already has a manifest: the run was finalized")
    if not FileSystems.match([FileSystems.join(output_dir, COUNTS_DIR, "part*")])[0].metadata_list:
        raise UsageError(f"{output_dir}/{COUNTS_DIR} has no counts: the job has not finished (or wrote elsewhere)")
    started_at, elapsed = None, None
    marker = FileSystems.join(output_dir, RUN_MARKER)
    if FileSystems.exists(marker):
        with FileSystems.open(marker) as handle:
            started_at = json.loads(handle.read()).get("started_at")
    if started_at:
        elapsed = (datetime.now(timezone.utc) - datetime.fromisoformat(started_at)).total_seconds()
    return finish_run(_load(args), output_dir, started_at, elapsed, [], {})


def report_command(args) -> int:
    from pipeline.inspect import InspectError
    from pipeline.report import write_report

    try:
        path = write_report(args.run.rstrip("/"), sample_docs=args.sample_docs, examples=args.examples)
    except InspectError as error:
        raise UsageError(str(error)) from None
    print(f"winnow: report written to {path}")
    return EXIT_OK


def mix_command(args) -> int:
    from apache_beam.io.filesystems import FileSystems

    from pipeline.mixture import format_plan, load_mixture, plan_mixture, write_plan

    manifest_path = FileSystems.join(args.run, "manifest.json")
    if not FileSystems.exists(manifest_path):
        raise UsageError(f"{manifest_path} not found: --run must be the output directory of a complete winnow run")
    with FileSystems.open(manifest_path) as handle:
        manifest = json.loads(handle.read())
    plan = plan_mixture(manifest, load_mixture(args.mixture, args.stage))
    plan["run"] = args.run
    output = args.output or FileSystems.join(args.run, "mixtures", f"{args.stage}.json")
    write_plan(plan, output)
    print(format_plan(plan))
    print(f"plan: {output}")
    return EXIT_OK


def tokenizer_command(args) -> int:
    from pipeline.tokenizer_train import train_command
    from transforms.tokenize import TokenizerSettings

    if args.vocab_size < 300:
        raise UsageError("--vocab-size must leave room for 256 byte pieces and the special tokens (≥ 300)")
    if args.max_chunks < 1:
        raise UsageError("--max-chunks must be at least 1")
    settings = TokenizerSettings(vocab_size=args.vocab_size, num_threads=args.threads)
    try:
        train_command(args.input, args.output, settings, args.max_chunks, args.seed, args.verbose)
    except FileNotFoundError as error:
        raise UsageError(str(error)) from None
    return EXIT_OK


def _write_report(output_dir: str, manifest) -> None:
    """The HTML report; a failure to draw it never fails a finished run (`winnow report OUT` retries)."""
    from pipeline.report import write_report

    try:
        print(f"report:    {write_report(output_dir, manifest=manifest)}")
    except Exception as error:  # the run's data is complete and its manifest written
        print(f"winnow: warning: the report could not be written ({type(error).__name__}: {error}); "
              f"try `winnow report {output_dir}`", file=sys.stderr)


def _print_summary(manifest, path: str) -> None:
    print(f"winnow: run complete in {manifest['wall_seconds']:.1f} s")
    print(f"{'source':<14}{'read':>8}{'written':>9}{'rejected':>10}{'errors':>8}{'tokens':>12}")
    for name, entry in manifest["sources"].items():
        print(f"{name:<14}{entry['read']:>8}{entry['written']:>9}{entry['rejected_total']:>10}"
              f"{entry['errors_total']:>8}{entry['tokens']:>12,}")
    out = manifest["output_dir"]
    print(f"documents: {out}/docs/<source>/   rejections: {out}/rejected/<stage>/   dead letters: {out}/errors/")
    if manifest["shards"]:
        print(f"shards:    {out}/shards/<source>/ ({len(manifest['shards'])} files)   tokenizer: {out}/tokenizer/")
    print(f"manifest:  {path}")
    from pipeline.inspect import format_rejection_shares

    print(format_rejection_shares(manifest))


class _DropBeamImportNoise(logging.Filter):
    """Beam warns about missing GCP client libraries at import; irrelevant unless running on GCP."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("apitools not found")


def _configure_logging(verbose: bool) -> None:
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s", force=True)
    for handler in logging.getLogger().handlers:
        handler.addFilter(_DropBeamImportNoise())
    if not verbose:  # trafilatura logs every page it finds no body in; the rejections record that
        logging.getLogger("trafilatura").setLevel(logging.CRITICAL)  # "empty HTML tree" is an ERROR there
        logging.getLogger("apache_beam.runners.portability.local_job_service").setLevel(logging.ERROR)


def _quiet_worker_options(beam_args: Sequence[str], verbose: bool) -> List[str]:
    """Beam's worker processes (multi_processing, portable runners) log at INFO unless told not to."""
    args = list(beam_args)
    if verbose:
        return args
    if not any(a.startswith("--default_sdk_harness_log_level") for a in args):
        args.append("--default_sdk_harness_log_level=WARNING")
    if not any(a.startswith("--sdk_harness_log_level_overrides") for a in args):
        args.append('--sdk_harness_log_level_overrides={"trafilatura": "CRITICAL"}')
    return args


CLASSIFIER_COMMANDS = ("train", "evaluate", "build-default")


def classifiers_command(argv: Sequence[str]) -> int:
    """`winnow classifiers ACTION NAME ...`: the classifier module's own command line."""
    usage = ("usage: winnow classifiers {train,evaluate,build-default} {quality,math} [options]\n"
             "       winnow classifiers {train,evaluate} safety [options]\n"
             "(options: winnow classifiers ACTION NAME --help)")
    if len(argv) < 2 or argv[0] not in CLASSIFIER_COMMANDS or argv[1] not in ("quality", "math", "safety"):
        print(usage, file=sys.stderr)
        return EXIT_USAGE
    action, name, rest = argv[0], argv[1], list(argv[2:])
    if name == "quality":
        from classifiers.quality import main as classifier_main
    elif name == "math":  # the same commands and options as quality's
        from classifiers.math import main as classifier_main
    else:
        from classifiers.safety import main as classifier_main

        if action == "build-default":
            print(usage, file=sys.stderr)
            return EXIT_USAGE
        action = {"evaluate": "eval"}.get(action, action)
    return classifier_main([action] + rest) or 0


def main(argv: Optional[Sequence[str]] = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    _configure_logging("-v" in argv or "--verbose" in argv)
    if argv[:1] == ["inspect"]:  # its own parser and exit codes: pipeline/inspect.py
        from pipeline.inspect import main as inspect_main

        return inspect_main(argv[1:])
    if argv[:1] == ["classifiers"]:
        return classifiers_command(argv[1:])
    if argv[:1] == ["crawl"]:  # its own parser and exit codes: pipeline/crawl/cli.py
        from pipeline.crawl.cli import main as crawl_main

        return crawl_main(argv[1:])
    if argv[:1] == ["benchmarks"]:  # build-index, check, list: benchmarks_ngrams/cli.py
        from benchmarks_ngrams.cli import main as benchmarks_main

        return benchmarks_main(argv[1:]) or 0
    parser = _parser()
    args, beam_args = parser.parse_known_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    if args.command != "run" and beam_args:
        parser.error(f"unrecognized arguments: {' '.join(beam_args)}")
    from transforms.params import ConfigError

    try:
        if args.command == "tokenizer":
            return tokenizer_command(args)
        if args.command == "mix":
            return mix_command(args)
        if args.command == "report":
            return report_command(args)
        if args.command == "finalize":
            return finalize_command(args)
        return run_command(args, beam_args)
    except (ConfigError, UsageError) as error:
        print(f"winnow: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("winnow: interrupted", file=sys.stderr)
        return EXIT_FAILED
    except Exception as error:  # the run itself failed: say what, exit 1
        logging.getLogger("winnow").debug("run failed", exc_info=True)
        print(f"winnow: error: the run failed: {type(error).__name__}: {error}", file=sys.stderr)
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
