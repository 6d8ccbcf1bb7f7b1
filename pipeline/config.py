"""The run configuration: one YAML file declaring sources and, per source, which stages run how.

Layout (see pipeline/default_config.yaml for a documented example):

    stages:                 # default parameters of each stage, for every source that runs it
      quality: {min_words: 50}
    sources:
      - name: web           # [A-Za-z0-9_.-]+, unique: names docs/<name>/ and the manifest's counts
        kind: web           # web | code | math | licensed | public
        paths: [crawl/*.warc.gz, text/*.jsonl.gz]   # globs; relative to this file; gs:// etc. as is
        format: null        # warc | jsonl | parquet | html | text; null = from each file's extension
        read: {text_key: text}     # how JSONL/Parquet rows map to documents
        meta: {dataset: cc-2024-10}  # copied into every document's meta
        license:            # required for kind licensed; travels in meta to the shards and the manifest
          id: CC-BY-4.0     # SPDX id or the publisher's licence name; null: each row carries its own
          publisher: Example Press
          training_stages: [continued, context_lengthening]  # which mixtures may draw on it (winnow mix)
        stages: [extract, langid, license, quality]  # or a mapping: {quality: {min_words: 20}}

Every mistake raises ConfigError naming the file and the key.
"""
from __future__ import annotations

import dataclasses
import glob
import os
import re
from typing import Any, Dict, Mapping, Optional, Sequence, Tuple

import yaml

from transforms.document import SOURCE_KINDS
from transforms.ingest.formats import FORMATS, detect_format
from transforms.ingest.read import expand_pattern
from transforms.ingest.readers import ReadParams, json_safe
from transforms.params import ConfigError, param, parse_params
from transforms.registry import STAGE_ORDER, STAGES, in_flow_order

_SOURCE_NAME = re.compile(r"^[A-Za-z0-9_.-]+$")


class _StrictLoader(yaml.SafeLoader):
    """YAML's safe loader, refusing a key given twice (safe_load silently keeps the last one)."""


def _mapping_without_duplicates(loader, node, deep=False):
    seen = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise ConfigError(f"line {key_node.start_mark.line + 1}: key {key!r} is given twice")
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_without_duplicates)
_TOP_KEYS = ("stages", "sources")
_SOURCE_KEYS = ("name", "kind", "paths", "format", "read", "meta", "license", "stages")
# Meta keys the `license:` declaration writes; `meta:` may not set them behind its back.
_DECLARATION_META = ("license", "publisher", "training_stages")


@dataclasses.dataclass(frozen=True)
class LicenseDeclaration:
    """A source's licence terms (`license:`): copied into every document's meta by the reader."""

    id: Optional[str] = param(None, help="SPDX id or publisher licence name; null: rows carry their own")
    publisher: Optional[str] = param(None, help="who licensed the corpus")
    training_stages: Optional[Tuple[str, ...]] = param(
        None, help="training stages (mixture names: core, continued, context_lengthening) that may use it; "
                   "null: any")

    def as_meta(self) -> dict:
        values = {"license": self.id, "publisher": self.publisher,
                  "training_stages": list(self.training_stages) if self.training_stages is not None else None}
        return {key: value for key, value in values.items() if value is not None}


@dataclasses.dataclass(frozen=True)
class SourceConfig:
    name: str
    kind: str
    paths: tuple  # resolved globs
    format: Optional[str]
    read: ReadParams
    meta: Mapping[str, Any]  # `meta:` plus the licence declaration: what every document starts with
    stages: Mapping[str, Any]  # stage name -> its Params instance, in flow order
    license: Optional[LicenseDeclaration] = None


@dataclasses.dataclass(frozen=True)
class Config:
    file: str
    sources: tuple
    global_params: Mapping[str, Any]  # stage name -> Params for global stages

    def resolved(self) -> dict:
        """The configuration as run, every default filled in: written to the manifest."""
        return {
            "file": self.file,
            "sources": [
                {
                    "name": s.name,
                    "kind": s.kind,
                    "paths": list(s.paths),
                    "format": s.format,
                    "read": dataclasses.asdict(s.read),
                    "meta": dict(s.meta),
                    "license": dataclasses.asdict(s.license) if s.license else None,
                    "stages": {name: dataclasses.asdict(p) for name, p in s.stages.items()},
                }
                for s in self.sources
            ],
        }


def default_config_path() -> str:
    return os.path.join(os.path.dirname(os.path.abspath(__file__)), "default_config.yaml")


def load_config(path: str, only_stages: Optional[Sequence[str]] = None) -> Config:
    """Read and validate a config file. `only_stages` (from --stages) restricts every source."""
    if not os.path.isfile(path):
        raise ConfigError(f"{path}: config file not found")
    with open(path, encoding="utf-8") as handle:
        try:
            raw = yaml.load(handle, Loader=_StrictLoader)
        except yaml.YAMLError as error:
            raise ConfigError(f"{path}: not valid YAML: {error}") from None
        except ConfigError as error:
            raise ConfigError(f"{path}: {error}") from None
    return parse_config(raw, path, only_stages)


