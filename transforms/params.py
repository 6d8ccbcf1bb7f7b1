"""Typed, range-checked stage parameters declared as dataclasses, parsed from plain YAML mappings.

Each stage declares its parameters once, with defaults, types and ranges; `parse_params` turns the
config's mapping into that dataclass or raises ConfigError naming the file and the key, so a typo in
a 500-line config fails at submission time, not three hours into a Dataflow job.
"""
from __future__ import annotations

import collections.abc
import dataclasses
import typing
from typing import Any, Mapping


class ConfigError(ValueError):
    """A configuration mistake, with the file and the key in its message.

A Params dataclass may define `check(self) -> (key, message) | None` for rules across fields."""


def param(default: Any, *, ge=None, le=None, gt=None, lt=None, choices=None, help: str = ""):
    """A dataclass field with a range or a choice list that parse_params enforces."""
    metadata = {"ge": ge, "le": le, "gt": gt, "lt": lt, "choices": choices, "help": help}
    if isinstance(default, (list, dict, set)):
        raise TypeError("use a tuple (immutable) as a parameter default")
    return dataclasses.field(default=default, metadata=metadata)


def parse_params(cls: type, mapping: Mapping[str, Any] | None, where: str):
    """Build `cls` from `mapping`, rejecting unknown keys, wrong types and out-of-range values."""
    mapping = {} if mapping is None else mapping
    if not isinstance(mapping, Mapping):
        raise ConfigError(f"{where}: expected a mapping of parameters, got {type(mapping).__name__}")
    fields = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(map(str, set(mapping) - set(fields)))
    if unknown:
        raise ConfigError(f"{where}.{unknown[0]}: unknown key (known keys: {', '.join(sorted(fields))})")
    hints = typing.get_type_hints(cls)
    values = {}
    for name, field in fields.items():
        if name not in mapping:
            continue
        key = f"{where}.{name}"
        value = _coerce(mapping[name], hints[name], key)
        _check_range(value, field.metadata, key)
        values[name] = value
    params = cls(**values)
    problem = params.check() if hasattr(params, "check") else None
    if problem:  # a rule across fields, e.g. min <= max
        key, message = problem
        raise ConfigError(f"{where}.{key}: {message}")
    return params


def _type_name(hint) -> str:
    return getattr(hint, "__name__", None) or str(hint).replace("typing.", "")


def _coerce(value: Any, hint, key: str):
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin is typing.Union:
        if value is None and type(None) in args:
            return None
        non_none = [a for a in args if a is not type(None)]
        errors = []
        for candidate in non_none:
            try:
                return _coerce(value, candidate, key)
            except ConfigError as error:
                errors.append(error)
        raise errors[0]
    if origin is tuple:
        if not isinstance(value, (list, tuple)):
            raise ConfigError(f"{key}: expected a list, got {value!r}")
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_coerce(v, args[0], f"{key}[{i}]") for i, v in enumerate(value))
        if len(value) != len(args):
            raise ConfigError(f"{key}: expected a list of {len(args)} values, got {len(value)}")
        return tuple(_coerce(v, a, f"{key}[{i}]") for i, (v, a) in enumerate(zip(value, args)))
    if origin in (dict, collections.abc.Mapping):  # e.g. per-language overrides: {Python: {max_line_length: 120}}
        if not isinstance(value, Mapping):
            raise ConfigError(f"{key}: expected a mapping, got {value!r}")
        key_hint, value_hint = args or (str, typing.Any)
        return {_coerce(k, key_hint, key): _coerce(v, value_hint, f"{key}.{k}") for k, v in value.items()}
    if hint is typing.Any:  # checked by the Params class itself (its check())
        return value
    if hint is bool:
        if not isinstance(value, bool):
            raise ConfigError(f"{key}: expected true or false, got {value!r}")
        return value
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{key}: expected an integer, got {value!r}")
        return value
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(f"{key}: expected a number, got {value!r}")
        return float(value)
    if hint is str:
        if not isinstance(value, str):
            raise ConfigError(f"{key}: expected a string, got {value!r}")
        return value
    raise TypeError(f"{key}: parameter type {_type_name(hint)} is not supported by parse_params")


def _check_range(value: Any, metadata: Mapping[str, Any], key: str) -> None:
    if isinstance(value, tuple):
        for i, item in enumerate(value):
            _check_range(item, metadata, f"{key}[{i}]")
        return
    if value is None:
        return
    choices = metadata.get("choices")
    if choices is not None and value not in choices:
        raise ConfigError(f"{key}: {value!r} is not one of {', '.join(map(str, choices))}")
    bounds = (("ge", lambda v, b: v >= b, "≥"), ("le", lambda v, b: v <= b, "≤"),
              ("gt", lambda v, b: v > b, ">"), ("lt", lambda v, b: v < b, "<"))
    for name, holds, symbol in bounds:
        bound = metadata.get(name)
        if bound is not None and isinstance(value, (int, float)) and not holds(value, bound):
            raise ConfigError(f"{key}: {value!r} is out of range (must be {symbol} {bound})")
