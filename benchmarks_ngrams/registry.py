r"""The benchmark registry: one YAML file per benchmark in `benchmarks_ngrams/benchmarks/`.

A benchmark is data, not code. Adding one means copying its test files under `benchmarks_ngrams/data/`
and writing `benchmarks/<name>.yaml`:

    name: arc                              # must equal the file's stem; [a-z0-9_]+
    description: ARC Challenge + Easy, test and dev
    license: CC-BY-SA-4.0
    source: allenai ARC via FormulaMonks/llm-benchmarker-suite data/ARC @ 5d3c8009ab8f
    format: jsonl.gz                       # jsonl, json, csv, parquet; ".gz" = gzip-compressed
    files:                                 # relative to the data root (benchmarks_ngrams/data/)
      - arc/ARC-Challenge-Test.jsonl.gz
    id: id                                 # optional: the field that names an item (default file:row)
    fields:                                # the evaluation text: what a model is shown or must produce
      - question.stem
      - question.choices[].text
    n: 8                                   # optional: overrides the n rule (benchmarks_ngrams/ngrams.py)

A jsonl file holds one item per line, a csv file one per row, a parquet file one per row; a json
file holds a list of items, or an object with the list at the path given by `records:` (BIG-Bench
Hard: `records: examples`).

Field paths: segments separated by dots walk into objects; `name[]` walks into every element of the
list `name` (so `question.choices[].text` is the text of every choice). A CSV row's fields are its
header's column names (`Best Answer`). A field may be `{path: ..., split: <regex>}`: its text is cut
at every match into separate texts, e.g. `{path: query, split: '^Question: |\nAnswer:\s*$'}` drops
an llm-foundry prompt template and `{path: Correct Answers, split: ';'}` makes a joined list of
answers one text per answer; empty pieces are dropped.

Which fields count as evaluation text: questions, passages, contexts, choices, answers, solutions,
code and tests. Not: labels, indices, answer letters, ids, categories, URLs, numeric targets.
"""
from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

import yaml

from benchmarks_ngrams.ngrams import MAX_N, MIN_N

PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))
REGISTRY_DIR = os.path.join(PACKAGE_DIR, "benchmarks")
DATA_ROOT = os.path.join(PACKAGE_DIR, "data")

FORMATS = ("jsonl", "jsonl.gz", "json", "json.gz", "csv", "csv.gz", "parquet")
_NAME = re.compile(r"^[a-z0-9_]+$")
_KEYS = {"name", "description", "license", "source", "format", "files", "records", "id", "fields", "n"}
_REQUIRED = ("name", "license", "format", "files", "fields")


class RegistryError(ValueError):
    """A benchmark YAML that cannot be used as written."""


@dataclass(frozen=True)
class TextField:
    """One evaluation-text field of a benchmark's items."""

    path: str
    split: Optional[str] = None  # a regex: cut the text at every match into separate texts


