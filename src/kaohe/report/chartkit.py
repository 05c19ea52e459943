"""What every chart of kaohe shares: the A4 width, text measured before it is placed, grade marks.

Charts are plain SVG written by hand (no plotting library): a handful of
rectangles, lines and texts. To keep every label inside the picture a
chart measures its texts with :func:`text_width`, a deliberately generous
estimate (a CJK character is one em, anything else 0.62 em, wider than the
glyphs of the sans-serif fonts named in :data:`FONT`), and cuts a label
that does not fit with :func:`fit`.

Grades are told apart without colour: each grade has a fill pattern
(:func:`grade_patterns`: solid, hatched, dotted, cross-hatched) besides its
colour, and charts write the grade's name or share in or beside its marks.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from html import escape

#: The width of a chart: an A4 page (210 mm, 794 px at 96 px per inch) less margins.
A4_WIDTH = 680
FONT = (
    "Noto Sans CJK SC, Source Han Sans SC, PingFang SC, Microsoft YaHei, SimHei, "
    "WenQuanYi Micro Hei, sans-serif"
)
#: Grade colours by position in a grade list (best first).
GRADE_COLOURS = ("#2e7d32", "#1565c0", "#e0a000", "#c62828", "#8a8a8a")
#: The width of a character that is not wide (CJK), in em: generous on purpose.
NARROW_EM = 0.62
ELLIPSIS = "…"


def text_width(text: str, size: float) -> float:
    """A generous estimate of the width of ``text`` at font size ``size`` (pixels)."""
    wide = sum(1 for char in text if unicodedata.east_asian_width(char) in "WF")
    return size * (wide + NARROW_EM * (len(text) - wide))


def fit(text: str, size: float, room: float) -> str:
    """``text``, cut and ended with … if it is wider than ``room`` at ``size``."""
    if text_width(text, size) <= room:
        return text
    while text and text_width(text + ELLIPSIS, size) > room:
        text = text[:-1]
    return text + ELLIPSIS if text else ""


def svg(width: float, height: float, label: str, body: Sequence[str]) -> str:
    """A standalone SVG picture of ``width`` x ``height`` pixels on white."""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" role="img" aria-label="{escape(label)}" '
        f'font-family="{FONT}" font-size="12" fill="#1f2933">\n'
        f'<rect width="{width:.0f}" height="{height:.0f}" fill="white"/>\n'
        + "\n".join(body)
        + "\n</svg>\n"
    )


def text(
    x: float,
    y: float,
    content: str,
    anchor: str = "start",
    size: float = 12,
    extra: str = "",
) -> str:
    """A ``<text>`` at baseline ``y``; ``anchor`` start, middle or end."""
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size:g}"{extra}>'
        f"{escape(content)}</text>"
    )


def segment_words(label: str, share: str, room: float, size: float, pad: float) -> str | None:
    """What a bar segment ``room`` pixels wide says: ``label share`` when it fits with
    ``pad`` to spare at font ``size``, else ``share`` alone, else nothing (None)."""
    for words in (f"{label} {share}", share):
        if text_width(words, size) + pad <= room:
            return words
    return None


def halo_text(x: float, y: float, content: str, anchor: str = "middle", size: float = 11) -> str:
    """Dark text with a white outline: readable on any colour or pattern."""
    return text(
        x,
        y,
        content,
        anchor,
        size,
        ' paint-order="stroke" stroke="white" stroke-width="3" stroke-linejoin="round"',
    )


def grade_patterns(prefix: str, count: int) -> str:
    """``<defs>`` with one fill per grade position: ``url(#{prefix}-g{i})``.

    0 solid, 1 diagonal hatching, 2 dots (small squares), 3 cross-hatching, then solid again.
    """
    parts = ["<defs>"]
    for i in range(count):
        colour = GRADE_COLOURS[i % len(GRADE_COLOURS)]
        ident = f"{prefix}-g{i}"
        kind = i % 4
        ground = f'<rect width="8" height="8" fill="{colour}"/>'
        if kind == 0:
            marks = ""
        elif kind == 1:
            marks = '<line x1="0" y1="0" x2="0" y2="8" stroke="white" stroke-width="2.5"/>'
        elif kind == 2:
            marks = '<rect x="2.5" y="2.5" width="3" height="3" fill="white"/>'
        else:
            marks = (
                '<line x1="0" y1="0" x2="0" y2="8" stroke="white" stroke-width="2"/>'
                '<line x1="0" y1="0" x2="8" y2="0" stroke="white" stroke-width="2"/>'
            )
        rotate = ' patternTransform="rotate(45)"' if kind in (1, 3) else ""
        parts.append(
            f'<pattern id="{ident}" width="8" height="8" patternUnits="userSpaceOnUse"{rotate}>'
            f"{ground}{marks}</pattern>"
        )
    parts.append("</defs>")
    return "".join(parts)


def grade_fill(prefix: str, index: int) -> str:
    """The fill of grade position ``index`` (see :func:`grade_patterns`)."""
    return f"url(#{prefix}-g{index})"


def legend(
    prefix: str, labels: Sequence[str], x: float, y: float, size: float = 12
) -> tuple[list[str], float]:
    """A legend line of swatches and labels starting at ``(x, y)``; its marks and right end."""
    body = []
    at = x
    for i, label in enumerate(labels):
        body.append(
            f'<rect x="{at:.1f}" y="{y - size + 1:.1f}" width="{size + 2:g}" height="{size:g}" '
            f'fill="{grade_fill(prefix, i)}" stroke="#555" stroke-width="0.5"/>'
        )
        body.append(text(at + size + 6, y, label, size=size))
        at += size + 6 + text_width(label, size) + 14
    return body, at


def nice_step(span: float, most: int = 8) -> float:
    """A round step (1, 2 or 5 times a power of ten) giving at most ``most`` ticks over ``span``."""
    if span <= 0:
        return 1.0
    power = 10.0 ** int(f"{span / most:e}".split("e")[1])
    for factor in (1.0, 2.0, 5.0, 10.0):
        if span / (factor * power) <= most:
            return factor * power
    return 10.0 * power
