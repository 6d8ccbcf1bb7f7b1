"""Reading a benchmark's items and their evaluation texts, as its registry entry describes them."""
from __future__ import annotations

import csv
import gzip
import io
import json
import re
from typing import Any, Iterator, List, Tuple

from benchmarks_ngrams.registry import Benchmark, RegistryError, TextField


def iter_eval_texts(benchmark: Benchmark) -> Iterator[Tuple[str, str, str]]:
    """(item_id, field, text) for every evaluation text of every item, in file and field order.

    `field` is the concrete path (`question.choices[2].text`, `query#1` for the second piece of a
    split field). Empty strings and missing values are left out; a field path that matches nothing
    in any item of the benchmark raises RegistryError (a typo in the registry, not a sparse field).
    """
    seen = {f.path: False for f in benchmark.fields}
    for item_id, record in iter_items(benchmark):
        for spec in benchmark.fields:
            for where, value in resolve(record, spec.path):
                seen[spec.path] = True
                for field, text in _pieces(where, value, spec):
                    yield item_id, field, text
    never = [path for path, found in seen.items() if not found]
    if never:
        raise RegistryError(f"{benchmark.name}: field(s) {never} found in no item")


def iter_items(benchmark: Benchmark) -> Iterator[Tuple[str, Any]]:
    """(item_id, record) of every item of every file of the benchmark."""
    for rel, path in zip(benchmark.files, benchmark.file_paths(), strict=True):
        for row, record in enumerate(_read_records(path, benchmark)):
            if benchmark.id_field:
                ids = [v for _, v in resolve(record, benchmark.id_field)]
                item_id = str(ids[0]) if ids else f"{rel}:{row}"
            else:
                item_id = f"{rel}:{row}"
            yield item_id, record


def _read_records(path: str, benchmark: Benchmark) -> List[Any]:
    fmt = benchmark.format
    if fmt == "parquet":
        import pyarrow.parquet as pq

        return pq.read_table(path).to_pylist()
    with open(path, "rb") as handle:
        data = handle.read()
    if fmt.endswith(".gz"):
        data = gzip.decompress(data)
    kind = fmt.split(".")[0]
    if kind == "jsonl":
        # split on b"\n" only: str.splitlines would also cut at U+2028 and friends inside strings
        return [json.loads(line) for line in data.split(b"\n") if line.strip()]
    if kind == "csv":
        return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    document = json.loads(data)
    if benchmark.records:
        lists = [v for _, v in resolve(document, benchmark.records, leaves_only=False)]
        if len(lists) != 1 or not isinstance(lists[0], list):
            raise RegistryError(f"{benchmark.name}: records path {benchmark.records!r} is not one list in {path}")
        return lists[0]
    if not isinstance(document, list):
        raise RegistryError(f"{benchmark.name}: {path} is not a list of items; give `records`")
    return document


def resolve(record: Any, path: str, leaves_only: bool = True) -> Iterator[Tuple[str, Any]]:
    """(concrete path, value) for every value `path` reaches in `record` (see registry.py)."""
    yield from _walk(record, path.split("."), "", leaves_only)


def _walk(node: Any, segments: List[str], prefix: str, leaves_only: bool) -> Iterator[Tuple[str, Any]]:
    if not segments:
        if node is None:
            return
        if leaves_only and isinstance(node, (dict, list)):
            raise RegistryError(f"field {prefix!r} is a {type(node).__name__}, not text; "
                                "walk into it with `.name` or `[]`")
        yield prefix, node
        return
    segment, rest = segments[0], segments[1:]
    many = segment.endswith("[]")
    key = segment[:-2] if many else segment
    if not isinstance(node, dict) or key not in node:
        return
    child = node[key]
    here = f"{prefix}.{key}" if prefix else key
    if not many:
        yield from _walk(child, rest, here, leaves_only)
    elif isinstance(child, list):
        for i, element in enumerate(child):
            yield from _walk(element, rest, f"{here}[{i}]", leaves_only)


def _pieces(where: str, value: Any, spec: TextField) -> Iterator[Tuple[str, str]]:
    text = value if isinstance(value, str) else json.dumps(value)  # a number or boolean as written
    if spec.split is None:
        if text.strip():
            yield where, text
        return
    for i, piece in enumerate(p.strip() for p in re.split(spec.split, text)):
        if piece:
            yield f"{where}#{i}", piece
