"""Arrow's compute functions, called without importing :mod:`pyarrow.compute`.

``import pyarrow.compute`` makes a Python function, with a docstring parsed
and rewritten, for each of Arrow's several hundred compute functions: about
35 ms, a tenth of a whole ``kaohe score`` run on a county's data. kaohe calls
the functions it uses by name through Arrow's function registry
(``call_function``, which those generated functions call too), with the
same arguments: ``arrowcompute.equal(a, b)`` is ``pyarrow.compute.equal(a,
b)``, the same kernels and results, and ``pyarrow.compute`` is not imported.

Any function of the registry is available as an attribute, made on first
use: the leading arguments are its data (its arity), the others and the
keywords build its options (:data:`OPTIONS`), as in ``pyarrow.compute``. So
are the three that ``pyarrow.compute`` writes by hand: :func:`cast`,
:func:`fill_null` and :func:`take`. Arrow's own array methods that compute
(``Array.cast``, ``.take``, ``.filter``, ``.unique``, ``.dictionary_encode``,
``.fill_null``, ``.is_null``) import ``pyarrow.compute``; kaohe's reading and
writing of CSV call these functions instead (a test checks that
``kaohe score`` does not import it).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np
import pyarrow as pa
from pyarrow import _compute

__all__ = ["OPTIONS", "array", "cast", "fill_null", "take"]

#: The options class of each function kaohe calls that takes options (by the
#: class's name in ``pyarrow.compute``); a test checks them against Arrow's own.
OPTIONS = {
    "all": "ScalarAggregateOptions",
    "any": "ScalarAggregateOptions",
    "binary_join_element_wise": "JoinOptions",
    "dictionary_encode": "DictionaryEncodeOptions",
    "extract_regex": "ExtractRegexOptions",
    "filter": "FilterOptions",
    "floor_temporal": "RoundTemporalOptions",
    "index_in": "SetLookupOptions",
    "is_in": "SetLookupOptions",
    "is_null": "NullOptions",
    "match_substring": "MatchSubstringOptions",
    "match_substring_regex": "MatchSubstringOptions",
    "max": "ScalarAggregateOptions",
    "min_element_wise": "ElementWiseAggregateOptions",
    "replace_substring": "ReplaceSubstringOptions",
    "sort_indices": "SortOptions",
    "strftime": "StrftimeOptions",
    "strptime": "StrptimeOptions",
    "struct_field": "StructFieldOptions",
    "sum": "ScalarAggregateOptions",
    "utf8_rpad": "PadOptions",
}

#: Python keywords that Arrow's functions are named after, and the names they go by.
_RENAMED = {"and_": "and", "or_": "or"}


def array(values: Any) -> Any:
    """A one-dimensional numpy array of numbers or booleans as an Arrow array (its
    memory shared, booleans packed to bits); other values through :func:`pyarrow.array`.

    ``pyarrow.array`` of a numpy array looks for numpy's masked arrays first,
    which imports ``numpy.ma`` (a twentieth of a small run's start); the
    arguments of these functions that are numpy arrays are made Arrow here.
    """
    if not isinstance(values, np.ndarray) or values.ndim != 1:
        return pa.array(values)
    kind = values.dtype.kind
    if kind == "b":
        bits = np.packbits(values, bitorder="little")
        return pa.Array.from_buffers(pa.bool_(), values.shape[0], [None, pa.py_buffer(bits)])
    if kind == "M" and np.datetime_data(values.dtype)[0] == "D":  # dates; NaT is null
        missing = np.isnat(values)
        days = pa.py_buffer(values.view(np.int64).astype(np.int32))
        valid = pa.py_buffer(np.packbits(~missing, bitorder="little")) if missing.any() else None
        return pa.Array.from_buffers(pa.date32(), values.shape[0], [valid, days])
    if kind in "iuf" and values.dtype.isnative:
        values = np.ascontiguousarray(values)
        kind_of = pa.from_numpy_dtype(values.dtype)
        return pa.Array.from_buffers(kind_of, values.shape[0], [None, pa.py_buffer(values)])
    return pa.array(values)


def _arrow(args: Any) -> list[Any]:
    """``args`` with its numpy arrays made Arrow (:func:`array`)."""
    return [array(arg) if isinstance(arg, np.ndarray) else arg for arg in args]


@functools.cache
def _function(name: str) -> Callable[..., Any]:
    """The Arrow compute function ``name`` as ``pyarrow.compute`` makes it, without its
    docstring: ``f(*data, *option_values, memory_pool=None, options=None, **option_keywords)``."""
    function = _compute.get_function(_RENAMED.get(name, name))
    arity = function.arity
    options_class = getattr(_compute, OPTIONS[name]) if name in OPTIONS else None

    def call(
        *args: Any, memory_pool: pa.MemoryPool | None = None, options: Any = None, **keywords: Any
    ) -> Any:
        data, values = (args, ()) if arity is Ellipsis else (args[:arity], args[arity:])
        if options is None and (values or keywords):
            if options_class is None:
                raise TypeError(f"Arrow's {name} takes no options")
            options = options_class(*values, **keywords)
        return function.call(_arrow(data), options, memory_pool)

    call.__name__ = call.__qualname__ = name
    return call


def __getattr__(name: str) -> Callable[..., Any]:
    if name.startswith("__"):
        raise AttributeError(name)
    try:
        return _function(name)
    except pa.ArrowKeyError:
        raise AttributeError(f"Arrow has no compute function {name!r}") from None


def cast(values: Any, target_type: pa.DataType, safe: bool = True) -> Any:
    """``values`` as ``target_type`` (``pyarrow.compute.cast``); ``safe``: refuse
    casts that lose data (overflow, truncation). Values of that type already are
    returned as they are (Arrow would return the same data)."""
    if values.type == target_type:
        return values
    options = (
        _compute.CastOptions.safe(target_type) if safe else _compute.CastOptions.unsafe(target_type)
    )
    return _compute.call_function("cast", [values], options)


def fill_null(values: Any, fill_value: Any) -> Any:
    """``values`` with each null replaced by ``fill_value``, taken as their type
    (``pyarrow.compute.fill_null``)."""
    if not isinstance(fill_value, (pa.Array, pa.ChunkedArray, pa.Scalar)):
        fill_value = pa.scalar(fill_value, type=values.type)
    elif values.type != fill_value.type:
        fill_value = pa.scalar(fill_value.as_py(), type=values.type)
    return _compute.call_function("coalesce", [values, fill_value])


def take(data: Any, indices: Any, *, boundscheck: bool = True) -> Any:
    """The cells of ``data`` at ``indices`` (``pyarrow.compute.take``)."""
    options = _compute.TakeOptions(boundscheck=boundscheck)
    return _compute.call_function("take", _arrow([data, indices]), options)
