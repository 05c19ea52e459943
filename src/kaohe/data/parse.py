"""Cell parsing: one column of any source, as an Arrow array, to its typed, checked form.

Every reader hands over Arrow arrays: text cells (CSV), typed cells
(Parquet, databases, spreadsheets) or whatever a program passes in memory.
:func:`parse_column` turns one into the type of its column kind
(:mod:`kaohe.tables`) and reports each bad cell to the load's
:class:`~kaohe.data.problems.Problems` (its row, its header as written, the
value and what was expected), leaving a placeholder so that the other
checks still run. Whole columns are parsed with Arrow compute and numpy;
only the distinct values of a column that the fast path rejects are looked
at one by one, to say what is wrong with them.

Results: ``id`` and ``text`` columns stay Arrow string arrays (they are
turned into numpy only when a rule or writer reads them); dates are
``datetime64[D]`` (``NaT`` where empty), counts ``int64``, scores
``float64``, booleans ``bool``, vocabulary columns ``int8`` codes (-1
where empty).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, NamedTuple

import attrs
import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

from kaohe.data.arrays import (
    Column,
    combined,
    empty_as_null,
    empty_cells,
    holds_byte,
    is_text,
    not_utf8,
    plain,
    printable_ascii,
    text,
)
from kaohe.data.problems import Where, visible
from kaohe.data.simplify import simplify
from kaohe.i18n import N_, _
from kaohe.table_spec import ColumnSpec
from kaohe.vocab import Vocabulary

from .. import arrowcompute as pc

NAT = np.datetime64("NaT", "D")
#: Dates outside these years are refused: they are typing errors, never records.
FIRST_YEAR, LAST_YEAR = 1900, 2100
FIRST_DAY = np.datetime64(f"{FIRST_YEAR}-01-01", "D")
LAST_DAY = np.datetime64(f"{LAST_YEAR}-12-31", "D")
#: Day 0 of Excel's serial dates (1900 date system; serial 60 is Excel's 1900-02-29).
EXCEL_EPOCH = np.datetime64("1899-12-30", "D")
LAST_SERIAL = int((LAST_DAY - EXCEL_EPOCH).astype(np.int64))
#: The largest count accepted: larger ones are typing errors (and could not be added exactly).
MAX_COUNT = 10_000_000

#: What a cell must hold, by kind (message ids: :func:`form` translates them).
DATE_FORM = N_("a date such as 2019-03-12, 2019/3/12, 2019.3.12 or 2019年3月12日")
COUNT_FORM = N_("a whole number from 0 to {largest} (a count)")
SCORE_FORM = N_("a finite number")
BOOL_FORM = "true/false/1/0/是/否"
_TRUE = ("true", "1", "是")
_FALSE = ("false", "0", "否")

_DATE_TEXT = (
    r"^(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?"
    r"(?:[ T]0{1,2}:0{1,2}(?::0{1,2}(?:\.0+)?)?)?$"
)
#: Serial numbers typed as text: five digits (1927-05-18 on); a shorter number in a
#: date column is a typing error far more often than a date before 1927.
_SERIAL_TEXT = r"^(?P<serial>\d{5})(?:\.0+)?$"
_INTEGER = re.compile(r"[+-]?\d+(?:\.0*)?", re.ASCII)
_NOT_FINITE = re.compile(r"[+-]?(?:nan|inf|infinity)", re.ASCII | re.IGNORECASE)
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)


def form(message: str) -> str:
    """One of the ``*_FORM`` texts in the current language."""
    return _(message).format(largest=f"{MAX_COUNT:,}")


def expected(spec: ColumnSpec) -> str:
    """What a cell of ``spec`` must hold, for error messages."""
    if spec.vocab is not None:
        return _("one of: {values}").format(values=spec.vocab.listed())
    forms = {
        "id": N_("an id (text without ':')"),
        "text": N_("text"),
        "date": DATE_FORM,
        "count": COUNT_FORM,
        "score": SCORE_FORM,
        "bool": BOOL_FORM,
    }
    return form(forms[spec.kind])


def parse_column(
    spec: ColumnSpec,
    values: pa.Array | pa.ChunkedArray,
    where: Where,
    *,
    check_text: bool = False,
) -> Column:
    """The typed form of one column (see the module docstring); bad cells are reported.

    ``check_text``: the reader did not check that text is UTF-8 (Parquet,
    Arrow and database readers do not: a SQLite ``BLOB``, a damaged file);
    cells that are not are reported and parsed as empty.
    """
    return plain(parse_words(spec, values, where, check_text=check_text))


def parse_words(
    spec: ColumnSpec,
    values: pa.Array | pa.ChunkedArray,
    where: Where,
    *,
    check_text: bool = False,
) -> Column:
    """:func:`parse_column`, but an ``id`` or ``text`` column given in dictionary form
    (read so from Parquet) stays in it: its distinct words trimmed, the indices as
    stored (null cells: an empty word after the others, so no index is null); the
    same cells (:func:`~kaohe.data.arrays.plain`), each word looked at once by
    lookups, and decoded only when the text is read."""
    values = combined(values)
    parser = _PARSERS[spec.kind]
    bad = not_utf8(values) if check_text else None
    if bad is None:
        return parser(spec, values, where)
    where.fail(
        bad,
        lambda row: _(
            "the cell is not UTF-8 text (binary data, or a damaged file); expected {form}"
        ).format(form=expected(spec)),
        spec.name,
    )
    unread = pc.if_else(pc.array(bad), pc.scalar(None, values.type), values)
    return parser(spec, unread, attrs.evolve(where, quiet=bad))


def _number_type(values: pa.Array) -> bool:
    kind = values.type
    return bool(
        pa.types.is_integer(kind) or pa.types.is_floating(kind) or pa.types.is_decimal(kind)
    )


def _required(spec: ColumnSpec, empty: NDArray[np.bool_], where: Where) -> None:
    if spec.required:
        where.check(
            empty,
            lambda row: _("required cell is empty; expected {form}").format(form=expected(spec)),
            spec.name,
        )


def _cells(spec: ColumnSpec, values: pa.Array, where: Where) -> tuple[pa.Array, NDArray[np.bool_]]:
    """Text cells of a column and which are empty (required ones reported)."""
    cells = text(values)
    empty = empty_cells(cells)
    _required(spec, empty, where)
    return cells, empty


def _shown(cells: pa.Array, row: int) -> str:
    return visible(str(cells[row].as_py()))


class _Words(NamedTuple):
    """A column's text cells as distinct values (trimmed, as :func:`text` gives them)
    and each cell's index among them, and which cells are empty."""

    words: pa.Array
    indices: NDArray[np.integer[Any]]
    empty: NDArray[np.bool_]
    #: The distinct values before trimming (of a text column), else None.
    given: pa.Array | None

    def shown(self, row: int) -> str:
        return visible(str(self.words[int(self.indices[row])].as_py()))


