"""The ``__repr__``, ``__eq__`` and ``__hash__`` that kaohe's attrs classes share.

attrs writes these methods for each class as Python source and compiles it
when the class is made: about 0.3 ms a class, some 25 ms of the start of
every ``kaohe`` command, which defines over a hundred classes. The methods
are the same for every class but for the fields they name, so kaohe's
classes inherit one copy of them instead::

    @attrs.frozen(repr=False, eq=False)
    class Slot(Value):
        ...

- :class:`Value`: compared and hashed by its fields, as ``@attrs.frozen``
  would make it.
- :class:`Holder`: compared by identity (``eq=False`` in attrs' terms), for
  classes that hold arrays or live objects (a dataset, a plugin registry).

Both behave exactly as attrs' own methods (``tests/test_values.py`` holds
them side by side): the ``repr`` is ``Name(field=value, ...)`` over the
fields with ``repr`` on (a callable ``repr`` formats its field), ``==``
compares the fields with ``eq`` on (through their ``eq_key``), in order, and
the hash is taken over the fields attrs would hash. Each class's fields are
looked up once, on first use.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from typing import Any

import attrs

__all__ = ["Holder", "Value"]

_Key = Callable[[Any], Any] | None


class _Fields:
    """What the shared methods need of one class's attrs fields."""

    __slots__ = ("eq", "hashed", "shown")

    def __init__(self, cls: type) -> None:
        fields = attrs.fields(cls)
        #: (name, format or None for ``repr``, whether ``__init__`` sets it)
        self.shown: tuple[tuple[str, Callable[[Any], str] | None, bool], ...] = tuple(
            (a.name, None if a.repr is True else a.repr, a.init)
            for a in fields
            if a.repr is not False
        )
        #: (name, eq_key) of the fields ``==`` compares
        self.eq: tuple[tuple[str, _Key], ...] = tuple((a.name, a.eq_key) for a in fields if a.eq)
        #: (name, eq_key) of the fields the hash is taken over
        self.hashed: tuple[tuple[str, _Key], ...] = tuple(
            (a.name, a.eq_key) for a in fields if a.hash is True or (a.hash is None and a.eq)
        )


_FIELDS: weakref.WeakKeyDictionary[type, _Fields] = weakref.WeakKeyDictionary()
_REPRING = threading.local()


def _fields(cls: type) -> _Fields:
    found = _FIELDS.get(cls)
    if found is None:
        found = _FIELDS[cls] = _Fields(cls)
    return found


def _keyed(obj: object, name: str, key: _Key) -> Any:
    value = getattr(obj, name)
    return value if key is None else key(value)


class Holder:
    """Base of attrs classes compared by identity: the ``__repr__`` attrs would write."""

    __slots__ = ()

    def __repr__(self) -> str:
        # as attrs: an object met again while it is being shown is "..."
        showing: set[int] | None = getattr(_REPRING, "ids", None)
        if showing is None:
            showing = _REPRING.ids = set()
        if id(self) in showing:
            return "..."
        showing.add(id(self))
        try:
            parts = []
            for name, show, init in _fields(type(self)).shown:
                value = getattr(self, name) if init else getattr(self, name, attrs.NOTHING)
                parts.append(f"{name}={value!r}" if show is None else f"{name}={show(value)}")
            return f"{type(self).__qualname__.rsplit('>.', 1)[-1]}({', '.join(parts)})"
        finally:
            showing.discard(id(self))


class Value(Holder):
    """Base of attrs classes compared and hashed by their fields, as attrs would."""

    __slots__ = ()

    def __eq__(self, other: object) -> Any:
        if other.__class__ is not self.__class__:
            return NotImplemented
        result: Any = True
        # as attrs' `self.a == other.a and ...`: the first false comparison, else the last
        for name, key in _fields(type(self)).eq:
            result = _keyed(self, name, key) == _keyed(other, name, key)
            if not result:
                return result
        return result

    def __ne__(self, other: object) -> Any:
        result = self.__eq__(other)
        return NotImplemented if result is NotImplemented else not result

    def __hash__(self) -> int:
        cls = type(self)
        return hash((cls, *(_keyed(self, name, key) for name, key in _fields(cls).hashed)))
