"""Parse a whole robots.txt corpus the way `winnow crawl` does, and say what it found.

    python perf/crawl_robots_corpus.py ../shared/data/robots/protego_robots_corpus.jsonl.gz [--token winnowbot]

Input: JSON lines (optionally gzipped) {host, robots_txt}, e.g. protego's 4,231 real robots.txt files
(tests/data/crawl/ holds a 300-file sample of it, too small to be a stress test). For every file it
runs pipeline.crawl.robots.parse_robots, asks can_fetch for the root and for a deep URL, and reads
the Crawl-delay for the token. Prints failures (exit 1 if any), timing, and how many files disallow
everything, ask for a Crawl-delay, or would be skipped under the default --max-crawl-delay.
"""
from __future__ import annotations

import argparse
import gzip
import json
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipeline.crawl.robots import parse_robots  # noqa: E402


def rows(path: str):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", help="JSONL(.gz) of {host, robots_txt}")
    parser.add_argument("--token", default="winnowbot")
    parser.add_argument("--max-crawl-delay", type=float, default=600.0)
    args = parser.parse_args(argv)

    failures, timings, delays = [], [], []
    counts = Counter()
    started = time.perf_counter()
    for row in rows(args.corpus):
        host, text = row["host"], row["robots_txt"]
        counts["files"] += 1
        counts["bytes"] += len(text.encode("utf-8"))
        t0 = time.perf_counter()
        try:
            rules = parse_robots(text, args.token, 200)
            root = rules.allows(f"https://{host}/", args.token)
            rules.allows(f"https://{host}/a/b/c.html?x=1&y=%C3%BC", args.token)
        except Exception as error:  # the point of this script: there should be none
            failures.append((host, f"{type(error).__name__}: {error}"))
            continue
        timings.append(time.perf_counter() - t0)
        counts["root disallowed"] += not root
        if rules.crawl_delay is not None:
            delays.append(rules.crawl_delay)
            counts["over max crawl delay"] += rules.crawl_delay > args.max_crawl_delay
    elapsed = time.perf_counter() - started

    print(f"{counts['files']} robots.txt files, {counts['bytes'] / 1e6:.1f} MB, parsed in {elapsed:.2f} s "
          f"(median {statistics.median(timings) * 1e3:.2f} ms, max {max(timings) * 1e3:.1f} ms per file)")
    print(f"failures: {len(failures)}")
    for host, error in failures[:20]:
        print(f"  {host}: {error}")
    print(f"root URL disallowed for {args.token!r}: {counts['root disallowed']}")
    if delays:
        print(f"Crawl-delay for {args.token!r}: {len(delays)} files (median {statistics.median(delays):g} s, "
              f"max {max(delays):g} s; {counts['over max crawl delay']} above {args.max_crawl_delay:g} s: "
              "their hosts would be skipped)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
