#!/usr/bin/env python3
"""Throughput of each stage on the bundled sample, and of the whole `winnow run`, with baselines.

Every number is measured in this run next to a baseline measured in the same run, because the
machine is shared and noisy: read the ratios, not the absolute rates.

    python perf/stage_throughput.py [--rounds 5]

Per stage: documents per second of the stage's `judge` on the documents that reach it in the
default flow (web + cc_text + math sources), best of `rounds`, single core, no Beam.
Baselines:
  extract  vs trafilatura.extract(html) with its defaults (what most pipelines call)
  langid   vs fastText predict on the whole document (no truncation)
  quality  vs one pass of str.split() over the same texts (the floor for any word-based rule)
End to end: `winnow run` on the sample (DirectRunner, in-process) vs the same run with only
extract (read + extract + write: HTML cannot skip extraction), so the ratio is the cost of langid,
exact_dedup and quality on top.
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from classifiers.langid import load_fasttext  # noqa: E402
from classifiers.model_files import shipped_model_path  # noqa: E402
from pipeline.config import default_config_path, load_config  # noqa: E402
from transforms.document import Document  # noqa: E402
from transforms.extract import Extract  # noqa: E402
from transforms.ingest.read import expand_pattern, open_input  # noqa: E402
from transforms.ingest.formats import common_base, detect_format, relative_locator  # noqa: E402
from transforms.ingest.readers import FileContext, read_file  # noqa: E402
from transforms.langid import LanguageId  # noqa: E402
from transforms.quality import Quality  # noqa: E402
from timing import best_rate  # noqa: E402


def sample_documents():
    import glob

    config = load_config(default_config_path())
    docs = []
    for source in config.sources:
        if source.kind == "code":
            continue
        for pattern in source.paths:
            for path in sorted(glob.glob(expand_pattern(pattern), recursive=True)):
                fmt = source.format or detect_format(path)
                if fmt is None:
                    continue
                locator = relative_locator(path, common_base(source.paths))
                ctx = FileContext(source.name, source.kind, path, locator, source.read)
                with open_input(path, fmt) as handle:
                    docs.extend(d for d in read_file(fmt, handle, ctx) if isinstance(d, Document))
    return docs


def run_cli(args):
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "pipeline", *args], check=True, capture_output=True, cwd=ROOT)
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    logging.disable(logging.WARNING)  # trafilatura logs every page without a body
    import trafilatura

    docs = sample_documents()
    html_docs = [d for d in docs if d.html is not None]
    rows = []

    extract = Extract()
    extract.setup()
    ours = best_rate(extract.judge, html_docs, args.rounds)
    base = best_rate(lambda d: trafilatura.extract(d.html), html_docs, args.rounds)
    rows.append(("extract", len(html_docs), ours, "trafilatura.extract defaults", base))
    texts = [v.document for v in map(extract.judge, docs) if v.kept]

    langid = LanguageId()
    langid.setup()
    model = load_fasttext(shipped_model_path("lid.176.ftz"))
    ours = best_rate(langid.judge, texts, args.rounds)
    base = best_rate(lambda d: model.predict(" ".join(d.text.split()), k=1), texts, args.rounds)
    rows.append(("langid", len(texts), ours, "fastText predict, whole text", base))
    texts = [v.document for v in map(langid.judge, texts) if v.kept]

    quality = Quality()
    ours = best_rate(quality.judge, texts, args.rounds)
    base = best_rate(lambda d: d.text.split(), texts, args.rounds)
    rows.append(("quality", len(texts), ours, "str.split() pass", base))

    with tempfile.TemporaryDirectory() as tmp:
        full = min(run_cli(["run", "--output", os.path.join(tmp, "a"), "--overwrite"]) for _ in range(2))
        floor = min(run_cli(["run", "--output", os.path.join(tmp, "b"), "--overwrite", "--stages", "extract"])
                    for _ in range(2))
        manifest = json.loads(Path(tmp, "a", "manifest.json").read_text())
    read = sum(s["read"] for s in manifest["sources"].values())

    print(f"{'stage':<10}{'docs':>6}{'docs/s':>10}  {'baseline':<32}{'docs/s':>10}{'ratio':>8}")
    for name, n, ours, label, base in rows:
        print(f"{name:<10}{n:>6}{ours:>10.1f}  {label:<32}{base:>10.1f}{ours / base:>8.2f}")
    print(f"\nwinnow run on the sample: {read} documents read in {full:.2f} s wall "
          f"({read / full:.1f} docs/s incl. process start-up); read+extract+write only: {floor:.2f} s; "
          f"ratio {full / floor:.2f}")


if __name__ == "__main__":
    main()
