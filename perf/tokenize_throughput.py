#!/usr/bin/env python3
"""Encoding throughput of the tokenize stage against SentencePiece's own `encode`, same run, one core.

    python perf/tokenize_throughput.py [--rounds 5] [--model PATH]

Texts: every document of the bundled sample's curated output (run `make sample` first, or pass
--docs 'OUT/docs/*/*.jsonl.gz'). Ours: `Tokenizer.encode_batch` (batches of 256, EOS appended,
uint32 arrays ready for Arrow). Baseline: `SentencePieceProcessor.encode(text)` one document at a
time, returning Python lists (what a naive DoFn would call). Reported as tokens per second per core;
read the ratio.
"""
from __future__ import annotations

import argparse
import glob
import gzip
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from classifiers.model_files import shipped_model_path  # noqa: E402
from transforms.tokenize import DEFAULT_TOKENIZER, Tokenizer  # noqa: E402
from timing import best_seconds  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--docs", default=str(ROOT / "out" / "sample" / "docs" / "*" / "*.jsonl.gz"))
    parser.add_argument("--model", default=None)
    args = parser.parse_args()
    texts = [json.loads(line)["text"] for path in sorted(glob.glob(args.docs)) for line in gzip.open(path)]
    if not texts:
        raise SystemExit(f"no documents match {args.docs}: run `make sample` first")
    texts = texts * 20  # enough work to time
    model = args.model or shipped_model_path(DEFAULT_TOKENIZER)
    tokenizer = Tokenizer(model, num_threads=1)
    import sentencepiece as spm

    processor = spm.SentencePieceProcessor(model_file=model)
    batches = [texts[i : i + 256] for i in range(0, len(texts), 256)]
    n_tokens = sum(len(t) for batch in batches for t in tokenizer.encode_batch(batch))
    ours = best_seconds(lambda: [tokenizer.encode_batch(batch) for batch in batches], args.rounds)
    base = best_seconds(lambda: [processor.encode(text) for text in texts], args.rounds)
    chars = sum(map(len, texts))
    print(f"{len(texts)} documents, {chars / 1e6:.1f} M characters, {n_tokens:,} tokens "
          f"({chars / n_tokens:.2f} characters per token), model {Path(model).name}")
    print(f"ours  encode_batch(256) + EOS -> uint32: {n_tokens / ours / 1e6:.2f} M tokens/s")
    print(f"base  sentencepiece encode(text) x N   : {n_tokens / base / 1e6:.2f} M tokens/s")
    print(f"ratio {base / ours:.2f}")


if __name__ == "__main__":
    main()