def _words(spec: ColumnSpec, values: pa.Array, where: Where) -> _Words:
    """:func:`_cells` as distinct values: a text column is trimmed value by value
    rather than cell by cell (required cells that are empty reported)."""
    if _is_word_dictionary(values):
        return _dictionary_words(spec, values, where)
    if is_text(values):
        encoded = pc.dictionary_encode(pc.fill_null(values, "") if values.null_count else values)
        given = encoded.dictionary
        words = text(given)
    else:
        encoded = pc.dictionary_encode(text(values))
        words, given = encoded.dictionary, None
    indices = pc.numpy(encoded.indices)
    empty = empty_cells(words)[indices]
    _required(spec, empty, where)
    return _Words(words, indices, empty, given)


def _is_word_dictionary(values: pa.Array) -> bool:
    """Whether ``values`` is a dictionary array of text (a column read in dictionary form)."""
    return pa.types.is_dictionary(values.type) and is_text(values.dictionary)


def _encoded(found: _Words) -> pa.DictionaryArray:
    """The cells of :func:`_dictionary_words` as a dictionary array (see :func:`parse_words`)."""
    return pa.DictionaryArray.from_arrays(pc.array(found.indices), found.words)


def _dictionary_words(spec: ColumnSpec, values: pa.DictionaryArray, where: Where) -> _Words:
    """:func:`_words` of a dictionary-encoded text column (a vocabulary read from
    Parquet): its dictionary is trimmed, its indices taken as they are (null cells:
    an empty word after the others)."""
    words = text(pa.concat_arrays([values.dictionary, pc.array([""], values.dictionary.type)]))
    indices = pc.numpy(values.indices, null=len(values.dictionary))
    empty = empty_cells(words)[indices]
    _required(spec, empty, where)
    return _Words(words, indices, empty, None)


