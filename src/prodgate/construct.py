"""Build pydantic model instances from data already known to be valid, without
building pydantic's validators.

The models are declared with ``defer_build=True``: pydantic then generates their
validators only when something validates, which is most of the cost of a small run.
Data that :mod:`prodgate.quickschema` accepted (or the shipped, tested built-in policy)
is turned into the same instances by ``model_construct``, walking the field types.
Anything else goes through ``model_validate``; a test compares the two on every
declaration and policy the project ships.
"""

from __future__ import annotations

import types
import typing
from typing import Any, TypeVar

from pydantic import BaseModel

M = TypeVar("M", bound=BaseModel)


def construct(cls: type[M], data: dict[str, Any]) -> M:
    """``cls`` from valid ``data`` (keys by name or by alias), nested models included."""
    values: dict[str, Any] = {}
    given: set[str] = set()
    for name, field in cls.model_fields.items():
        if name in data or (field.alias is not None and field.alias in data):
            given.add(name)
        if field.alias is not None and field.alias in data:
            values[name] = _value(field.annotation, data[field.alias])
        elif name in data:
            values[name] = _value(field.annotation, data[name])
        elif isinstance(field.default_factory, type) and issubclass(field.default_factory, BaseModel):
            # ``Field(default_factory=Risk)`` would call ``Risk()``, which validates.
            values[name] = construct(field.default_factory, {})
    return cls.model_construct(given, **values)


def _value(tp: Any, value: Any) -> Any:
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        return _value(typing.get_args(tp)[0], value)
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return construct(tp, value)
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
    """Which branch of a union valid ``value`` belongs to (models take mappings)."""
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        return _fits(typing.get_args(tp)[0], value)
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return isinstance(value, dict)
    if origin is list:
        return isinstance(value, list)
    if origin is dict:
        return isinstance(value, dict)
    if tp is type(None):
        return value is None
    return not isinstance(value, (dict, list))
