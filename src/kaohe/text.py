"""Normalising vocabulary written by hand: traditional characters to simplified.

Scheme-defined vocabularies (categories, indicators, survey groups, problem
categories) are compared in their simplified spelling, so that a ledger
typed in traditional characters (通報批評, 縣) means the same as one in
simplified characters. The converter is loaded on first use only.
"""

from __future__ import annotations

import functools
from collections.abc import Callable


@functools.cache
def _converter() -> Callable[[str], str]:
    import opencc

    return opencc.OpenCC("t2s").convert  # type: ignore[no-any-return]


@functools.lru_cache(maxsize=65536)
def to_simplified(text: str) -> str:
    """``text`` in simplified characters; ASCII text is returned as it is."""
    if text.isascii():
        return text
    return _converter()(text)
