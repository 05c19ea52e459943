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

pyarrow also imports pandas, when it is installed, the first time it converts
anything from Python or to numpy (``pyarrow.array``, ``pyarrow.scalar``, a
Python value handed to a compute function, ``Array.to_numpy``): about 0.24 s,
more than half of a county's run, for a library kaohe never hands it. Values
cross here without that: :func:`array` makes numpy arrays and lists of text
Arrow, :func:`scalar` makes Python values Arrow scalars, :func:`numpy` makes
Arrow numbers, booleans and dates numpy, each over the values' own memory
where the layouts agree; the compute functions take Python values through
:func:`scalar`.
"""

from __future__ import annotations

import builtins
import functools
from collections.abc import Callable, Sequence
from typing import Any, TypeAlias

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray
from pyarrow import _compute

__all__ = ["OPTIONS", "array", "cast", "fill_null", "numpy", "scalar", "take"]

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


def array(values: Any, type: pa.DataType | None = None) -> Any:
    """``values`` as an Arrow array of ``type`` (cast to it when given): a
    one-dimensional numpy array of numbers or dates over its own memory (NaT as
    null), of booleans packed to bits, of text encoded to UTF-8; a list or tuple
    of text (``None`` as null); other values through :func:`pyarrow.array`.

    ``pyarrow.array`` imports pandas (see the module's text), and for a numpy
    array ``numpy.ma`` too (a twentieth of a small run's start).
    """
    if isinstance(values, np.ndarray) and values.ndim == 1:
        made = _from_numpy(values, large=type is not None and pa.types.is_large_string(type))
    elif isinstance(values, (list, tuple)) and all(v is None or isinstance(v, str) for v in values):
        made = _from_text(values, type or pa.string())
    else:
        return pa.array(values, type)
    if made is None:
        return pa.array(values, type)
    return made if type is None else cast(made, type)


def _from_numpy(values: NDArray[Any], large: bool = False) -> Any:
    """:func:`array` of a numpy array (``large``: text as ``large_string``); None for
    one of another kind."""
    kind, n = values.dtype.kind, values.shape[0]
    if kind == "b":
        bits = np.packbits(values, bitorder="little")
        return pa.Array.from_buffers(pa.bool_(), n, [None, pa.py_buffer(bits)])
    if kind == "M" and np.datetime_data(values.dtype)[0] == "D":  # dates; NaT is null
        missing = np.isnat(values)
        days = pa.py_buffer(values.view(np.int64).astype(np.int32))
        valid = pa.py_buffer(np.packbits(~missing, bitorder="little")) if missing.any() else None
        return pa.Array.from_buffers(pa.date32(), n, [valid, days])
    if kind in "iuf" and values.dtype.isnative:
        values = np.ascontiguousarray(values)
        kind_of = pa.from_numpy_dtype(values.dtype)
        return pa.Array.from_buffers(kind_of, n, [None, pa.py_buffer(values)])
    if kind == "U":
        return _from_numpy_text(values, large)
    return None


def _from_numpy_text(values: NDArray[np.str_], large: bool = False) -> Any:
    """Numpy text as a string array (``large``, or past 2 GiB: a ``large_string``
    array), laid out by :func:`_ascii_layout` or :func:`_utf8_layout`."""
    values = np.ascontiguousarray(values)
    offsets, data = _ascii_layout(values) or _utf8_layout(values)
    large = large or int(offsets[-1]) >= 2**31
    return pa.Array.from_buffers(
        pa.large_string() if large else pa.string(),
        values.shape[0],
        [None, pa.py_buffer(offsets if large else offsets.astype(np.int32)), pa.py_buffer(data)],
    )


#: The ``n + 1`` byte offsets and the UTF-8 bytes of ``n`` cells of text.
_Layout: TypeAlias = "tuple[NDArray[np.int64], Any]"


def _ascii_layout(values: NDArray[np.str_]) -> _Layout | None:
    """The layout of contiguous numpy text that is all ASCII (None for other text): each
    code point is its byte, and a cell ends after its last non-NUL one (numpy keeps no
    NUL at the end of a cell; those inside it are kept)."""
    n, width = values.shape[0], values.dtype.itemsize // 4
    if n == 0 or width == 0:
        return np.zeros(n + 1, np.int64), np.zeros(0, np.uint8)
    points = values.view(np.uint32).reshape(n, width)
    if int(points.max()) >= 0x80:
        return None
    filled = points != 0
    lengths = np.where(filled.any(axis=1), width - np.argmax(filled[:, ::-1], axis=1), 0)
    offsets = np.zeros(n + 1, np.int64)
    np.cumsum(lengths, out=offsets[1:])
    return offsets, points[np.arange(width) < lengths[:, None]].astype(np.uint8)


def _utf8_layout(values: NDArray[np.str_]) -> _Layout:
    """The layout of contiguous numpy text: the cells' code points (their padding left
    out) decoded and encoded to UTF-8 in one codec call each, each cell's bytes counted
    from its code points."""
    n, width = values.shape[0], values.dtype.itemsize // 4
    chars = np.strings.str_len(values).astype(np.int64)  # a cell's padding is trailing NULs
    points = values.view(np.uint32).reshape(n, width)[np.arange(width) < chars[:, None]]
    data = points.tobytes().decode("utf-32-le").encode("utf-8")
    ends = np.zeros(points.shape[0] + 1, np.int64)  # each character's UTF-8 end
    np.cumsum(1 + (points >= 0x80) + (points >= 0x800) + (points >= 0x10000), out=ends[1:])
    return ends[np.concatenate(([0], np.cumsum(chars)))], data


def _from_text(values: Sequence[str | None], type: pa.DataType) -> Any:
    """A list of text and ``None`` as a string array of ``type``; ``None`` if
    ``type`` is no string type (the caller then asks :func:`pyarrow.array`)."""
    if type not in (pa.string(), pa.large_string()):
        return None
    encoded = [b"" if v is None else v.encode() for v in values]
    lengths = np.fromiter(map(len, encoded), np.int64, len(encoded))
    offsets = np.zeros(len(encoded) + 1, np.int64 if type == pa.large_string() else np.int32)
    np.cumsum(lengths, out=offsets[1:])
    missing = np.fromiter((v is None for v in values), bool, len(values))
    valid = pa.py_buffer(np.packbits(~missing, bitorder="little")) if missing.any() else None
    return pa.Array.from_buffers(
        type, len(values), [valid, pa.py_buffer(offsets), pa.py_buffer(b"".join(encoded))]
    )


#: The Arrow type a Python value is taken as when none is given (as pyarrow takes it).
_PYTHON_TYPES: dict[type, pa.DataType] = {
    bool: pa.bool_(),
    int: pa.int64(),
    float: pa.float64(),
    str: pa.string(),
}


def scalar(value: Any, type: pa.DataType | None = None) -> Any:
    """``value`` (``None``, a bool, number or text, a numpy number) as an Arrow scalar
    of ``type``, or of the type pyarrow gives it (int64, float64, string, bool, the
    numpy number's own; null for ``None``); Arrow scalars are returned as they
    are, or cast."""
    if isinstance(value, pa.Scalar):
        return value if type is None or value.type == type else value.cast(type)
    if isinstance(value, np.generic) and type is None:
        made = _from_numpy(np.asarray(value).reshape(1))
        return pa.scalar(value) if made is None else made[0]
    if type is None:
        type = pa.null() if value is None else _PYTHON_TYPES.get(builtins.type(value))
        if type is None:
            return pa.scalar(value)
    if value is None:
        return pa.nulls(1, type)[0]
    if pa.types.is_string(type) or pa.types.is_large_string(type):
        return _from_text([value], type)[0]
    if pa.types.is_boolean(type) or pa.types.is_integer(type) or pa.types.is_floating(type):
        try:
            numbers = np.array([value], type.to_pandas_dtype())
        except (OverflowError, TypeError, ValueError):
            numbers = None
        if numbers is not None and (numbers[0] == value or value != value):  # or NaN
            return _from_numpy(numbers)[0]
    return pa.scalar(value, type)  # what the type cannot hold: as pyarrow takes it


def numpy(values: Any, null: Any = None) -> NDArray[Any]:
    """The values of an Arrow array or chunked array of numbers, booleans or dates as
    a numpy array, its nulls as ``null``: numbers read-only over the array's own
    memory, as ``Array.to_numpy()`` gives them; booleans unpacked from their
    bits; dates ``datetime64[D]``, timestamps ``datetime64`` of their unit.

    Raises ``ValueError`` for an array with nulls when ``null`` is ``None``, and
    ``TypeError`` for one of another type (text; of a dictionary array, its
    ``indices`` are numbers).
    """
    if isinstance(values, pa.ChunkedArray):
        if values.num_chunks == 1:
            values = values.chunk(0)
        elif values.num_chunks == 0:
            values = pa.nulls(0, values.type)
        else:
            values = values.combine_chunks()
    if values.null_count:
        if null is None:
            raise ValueError(f"{values.null_count} nulls in an array made numpy")
        values = fill_null(values, null)
    kind, n, offset = values.type, len(values), values.offset
    if pa.types.is_boolean(kind):
        bits = np.frombuffer(values.buffers()[1], np.uint8) if n else np.zeros(0, np.uint8)
        return np.unpackbits(bits, count=offset + n, bitorder="little")[offset:].view(bool)
    dtype: np.dtype[Any]
    unit: str | None
    if pa.types.is_date32(kind):
        dtype, unit = np.dtype(np.int32), "D"
    elif pa.types.is_date64(kind):
        dtype, unit = np.dtype(np.int64), "ms"
    elif pa.types.is_timestamp(kind):
        dtype, unit = np.dtype(np.int64), kind.unit
    elif pa.types.is_integer(kind) or pa.types.is_floating(kind):
        dtype, unit = np.dtype(kind.to_pandas_dtype()), None
    else:
        raise TypeError(f"Arrow {kind} made numpy")
    if not n:
        numbers = np.zeros(0, dtype)
    else:
        numbers = np.frombuffer(values.buffers()[1], dtype, n, offset * dtype.itemsize)
    if unit is None:
        return numbers
    if dtype == np.int32:  # days: numpy's dates are 64-bit
        return numbers.astype(f"datetime64[{unit}]")
    return numbers.view(f"datetime64[{unit}]")


def _arrow(args: Any) -> list[Any]:
    """``args`` with its numpy arrays and lists made Arrow arrays (:func:`array`) and
    its Python and numpy values Arrow scalars (:func:`scalar`)."""
    return [
        array(arg)
        if isinstance(arg, (np.ndarray, list, tuple))
        else scalar(arg)
        if arg is None or builtins.type(arg) in _PYTHON_TYPES or isinstance(arg, np.generic)
        else arg
        for arg in args
    ]


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
        fill_value = scalar(fill_value, values.type)
    elif values.type != fill_value.type:
        fill_value = scalar(fill_value.as_py(), values.type)
    return _compute.call_function("coalesce", [values, fill_value])


def take(data: Any, indices: Any, *, boundscheck: bool = True) -> Any:
    """The cells of ``data`` at ``indices`` (``pyarrow.compute.take``)."""
    options = _compute.TakeOptions(boundscheck=boundscheck)
    return _compute.call_function("take", _arrow([data, indices]), options)
