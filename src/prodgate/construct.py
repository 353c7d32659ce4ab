"""Build the gate's plain classes (:mod:`prodgate.manifest.model`,
:mod:`prodgate.policy.model`) from data already known to be valid.

Data that :mod:`prodgate.quickschema` accepted, the shipped and tested built-in policy,
or what a pydantic model validated (:func:`from_validated`) is turned into instances by
walking the classes' field types: a mapping becomes the class a field names, a list or
mapping of them their instances. Nothing is checked here; a test compares the result
with what pydantic builds on every declaration and policy the project ships.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from functools import cache
from typing import TYPE_CHECKING, Any, TypeVar

from prodgate.manifest.model import ALIAS

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

T = TypeVar("T", bound="DataclassInstance")


def construct(cls: type[T], data: dict[str, Any]) -> T:
    """``cls`` from valid ``data`` (keys by name or by alias), nested classes included."""
    values: dict[str, Any] = {}
    for name, key, tp in _fields(cls):
        if key in data:
            values[name] = _value(tp, data[key])
        elif name in data:
            values[name] = _value(tp, data[name])
    return cls(**values)


def from_validated(cls: type[T], model: Any) -> T:
    """``cls`` from a pydantic model instance that validated the same data."""
    return construct(cls, model.model_dump())


@cache
def _fields(cls: type[Any]) -> tuple[tuple[str, str, Any], ...]:
    """(name, key in the data, resolved type) of each field of a dataclass."""
    hints = typing.get_type_hints(cls)
    return tuple(
        (f.name, f.metadata.get(ALIAS, f.name), hints[f.name]) for f in dataclasses.fields(cls)
    )


def _value(tp: Any, value: Any) -> Any:
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
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
    """Which branch of a union valid ``value`` belongs to (classes take mappings)."""
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        return isinstance(value, dict)
    origin = typing.get_origin(tp)
    if origin is list:
        return isinstance(value, list)
    if origin is dict:
        return isinstance(value, dict)
    if tp is type(None):
        return value is None
    return not isinstance(value, (dict, list))