# -- ids and text ------------------------------------------------------------------------


#: What an id may not hold, and the message of a cell that does (marked with ``N_``).
_COLON = N_(
    "id '{id}' contains ':', which is reserved for derived records; expected an id without ':'"
)
_UNSEEN_CHARACTER = N_(
    "id '{id}' contains a character that cannot be seen (written here as "
    "its code, \\u...); expected an id of visible characters"
)


def parse_ids(spec: ColumnSpec, values: pa.Array, where: Where) -> pa.Array:
    """Text without ``:`` (reserved for derived records) and without characters that
    cannot be seen (:data:`_UNSEEN`: an id with a zero-width space pasted in looks
    like another id and is not); a dictionary array stays one (see
    :func:`parse_words`), each distinct word looked at once."""
    if _is_word_dictionary(values):
        found = _dictionary_words(spec, values, where)
        if holds_byte(found.words, ord(":")):
            _refuse_words(pc.match_substring(found.words, ":"), _COLON, found, spec, where)
        if not printable_ascii(found.words):
            unseen = pc.match_substring_regex(found.words, _UNSEEN)
            _refuse_words(unseen, _UNSEEN_CHARACTER, found, spec, where)
        return _encoded(found)
    cells, _empty = _cells(spec, values, where)
    as_text = is_text(cells)
    if not as_text or holds_byte(cells, ord(":")):
        _refuse(pc.match_substring(cells, ":"), _COLON, cells, spec, where)
    if not as_text or not printable_ascii(cells):
        _refuse(pc.match_substring_regex(cells, _UNSEEN), _UNSEEN_CHARACTER, cells, spec, where)
    return cells


#: Characters that cannot be seen: control and format characters (zero-width
#: spaces, byte order marks, direction marks), line and paragraph separators.
_UNSEEN = r"[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]"


def _refuse(bad: pa.Array, message: str, cells: pa.Array, spec: ColumnSpec, where: Where) -> None:
    """Report the cells ``bad`` marks, each with ``message`` (marked with ``N_``)."""
    if pc.any(bad).as_py():
        where.fail(
            np.asarray(bad, dtype=np.bool_),
            lambda row: _(message).format(id=_shown(cells, row)),
            spec.name,
        )


def _refuse_words(
    bad: pa.Array, message: str, found: _Words, spec: ColumnSpec, where: Where
) -> None:
    """:func:`_refuse` of the cells whose word ``bad`` marks (a dictionary column)."""
    rows = np.asarray(bad, dtype=np.bool_)[found.indices]
    where.check(rows, lambda row: _(message).format(id=found.shown(row)), spec.name)


def parse_text(spec: ColumnSpec, values: pa.Array, where: Where) -> pa.Array:
    """Any text; scheme-defined values (``simplified``) in simplified characters."""
    if not spec.simplified:
        if _is_word_dictionary(values):
            return _encoded(_dictionary_words(spec, values, where))
        return _cells(spec, values, where)[0]
    found = _words(spec, values, where)
    simple = simplify(found.words)
    if found.given is not None and simple.equals(found.given):  # nothing changes
        return pc.fill_null(values, "") if values.null_count else values
    if _is_word_dictionary(values):  # stays in dictionary form (see parse_words)
        return pa.DictionaryArray.from_arrays(pc.array(found.indices), simple)
    return pc.take(simple, found.indices)


# -- dates -------------------------------------------------------------------------------


def _day_numbers(days: pa.Array) -> NDArray[np.int32]:
    """A ``date32`` array's days since 1970-01-01 as stored (no copy; 0 where there
    is no buffer: no rows, or none but nulls)."""
    data = days.buffers()[1]
    if data is None:
        return np.zeros(len(days), np.int32)
    return np.frombuffer(data, np.int32, count=len(days), offset=days.offset * 4)


