"""Tokenized training shards: Parquet (zstd) per source, a deterministic order, optional packing.

    docs --EncodeBatches--> kept docs (n_tokens in scores) + token rows
    token rows --(source, bucket)--> GroupByKey --WriteShard--> OUT/shards/<source>/part-NNNNN.parquet
                                                             (+ OUT/packed/<source>/... when packing)
                                                             --> shard descriptions --> OUT/_shards/

A document's place is fixed by a seeded hash of its id: the bucket (shard) is that hash modulo the
number of shards, which comes from the source's total tokens over the target shard size, and rows
in a shard are sorted by the hash. So reruns write byte-identical files, and no step needs all of a
source's documents on one worker: one shard's rows at most.
"""
from __future__ import annotations

import collections
import hashlib
import io
import json
import math
from typing import List, NamedTuple, Optional, Sequence, Tuple

import apache_beam as beam
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from apache_beam.io.filesystems import FileSystems

from transforms.document import Document
from transforms.license import UNDECLARED_LICENSE, document_license
from transforms.stage import ERRORS, KEPT, REJECTED, StageCounters, StageOutputs, error_record, rejection_record
from transforms.tokenize import TokenizeParams, Tokenizer, tokenizer_model_path

STAGE = "tokenize"
SHARD_INFO_DIR = "_shards"
SCHEMA = pa.schema([
    ("id", pa.string()),
    ("source", pa.string()),
    ("kind", pa.string()),
    ("origin", pa.string()),
    ("license", pa.string()),
    ("meta", pa.string()),  # the document's meta as JSON: everything else that must travel
    ("n_tokens", pa.uint32()),
    ("tokens", pa.list_(pa.uint32())),
])


class TokenRow(NamedTuple):
    order: int  # seeded hash of the id: fixes the shard and the place in it
    id: str
    source: str
    kind: str
    origin: str
    license: Optional[str]
    meta_json: str
    tokens: bytes  # uint32 little-endian


def order_key(seed: int, doc_id: str) -> int:
    digest = hashlib.blake2b(doc_id.encode("utf-8"), digest_size=8, key=seed.to_bytes(8, "little"))
    return int.from_bytes(digest.digest(), "little")


