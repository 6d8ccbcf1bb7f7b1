#!/usr/bin/env python3
"""Peak memory and wall time of stage `fuzzy_dedup` in Beam on many documents, against a baseline
pipeline that reads and writes the same documents without it, same run.

    python perf/fuzzy_dedup_memory.py [--docs 100000] [--words 300] [--runner FnApiRunner]

Documents: --words words drawn at random (by frequency) from the words of the real Common Crawl
texts shipped in pipeline/sample/cc_text and tests/data/web_text (only ~70k words: windows cut from
them would overlap and all be near-duplicates of each other), plus a near-copy (2% of words
edited) of every tenth one, so the stage has real clusters to find: 1/11 of the documents should go. They are written once to a JSON-lines file in a temporary
directory. Each pipeline then runs in its own process (`ReadFromText -> Document -> [stage] ->
WriteToText`) and reports its peak RSS (ru_maxrss) and wall time; the stage's cost is the difference
from the baseline's.
"""
from __future__ import annotations

import argparse
import glob
import gzip
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def build_documents(path: Path, n: int, words_per_doc: int, seed: int = 0) -> int:
    files = sorted(glob.glob(str(ROOT / "pipeline/sample/cc_text/*.jsonl.gz")))
    files += sorted(glob.glob(str(ROOT / "tests/data/web_text/*.jsonl.gz")))
    words = []
    for name in files:
        with gzip.open(name, "rt", encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    words.extend(json.loads(line)["text"].split())
    rng = random.Random(seed)
    written = 0
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            doc = rng.choices(words, k=words_per_doc)
            out.write(json.dumps({"id": f"d{i}", "text": " ".join(doc)}) + "\n")
            written += 1
            if i % 10 == 0 and written < n:
                copy = [rng.choice(doc) if rng.random() < 0.02 else w for w in doc]
                out.write(json.dumps({"id": f"d{i}-copy", "text": " ".join(copy)}) + "\n")
                written += 1
            if written >= n:
                break
    return written


def run_one(path: str, out_dir: str, with_stage: bool, runner: str) -> None:
    """Child process: one pipeline; prints a JSON line with its peak RSS and wall time."""
    import apache_beam as beam
    from apache_beam.options.pipeline_options import PipelineOptions

    from transforms.document import Document
    from transforms.fuzzy_dedup import FuzzyDedup, FuzzyDedupParams

    def to_document(line):
        row = json.loads(line)
        return Document(id=row["id"], source="bench", kind="web", origin=row["id"], text=row["text"])

    started = time.perf_counter()
    with beam.Pipeline(options=PipelineOptions([f"--runner={runner}"])) as pipeline:
        docs = pipeline | beam.io.ReadFromText(path) | "ToDocument" >> beam.Map(to_document)
        if with_stage:
            result = docs | FuzzyDedup(FuzzyDedupParams(), out_dir)
            kept, rejected = result.kept, result.rejected
            _ = (rejected | "RejectedIds" >> beam.Map(lambda r: r["id"])
                 | "WriteRejected" >> beam.io.WriteToText(f"{out_dir}/rejected"))
        else:
            kept = docs
        _ = kept | "KeptIds" >> beam.Map(lambda d: d.id) | "WriteKept" >> beam.io.WriteToText(f"{out_dir}/kept")
    elapsed = time.perf_counter() - started
    kept_n = sum(len(p.read_text().splitlines()) for p in Path(out_dir).glob("kept*"))
    rejected_n = sum(len(p.read_text().splitlines()) for p in Path(out_dir).glob("rejected*"))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB -> MiB on Linux
    print(json.dumps({"seconds": elapsed, "peak_rss_mib": peak, "kept": kept_n, "rejected": rejected_n}))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--words", type=int, default=300)
    parser.add_argument("--runner", default="FnApiRunner")
    parser.add_argument("--child", nargs=3, metavar=("PATH", "OUT", "WITH_STAGE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run_one(args.child[0], args.child[1], args.child[2] == "1", args.runner)
        return

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "docs.jsonl"
        n = build_documents(path, args.docs, args.words)
        print(f"{n:,} documents of {args.words} words ({path.stat().st_size / 2**20:.0f} MiB JSON lines), "
              f"runner {args.runner}, one process each")
        results = {}
        for label, flag in (("baseline: read -> write", "0"), ("with fuzzy_dedup", "1")):
            out_dir = Path(tmp) / f"out{flag}"
            out_dir.mkdir()
            proc = subprocess.run([sys.executable, __file__, "--runner", args.runner, "--child", str(path),
                                   str(out_dir), flag], capture_output=True, text=True, check=True)
            results[label] = json.loads(proc.stdout.strip().splitlines()[-1])
            r = results[label]
            print(f"  {label:<26} peak RSS {r['peak_rss_mib']:8.0f} MiB  {r['seconds']:7.1f} s  "
                  f"kept {r['kept']:,} rejected {r['rejected']:,}")
        base, stage = results["baseline: read -> write"], results["with fuzzy_dedup"]
        print(f"  fuzzy_dedup adds {stage['peak_rss_mib'] - base['peak_rss_mib']:.0f} MiB peak RSS "
              f"({stage['peak_rss_mib'] / base['peak_rss_mib']:.2f}x the baseline), "
              f"{stage['seconds'] - base['seconds']:.0f} s ({n / (stage['seconds'] - base['seconds']):.0f} docs/s)")


if __name__ == "__main__":
    main()