def parse_config(raw: Any, path: str, only_stages: Optional[Sequence[str]] = None) -> Config:
    if not isinstance(raw, Mapping):
        raise ConfigError(f"{path}: the config must be a mapping with 'sources' (and optionally 'stages')")
    for key in raw:
        if key not in _TOP_KEYS:
            raise ConfigError(f"{path}: {key}: unknown key (known keys: {', '.join(_TOP_KEYS)})")
    base_dir = os.path.dirname(os.path.abspath(path))
    if only_stages is not None:
        _check_stage_names(only_stages, f"{path}: --stages")

    defaults = raw.get("stages") or {}
    if not isinstance(defaults, Mapping):
        raise ConfigError(f"{path}: stages: expected a mapping of stage name to parameters")
    _check_stage_names(defaults, f"{path}: stages")
    default_params = {
        name: _resolve_param_paths(parse_params(STAGES[name].Params, p, f"{path}: stages.{name}"),
                                   f"{path}: stages.{name}", base_dir)
        for name, p in defaults.items()
    }

    sources_raw = raw.get("sources")
    if not isinstance(sources_raw, list) or not sources_raw:
        raise ConfigError(f"{path}: sources: expected a non-empty list of sources")
    sources, seen = [], set()
    for index, source_raw in enumerate(sources_raw):
        source = _parse_source(source_raw, f"{path}: sources[{index}]", base_dir, defaults, only_stages)
        if source.name in seen:
            raise ConfigError(f"{path}: sources[{index}].name: duplicate source name {source.name!r}")
        seen.add(source.name)
        sources.append(source)
    global_params = {
        name: default_params.get(name) or STAGES[name].Params()
        for name in STAGE_ORDER
        if STAGES[name].scope == "global"
    }
    return Config(file=os.path.abspath(path), sources=tuple(sources), global_params=global_params)


def _check_stage_names(names, where: str) -> None:
    for name in names:
        if name not in STAGE_ORDER:
            raise ConfigError(f"{where}.{name}: unknown stage (stages: {', '.join(STAGE_ORDER)})")


def _parse_source(raw: Any, where: str, base_dir: str, defaults: Mapping, only_stages) -> SourceConfig:
    if not isinstance(raw, Mapping):
        raise ConfigError(f"{where}: expected a mapping with name, kind and paths")
    for key in raw:
        if key not in _SOURCE_KEYS:
            raise ConfigError(f"{where}.{key}: unknown key (known keys: {', '.join(_SOURCE_KEYS)})")
    name = raw.get("name")
    if not isinstance(name, str) or not _SOURCE_NAME.match(name):
        raise ConfigError(f"{where}.name: expected a name of letters, digits, '_', '.' or '-', got {name!r}")
    kind = raw.get("kind")
    if kind not in SOURCE_KINDS:
        raise ConfigError(f"{where}.kind: expected one of {', '.join(SOURCE_KINDS)}, got {kind!r}")
    fmt = raw.get("format")
    if fmt is not None and fmt not in FORMATS:
        raise ConfigError(f"{where}.format: expected one of {', '.join(FORMATS)} or null, got {fmt!r}")
    paths = _resolve_paths(raw.get("paths"), f"{where}.paths", base_dir)
    read = parse_params(ReadParams, raw.get("read"), f"{where}.read")
    meta = raw.get("meta") or {}
    if not isinstance(meta, Mapping):
        raise ConfigError(f"{where}.meta: expected a mapping")
    meta = json_safe(meta)  # YAML dates become ISO strings: meta is written as JSON
    declaration = _parse_license(raw.get("license"), kind, meta, where)
    if kind == "licensed" and only_stages is not None:  # --stages narrows a run, never the licence check
        only_stages = (*only_stages, "license")
    stages = _parse_source_stages(raw.get("stages"), f"{where}.stages", defaults, only_stages, base_dir)
    if kind == "licensed" and "license" not in stages:
        raise ConfigError(f"{where}.stages: a licensed source must run the license stage (documents "
                          "without a declared licence are rejected there, never guessed); add license")
    if "extract" not in stages and _reads_html(paths, fmt):
        raise ConfigError(f"{where}.stages: the source reads HTML pages (WARC/ARC or .html files) but does not "
                          "run extract, so its documents would have no text; add extract")
    if declaration is not None:
        meta = {**meta, **declaration.as_meta()}
    return SourceConfig(name, kind, paths, fmt, read, dict(meta), stages, declaration)


