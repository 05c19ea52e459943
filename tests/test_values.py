"""kaohe.values: the shared ``__repr__``, ``__eq__`` and ``__hash__`` behave as attrs' own.

Each sample class is made twice from the same fields: once as plain
``@attrs.frozen`` (attrs writes the methods), once on :class:`Value` /
:class:`Holder` (kaohe's shared methods); both are named ``Sample`` so that
their reprs can be compared as strings.
"""

from __future__ import annotations

import importlib
import math
import pkgutil
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kaohe
from kaohe.values import Holder, Value


def _pair(identity: bool = False) -> tuple[type, type]:
    """(attrs' class, kaohe's class) with the same fields and every field option."""

    def make(base: type | None, **flags: Any) -> type:
        namespace = {
            "__annotations__": {
                "plain": "Any",
                "hidden": "Any",
                "shown": "Any",
                "unequal": "Any",
                "folded": "Any",
                "unhashed": "Any",
                "later": "Any",
            },
            "plain": attrs.field(),
            "hidden": attrs.field(default=0, repr=False),
            "shown": attrs.field(default=0, repr=lambda v: f"<{v}>"),
            "unequal": attrs.field(default=0, eq=False),
            "folded": attrs.field(default="", eq=str.lower),
            "unhashed": attrs.field(default=0, hash=False),
            "later": attrs.field(init=False, default=7),
        }
        cls = type("Sample", (base,) if base else (), namespace)
        return attrs.frozen(**flags)(cls)

    if identity:
        return make(None, eq=False), make(Holder, repr=False, eq=False)
    return make(None), make(Value, repr=False, eq=False)


OURS_BY_ATTRS = _pair()
HELD_BY_ATTRS = _pair(identity=True)

cells = st.one_of(
    st.integers(-3, 3), st.sampled_from(["a", "A", "b", "中"]), st.floats(allow_nan=True)
)
samples = st.fixed_dictionaries(
    {
        "plain": cells,
        "hidden": cells,
        "shown": cells,
        "unequal": cells,
        "folded": st.sampled_from(["x", "X", "y"]),
        "unhashed": cells,
    }
)


@given(one=samples, other=samples)
def test_value_behaves_as_attrs_frozen(one: dict[str, Any], other: dict[str, Any]) -> None:
    theirs, ours = OURS_BY_ATTRS
    a, b = theirs(**one), theirs(**other)
    x, y = ours(**one), ours(**other)
    assert repr(x) == repr(a)
    assert (x == y) == (a == b)
    assert (x != y) == (a != b)
    assert (x == x) == (a == a)  # NaN fields are unequal even to themselves, as in attrs
    if x == y:
        assert hash(x) == hash(y)


def test_value_repr_eq_and_hash_by_hand() -> None:
    _, ours = OURS_BY_ATTRS
    one = ours(plain=1, hidden=2, shown=3, unequal=4, folded="X", unhashed=5)
    assert repr(one) == "Sample(plain=1, shown=<3>, unequal=4, folded='X', unhashed=5, later=7)"
    same = ours(plain=1, hidden=2, shown=3, unequal=0, folded="x", unhashed=5)
    assert one == same  # unequal is not compared; folded is, by its key
    assert hash(one) == hash(same)
    assert one != ours(plain=1, hidden=9, shown=3, unequal=4, folded="X", unhashed=5)  # hidden is
    assert one != ours(plain=1, hidden=2, shown=3, unequal=4, folded="X", unhashed=6)
    assert ours(plain=math.nan) != ours(plain=math.nan)
    assert one.__eq__(object()) is NotImplemented
    assert one.__ne__(object()) is NotImplemented
    assert {one, same} == {one}


def test_holder_is_compared_by_identity_and_shown_as_attrs() -> None:
    theirs, ours = HELD_BY_ATTRS
    a, x = theirs(plain=[]), ours(plain=[])
    assert (
        repr(x)
        == repr(a)
        == "Sample(plain=[], shown=<0>, unequal=0, folded='', unhashed=0, later=7)"
    )
    assert x != ours(plain=[])
    assert x == x
    assert hash(x) == object.__hash__(x)


def test_an_object_met_again_while_shown_is_dots_as_in_attrs() -> None:
    theirs, ours = HELD_BY_ATTRS
    a, x = theirs(plain=[]), ours(plain=[])
    a.plain.append(a)
    x.plain.append(x)
    assert (
        repr(x)
        == repr(a)
        == ("Sample(plain=[...], shown=<0>, unequal=0, folded='', unhashed=0, later=7)")
    )
    assert repr(x) == repr(a)  # and shown again in full after


def _kaohe_attrs_classes() -> list[type]:
    found = []
    for info in pkgutil.walk_packages(kaohe.__path__, "kaohe."):
        if info.name == "kaohe.__main__":
            continue
        module = importlib.import_module(info.name)
        found += [
            value
            for value in vars(module).values()
            if isinstance(value, type) and attrs.has(value) and value.__module__ == info.name
        ]
    return found


@pytest.mark.parametrize("cls", _kaohe_attrs_classes(), ids=lambda cls: cls.__qualname__)
def test_every_kaohe_attrs_class_shares_the_methods(cls: type) -> None:
    """A class made with plain ``@attrs.frozen`` would compile its own methods at import."""
    assert issubclass(cls, Holder)
    for method in ("__repr__", "__eq__", "__hash__"):
        code = getattr(getattr(cls, method, None), "__code__", None)
        assert code is None or not code.co_filename.startswith("<attrs generated"), method
