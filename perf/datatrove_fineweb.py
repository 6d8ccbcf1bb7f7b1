#!/usr/bin/env python3
"""datatrove's FineWeb pipeline on a folder of WARC files, for perf/e2e_vs_datatrove.py.

Runs with the datatrove virtual environment's python (perf/e2e_vs_datatrove.py creates it), never
with winnow's: the two stacks pin different trafilatura versions.

    python perf/datatrove_fineweb.py run --input DIR --work DIR [--tasks 2] [--workers 2]
    python perf/datatrove_fineweb.py extract --pages pages.json --out texts.json

`run`: the steps and parameters of datatrove's `examples/fineweb.py`, executed locally with
LocalPipelineExecutor (tasks/workers = the cores to use) instead of Slurm:
  1. WarcReader -> URLFilter -> Trafilatura(favour_precision=True) -> LanguageFilter(["en"], 0.65)
     (FineWeb kept English; datatrove 0.10's LanguageFilter() default is any language, so it is named)
     -> GopherRepetitionFilter -> GopherQualityFilter -> C4QualityFilter(filter_no_terminal_punct=False)
     -> FineWebQualityFilter -> JsonlWriter                                           (WORK/filtered)
  2. MinHash signatures (5-grams, 14 buckets x 8 hashes, 64-bit, seed 1: datatrove's MinhashConfig
     defaults, which are FineWeb's), 3. buckets (one task per bucket), 4. clusters (one task),
  5. MinhashDedupFilter -> JsonlWriter                                                (WORK/output)
The exclusion writers of the original are left out (winnow's side writes its rejections, but
FineWeb's removed/ folders are an optional extra; leaving them out only favours datatrove).
Prints one JSON object: wall seconds of each phase and datatrove's own per-step stats
(time, documents in/out) merged over tasks.

Offline (this machine reaches PyPI only):
  - LanguageFilter loads fastText lid.176 through `cached_asset_path_or_download`, which would fetch
    lid.176.bin from the internet; `--lid-model PATH` copies a local model to the path that cache
    looks at first (e2e_vs_datatrove.py passes winnow's shipped lid.176.ftz, the quantised release of
    the same model, so both pipelines identify languages with the same model file).
  - URLFilter's TLDExtract() downloads the Public Suffix List on first use and falls back to the
    snapshot tldextract ships; it is replaced by TLDExtract(suffix_list_urls=()) (the same snapshot,
    no network attempt).
  - The English word tokenizer of the Gopher, FineWeb, C4 (sentence count) and MinHash steps is
    spaCy's blank "en" pipeline with its rule-based sentencizer (datatrove/assets/
    tokenizer_assignment.csv): `pip install spacy` (not in datatrove's `processing` extra), no model
    download. nltk is installed by that extra but never needs its punkt data for English.
  - fsspec's https filesystem (aiohttp) is imported to compute the asset cache path: `pip install aiohttp`.
  - WarcReader needs the `io` extra (warcio, python-magic). On WARCs without Common Crawl's
    WARC-Identified-Payload-Type header it sniffs each payload with libmagic and drops what it does
    not call HTML (pages opening with a <script> read as application/javascript): e2e_vs_datatrove.py
    adds the header, as Common Crawl's files have it, unless --raw-payload-type.

`extract`: the same Trafilatura settings on a list of decoded pages (JSON: [{"key", "html"}]), one
process, no sandbox: to score extraction alone against ground truth.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import time
from pathlib import Path


def place_lid_model(model_path: str) -> None:
    from datatrove.utils.lid import FT176LID
    from datatrove.io import strip_protocol
    from huggingface_hub import cached_assets_path

    folder = cached_assets_path(library_name="datatrove", namespace="lid", subfolder=FT176LID.MODEL_SUBFOLDER)
    target = os.path.join(folder, strip_protocol(FT176LID.MODEL_URL).replace("/", "_"))
    if not os.path.exists(target + ".completed"):  # datatrove's marker of a finished download
        shutil.copyfile(model_path, target)
        open(target + ".completed", "a").close()


def offline_url_filter(**kwargs):
    from datatrove.pipeline.filters import URLFilter
    from tldextract import TLDExtract

    step = URLFilter(**kwargs)
    step.tldextractor = TLDExtract(suffix_list_urls=())  # the bundled Public Suffix List snapshot
    return step


def merged_stats(logging_dir: Path) -> list:
    """datatrove's stats.json (merged over tasks): per step name, time total and doc counters."""
    path = logging_dir / "stats.json"
    if not path.exists():
        return []
    steps = []
    for entry in json.loads(path.read_text()):
        stats = entry.get("stats", {})
        time_stats = entry.get("time_stats") or {}
        steps.append({
            "name": entry.get("name"),
            "seconds": time_stats.get("total", 0.0),
            "stats": {k: (v.get("total") if isinstance(v, dict) else v) for k, v in stats.items()},
        })
    return steps


