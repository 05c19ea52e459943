"""The scan for control characters finds exactly the bytes a CSV file may not hold,
and counts the line feeds of one that holds none."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kaohe.data import encoding

_BYTES = st.sampled_from([0x00, 0x08, 0x09, 0x0A, 0x0B, 0x0D, 0x1F, 0x20, 0x41, 0x7F, 0x80, 0xE4])


@given(st.lists(_BYTES, max_size=40))
def test_control_bytes_are_found_across_blocks(values: list[int]) -> None:
    data = bytes(values)
    control = len(data.translate(None, encoding._CONTROL)) != len(data)
    expected = None if control else data.count(b"\n")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(encoding, "_BLOCK", 4)
        assert encoding._line_feeds(data) == expected
    assert encoding._line_feeds(data) == expected
