"""Traditional to simplified Chinese for scheme-defined vocabulary cells.

Indicators, survey groups, unit categories and problem categories are
compared with the scheme in their simplified spelling. The converter is
OpenCC's ``t2s`` (the ``opencc`` distribution, the OpenCC project's own
binding). It is imported only when a column holds a value that may change:
a value made only of ASCII and of GB2312 characters (the simplified
character set) other than :data:`AMBIGUOUS` is already simplified, and a
vectorised test over code points finds those without importing OpenCC.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:
    import pyarrow as pa

#: GB2312 characters that OpenCC's t2s may still change, alone or within a
#: phrase (from its TSCharacters, TSCharactersExt and TSPhrases dictionaries,
#: OpenCC 1.4.2); a value containing one is converted.
AMBIGUOUS = "么乾吒哩坏夥後徵拚捱摺於榘沈菸薹藉袷覆醣麴麽"

_BMP = 0x10000


@functools.cache
def _plain_table() -> NDArray[np.bool_]:
    """``table[cp]``: code point ``cp`` (BMP) is ASCII or a simplified GB2312 character.

    The GB2312 block (lead and trail bytes 0xA1-0xF7 / 0xA1-0xFE) is decoded
    in one call with GB18030, its superset, which maps the block's
    unassigned codes to private-use code points; those are left out.
    """
    lead, trail = np.meshgrid(np.arange(0xA1, 0xF8), np.arange(0xA1, 0xFF), indexing="ij")
    block = np.stack((lead.ravel(), trail.ravel()), axis=1).astype(np.uint8).tobytes()
    points = np.frombuffer(block.decode("gb18030").encode("utf-32-le"), np.uint32)
    points = points[(points < 0xE000) | (points > 0xF8FF)]
    table = np.zeros(_BMP, np.bool_)
    table[:0x80] = True
    table[points] = True
    table[[ord(char) for char in AMBIGUOUS]] = False
    table[0] = True  # padding of numpy strings
    return table


@functools.cache
def _converter() -> Callable[[str], str]:
    import opencc

    convert: Callable[[str], str] = opencc.OpenCC("t2s").convert
    return convert


@functools.lru_cache(maxsize=4096)
def to_simplified(text: str) -> str:
    """``text`` in simplified characters (OpenCC t2s).

    Text that cannot change (ASCII and simplified GB2312 characters only)
    is returned without loading OpenCC.
    """
    if text.isascii():
        return text
    table = _plain_table()
    if all(ord(char) < _BMP and table[ord(char)] for char in text):
        return text
    return _converter()(text)


def needs_conversion(values: NDArray[np.str_]) -> NDArray[np.bool_]:
    """Which of ``values`` may be spelled differently in simplified characters."""
    values = np.ascontiguousarray(values)
    width = values.dtype.itemsize // 4
    if values.shape[0] == 0 or width == 0:
        return np.zeros(values.shape[0], np.bool_)
    points = values.view(np.uint32).reshape(values.shape[0], width)
    if int(points.max()) < 0x80:
        return np.zeros(values.shape[0], np.bool_)
    plain: NDArray[np.bool_] = _plain_table()[np.minimum(points, _BMP - 1)] & (points < _BMP)
    return np.logical_not(plain.all(axis=1))


def simplify(cells: pa.Array) -> pa.Array:
    """``cells`` (an Arrow string array) with every traditional spelling made simplified.

    Returns ``cells`` itself when nothing may change; converts each distinct
    candidate value once.
    """
    import pyarrow as pa

    from kaohe.data.arrays import to_numpy_text

    from .. import arrowcompute as pc

    encoded = pc.dictionary_encode(cells)
    spellings = to_numpy_text(encoded.dictionary)
    candidates = np.flatnonzero(needs_conversion(spellings))
    if candidates.shape[0] == 0:
        return cells
    converted = spellings.astype(object)
    converted[candidates] = [to_simplified(str(value)) for value in spellings[candidates]]
    if all(converted[i] == spellings[i] for i in candidates.tolist()):
        return cells
    return pc.take(pc.array(converted.tolist(), pa.string()), encoded.indices)