def _to_days(days: pa.Array) -> NDArray[np.datetime64]:
    """A ``date32`` array as ``datetime64[D]``, nulls ``NaT``."""
    result = _day_numbers(days).astype("datetime64[D]")
    if days.null_count:
        result[pc.numpy(pc.is_null(days), null=False)] = NAT
    return result


def _serial_days(serials: NDArray[np.float64]) -> NDArray[np.datetime64]:
    """Excel serial numbers as days; not a serial of 1900-2100 (or 60, Excel's
    1900-02-29, or not whole) gives ``NaT``."""
    whole = np.isfinite(serials) & (serials == np.floor(serials))
    whole &= (serials >= 1) & (serials <= LAST_SERIAL) & (serials != 60)
    numbers = np.where(whole, serials, 0).astype(np.int64)
    numbers += numbers < 60  # Excel counts a 1900-02-29 that never was
    days = EXCEL_EPOCH + numbers.astype("timedelta64[D]")
    return np.where(whole, days, NAT)


def _ymd_days(
    year: NDArray[np.int64], month: NDArray[np.int64], day: NDArray[np.int64]
) -> NDArray[np.datetime64]:
    """Days of (year, month, day); ``NaT`` where no such day exists."""
    ok = (month >= 1) & (month <= 12) & (day >= 1)
    months = np.where(ok, (year - 1970) * 12 + month - 1, 0)
    start = months.astype("datetime64[M]").astype("datetime64[D]")
    end = (months + 1).astype("datetime64[M]").astype("datetime64[D]")
    ok &= day <= (end - start).astype(np.int64)
    return np.where(ok, start + np.where(ok, day - 1, 0).astype("timedelta64[D]"), NAT)


def _iso_days(values: pa.Array) -> NDArray[np.datetime64] | None:
    """Days of a text column whose every cell is empty (or null) or exactly
    ``YYYY-MM-DD``, as Arrow's cast to ``date32`` reads them (no white space);
    None for any other column."""
    if not is_text(values):
        return None
    try:
        return _to_days(pc.cast(empty_as_null(values), pa.date32()))
    except pa.ArrowInvalid:
        return None


def _text_days(cells: pa.Array) -> NDArray[np.datetime64]:
    """Days of text cells in every accepted style; ``NaT`` where not a date."""
    try:
        return _to_days(pc.cast(empty_as_null(cells), pa.date32()))
    except pa.ArrowInvalid:
        pass  # not all ISO: every style, cell by cell (vectorised)
    days = np.full(len(cells), NAT)
    parts = pc.extract_regex(cells, _DATE_TEXT)
    found = pc.numpy(pc.is_valid(parts), null=False)
    if found.any():
        fields = [
            pc.numpy(pc.cast(pc.fill_null(pc.struct_field(parts, name), "0"), pa.int64()))
            for name in ("y", "m", "d")
        ]
        days = np.where(found, _ymd_days(*fields), NAT)
    serial = pc.extract_regex(cells, _SERIAL_TEXT)
    numbered = pc.numpy(pc.is_valid(serial), null=False)
    if numbered.any():
        numbers = pc.cast(pc.fill_null(pc.struct_field(serial, "serial"), "0"), pa.float64())
        days = np.where(numbered, _serial_days(np.asarray(numbers)), days)
    return days


def _outside(shown: Callable[[int], str]) -> Callable[[int], str]:
    """The message of a date outside the years accepted, the cell as ``shown(row)``."""
    return lambda row: _(
        "'{value}' is outside {first}-{last}; expected a date from {first_day} to {last_day}"
    ).format(
        value=shown(row),
        first=FIRST_YEAR,
        last=LAST_YEAR,
        first_day=FIRST_DAY,
        last_day=LAST_DAY,
    )


#: :data:`FIRST_DAY` and :data:`LAST_DAY` as days since 1970-01-01 (a ``date32`` as stored).
FIRST_NUMBER = int(FIRST_DAY.astype(np.int64))
LAST_NUMBER = int(LAST_DAY.astype(np.int64))