def _parse_license(raw: Any, kind: str, meta: Mapping, where: str) -> Optional[LicenseDeclaration]:
    for key in _DECLARATION_META:
        if raw is not None and key in meta:
            raise ConfigError(f"{where}.meta.{key}: declared under license: as well; give it in one place")
    if raw is None:
        if kind == "licensed":
            raise ConfigError(f"{where}.license: a licensed source must declare its licence terms: "
                              "license: {id: <SPDX id or licence name, or null if each row has its own>, "
                              "publisher: <name>, training_stages: [<mixture stage>, ...]}")
        return None
    declaration = parse_params(LicenseDeclaration, raw, f"{where}.license")
    if kind == "licensed":
        for key in ("publisher", "training_stages"):
            if not getattr(declaration, key):
                raise ConfigError(f"{where}.license.{key}: required for a licensed source")
    return declaration


def _reads_html(paths: Sequence[str], fmt: Optional[str]) -> bool:
    """Whether any input is raw HTML (WARC responses, ARC, .html files); WET holds text already."""
    def is_html(path: str) -> bool:
        kind = fmt or detect_format(path)
        return kind == "html" or (kind == "warc" and not path.lower().endswith((".wet", ".wet.gz")))

    for pattern in paths:
        if "://" in pattern:
            if is_html(pattern):
                return True
            continue
        if any(is_html(p) for p in glob.glob(expand_pattern(pattern), recursive=True) if os.path.isfile(p)):
            return True
    return False


def _resolve_param_paths(params, where: str, base_dir: str):
    """Parameters named *_path (model files) resolve relative to the config file and must exist."""
    resolved = {}
    for field in dataclasses.fields(params):
        value = getattr(params, field.name)
        if field.name.endswith("_path") and isinstance(value, str) and "://" not in value:
            path = os.path.normpath(os.path.join(base_dir, os.path.expanduser(value)))
            if not os.path.isfile(path):
                raise ConfigError(f"{where}.{field.name}: file not found: {path}")
            resolved[field.name] = path
    return dataclasses.replace(params, **resolved) if resolved else params


def _resolve_paths(raw: Any, where: str, base_dir: str) -> tuple:
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list) or not raw or not all(isinstance(p, str) and p for p in raw):
        raise ConfigError(f"{where}: expected a path or glob, or a non-empty list of them")
    resolved = []
    for index, path in enumerate(raw):
        if "://" not in path:
            path = os.path.normpath(os.path.join(base_dir, os.path.expanduser(path))) + ("/" if path.endswith("/") else "")
            if os.path.isdir(path.rstrip("/")):
                path = path.rstrip("/") + "/"
            if not glob.glob(expand_pattern(path), recursive=True) and not os.path.exists(path):
                raise ConfigError(f"{where}[{index}]: no file matches {path!r}")
        resolved.append(path)
    return tuple(resolved)


def _parse_source_stages(raw: Any, where: str, defaults: Mapping, only_stages, base_dir: str) -> Dict[str, Any]:
    if raw is None:
        raise ConfigError(f"{where}: list the stages this source runs (e.g. [extract, langid, quality])")
    if isinstance(raw, list):
        for index, name in enumerate(raw):
            if not isinstance(name, str):
                raise ConfigError(f"{where}[{index}]: expected a stage name; to set parameters, "
                                  "write stages as a mapping ({quality: {min_words: 20}})")
        overrides = {name: None for name in raw}
        if len(overrides) != len(raw):
            raise ConfigError(f"{where}: a stage is listed twice")
    elif isinstance(raw, Mapping):
        overrides = dict(raw)
        for name, params in overrides.items():
            if params is not None and not isinstance(params, Mapping):
                raise ConfigError(f"{where}.{name}: expected a mapping of parameters (or {{}}), got {params!r}")
    else:
        raise ConfigError(f"{where}: expected a list of stage names or a mapping of stage name to parameters")
    _check_stage_names(overrides, where)
    stages = _parse_each_stage(overrides, where, defaults, only_stages, base_dir)
    if "math_filter" in stages and "extract" in stages:  # its tag filter reads the HTML extract drops
        stages["extract"] = dataclasses.replace(stages["extract"], keep_html=True)
    return stages


def _parse_each_stage(overrides: Mapping, where: str, defaults: Mapping, only_stages, base_dir: str) -> Dict[str, Any]:
    stages = {}
    for name in in_flow_order(overrides):
        if only_stages is not None and name not in only_stages:
            continue
        spec = STAGES[name]
        if spec.scope == "global" and overrides[name]:
            raise ConfigError(
                f"{where}.{name}: a global stage takes its parameters from the top-level 'stages' only"
            )
        merged = {**(defaults.get(name) or {}), **(overrides[name] or {})}
        stages[name] = _resolve_param_paths(parse_params(spec.Params, merged, f"{where}.{name}"), f"{where}.{name}", base_dir)
    return stages
