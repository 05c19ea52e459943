"""How deep a scheme may nest, checked without recursion.

No scheme needs tables or arrays nested more than :data:`MAX_DEPTH` deep
(the deepest, ``accountability.types.诫勉.grade``, is four). A deeper one is
refused with the key where it goes too deep: :func:`too_deep` walks a
parsed document; :func:`deep_key` finds the key in the text of a document
that nests too deep for the TOML parser itself (which recurses and gives
up, without saying where, a few hundred levels down).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

MAX_DEPTH = 10


def too_deep(document: Mapping[str, Any], limit: int = MAX_DEPTH) -> str | None:
    """The dotted key of the first value nested more than ``limit`` deep, or None."""
    stack: list[tuple[str, Any, int]] = [("", document, 0)]
    while stack:
        path, value, depth = stack.pop()
        if depth > limit:
            return path
        if isinstance(value, Mapping):
            items = [(f"{path}.{key}" if path else str(key), item) for key, item in value.items()]
        elif isinstance(value, list):
            items = [(f"{path}[{index}]", item) for index, item in enumerate(value)]
        else:
            continue
        stack.extend((key, item, depth + 1) for key, item in reversed(items))
    return None


def _string_end(text: str, start: int) -> int:
    """The index after the TOML string that begins at ``start`` (or the text's end)."""
    for quote in ('"""', "'''"):
        if text.startswith(quote, start):
            end = text.find(quote, start + 3)
            while quote == '"""' and end > 0 and _escaped(text, end):
                end = text.find(quote, end + 1)
            return len(text) if end < 0 else end + 3
    quote = text[start]
    index = start + 1
    while index < len(text) and text[index] not in (quote, "\n"):
        index += 2 if quote == '"' and text[index] == "\\" else 1
    return index + 1


def _escaped(text: str, index: int) -> bool:
    slashes = 0
    while index - slashes - 1 >= 0 and text[index - slashes - 1] == "\\":
        slashes += 1
    return slashes % 2 == 1


def deep_key(text: str, limit: int = MAX_DEPTH) -> tuple[str, int] | None:
    """``(dotted key, line)`` where the arrays and inline tables of ``text`` nest past ``limit``.

    Reads characters, not TOML: strings and comments are skipped, ``[`` and
    ``{`` counted; a ``[`` that opens a line outside any value is a table
    header, which names the table of the keys below it.
    """
    table, key, depth, line = "", "", 0, 1
    index, line_start = 0, True
    while index < len(text):
        char = text[index]
        if char == "\n":
            line += 1
            line_start = depth == 0
        elif char in "\"'":
            end = _string_end(text, index)
            line += text.count("\n", index, end)
            index = end
            continue
        elif char == "#":
            end = text.find("\n", index)
            index = len(text) if end < 0 else end
            continue
        elif char == "[" and line_start and depth == 0:  # a table header
            end = text.find("\n", index)
            end = len(text) if end < 0 else end
            table = text[index:end].split("#")[0].strip().strip("[]").strip()
            index = end
            continue
        elif char in "[{":
            if depth == 0:
                start = text.rfind("\n", 0, index) + 1
                key = text[start:index].split("=")[0].strip().replace('"', "").replace("'", "")
            depth += 1
            if depth > limit:
                return (f"{table}.{key}" if table and key else table or key), line
        elif char in "]}":
            depth = max(depth - 1, 0)
        elif not char.isspace():
            line_start = False
        index += 1
    return None
