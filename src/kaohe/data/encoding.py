"""Decoding table files whose encoding the user does not state.

Accepted: UTF-8 with or without a byte-order mark, else GB18030 (a superset
of GBK and GB2312, what Excel on a Chinese Windows saves). Anything else is a
:class:`~kaohe.errors.DataError`.
"""

from __future__ import annotations

import codecs
import re

from kaohe.errors import DataError

#: Bytes of control characters never found in a text table (tab, CR and LF allowed).
#: In UTF-8 and GB18030 a byte below 0x80 is always an ASCII character.
_CONTROL = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
#: Private-use code points: what GB18030 gives for bytes that are no real text.
_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")

NOT_TEXT = "not UTF-8 or GBK/GB18030 text"


def decode(data: bytes, source: str) -> str:
    """The text of a table file: UTF-8 (BOM optional), else GB18030.

    Raises :class:`DataError` naming ``source`` when ``data`` is empty, or
    is not text in one of those encodings (e.g. UTF-16, binary data):
    bytes that do not decode, NUL or other control characters, or (for
    GB18030) private-use characters.
    """
    if not data:
        raise DataError(source, "the file is empty; expected a header line and rows")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise DataError(source, f"{NOT_TEXT} (it looks like UTF-16; save it as UTF-8)")
    text: str | None
    if data.startswith(codecs.BOM_UTF8):
        text = _try(data[len(codecs.BOM_UTF8) :], "utf-8")
    else:
        text = _try(data, "utf-8")
        if text is None:
            text = _try(data, "gb18030")
            if text is not None and _PRIVATE_USE.search(text):
                text = None
    if text is None or len(data.translate(None, _CONTROL)) != len(data):
        raise DataError(source, f"{NOT_TEXT}; save the file as UTF-8 or GBK")
    return text


def _try(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None
