#!/usr/bin/env python3
"""Throughput of the code rules per core, in files/s and MB/s, against a line split in the same run.

    python perf/code_quality_throughput.py [--rounds 5] [--target-mb 20]

Files: the 389 real files of six repositories in tests/data/code (Python, C, C++, JavaScript,
TypeScript, shell, Markdown, YAML, a 162 kB uv.lock, man pages ...), repeated until the set holds
about `target-mb` MB; every copy is a distinct string object, so no per-object cache (CPython keeps
a string's UTF-8 form once made) can answer from a previous copy.

Timed, one thread, no Beam, best of `rounds` passes over the whole set:
  detect + quality   detect_language(path, text) then code_quality(text, language): the stage's work
  detect only        detect_language(path, text)
  quality only       code_quality(text, language), languages detected beforehand
  quality, no data   the same without the data_blob rule (its two regex passes)
  skip_reason        vendored/lock/minified/binary/symlink rules on path and text
  baseline           text.splitlines() and len() of every line: the least a line-length rule does
"""
from __future__ import annotations

import argparse
import gzip
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "perf"))

from timing import best_seconds  # noqa: E402
from transforms.code_rules.languages import detect_language  # noqa: E402
from transforms.code_rules.quality import CodeQualityParams, code_quality  # noqa: E402
from transforms.code_rules.vendored import skip_reason  # noqa: E402

FILES = ROOT / "tests" / "data" / "code" / "permissive_and_gpl_repo_files.jsonl.gz"


def load(target_mb: float):
    with gzip.open(FILES, "rt", encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle]
    size = sum(len(row["content"].encode("utf-8")) for row in rows)
    copies = max(1, round(target_mb * 1e6 / size))
    files = [(row["path"], (row["content"] + " ")[:-1]) for _ in range(copies) for row in rows]
    return rows, files, copies, size * copies


def baseline(text: str) -> int:
    return max(map(len, text.splitlines()), default=0)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--target-mb", type=float, default=20.0)
    args = parser.parse_args()

    rows, files, copies, n_bytes = load(args.target_mb)
    languages = [detect_language(path, text) for path, text in files]
    no_data = CodeQualityParams(max_blob_chars=None, max_data_fraction=None)
    print(f"{len(rows)} real files x {copies} copies = {len(files):,} files, {n_bytes / 1e6:.1f} MB; "
          f"best of {args.rounds} rounds, one core\n")

    def stage():
        for path, text in files:
            code_quality(text, detect_language(path, text))

    runs = [
        ("detect + quality", stage),
        ("detect only", lambda: [detect_language(path, text) for path, text in files]),
        ("quality only", lambda: [code_quality(text, lang) for (_, text), lang in zip(files, languages)]),
        ("quality, no data rule", lambda: [code_quality(text, lang, no_data)
                                           for (_, text), lang in zip(files, languages)]),
        ("skip_reason", lambda: [skip_reason(path, text) for path, text in files]),
        ("baseline: splitlines + len", lambda: [baseline(text) for _, text in files]),
    ]
    seconds = {name: best_seconds(fn, args.rounds) for name, fn in runs}
    base = seconds["baseline: splitlines + len"]
    print(f"{'':<28}{'files/s':>10}{'MB/s':>9}{'time vs baseline':>18}")
    for name, _ in runs:
        s = seconds[name]
        print(f"{name:<28}{len(files) / s:>10,.0f}{n_bytes / 1e6 / s:>9.1f}{s / base:>17.1f}x")


if __name__ == "__main__":
    main()
