"""Frozen records that cost next to nothing to declare: the declaration and policy classes.

``@dataclass`` writes and compiles the source of ``__init__``, ``__eq__``, ``__hash__``,
``__repr__`` and the frozen ``__setattr__`` of every class it decorates, about half a
millisecond each; the two dozen classes of the declaration and the policy cost a run of
``prodgate check`` more than the rest of reading one asset. A :class:`Record` subclass
gets the same behaviour (keyword construction with defaults, immutability, equality and
hashing by value, a readable repr) from shared methods, and declaring one is as cheap as
declaring any class. Type checkers see it as a frozen, keyword-only dataclass
(``dataclass_transform``).

The field annotations are evaluated (the modules declaring records do not postpone
annotations), so :func:`fields` gives each field's type without ``get_type_hints``.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from typing import Any, ClassVar, dataclass_transform

_MISSING: Any = object()


class Field:
    """One field of a record: its name, type, default and metadata."""

    __slots__ = ("default", "default_factory", "metadata", "name", "type")

    def __init__(
        self, default: Any = _MISSING, default_factory: Callable[[], Any] | None = None,
        metadata: Mapping[str, Any] | None = None,
    ) -> None:
        self.name = ""
        self.type: Any = None
        self.default = default
        self.default_factory = default_factory
        self.metadata: Mapping[str, Any] = metadata or {}

    @property
    def required(self) -> bool:
        return self.default is _MISSING and self.default_factory is None


def field(
    *, default: Any = _MISSING, default_factory: Callable[[], Any] | None = None,
    metadata: Mapping[str, Any] | None = None,
) -> Any:
    """A field with a default, a default factory (for lists, mappings, records) or metadata."""
    return Field(default, default_factory, metadata)


@dataclass_transform(kw_only_default=True, frozen_default=True, field_specifiers=(field,))
class Record:
    """Base of a frozen record: fields are the annotated class attributes, inherited
    ones first; instances are built by keyword."""

    __record_fields__: ClassVar[tuple[Field, ...]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        merged = {f.name: f for f in cls.__record_fields__}
        for name, annotation in inspect.get_annotations(cls).items():
            value = cls.__dict__.get(name, _MISSING)
            spec = value if isinstance(value, Field) else Field(default=value)
            if isinstance(value, Field):
                delattr(cls, name)
            spec.name, spec.type = name, annotation
            merged[name] = spec
        cls.__record_fields__ = tuple(merged.values())

    def __init__(self, **values: Any) -> None:
        for f in self.__record_fields__:
            if f.name in values:
                value = values.pop(f.name)
            elif f.default_factory is not None:
                value = f.default_factory()
            elif f.default is not _MISSING:
                value = f.default
            else:
                raise TypeError(f"{type(self).__name__}() missing keyword argument {f.name!r}")
            object.__setattr__(self, f.name, value)
        if values:
            raise TypeError(f"{type(self).__name__}() got an unexpected keyword argument {next(iter(values))!r}")

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, f.name) for f in self.__record_fields__)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"cannot assign to field {name!r} of a frozen {type(self).__name__}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"cannot delete field {name!r} of a frozen {type(self).__name__}")

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, Record)
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        inner = ", ".join(f"{f.name}={getattr(self, f.name)!r}" for f in self.__record_fields__)
        return f"{type(self).__name__}({inner})"


def fields(record: type[Record] | Record) -> tuple[Field, ...]:
    """The fields of a record class (or of a record's class), in order."""
    return record.__record_fields__


def as_dict(value: Any) -> Any:
    """``value`` with every record in it (also within lists and mappings) as a mapping of
    its fields, as ``dataclasses.asdict`` does for dataclasses."""
    if isinstance(value, Record):
        return {f.name: as_dict(getattr(value, f.name)) for f in value.__record_fields__}
    if isinstance(value, list):
        return [as_dict(v) for v in value]
    if isinstance(value, tuple):
        return tuple(as_dict(v) for v in value)
    if isinstance(value, dict):
        return {k: as_dict(v) for k, v in value.items()}
    return value