def token_row(doc: Document, tokens: np.ndarray, seed: int) -> TokenRow:
    meta_json = json.dumps(doc.meta, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return TokenRow(order_key(seed, doc.id), doc.id, doc.source, doc.kind, doc.origin, document_license(doc.meta),
                    meta_json, tokens.astype("<u4", copy=False).tobytes())


def _token_list_array(arrays: Sequence[np.ndarray]) -> pa.ListArray:
    lengths = np.fromiter((len(a) for a in arrays), dtype=np.int64, count=len(arrays))
    offsets = np.zeros(len(arrays) + 1, dtype=np.int32)
    np.cumsum(lengths, out=offsets[1:])
    values = np.concatenate(arrays) if arrays else np.zeros(0, dtype=np.uint32)
    return pa.ListArray.from_arrays(pa.array(offsets, pa.int32()), pa.array(values, pa.uint32()))


def shard_table(rows: Sequence[TokenRow]) -> pa.Table:
    """Rows (already in shard order) as the shard's Arrow table."""
    arrays = [np.frombuffer(r.tokens, dtype="<u4") for r in rows]
    return pa.Table.from_arrays([
        pa.array([r.id for r in rows], pa.string()),
        pa.array([r.source for r in rows], pa.string()),
        pa.array([r.kind for r in rows], pa.string()),
        pa.array([r.origin for r in rows], pa.string()),
        pa.array([r.license for r in rows], pa.string()),
        pa.array([r.meta_json for r in rows], pa.string()),
        pa.array([len(a) for a in arrays], pa.uint32()),
        _token_list_array(arrays),
    ], schema=SCHEMA)


def pack_sequences(arrays: Sequence[np.ndarray], length: int, remainder: str, pad_id: int) -> Tuple[np.ndarray, int, int]:
    """Concatenate documents (each already ends with EOS) and cut fixed-length sequences.

    Returns (sequences [n, length], tokens dropped, pad tokens added). The last partial sequence is
    dropped or padded with PAD, as `remainder` says: never silently mixed into another shard.
    """
    stream = np.concatenate(arrays) if arrays else np.zeros(0, dtype=np.uint32)
    full = len(stream) // length
    rest = len(stream) - full * length
    sequences = stream[: full * length].reshape(full, length)
    if rest and remainder == "pad":
        last = np.full(length, pad_id, dtype=np.uint32)
        last[:rest] = stream[full * length :]
        return np.vstack([sequences, last[None, :]]), 0, length - rest
    return sequences, rest, 0


def parquet_bytes(table: pa.Table) -> bytes:
    """Deterministic Parquet bytes (zstd): same table and pyarrow version, same bytes."""
    buffer = io.BytesIO()
    pq.write_table(table, buffer, compression="zstd", use_dictionary=["source", "kind", "license"],
                   write_statistics=True, store_schema=True)
    return buffer.getvalue()


def write_atomically(path: str, data: bytes) -> None:
    temporary = path + ".tmp"
    with FileSystems.create(temporary) as handle:
        handle.write(data)
    if FileSystems.exists(path):
        FileSystems.delete([path])
    FileSystems.rename([temporary], [path])


class _EncodeBatches(beam.DoFn):
    """Loads the tokenizer once per worker and encodes batches of documents."""

    def __init__(self, model_path: str, seed: int):
        self.model_path, self.seed = model_path, seed

    def setup(self):
        from classifiers.model_files import local_model_path

        self.tokenizer = Tokenizer(local_model_path(self.model_path))
        self.counters = StageCounters(STAGE)

    def process(self, batch: List[Document]):
        for doc in batch:
            self.counters.inc(doc.source, "in")
        texts = [doc.text for doc in batch]
        try:
            encoded = self.tokenizer.encode_batch(texts)
        except Exception:  # find the document that breaks the batch; the others go on
            encoded = []
            for doc in batch:
                try:
                    encoded.append(self.tokenizer.encode_batch([doc.text])[0])
                except Exception as error:
                    encoded.append(error)
        for doc, tokens in zip(batch, encoded):
            if isinstance(tokens, Exception):
                self.counters.inc(doc.source, "errors")
                yield beam.pvalue.TaggedOutput(ERRORS, error_record(STAGE, doc.source, doc.origin, tokens, doc.id))
            elif not doc.text:
                self.counters.inc(doc.source, "rejected:empty")
                yield beam.pvalue.TaggedOutput(REJECTED, rejection_record(doc, STAGE, "empty", {}))
            else:
                self.counters.inc(doc.source, "kept")
                yield doc.with_scores(STAGE, {"n_tokens": int(len(tokens))})
                yield beam.pvalue.TaggedOutput("rows", token_row(doc, tokens, self.seed))


class _WriteShard(beam.DoFn):
    def __init__(self, output_dir: str, params: TokenizeParams, model_path: str):
        self.output_dir, self.params, self.model_path = output_dir, params, model_path

    def setup(self):
        self.pad_id = 0
        if self.params.pack_sequence_length:  # only packing pads; only then is the model needed here
            from classifiers.model_files import local_model_path

            self.pad_id = Tokenizer(local_model_path(self.model_path)).pad_id

    def process(self, element):
        (source, bucket), rows = element
        rows = sorted(rows, key=lambda r: (r.order, r.id))
        table = shard_table(rows)
        data = parquet_bytes(table)
        relative = f"shards/{source}/part-{bucket:05d}.parquet"
        write_atomically(FileSystems.join(self.output_dir, relative), data)
        info = {
            "source": source,
            "path": relative,
            "documents": len(rows),
            "tokens": int(sum(table.column("n_tokens").to_pylist())),
            "bytes": len(data),
            "sha256": hashlib.sha256(data).hexdigest(),
            "licenses": dict(sorted(collections.Counter(r.license or UNDECLARED_LICENSE for r in rows).items())),
        }
        length = self.params.pack_sequence_length
        if length:
            arrays = [np.frombuffer(r.tokens, dtype="<u4") for r in rows]
            sequences, dropped, padded = pack_sequences(arrays, length, self.params.pack_remainder, self.pad_id)
            packed = pa.table({"tokens": _token_list_array(list(sequences))})
            packed_data = parquet_bytes(packed)
            packed_relative = f"packed/{source}/part-{bucket:05d}.parquet"
            write_atomically(FileSystems.join(self.output_dir, packed_relative), packed_data)
            info["packed"] = {"path": packed_relative, "sequence_length": length, "sequences": len(sequences),
                              "dropped_tokens": dropped, "pad_tokens": padded,
                              "sha256": hashlib.sha256(packed_data).hexdigest()}
        yield json.dumps(info, sort_keys=True)


def _bucket(row: TokenRow, tokens_per_source, shard_tokens: int) -> Tuple[Tuple[str, int], TokenRow]:
    shards = max(1, math.ceil(tokens_per_source[row.source] / shard_tokens))
    return (row.source, row.order % shards), row


class Tokenize(beam.PTransform):
    """PCollection[Document] -> StageOutputs, writing token shards under `output_dir` as it goes."""

    def __init__(self, params: TokenizeParams, output_dir: str):
        super().__init__()
        self.params, self.output_dir = params, output_dir
        self.model_path = tokenizer_model_path(params)

    def expand(self, docs):
        encoded = (
            docs
            | "Batch" >> beam.BatchElements(min_batch_size=1, max_batch_size=self.params.batch_size)
            | "EncodeBatches" >> beam.ParDo(_EncodeBatches(self.model_path, self.params.shuffle_seed))
            .with_outputs("rows", REJECTED, ERRORS, main=KEPT)
        )
        rows = encoded["rows"]
        tokens_per_source = (
            rows
            | "TokensOf" >> beam.Map(lambda r: (r.source, len(r.tokens) // 4))
            | "TokensPerSource" >> beam.CombinePerKey(sum)
        )
        (
            rows
            | "AssignShard" >> beam.Map(_bucket, beam.pvalue.AsDict(tokens_per_source), self.params.shard_tokens)
            | "GroupShards" >> beam.GroupByKey()
            | "WriteShards" >> beam.ParDo(_WriteShard(self.output_dir, self.params, self.model_path))
            | "WriteShardInfo" >> beam.io.WriteToText(FileSystems.join(self.output_dir, SHARD_INFO_DIR, "part"),
                                                      file_name_suffix=".jsonl")
        )
        return StageOutputs(encoded[KEPT], encoded[REJECTED], encoded[ERRORS])