def _stored_days(spec: ColumnSpec, values: pa.Array, where: Where) -> NDArray[np.datetime64]:
    """:func:`parse_dates` of a ``date32`` column: its days as stored (``NaT`` where
    null), checked against the years accepted on the stored integers (no cast, no
    comparison of ``datetime64`` values); as :func:`parse_dates` reports them."""
    n = len(values)
    numbers = _day_numbers(values)
    days = numbers.astype("datetime64[D]")
    # the least and the greatest number first: rows outside are looked for only if any
    outside = (
        (numbers < FIRST_NUMBER) | (numbers > LAST_NUMBER)
        if n and (int(numbers.min()) < FIRST_NUMBER or int(numbers.max()) > LAST_NUMBER)
        else None
    )
    if values.null_count:
        empty = pc.numpy(pc.is_null(values), null=False)
        days[empty] = NAT
        if outside is not None:
            outside &= ~empty
    else:
        empty = np.zeros(n, np.bool_)
    _required(spec, empty, where)
    if outside is None or not outside.any():
        return days
    where.fail(outside, _outside(lambda row: str(days[row])), spec.name)
    return np.where(outside, NAT, days)


def parse_dates(spec: ColumnSpec, values: pa.Array, where: Where) -> NDArray[np.datetime64]:
    """Dates as officials type them, Excel serials, or date and timestamp columns."""
    kind = values.type
    if pa.types.is_date32(kind):
        return _stored_days(spec, values, where)
    if pa.types.is_date(kind) or pa.types.is_timestamp(kind):
        if pa.types.is_timestamp(kind):
            day = pc.floor_temporal(values, unit="day")
            partial = pc.not_equal(pc.cast(day, kind), values)
            where.check(
                pc.numpy(partial, null=False),
                lambda row: _("{value} is not a whole day; expected {form}").format(
                    value=values[row].as_py(), form=form(DATE_FORM)
                ),
                spec.name,
            )
        days = _to_days(pc.cast(values, pa.date32()))
        empty = np.isnat(days)
        _required(spec, empty, where)
        shown: Callable[[int], str] = lambda row: str(days[row])  # noqa: E731
    elif _number_type(values):
        numbers = pc.numpy(pc.cast(values, pa.float64()), null=np.nan)
        empty = np.isnan(numbers)
        _required(spec, empty, where)
        days = _serial_days(numbers)
        shown = lambda row: f"{numbers[row]:g}"  # noqa: E731
        where.check(
            ~empty & np.isnat(days),
            lambda row: _(
                "{value} is not an Excel date of {first}-{last}; "
                "expected {form} or an Excel date serial from 1 to {serial}"
            ).format(
                value=shown(row),
                first=FIRST_YEAR,
                last=LAST_YEAR,
                form=form(DATE_FORM),
                serial=LAST_SERIAL,
            ),
            spec.name,
        )
        return days
    else:
        iso = _iso_days(values)
        if iso is not None:  # every cell empty or YYYY-MM-DD: nothing to trim
            days = iso
            cells = pc.fill_null(values, "") if values.null_count else values
            empty = np.isnat(days)
            _required(spec, empty, where)
        else:
            cells, empty = _cells(spec, values, where)
            days = _text_days(cells)
        shown = lambda row: _shown(cells, row)  # noqa: E731
        where.check(
            ~empty & np.isnat(days),
            lambda row: _("'{value}' is not a date; expected {form}").format(
                value=shown(row), form=form(DATE_FORM)
            ),
            spec.name,
        )
    outside = (days < FIRST_DAY) | (days > LAST_DAY)
    where.check(outside, _outside(shown), spec.name)
    return np.where(outside, NAT, days)


# -- numbers -----------------------------------------------------------------------------


def _number(text_: str, integer: bool) -> float | None:
    """The number a cell spells (integers also as ``3.0``; NaN and infinity, which the
    caller refuses, by name), or None."""
    pattern = _INTEGER if integer else _NUMBER
    if pattern.fullmatch(text_) or _NOT_FINITE.fullmatch(text_):
        return float(text_)
    return None