@dataclass(frozen=True)
class Benchmark:
    name: str
    license: str
    format: str
    files: Tuple[str, ...]  # relative to data_root
    fields: Tuple[TextField, ...]
    data_root: str
    spec_path: str  # the YAML this came from
    description: str = ""
    source: str = ""
    records: Optional[str] = None
    id_field: Optional[str] = None
    n: Optional[int] = None  # the registry's override of the n rule

    def file_paths(self) -> List[str]:
        return [os.path.join(self.data_root, f) for f in self.files]

    def content_digest(self) -> str:
        """sha256 of the benchmark's YAML and data files: changes when either changes."""
        digest = hashlib.sha256()
        for path in [self.spec_path] + self.file_paths():
            digest.update(os.path.relpath(path, os.path.dirname(self.data_root)).encode() + b"\0")
            with open(path, "rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(block)
            digest.update(b"\0")
        return digest.hexdigest()


def load_benchmark(spec_path: str, data_root: str = DATA_ROOT) -> Benchmark:
    """Read and check one benchmark YAML."""
    with open(spec_path, "r", encoding="utf-8") as handle:
        spec = yaml.safe_load(handle)
    where = os.path.basename(spec_path)
    if not isinstance(spec, dict):
        raise RegistryError(f"{where}: expected a mapping")
    unknown = set(spec) - _KEYS
    if unknown:
        raise RegistryError(f"{where}: unknown keys {sorted(unknown)} (allowed: {sorted(_KEYS)})")
    missing = [k for k in _REQUIRED if not spec.get(k)]
    if missing:
        raise RegistryError(f"{where}: missing {missing}")
    name = str(spec["name"])
    if not _NAME.match(name) or name != os.path.splitext(where)[0]:
        raise RegistryError(f"{where}: name {name!r} must be [a-z0-9_]+ and equal the file name")
    fmt = str(spec["format"])
    if fmt not in FORMATS:
        raise RegistryError(f"{where}: format {fmt!r} is not one of {FORMATS}")
    files = tuple(spec["files"]) if isinstance(spec["files"], list) else (spec["files"],)
    for f in files:
        if not str(f).endswith("." + fmt):
            raise RegistryError(f"{where}: file {f} does not end in .{fmt}")
        if not os.path.isfile(os.path.join(data_root, f)):
            raise RegistryError(f"{where}: file {f} not found under {data_root}")
    if spec.get("records") and fmt not in ("json", "json.gz"):
        raise RegistryError(f"{where}: `records` applies to the json format only")
    fields = tuple(_field(f, where) for f in spec["fields"])
    n = spec.get("n")
    if n is not None and not (isinstance(n, int) and MIN_N <= n <= MAX_N):
        raise RegistryError(f"{where}: n must be an integer in [{MIN_N}, {MAX_N}]")
    return Benchmark(
        name=name, license=str(spec["license"]), format=fmt, files=files, fields=fields,
        data_root=data_root, spec_path=spec_path, description=str(spec.get("description", "")),
        source=str(spec.get("source", "")), records=spec.get("records"), id_field=spec.get("id"), n=n,
    )


def _field(raw, where: str) -> TextField:
    if isinstance(raw, str):
        return TextField(raw)
    if isinstance(raw, dict) and set(raw) <= {"path", "split"} and "path" in raw:
        if raw.get("split") is not None:
            try:
                re.compile(raw["split"])
            except re.error as exc:
                raise RegistryError(f"{where}: bad split regex {raw['split']!r}: {exc}") from exc
        return TextField(str(raw["path"]), raw.get("split"))
    raise RegistryError(f"{where}: a field is a path or {{path, split}}, not {raw!r}")


def load_registry(registry_dir: str = REGISTRY_DIR, data_root: str = DATA_ROOT) -> Dict[str, Benchmark]:
    """Every benchmark of a registry directory (`*.yaml`), by name, in name order."""
    names = sorted(f for f in os.listdir(registry_dir) if f.endswith(".yaml"))
    if not names:
        raise RegistryError(f"no benchmark YAML in {registry_dir}")
    return {b.name: b for b in (load_benchmark(os.path.join(registry_dir, f), data_root) for f in names)}


def select(names: Optional[Sequence[str]] = None, registry: Optional[Dict[str, Benchmark]] = None) -> List[Benchmark]:
    """The named benchmarks (all when `names` is empty), in name order; unknown names raise KeyError."""
    registry = load_registry() if registry is None else registry
    if not names:
        return list(registry.values())
    unknown = [n for n in names if n not in registry]
    if unknown:
        raise KeyError(f"unknown benchmark(s) {unknown}; known: {', '.join(registry)}")
    return [registry[n] for n in sorted(set(names))]


def combined_digest(benchmarks: Iterable[Benchmark]) -> str:
    digest = hashlib.sha256()
    for b in sorted(benchmarks, key=lambda b: b.name):
        digest.update(f"{b.name}={b.content_digest()}\n".encode())
    return digest.hexdigest()
