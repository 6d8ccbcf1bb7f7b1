"""`winnow mix`: a training stage's sampling plan from mixture weights and a run's token counts.

A mixture file names, per training stage (core, continued, context_lengthening as in the AFM
report), relative weights per source, and a token budget (or none: the largest budget that repeats
no source more than `max_epochs`). The plan says, per source, how many tokens the stage draws
(weight x budget), how many epochs that is of what the run produced, and which shards to read.
"""
from __future__ import annotations

import dataclasses
import json
import math
from typing import Mapping, Optional

import yaml

from transforms.params import ConfigError

_STAGE_KEYS = ("weights", "total_tokens", "max_epochs", "sequence_length")


@dataclasses.dataclass(frozen=True)
class MixtureStage:
    name: str
    weights: Mapping[str, float]
    total_tokens: Optional[int]
    max_epochs: float
    sequence_length: Optional[int]


def load_mixture(path: str, stage: str) -> MixtureStage:
    try:
        with open(path, encoding="utf-8") as handle:
            raw = yaml.safe_load(handle)
    except OSError:
        raise ConfigError(f"{path}: mixture file not found") from None
    except yaml.YAMLError as error:
        raise ConfigError(f"{path}: not valid YAML: {error}") from None
    stages = raw.get("stages") if isinstance(raw, Mapping) else None
    if not isinstance(stages, Mapping) or not stages:
        raise ConfigError(f"{path}: expected 'stages:' mapping training-stage names to mixtures")
    if stage not in stages:
        raise ConfigError(f"{path}: stages.{stage}: no such training stage (stages: {', '.join(stages)})")
    spec, where = stages[stage], f"{path}: stages.{stage}"
    if not isinstance(spec, Mapping):
        raise ConfigError(f"{where}: expected a mapping with weights")
    for key in spec:
        if key not in _STAGE_KEYS:
            raise ConfigError(f"{where}.{key}: unknown key (known keys: {', '.join(_STAGE_KEYS)})")
    weights = spec.get("weights")
    if not isinstance(weights, Mapping) or not weights:
        raise ConfigError(f"{where}.weights: expected a mapping of source name to weight")
    for source, weight in weights.items():
        if isinstance(weight, bool) or not isinstance(weight, (int, float)) or weight < 0:
            raise ConfigError(f"{where}.weights.{source}: expected a weight ≥ 0, got {weight!r}")
    if sum(weights.values()) <= 0:
        raise ConfigError(f"{where}.weights: at least one weight must be positive")
    total = spec.get("total_tokens")
    if total is not None and (isinstance(total, bool) or not isinstance(total, (int, float)) or total <= 0):
        raise ConfigError(f"{where}.total_tokens: expected a positive number of tokens or null, got {total!r}")
    max_epochs = spec.get("max_epochs", 1.0)
    if isinstance(max_epochs, bool) or not isinstance(max_epochs, (int, float)) or max_epochs <= 0:
        raise ConfigError(f"{where}.max_epochs: expected a positive number, got {max_epochs!r}")
    length = spec.get("sequence_length")
    if length is not None and (isinstance(length, bool) or not isinstance(length, int) or length < 16):
        raise ConfigError(f"{where}.sequence_length: expected an integer ≥ 16 or null, got {length!r}")
    return MixtureStage(stage, {str(k): float(v) for k, v in weights.items()},
                        int(total) if total is not None else None, float(max_epochs), length)


def plan_mixture(manifest: Mapping, mixture: MixtureStage) -> dict:
    """The sampling plan for one training stage (pure: manifest and mixture in, plan out)."""
    available = dict(manifest.get("tokens_per_source") or {})
    missing = sorted(s for s, w in mixture.weights.items() if w > 0 and not available.get(s))
    if missing:
        raise ConfigError(f"mixture {mixture.name}: source(s) {', '.join(missing)} have no tokens in this run "
                          f"(sources with tokens: {', '.join(s for s, n in available.items() if n) or 'none'})")
    _check_training_stages(manifest, mixture)
    norm = sum(mixture.weights.values())
    shares = {s: w / norm for s, w in mixture.weights.items() if w > 0}
    if mixture.total_tokens is not None:
        budget = mixture.total_tokens
    else:  # the largest budget that keeps every source within max_epochs
        budget = int(min(available[s] * mixture.max_epochs / share for s, share in shares.items()))
    shards_by_source = {}
    for shard in manifest.get("shards", []):
        shards_by_source.setdefault(shard["source"], []).append(shard)
    sources = {}
    for source, share in sorted(shares.items()):
        target = share * budget
        epochs = target / available[source]
        use_packed = mixture.sequence_length is not None
        shard_list = []
        for shard in shards_by_source.get(source, []):
            if use_packed:
                packed = shard.get("packed")
                if not packed or packed["sequence_length"] != mixture.sequence_length:
                    raise ConfigError(f"mixture {mixture.name}: needs sequences of {mixture.sequence_length} tokens "
                                      f"but {shard['path']} was not packed to that length (tokenize.pack_sequence_length)")
                shard_list.append({"path": packed["path"], "sequences": packed["sequences"], "tokens": shard["tokens"]})
            else:
                shard_list.append({"path": shard["path"], "documents": shard["documents"], "tokens": shard["tokens"]})
        sources[source] = {
            "weight": round(share, 6),
            "available_tokens": available[source],
            "target_tokens": int(round(target)),
            "epochs": round(epochs, 4),
            "full_passes": math.floor(epochs),
            "extra_fraction": round(epochs - math.floor(epochs), 4),
            "shards": shard_list,
        }
    unused = sorted(s for s in available if s not in shares)
    return {
        "training_stage": mixture.name,
        "total_tokens": int(budget),
        "max_epochs": mixture.max_epochs,
        "sequence_length": mixture.sequence_length,
        "tokenizer": manifest.get("tokenizer"),
        "sources": sources,
        "unused_sources": unused,
        "over_max_epochs": sorted(s for s, e in sources.items() if e["epochs"] > mixture.max_epochs + 1e-9),
    }


def _check_training_stages(manifest: Mapping, mixture: MixtureStage) -> None:
    """A source whose licence names the training stages that may use it stays out of the others."""
    for source in (manifest.get("config") or {}).get("sources", []):
        allowed = (source.get("license") or {}).get("training_stages")
        if allowed is not None and mixture.weights.get(source["name"], 0) > 0 and mixture.name not in allowed:
            raise ConfigError(f"mixture {mixture.name}: source {source['name']}'s licence allows the training "
                              f"stages {', '.join(allowed)} only; give it weight 0 or leave it out")


def format_plan(plan: dict) -> str:
    lines = [f"training stage {plan['training_stage']}: {plan['total_tokens']:,} tokens"]
    lines.append(f"{'source':<14}{'weight':>8}{'available':>14}{'target':>14}{'epochs':>9}")
    for source, entry in plan["sources"].items():
        lines.append(f"{source:<14}{entry['weight']:>8.3f}{entry['available_tokens']:>14,}"
                     f"{entry['target_tokens']:>14,}{entry['epochs']:>9.2f}")
    if plan["unused_sources"]:
        lines.append(f"not in this mixture: {', '.join(plan['unused_sources'])}")
    if plan["over_max_epochs"]:
        lines.append(f"warning: repeated more than max_epochs: {', '.join(plan['over_max_epochs'])}")
    return "\n".join(lines)


def write_plan(plan: dict, path: str) -> None:
    from pipeline.manifest import write_atomically

    write_atomically(path, json.dumps(plan, indent=2, ensure_ascii=False) + "\n")