def run(args) -> dict:
    from datatrove.executor.local import LocalPipelineExecutor
    from datatrove.pipeline.dedup import MinhashDedupCluster, MinhashDedupFilter, MinhashDedupSignature
    from datatrove.pipeline.dedup.minhash import MinhashConfig, MinhashDedupBuckets
    from datatrove.pipeline.extractors import Trafilatura
    from datatrove.pipeline.filters import (C4QualityFilter, FineWebQualityFilter, GopherQualityFilter,
                                            GopherRepetitionFilter, LanguageFilter)
    from datatrove.pipeline.readers import JsonlReader, WarcReader
    from datatrove.pipeline.writers.jsonl import JsonlWriter

    if args.lid_model:
        place_lid_model(args.lid_model)
    work = Path(args.work)
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    minhash = MinhashConfig(n_grams=args.ngram, num_buckets=args.bands, hashes_per_bucket=args.rows, seed=1)

    steps = [WarcReader(args.input, glob_pattern=args.glob)]
    if not args.no_url_filter:
        steps.append(offline_url_filter())
    steps.append(Trafilatura(favour_precision=True))
    if not args.no_language_filter:
        steps.append(LanguageFilter(languages=["en"], language_threshold=0.65))
    steps += [
        GopherRepetitionFilter(),
        GopherQualityFilter(),
        C4QualityFilter(filter_no_terminal_punct=False),
        FineWebQualityFilter(),
        JsonlWriter(str(work / "filtered")),
    ]
    phases = [
        ("filter", steps, args.tasks),
        ("minhash_signatures", [JsonlReader(str(work / "filtered")),
                                MinhashDedupSignature(output_folder=str(work / "signatures"), config=minhash)],
         args.tasks),
        ("minhash_buckets", [MinhashDedupBuckets(input_folder=str(work / "signatures"),
                                                 output_folder=str(work / "buckets"), config=minhash)],
         minhash.num_buckets),
        ("minhash_cluster", [MinhashDedupCluster(input_folder=str(work / "buckets"),
                                                 output_folder=str(work / "remove_ids"), config=minhash)], 1),
        ("minhash_filter", [JsonlReader(str(work / "filtered")),
                            MinhashDedupFilter(input_folder=str(work / "remove_ids")),
                            JsonlWriter(str(work / "output"))], args.tasks),
    ]
    result = {"phases": []}
    started = time.perf_counter()
    for name, pipeline, tasks in phases:
        t0 = time.perf_counter()
        LocalPipelineExecutor(pipeline=pipeline, tasks=tasks, workers=args.workers,
                              logging_dir=str(work / "logs" / name)).run()
        result["phases"].append({"name": name, "tasks": tasks, "wall_seconds": time.perf_counter() - t0,
                                 "steps": merged_stats(work / "logs" / name)})
    result["wall_seconds"] = time.perf_counter() - started
    return result


def extract(args) -> None:
    from datatrove.pipeline.extractors import Trafilatura

    step = Trafilatura(favour_precision=True)
    pages = json.loads(Path(args.pages).read_text())
    out = {}
    started = time.perf_counter()
    for page in pages:  # pages: [{"key", "html"}], decoded by the caller as winnow decodes them
        out[page["key"]] = step.extract(page["html"]) or ""
    Path(args.out).write_text(json.dumps({"texts": out, "seconds": time.perf_counter() - started}))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    r = commands.add_parser("run")
    r.add_argument("--input", required=True, help="folder of WARC files")
    r.add_argument("--glob", default="*.warc.gz")
    r.add_argument("--work", required=True, help="output folder (emptied first)")
    r.add_argument("--tasks", type=int, default=2)
    r.add_argument("--workers", type=int, default=2)
    r.add_argument("--ngram", type=int, default=5)
    r.add_argument("--bands", type=int, default=14)
    r.add_argument("--rows", type=int, default=8)
    r.add_argument("--lid-model", help="local lid.176 fastText model placed where datatrove's cache looks")
    r.add_argument("--no-url-filter", action="store_true")
    r.add_argument("--no-language-filter", action="store_true")
    r.add_argument("--summary", help="write the JSON summary here too")
    e = commands.add_parser("extract")
    e.add_argument("--pages", required=True)
    e.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    if args.command == "extract":
        extract(args)
        return
    result = run(args)
    text = json.dumps(result, indent=1)
    if args.summary:
        Path(args.summary).write_text(text)
    print(text)


if __name__ == "__main__":
    main()
