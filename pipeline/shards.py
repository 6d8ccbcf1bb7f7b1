"""Reading winnow's token shards back: for a training loop, a check, or a notebook.

    from pipeline.shards import iter_documents, iter_tokens, shard_paths
    for tokens in iter_tokens("out/run1", source="web"):      # numpy uint32 arrays, EOS at the end
        ...

Shards are plain Parquet: `pyarrow.parquet.read_table(path)` and Hugging Face
`datasets.load_dataset("parquet", data_files=...)` open them too. Paths may be local or remote
(gs://, s3://): files are opened through Beam's FileSystems and streamed a row group at a time.
"""
from __future__ import annotations

import json
from typing import Iterator, List, Optional

import numpy as np
import pyarrow.parquet as pq
from apache_beam.io.filesystems import FileSystems


def shard_paths(output_dir: str, source: Optional[str] = None, packed: bool = False) -> List[str]:
    """The shard files of a run, in the order the manifest lists them."""
    manifest_path = FileSystems.join(output_dir, "manifest.json")
    with FileSystems.open(manifest_path) as handle:
        manifest = json.loads(handle.read())
    paths = []
    for shard in manifest["shards"]:
        if source is not None and shard["source"] != source:
            continue
        relative = shard["packed"]["path"] if packed else shard["path"]
        if packed and "packed" not in shard:
            continue
        paths.append(FileSystems.join(output_dir, relative))
    return paths


def iter_documents(path: str, columns=("id", "source", "origin", "license", "n_tokens", "tokens")) -> Iterator[dict]:
    """Rows of one shard as dicts (tokens as a numpy uint32 array), one row group at a time."""
    with FileSystems.open(path) as handle:
        parquet = pq.ParquetFile(handle)
        for group in range(parquet.num_row_groups):
            table = parquet.read_row_group(group, columns=list(columns))
            tokens = table.column("tokens").combine_chunks() if "tokens" in columns else None
            others = {name: table.column(name).to_pylist() for name in columns if name != "tokens"}
            for row in range(table.num_rows):
                record = {name: values[row] for name, values in others.items()}
                if tokens is not None:
                    record["tokens"] = tokens[row].values.to_numpy(zero_copy_only=False).astype(np.uint32, copy=False)
                yield record


def iter_tokens(output_dir: str, source: Optional[str] = None, packed: bool = False) -> Iterator[np.ndarray]:
    """Every document's tokens (or every packed sequence) of a run, shard by shard."""
    for path in shard_paths(output_dir, source, packed):
        for record in iter_documents(path, columns=("tokens",)):
            yield record["tokens"]
