"""`winnow tokenizer train`: a SentencePiece BPE model from curated output or any text files.

Inputs are globs of JSONL (`text` field; e.g. OUT/docs/*/*.jsonl.gz) or text files (one document
each). Documents are cut into chunks of at most 8 KiB at line breaks and reservoir-sampled to
`max_chunks`, so training memory is bounded whatever the corpus size, and the sample is uniform and
seeded. Writes PREFIX.model and PREFIX.settings.json (settings, inputs, sample size, sha256).
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import random
import sys
import time
from typing import Iterator, List, Sequence

from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.filesystems import FileSystems

from pipeline.training_progress import training_progress
from transforms.tokenize import TokenizerSettings, train_tokenizer, training_chunks

CHUNK_BYTES = 1 << 13
PROGRESS_EVERY = 10_000


def iter_documents(patterns: Sequence[str]) -> Iterator[str]:
    for pattern in patterns:
        matches = FileSystems.match([pattern])[0].metadata_list
        if not matches:
            raise FileNotFoundError(f"no file matches {pattern!r}")
        for match in sorted(matches, key=lambda m: m.path):
            path = match.path
            lower = path.lower()
            with FileSystems.open(path, compression_type=CompressionTypes.AUTO) as handle:
                if ".jsonl" in lower or lower.endswith((".json.gz", ".json.zst")):
                    for line in iter(handle.readline, b""):
                        if line.strip():
                            text = json.loads(line).get("text")
                            if isinstance(text, str) and text:
                                yield text
                else:
                    yield handle.read().decode("utf-8", errors="replace")


def reservoir_sample(chunks: Iterator[str], size: int, seed: int, progress=None) -> List[str]:
    """Uniform sample of `size` chunks from a stream of unknown length (Algorithm R)."""
    rng = random.Random(seed)
    sample: List[str] = []
    for seen, chunk in enumerate(chunks):
        if seen < size:
            sample.append(chunk)
        else:
            slot = rng.randint(0, seen)
            if slot < size:
                sample[slot] = chunk
        if progress is not None:
            progress(seen + 1)
    return sample


def train_command(inputs: Sequence[str], output_prefix: str, settings: TokenizerSettings, max_chunks: int,
                  seed: int, verbose: bool = False) -> dict:
    started = time.time()
    documents = {"count": 0}

    def chunks() -> Iterator[str]:
        for text in iter_documents(inputs):
            documents["count"] += 1
            if documents["count"] % PROGRESS_EVERY == 0:
                print(f"tokenizer: read {documents['count']:,} documents ({time.time() - started:.0f} s)", file=sys.stderr)
            yield from training_chunks(text, CHUNK_BYTES)

    sample = reservoir_sample(chunks(), max_chunks, seed)
    sample_chars = sum(map(len, sample))
    print(f"tokenizer: training BPE (vocab {settings.vocab_size:,}) on {len(sample):,} chunks, "
          f"{sample_chars / 1e6:.1f} M characters, from {documents['count']:,} documents", file=sys.stderr)
    with training_progress(settings.vocab_size, verbose=verbose):  # SentencePiece's log -> an ETA line
        model = train_tokenizer(sample, settings, verbose=True)
    model_path = output_prefix + ".model"
    with FileSystems.create(model_path) as handle:
        handle.write(model)
    import sentencepiece as spm

    record = {
        "model": model_path.rsplit("/", 1)[-1],
        "sha256": hashlib.sha256(model).hexdigest(),
        "vocab_size": spm.SentencePieceProcessor(model_proto=model).vocab_size(),
        "settings": dataclasses.asdict(settings),
        "trainer_options": {k: v for k, v in settings.trainer_options().items() if k != "num_threads"},
        "inputs": list(inputs),
        "documents_read": documents["count"],
        "chunks_sampled": len(sample),
        "characters_sampled": sample_chars,
        "max_chunks": max_chunks,
        "seed": seed,
        "seconds": round(time.time() - started, 1),
    }
    with FileSystems.create(output_prefix + ".settings.json") as handle:
        handle.write((json.dumps(record, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
    print(f"tokenizer: wrote {model_path} (vocab {record['vocab_size']:,}) in {record['seconds']} s", file=sys.stderr)
    return record
