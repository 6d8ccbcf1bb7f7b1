#!/usr/bin/env python3
"""WARC read throughput of the pipeline's reader (transforms/ingest/readers.read_warc), one core,
against warcio's own ArchiveIterator over the same file in the same run.

    python ../shared/perf/make_corpus.py --pages 5000 --out /tmp/corpus/big.warc.gz
    python perf/warc_read_throughput.py /tmp/corpus/big.warc.gz [--rounds 3]

Ours: every record of the file through `read_warc` (gzip members streamed, records classified,
HTTP headers parsed, charset decided and the payload decoded to text, a Document or a skip/failure
per record), consumed and counted. Baseline: warcio's ArchiveIterator reading every record's
content stream to the end (`content_stream().read()`), nothing decoded: the floor for any WARC
reader in Python. The reader runs twice: with its default WARC digest checks (SHA-1 of every
record's block and payload against WARC-Block-Digest / WARC-Payload-Digest) and without them. Records/s and MB/s (compressed file size / seconds), best of --rounds; the
ratio is the price of decoding and classifying on top of warcio's parsing.
"""
from __future__ import annotations

import argparse
import collections
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from warcio.archiveiterator import ArchiveIterator  # noqa: E402

from timing import best_seconds  # noqa: E402
from transforms.ingest.readers import FileContext, ReadParams, read_warc  # noqa: E402


def read_with_pipeline(path: str, verify_digests: bool = True) -> collections.Counter:
    ctx = FileContext(source="bench", kind="web", path=path, locator=os.path.basename(path),
                      params=ReadParams(verify_digests=verify_digests))
    kinds = collections.Counter()
    with open(path, "rb") as f:
        for item in read_warc(f, ctx):
            kinds[type(item).__name__] += 1
    return kinds


def read_with_warcio(path: str) -> int:
    records = 0
    with open(path, "rb") as f:
        for record in ArchiveIterator(f, arc2warc=True):
            record.content_stream().read()
            records += 1
    return records


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("warc")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    size_mb = os.path.getsize(args.warc) / 1e6
    kinds = read_with_pipeline(args.warc)
    records = read_with_warcio(args.warc)
    t_ours = best_seconds(lambda: read_with_pipeline(args.warc), args.rounds)
    t_unverified = best_seconds(lambda: read_with_pipeline(args.warc, verify_digests=False), args.rounds)
    t_base = best_seconds(lambda: read_with_warcio(args.warc), args.rounds)
    print(f"{args.warc}: {size_mb:.1f} MB compressed, {records:,} records; pipeline reader gave "
          + ", ".join(f"{n:,} {kind}" for kind, n in sorted(kinds.items())) + f"; best of {args.rounds}, one core")
    for name, seconds in (("winnow read_warc (decode + classify)", t_ours),
                          ("  the same, verify_digests: false", t_unverified),
                          ("warcio ArchiveIterator (read only)", t_base)):
        print(f"  {name:<40} {seconds:7.2f} s  {records / seconds:9,.0f} records/s  {size_mb / seconds:7.1f} MB/s")
    print(f"  ratio winnow / warcio: {t_base / t_ours:.2f}; cost of the digest checks: "
          f"{(t_ours / t_unverified - 1) * 100:.0f}% of the reader's time")


if __name__ == "__main__":
    main()
