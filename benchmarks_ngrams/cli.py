"""`winnow benchmarks ...`: the registry, the index, and checking text against it.

    winnow benchmarks list
    winnow benchmarks build-index [--output PATH] [--benchmark NAME ...]
    winnow benchmarks check FILE [--index PATH] [--show N] [--json]

Also `python -m benchmarks_ngrams.cli ...`. Exit codes: 0 ok, 2 bad usage, 1 a failure.
"""
from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from typing import Iterator, List, Optional, Sequence, Tuple

from benchmarks_ngrams.ngrams import MIN_WHOLE_WORDS

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="winnow benchmarks",
        description="The benchmark registry and the n-gram index that stage `decontaminate` reads.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    commands.add_parser("list", help="the registered benchmarks: licence, format, files, evaluation fields")
    build = commands.add_parser(
        "build-index", help="build the n-gram index and print what it holds",
        description="Build the n-gram index of the registered benchmarks (all by default) and print per "
                    "benchmark its n, items, texts, n-grams, texts matched whole and skipped.")
    build.add_argument("--output", metavar="PATH",
                       help="where to write the index (.npz; local or gs://...). Default, for all benchmarks: "
                            "the default index's cache file ($WINNOW_CACHE_DIR or ~/.cache/winnow)")
    build.add_argument("--benchmark", metavar="NAME", action="append", help="only this benchmark (repeatable)")
    check = commands.add_parser(
        "check", help="which benchmarks a text collides with, and on which n-grams",
        description="Check documents against the index. FILE: a text file (one document), - for stdin, or "
                    ".jsonl / .jsonl.gz with a `text` field (one document per line, named by `id` if present).")
    check.add_argument("file", metavar="FILE")
    check.add_argument("--index", metavar="PATH", help="an index file (default: the shipped benchmarks' index)")
    check.add_argument("--show", type=int, default=10, metavar="N", help="n-grams printed per document (default 10)")
    check.add_argument("--json", action="store_true", help="one JSON line per document with every collision")
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "list":
            return list_command()
        if args.command == "build-index":
            return build_command(args.output, args.benchmark or [])
        return check_command(args.file, args.index, args.show, args.json)
    except KeyError as exc:  # an unknown benchmark name
        print(f"error: {exc.args[0]}", file=sys.stderr)
        return EXIT_USAGE
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_FAILED


def list_command() -> int:
    from benchmarks_ngrams.registry import load_registry

    registry = load_registry()
    print(f"{'benchmark':<14} {'n':>4}  {'format':<9} {'files':>5}  {'license':<24} fields")
    for b in registry.values():
        fields = ", ".join(f.path + (" (split)" if f.split else "") for f in b.fields)
        print(f"{b.name:<14} {b.n or 'rule':>4}  {b.format:<9} {len(b.files):>5}  {b.license[:24]:<24} {fields}")
    print(f"{len(registry)} benchmarks; n 'rule' = chosen from the text lengths at build time "
          "(benchmarks_ngrams/ngrams.py)")
    return EXIT_OK


def build_command(output: Optional[str], names: List[str]) -> int:
    from benchmarks_ngrams.index import BenchmarkIndex, build_index, default_index_path
    from benchmarks_ngrams.registry import select

    chosen = select(names)  # KeyError for an unknown name, before any work
    if output is None:
        if names:
            print("error: --output is required with --benchmark (the default path holds the full index)",
                  file=sys.stderr)
            return EXIT_USAGE
        output = default_index_path()
    started = time.perf_counter()
    build_index(chosen, output)
    seconds = time.perf_counter() - started
    print_description(BenchmarkIndex.load(output).describe())
    print(f"built in {seconds:.1f} s")
    return EXIT_OK


def print_description(info: dict) -> None:
    print(f"{'benchmark':<14} {'n':>3} {'items':>7} {'texts':>7} {'n-grams':>9} {'whole':>7} {'skipped':>8}  license")
    for name, b in info["benchmarks"].items():
        print(f"{name:<14} {b['n']:>3} {b['items']:>7} {b['texts']:>7} {b['ngrams']:>9} {b['whole']:>7} "
              f"{b['skipped']:>8}  {b['license']}")
    by_n = ", ".join(f"{n}: {count}" for n, count in info["ngrams_by_n"].items())
    print(f"distinct n-grams: {info['ngrams']} ({by_n}); benchmark sets: {info['benchmark_sets']}")
    print(f"index: {info['path']}  {info['bytes'] / 1e6:.1f} MB on disk, {info['memory_bytes'] / 1e6:.1f} MB in memory "
          f"(format {info['format_version']}, content {info['content_hash'][:16]})")
    print(f"texts: evaluation texts; whole: texts shorter than n (>= {MIN_WHOLE_WORDS} words, or n) matched whole; "
          "skipped: shorter texts")


def check_command(path: str, index_path: Optional[str], show: int, as_json: bool) -> int:
    from benchmarks_ngrams.index import BenchmarkIndex

    index = BenchmarkIndex.load(index_path) if index_path else BenchmarkIndex.default()
    documents = colliding = 0
    for doc_id, text in read_documents(path):
        documents += 1
        hits = index.collisions(text)
        colliding += bool(hits)
        benchmarks = sorted({b for hit in hits for b in hit.benchmarks})
        if as_json:
            print(json.dumps({"id": doc_id, "benchmarks": benchmarks,
                              "collisions": [{"n": h.n, "benchmarks": list(h.benchmarks), "text": h.text,
                                              "key": h.key} for h in hits]}, ensure_ascii=False))
            continue
        if not hits:
            print(f"{doc_id}: clean")
            continue
        print(f"{doc_id}: collides with {', '.join(benchmarks)} on {len(hits)} n-gram(s)")
        for hit in hits[:show]:
            print(f"  [{hit.n:>2}] {','.join(hit.benchmarks)}: {hit.text}")
        if len(hits) > show:
            print(f"  ... and {len(hits) - show} more")
    if not as_json:
        print(f"{colliding} of {documents} document(s) collide with a benchmark ({len(index.benchmarks)} in the index)")
    return EXIT_OK


def read_documents(path: str) -> Iterator[Tuple[str, str]]:
    """(id, text) of every document of FILE (see `check --help`)."""
    if path == "-":
        yield "stdin", sys.stdin.read()
        return
    if path.endswith(".jsonl") or path.endswith(".jsonl.gz"):
        opener = gzip.open if path.endswith(".gz") else open
        with opener(path, "rb") as handle:
            for line_number, line in enumerate(handle, 1):
                if line.strip():
                    record = json.loads(line)
                    yield str(record.get("id", f"{path}:{line_number}")), record["text"]
        return
    with open(path, "r", encoding="utf-8", errors="replace") as handle:
        yield path, handle.read()


if __name__ == "__main__":
    sys.exit(main())
