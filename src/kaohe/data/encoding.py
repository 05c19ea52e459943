"""The text of a table file whose encoding the user does not state.

Accepted: UTF-8 with or without a byte-order mark, else GB18030 (a superset
of GBK and GB2312, what Excel on a Chinese Windows saves), which is
transcoded to UTF-8 for the CSV parser. A file that is neither, or holds
NUL or other control characters (a binary file, UTF-16, a damaged export),
is a problem naming the line and cell of the first bad byte.
"""

from __future__ import annotations

import codecs
import re
from typing import NamedTuple

import numpy as np

from kaohe.data.problems import Problems
from kaohe.i18n import N_, _

#: Control characters never found in a text table (tab, CR and LF allowed).
#: In UTF-8 and GB18030 a byte below 0x80 is always an ASCII character.
_CONTROL = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
_CONTROL_AT = re.compile(b"[" + re.escape(_CONTROL) + b"]")
#: Private-use code points: what GB18030 gives for bytes that are no real text (a
#: pattern compiled when first used, by a file that is not UTF-8: 0.8 ms).
_PRIVATE_USE = "[\ue000-\uf8ff]"

NOT_TEXT = N_("not UTF-8 or GBK/GB18030 text")


def position(data: bytes, offset: int) -> tuple[int, int]:
    """The 1-based line and cell of byte ``offset`` (cells counted by commas on its line)."""
    line_start = max(data.rfind(b"\n", 0, offset), data.rfind(b"\r", 0, offset)) + 1
    return data.count(b"\n", 0, offset) + 1, data.count(b",", line_start, offset) + 1


def _bad_byte(data: bytes, offset: int, source: str, problems: Problems, what: str) -> None:
    line, cell = position(data, offset)
    problems.add_error(
        source,
        _(
            "{not_text}: {what} 0x{byte:02x} in cell {cell}; "
            "save the file as UTF-8 or GBK (CSV), or give the workbook itself"
        ).format(not_text=_(NOT_TEXT), what=_(what), byte=data[offset], cell=cell),
        row=line,
    )


#: How many bytes :func:`_line_feeds` looks at a time (its counts stay in the cache).
_BLOCK = 1 << 18


def _line_feeds(data: bytes) -> int | None:
    """How many line feeds ``data`` holds; None if it holds a byte of :data:`_CONTROL`.

    There must be no 0x7F, and in each block the bytes below 0x20 must be as many
    as its tabs and line breaks (a few scans, without the copy of the file that
    deleting them would make; tabs and carriage returns are counted only in a block
    whose line feeds are fewer)."""
    if b"\x7f" in data:
        return None
    raw = np.frombuffer(data, np.uint8)
    found = 0
    for start in range(0, raw.shape[0], _BLOCK):
        block = raw[start : start + _BLOCK]
        low = int(np.count_nonzero(block < 0x20))
        if not low:
            continue
        lines = int(np.count_nonzero(block == 0x0A))
        if low != lines:
            others = int(np.count_nonzero(block == 0x09)) + int(np.count_nonzero(block == 0x0D))
            if low != lines + others:
                return None
        found += lines
    return found


class Text(NamedTuple):
    """A file's bytes, where its text begins (after a UTF-8 byte-order mark), and how
    many line feeds they hold."""

    data: bytes
    line_feeds: int
    start: int = 0


def utf8(data: bytes, source: str, problems: Problems) -> Text | None:
    """``data``, if it may be UTF-8 or GB18030 text, with where its text begins (after a
    UTF-8 byte-order mark, which is not cut off: a copy of a large file) and the number
    of its line feeds, counted on the way.

    Reports (and returns None for) an empty file, UTF-16, and control
    characters. Whether the bytes are valid UTF-8 is left to the CSV parser,
    which checks every cell; :func:`from_gb18030` is the fallback.
    """
    if not data:
        problems.add_error(source, _("the file is empty; expected a header line and rows"))
        return None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        problems.add_error(source, _(NOT_TEXT) + _(" (it looks like UTF-16; save it as UTF-8)"))
        return None
    start = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    line_feeds = _line_feeds(data)
    if line_feeds is None:
        if data[:1000].count(0) > len(data[:1000]) // 4:
            problems.add_error(source, _(NOT_TEXT) + _(" (it looks like UTF-16; save it as UTF-8)"))
            return None
        found = _CONTROL_AT.search(data)
        assert found is not None
        line, cell = position(data, found.start())
        byte = data[found.start()]
        what = (
            _("a NUL character")
            if byte == 0
            else _("a control character 0x{byte:02x}").format(byte=byte)
        )
        problems.add_error(
            source,
            _(
                "{what} in cell {cell}; expected text (a damaged export or a binary file?): "
                "remove it, or save the file again as UTF-8 or GBK CSV"
            ).format(what=what, cell=cell),
            row=line,
        )
        return None
    return Text(data, line_feeds, start)


def from_gb18030(data: bytes, source: str, problems: Problems) -> bytes | None:
    """GB18030 text transcoded to UTF-8, or None (reported) when it is not such text."""
    if data.startswith(codecs.BOM_UTF8):  # a BOM promises UTF-8: no second guess
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as error:
            _bad_byte(data, error.start, source, problems, N_("the byte"))
        return None
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError as error:
        _bad_byte(data, error.start, source, problems, N_("the byte"))
        return None
    private = re.search(_PRIVATE_USE, text)
    if private is not None:
        offset = len(text[: private.start()].encode("gb18030"))
        _bad_byte(data, offset, source, problems, N_("the byte"))
        return None
    return text.encode("utf-8")