def _plain(number: float | np.integer[Any]) -> str:
    """A number as people write it: ``3``, ``3.5``, ``10000001``."""
    if isinstance(number, np.integer):
        return str(int(number))
    value = float(number)
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)


class _Numbers(NamedTuple):
    """A number column's values, which rows are reported already (empty, or not a
    number), and each cell as the user wrote it, for messages."""

    values: NDArray[Any]
    reported: NDArray[np.bool_]
    shown: Callable[[int], str]


def _text_numbers(
    spec: ColumnSpec, cells: pa.Array, empty: NDArray[np.bool_], where: Where, integer: bool
) -> _Numbers:
    """Numbers of text cells; cells that are no number are reported."""
    shown: Callable[[int], str] = lambda row: f"'{_shown(cells, row)}'"  # noqa: E731
    try:
        given = empty_as_null(cells) if empty.any() else cells
        numbers = pc.cast(given, pa.float64())
        if numbers.null_count:
            numbers = pc.fill_null(numbers, np.nan)
        return _Numbers(pc.numpy(numbers), empty, shown)
    except pa.ArrowInvalid:
        pass  # some cell is no number: find which, distinct value by distinct value
    encoded = pc.dictionary_encode(cells)
    spelled = [_number(str(spelling), integer) for spelling in encoded.dictionary.to_pylist()]
    indices = pc.numpy(encoded.indices)
    table = np.array([np.nan if n is None else n for n in spelled], np.float64)
    known = np.array([n is not None for n in spelled], np.bool_)
    bad = ~empty & ~known[indices]
    wanted = COUNT_FORM if integer else SCORE_FORM
    where.check(
        bad,
        lambda row: _("{value} is not a number; expected {form}").format(
            value=shown(row), form=form(wanted)
        ),
        spec.name,
    )
    return _Numbers(table[indices], empty | bad, shown)


def _numbers(spec: ColumnSpec, values: pa.Array, where: Where, integer: bool) -> _Numbers:
    """A number column's values: ``int64`` when typed as integers, else ``float64``."""
    if pa.types.is_integer(values.type) or _number_type(values):
        missing = pc.numpy(pc.is_null(values), null=False)
        _required(spec, missing, where)
        if values.type == pa.uint64():
            values = pc.min_element_wise(values, pc.scalar(2**62, values.type))
        kind = pa.int64() if pa.types.is_integer(values.type) else pa.float64()
        numbers = pc.numpy(pc.cast(values, kind), null=0)
        return _Numbers(numbers, missing, lambda row: _plain(numbers[row]))
    if pa.types.is_boolean(values.type):
        where.fail(
            np.arange(len(values)),
            lambda row: _("{value} is a boolean; expected {form}").format(
                value=values[row].as_py(), form=expected(spec)
            ),
            spec.name,
        )
        return _Numbers(np.zeros(len(values)), np.ones(len(values), np.bool_), str)
    cells, empty = _cells(spec, values, where)
    return _text_numbers(spec, cells, empty, where, integer)


_NOT_FINITE_TEXT = N_("{value} is not a finite number; NaN and infinity are not accepted")


def parse_counts(spec: ColumnSpec, values: pa.Array, where: Where) -> NDArray[np.int64]:
    """Whole numbers from 0 to :data:`MAX_COUNT` (``3`` or ``3.0``)."""
    numbers, reported, shown = _numbers(spec, values, where, integer=True)
    if numbers.dtype.kind == "f":
        finite = np.isfinite(numbers)
        where.check(
            ~finite & ~reported,
            lambda row: (
                _(_NOT_FINITE_TEXT).format(value=shown(row))
                + _("; expected {form}").format(form=form(COUNT_FORM))
            ),
            spec.name,
        )
        where.check(
            finite & (numbers != np.floor(numbers)),
            lambda row: _("{value} is not a whole number; expected {form}").format(
                value=shown(row), form=form(COUNT_FORM)
            ),
            spec.name,
        )
        numbers = np.where(finite, numbers, 0)
    where.check(
        numbers < 0,
        lambda row: _("{value} is negative; expected {form}").format(
            value=shown(row), form=form(COUNT_FORM)
        ),
        spec.name,
    )
    where.check(
        numbers > MAX_COUNT,
        lambda row: _("{value} is too large; expected {form}").format(
            value=shown(row), form=form(COUNT_FORM)
        ),
        spec.name,
    )
    counts: NDArray[np.int64] = np.clip(numbers, 0, MAX_COUNT).astype(np.int64)
    return counts


