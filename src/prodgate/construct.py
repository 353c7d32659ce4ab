"""Build the gate's records (:mod:`prodgate.manifest.model`, :mod:`prodgate.policy.model`)
from data already known to be valid.

Data that :mod:`prodgate.quickschema` accepted, the shipped and tested built-in policy,
or what a pydantic model validated (:func:`from_validated`) is turned into instances by
walking the records' field types: a mapping becomes the record a field names, a list or
mapping of them their instances. Nothing is checked here; a test compares the result
with what pydantic builds on every declaration and policy the project ships.
"""

from __future__ import annotations

import types
import typing
from typing import Any, TypeVar

from prodgate.manifest.model import ALIAS
from prodgate.record import Record, fields

R = TypeVar("R", bound=Record)


def construct(cls: type[R], data: dict[str, Any]) -> R:
    """``cls`` from valid ``data`` (keys by name or by alias), nested records included."""
    values: dict[str, Any] = {}
    for f in fields(cls):
        key = f.metadata.get(ALIAS, f.name)
        if key in data:
            values[f.name] = _value(f.type, data[key])
        elif f.name in data:
            values[f.name] = _value(f.type, data[f.name])
    return cls(**values)


def from_validated(cls: type[R], model: Any) -> R:
    """``cls`` from a pydantic model instance that validated the same data."""
    return construct(cls, model.model_dump())


def _is_record(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, Record)


def _value(tp: Any, value: Any) -> Any:
    if _is_record(tp):
        return construct(tp, value)
    origin = typing.get_origin(tp)
    if origin is list:
        (item,) = typing.get_args(tp)
        return [_value(item, v) for v in value]
    if origin is dict:
        _key, item = typing.get_args(tp)
        return {k: _value(item, v) for k, v in value.items()}
    if origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(tp):
            if _fits(arg, value):
                return _value(arg, value)
    return value


def _fits(tp: Any, value: Any) -> bool:
    """Which branch of a union valid ``value`` belongs to (records take mappings)."""
    if _is_record(tp):
        return isinstance(value, dict)
    origin = typing.get_origin(tp)
    if origin is list:
        return isinstance(value, list)
    if origin is dict:
        return isinstance(value, dict)
    if tp is type(None):
        return value is None
    return not isinstance(value, (dict, list))