def parse_scores(spec: ColumnSpec, values: pa.Array, where: Where) -> NDArray[np.float64]:
    """Finite numbers (no NaN or infinity)."""
    numbers, reported, shown = _numbers(spec, values, where, integer=False)
    numbers = numbers.astype(np.float64)
    finite = np.isfinite(numbers)
    where.check(
        ~finite & ~reported,
        lambda row: _(_NOT_FINITE_TEXT).format(value=shown(row)),
        spec.name,
    )
    return np.where(finite, numbers, 0.0)


# -- booleans and vocabularies -----------------------------------------------------------


def parse_bools(spec: ColumnSpec, values: pa.Array, where: Where) -> NDArray[np.bool_]:
    """Booleans spelled ``true/false/1/0/是/否`` (any case), or boolean / 0-1 columns."""
    if pa.types.is_boolean(values.type):
        _required(spec, pc.numpy(pc.is_null(values), null=False), where)
        return pc.numpy(values, null=False)
    cells, empty = _cells(spec, values, where)
    lowered = pc.utf8_lower(cells)
    truth = pc.numpy(pc.is_in(lowered, pc.array(_TRUE)), null=False)
    false = pc.numpy(pc.is_in(lowered, pc.array(_FALSE)), null=False)
    where.check(
        ~(truth | false | empty),
        lambda row: _("'{value}' is not a boolean; expected {form}").format(
            value=_shown(cells, row), form=BOOL_FORM
        ),
        spec.name,
    )
    return truth


def parse_vocab(spec: ColumnSpec, values: pa.Array, where: Where) -> NDArray[np.int8]:
    """``int8`` codes of the column's vocabulary for values or their aliases; integer
    columns are taken as codes. Empty cells take the default, else -1."""
    vocabulary = spec.vocab
    assert vocabulary is not None
    if pa.types.is_integer(values.type):
        return _codes(spec, vocabulary, values, where)
    found = _words(spec, values, where)
    empty = found.empty
    lookup = vocabulary.lookup()
    table = np.array([lookup.get(spelling, -1) for spelling in found.words.to_pylist()], np.int8)
    codes = table[found.indices] if len(table) else np.zeros(len(values), np.int8)
    where.check(
        (codes < 0) & ~empty,
        lambda row: _("unknown {vocabulary} '{value}'; expected one of: {values}").format(
            vocabulary=vocabulary.title(),
            value=found.shown(row),
            values=vocabulary.listed(),
        ),
        spec.name,
    )
    if spec.default is not None:
        codes[empty] = vocabulary.code(spec.default)
    return codes


def _codes(
    spec: ColumnSpec, vocabulary: Vocabulary, values: pa.Array, where: Where
) -> NDArray[np.int8]:
    codes = pc.numpy(pc.cast(values, pa.int64()), null=-1)
    where.check(
        (codes < -1) | (codes >= len(vocabulary.values)),
        lambda row: _(
            "code {code} is not a {vocabulary} code; expected -1 .. {last} ({values})"
        ).format(
            code=codes[row],
            vocabulary=vocabulary.title(),
            last=len(vocabulary.values) - 1,
            values=", ".join(vocabulary.values),
        ),
        spec.name,
    )
    codes = np.where((codes < -1) | (codes >= len(vocabulary.values)), -1, codes)
    result = codes.astype(np.int8)
    if spec.default is not None:
        result[result < 0] = vocabulary.code(spec.default)
    _required(spec, result < 0, where)
    return result


_PARSERS: dict[str, Callable[[ColumnSpec, pa.Array, Where], Column]] = {
    "id": parse_ids,
    "text": parse_text,
    "date": parse_dates,
    "count": parse_counts,
    "score": parse_scores,
    "bool": parse_bools,
    "vocab": parse_vocab,
}
